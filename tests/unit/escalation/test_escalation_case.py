from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.escalation.domain.errors import CaseClosedError, DomainError, NotSupervisedError, ReasonRequiredError
from services.escalation.domain.events import (CaseEscalated, CaseUrged, DeadlinePaused, DeadlineResumed, DeadlineSet,
                                               DeadlineStopped, RiskThresholdCrossed, SupervisionOpened,
                                               YellowCardRecorded)
from services.escalation.domain.supervision import SupervisedCase
from services.escalation.domain.yellow_cards import cards_this_month, monthly_counts

from escalation_testkit import utc

T0 = utc(2026, 11, 2, 1)
M = timedelta(minutes=1)
H = timedelta(hours=1)


def names(events) -> list[str]:
    return [type(e).__name__ for e in events]


def opened(policy, tier=3, channel="HOTLINE", category="billing_dispute", **extra) -> SupervisedCase:
    case = SupervisedCase("C-1")
    case.registered("e-reg", T0, policy, category=category, tier=tier, channel=channel, region="guangzhou", **extra)
    return case


def test_registration_starts_the_case_reply_clock_from_the_sla_table(policy):
    case = SupervisedCase("C-1")
    events = case.registered("e-reg", T0, policy, category="broadband_outage", tier=3, channel="HOTLINE",
                             promised_reply_at=T0 + 5 * H)
    assert names(events) == ["DeadlineSet", "DeadlineSet"]
    assert [(e.kind, e.due_at) for e in events] == [("CASE_REPLY", T0 + 24 * H), ("PROMISED_REPLY", T0 + 5 * H)]


def test_regulator_channel_gets_the_strictest_time_and_counts_as_regulator_risk(policy):
    case = opened(policy, tier=1, channel="REGULATOR")
    (clock,) = case.open_deadlines
    assert clock.due_at == T0 + 12 * H
    assert case.regulator_case and case.risk_score == 60 + 10 + 5


def test_the_same_input_twice_changes_nothing(policy):
    case = opened(policy)
    before = case.to_dict()
    assert case.registered("e-reg", T0 + H, policy, category="porting", tier=1, channel="SMS") == []
    assert case.to_dict() == before


def test_a_redelivered_cause_with_a_new_event_id_names_the_same_clock(policy):
    case = opened(policy)
    first = case.work_order_dispatched("e-1", T0, policy, work_order_id="WO-1", department="guangzhou-billing")
    again = case.work_order_dispatched("e-1b", T0, policy, work_order_id="WO-1", department="guangzhou-billing")
    assert names(first) == ["DeadlineSet", "DeadlineSet"] and again == []
    assert len(case.deadlines) == 3


def test_work_order_clocks_start_stop_and_cancel(policy):
    case = opened(policy)
    set_events = case.work_order_dispatched("e-1", T0, policy, work_order_id="WO-1", department="guangzhou-billing")
    assert [(e.kind, e.due_at) for e in set_events] == [("WORK_ORDER_ACCEPT", T0 + 2 * H),
                                                         ("WORK_ORDER_REPLY", T0 + 24 * H)]
    accepted = case.work_order_accepted("e-2", T0 + H, policy, work_order_id="WO-1")
    assert [(e.kind, e.met, e.late) for e in accepted] == [("WORK_ORDER_ACCEPT", True, False)]
    returned = case.work_order_returned("e-3", T0 + 2 * H, policy, work_order_id="WO-1")
    assert [(e.kind, e.met) for e in returned] == [("WORK_ORDER_REPLY", False)]


def test_acceptance_that_overtakes_its_dispatch_is_applied_when_the_dispatch_arrives(policy):
    case = opened(policy)
    assert case.work_order_accepted("e-2", T0 + H, policy, work_order_id="WO-1") == []
    events = case.work_order_dispatched("e-1", T0, policy, work_order_id="WO-1", department="guangzhou-billing")
    assert names(events) == ["DeadlineSet", "DeadlineStopped", "DeadlineSet"]
    assert (events[1].kind, events[1].met, events[1].late) == ("WORK_ORDER_ACCEPT", True, False)


