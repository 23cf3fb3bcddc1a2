"""The intake section of the policy: defaults, and every kind of mistake named by its field path."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from intake_builders import policy_data

from complaint_platform.policy import Node, PolicyError
from services.intake.domain.policy import DEFAULT_POLICY_FILE, load
from services.intake.domain.vocabulary import Severity


def load_with(**changes: Any):
    data = policy_data()
    data.update(changes)
    return load(Node(data, "policy.intake"))


def test_the_fragment_file_holds_the_documented_defaults(policy):
    assert DEFAULT_POLICY_FILE.name == "policy.yaml"
    assert policy.merge_window == timedelta(hours=72)
    assert policy.default_tier == 3
    assert policy.priority_by_tier == {1: 1, 2: 2, 3: 3}
    assert (policy.risk.repeat_contact, policy.risk.new_channel, policy.risk.regulator_channel,
            policy.risk.tier1, policy.risk.maximum) == (15, 5, 60, 10, 100)
    assert policy.proxy.threshold == 20 and policy.proxy.window == timedelta(minutes=10)
    assert policy.proxy.incident_lifetime == timedelta(hours=24) and policy.proxy.severity is Severity.HIGH
    assert policy.proxy.categories == ("network_signal", "broadband_outage", "fixed_line_fault",
                                       "mobile_data_speed", "no_service")
    assert (policy.classifier.min_confidence, policy.classifier.candidates) == (0.5, 3)
    assert policy.merge.families["no_service"] == "mobile_network" and policy.merge.similarity == 0.4
    assert policy.proxy.late_tolerance == timedelta(minutes=30)
    assert policy.social.brand_words == ("联通", "沃", "10010", "电信", "10000")
    assert policy.categories[0].id == "porting"
    assert policy.severity[0].severity is Severity.CRITICAL and policy.severity[0].channels == ("REGULATOR",)


def test_an_empty_section_falls_back_to_defaults_except_the_rules():
    with pytest.raises(PolicyError, match=r"^policy.intake.categories: at least one rule is required"):
        load(Node({}, "policy.intake"))


def test_severity_rules_take_one_value_or_a_list_and_names_or_numbers():
    loaded = load_with(severity=[{"id": "a", "category": "porting", "severity": 3},
                                 {"id": "b", "category": ["porting", "other"], "tier": [1, 2], "severity": "LOW"}])
    assert loaded.severity[0].categories == ("porting",) and loaded.severity[0].severity is Severity.HIGH
    assert loaded.severity[1].categories == ("porting", "other") and loaded.severity[1].tiers == (1, 2)
    assert loaded.severity[1].severity is Severity.LOW and loaded.severity[1].min_contacts == 1


def test_tiers_left_out_of_the_priorities_keep_their_own_number():
    assert load_with(priority_by_tier={1: 1}).priority_by_tier == {1: 1, 2: 2, 3: 3}


@pytest.mark.parametrize("path, change, message", [
    ("merge_windw", lambda d: d.update(merge_windw="72h"), "unknown field"),
    ("merge_window", lambda d: d.update(merge_window="72"), "expected a duration"),
    ("merge_window", lambda d: d.update(merge_window="0h"), "longer than zero"),
    ("default_tier", lambda d: d.update(default_tier=4), "must be at most 3"),
    ("default_tier", lambda d: d.update(default_tier=0), "must be at least 1"),
    ("priority_by_tier.4", lambda d: d["priority_by_tier"].update({4: 4}), "tiers are 1, 2 and 3"),
    ("priority_by_tier.2", lambda d: d["priority_by_tier"].update({2: "high"}), "expected a whole number"),
    ("priority_by_tier.3", lambda d: d.update(priority_by_tier={1: 2, 2: 2, 3: 1}), "cannot be served before"),
    ("priority_by_tier", lambda d: d.update(priority_by_tier=[1, 2, 3]), "expected a mapping"),
    ("regulator_risk.repeat", lambda d: d["regulator_risk"].update(repeat=1), "unknown field"),
    ("regulator_risk.tier1", lambda d: d["regulator_risk"].update(tier1=-1), "must be at least 0"),
    ("regulator_risk.maximum", lambda d: d["regulator_risk"].update(maximum=0), "must be at least 1"),
    ("categories[1].word", lambda d: d["categories"][1].update(word=["x"]), "unknown field"),
    ("categories[1].category", lambda d: d["categories"][1].update(category="roaming"), "expected one of"),
    ("categories[2].words", lambda d: d["categories"][2].update(words=[]), "at least one word"),
    ("categories[0].id", lambda d: d["categories"][0].pop("id"), "is required"),
    ("categories[2].id", lambda d: d["categories"][2].update(id="porting"), "duplicate rule id 'porting'"),
    ("classifier.min_confidence", lambda d: d["classifier"].update(min_confidence=1.5), "less than 1"),
    ("classifier.candidates", lambda d: d["classifier"].update(candidates=0), "at least 1"),
    ("merge.families.charges", lambda d: d["merge"]["families"].update(charges=["network_signal"]),
     "'network_signal' is already in family 'mobile_network'"),
    ("merge.families.charges[0]", lambda d: d["merge"]["families"].update(charges=["roaming"]), "expected one of"),
    ("merge.similarity", lambda d: d["merge"].update(similarity=0), "greater than 0"),
    ("categories", lambda d: d.update(categories={"id": "x"}), "expected a list"),
    ("severity[0].channel", lambda d: d["severity"][0].update(channel="FAX"), "expected one of"),
    ("severity[1].channel[1]", lambda d: d["severity"][1].update(channel=["SMS", "FAX"]), "expected one of"),
    ("severity[0].severity", lambda d: d["severity"][0].update(severity=5), "must be at most 4"),
    ("severity[0].severity", lambda d: d["severity"][0].update(severity="SEVERE"), "expected one of LOW"),
    ("severity[1].tier", lambda d: d["severity"][1].update(tier=4), "must be at most 3"),
    ("severity[2].min_contacts", lambda d: d["severity"][2].update(min_contacts=0), "must be at least 1"),
    ("severity[3].categry", lambda d: d["severity"][3].update(categry="porting"), "unknown field"),
    ("severity", lambda d: d.update(severity=[]), "at least one rule is required"),
    ("proxy.treshold", lambda d: d["proxy"].update(treshold=5), "unknown field"),
    ("proxy.threshold", lambda d: d["proxy"].update(threshold=1), "must be at least 2"),
    ("proxy.window", lambda d: d["proxy"].update(window="ten minutes"), "expected a duration"),
    ("proxy.incident_lifetime", lambda d: d["proxy"].update(incident_lifetime="5m"), "not be shorter"),
    ("proxy.categories[1]", lambda d: d["proxy"].update(categories=["porting", "outage"]), "expected one of"),
    ("proxy.late_tolerance", lambda d: d["proxy"].update(late_tolerance=30), "expected a duration"),
    ("proxy.severity", lambda d: d["proxy"].update(severity="URGENT"), "expected one of"),
    ("social.brand_word", lambda d: d["social"].update(brand_word=["x"]), "unknown field"),
    ("social.signal_words", lambda d: d["social"].update(signal_words=[]), "at least one word"),
    ("social.brand_words[0]", lambda d: d["social"].update(brand_words=[""]), "non-empty string"),
])
def test_mistakes_are_reported_with_their_field_path(path, change, message):
    data = policy_data()
    change(data)
    with pytest.raises(PolicyError) as raised:
        load(Node(data, "policy.intake"))
    assert raised.value.path == f"policy.intake.{path}"
    assert message in raised.value.problem
