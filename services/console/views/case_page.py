"""A case's page: its state and the whole timeline across the four services, in time order."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from complaints.v1 import (case_events_pb2, common_pb2, dispatch_service_pb2, escalation_service_pb2,
                           intake_service_pb2, verification_service_pb2)
from complaint_platform.masking import mask_fields

from .common import enum_key, local_text, moment

EARLIEST = datetime.min.replace(tzinfo=timezone.utc)
ENVELOPE = {"event_id", "event_type", "case_id", "occurred_at", "producer", "causation_id", "eventId", "eventType",
            "caseId", "occurredAt", "causationId"}
DETAIL_LIMIT = 240  # characters of an event's fields on its timeline row; the rest is in the service


@dataclass(frozen=True)
class TimelineRow:
    at: str
    producer: str
    event: str
    details: str


@dataclass
class CasePage:
    case_id: str
    case: dict[str, Any] | None = None
    submissions: list[dict[str, Any]] = field(default_factory=list)
    work_orders: list[dict[str, Any]] = field(default_factory=list)
    supervision: dict[str, Any] | None = None
    timeline: list[TimelineRow] = field(default_factory=list)
    record: dict[str, Any] | None = None
    audit: list[dict[str, Any]] = field(default_factory=list)

    @property
    def producers(self) -> list[str]:
        return sorted({row.producer for row in self.timeline})

    @property
    def audit_intact(self) -> bool:
        return all(entry["intact"] for entry in self.audit)


def event_body(envelope_json: str) -> dict[str, Any]:
    """The event inside a timeline entry's envelope (its one member that is a message), without
    the envelope's ids and times, which the row shows in its own columns."""
    try:
        fields = json.loads(envelope_json or "{}")
    except ValueError:
        return {}
    return next((value for key, value in fields.items() if isinstance(value, dict) and key not in ENVELOPE), {})


def field(body: dict[str, Any], snake: str) -> Any:
    """A field by its proto name, or by its JSON name when the entry was written with those."""
    parts = snake.split("_")
    return body.get(snake, body.get(parts[0] + "".join(part.title() for part in parts[1:])))


def event_details(envelope_json: str) -> str:
    """``key: value`` pairs of an event, personal data masked, shortened for the row."""
    masked = mask_fields(event_body(envelope_json))
    text = "; ".join(f"{key}: {json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else value}"
                     for key, value in masked.items() if key not in ("caseId", "case_id"))
    return text if len(text) <= DETAIL_LIMIT else text[:DETAIL_LIMIT - 1] + "…"


def case_summary(view: intake_service_pb2.CaseView, zone: str) -> dict[str, Any]:
    return {"case_id": view.case_id, "status": enum_key(common_pb2.CaseStatus, view.status),
            "customer_id": view.customer_id, "category": view.category, "region": view.region,
            "severity": view.severity, "tier": view.tier, "priority": view.priority, "owner": view.owner,
            "channels": [enum_key(common_pb2.Channel, channel) for channel in view.channels],
            "contact_count": view.contact_count, "escalation_level": view.escalation_level, "overdue": view.overdue,
            "regulator_case": view.regulator_case, "regulator_risk": round(view.regulator_risk, 2),
            "current_deadline": local_text(view.current_deadline, zone),
            "registered_at": local_text(view.registered_at, zone), "proxy_case_id": view.proxy_case_id}


def submissions(answer: intake_service_pb2.ListSubmissionsResponse, timeline: list[Any], zone: str) -> list[dict]:
    """Each contact, and how it joined the case: the first registered it, later ones were merged
    (SubmissionLinked says with which contact count and risk) or split off again."""
    linked: dict[str, str] = {}
    for entry in timeline:
        kind, body = entry.event_type.rsplit(".", 1)[-1], event_body(entry.json)
        if kind == "SubmissionLinked":
            linked[field(body, "submission_id") or ""] = (f"SubmissionLinked #{field(body, 'contact_count') or '?'}"
                                                          f" risk {field(body, 'regulator_risk') or 0}")
        elif kind == "SubmissionSplit":
            linked[field(body, "submission_id") or ""] = f"SubmissionSplit: {field(body, 'reason') or ''}"
    rows = []
    for index, item in enumerate(answer.submissions):
        rows.append({"submission_id": item.submission_id, "channel": enum_key(common_pb2.Channel, item.channel),
                     "received_at": local_text(item.received_at, zone), "summary": item.summary,
                     "first_contact": item.first_contact,
                     "how": linked.get(item.submission_id, "CaseRegistered" if index == 0 else "")})
    return rows


