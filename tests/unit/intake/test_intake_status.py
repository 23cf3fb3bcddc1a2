"""The lifecycle as intake sees it: strict transitions, and a tolerant read model for late/double news."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from intake_builders import NOW, at

from services.intake.domain.errors import IllegalStatusTransition, UnknownStatus
from services.intake.domain.status import (
    ALLOWED, CaseStatus, Observation, StatusView, advance_status, check_transition)

S = CaseStatus
LEGAL = {(S.REGISTERED, S.ASSIGNED), (S.ASSIGNED, S.DISPATCHED), (S.DISPATCHED, S.RESOLVED),
         (S.RESOLVED, S.VERIFYING), (S.VERIFYING, S.CLOSED), (S.RESOLVED, S.REOPENED),
         (S.VERIFYING, S.REOPENED), (S.REOPENED, S.ASSIGNED), (S.REOPENED, S.DISPATCHED)}


def test_the_strict_table_is_the_documented_lifecycle():
    assert {(a, b) for a, targets in ALLOWED.items() for b in targets} == LEGAL


@pytest.mark.parametrize("current, target", sorted(LEGAL))
def test_legal_transitions_pass(current, target):
    check_transition(current, target)


@pytest.mark.parametrize("current, target",
                         [pair for pair in itertools.product(S, S) if pair not in LEGAL])
def test_every_other_transition_is_refused_by_name(current, target):
    with pytest.raises(IllegalStatusTransition, match=f"a {current.value} case cannot become {target.value}"):
        check_transition(current, target)


def test_unknown_status_names_are_refused():
    with pytest.raises(UnknownStatus, match="'ESCALATED'"):
        advance_status(StatusView(), "ESCALATED", NOW)
    assert CaseStatus.parse("dispatched") is S.DISPATCHED


def step(view: StatusView, status: str, minutes: float):
    return advance_status(view, status, at(minutes))


def test_forward_news_advances_and_may_skip_what_is_still_in_flight():
    change = step(StatusView(), "RESOLVED", 5)
    assert change.outcome is Observation.ADVANCED and change.view == StatusView(S.RESOLVED, at(5))


def test_the_same_news_twice_changes_nothing():
    view = step(StatusView(), "ASSIGNED", 1).view
    again = step(view, "ASSIGNED", 1)
    assert again.outcome is Observation.DUPLICATE and again.view == view


def test_older_news_is_stale_and_ignored():
    view = step(StatusView(), "DISPATCHED", 2).view
    late = step(view, "ASSIGNED", 1)
    assert late.outcome is Observation.STALE and late.view == view


def test_an_owner_change_after_dispatch_does_not_move_the_case_backwards():
    view = step(StatusView(), "DISPATCHED", 2).view
    change = step(view, "ASSIGNED", 3)
    assert change.outcome is Observation.DEFERRED and change.view.status is S.DISPATCHED


def test_reopened_starts_a_new_loop_and_replays_news_that_was_waiting_for_it():
    view = step(StatusView(), "VERIFYING", 4).view
    view = step(view, "DISPATCHED", 7).view            # the next loop's news, early
    assert view.status is S.VERIFYING
    change = step(view, "REOPENED", 5)
    assert change.outcome is Observation.ADVANCED
    assert change.view.status is S.DISPATCHED and change.view.status_at == at(7) and change.view.deferred == ()


def test_closed_is_final_whatever_arrives_later():
    view = step(step(StatusView(), "VERIFYING", 4).view, "CLOSED", 6).view
    for status in ("REOPENED", "ASSIGNED", "RESOLVED"):
        assert step(view, status, 9).outcome is Observation.FINAL
    assert step(view, "CLOSED", 6).outcome is Observation.DUPLICATE


def test_closure_arriving_before_older_news_still_wins():
    view = step(StatusView(), "CLOSED", 9).view
    assert step(view, "VERIFYING", 8).view.status is S.CLOSED


def test_status_view_round_trips_through_a_dict():
    view = step(step(StatusView(), "VERIFYING", 4).view, "ASSIGNED", 6).view
    assert view.deferred == ((S.ASSIGNED, at(6)),)
    assert StatusView.from_dict(view.to_dict()) == view


LOOP = ["ASSIGNED", "DISPATCHED", "RESOLVED", "VERIFYING"]


@st.composite
def histories(draw):
    """A lifecycle that really happened (one status per minute), then delivered shuffled and doubled."""
    statuses = ["REGISTERED"] + LOOP
    for _ in range(draw(st.integers(0, 2))):
        statuses += ["REOPENED"] + draw(st.sampled_from([LOOP, LOOP[1:]]))
    statuses = statuses[:draw(st.integers(1, len(statuses)))]
    if statuses[-1] == "VERIFYING" and draw(st.booleans()):
        statuses.append("CLOSED")
    happened = [(status, NOW + timedelta(minutes=i)) for i, status in enumerate(statuses)]
    delivered = draw(st.permutations(happened + draw(st.lists(st.sampled_from(happened), max_size=5))))
    return happened, delivered


@given(histories())
def test_any_delivery_order_ends_where_the_history_ended(history):
    happened, delivered = history
    view = StatusView()
    for status, moment in delivered:
        view = advance_status(view, status, moment).view
    assert view.status.value == happened[-1][0]
    for status, moment in delivered:                     # and a full redelivery changes nothing
        assert advance_status(view, status, moment).view.status is view.status
