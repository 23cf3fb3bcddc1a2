"""gRPC side of escalation: supervision lookups, supervisor commands, bulletins, the full timeline."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from complaints.v1 import common_pb2, escalation_service_pb2 as pb, escalation_service_pb2_grpc
from complaint_platform.envelope import from_timestamp, to_timestamp
from complaint_platform.access import acting
from complaint_platform.grpc_errors import NotFound, require_id, rpc
from complaint_platform.paging import page_by_time

from . import store, wire
from .commands import EscalationCommands
from .domain import kpi
from .domain.policy import EscalationPolicy
from .domain.supervision import SupervisedCase
from .domain.timeline import status_of
PERIOD = {pb.BULLETIN_PERIOD_UNSPECIFIED: "daily", pb.BULLETIN_PERIOD_DAILY: "daily",
          pb.BULLETIN_PERIOD_WEEKLY: "weekly", pb.BULLETIN_PERIOD_MONTHLY: "monthly"}


def entry_view(case: SupervisedCase) -> pb.SupervisedCase:
    return pb.SupervisedCase(
        case_id=case.case_id, supervisor=case.supervisor, reason=case.supervision_reason,
        since=to_timestamp(case.supervised_since) if case.supervised_since else None,
        urgings=[pb.Urging(by=u["by"], note=u["note"], at=to_timestamp(u["at"])) for u in case.urgings])


IN_LIMIT = 200  # ids per $in query: above it a period's cases are read by one scan


def period_cases(database: Any, case_ids: list[str]) -> dict[str, SupervisedCase]:
    """The states of a period's cases. SecantusDB answers $in by comparing every id with every
    document (measured: 10,000 ids over 10,000 states took 189 s, a scan of all of them 0.5 s), so
    past IN_LIMIT ids the states are read by one scan and picked here; the few a scan does not find
    (cases stored before their state had its own document) go through ``store.load_cases``."""
    if len(case_ids) <= IN_LIMIT:
        return store.load_cases(database, case_ids)
    wanted = set(case_ids)
    cases = {doc["_id"]: SupervisedCase.from_dict(doc["state"])
             for doc in database[store.CASE_STATES].find({}, {store.TIMELINE_FIELD: 0}) if doc["_id"] in wanted}
    missing = sorted(wanted - cases.keys())
    for start in range(0, len(missing), IN_LIMIT):
        cases.update(store.load_cases(database, missing[start:start + IN_LIMIT]))
    return cases


def bulletin_report(database: Any, policy: EscalationPolicy, period: str, at: datetime) -> dict:
    start, end = kpi.period_bounds(period, at, policy.timezone)
    found = {doc["_id"]: doc for field in ("resolved_at", "opened_at")
             for doc in database[store.CASES].find({field: {"$gte": start, "$lt": end}})}
    states = period_cases(database, sorted(found))
    cards = {(doc["agent_id"], doc["month"]): doc.get("count", 0) for doc in database[store.YELLOW_CARDS].find(
        {"month": store.month_of(start)})}
    figures = []
    for case_id in sorted(states):
        case = states[case_id]
        rated = case.satisfied_ratings + case.dissatisfied_ratings
        figures.append(kpi.CaseFigures(
            case_id=case.case_id, unit=case.owner, department=case.department, region=case.region,
            opened_at=case.opened_at, resolved_at=case.resolved_at, timely=case.timely,
            escalation_level=case.escalation_level, overdue=bool(case.overdue_items),
            satisfied=(case.satisfied_ratings >= case.dissatisfied_ratings) if rated else None,
            yellow_cards=cards.pop((case.owner, store.month_of(start)), 0)))
    return kpi.bulletin(figures, period, start, end, policy.timely_target)


class EscalationServicer(escalation_service_pb2_grpc.EscalationServiceServicer):
    def __init__(self, database: Any, policy: EscalationPolicy, commands: EscalationCommands, clock) -> None:
        self._database = database
        self._policy = policy
        self._commands = commands
        self._clock = clock

    def _case(self, case_id: str) -> SupervisedCase:
        found = store.load_cases(self._database, [require_id(case_id, "case_id")])
        if case_id not in found:
            raise NotFound(f"no supervised case {case_id}")
        return found[case_id]

    @rpc
    def GetCaseSupervision(self, request, context):
        case = self._case(request.case_id)
        deadlines = sorted((deadline for deadline, _ in store.load_deadlines(self._database, [case.case_id]).values()),
                           key=lambda d: d.due_at)
        return pb.GetCaseSupervisionResponse(
            case_id=case.case_id, escalation_level=case.escalation_level, overdue=bool(case.overdue_items),
            regulator_risk=case.risk_score, supervised=bool(case.supervisor),
            supervision=entry_view(case) if case.supervisor else None,
            deadlines=[pb.DeadlineView(deadline_id=d.deadline_id, kind=wire.DEADLINE_KIND[d.kind],
                                       subject_id=d.subject_id, due_at=to_timestamp(d.due_at),
                                       state=pb.DeadlineState.Value(f"DEADLINE_STATE_{d.state}"))
                       for d in deadlines])

    @rpc
    def ListAtRiskCases(self, request, context):
        limit = min(max(request.limit, 0) or 20, 200)
        docs = self._database[store.CASES].find({"closed": False, "risk_score": {"$gt": 0}}).sort(
            [("risk_score", -1), ("_id", 1)]).limit(limit)
        return pb.ListAtRiskCasesResponse(cases=[pb.AtRiskCase(case_id=d["_id"], score=d["risk_score"],
                                                               region=d.get("region", ""),
                                                               escalation_level=d.get("escalation_level", 0))
                                                 for d in docs])

    @rpc
    def ListWatchedCases(self, request, context):
        limit = min(max(request.limit, 0) or 50, 500)
        query: dict = {"closed": False, "escalation_level": {"$gte": request.min_level}} if request.min_level > 0 \
            else {"closed": False, "$or": [{"overdue": True}, {"escalation_level": {"$gt": 0}}]}
        # the rows a watch list selects by are few next to every case, so they are sorted here
        docs = sorted(self._database[store.CASES].find(query, {"state": 0}),
                      key=lambda d: (-d.get("escalation_level", 0), -d.get("risk_score", 0.0), d["_id"]))
        return pb.ListWatchedCasesResponse(total=len(docs), cases=[pb.WatchedCase(
            case_id=d["_id"], owner=d.get("owner") or "", department=d.get("department") or "",
            region=d.get("region") or "", escalation_level=d.get("escalation_level", 0), overdue=bool(d.get("overdue")),
            regulator_risk=d.get("risk_score", 0.0), supervised=d.get("supervised_since") is not None)
            for d in docs[:limit]])

    @rpc
    def ListSupervisedCases(self, request, context):
        docs, token = page_by_time(self._database[store.CASES], {"supervised_since": {"$ne": None}},
                                   "supervised_since", request)
        states = store.load_cases(self._database, [d["_id"] for d in docs])
        return pb.ListSupervisedCasesResponse(cases=[entry_view(states[d["_id"]]) for d in docs if d["_id"] in states],
                                              next_page_token=token)

    @rpc
    def MarkForSupervision(self, request, context):
        case = self._commands.mark_for_supervision(request.case_id, acting(request.supervisor, ""), request.reason,
                                                   request.request_id)
        return pb.MarkForSupervisionResponse(entry=entry_view(case))

    @rpc
    def Urge(self, request, context):
        return pb.UrgeResponse(entry=entry_view(self._commands.urge(request.case_id, acting(request.by, ""), request.note,
                                                                    request.request_id)))

    @rpc
    def RecordShiftLeaderFinding(self, request, context):
        agent, month = request.agent_id, store.month_of(self._clock.now())
        self._commands.record_finding(request.case_id, agent, request.finding, request.yellow_card,
                                      acting(request.shift_leader, ""), month, request.request_id)
        doc = self._database[store.YELLOW_CARDS].find_one({"_id": f"{agent}:{month}"}) or {}
        return pb.RecordShiftLeaderFindingResponse(yellow_cards_this_month=doc.get("count", 0))

    @rpc
    def GetBulletin(self, request, context):
        at = from_timestamp(request.at) or self._clock.now()
        report = bulletin_report(self._database, self._policy, PERIOD[request.period], at)
        return pb.GetBulletinResponse(json=json.dumps(report, ensure_ascii=False, default=str))

    @rpc
    def GetTimeline(self, request, context):
        case_id = require_id(request.case_id, "case_id")
        entries = store.timeline(self._database, case_id)
        if not entries:
            raise NotFound(f"no events for case {case_id}")
        return pb.GetTimelineResponse(
            status=common_pb2.CaseStatus.Value(f"CASE_STATUS_{status_of(entries)}"),
            entries=[pb.TimelineEntry(event_id=e.event_id, event_type=e.event_type, producer=e.producer,
                                      occurred_at=to_timestamp(e.occurred_at), json=e.body["json"]) for e in entries])
