"""Verification's timers: closing the records whose recurrence window (and grace) has passed with
nothing missing, through the platform's command pipeline (verification has no operator command
that changes a record; the auditors' tools read), and anchoring the audit chain's head."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from complaint_platform.audit_chain import AuditSigner
from complaint_platform.commands import CommandPipeline, Decision
from complaint_platform.envelope import to_timestamp
from complaint_platform.handling import Outgoing
from complaint_platform.topics import AUDIT_ANCHORS, CASES_VERIFICATION
from complaints.v1 import verification_service_pb2 as pb

from . import store
from .domain.policy import VerificationPolicy
from .wire import to_messages

BATCH = 500
WINDOW_ACTOR = "verification:recurrence-window"  # the audit entries' actor: the timer, not a person
# the timer's command id: a record's window closes once, so its events' ids need nothing else
WINDOW_CLOSING = "window"


class WindowClosing:
    def __init__(self, database: Any, policy: VerificationPolicy, signer: AuditSigner) -> None:
        self._database = database
        self._policy = policy
        self._signer = signer
        self._pipeline = CommandPipeline(database, None, CASES_VERIFICATION, "verification")

    def close_passed_windows(self, now: datetime) -> list[Outgoing]:
        # records still blocked by something else are looked at again next tick; BATCH bounds the work
        due = store.load_records(self._database, {"status": "VERIFYING", "closes_at": {"$lte": now}})
        due = dict(sorted(due.items())[:BATCH])

        def decide(now: datetime) -> Decision:
            trail = store.AuditTrail(self._database, self._signer)
            events, closed = {}, []
            for case_id, record in due.items():
                changes = record.tick(now)
                if not changes:
                    continue
                trail.add(record, changes, now, WINDOW_ACTOR)
                events[case_id] = to_messages(changes)
                closed.append((case_id, record))

            def write(unit, produced) -> None:
                for case_id, record in closed:
                    unit.update_if_unchanged(store.RECORDS, {"_id": case_id, "status": "VERIFYING"},
                                             {"$set": store.record_document(record, now)})
                trail.save(unit)

            return Decision(None, events, write)

        return self._pipeline.apply(WINDOW_CLOSING, sorted(due), decide, now)[1]


class ChainAnchoring:
    """Publishes the audit chain's head to the anchor topic when it has moved (every replica may:
    a head published twice is the same anchor). Kept outside the database, the anchors let an
    auditor catch a chain rewritten or cut short there (audit_chain.check_anchors)."""

    def __init__(self, database: Any) -> None:
        self._database = database
        self._anchored: tuple[int, str] | None = None
        self._sending: tuple[int, str] | None = None

    def publish_head(self, now: datetime) -> list[Outgoing]:
        head = store.chain_head(self._database)
        if head is None or (head.seq, head.hash) == self._anchored:
            return []
        self._sending = (head.seq, head.hash)
        anchor = pb.AuditAnchor(service="verification", seq=head.seq, hash=head.hash, key_id=head.key_id,
                                signature=head.signature, anchored_at=to_timestamp(now))
        return [Outgoing(AUDIT_ANCHORS, "verification", anchor.SerializeToString(), f"anchor-{head.seq}-{head.hash[:16]}",
                         "AuditAnchor", "", "")]

    def published(self, event_ids: list[str]) -> None:
        """The broker has the anchor: the same head is not published again."""
        self._anchored = self._sending
