from __future__ import annotations

import copy
from datetime import timedelta

import pytest
import yaml

from complaint_platform.policy import Node, PolicyError
from services.escalation.domain.policy import DEFAULT_POLICY_FILE, load

BASE = yaml.safe_load(DEFAULT_POLICY_FILE.read_text(encoding="utf-8"))["escalation"]


def parse(mutate=None):
    section = copy.deepcopy(BASE)
    if mutate:
        mutate(section)
    return load(Node({"escalation": section}).child("escalation"))


def refused(mutate) -> PolicyError:
    with pytest.raises(PolicyError) as caught:
        parse(mutate)
    return caught.value


def test_fragment_file_is_the_default(policy):
    assert DEFAULT_POLICY_FILE.name == "policy.yaml"
    assert policy.warning_fraction == 0.8
    assert policy.explanation_window == timedelta(minutes=30)
    assert policy.explanation_escalates_to == 1
    assert policy.timely_target == 0.98
    assert [step.level for step in policy.ladder] == [1, 2, 3, 4]
    assert [step.after for step in policy.ladder] == [timedelta(0), timedelta(hours=2), timedelta(hours=4),
                                                      timedelta(hours=8)]
    assert policy.risk.threshold == 70 and policy.risk.social_mention == 10 and policy.risk.tier2 == 5


def test_optional_fields_default_when_absent():
    minimal = {"sla": [{"work_order_accept": "1h", "work_order_reply": "2h", "case_reply": "3h"}],
               "ladder": BASE["ladder"]}
    policy = load(Node({"escalation": minimal}).child("escalation"))
    assert policy.timezone == "Asia/Shanghai"
    assert policy.at_risk_list_size == 20
    assert policy.supervision_min_escalations == 2
    assert policy.allowed("case_reply", "porting", 1, "HOTLINE") == timedelta(hours=3)


@pytest.mark.parametrize("category, tier, channel, expected", [
    ("billing_dispute", 3, "HOTLINE", timedelta(hours=48)),        # only the default row matches
    ("broadband_outage", 3, "HOTLINE", timedelta(hours=24)),       # category row
    ("billing_dispute", 1, "HOTLINE", timedelta(hours=24)),        # tier row
    ("broadband_outage", 1, "WECHAT", timedelta(hours=24)),        # tier (2) beats category (1)
    ("broadband_outage", 1, "REGULATOR", timedelta(hours=12)),     # channel (4) beats both: the strictest
])
def test_most_specific_sla_row_wins(policy, category, tier, channel, expected):
    assert policy.allowed("case_reply", category, tier, channel) == expected


def test_equally_specific_rows_go_to_the_first_written():
    def two(section):
        section["sla"].append({"category": "porting", "work_order_accept": "5h", "work_order_reply": "5h",
                               "case_reply": "5h"})
        section["sla"].append({"category": "porting", "work_order_accept": "6h", "work_order_reply": "6h",
                               "case_reply": "6h"})
    assert parse(two).allowed("case_reply", "porting", 3, "SMS") == timedelta(hours=5)


def test_allowed_refuses_an_unknown_column(policy):
    with pytest.raises(PolicyError, match="no column 'case_close'"):
        policy.allowed("case_close", "porting", 3, "SMS")


def test_zero_first_ladder_wait_is_accepted_in_any_unit():
    def zero(section):
        section["ladder"][0]["after"] = "0.0h"
    assert parse(zero).ladder[0].after == timedelta(0)


@pytest.mark.parametrize("mutate, path, words", [
    (lambda s: s.update(warnig_fraction=0.5), "policy.escalation.warnig_fraction", "unknown field"),
    (lambda s: s.update(warning_fraction=1.0), "policy.escalation.warning_fraction", "at most 0.99"),
    (lambda s: s.update(explanation_window="30 minutes"), "policy.escalation.explanation_window", "duration"),
    (lambda s: s.update(explanation_escalates_to=5), "policy.escalation.explanation_escalates_to", "at most 4"),
    (lambda s: s.update(timezone="Asia/Shanghia"), "policy.escalation.timezone", "unknown time zone"),
    (lambda s: s.update(timely_target=1.5), "policy.escalation.timely_target", "at most 1"),
    (lambda s: s["sla"][1].update(channel="FAX"), "policy.escalation.sla[1].channel", "unknown channel"),
    (lambda s: s["sla"][1].update(category="biling_dispute"), "policy.escalation.sla[1].category", "unknown category"),
    (lambda s: s["sla"][1].update(tier=4), "policy.escalation.sla[1].tier", "expected 1, 2, 3"),
    (lambda s: s["sla"][1].update(case_reply="soon"), "policy.escalation.sla[1].case_reply", "duration"),
    (lambda s: s["sla"][1].update(case_repyl="1h"), "policy.escalation.sla[1].case_repyl", "unknown field"),
    (lambda s: s["sla"].pop(0), "policy.escalation.sla", "default row"),
    (lambda s: s["ladder"].pop(2), "policy.escalation.ladder", "levels 1, 2, 3 and 4"),
    (lambda s: s["ladder"][1].update(after="-2h"), "policy.escalation.ladder[1].after", "duration"),
    (lambda s: s["ladder"][1].pop("role"), "policy.escalation.ladder[1].role", "is required"),
    (lambda s: s["supervision"].update(min_escalation=2), "policy.escalation.supervision.min_escalation",
     "unknown field"),
    (lambda s: s["supervision"].update(min_escalations=0), "policy.escalation.supervision.min_escalations",
     "at least 1"),
    (lambda s: s["risk"].update(weibo=3), "policy.escalation.risk.weibo", "unknown field"),
    (lambda s: s["risk"].update(tier1=-1), "policy.escalation.risk.tier1", "at least 0"),
    (lambda s: s["calendars"]["office_hours"]["hours"].update(mnd="09:00-18:00"),
     "policy.escalation.calendars.office_hours.hours.mnd", "unknown weekday"),
    (lambda s: s["calendars"]["office_hours"]["hours"].update(mon="18:00-09:00"),
     "policy.escalation.calendars.office_hours.hours.mon", "must close after"),
    (lambda s: s["calendars"]["office_hours"].update(holidays=["2026-13-01"]),
     "policy.escalation.calendars.office_hours.holidays", "month"),
    (lambda s: s["calendars"]["office_hours"].update(hours={}), "policy.escalation.calendars.office_hours.hours",
     "at least one day"),
    (lambda s: s["department_calendars"].update({"x-desk": "night_shift"}),
     "policy.escalation.department_calendars.x-desk", "no calendar named 'night_shift'"),
])
def test_bad_values_are_refused_naming_the_field(mutate, path, words):
    error = refused(mutate)
    assert error.path == path
    assert words in str(error)


def test_department_calendars_resolve_and_others_work_7x24(policy):
    assert policy.calendar_for("province-porting-desk").name == "office_hours"
    assert policy.calendar_for("guangzhou-billing").name == "7x24"
