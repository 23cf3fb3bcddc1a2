"""The dispatch section of the policy file: defaults and validation errors that name the field."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from complaint_platform.policy import Node, PolicyError
from services.dispatch.domain.policy import DEFAULT_POLICY_FILE, Destination, default_policy, load


def fragment() -> dict[str, Any]:
    return copy.deepcopy(yaml.safe_load(DEFAULT_POLICY_FILE.read_text(encoding="utf-8"))["dispatch"])


def load_dict(section: dict[str, Any]):
    return load(Node({"dispatch": section}).child("dispatch"))


def test_defaults_parse_from_the_fragment_file():
    policy = default_policy()
    assert DEFAULT_POLICY_FILE.name == "policy.yaml"
    assert policy.consult == Destination("expert-group", "province")
    assert policy.proxy == Destination("{region}-network-ops", "city")
    assert policy.default_owners[0].owner == "hotline-duty-desk"
    assert policy.routing[-1].category == "*" and policy.routing[-1].region == "*"
    roaming = policy.additional[1]
    assert roaming.category == "billing_dispute" and roaming.keywords == ("漫游", "roaming")
    assert policy.additional[2].attributes == (("contract", "*"),)


def test_the_section_loaded_twice_gives_equal_policies():
    assert load_dict(fragment()) == default_policy()


@pytest.mark.parametrize("mutate, path, problem", [
    (lambda s: s.update(routng=[]), "policy.dispatch.routng", "unknown field"),
    (lambda s: s["routing"][0].update(candiates=[]), "policy.dispatch.routing[0].candiates", "unknown field"),
    (lambda s: s["routing"][1]["candidates"][0].update(level="county"),
     "policy.dispatch.routing[1].candidates[0].level", "expected one of city, province, headquarters"),
    (lambda s: s["routing"][0].update(category="network_signl"), "policy.dispatch.routing[0].category",
     "expected one of"),
    (lambda s: s["routing"][0].update(candidates=[]), "policy.dispatch.routing[0].candidates",
     "at least one department"),
    (lambda s: s["routing"][0]["candidates"][0].update(department="{regoin}-ops"),
     "policy.dispatch.routing[0].candidates[0].department", "unknown placeholder {regoin}"),
    (lambda s: s["routing"][0]["candidates"][0].update(department=""),
     "policy.dispatch.routing[0].candidates[0].department", "expected a non-empty string"),
    (lambda s: s.update(routing=s["routing"][:-1]), "policy.dispatch.routing", 'fallback row with category "*"'),
    (lambda s: s["routing"].insert(1, dict(s["routing"][0])), "policy.dispatch.routing[1]", "duplicates the row"),
    (lambda s: s["default_owners"][0].update(channel="HOTLNE"), "policy.dispatch.default_owners[0].channel",
     "expected one of"),
    (lambda s: s["default_owners"][0].update(owner=""), "policy.dispatch.default_owners[0].owner",
     "expected a non-empty string"),
    (lambda s: s.update(default_owners=s["default_owners"][:-1]), "policy.dispatch.default_owners",
     'fallback row with channel "*"'),
    (lambda s: s["additional_work_orders"][1]["when"].update(keyword=["x"]),
     "policy.dispatch.additional_work_orders[1].when.keyword", "unknown field"),
    (lambda s: s["additional_work_orders"][1]["when"].update(keywords="漫游"),
     "policy.dispatch.additional_work_orders[1].when.keywords", "expected a list"),
    (lambda s: s.pop("consult"), "policy.dispatch.consult.department", "is required"),
    (lambda s: s["proxy"].update(level=3), "policy.dispatch.proxy.level", "expected one of"),
    (lambda s: s.update(routing={"category": "*"}), "policy.dispatch.routing", "expected a list"),
])
def test_bad_values_are_rejected_with_the_field_path(mutate, path, problem):
    section = fragment()
    mutate(section)
    with pytest.raises(PolicyError) as raised:
        load_dict(section)
    assert raised.value.path == path
    assert problem in raised.value.problem


def test_missing_routing_table_is_reported_as_missing_fallback():
    section = fragment()
    del section["routing"]
    with pytest.raises(PolicyError, match=r"policy.dispatch.routing: needs a fallback row"):
        load_dict(section)
