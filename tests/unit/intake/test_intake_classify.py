"""Classification by policy keyword rules over segmented text; severity by policy rules."""

from __future__ import annotations

import pytest
from intake_builders import policy_data

from complaint_platform.policy import Node
from services.intake.domain.classify import (
    EXPLICIT, REGULATOR_FLOOR, UNMATCHED, Classification, classify, find_words, grade)
from services.intake.domain.normalise import text_for_matching
from services.intake.domain.policy import SeverityRule, load
from services.intake.domain.vocabulary import Channel, Severity


def category_of(text: str, policy) -> Classification:
    return classify("", text_for_matching(text), policy)


@pytest.mark.parametrize("text, category, rule", [
    ("我家宽带又断网了", "broadband_outage", "broadband:断网+宽带"),
    ("手机信号差，打不通电话", "network_signal", "signal:信号差+打不通"),
    ("信號很差", "network_signal", "signal:信号"),                       # Traditional input
    ("莫名其妙被扣费，从未订购彩铃", "value_added_charges", "vas_charges:彩铃+从未订购"),
    ("话费多扣了10元", "billing_dispute", "billing:话费+多扣"),
    ("营业员态度恶劣", "service_attitude", "attitude:态度+恶劣"),
    ("师傅一直不上门维修", "installation_repair_delay", "repair_delay:上门+维修+师傅"),
    ("我想改套餐", "number_plan_change", "plan_change:改套餐"),
    ("我要携号转网", "porting", "porting:携号转网"),
])
def test_the_first_matching_rule_decides_and_is_recorded(policy, text, category, rule):
    decided = category_of(text, policy)
    assert (decided.category, decided.rule, decided.needs_triage) == (category, rule, False)


def test_words_match_whole_words_only(policy):
    assert find_words(("沃尔玛", "的", "东西"), ("沃",)) == ()
    assert find_words(("携号", "转网"), ("携号转网", "转网")) == ("携号转网", "转网")


def test_nothing_matching_is_other_and_needs_triage(policy):
    assert category_of("今天天气不错", policy) == Classification("other", UNMATCHED, (), True)


def test_an_explicit_category_wins_over_the_text(policy):
    decided = classify("billing_dispute", text_for_matching("宽带断网"), policy)
    assert decided == Classification("billing_dispute", EXPLICIT, (), False)
    assert decided.rule == "explicit"


def test_an_unknown_explicit_category_is_classified_from_text_and_sent_to_triage(policy):
    decided = classify("roaming", text_for_matching("宽带断网"), policy)
    assert decided.category == "broadband_outage" and decided.needs_triage
    assert decided.rule_id == "broadband(explicit 'roaming' unknown)"


def test_rules_are_data_a_new_policy_word_changes_the_outcome():
    data = policy_data()
    data["categories"].insert(0, {"id": "roaming", "category": "billing_dispute", "words": ["漫游费"]})
    custom = load(Node(data, "policy.intake"))
    assert category_of("漫游费太贵", custom).rule == "roaming:漫游费"


def grade_default(policy, channel=Channel.HOTLINE, tier=3, category="other", contacts=1, regulator=False):
    return grade(policy.severity, channel=channel, tier=tier, category=category, contacts=contacts,
                 regulator_case=regulator)


def test_severity_takes_the_highest_matching_rule_and_names_it(policy):
    assert grade_default(policy).rule_id == "default"
    assert grade_default(policy).severity is Severity.LOW
    assert grade_default(policy, category="broadband_outage").rule_id == "network_fault"
    assert grade_default(policy, category="broadband_outage").severity is Severity.MEDIUM
    assert grade_default(policy, tier=1, category="broadband_outage").rule_id == "tier1"
    assert grade_default(policy, tier=1).severity is Severity.HIGH


def test_repeat_contacts_raise_severity_at_exactly_three(policy):
    assert grade_default(policy, contacts=2).severity is Severity.LOW
    assert grade_default(policy, contacts=3).severity is Severity.HIGH
    assert grade_default(policy, contacts=3).rule_id == "repeat3"


def test_regulator_submissions_are_always_critical_even_without_a_rule():
    rules = (SeverityRule("default", Severity.LOW),)
    assert grade(rules, channel=Channel.REGULATOR, tier=3, category="other", contacts=1) == \
        grade(rules, channel=Channel.HOTLINE, tier=3, category="other", contacts=1, regulator_case=True)
    decided = grade(rules, channel=Channel.REGULATOR, tier=3, category="other", contacts=1)
    assert (decided.severity, decided.rule_id) == (Severity.CRITICAL, REGULATOR_FLOOR)


def test_the_policy_regulator_rule_is_named_when_it_fires(policy):
    decided = grade_default(policy, channel=Channel.REGULATOR)
    assert (decided.severity, decided.rule_id) == (Severity.CRITICAL, "regulator")


def test_ties_go_to_the_earlier_rule():
    rules = (SeverityRule("first", Severity.MEDIUM), SeverityRule("second", Severity.MEDIUM))
    assert grade(rules, channel=Channel.SMS, tier=3, category="other", contacts=1).rule_id == "first"


def test_no_matching_rule_is_low():
    rules = (SeverityRule("only_porting", Severity.HIGH, categories=("porting",)),)
    decided = grade(rules, channel=Channel.SMS, tier=3, category="other", contacts=1)
    assert (decided.severity, decided.rule_id) == (Severity.LOW, "none")
