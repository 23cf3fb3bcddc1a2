"""Automatic merge within the window (from the last contact, edge included) and the operator's split."""

from __future__ import annotations

from datetime import timedelta

import pytest
from intake_builders import NOW, at, submission

from services.intake.domain.case import CaseFile, open_case
from services.intake.domain.classify import classify
from services.intake.domain.errors import CaseClosed, LinkRefused, SplitRefused
from services.intake.domain.events import CaseRegistered, SubmissionSplit
from services.intake.domain.merge import find_case_to_join, find_match, link, same_problem, split, within_merge_window
from services.intake.domain.vocabulary import Channel, Severity

TICK = timedelta(microseconds=1)


def new_case(policy, **overrides) -> CaseFile:
    sub = submission(policy, **overrides)
    return open_case(sub, classify(sub.explicit_category, sub.matching_text, policy), policy, NOW)


def repeat(policy, n: int, **overrides):
    return submission(policy, submission_id=f"S-{n}", **overrides)


def test_the_window_counts_from_the_last_contact_edge_included(policy):
    case = new_case(policy)
    link(case, repeat(policy, 2, received_at=at(hours=48)), policy, NOW)
    edge = at(hours=48) + policy.merge_window
    assert within_merge_window(case, edge, policy)
    assert not within_merge_window(case, edge + TICK, policy)


def test_without_repeats_the_window_is_the_registration_plus_72h(policy):
    case = new_case(policy)
    assert find_case_to_join(repeat(policy, 2, received_at=at(hours=72)), case.category, [case], policy) is case
    late = repeat(policy, 2, received_at=at(hours=72) + TICK)
    assert find_case_to_join(late, case.category, [case], policy) is None


def test_a_late_delivered_older_submission_still_joins_within_the_window(policy):
    case = new_case(policy, received_at=at(hours=10))
    earlier = repeat(policy, 2, received_at=at(hours=10) - policy.merge_window)
    assert find_case_to_join(earlier, case.category, [case], policy) is case
    too_early = repeat(policy, 2, received_at=at(hours=10) - policy.merge_window - TICK)
    assert find_case_to_join(too_early, case.category, [case], policy) is None


@pytest.mark.parametrize("reason, change", [
    ("another problem", lambda case, sub: ("service_attitude", sub)),
    ("closed case", lambda case, sub: (case.observe_status("CLOSED", NOW) and case.category, sub)),
    ("proxy case", lambda case, sub: (setattr(case, "proxy_case", True) or case.category, sub)),
])
def test_no_merge_across_categories_into_closed_or_proxy_cases(policy, reason, change):
    case = new_case(policy)
    category, sub = change(case, repeat(policy, 2, summary="营业员态度很差，问什么都不耐烦"))
    assert find_case_to_join(sub, category, [case], policy) is None, reason


def test_no_merge_across_customers(policy):
    case = new_case(policy)
    assert find_case_to_join(repeat(policy, 2, customer_id="C-2"), case.category, [case], policy) is None


def test_the_most_recently_contacted_case_is_chosen(policy):
    older, newer = new_case(policy), new_case(policy, submission_id="S-9", received_at=at(hours=1))
    assert find_case_to_join(repeat(policy, 2, received_at=at(hours=2)), older.category, [older, newer],
                             policy) is newer


def test_linking_records_channels_contacts_and_raises_the_regulator_risk(policy):
    case = new_case(policy)
    assert case.regulator_risk == 0
    event = link(case, repeat(policy, 2, channel="WEIBO", received_at=at(hours=1)), policy, at(hours=1))
    assert case.channels == [Channel.HOTLINE, Channel.WEIBO] and case.contact_count == 2
    assert case.regulator_risk == 15 + 5 and event.regulator_risk == 20 and event.contact_count == 2
    assert case.last_contact_at == at(hours=1)
    event = link(case, repeat(policy, 3, channel="HOTLINE", received_at=at(hours=2)), policy, at(hours=2))
    assert case.regulator_risk == 2 * 15 + 5
    assert (event.severity, event.severity_rule) == (Severity.HIGH, "repeat3")  # third contact


