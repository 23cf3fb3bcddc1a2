"""gRPC side of dispatch: work orders, department queues, owners' cases, owner commands."""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from datetime import datetime, timezone
from itertools import islice
from typing import Any

from complaints.v1 import case_events_pb2, common_pb2, customer_notifications_pb2 as notices_pb2
from complaints.v1 import dispatch_service_pb2 as pb, dispatch_service_pb2_grpc
from complaint_platform.envelope import from_timestamp, to_timestamp
from complaint_platform.access import acting
from complaint_platform.grpc_errors import BadRequest, NotFound, require_id, rpc
from complaint_platform.paging import decode_token, encode_token, page_size, rows_after, scope_of

from .documents import DispatchCaseRecord, DispatchCaseState, SubmissionCase, WorkOrderRecord
from .domain.case import DispatchCase
from .domain.status import customer_view
from .domain.work_orders import CLOSED_STATES

OPEN_STATES = ["DISPATCHED", "ACCEPTED"]


def order_view(record: WorkOrderRecord | Mapping[str, Any]) -> pb.WorkOrderView:
    """The view of a work order, from a ``WorkOrderRecord`` or a document shaped like one."""
    if isinstance(record, Mapping):
        record = _Stored(record)
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


class _Stored:
    """A raw document with the attribute names of the mongoengine record (``_id`` -> ``key``)."""

    __slots__ = ("_doc", "_key")

    def __init__(self, doc: Mapping[str, Any], key: str = "work_order_id") -> None:
        self._doc, self._key = doc, key

    def __getattr__(self, name: str) -> Any:
        return self._doc.get("_id" if name == self._key else name)


def order_document(order: Mapping[str, Any], case_state: Mapping[str, Any]) -> dict[str, Any]:
    """A work order of a case's stored state, shaped like its row in ``work_orders``.

    Mirrors ``CaseStore.save``, which writes the row from the same state in the same transaction;
    ``tests/unit/platform/test_lookup_views.py`` checks the two stay the same."""
    return {"_id": order["work_order_id"], "case_id": case_state.get("case_id", order.get("case_id")),
            "department": order.get("department"), "level": order.get("level"), "kind": order.get("kind"),
            "state": order.get("state"), "priority": order.get("priority"), "due_at": order.get("due_at"),
            "dispatched_at": order.get("created_at"), "category": case_state.get("category"),
            "region": case_state.get("region"), "resolution": order.get("resolution")}


def _dispatched_order(document: Mapping[str, Any]) -> tuple:
    moment = document.get("dispatched_at")
    return (moment is None, moment.timestamp() if moment is not None else 0.0, document["_id"])


NO_SUCH_CASE = "no case matches this number and phone"   # the same for an unknown case and a wrong phone


