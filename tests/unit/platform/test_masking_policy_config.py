"""Personal data masking, the policy reader and environment settings."""

from datetime import timedelta
from pathlib import Path

import pytest

from complaint_platform.config import ConfigError, load_settings
from complaint_platform.masking import mask_fields, mask_name, mask_phone, mask_text
from complaint_platform.policy import Node, PolicyError, load_policy_file
from complaint_platform.policy_models import validated


def test_phone_numbers_are_masked_in_free_text_and_fields():
    assert mask_phone("+86 138-0013-8000") == "861********00"
    assert "13800138000" not in mask_text("客户13800138000来电，座机020-12345678")
    assert "12345678" not in mask_text("座机020-12345678")
    masked = mask_fields({"phone": "13800138000", "name": "张伟", "note": "call 13912345678", "tier": 2})
    assert masked == {"phone": "138******00", "name": "张*", "note": "call 139******78", "tier": 2}
    assert mask_name("") == ""


SHIPPED_POLICY = Path(__file__).resolve().parents[3] / "config" / "policy.yaml"


def test_policy_models_name_the_field():
    root = load_policy_file(SHIPPED_POLICY)
    root.value["intake"]["proxy"]["threshold"] = "many"
    with pytest.raises(PolicyError, match=r"^policy.intake.proxy.threshold: expected a whole number, got 'many'$"):
        validated(root.child("intake"), "intake")
    del root.value["dispatch"]["consult"]
    with pytest.raises(PolicyError, match=r"^policy.dispatch.consult.department: is required$"):
        validated(root.child("dispatch"), "dispatch")
    with pytest.raises(PolicyError, match=r"^policy.intake.merge_windw: unknown field \(allowed: categories, "):
        validated(Node({**root.value["intake"], "proxy": {}, "merge_windw": 1}, "policy.intake"), "intake")
    with pytest.raises(PolicyError, match=r"^policy.intake.merge_window: expected a duration"):
        validated(Node({**root.value["intake"], "merge_window": "3 days"}, "policy.intake"), "intake")


def test_policy_file_errors_are_clear(tmp_path: Path):
    broken = tmp_path / "policy.yaml"
    broken.write_text("intake: [unclosed\n")
    with pytest.raises(PolicyError, match="not valid YAML"):
        load_policy_file(broken)
    with pytest.raises(PolicyError, match="cannot read policy file"):
        load_policy_file(tmp_path / "absent.yaml")


def test_settings_from_environment():
    settings = load_settings("intake", {"KAFKA_BOOTSTRAP_SERVERS": "kafka:9092", "GRPC_PORT": "6000"})
    assert settings.kafka.bootstrap_servers == "kafka:9092"
    assert settings.grpc_port == 6000
    assert settings.mongodb_database == "complaints_intake"
    with pytest.raises(ConfigError, match="GRPC_PORT must be a whole number"):
        load_settings("intake", {"GRPC_PORT": "fifty"})
    with pytest.raises(ConfigError, match="KAFKA_SECURITY_PROTOCOL must be one of"):
        load_settings("intake", {"KAFKA_SECURITY_PROTOCOL": "CARRIER_PIGEON"})
    with pytest.raises(ConfigError, match="OTEL_TRACES_EXPORTER"):
        load_settings("intake", {"OTEL_TRACES_EXPORTER": "zipkin"})
    with pytest.raises(ConfigError, match="unknown service"):
        load_settings("billing", {})


@pytest.mark.parametrize("env, message", [
    # Kafka's clients look SASL mechanisms up case-sensitively: a lower-case name would fail at connect time
    ({"KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "KAFKA_SASL_MECHANISM": "scram-sha-512"},
     "KAFKA_SASL_MECHANISM must be one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, got 'scram-sha-512'"),
    ({"KAFKA_SECURITY_PROTOCOL": "SASL_SSL"}, "KAFKA_SASL_MECHANISM is required with KAFKA_SECURITY_PROTOCOL"),
    ({"KAFKA_FETCH_MAX_WAIT_MS": "0"}, "KAFKA_FETCH_MAX_WAIT_MS must be between 1 and 10000, got 0"),
    ({"METRICS_PORT": "70000"}, "METRICS_PORT must be between 0 and 65535, got 70000"),
    ({"KAFKA_CREATE_TOPICS": "maybe"}, "KAFKA_CREATE_TOPICS must be true or false, got 'maybe'"),
    ({"MONGODB_URI": "  "}, "MONGODB_URI is set but empty"),
    ({"LOG_FORMAT": "xml"}, "LOG_FORMAT must be one of json, text, got 'xml'"),
])
def test_a_bad_variable_is_refused_by_name(env, message):
    with pytest.raises(ConfigError) as raised:
        load_settings("dispatch", env)
    assert str(raised.value).startswith(message)


def test_settings_keep_their_defaults_and_accept_the_usual_spellings():
    settings = load_settings("escalation", {"KAFKA_SECURITY_PROTOCOL": "sasl_ssl", "KAFKA_SASL_MECHANISM": "PLAIN",
                                            "KAFKA_CREATE_TOPICS": "yes", "LOG_LEVEL": "debug",
                                            "OTEL_TRACES_EXPORTER": "otlp, console", "UNRELATED": "x"})
    assert settings.kafka.security_protocol == "SASL_SSL" and settings.kafka.create_topics is True
    assert (settings.grpc_port, settings.metrics_port, settings.mongodb_database) == (50053, 9463,
                                                                                      "complaints_escalation")
    assert settings.log_level == "DEBUG" and settings.traces_exporter == ("otlp", "console")
    assert settings.metrics_exporter == ("prometheus",) and settings.policy_file.name == "policy.yaml"
    assert settings.kafka.batch_size == 200 and settings.otel_service_name == "complaints-escalation"
