"""Properties over many input sequences: redelivery changes nothing, and the rules stay pure."""

from __future__ import annotations

import ast
from pathlib import Path

from dispatch_builders import NOW, later, registration
from hypothesis import given, settings
from hypothesis import strategies as st

from services.dispatch.domain import inputs
from services.dispatch.domain.case import DispatchCase
from services.dispatch.domain.errors import DomainError
from services.dispatch.domain.policy import default_policy

POLICY = default_policy()
KINDS = ["ACCEPTED", "PROGRESS", "REPLIED", "RETURNED", "CUSTOMER_REPLIED", "AWAITING_CUSTOMER", "CUSTOMER_RESPONDED",
         "BOGUS"]

feedback_items = st.builds(
    lambda n, kind, wo, fault, minute: inputs.WorkOrderFeedback(
        f"f{n}", kind, f"C1-WO{wo}", text="" if n % 7 == 0 else "text", company_at_fault=fault,
        reported_at=later(minute)),
    st.integers(0, 40), st.sampled_from(KINDS), st.integers(1, 5), st.sampled_from(["YES", "NO", "", "x"]),
    st.integers(1, 600))


def apply(case: DispatchCase, item: inputs.WorkOrderFeedback) -> list:
    try:
        return case.on_feedback(item, later(700))
    except DomainError:
        return ["refused"]


@settings(max_examples=150, deadline=None)
@given(st.lists(feedback_items, max_size=25), st.randoms(use_true_random=False))
def test_redelivering_any_feedback_in_any_order_changes_nothing(items, rng):
    case, _ = DispatchCase.register(registration(category="value_added_charges"), POLICY, NOW)
    for item in items:
        apply(case, item)
    settled = case.to_dict()
    replay = list(items)
    rng.shuffle(replay)
    for item in replay:
        assert apply(case, item) == []
    assert case.to_dict() == settled


@settings(max_examples=100, deadline=None)
@given(st.lists(feedback_items, max_size=25))
def test_the_owner_is_never_empty_and_status_matches_the_orders(items):
    case, _ = DispatchCase.register(registration(first_contact=""), POLICY, NOW)
    for item in items:
        apply(case, item)
        assert case.owner
        if case.status == "DISPATCHED":
            assert case.open_orders()
        if case.status == "RESOLVED":
            assert not case.open_orders() and case.reply_round == case.round
    ids = [o.work_order_id for o in case.work_orders]
    assert ids == [f"C1-WO{n}" for n in range(1, len(ids) + 1)]


def test_a_refusal_midway_rolls_back_everything_it_touched(new_case):
    case = new_case()
    before = case.to_dict()

    def half_done() -> list:
        case.owner, case.work_orders[0].state = "someone-else", "REPLIED"
        case.note("should vanish", NOW)
        raise DomainError("refused after touching state")

    try:
        case._once("cmd-x", half_done)
    except DomainError:
        pass
    assert case.to_dict() == before   # and the id was not consumed


def test_rejected_feedback_rolls_back_anything_it_touched(new_case, monkeypatch):
    from services.dispatch.domain import case as case_module
    from services.dispatch.domain import events as ev

    def touch_then_reject(case, item, now):
        case.work_orders[0].state = "ACCEPTED"
        return [ev.FeedbackRejected(case.case_id, item.event_id, "", "no")]

    monkeypatch.setattr(case_module, "apply_feedback", touch_then_reject)
    subject = new_case()
    before = subject.to_dict()
    assert len(subject.on_feedback(inputs.WorkOrderFeedback("f1", "ACCEPTED", "C1-WO1"), NOW)) == 1
    assert subject.to_dict() == {**before, "applied_event_ids": ["evt-reg-1", "f1"]}


FORBIDDEN = {"faust", "aiokafka", "kafka", "grpc", "mongoengine", "pymongo", "google", "complaints"}


def test_the_rules_import_no_adapter_libraries():
    domain = Path(__file__).resolve().parents[3] / "services" / "dispatch" / "domain"
    for source in domain.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else []
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN, f"{source.name} imports {name}"