def test_consultation_with_a_promised_time_uses_it(policy):
    case = opened(policy)
    (event,) = case.consult_requested("e-1", T0, policy, consult_id="CQ-1", department="expert-group",
                                      promised_reply_at=T0 + 3 * H)
    assert (event.kind, event.due_at) == ("CONSULT_REPLY", T0 + 3 * H)
    assert names(case.work_order_replied("e-2", T0 + H, policy, work_order_id="CQ-1")) == ["DeadlineStopped"]


@pytest.mark.parametrize("resolved_after, timely", [(48 * H, True), (48 * H + M, False)])
def test_resolution_at_the_due_time_is_timely_one_minute_later_is_not(policy, resolved_after, timely):
    case = opened(policy)
    case.work_order_dispatched("e-1", T0, policy, work_order_id="WO-1", department="guangzhou-billing")
    events = case.case_resolved("e-9", T0 + resolved_after, policy)
    assert sorted((e.kind, e.met) for e in events) == [("CASE_REPLY", True), ("WORK_ORDER_ACCEPT", False),
                                                       ("WORK_ORDER_REPLY", False)]
    assert case.timely is timely and case.open_deadlines == []


def test_timer_warns_breaches_and_climbs_then_is_quiet(policy):
    case = opened(policy)
    assert names(case.tick(T0 + 48 * H * 0.8, policy)) == ["DeadlineWarned"]
    events = case.tick(T0 + 48 * H, policy)
    assert names(events) == ["DeadlineBreached", "CaseEscalated"]
    assert (events[1].level, events[1].unit) == (1, "guangzhou shift leader (值班长)")
    assert case.overdue and case.escalation_level == 1
    assert case.tick(T0 + 48 * H, policy) == []
    assert case.next_fire_at() == T0 + 50 * H


def test_two_escalations_put_the_case_under_supervision(policy):
    case = opened(policy)
    case.tick(T0 + 48 * H, policy)
    events = case.tick(T0 + 50 * H, policy)
    assert [type(e) for e in events] == [CaseEscalated, SupervisionOpened]
    assert events[1] == SupervisionOpened("provincial-supervision-desk", "escalated 2 times", "C-1")
    assert case.supervised_since == T0 + 50 * H
    assert SupervisionOpened not in [type(e) for e in case.tick(T0 + 56 * H, policy)]


def test_level_never_goes_down_and_a_reopen_starts_new_clocks(policy):
    case = opened(policy)
    case.tick(T0 + 50 * H, policy)
    assert case.escalation_level == 2
    case.case_resolved("e-9", T0 + 51 * H, policy)
    (new,) = case.case_reopened("e-10", T0 + 60 * H, policy)
    assert isinstance(new, DeadlineSet) and new.deadline_id not in [e for e in case.overdue_items]
    old_ids = [d.deadline_id for d in case.deadlines.values() if d.deadline_id != new.deadline_id]
    assert new.deadline_id not in old_ids and case.generation == 1
    events = case.tick(T0 + 108 * H, policy)  # the new clock breaches: level 1 is below the case's level
    assert names(events) == ["DeadlineBreached"] and case.escalation_level == 2
    assert names(case.tick(T0 + 110 * H, policy)) == []      # level 2 again: still nothing
    assert [e.level for e in case.tick(T0 + 114 * H, policy) if isinstance(e, CaseEscalated)] == [3]


def test_explanation_in_time_meets_the_30_minute_rule(policy):
    case = opened(policy)
    case.rating_recorded("e-r", T0, policy, rating_id="R-1", agent_id="agent-7", dissatisfied=True)
    (stopped,) = [e for e in case.explanation_received("e-x", T0 + 30 * M, policy, rating_id="R-1")
                  if isinstance(e, DeadlineStopped)]
    assert (stopped.kind, stopped.met, stopped.late) == ("EXPLANATION", True, False)
    assert case.tick(T0 + 31 * M, policy) == [] and case.escalation_level == 0