def work_orders(answer: dispatch_service_pb2.ListWorkOrdersResponse, zone: str) -> list[dict[str, Any]]:
    return [{"work_order_id": order.work_order_id, "department": order.department, "level": order.level,
             "kind": enum_key(case_events_pb2.WorkOrderKind, order.kind),
             "state": enum_key(dispatch_service_pb2.WorkOrderState, order.state),
             "due_at": local_text(order.due_at, zone), "dispatched_at": local_text(order.dispatched_at, zone),
             "resolution": order.resolution} for order in answer.work_orders]


def supervision(answer: escalation_service_pb2.GetCaseSupervisionResponse, zone: str) -> dict[str, Any]:
    entry = answer.supervision if answer.HasField("supervision") else None
    return {"escalation_level": answer.escalation_level, "overdue": answer.overdue,
            "regulator_risk": round(answer.regulator_risk, 2), "supervised": answer.supervised,
            "supervisor": entry.supervisor if entry else "", "since": local_text(entry.since, zone) if entry else "",
            "reason": entry.reason if entry else "",
            "urgings": [{"by": u.by, "note": u.note, "at": local_text(u.at, zone)} for u in (entry.urgings if entry
                                                                                              else [])],
            "deadlines": [{"kind": enum_key(case_events_pb2.DeadlineKind, d.kind), "subject_id": d.subject_id,
                           "due_at": local_text(d.due_at, zone),
                           "state": enum_key(escalation_service_pb2.DeadlineState, d.state)}
                          for d in answer.deadlines]}


def verification(record: verification_service_pb2.RecordView, zone: str) -> dict[str, Any]:
    data = json.loads(record.json or "{}")
    closed_at = moment(record.customer_closed_at)
    window = (data.get("rules") or {}).get("recurrence_window_seconds")
    return {"result": enum_key(verification_service_pb2.VerificationResult, record.result),
            "responsible_unit": record.responsible_unit, "root_cause_class": record.root_cause_class,
            "company_at_fault": enum_key(common_pb2.CompanyFault, record.company_at_fault)
            if record.company_at_fault else "",
            "customer_closed_at": local_text(closed_at, zone),
            "management_closed_at": local_text(record.management_closed_at, zone),
            "window_ends_at": local_text(closed_at + timedelta(seconds=window), zone) if closed_at and window else "",
            "blockers": list(record.blockers),
            "actions": [{"action_id": a.get("action_id", ""), "kind": a.get("kind", ""), "owner": a.get("owner", ""),
                         "due_at": local_text(a.get("due_at"), zone), "description": a.get("description", ""),
                         "evidence": a.get("evidence", ""), "verified_at": local_text(a.get("verified_at"), zone)}
                        for a in data.get("actions", [])],
            "callbacks": [{"outcome": c.get("outcome", ""), "called_at": local_text(c.get("called_at"), zone),
                           "reason": c.get("reason", "")} for c in data.get("callbacks", [])],
            "recurrences": len(data.get("recurrences", []))}


def audit(answer: verification_service_pb2.GetCaseAuditResponse, zone: str) -> list[dict[str, Any]]:
    return [{"seq": entry.seq, "entry_type": entry.entry_type, "recorded_at": local_text(entry.recorded_at, zone),
             "hash": entry.hash[:12], "intact": entry.intact, "problem": entry.problem} for entry in answer.entries]


def timeline(answer: escalation_service_pb2.GetTimelineResponse, zone: str) -> list[TimelineRow]:
    # stable: entries of the same moment keep the order the escalation service recorded them in
    entries = sorted(answer.entries, key=lambda e: moment(e.occurred_at) or EARLIEST)
    return [TimelineRow(local_text(e.occurred_at, zone, seconds=True), e.producer, e.event_type.rsplit(".", 1)[-1],
                        event_details(e.json)) for e in entries]
