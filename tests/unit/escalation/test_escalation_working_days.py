"""Working days around Chinese public holidays and their adjusted working days (调休), from the
chinese-calendar package, with the policy's own holidays and working days on top.

2026 as the State Council published it: Mid-Autumn Festival Fri 25 - Sun 27 Sep; National Day
Thu 1 - Wed 7 Oct, with Sun 20 Sep and Sat 10 Oct worked instead; Spring Festival 15-23 Feb with
Sat 14 Feb and Sat 28 Feb worked."""

from __future__ import annotations

import copy
from datetime import date, timedelta

import pytest
import yaml

from complaint_platform.policy import Node, PolicyError
from services.escalation.domain.deadlines import Deadline
from services.escalation.domain.policy import DEFAULT_POLICY_FILE, load
from services.escalation.domain.public_holidays import public_days

from escalation_testkit import local

HOUR = timedelta(hours=1)
BASE = yaml.safe_load(DEFAULT_POLICY_FILE.read_text(encoding="utf-8"))["escalation"]


def office_with(**overrides):
    section = copy.deepcopy(BASE)
    section["calendars"]["office_hours"].update(overrides)
    return load(Node({"escalation": section}).child("escalation")).calendars["office_hours"]


def test_a_porting_work_order_due_in_24_working_hours_from_30_september_falls_due_on_the_make_up_saturday(policy):
    allowed = policy.allowed("work_order_reply", "porting", 2, "HOTLINE")
    calendar = policy.calendar_for("province-porting-desk")
    assert allowed == 24 * HOUR and calendar.name == "office_hours"
    order = Deadline.start("case-1", "WORK_ORDER_REPLY", "case-1-WO1", local(2026, 9, 30, 17), calendar, policy,
                           allowed=allowed, department="province-porting-desk")
    # Wed 30 Sep 17-18 (1h); 1-7 Oct off; Thu 8 Oct 9h, Fri 9 Oct 9h; Sat 10 Oct is worked: 5h more -> 14:00
    assert order.due_at == local(2026, 10, 10, 14)
    # 80% warning: 19.2h -> 1h + 9h + 9h + 0.2h = Sat 10 Oct 09:12
    assert order.warn_at == local(2026, 10, 10, 9, 12)


def test_the_make_up_sunday_before_national_day_is_worked(policy):
    office = policy.calendars["office_hours"]
    assert office.add_working_time(local(2026, 9, 19, 10), 2 * HOUR) == local(2026, 9, 20, 11)  # Sat -> Sun
    assert office.working_time_between(local(2026, 9, 20, 8), local(2026, 9, 20, 20)) == 9 * HOUR


def test_the_make_up_saturday_after_national_day_is_worked_and_the_sunday_after_it_is_not(policy):
    office = policy.calendars["office_hours"]
    assert office.add_working_time(local(2026, 10, 9, 17), 2 * HOUR) == local(2026, 10, 10, 10)  # Fri -> Sat
    assert office.add_working_time(local(2026, 10, 10, 17), 2 * HOUR) == local(2026, 10, 12, 10)  # Sat -> Mon


def test_mid_autumn_friday_is_off(policy):
    office = policy.calendars["office_hours"]
    assert office.add_working_time(local(2026, 9, 24, 17), 2 * HOUR) == local(2026, 9, 28, 10)  # Thu -> Mon


def test_spring_festival_and_its_two_make_up_saturdays(policy):
    office = policy.calendars["office_hours"]
    assert office.add_working_time(local(2026, 2, 13, 17), 2 * HOUR) == local(2026, 2, 14, 10)  # Fri -> Sat 14
    assert office.add_working_time(local(2026, 2, 14, 17), 2 * HOUR) == local(2026, 2, 24, 10)  # holiday 15-23
    assert office.add_working_time(local(2026, 2, 27, 17), 2 * HOUR) == local(2026, 2, 28, 10)  # Fri -> Sat 28


def test_the_policy_overrides_the_public_days():
    office = office_with(holidays=["2026-10-10"], working_days=["2026-10-03"])
    assert office.add_working_time(local(2026, 9, 30, 17), 2 * HOUR) == local(2026, 10, 3, 10)  # Sat 3 Oct worked
    assert office.add_working_time(local(2026, 10, 9, 17), 2 * HOUR) == local(2026, 10, 12, 10)  # Sat 10 Oct off


def test_without_public_holidays_only_weekends_and_the_policys_days_count():
    office = office_with(public_holidays="none", holidays=[])
    assert office.add_working_time(local(2026, 9, 30, 17), 2 * HOUR) == local(2026, 10, 1, 10)


def test_a_year_the_package_does_not_know_keeps_weekends_and_the_policys_days(policy):
    office = policy.calendars["office_hours"]
    assert public_days("CN").unknown_years(2026, 2027) == [2027]
    assert office.add_working_time(local(2026, 12, 31, 17), 2 * HOUR) == local(2027, 1, 4, 10)  # 1 Jan off, weekend


def test_a_day_both_off_and_worked_is_refused_naming_the_field():
    with pytest.raises(PolicyError, match=r"calendars\.office_hours\.working_days.*2026-10-03 is both a holiday"):
        office_with(holidays=["2026-10-03"], working_days=["2026-10-03"])


def test_an_unknown_public_holiday_source_is_refused():
    with pytest.raises(PolicyError, match="public_holidays"):
        office_with(public_holidays="HK")


def test_the_package_knows_2026s_schedule():
    days = public_days("CN")
    assert {date(2026, 10, day) for day in range(1, 8)} <= days.holidays
    assert {date(2026, 9, 20), date(2026, 10, 10), date(2026, 2, 14), date(2026, 2, 28)} <= days.working_days