def test_a_regulator_appeal_on_an_open_case_makes_it_a_critical_regulator_case(policy):
    case = new_case(policy)
    event = link(case, repeat(policy, 2, channel="REGULATOR"), policy, NOW)
    assert case.regulator_case and event.regulator_case
    assert (case.severity, case.severity_rule) == (Severity.CRITICAL, "regulator")
    assert case.regulator_risk == 15 + 5 + 60


def test_the_risk_is_capped_at_the_policy_maximum(policy):
    case = new_case(policy, tier=1, channel="REGULATOR")
    for n in range(2, 6):
        link(case, repeat(policy, n), policy, NOW)
    assert case.regulator_risk == policy.risk.maximum == 100


def test_linking_the_same_submission_twice_changes_nothing(policy):
    case = new_case(policy)
    sub = repeat(policy, 2)
    assert link(case, sub, policy, NOW) is not None
    before = case.to_dict()
    assert link(case, sub, policy, NOW) is None
    assert case.to_dict() == before


def test_linking_into_a_closed_case_or_another_customers_case_is_refused(policy):
    case = new_case(policy)
    with pytest.raises(LinkRefused, match="another customer"):
        link(case, repeat(policy, 2, customer_id="C-2"), policy, NOW)
    case.observe_status("CLOSED", NOW)
    with pytest.raises(CaseClosed, match=f"case {case.case_id} is closed"):
        link(case, repeat(policy, 3), policy, NOW)


def merged(policy):
    case = new_case(policy)
    wrong = repeat(policy, 2, channel="REGULATOR", summary="宽带掉线", received_at=at(hours=1))
    link(case, wrong, policy, at(hours=1))
    return case, wrong


def test_split_gives_the_submission_its_own_case_and_restores_the_original(policy):
    case, wrong = merged(policy)
    result = split(case, wrong, operator="op-1", reason="different address", command_id="cmd-1",
                   policy=policy, now=at(hours=2))
    new = result.new_case
    assert new.case_id == wrong.own_case_id and new.submission_keys == [wrong.key]
    assert case.submission_keys == ["HOTLINE:S-1"] and case.contact_count == 1
    assert case.regulator_risk == 0 and not case.regulator_case
    assert (case.severity, case.severity_rule) == (Severity.MEDIUM, "network_fault")
    assert new.regulator_case and new.severity is Severity.CRITICAL
    split_event, registered = result.events
    assert isinstance(split_event, SubmissionSplit) and isinstance(registered, CaseRegistered)
    assert (split_event.case_id, split_event.new_case_id, split_event.reason) == \
        (case.case_id, new.case_id, "different address")
    assert case.history[-1]["what"] == "split" and case.history[-1]["operator"] == "op-1"
    assert new.history[-1] == {"at": at(hours=2), "what": "split from", "case": case.case_id,
                               "operator": "op-1", "reason": "different address"}


def test_the_same_split_command_twice_changes_nothing(policy):
    case, wrong = merged(policy)
    split(case, wrong, operator="op-1", reason="wrong", command_id="cmd-1", policy=policy, now=NOW)
    before = case.to_dict()
    again = split(case, wrong, operator="op-1", reason="wrong", command_id="cmd-1", policy=policy, now=NOW)
    assert again.new_case is None and again.events == () and case.to_dict() == before


@pytest.mark.parametrize("operator, reason, message", [
    ("op-1", " ", "needs a reason"),
    ("", "wrong", "needs the operator's name"),
])
def test_split_needs_a_reason_and_an_operator(policy, operator, reason, message):
    case, wrong = merged(policy)
    with pytest.raises(SplitRefused, match=message):
        split(case, wrong, operator=operator, reason=reason, command_id="c", policy=policy, now=NOW)
    assert case.contact_count == 2


