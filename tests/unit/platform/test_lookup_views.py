"""The fast gRPC lookups (raw documents, one find) answer exactly what the mongoengine records did.

Intake's GetCase reads the case document directly instead of building a ``CaseRecord``; dispatch's
ListWorkOrders builds the work orders from the case's stored state instead of a second find on
``work_orders``. Both are checked against the old path on the same stored data.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from complaints.v1 import intake_service_pb2
from complaint_platform.mongo import UnitOfWork
from services.dispatch.documents import DispatchCaseRecord, DispatchCaseState, WorkOrderRecord
from services.dispatch.domain import inputs
from services.dispatch.domain.case import DispatchCase
from services.dispatch.domain.policy import default_policy
from services.dispatch.store import CaseStore
from services.dispatch.servicer import DispatchServicer, order_view
from services.dispatch.servicer import pb as dispatch_pb
from services.intake.documents import CaseRecord
from services.intake.servicer import IntakeLookups, case_view

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)


class _Collection:
    def __init__(self, documents: list[dict]) -> None:
        self.documents = {doc["_id"]: doc for doc in documents}
        self.finds = 0

    def find_one(self, query: dict):
        self.finds += 1
        return self.documents.get(query["_id"])


class _Context:
    def time_remaining(self):
        return None  # no deadline

    def abort(self, code, details):
        raise RuntimeError(f"{code.name}: {details}")


def _stored_dispatch_case() -> tuple[dict, list[dict]]:
    """A case with a replied department order (deadline known) and an open consult, as CaseStore writes it."""
    policy = default_policy()
    registered = inputs.CaseRegistered(event_id="evt-1", case_id="C1", channel="HOTLINE", category="network_signal",
                                       region="guangzhou", tier=2, severity=2, first_contact="agent-007")
    case, _ = DispatchCase.register(registered, policy, NOW)
    first = case.work_orders[0].work_order_id
    case.record_deadline(inputs.DeadlineSet("evt-2", first, NOW + timedelta(hours=24), NOW), NOW)
    case.on_feedback(inputs.WorkOrderFeedback("fb-1", "REPLIED", first, "已更换光猫", "YES", "dept",
                                              NOW + timedelta(hours=1)), NOW + timedelta(hours=1))
    case.request_consult(inputs.RequestConsult("cmd-1", "是否需要上门？", NOW + timedelta(hours=3), "agent-007"),
                         policy, NOW + timedelta(hours=2))
    assert len(case.work_orders) >= 2
    store = CaseStore(database=None)
    store.add(case)
    unit = UnitOfWork(database=None)
    store.save(unit, case)
    documents = {name: [operation._doc for operation in operations] for name, operations in unit.writes.items()}
    [state_doc] = documents[DispatchCaseState._get_collection_name()]
    [row] = documents[DispatchCaseRecord._get_collection_name()]
    assert row["owner"] == state_doc["state"]["owner"] == "agent-007"
    return state_doc, documents[WorkOrderRecord._get_collection_name()]


def test_list_work_orders_from_the_case_state_equals_the_work_order_rows(monkeypatch):
    case_doc, rows = _stored_dispatch_case()
    # the old answer: WorkOrderRecord rows, ordered by dispatch time and id
    records = sorted((WorkOrderRecord._from_son(row) for row in rows), key=lambda o: (o.dispatched_at, o.work_order_id))
    expected = dispatch_pb.ListWorkOrdersResponse(work_orders=[order_view(record) for record in records],
                                                  owner="agent-007")
    collection = _Collection([case_doc])
    monkeypatch.setattr(DispatchCaseState, "_get_collection", classmethod(lambda cls: collection))
    monkeypatch.setattr(DispatchCaseRecord, "_get_collection", classmethod(lambda cls: _Collection([])))
    answer = DispatchServicer(commands=None).ListWorkOrders(dispatch_pb.ListWorkOrdersRequest(case_id="C1"),
                                                           _Context())
    assert answer == expected
    assert collection.finds == 1  # the state alone answers
    assert [view.state for view in answer.work_orders][:1] == [dispatch_pb.WORK_ORDER_STATE_REPLIED]
    assert answer.work_orders[0].due_at.seconds and answer.work_orders[0].resolution == "已更换光猫"
    with pytest.raises(RuntimeError, match="NOT_FOUND"):
        DispatchServicer(commands=None).ListWorkOrders(dispatch_pb.ListWorkOrdersRequest(case_id="C2"), _Context())


def _intake_case_document() -> dict:
    return {
        "_id": "C9", "customer_id": "C00000001", "category": "billing_dispute", "category_rule": "billing-1",
        "needs_triage": False, "severity": 3, "severity_rule": "s", "tier": 2, "priority": 4, "region": "foshan",
        "channels": ["HOTLINE", "WECHAT"], "contact_count": 2, "submission_keys": ["HOTLINE:S-1", "WECHAT:S-2"],
        "status": "DISPATCHED", "owner": "agent-1001", "regulator_case": False, "regulator_risk": 0.25,
        "proxy_case": False, "proxy_case_id": "P-1", "proxy_members": [], "attributes": {"cell_id": "CELL-1"},
        "summary": "话费乱扣费", "registered_at": NOW, "last_contact_at": NOW + timedelta(minutes=5),
        "updated_at": NOW + timedelta(minutes=9),
        "open_deadlines": {"d1": NOW + timedelta(hours=30), "d2": NOW + timedelta(hours=4)},
        "escalation_level": 1, "overdue": True, "history": [{"at": NOW, "what": "registered"}],
        "state": {"case_id": "C9"},
    }


VIEW = ("owner", "open_deadlines", "escalation_level", "overdue", "updated_at")


def test_get_case_joins_the_case_with_its_view(monkeypatch):
    legacy = _intake_case_document()  # stored before views had their own documents
    row = {name: value for name, value in legacy.items() if name not in VIEW}
    view = {"_id": "C9", **{name: legacy[name] for name in VIEW}}
    # the view document says what the legacy row said
    assert case_view(row, view) == case_view(legacy)
    assert case_view(row, view).owner == "agent-1001" and case_view(row, view).escalation_level == 1
    # the view document wins over fields a legacy row still carries
    assert case_view(legacy, {**view, "escalation_level": 3}).escalation_level == 3
    # a case nobody reported on yet
    sparse = case_view({"_id": "C8", "customer_id": "C1", "category": "other", "status": "REGISTERED"})
    assert (sparse.owner, sparse.escalation_level, sparse.overdue) == ("", 0, False)
    submissions = _Collection([{"_id": "WECHAT:S-2", "case_id": "C9"}])
    cases, views = _Collection([row]), _Collection([view])
    from services.intake.documents import CaseViewRecord, SubmissionRecord

    monkeypatch.setattr(CaseRecord, "_get_collection", classmethod(lambda cls: cases))
    monkeypatch.setattr(CaseViewRecord, "_get_collection", classmethod(lambda cls: views))
    monkeypatch.setattr(SubmissionRecord, "_get_collection", classmethod(lambda cls: submissions))
    lookups = IntakeLookups()
    by_id = lookups.GetCase(intake_service_pb2.GetCaseRequest(case_id="C9"), _Context())
    by_submission = lookups.GetCase(intake_service_pb2.GetCaseRequest(channel=5, submission_id="S-2"), _Context())
    assert by_id.case == by_submission.case == case_view(legacy)
    assert by_id.case.current_deadline.ToDatetime(tzinfo=timezone.utc) == NOW + timedelta(hours=4)
    with pytest.raises(RuntimeError, match="NOT_FOUND"):
        lookups.GetCase(intake_service_pb2.GetCaseRequest(case_id="C7"), _Context())


# --- keyset paging without $or ---------------------------------------------------------------------
def _matches(doc: dict, query: dict) -> bool:
    """Enough of MongoDB's query language for the paging filters: equality, $eq/$gt/$gte/$lt/$lte/$in, $and."""
    for field, condition in query.items():
        if field == "$and":
            if not all(_matches(doc, part) for part in condition):
                return False
            continue
        assert not field.startswith("$"), f"unexpected operator {field}"  # no $or, ever
        value = doc.get(field)
        checks = condition if isinstance(condition, dict) else {"$eq": condition}
        for operator, operand in checks.items():
            ok = {"$eq": lambda: value == operand, "$gt": lambda: value > operand, "$gte": lambda: value >= operand,
                  "$lt": lambda: value < operand, "$lte": lambda: value <= operand,
                  "$in": lambda: value in operand}[operator]()
            if not ok:
                return False
    return True