def test_missing_explanation_goes_to_the_shift_leader_and_marks_overdue(policy):
    case = opened(policy)
    (set_event,) = [e for e in case.rating_recorded("e-r", T0, policy, rating_id="R-1", agent_id="agent-7",
                                                    dissatisfied=True) if isinstance(e, DeadlineSet)]
    assert set_event.due_at == T0 + 30 * M
    assert case.deadlines[set_event.deadline_id].owner == "agent-7"
    assert names(case.tick(T0 + 30 * M - timedelta(microseconds=1), policy)) == ["DeadlineWarned"]  # at 24 min
    events = case.tick(T0 + 30 * M, policy)
    assert names(events)[:2] == ["DeadlineBreached", "CaseEscalated"]
    assert case.escalation_level == 1 and case.overdue and case.overdue_marked
    assert names(case.tick(T0 + 10 * H, policy)) == []  # explanation clock stops at the shift leader
    late = case.explanation_received("e-x", T0 + 40 * M, policy, rating_id="R-1")
    assert [(e.met, e.late) for e in late if isinstance(e, DeadlineStopped)] == [(True, True)]
    assert case.overdue_marked and not case.overdue


def test_explanation_that_overtakes_its_rating_still_counts(policy):
    case = opened(policy)
    case.explanation_received("e-x", T0 + 5 * M, policy, rating_id="R-1")
    events = case.rating_recorded("e-r", T0, policy, rating_id="R-1", agent_id="agent-7", dissatisfied=True)
    assert [(type(e).__name__, getattr(e, "late", None)) for e in events if "Deadline" in type(e).__name__] == [
        ("DeadlineSet", None), ("DeadlineStopped", False)]


def test_shift_leader_yellow_card_is_counted_in_the_centres_month(policy):
    case = opened(policy)
    at = utc(2026, 11, 30, 16, 30)  # 00:30 on 1 December in Shanghai
    events = case.shift_leader_finding("cmd-1", at, policy, agent_id="agent-7", finding="no explanation",
                                       yellow_card=True, shift_leader="leader-1")
    assert [e for e in events if isinstance(e, YellowCardRecorded)] == [
        YellowCardRecorded("C-1", "agent-7", "2026-12", "leader-1", "no explanation")]
    case.shift_leader_finding("cmd-2", at, policy, agent_id="agent-7", finding="verbal note only",
                              yellow_card=False, shift_leader="leader-1")
    assert monthly_counts(case.yellow_cards, policy.timezone) == {("agent-7", "2026-12"): 1}
    assert cards_this_month(case.yellow_cards, "agent-7", utc(2026, 11, 30, 15, 59), policy.timezone) == 0
    with pytest.raises(ReasonRequiredError, match="names the agent"):
        case.shift_leader_finding("cmd-3", at, policy, agent_id="agent-7", finding=" ", yellow_card=True,
                                  shift_leader="leader-1")


def test_supervision_by_command_is_idempotent_and_urges_are_kept(policy):
    case = opened(policy)
    assert [e for e in case.mark_for_supervision("cmd-1", T0, policy, supervisor="desk-2", reason="VIP")
            if isinstance(e, SupervisionOpened)] == [SupervisionOpened("desk-2", "VIP", "C-1")]
    assert case.mark_for_supervision("cmd-2", T0 + H, policy, supervisor="desk-3", reason="again") == []
    assert (case.supervisor, case.supervised_since) == ("desk-2", T0)
    assert case.urge_case("cmd-3", T0 + 2 * H, policy, by="desk-2", note="answer today") == [
        CaseUrged("C-1", "desk-2", "answer today", T0 + 2 * H)]
    assert case.urge_case("cmd-3", T0 + 2 * H, policy, by="desk-2", note="answer today") == []
    assert case.urgings == [{"by": "desk-2", "note": "answer today", "at": T0 + 2 * H}]


def test_supervisor_commands_refused_with_named_errors(policy):
    case = opened(policy)
    with pytest.raises(NotSupervisedError, match="not on the supervision list"):
        case.urge_case("cmd-1", T0, policy, by="desk", note="hurry")
    with pytest.raises(ReasonRequiredError, match="needs a supervisor and a reason"):
        case.mark_for_supervision("cmd-2", T0, policy, supervisor="desk", reason="  ")
    case.case_closed("e-close", T0, policy)
    with pytest.raises(CaseClosedError, match="C-1 is closed; cannot mark for supervision"):
        case.mark_for_supervision("cmd-3", T0, policy, supervisor="desk", reason="late")
    with pytest.raises(DomainError, match="needs its event id"):
        case.social_mentioned("", T0, policy)
    assert case.applied_event_ids == ["e-reg", "e-close"]


