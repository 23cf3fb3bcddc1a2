"""gRPC lookups of the intake service: cases, submissions, search, proxy members."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from complaints.v1 import common_pb2, intake_service_pb2, intake_service_pb2_grpc
from complaint_platform.envelope import from_timestamp, to_timestamp
from complaint_platform.access import acting
from complaint_platform.grpc_errors import BadRequest, NotFound, require_id, rpc
from complaint_platform.paging import decode_token, encode_token, page_size, period, rows_after, scope_of

from .documents import CaseRecord, CaseViewRecord, PublicOpinionItem, SubmissionRecord

VIEW_FIELDS = frozenset({"owner", "open_deadlines", "escalation_level", "overdue", "updated_at"})


class _Stored:
    """A stored case as read straight from MongoDB, with the attribute names of ``CaseRecord``,
    and what the other services report about it from its view document (a case stored before
    views had their own documents carries them itself)."""

    __slots__ = ("_doc", "_view")

    def __init__(self, doc: Mapping[str, Any], view: Mapping[str, Any] | None = None) -> None:
        self._doc, self._view = doc, view

    def __getattr__(self, name: str) -> Any:
        if self._view is not None and name in VIEW_FIELDS:
            return self._view.get(name)
        return self._doc.get("_id" if name == "case_id" else name)


def stored_cases(docs: list[Mapping[str, Any]]) -> list[_Stored]:
    """Cases with their views: one more find for the page."""
    views = {view["_id"]: view for view in CaseViewRecord._get_collection().find(
        {"_id": {"$in": [doc["_id"] for doc in docs]}})} if docs else {}
    return [_Stored(doc, views.get(doc["_id"])) for doc in docs]


def case_view(record: _Stored | Mapping[str, Any], view: Mapping[str, Any] | None = None) -> intake_service_pb2.CaseView:
    """The view of a case, from a stored case or from its raw document and view document."""
    if isinstance(record, Mapping):
        record = _Stored(record, view)
    view = intake_service_pb2.CaseView(
        case_id=record.case_id, status=common_pb2.CaseStatus.Value(f"CASE_STATUS_{record.status}"),
        customer_id=record.customer_id, category=record.category, severity=record.severity or 0,
        tier=record.tier or 0, priority=record.priority or 0, region=record.region or "",
        channels=[common_pb2.Channel.Value(f"CHANNEL_{name}") for name in record.channels or []],
        contact_count=record.contact_count or 1, owner=record.owner or "",
        escalation_level=record.escalation_level or 0, overdue=bool(record.overdue),
        regulator_case=bool(record.regulator_case), regulator_risk=record.regulator_risk or 0.0,
        needs_triage=bool(record.needs_triage), category_rule=record.category_rule or "",
        proxy_case_id=record.proxy_case_id or "", proxy_case=bool(record.proxy_case),
        # cases stored before the model (issue 16) have neither: a rule decided them
        category_confidence=1.0 if record.category_confidence is None else record.category_confidence,
        category_candidates=[common_pb2.CategoryCandidate(category=item.get("category", ""),
                                                          confidence=item.get("confidence", 0.0))
                             for item in record.category_candidates or []],
    )
    deadlines = [due for due in (record.open_deadlines or {}).values() if isinstance(due, datetime)]
    if deadlines:
        view.current_deadline.CopyFrom(to_timestamp(min(deadlines)))
    for field, value in (("registered_at", record.registered_at), ("updated_at", record.updated_at)):
        if value is not None:
            getattr(view, field).CopyFrom(to_timestamp(value))
    return view


class IntakeLookups(intake_service_pb2_grpc.IntakeServiceServicer):
    """Reads only; commands that change cases go through ``IntakeCommands``."""

    def __init__(self, commands=None) -> None:
        self._commands = commands

    @rpc
    def GetCase(self, request, context):
        # The hottest lookup: one find by _id on the raw collection. Building mongoengine documents
        # cost about as much CPU again as the rest of the call (measured: 0.7 of 0.8 ms per call),
        # and a projection would not help, SecantusDB spends more applying it than it saves.
        cases = CaseRecord._get_collection()
        if request.case_id:
            record = cases.find_one({"_id": require_id(request.case_id, "case_id")})
        elif request.submission_id:
            if request.channel == common_pb2.CHANNEL_UNSPECIFIED:
                raise BadRequest("channel is required with submission_id")
            key = submission_key(request.channel, require_id(request.submission_id, "submission_id"))
            submission = SubmissionRecord._get_collection().find_one({"_id": key})
            record = cases.find_one({"_id": submission["case_id"]}) if submission else None
        else:
            raise BadRequest("give case_id, or channel and submission_id")
        if record is None:
            raise NotFound("no such case")
        return intake_service_pb2.GetCaseResponse(case=case_view(record, _view_of(record["_id"])))

    @rpc
    def ListCustomerCases(self, request, context):
        customer = require_id(request.customer_id, "customer_id")
        size = page_size(request.page.page_size)
        order = ("-registered_at", "-case_id")
        last = decode_token(request.page.page_token, scope_of(request), (datetime, str))
        if last:
            records = rows_after(lambda raw, limit: _cases(raw, order, limit),
                                 {"customer_id": customer}, ["registered_at", "_id"], last, descending=True, size=size)
        else:
            records = _cases({"customer_id": customer}, order, size + 1)
        return intake_service_pb2.ListCustomerCasesResponse(**_page(records, size, scope_of(request)))

    @rpc
    def ListSubmissions(self, request, context):
        case_id = require_id(request.case_id, "case_id")
        submissions = SubmissionRecord.objects(case_id=case_id).order_by("received_at", "key")
        return intake_service_pb2.ListSubmissionsResponse(submissions=[
            intake_service_pb2.SubmissionView(
                submission_id=item.submission_id, channel=common_pb2.Channel.Value(f"CHANNEL_{item.channel}"),
                case_id=item.case_id, received_at=to_timestamp(item.received_at) if item.received_at else None,
                summary=item.summary or "", first_contact=item.first_contact or "",
                merge_reason=item.merge_reason or "")
            for item in submissions])

    @rpc
    def SearchCases(self, request, context):
        size = page_size(request.page.page_size)
        raw: dict = {}
        if request.region:
            raw["region"] = request.region
        if request.category:
            raw["category"] = request.category
        if request.channel:
            raw["channels"] = common_pb2.Channel.Name(request.channel).removeprefix("CHANNEL_")
        if request.status:
            raw["status"] = common_pb2.CaseStatus.Name(request.status).removeprefix("CASE_STATUS_")
        if window := period(request, "registered"):
            raw["registered_at"] = window
        order = ("registered_at", "case_id")
        if request.overdue:
            return intake_service_pb2.SearchCasesResponse(**_overdue_page(raw, request, size))
        last = decode_token(request.page.page_token, scope_of(request), (datetime, str))
        if last:
            records = rows_after(lambda query, limit: _cases(query, order, limit), raw, ["registered_at", "_id"],
                                 last, descending=False, size=size)
        else:
            records = _cases(raw, order, size + 1)
        return intake_service_pb2.SearchCasesResponse(**_page(records, size, scope_of(request)))

    @rpc
    def ListMentions(self, request, context):
        size = page_size(request.page.page_size)
        raw: dict = {}
        for field in ("region", "category"):
            if getattr(request, field):
                raw[field] = getattr(request, field)
        if window := period(request, "posted"):
            raw["posted_at"] = window
        last = decode_token(request.page.page_token, scope_of(request), (datetime, str))
        if last:
            rows = rows_after(_mentions, raw, ["posted_at", "_id"], last, descending=True, size=size)
        else:
            rows = _mentions(raw, size + 1)
        more, rows = len(rows) > size, rows[:size]
        token = encode_token([rows[-1]["posted_at"].isoformat(), rows[-1]["_id"]], scope_of(request)) \
            if more and rows else ""
        return intake_service_pb2.ListMentionsResponse(mentions=[_mention_view(row) for row in rows],
                                                       next_page_token=token)

    @rpc
    def ListProxyMembers(self, request, context):
        record = CaseRecord.objects(case_id=require_id(request.case_id, "case_id")).first()
        if record is None or not record.proxy_case:
            raise NotFound("no such proxy case")
        return intake_service_pb2.ListProxyMembersResponse(member_case_ids=list(record.proxy_members or []))

    @rpc
    def SummariseCases(self, request, context):
        window = period(request, "registered")
        day_from = from_timestamp(request.day_from) if request.HasField("day_from") else None
        cases = CaseRecord._get_collection()
        channels: Counter = Counter()
        day_channels: Counter = Counter()
        registered = registered_day = 0
        # one pass over the period's cases: every count the overview shows costs a scan on the database
        for doc in cases.find({"registered_at": window} if window else {}, {"channels": 1, "registered_at": 1}):
            registered += 1
            channels.update(set(doc.get("channels") or ()))
            if day_from is not None and _utc(doc["registered_at"]) >= _utc(day_from):
                registered_day += 1
                day_channels.update(set(doc.get("channels") or ()))
        open_cases = {doc["_id"]: doc["status"] for doc in cases.find({"status": {"$ne": "CLOSED"}}, {"status": 1})}
        statuses = Counter(open_cases.values())
        open_overdue = len(_overdue_ids() & open_cases.keys())
        return intake_service_pb2.SummariseCasesResponse(
            registered=registered, overdue_now=open_overdue, registered_day=registered_day,
            by_channel=_channel_counts(channels), day_by_channel=_channel_counts(day_channels),
            open_by_status=[intake_service_pb2.StatusCount(status=common_pb2.CaseStatus.Value(f"CASE_STATUS_{name}"),
                                                           cases=n) for name, n in sorted(statuses.items())])

    @rpc
    def SplitSubmission(self, request, context):
        if self._commands is None:
            raise BadRequest("commands are not enabled on this server")
        if not request.reason.strip():
            raise BadRequest("reason is required")
        new_case_id = self._commands.split(require_id(request.case_id, "case_id"),
                                           submission_key(request.channel,
                                                          require_id(request.submission_id, "submission_id")),
                                           acting(request.operator), request.reason)
        record = CaseRecord._get_collection().find_one({"_id": new_case_id})
        return intake_service_pb2.SplitSubmissionResponse(new_case=case_view(record, _view_of(new_case_id)))


def _overdue_ids() -> set[str]:
    # overdue lives in the case views (what escalation reports), not in the indexed case; the ids
    # are matched here: SecantusDB compares every id of an $in with every document (seconds for thousands)
    return {view["_id"] for view in CaseViewRecord._get_collection().find({"overdue": True}, {"_id": 1})}


def _overdue_page(raw: dict, request, size: int) -> dict:
    """A page of overdue cases matching ``raw``, in registration order, walking the cases after the
    page token and keeping the overdue ones (pages are keyed as every other search's)."""
    overdue, scope = _overdue_ids(), scope_of(request)
    last = decode_token(request.page.page_token, scope, (datetime, str))
    query = dict(raw)
    if last:
        since, case_id = last
        query = {"$and": [raw, {"$or": [{"registered_at": {"$gt": since}},
                                        {"registered_at": since, "_id": {"$gt": case_id}}]}]}
    found = []
    for doc in CaseRecord._get_collection().find(query).sort([("registered_at", 1), ("_id", 1)]):
        if doc["_id"] in overdue:
            found.append(doc)
            if len(found) > size:
                break
    return _page(stored_cases(found), size, scope)


def _utc(moment: datetime) -> datetime:
    """Naive UTC, as the database returns times, whichever the driver's setting."""
    return moment.astimezone(timezone.utc).replace(tzinfo=None) if moment.tzinfo else moment


def _channel_counts(counts: Counter) -> list[intake_service_pb2.ChannelCount]:
    return [intake_service_pb2.ChannelCount(channel=common_pb2.Channel.Value(f"CHANNEL_{name}"), cases=n)
            for name, n in counts.most_common()]


def submission_key(channel: int, submission_id: str) -> str:
    return f"{common_pb2.Channel.Name(channel).removeprefix('CHANNEL_')}:{submission_id}"


def _view_of(case_id: str) -> Mapping[str, Any] | None:
    return CaseViewRecord._get_collection().find_one({"_id": case_id})


def _cases(raw: dict, order: tuple[str, ...], limit: int) -> list[_Stored]:
    sort = [("_id" if name.lstrip("-") == "case_id" else name.lstrip("-"), -1 if name.startswith("-") else 1)
            for name in order]
    return stored_cases(list(CaseRecord._get_collection().find(raw).sort(sort).limit(limit)))


def _mentions(raw: dict, limit: int) -> list[dict]:
    """Newest first on the (region, category, posted_at) index of public_opinion."""
    return list(PublicOpinionItem._get_collection().find(raw).sort([("posted_at", -1), ("_id", -1)]).limit(limit))


def _mention_view(row: Mapping[str, Any]) -> intake_service_pb2.MentionView:
    view = intake_service_pb2.MentionView(
        mention_id=row["_id"], platform=row.get("platform") or "", text=row.get("text") or "",
        url=row.get("url") or "", region=row.get("region") or "", category=row.get("category") or "",
        category_rule=row.get("category_rule") or "", proxy_case_id=row.get("proxy_case_id") or "")
    if row.get("posted_at") is not None:
        view.posted_at.CopyFrom(to_timestamp(row["posted_at"]))
    return view


def _page(records: list, size: int, scope: bytes) -> dict:
    """``records`` holds up to size + 1 rows: one more than the page says there is a next page."""
    more = len(records) > size
    records = records[:size]
    token = ""
    if more and records:
        last = records[-1]
        token = encode_token([last.registered_at.isoformat(), last.case_id], scope)
    return {"cases": [case_view(record) for record in records], "next_page_token": token}
