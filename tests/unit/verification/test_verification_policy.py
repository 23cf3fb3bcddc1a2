from datetime import timedelta

import pytest

from complaint_platform.policy import Node, PolicyError
from services.verification.domain.policy import DEFAULT_POLICY_FILE, default_policy, load


def section(**overrides):
    data = {"default": {"responsibility": True, "corrective_actions": 1, "preventive_actions": 0, "callback": True,
                        "unreachable_attempts": 3, "callback_fallback": "treat_as_satisfied",
                        "recurrence_window": "30d", "fault_signature_attributes": ["cell_id"]}}
    data.update(overrides)
    return Node(data, "policy.verification")


def test_defaults_from_the_fragment_file():
    policy = default_policy()
    assert DEFAULT_POLICY_FILE.name == "policy.yaml"
    assert policy.default.recurrence_window == timedelta(days=30)
    assert policy.default.unreachable_attempts == 3
    assert policy.default.callback_fallback == "treat_as_satisfied"
    assert policy.default.fault_signature_attributes == ("cell_id",)
    assert policy.late_report_grace == timedelta(hours=1)
    assert policy.rules_for("service_attitude").preventive_actions == 1
    assert policy.rules_for("service_attitude").fault_signature_attributes == ()
    assert policy.rules_for("porting") == policy.default


def test_a_category_inherits_what_it_does_not_name():
    policy = load(section(categories={"billing_dispute": {"recurrence_window": "35d"}}))
    billing = policy.rules_for("billing_dispute")
    assert billing.recurrence_window == timedelta(days=35)
    assert billing.corrective_actions == 1 and billing.fault_signature_attributes == ("cell_id",)


def test_zero_grace_is_allowed():
    assert load(section(late_report_grace="0s")).late_report_grace == timedelta(0)


@pytest.mark.parametrize("overrides, path, problem", [
    ({"recurence_window": "30d"}, "policy.verification.recurence_window", "unknown field"),
    ({"categories": {"billing": {}}}, "policy.verification.categories.billing", "unknown category"),
    ({"categories": {"porting": {"callbak": True}}}, "policy.verification.categories.porting.callbak",
     "unknown field"),
    ({"categories": {"porting": {"callback_fallback": "ignore"}}},
     "policy.verification.categories.porting.callback_fallback", "expected one of"),
    ({"categories": {"porting": {"unreachable_attempts": 0}}},
     "policy.verification.categories.porting.unreachable_attempts", "must be at least 1"),
    ({"categories": {"porting": {"corrective_actions": -1}}},
     "policy.verification.categories.porting.corrective_actions", "must be at least 0"),
    ({"categories": {"porting": {"recurrence_window": "30 days"}}},
     "policy.verification.categories.porting.recurrence_window", "expected a duration"),
    ({"categories": {"porting": {"fault_signature_attributes": ["cell_id", "cell_id"]}}},
     "policy.verification.categories.porting.fault_signature_attributes", "twice"),
    ({"late_report_grace": "soon"}, "policy.verification.late_report_grace", "expected a duration"),
    ({"default": None}, "policy.verification.default", "is required"),
])
def test_bad_values_name_the_field(overrides, path, problem):
    with pytest.raises(PolicyError) as error:
        load(section(**overrides))
    assert error.value.path == path
    assert problem in str(error.value)


def test_default_must_be_complete():
    node = section()
    del node.value["default"]["recurrence_window"]
    with pytest.raises(PolicyError, match="policy.verification.default.recurrence_window: is required"):
        load(node)