def test_risk_threshold_crossing_is_reported_once_per_crossing(policy):
    case = opened(policy)  # tier 3, severity 1: score 5
    case.dissatisfied_ratings = 2  # 55
    assert case.contact_repeated("e-1", T0, policy, contact_count=1) == []
    crossed = case.social_mentioned("e-2", T0, policy)  # 65
    assert crossed == []
    crossed = case.social_mentioned("e-3", T0, policy)  # 75: at or above 70
    assert crossed == [RiskThresholdCrossed(75.0, 70.0, "C-1")]
    assert case.contact_repeated("e-4", T0, policy, contact_count=1) == []
    case.social_mentions = 0  # back under: 55
    assert case.contact_repeated("e-5", T0, policy, contact_count=1) == []
    assert case.contact_repeated("e-6", T0, policy, contact_count=2) == [RiskThresholdCrossed(70.0, 70.0, "C-1")]


def test_customer_wait_pauses_reply_clocks_and_moves_them_on(policy):
    case = opened(policy)
    case.promised_reply_recorded("e-p", T0, policy, promised_at=T0 + 20 * H)
    paused = case.customer_wait_started("e-w", T0 + 10 * H, policy)
    assert [type(e) for e in paused] == [DeadlinePaused]  # the promise keeps running
    resumed = case.customer_wait_ended("e-w2", T0 + 14 * H, policy)
    assert [(type(e), e.due_at) for e in resumed] == [(DeadlineResumed, T0 + 52 * H)]


def test_a_new_promise_replaces_the_old_one(policy):
    case = opened(policy)
    case.promised_reply_recorded("e-p1", T0, policy, promised_at=T0 + 4 * H)
    events = case.promised_reply_recorded("e-p2", T0 + H, policy, promised_at=T0 + 8 * H)
    assert [(type(e).__name__, getattr(e, "met", None)) for e in events] == [("DeadlineStopped", False),
                                                                            ("DeadlineSet", None)]
    assert sorted(d.due_at for d in case.open_deadlines) == [T0 + 8 * H, T0 + 48 * H]


def test_closing_cancels_every_running_clock_and_later_starts_are_ignored(policy):
    case = opened(policy)
    case.corrective_action_due("e-a", T0, policy, action_id="A-1", due_at=T0 + 72 * H, owner="billing")
    events = case.case_closed("e-c", T0 + H, policy)
    assert sorted(e.kind for e in events) == ["CASE_REPLY", "CORRECTIVE_ACTION"]
    assert case.work_order_dispatched("e-d", T0 + 2 * H, policy, work_order_id="WO-9", department="x") == []
    assert case.tick(T0 + 100 * H, policy) == []


def test_state_round_trips_through_a_dict(policy):
    case = opened(policy)
    case.rating_recorded("e-r", T0, policy, rating_id="R-1", agent_id="agent-7", dissatisfied=True)
    case.tick(T0 + 30 * M, policy)
    rebuilt = SupervisedCase.from_dict(case.to_dict())
    assert rebuilt == case
    assert rebuilt.tick(T0 + 30 * M, policy) == []


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["accept", "reply", "return", "rate", "explain", "tick", "resolve"]),
                min_size=1, max_size=12))
def test_replaying_every_input_again_changes_nothing(policy, steps):
    case = opened(policy)
    inputs = []
    for index, step in enumerate(steps):
        at = T0 + index * 7 * H
        event_id = f"e-{index}"
        call = {
            "accept": lambda i=event_id, t=at: case.work_order_accepted(i, t, policy, work_order_id="WO-1"),
            "reply": lambda i=event_id, t=at: case.work_order_replied(i, t, policy, work_order_id="WO-1"),
            "return": lambda i=event_id, t=at: case.work_order_returned(i, t, policy, work_order_id="WO-1"),
            "rate": lambda i=event_id, t=at: case.rating_recorded(i, t, policy, rating_id="R", agent_id="a",
                                                                  dissatisfied=True),
            "explain": lambda i=event_id, t=at: case.explanation_received(i, t, policy, rating_id="R"),
            "tick": lambda t=at: case.tick(t, policy),
            "resolve": lambda i=event_id, t=at: case.case_resolved(i, t, policy),
        }[step]
        call()
        inputs.append(call)
    before = case.to_dict()
    assert [call() for call in inputs] == [[] for _ in inputs]
    assert case.to_dict() == before
