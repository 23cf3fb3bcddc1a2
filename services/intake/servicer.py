"""gRPC lookups of the intake service: cases, submissions, search, proxy members."""

from __future__ import annotations

from datetime import datetime

from complaints.v1 import common_pb2, intake_service_pb2, intake_service_pb2_grpc
from complaint_platform.envelope import from_timestamp, to_timestamp
from complaint_platform.grpc_errors import BadRequest, NotFound, require_id, rpc
from complaint_platform.paging import decode_token, encode_token, page_size

from .documents import CaseRecord, SubmissionRecord


def case_view(record: CaseRecord) -> intake_service_pb2.CaseView:
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
        if request.case_id:
            record = CaseRecord.objects(case_id=require_id(request.case_id, "case_id")).first()
        elif request.submission_id:
            if request.channel == common_pb2.CHANNEL_UNSPECIFIED:
                raise BadRequest("channel is required with submission_id")
            key = submission_key(request.channel, require_id(request.submission_id, "submission_id"))
            submission = SubmissionRecord.objects(key=key).first()
            record = CaseRecord.objects(case_id=submission.case_id).first() if submission else None
        else:
            raise BadRequest("give case_id, or channel and submission_id")
        if record is None:
            raise NotFound("no such case")
        return intake_service_pb2.GetCaseResponse(case=case_view(record))

    @rpc
    def ListCustomerCases(self, request, context):
        customer = require_id(request.customer_id, "customer_id")
        size = page_size(request.page.page_size)
        query = CaseRecord.objects(customer_id=customer).order_by("-registered_at", "-case_id")
        after = decode_token(request.page.page_token)
        if after:
            moment = datetime.fromisoformat(after[0])
            query = query.filter(__raw__={"$or": [{"registered_at": {"$lt": moment}},
                                                  {"registered_at": moment, "_id": {"$lt": after[1]}}]})
        return intake_service_pb2.ListCustomerCasesResponse(**_page(query, size, reverse=True))

    @rpc
    def ListSubmissions(self, request, context):
        case_id = require_id(request.case_id, "case_id")
        submissions = SubmissionRecord.objects(case_id=case_id).order_by("received_at", "key")
        return intake_service_pb2.ListSubmissionsResponse(submissions=[
            intake_service_pb2.SubmissionView(
                submission_id=item.submission_id, channel=common_pb2.Channel.Value(f"CHANNEL_{item.channel}"),
                case_id=item.case_id, received_at=to_timestamp(item.received_at) if item.received_at else None,
                summary=item.summary or "", first_contact=item.first_contact or "")
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
        window = {}
        if request.HasField("registered_from"):
            window["$gte"] = from_timestamp(request.registered_from)
        if request.HasField("registered_to"):
            window["$lt"] = from_timestamp(request.registered_to)
        if window:
            raw["registered_at"] = window
        after = decode_token(request.page.page_token)
        if after:
            moment = datetime.fromisoformat(after[0])
            raw = {"$and": [raw, {"$or": [{"registered_at": {"$gt": moment}},
                                          {"registered_at": moment, "_id": {"$gt": after[1]}}]}]}
        query = CaseRecord.objects(__raw__=raw).order_by("registered_at", "case_id")
        return intake_service_pb2.SearchCasesResponse(**_page(query, size))

    @rpc
    def ListProxyMembers(self, request, context):
        record = CaseRecord.objects(case_id=require_id(request.case_id, "case_id")).first()
        if record is None or not record.proxy_case:
            raise NotFound("no such proxy case")
        return intake_service_pb2.ListProxyMembersResponse(member_case_ids=list(record.proxy_members or []))

    @rpc
    def SplitSubmission(self, request, context):
        if self._commands is None:
            raise BadRequest("commands are not enabled on this server")
        if not request.reason.strip():
            raise BadRequest("reason is required")
        record = self._commands.split(require_id(request.case_id, "case_id"),
                                      submission_key(request.channel, require_id(request.submission_id, "submission_id")),
                                      request.operator or "operator", request.reason)
        return intake_service_pb2.SplitSubmissionResponse(new_case=case_view(record))


def submission_key(channel: int, submission_id: str) -> str:
    return f"{common_pb2.Channel.Name(channel).removeprefix('CHANNEL_')}:{submission_id}"


def _page(query, size: int, reverse: bool = False) -> dict:
    records = list(query.limit(size + 1))
    more = len(records) > size
    records = records[:size]
    token = ""
    if more and records:
        last = records[-1]
        token = encode_token([last.registered_at.isoformat(), last.case_id])
    return {"cases": [case_view(record) for record in records], "next_page_token": token}
