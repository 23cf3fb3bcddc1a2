"""Documents of intake's cases: the indexed case and its view (what other services report)."""

from __future__ import annotations

from complaint_platform.inbox import AppliedEvents

from .domain.case import CaseFile

# Read-model fields other services keep current; not part of intake's own rules (case_views).
VIEW_FIELDS = ("owner", "open_deadlines", "escalation_level", "overdue", "updated_at")


def view_document(case: CaseFile, view: dict, applied: list[str]) -> dict:
    return {"_id": case.case_id, "owner": view.get("owner") or "", "open_deadlines": view.get("open_deadlines") or {},
            "escalation_level": view.get("escalation_level") or 0, "overdue": bool(view.get("overdue")),
            "updated_at": view.get("updated_at") or case.registered_at, AppliedEvents.FIELD: applied}


def case_document(case: CaseFile) -> dict:
    """Indexed and displayed fields at the top level; the rules' case file under ``state``."""
    state = case.to_dict()
    return {
        "_id": case.case_id, "customer_id": case.customer_key, "category": case.category,
        "category_rule": case.category_rule, "category_confidence": case.category_confidence,
        "category_candidates": [dict(item) for item in case.category_candidates], "needs_triage": case.needs_triage, "severity": int(case.severity),
        "severity_rule": case.severity_rule, "tier": case.tier, "priority": case.priority, "region": case.region,
        "channels": [channel.value for channel in case.channels], "contact_count": case.contact_count,
        "submission_keys": case.submission_keys, "status": case.status.status.value,
        "regulator_case": case.regulator_case, "regulator_risk": case.regulator_risk, "proxy_case": case.proxy_case,
        "proxy_case_id": case.proxy_case_id, "proxy_members": list(case.proxy_members), "summary": case.summary,
        "registered_at": case.registered_at, "last_contact_at": case.last_contact_at,
        "history": state.get("history", [])[-50:], "state": state}
