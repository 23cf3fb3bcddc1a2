"""Classification by the learned model with policy keyword rules as overrides; severity by policy rules."""

from __future__ import annotations

import pytest
from intake_builders import policy_data

from complaint_platform.policy import Node
from services.intake.domain.classify import (
    EXPLICIT, MODEL, REGULATOR_FLOOR, UNMATCHED, Classification, classify, find_words, grade)
from services.intake.domain.learned import read_corpus
from services.intake.domain.normalise import text_for_matching
from services.intake.domain.policy import SeverityRule, load
from services.intake.domain.vocabulary import Channel, Severity


def category_of(text: str, policy) -> Classification:
    return classify("", text_for_matching(text), policy)


# The issue's everyday complaints (issue 16), none of them in the training corpus.
ISSUE_EXAMPLES = [
    ("手机信号很差，经常掉线", "network_signal"),          # the keyword rules filed it as broadband_outage
    ("家里信号差，打不了电话", "network_signal"),
    ("固话无法拨出，影响营业", "fixed_line_fault"),
    ("手机上网很慢，投诉多次", "mobile_data_speed"),
    ("月租费被重复扣了两次", "billing_dispute"),
    ("副卡注销不了，营业厅让我下个月再来", "number_plan_change"),
    ("手机一直提示无服务", "no_service"),
    ("说好三天内上门安装宽带，一周了还没人联系我", "installation_repair_delay"),
]


@pytest.mark.parametrize("text, category", ISSUE_EXAMPLES)
def test_everyday_complaints_are_understood_by_the_model(policy, text, category):
    decided = category_of(text, policy)
    assert (decided.category, decided.rule_id, decided.needs_triage) == (category, MODEL, False)
    assert decided.confidence >= policy.classifier.min_confidence
    assert decided.rule == f"model:{decided.confidence:.2f}"
    assert decided.candidates[0] == (category, decided.confidence) and len(decided.candidates) == 3


def test_the_issue_examples_are_not_in_the_training_corpus():
    corpus = {text_for_matching(example.text) for example in read_corpus()}
    assert not corpus & {text_for_matching(text) for text, _ in ISSUE_EXAMPLES}


def test_traditional_script_reads_like_simplified(policy):
    assert category_of("手機一直顯示無服務", policy).category == "no_service"
    assert category_of("寬頻又斷線了，光貓亮紅燈", policy).category == "broadband_outage"


@pytest.mark.parametrize("text, category, rule", [
    ("我要携号转网，手机信号太差了", "porting", "porting:携号转网"),
    ("从未订购彩铃却被扣费", "value_added_charges", "vas_charges:从未订购+彩铃"),
    ("营业员辱骂我", "service_attitude", "attitude:辱骂"),
])
def test_policy_keyword_rules_override_the_model(policy, text, category, rule):
    decided = category_of(text, policy)
    assert (decided.category, decided.rule, decided.needs_triage, decided.confidence) == (category, rule, False, 1.0)


def test_a_doubtful_model_answer_goes_to_a_person_with_its_candidates(policy):
    decided = category_of("今天天气不错", policy)
    assert decided.rule_id == MODEL and decided.needs_triage
    assert decided.confidence < policy.classifier.min_confidence
    assert decided.category == decided.candidates[0][0]
    assert [p for _, p in decided.candidates] == sorted((p for _, p in decided.candidates), reverse=True)
    assert decided.rule.startswith(f"model:{decided.confidence:.2f}?{decided.category}=")


def test_the_confidence_threshold_is_policy():
    data = policy_data()
    data["classifier"] = {"min_confidence": 0.99, "candidates": 2}
    strict = load(Node(data, "policy.intake"))
    decided = category_of("手机信号很差，经常掉线", strict)
    assert decided.category == "network_signal" and decided.needs_triage and len(decided.candidates) == 2


def test_words_match_whole_words_only(policy):
    assert find_words(("沃尔玛", "的", "东西"), ("沃",)) == ()
    assert find_words(("携号", "转网"), ("携号转网", "转网")) == ("携号转网", "转网")


def test_no_text_is_other_and_needs_triage(policy):
    assert category_of("", policy) == Classification("other", UNMATCHED, (), True)


def test_an_explicit_category_wins_over_the_text(policy):
    decided = classify("billing_dispute", text_for_matching("宽带断网"), policy)
    assert decided == Classification("billing_dispute", EXPLICIT, (), False)
    assert decided.rule == "explicit"


def test_an_unknown_explicit_category_is_classified_from_text_and_sent_to_triage(policy):
    decided = classify("roaming", text_for_matching("宽带断网"), policy)
    assert decided.category == "broadband_outage" and decided.needs_triage
    assert decided.rule_id == "model(explicit 'roaming' unknown)"


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
