"""Customer identity: the directory in memory resolves a phone-only submission to its customer."""

from __future__ import annotations

from intake_builders import NOW, raw

from services.intake.domain.identity import CustomerDirectory
from services.intake.domain.submission import CustomerSource, TierSource, normalise


def directory() -> CustomerDirectory:
    return CustomerDirectory.from_documents([
        {"_id": "C-7", "tier": 1, "region": "shenzhen", "phones": ["+8613800138000"]},
        {"_id": "C-8", "tier": 2, "region": "guangzhou", "phones": ["+862012345678"]},
        {"_id": "C-9", "tier": 3, "region": "guangzhou", "phones": ["+862012345678"]},   # a shared line
    ])


def test_a_phone_only_submission_becomes_the_directory_customer_with_tier_and_region(policy):
    sub = normalise(raw(customer_id="", phone="+86 138-0013-8000", tier=0, region=""), policy, NOW,
                    identity=directory())
    assert (sub.customer_key, sub.customer_id, sub.customer_source) == ("C-7", "C-7", CustomerSource.DIRECTORY_PHONE)
    assert (sub.tier, sub.tier_source, sub.region) == (1, TierSource.DIRECTORY, "shenzhen")


def test_the_senders_id_region_and_tier_win(policy):
    sub = normalise(raw(customer_id="C-1", phone="13800138000", tier=2, region="foshan"), policy, NOW,
                    identity=directory())
    assert (sub.customer_key, sub.customer_source, sub.tier, sub.region) == ("C-1", CustomerSource.EVENT, 2, "foshan")


def test_a_shared_or_unknown_phone_stays_a_phone_customer(policy):
    shared = normalise(raw(customer_id="", phone="020-12345678", tier=0), policy, NOW, identity=directory())
    unknown = normalise(raw(customer_id="", phone="13900139000", tier=0), policy, NOW, identity=directory())
    assert (shared.customer_key, shared.customer_source) == ("phone:+862012345678", CustomerSource.PHONE)
    assert (unknown.customer_key, unknown.tier_source) == ("phone:+8613900139000", TierSource.POLICY_DEFAULT)


def test_without_a_directory_nothing_changes(policy):
    assert normalise(raw(customer_id="", phone="13800138000"), policy, NOW).customer_key == "phone:+8613800138000"
