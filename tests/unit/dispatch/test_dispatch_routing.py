"""Default owners, routing with fallbacks and extra work orders, queue priority."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from complaint_platform.policy import Node
from services.dispatch.domain.errors import InvalidCase
from services.dispatch.domain.policy import Destination, load
from services.dispatch.domain.routing import default_owner, priority, route


def city(department: str) -> dict[str, str]:
    return {"department": department, "level": "city"}


def small_policy():
    return load(Node({
        "default_owners": [
            {"channel": "*", "region": "shenzhen", "owner": "sz-desk"},
            {"channel": "HOTLINE", "region": "*", "owner": "hotline-desk"},
            {"channel": "HOTLINE", "region": "shenzhen", "owner": "sz-hotline-desk"},
            {"channel": "*", "region": "*", "owner": "centre-desk"},
        ],
        "routing": [
            {"category": "*", "region": "shenzhen", "candidates": [city("sz-front")]},
            {"category": "billing_dispute", "region": "*", "candidates": [city("{region}-billing")]},
            {"category": "billing_dispute", "region": "shenzhen", "candidates": [city("sz-billing-vip")]},
            {"category": "*", "region": "*", "candidates": [city("complaints")]},
        ],
        "consult": {"department": "experts", "level": "headquarters"},
        "proxy": {"department": "{region}-noc", "level": "city"},
    }, "policy.dispatch"))


@pytest.mark.parametrize("channel, region, owner", [
    ("HOTLINE", "shenzhen", "sz-hotline-desk"),   # both specific
    ("HOTLINE", "guangzhou", "hotline-desk"),     # channel beats region
    ("WECHAT", "shenzhen", "sz-desk"),
    ("WECHAT", "guangzhou", "centre-desk"),       # fallback
])
def test_default_owner_most_specific_row_wins(channel, region, owner):
    assert default_owner(small_policy(), channel, region) == owner


@pytest.mark.parametrize("category, region, department", [
    ("billing_dispute", "shenzhen", "sz-billing-vip"),
    ("billing_dispute", "foshan", "foshan-billing"),   # category beats region
    ("porting", "shenzhen", "sz-front"),
    ("porting", "foshan", "complaints"),
])
def test_routing_most_specific_row_wins(category, region, department):
    assert route(small_policy(), category, region).lanes == ((Destination(department, "city"),),)


def test_default_policy_routes_with_candidates_in_order(policy):
    routed = route(policy, "network_signal", "guangzhou")
    assert routed.lanes == ((Destination("guangzhou-wireless-ops", "city"),
                             Destination("province-wireless-centre", "province")),)
    assert routed.rule == "routing:network_signal/*"


def test_unknown_category_falls_back_to_the_catch_all(policy):
    assert route(policy, "other", "foshan").lanes[0][0] == Destination("foshan-customer-service", "city")


def test_proxy_cases_go_to_the_regions_network_operations(policy):
    routed = route(policy, "billing_dispute", "shenzhen", is_proxy=True, text="漫游")
    assert routed.lanes == ((Destination("shenzhen-network-ops", "city"),),)
    assert routed.rule == "proxy"


def test_additional_work_orders_by_keyword_attribute_and_always(policy):
    plain = route(policy, "billing_dispute", "guangzhou", text="话费多扣了")
    assert len(plain.lanes) == 1
    roaming = route(policy, "billing_dispute", "guangzhou", text="Charged for ROAMING abroad")
    assert [lane[0].department for lane in roaming.lanes] == ["guangzhou-billing", "province-roaming-settlement"]
    both = route(policy, "billing_dispute", "guangzhou", text="漫游", attributes={"contract": "C-9"})
    assert [lane[0].department for lane in both.lanes] == [
        "guangzhou-billing", "province-roaming-settlement", "guangzhou-business-office"]
    assert both.rule == "routing:billing_dispute/*+additional[1]+additional[2]"
    vas = route(policy, "value_added_charges", "foshan")
    assert [lane[0].department for lane in vas.lanes] == ["province-vas-management", "foshan-billing"]


def test_an_additional_row_naming_a_department_already_asked_adds_nothing():
    policy = load(Node({
        "default_owners": [{"channel": "*", "region": "*", "owner": "desk"}],
        "routing": [{"category": "*", "region": "*", "candidates": [city("{region}-billing")]}],
        "additional_work_orders": [{"category": "*", "candidates": [city("{region}-billing")]}],
        "consult": {"department": "experts", "level": "province"},
        "proxy": {"department": "noc", "level": "city"},
    }, "policy.dispatch"))
    assert len(route(policy, "billing_dispute", "gz").lanes) == 1


@pytest.mark.parametrize("tier, severity, expected", [
    (1, 1, 1), (1, 4, 1), (2, 4, 2), (3, 4, 3), (2, 3, 4), (3, 3, 5), (2, 1, 8), (3, 1, 9),
])
def test_priority_table(tier, severity, expected):
    assert priority(tier, severity) == expected


@given(st.integers(1, 4), st.integers(2, 3), st.integers(1, 4))
def test_tier_one_tops_every_queue(tier1_severity, other_tier, other_severity):
    assert priority(1, tier1_severity) < priority(other_tier, other_severity)


@given(st.integers(2, 3), st.integers(1, 3))
def test_higher_severity_never_waits_longer(tier, severity):
    assert priority(tier, severity + 1) < priority(tier, severity)


@pytest.mark.parametrize("tier, severity, message", [
    (0, 2, "tier must be 1, 2 or 3, got 0"), (4, 2, "tier must be 1, 2 or 3, got 4"),
    (2, 0, "severity must be 1..4, got 0"), (2, 5, "severity must be 1..4, got 5"),
])
def test_grades_outside_the_scale_are_refused(tier, severity, message):
    with pytest.raises(InvalidCase, match=message):
        priority(tier, severity)