def _fake_find(docs: list[dict], fields: list[str], descending: bool, queries: list[dict]):
    def find(query: dict, limit: int) -> list[dict]:
        assert limit >= 1  # a limit of 0 would mean "no limit" to MongoDB
        queries.append(query)
        found = sorted((doc for doc in docs if _matches(doc, query)),
                       key=lambda doc: [doc[field] for field in fields], reverse=descending)
        return found[:limit]
    return find


SERVICERS = ("complaint_platform.paging",)


@pytest.mark.parametrize("module_name", SERVICERS)
@pytest.mark.parametrize("descending", [False, True])
def test_keyset_pages_without_or_visit_every_row_once_in_order(module_name, descending):
    import importlib

    module = importlib.import_module(module_name)
    rng = __import__("random").Random(5)
    docs = [{"_id": f"K{index:03d}", "priority": rng.randrange(3), "due": NOW + timedelta(hours=rng.randrange(4)),
             "department": rng.choice(["a", "b"]), "state": rng.choice(["DISPATCHED", "ACCEPTED", "REPLIED"])}
            for index in range(120)]
    fields = ["priority", "due", "_id"]
    base = {"department": "a", "state": {"$in": ["DISPATCHED", "ACCEPTED"]}, "due": {"$gte": NOW + timedelta(hours=1)}}
    expected = sorted((doc for doc in docs if _matches(doc, base)), key=lambda doc: [doc[f] for f in fields],
                      reverse=descending)
    queries: list[dict] = []
    find = _fake_find(docs, fields, descending, queries)
    size, seen = 7, []
    page = find(base, size + 1)
    while True:
        seen += page[:size]
        if len(page) <= size:
            break
        last = [page[size - 1][field] for field in fields]
        page = module.rows_after(find, base, fields, last, descending=descending, size=size)
    assert [doc["_id"] for doc in seen] == [doc["_id"] for doc in expected]
    assert len(expected) > 3 * size
    assert not any("$or" in repr(query) for query in queries)
    # the window on "due" and a range on it from the page key are kept in one document (indexable)
    assert module.merged(base, {"due": {"$gt": NOW}})["due"] == {"$gte": NOW + timedelta(hours=1), "$gt": NOW}
    assert module.merged({"due": {"$gt": NOW}}, {"due": {"$gt": NOW + timedelta(hours=1)}}) == \
        {"$and": [{"due": {"$gt": NOW}}, {"due": {"$gt": NOW + timedelta(hours=1)}}]}


