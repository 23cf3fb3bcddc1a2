"""Normalising a submission: validation, tier resolution and deterministic ids."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from intake_builders import NOW, at, raw, submission

from services.intake.domain.errors import DomainError, InvalidSubmission, InvalidTier
from services.intake.domain.ids import case_id_for, event_id_for, submission_key, submission_uuid
from services.intake.domain.submission import TierSource, normalise, priority_for, resolve_tier
from services.intake.domain.vocabulary import Channel


def test_a_submission_is_normalised_and_keeps_its_original_text(policy):
    sub = submission(policy, summary="我家寬帶又斷網了😡", channel="CHANNEL_WECHAT")
    assert sub.channel is Channel.WECHAT and sub.key == "WECHAT:S-1"
    assert sub.summary == "我家寬帶又斷網了😡" and sub.matching_text == "我家宽带又断网了"
    assert sub.phone == "+8613800138000" and sub.customer_key == "C-1"
    assert sub.own_case_id == case_id_for("WECHAT", "S-1")


def test_ids_are_deterministic_uuids_of_channel_and_submission_id():
    assert case_id_for("HOTLINE", "S-1") == case_id_for("HOTLINE", "S-1")
    assert case_id_for("HOTLINE", "S-1") != case_id_for("SMS", "S-1")
    assert case_id_for("HOTLINE", "S-1") != submission_uuid("HOTLINE", "S-1")
    assert submission_key("SMS", "9") == "SMS:9"
    assert event_id_for("CaseRegistered", "A") == event_id_for("CaseRegistered", "A") != event_id_for("X", "A")


def test_ids_survive_a_restart_because_the_namespace_is_fixed():
    # pinned: a change here would give every redelivered submission a second case
    assert case_id_for("HOTLINE", "S-1") == "69038477-e99a-5aef-a0e5-486001d12ce4"


def test_a_customer_known_only_by_phone_is_keyed_by_the_canonical_phone(policy):
    sub = submission(policy, customer_id="", phone="+86-138-0013-8000")
    assert sub.customer_key == "phone:+8613800138000" and sub.customer_id == ""


@pytest.mark.parametrize("overrides, message", [
    ({"submission_id": " "}, "submission_id is empty"),
    ({"channel": "FAX"}, "unknown channel 'FAX'"),
    ({"customer_id": "", "phone": "12345"}, "names no customer"),
    ({"received_at": datetime(2024, 3, 1, 8, 0)}, "received_at must be timezone-aware"),
    ({"tier": 4}, "tier 4 is not one of 1, 2, 3"),
])
def test_submissions_the_rules_cannot_work_with_are_refused_by_name(policy, overrides, message):
    with pytest.raises(InvalidSubmission, match=message) as raised:
        normalise(raw(**overrides), policy, NOW)
    assert isinstance(raised.value, DomainError)


def test_invalid_tier_is_its_own_error(policy):
    with pytest.raises(InvalidTier):
        normalise(raw(tier=-1), policy, NOW)


def test_a_naive_now_is_refused(policy):
    with pytest.raises(InvalidSubmission, match="now must be timezone-aware"):
        normalise(raw(), policy, datetime(2024, 3, 1))


def test_receive_time_defaults_to_now_and_is_never_in_the_future(policy):
    assert normalise(raw(received_at=None), policy, NOW).received_at == NOW
    assert normalise(raw(received_at=at(minutes=5)), policy, NOW).received_at == NOW
    assert normalise(raw(received_at=at(minutes=-5)), policy, NOW).received_at == NOW - timedelta(minutes=5)


def test_tier_comes_from_the_event_first(policy):
    assert resolve_tier(1, "C-1", lambda _: 3, policy) == (1, TierSource.EVENT)


@pytest.mark.parametrize("event_tier", [0, None])
def test_tier_comes_from_the_directory_when_the_event_does_not_know(policy, event_tier):
    assert resolve_tier(event_tier, "C-1", {"C-1": 2}.get, policy) == (2, TierSource.DIRECTORY)


@pytest.mark.parametrize("directory", [None, {}.get, {"C-1": 7}.get, {"C-1": None}.get])
def test_tier_falls_back_to_the_policy_default(policy, directory):
    assert resolve_tier(0, "C-1", directory, policy) == (3, TierSource.POLICY_DEFAULT)


def test_tier_one_is_served_first(policy):
    assert [priority_for(tier, policy) for tier in (1, 2, 3)] == [1, 2, 3]
    sub = normalise(raw(tier=0), policy, NOW, directory={"C-1": 1}.get)
    assert (sub.tier, sub.tier_source) == (1, TierSource.DIRECTORY)
