from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from services.escalation.domain.calendar import HOTLINE

from escalation_testkit import local, utc

HOUR = timedelta(hours=1)


def office(policy):
    return policy.calendars["office_hours"]  # Mon-Fri 09:00-18:00 Shanghai; China's public holidays and 调休


def test_hotline_works_around_the_clock():
    assert HOTLINE.add_working_time(utc(2026, 11, 7, 23), 2 * HOUR) == utc(2026, 11, 8, 1)
    assert HOTLINE.working_time_between(utc(2026, 11, 7, 23), utc(2026, 11, 8, 1)) == 2 * HOUR


def test_start_inside_hours_counts_from_the_start(policy):
    assert office(policy).add_working_time(local(2026, 11, 2, 10), 2 * HOUR) == local(2026, 11, 2, 12)


def test_allowed_time_ending_exactly_at_closing_is_due_at_closing(policy):
    assert office(policy).add_working_time(local(2026, 11, 2, 16), 2 * HOUR) == local(2026, 11, 2, 18)


def test_one_second_past_closing_carries_to_the_next_morning(policy):
    due = office(policy).add_working_time(local(2026, 11, 2, 16), 2 * HOUR + timedelta(seconds=1))
    assert due == local(2026, 11, 3, 9, 0, 1)


def test_start_before_opening_counts_from_opening(policy):
    assert office(policy).add_working_time(local(2026, 11, 2, 7, 30), HOUR) == local(2026, 11, 2, 10)


def test_start_after_closing_counts_from_next_opening(policy):
    assert office(policy).add_working_time(local(2026, 11, 2, 20), HOUR) == local(2026, 11, 3, 10)


def test_friday_afternoon_carries_over_the_weekend(policy):
    assert office(policy).add_working_time(local(2026, 11, 6, 17), 2 * HOUR) == local(2026, 11, 9, 10)


def test_start_on_a_saturday_counts_from_monday(policy):
    assert office(policy).add_working_time(local(2026, 11, 7, 11), HOUR) == local(2026, 11, 9, 10)


def test_national_day_holidays_and_weekend_are_skipped(policy):
    # Wed 30 Sep 17:00 + 2h: 1h on Wednesday; 1-7 Oct National Day holiday -> Thu 8 Oct 10:00
    assert office(policy).add_working_time(local(2026, 9, 30, 17), 2 * HOUR) == local(2026, 10, 8, 10)


def test_working_time_between_clips_to_hours(policy):
    calendar = office(policy)
    assert calendar.working_time_between(local(2026, 11, 2, 17), local(2026, 11, 3, 10)) == 2 * HOUR
    assert calendar.working_time_between(local(2026, 11, 6, 17), local(2026, 11, 9, 9)) == HOUR
    assert calendar.working_time_between(local(2026, 11, 7, 9), local(2026, 11, 8, 18)) == timedelta(0)
    assert calendar.working_time_between(local(2026, 11, 3, 10), local(2026, 11, 2, 10)) == timedelta(0)


def test_due_time_is_returned_in_utc(policy):
    due = office(policy).add_working_time(local(2026, 11, 2, 10), HOUR)
    assert due.utcoffset() == timedelta(0) and due == utc(2026, 11, 2, 3)


@settings(max_examples=200, deadline=None)
@given(start_minutes=st.integers(min_value=0, max_value=60 * 24 * 21),
       allowed_minutes=st.integers(min_value=1, max_value=60 * 9 * 15))
def test_working_time_to_the_due_time_is_the_allowed_time(policy, start_minutes, allowed_minutes):
    start = utc(2026, 9, 20) + timedelta(minutes=start_minutes)
    allowed = timedelta(minutes=allowed_minutes)
    due = office(policy).add_working_time(start, allowed)
    assert due > start
    assert office(policy).working_time_between(start, due) == allowed
