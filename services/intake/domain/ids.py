"""Deterministic ids: a redelivery after a restart must name the same case, submission and event."""

from __future__ import annotations

import uuid

# Fixed for ever: changing it would give every redelivered submission a new case.
INTAKE_NAMESPACE = uuid.UUID("0d7c9a56-7f43-4c1e-8f0e-3b7d8e1c2a94")


def submission_key(channel: str, submission_id: str) -> str:
    """The idempotency key of a submission: the sending channel and its own id."""
    return f"{channel}:{submission_id}"


def submission_uuid(channel: str, submission_id: str) -> str:
    return str(uuid.uuid5(INTAKE_NAMESPACE, f"submission:{submission_key(channel, submission_id)}"))


def case_id_for(channel: str, submission_id: str) -> str:
    """The case a submission opens (or would have opened, had it not been merged)."""
    return str(uuid.uuid5(INTAKE_NAMESPACE, f"case:{submission_key(channel, submission_id)}"))


def proxy_case_id_for(region: str, category: str, first_member_case_id: str) -> str:
    """One proxy case per fault burst: named by the fault and the burst's earliest member."""
    return str(uuid.uuid5(INTAKE_NAMESPACE, f"proxy:{region}|{category}|{first_member_case_id}"))


def event_id_for(event_type: str, *cause: str) -> str:
    """An event is named by what it is and what caused it, so re-deciding re-emits the same id."""
    return str(uuid.uuid5(INTAKE_NAMESPACE, "|".join((event_type, *cause))))
