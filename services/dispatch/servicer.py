"""gRPC side of dispatch: work orders, department queues, owners' cases, owner commands."""

from __future__ import annotations

from datetime import datetime

from complaints.v1 import case_events_pb2, common_pb2, dispatch_service_pb2 as pb, dispatch_service_pb2_grpc
from complaint_platform.envelope import from_timestamp, to_timestamp
from complaint_platform.grpc_errors import BadRequest, NotFound, require_id, rpc
from complaint_platform.paging import decode_token, encode_token, page_size

from .documents import DispatchCaseRecord, WorkOrderRecord
from .domain.work_orders import CLOSED_STATES

OPEN_STATES = ["DISPATCHED", "ACCEPTED"]


def order_view(record: WorkOrderRecord) -> pb.WorkOrderView:
    view = pb.WorkOrderView(
        work_order_id=record.work_order_id, case_id=record.case_id, department=record.department,
        level=record.level or "", state=pb.WorkOrderState.Value(f"WORK_ORDER_STATE_{record.state}"),
        kind=case_events_pb2.WORK_ORDER_KIND_CONSULT if record.kind == "CONSULT" else case_events_pb2.WORK_ORDER_KIND_DEPARTMENT,
        priority=record.priority or 0, resolution=record.resolution or "", category=record.category or "",
        region=record.region or "")
    if record.due_at:
        view.due_at.CopyFrom(to_timestamp(record.due_at))
    if record.dispatched_at:
        view.dispatched_at.CopyFrom(to_timestamp(record.dispatched_at))
    return view


class DispatchServicer(dispatch_service_pb2_grpc.DispatchServiceServicer):
    def __init__(self, commands) -> None:
        self._commands = commands

    @rpc
    def ListWorkOrders(self, request, context):
        case_id = require_id(request.case_id, "case_id")
        case = DispatchCaseRecord.objects(case_id=case_id).first()
        if case is None:
            raise NotFound(f"no case {case_id}")
        orders = sorted(WorkOrderRecord.objects(case_id=case_id), key=lambda o: (o.dispatched_at, o.work_order_id))
        return pb.ListWorkOrdersResponse(work_orders=[order_view(o) for o in orders], owner=case.owner)

    @rpc
    def GetDepartmentQueue(self, request, context):
        department = require_id(request.department, "department")
        size = page_size(request.page.page_size)
        raw: dict = {"department": department}
        if request.state:
            raw["state"] = pb.WorkOrderState.Name(request.state).removeprefix("WORK_ORDER_STATE_")
        else:
            raw["state"] = {"$in": OPEN_STATES}
        if request.category:
            raw["category"] = request.category
        if request.region:
            raw["region"] = request.region
        after = decode_token(request.page.page_token)
        if after:
            priority, due, dispatched, order_id = after[0], datetime.fromisoformat(after[1]), datetime.fromisoformat(after[2]), after[3]
            raw = {"$and": [raw, {"$or": [
                {"priority": {"$gt": priority}},
                {"priority": priority, "due_sort": {"$gt": due}},
                {"priority": priority, "due_sort": due, "dispatched_at": {"$gt": dispatched}},
                {"priority": priority, "due_sort": due, "dispatched_at": dispatched, "_id": {"$gt": order_id}}]}]}
        records = list(WorkOrderRecord.objects(__raw__=raw)
                       .order_by("priority", "due_sort", "dispatched_at", "work_order_id").limit(size + 1))
        token = ""
        if len(records) > size:
            records = records[:size]
            last = records[-1]
            token = encode_token([last.priority, last.due_sort.isoformat(), last.dispatched_at.isoformat(),
                                  last.work_order_id])
        return pb.GetDepartmentQueueResponse(work_orders=[order_view(o) for o in records], next_page_token=token)

    @rpc
    def ListOwnerCases(self, request, context):
        owner = require_id(request.owner, "owner")
        records = DispatchCaseRecord.objects(owner=owner, status__ne="CLOSED").order_by("priority", "case_id")
        return pb.ListOwnerCasesResponse(cases=[pb.OwnerCaseView(
            case_id=r.case_id, status=common_pb2.CaseStatus.Value(f"CASE_STATUS_{r.status}"),
            priority=r.priority or 0, open_work_orders=r.open_work_orders or 0) for r in records])

    @rpc
    def ReassignOwner(self, request, context):
        if not request.reason.strip():
            raise BadRequest("reason is required")
        owner = self._commands.reassign(require_id(request.case_id, "case_id"),
                                        require_id(request.new_owner, "new_owner"), request.reason)
        return pb.ReassignOwnerResponse(owner=owner)

    @rpc
    def RequestConsult(self, request, context):
        if not request.HasField("promised_reply_at"):
            raise BadRequest("promised_reply_at is required")
        order_id = self._commands.consult(require_id(request.case_id, "case_id"), request.question,
                                          from_timestamp(request.promised_reply_at))
        return pb.RequestConsultResponse(work_order=order_view(WorkOrderRecord.objects(work_order_id=order_id).first()))

    @rpc
    def RecordCustomerReply(self, request, context):
        if not request.reply.strip():
            raise BadRequest("reply is required")
        status = self._commands.customer_reply(require_id(request.case_id, "case_id"), request.reply,
                                               from_timestamp(request.replied_at))
        return pb.RecordCustomerReplyResponse(status=common_pb2.CaseStatus.Value(f"CASE_STATUS_{status}"))


__all__ = ["DispatchServicer", "CLOSED_STATES"]
