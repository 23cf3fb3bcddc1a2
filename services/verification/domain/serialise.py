"""Records to plain dicts and back, so adapters can store them (times stay aware datetimes)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from .actions import Action
from .callback import CallbackAttempt
from .inputs import ResponsibilityFinding
from .policy import CategoryRules
from .recurrence import Recurrence
from .times import stored

if TYPE_CHECKING:
    from .state import RecordState

_TIMES = ("opened_at", "customer_closed_at", "management_closed_at")


def record_to_dict(record: RecordState) -> dict[str, Any]:
    data = {name: getattr(record, name) for name in record.__dataclass_fields__}
    data.update(
        attributes=dict(record.attributes), customer_closures=list(record.customer_closures),
        rules=record.rules.to_dict() if record.rules else None,
        late_report_grace_seconds=data.pop("late_report_grace").total_seconds(),
        finding=dict(vars(record.finding)) if record.finding else None,
        actions=[action.to_dict() for action in record.actions.values()],   # a list keeps the plan order
        callbacks=[attempt.to_dict() for attempt in record.callbacks],
        recurrences=[item.to_dict() for item in record.recurrences],
        reopenings=[dict(item) for item in record.reopenings],
        applied_event_ids=list(record.applied_event_ids))
    return data


def record_from_dict(data: dict[str, Any]) -> dict[str, Any]:
    """Constructor arguments for VerificationRecord from a stored dict."""
    values = dict(data)
    values.pop("_id", None)
    for name in _TIMES:
        values[name] = stored(values.get(name))
    values["customer_closures"] = [stored(item) for item in values.get("customer_closures", [])]
    values["rules"] = CategoryRules.from_dict(values["rules"]) if values.get("rules") else None
    values["late_report_grace"] = timedelta(seconds=float(values.pop("late_report_grace_seconds", 0)))
    values["finding"] = ResponsibilityFinding(**values["finding"]) if values.get("finding") else None
    values["actions"] = {item["action_id"]: Action.from_dict(item) for item in values.get("actions", [])}
    values["callbacks"] = [CallbackAttempt.from_dict(item) for item in values.get("callbacks", [])]
    values["recurrences"] = [Recurrence.from_dict(item) for item in values.get("recurrences", [])]
    values["reopenings"] = [{**item, "at": stored(item["at"])} for item in values.get("reopenings", [])]
    return values
