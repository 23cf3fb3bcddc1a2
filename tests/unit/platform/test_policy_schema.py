"""The policy models: the whole file checked offline, the JSON Schema for editors kept in step with them."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from complaint_platform.policy import PolicyError
from complaint_platform.policy_models import SCHEMA_FILE, check_file, json_schema, schema_text
from complaint_platform.policy_models.common import CATEGORIES, CHANNELS
from complaint_platform.policy_models.dispatch import LEVELS
from complaint_platform.policy_models.escalation import DAYS
from complaint_platform.policy_models.verification import FALLBACKS
from services.dispatch.domain import policy as dispatch_policy
from services.escalation.domain import calendar
from services.intake.domain import vocabulary
from services.verification.domain import policy as verification_policy

SHIPPED = Path(__file__).resolve().parents[3] / "config" / "policy.yaml"


def shipped() -> dict:
    return yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))


def test_the_committed_schema_is_the_models_schema():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), \
        "config/policy.schema.json is stale: run complaints policy schema"


def test_the_schema_validates_the_shipped_policy_and_catches_a_typo():
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    assert list(validator.iter_errors(shipped())) == []
    broken = shipped()
    broken["dispatch"]["routing"][1]["candidates"][0]["level"] = "county"
    broken["intake"]["merge_windw"] = "72h"
    assert {tuple(error.absolute_path) for error in validator.iter_errors(broken)} == {
        ("dispatch", "routing", 1, "candidates", 0, "level"), ("intake",)}


def test_the_whole_file_is_checked_with_field_paths(tmp_path: Path):
    assert check_file(SHIPPED).escalation.timely_target == 0.98
    data = shipped()
    data["dispatch"]["routing"][2]["candidates"][0]["level"] = "county"
    bad = tmp_path / "policy.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PolicyError) as raised:
        check_file(bad)
    assert str(raised.value) == ("policy.dispatch.routing[2].candidates[0].level: "
                                 "expected one of city, province, headquarters, got 'county'")
    data = shipped()
    del data["verification"]
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PolicyError, match=r"^policy.verification: is required$"):
        check_file(bad)


def test_retention_is_optional_and_an_inbox_shorter_than_the_topics_is_refused(tmp_path: Path):
    data = shipped()
    del data["retention"]
    bad = tmp_path / "policy.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert (check_file(bad).retention.inbox_days, check_file(bad).retention.outbox_days) == (30, 7)
    data["retention"] = {"inbox_days": 3}
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PolicyError, match=r"^policy.retention.inbox_days: "):
        check_file(bad)


def test_the_models_speak_the_domains_words():
    assert CATEGORIES == vocabulary.CATEGORIES and CHANNELS == vocabulary.CHANNELS
    assert LEVELS == dispatch_policy.LEVELS
    assert DAYS == calendar.DAYS
    assert FALLBACKS == verification_policy.FALLBACKS


def test_durations_keep_their_written_form_in_the_schema():
    proxy = json_schema()["$defs"]["Proxy"]["properties"]
    assert proxy["window"]["default"] == "10m" and proxy["incident_lifetime"]["default"] == "24h"
