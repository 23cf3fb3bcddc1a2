"""Service settings: the only place that reads the environment.

Every setting has a loopback default for the embedded stack, so ``make dev``
needs none; pointing at a real Kafka and MongoDB is configuration alone.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

SASL_MECHANISMS = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")
SERVICES = ("intake", "dispatch", "escalation", "verification")
DEFAULT_GRPC_PORT = {"intake": 50051, "dispatch": 50052, "escalation": 50053, "verification": 50054}
DEFAULT_METRICS_PORT = {"intake": 9461, "dispatch": 9462, "escalation": 9463, "verification": 9464}
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_POLICY_FILE = REPO_ROOT / "config" / "policy.yaml"


class ConfigError(ValueError):
    """An environment variable is malformed; the message names it."""


@dataclass(frozen=True)
class KafkaSettings:
    bootstrap_servers: str = "127.0.0.1:9092"
    security_protocol: str = "PLAINTEXT"
    sasl_mechanism: str = ""
    sasl_username: str = ""
    sasl_password: str = field(default="", repr=False)
    # TLS (SSL, SASL_SSL): the CA that signed the brokers' certificates (empty: the system's),
    # and a client certificate and key for brokers that authenticate clients by certificate
    ssl_ca_file: str = ""
    ssl_cert_file: str = ""
    ssl_key_file: str = ""
    ssl_key_password: str = field(default="", repr=False)
    # Create missing topics at start (the embedded stack); elsewhere the topics are declared
    # (Strimzi KafkaTopic) and a service waits up to topics_wait_s for them.
    create_topics: bool = False
    topics_wait_s: float = 300.0
    # Tansu holds a fetch for the whole wait even when data arrives, so a short
    # wait is the main latency lever per hop (docs/design.md, "Measured facts").
    fetch_max_wait_ms: int = 20
    session_timeout_s: float = 10.0
    batch_size: int = 200
    batch_within_s: float = 0.05


@dataclass(frozen=True)
class Settings:
    service: str
    kafka: KafkaSettings
    mongodb_uri: str
    mongodb_database: str
    grpc_port: int
    grpc_host: str
    metrics_port: int
    policy_file: Path
    log_level: str = "INFO"
    log_format: str = "json"
    spans_file: str = ""
    grpc_auth_tokens_file: str = ""
    otel_service_name: str = ""
    traces_exporter: tuple[str, ...] = ()
    metrics_exporter: str = "prometheus"
    clock_file: str = ""
    grpc_tls_cert_file: str = ""
    grpc_tls_key_file: str = ""
    grpc_tls_client_ca_file: str = ""   # set: clients must present a certificate (mutual TLS)
    grpc_health_port: int = 0           # set: health alone, plaintext, for kubelet's gRPC probes (0: off)


def load_settings(service: str, env: Mapping[str, str] | None = None) -> Settings:
    """Read settings for one service from ``env`` (default: the process environment)."""
    if service not in SERVICES:
        raise ConfigError(f"unknown service {service!r}; expected one of {', '.join(SERVICES)}")
    env = os.environ if env is None else env
    kafka = KafkaSettings(
        bootstrap_servers=_text(env, "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"),
        security_protocol=_choice(env, "KAFKA_SECURITY_PROTOCOL", "PLAINTEXT",
                                  ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")),
        sasl_mechanism=_choice(env, "KAFKA_SASL_MECHANISM", "", SASL_MECHANISMS) if env.get("KAFKA_SASL_MECHANISM")
        else "",
        sasl_username=env.get("KAFKA_SASL_USERNAME", ""),
        sasl_password=env.get("KAFKA_SASL_PASSWORD", ""),
        ssl_ca_file=env.get("KAFKA_SSL_CA_FILE", ""),
        ssl_cert_file=env.get("KAFKA_SSL_CERT_FILE", ""),
        ssl_key_file=env.get("KAFKA_SSL_KEY_FILE", ""),
        ssl_key_password=env.get("KAFKA_SSL_KEY_PASSWORD", ""),
        create_topics=_flag(env, "KAFKA_CREATE_TOPICS", False),
        topics_wait_s=_float(env, "KAFKA_TOPICS_WAIT_S", 300.0, 0.0, 86_400.0),
        fetch_max_wait_ms=_int(env, "KAFKA_FETCH_MAX_WAIT_MS", 20, 1, 10_000),
        session_timeout_s=_float(env, "KAFKA_SESSION_TIMEOUT_S", 10.0, 1.0, 300.0),
        batch_size=_int(env, "CONSUMER_BATCH_SIZE", 200, 1, 10_000),
        batch_within_s=_float(env, "CONSUMER_BATCH_WITHIN_S", 0.05, 0.001, 10.0),
    )
    return Settings(
        service=service,
        kafka=kafka,
        mongodb_uri=_text(env, "MONGODB_URI", "mongodb://127.0.0.1:27017/?retryWrites=false"),
        mongodb_database=_text(env, "MONGODB_DATABASE", f"complaints_{service}"),
        grpc_port=_int(env, "GRPC_PORT", DEFAULT_GRPC_PORT[service], 1, 65535),
        grpc_host=_text(env, "GRPC_HOST", "127.0.0.1"),
        metrics_port=_int(env, "METRICS_PORT", DEFAULT_METRICS_PORT[service], 0, 65535),
        policy_file=Path(_text(env, "POLICY_FILE", str(DEFAULT_POLICY_FILE))),
        log_level=_choice(env, "LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR")),
        log_format=_choice(env, "LOG_FORMAT", "json", ("json", "text")),
        spans_file=env.get("OTEL_SPANS_FILE", ""),
        grpc_auth_tokens_file=env.get("GRPC_AUTH_TOKENS_FILE", ""),
        otel_service_name=env.get("OTEL_SERVICE_NAME", f"complaints-{service}"),
        traces_exporter=_exporters(env.get("OTEL_TRACES_EXPORTER", "none")),
        clock_file=env.get("COMPLAINTS_CLOCK_FILE", ""),
        grpc_tls_cert_file=env.get("GRPC_TLS_CERT_FILE", ""),
        grpc_tls_key_file=env.get("GRPC_TLS_KEY_FILE", ""),
        grpc_tls_client_ca_file=env.get("GRPC_TLS_CLIENT_CA_FILE", ""),
        grpc_health_port=_int(env, "GRPC_HEALTH_PORT", 0, 0, 65535),
        metrics_exporter=_choice(env, "OTEL_METRICS_EXPORTER", "PROMETHEUS", ("PROMETHEUS", "NONE")).lower(),
    )


def _exporters(raw: str) -> tuple[str, ...]:
    names = tuple(name.strip().lower() for name in raw.split(",") if name.strip())
    unknown = [name for name in names if name not in ("otlp", "console", "none")]
    if unknown:
        raise ConfigError(f"OTEL_TRACES_EXPORTER: unsupported exporter {unknown[0]!r} (otlp, console, none)")
    return tuple(name for name in names if name != "none")


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value not in ("true", "false", "1", "0", "yes", "no"):
        raise ConfigError(f"{name} must be true or false, got {raw!r}")
    return value in ("true", "1", "yes")


def _text(env: Mapping[str, str], name: str, default: str) -> str:
    value = env.get(name, default).strip()
    if not value:
        raise ConfigError(f"{name} is set but empty")
    return value


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    return int(_number(env, name, default, low, high, int, "a whole number"))


def _float(env: Mapping[str, str], name: str, default: float, low: float, high: float) -> float:
    return _number(env, name, default, low, high, float, "a number")


def _number(env: Mapping[str, str], name: str, default: float, low: float, high: float, kind, what: str) -> float:
    raw = env.get(name)
    if raw is None:
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise ConfigError(f"{name} must be {what}, got {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}, got {value}")
    return value


def _choice(env: Mapping[str, str], name: str, default: str, options: tuple[str, ...]) -> str:
    value = env.get(name, default).strip().upper() if name != "LOG_FORMAT" else env.get(name, default).strip().lower()
    if value not in options:
        raise ConfigError(f"{name} must be one of {', '.join(options)}, got {value!r}")
    return value