class DispatchServicer(dispatch_service_pb2_grpc.DispatchServiceServicer):
    def __init__(self, commands, policy=None) -> None:
        self._commands = commands
        self._policy = policy

    @rpc
    def ListWorkOrders(self, request, context):
        # One find by _id: the case's state holds every work order, written in the same
        # transaction as the work_orders rows. Reading the rows too was a second, costlier find on
        # SecantusDB (measured 0.55 against 0.38 ms of database CPU), and mongoengine documents
        # cost more CPU than the rest of the call. A case stored before its state had a document
        # of its own keeps it in its row.
        case_id = require_id(request.case_id, "case_id")
        case = (DispatchCaseState._get_collection().find_one({"_id": case_id})
                or DispatchCaseRecord._get_collection().find_one({"_id": case_id}))
        if case is None:
            raise NotFound(f"no case {case_id}")
        state = case.get("state") or {}
        orders = sorted((order_document(order, state) for order in state.get("work_orders") or ()),
                        key=_dispatched_order)
        return pb.ListWorkOrdersResponse(work_orders=[order_view(o) for o in orders],
                                         owner=state.get("owner") or case.get("owner", ""))

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
        order = ("priority", "due_sort", "dispatched_at", "work_order_id")
        last = decode_token(request.page.page_token, scope_of(request), (int, datetime, datetime, str))
        if last:
            records = rows_after(lambda query, limit: _orders(query, order, limit), raw,
                                 ["priority", "due_sort", "dispatched_at", "_id"], last, descending=False, size=size)
        else:
            records = _orders(raw, order, size + 1)
        token = ""
        if len(records) > size:
            records = records[:size]
            last = records[-1]
            token = encode_token([last.priority, last.due_sort.isoformat(), last.dispatched_at.isoformat(),
                                  last.work_order_id], scope_of(request))
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
                                        require_id(request.new_owner, "new_owner"), request.reason,
                                        acting(request.operator), request.request_id)
        return pb.ReassignOwnerResponse(owner=owner)

    @rpc
    def RequestConsult(self, request, context):
        if not request.HasField("promised_reply_at"):
            raise BadRequest("promised_reply_at is required")
        order_id = self._commands.consult(require_id(request.case_id, "case_id"), request.question,
                                          from_timestamp(request.promised_reply_at), acting(""), request.request_id)
        return pb.RequestConsultResponse(work_order=order_view(WorkOrderRecord.objects(work_order_id=order_id).first()))

    @rpc
    def RecordCustomerReply(self, request, context):
        if not request.reply.strip():
            raise BadRequest("reply is required")
        status = self._commands.customer_reply(require_id(request.case_id, "case_id"), request.reply,
                                               from_timestamp(request.replied_at), acting(""), request.request_id)
        return pb.RecordCustomerReplyResponse(status=common_pb2.CaseStatus.Value(f"CASE_STATUS_{status}"))


    @rpc
    def GetCustomerStatus(self, request, context):
        # Reads the case as last stored (one find by _id; two with a submission id), never the
        # handler's memory: lookups run on the gRPC threads.
        if not request.phone.strip():
            raise BadRequest("phone is required")
        if bool(request.case_id) == bool(request.submission_id):
            raise BadRequest("give case_id or submission_id, not both")
        case_id = (require_id(request.case_id, "case_id") if request.case_id
                   else _case_of_submission(require_id(request.submission_id, "submission_id")))
        stored = DispatchCaseState._get_collection().find_one({"_id": case_id}) if case_id else None
        view = customer_view(DispatchCase.from_dict(stored["state"]), request.phone, self._policy) if stored else None
        if view is None:
            raise NotFound(NO_SUCH_CASE)
        answer = pb.GetCustomerStatusResponse(
            case_id=view.case_id, status=common_pb2.CaseStatus.Value(f"CASE_STATUS_{view.status}"),
            status_text=view.status_text, desk=view.desk,
            last_step=notices_pb2.NotificationStep.Value(f"NOTIFICATION_STEP_{view.last_step or 'UNSPECIFIED'}"))
        if view.promised_reply_at is not None:
            answer.promised_reply_at.CopyFrom(to_timestamp(view.promised_reply_at))
        if view.last_step_at is not None:
            answer.last_step_at.CopyFrom(to_timestamp(view.last_step_at))
        return answer


def _case_of_submission(submission_id: str) -> str:
    """The case a submission belongs to now: the latest of its rows (a split moves it to a new case)."""
    prefix = f"{submission_id}|"
    rows = SubmissionCase._get_collection().find({"_id": {"$gte": prefix, "$lt": f"{submission_id}}}"}})
    latest = max(rows, key=lambda row: (row.get("at") or _EPOCH, row["_id"]), default=None)
    return latest["case_id"] if latest else ""


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _orders(raw: dict, order: tuple[str, ...], limit: int, find=None) -> list[WorkOrderRecord]:
    """The queue in order. SecantusDB uses the queue index for one state, but answers a state ``$in``
    followed by a range on priority or due time with a full scan: so one query per state, merged."""
    find = find or _find_orders
    states = raw.get("state")
    if isinstance(states, dict) and set(states) == {"$in"} and len(states["$in"]) > 1:
        per_state = [find({**raw, "state": state}, order, limit) for state in states["$in"]]
        return list(islice(heapq.merge(*per_state, key=_queue_key), limit))
    return find(raw, order, limit)


def _find_orders(raw: dict, order: tuple[str, ...], limit: int) -> list[WorkOrderRecord]:
    return list(WorkOrderRecord.objects(__raw__=raw).order_by(*order).limit(limit))


def _queue_key(record: WorkOrderRecord) -> tuple:
    return (record.priority, record.due_sort, record.dispatched_at, record.work_order_id)


__all__ = ["DispatchServicer", "CLOSED_STATES"]