def test_the_department_queue_reads_one_state_at_a_time_and_merges_in_queue_order():
    from services.dispatch.servicer import _orders

    rng = __import__("random").Random(9)
    rows = [WorkOrderRecord._from_son({
        "_id": f"W{index:03d}", "case_id": "C", "department": "d", "state": rng.choice(["DISPATCHED", "ACCEPTED"]),
        "priority": rng.randrange(3), "due_sort": NOW + timedelta(hours=rng.randrange(3)),
        "dispatched_at": NOW + timedelta(minutes=rng.randrange(2))}) for index in range(60)]
    queries = []

    def find(raw, order, limit):
        queries.append(raw)
        assert isinstance(raw["state"], str), raw  # never an $in: the index is used with one state only
        beyond = raw.get("priority", {}).get("$gt", -1)
        found = [row for row in rows if row.state == raw["state"] and row.priority > beyond]
        return sorted(found, key=lambda r: (r.priority, r.due_sort, r.dispatched_at, r.work_order_id))[:limit]

    order = ("priority", "due_sort", "dispatched_at", "work_order_id")
    got = _orders({"department": "d", "state": {"$in": ["DISPATCHED", "ACCEPTED"]}, "priority": {"$gt": 0}},
                  order, 11, find)
    expected = sorted((row for row in rows if row.priority > 0),
                      key=lambda r: (r.priority, r.due_sort, r.dispatched_at, r.work_order_id))[:11]
    assert [row.work_order_id for row in got] == [row.work_order_id for row in expected]
    assert sorted(query["state"] for query in queries) == ["ACCEPTED", "DISPATCHED"]