def test_split_refuses_foreign_submissions_the_opener_and_closed_cases(policy):
    case, wrong = merged(policy)
    with pytest.raises(SplitRefused, match="is not part of case"):
        split(case, repeat(policy, 7), operator="o", reason="r", command_id="c", policy=policy, now=NOW)
    with pytest.raises(SplitRefused, match="opened case"):
        split(case, submission(policy), operator="o", reason="r", command_id="c", policy=policy, now=NOW)
    case.observe_status("CLOSED", NOW)
    with pytest.raises(CaseClosed):
        split(case, wrong, operator="o", reason="r", command_id="c", policy=policy, now=NOW)


def test_a_case_file_round_trips_through_a_dict(policy):
    case, _ = merged(policy)
    case.observe_status("ASSIGNED", at(hours=3))
    case.join_proxy("P-1", NOW)
    copy = CaseFile.from_dict(case.to_dict())
    assert copy == case and copy.to_dict() == case.to_dict()
    assert case.to_dict()["severity"] == 4 and case.to_dict()["contacts"][1]["channel"] == "REGULATOR"


# ---- merge by problem, not by label (issue 16) ----

def test_the_same_problem_in_a_category_of_the_same_family_joins_with_the_family_as_reason(policy):
    case = new_case(policy, summary="手机信号很差，经常掉线")
    assert case.category == "network_signal"
    other_words = repeat(policy, 2, channel="WECHAT", summary="手机一直显示无服务", received_at=at(hours=3))
    decided = classify("", other_words.matching_text, policy)
    assert decided.category == "no_service"
    match = find_match(other_words, decided.category, [case], policy)
    assert match is not None and match.case is case and match.reason == "same_family:mobile_network"
    event = link(case, other_words, policy, at(hours=3), match.reason)
    assert event.merge_reason == "same_family:mobile_network"
    assert case.contacts[-1].merge_reason == "same_family:mobile_network" and case.contacts[0].merge_reason == ""
    assert case.history[-1]["reason"] == "same_family:mobile_network"
    assert CaseFile.from_dict(case.to_dict()).contacts[-1].merge_reason == "same_family:mobile_network"


def test_labels_that_disagree_still_join_when_the_texts_are_alike_and_the_similarity_is_recorded(policy):
    case = new_case(policy, summary="营业员态度太差了，还骂人")
    alike = repeat(policy, 2, summary="营业厅那个营业员态度太差，骂人", received_at=at(hours=1))
    reason = same_problem(alike, "other", case, policy)   # as if the model had filed it elsewhere
    assert reason is not None and reason.startswith("similar_text:")
    assert float(reason.split(":")[1]) >= policy.merge.similarity


def test_different_problems_of_one_customer_stay_apart(policy):
    case = new_case(policy, summary="我家宽带又断网了")
    billing = repeat(policy, 2, summary="这个月话费多扣了八十块", received_at=at(hours=1))
    category = classify("", billing.matching_text, policy).category
    assert category == "billing_dispute" and find_match(billing, category, [case], policy) is None


def test_a_case_of_the_same_category_is_preferred_over_a_family_match(policy):
    signal = new_case(policy, summary="手机信号很差，经常掉线")
    no_service = new_case(policy, submission_id="S-9", summary="手机一直显示无服务", received_at=at(hours=1))
    again = repeat(policy, 2, summary="家里信号差，打不了电话", received_at=at(hours=2))
    match = find_match(again, "network_signal", [signal, no_service], policy)
    assert match.case is signal and match.reason == "same_category"


def test_a_split_undoes_a_family_merge(policy):
    case = new_case(policy, summary="手机信号很差，经常掉线")
    other = repeat(policy, 2, summary="手机一直显示无服务", received_at=at(hours=1))
    link(case, other, policy, at(hours=1), "same_family:mobile_network")
    result = split(case, other, operator="lead-1", reason="not the same phone", command_id="cmd-1",
                   policy=policy, now=at(hours=2))
    assert case.contact_count == 1 and result.new_case is not None
    assert result.new_case.category == "no_service"
