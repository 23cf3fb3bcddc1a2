"""Service settings: the only place that reads the environment.

Every setting has a loopback default for the embedded stack, so ``make dev``
needs none; pointing at a real Kafka and MongoDB is configuration alone.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .settings_models import ConfigError, KafkaEnvironment, ServiceEnvironment, read

SASL_MECHANISMS = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")
SERVICES = ("intake", "dispatch", "escalation", "verification")
DEFAULT_GRPC_PORT = {"intake": 50051, "dispatch": 50052, "escalation": 50053, "verification": 50054}
DEFAULT_METRICS_PORT = {"intake": 9461, "dispatch": 9462, "escalation": 9463, "verification": 9464}
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_POLICY_FILE = REPO_ROOT / "config" / "policy.yaml"


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
    metrics_exporter: tuple[str, ...] = ("prometheus",)
    otlp_protocol: str = "http/protobuf"   # OTEL_EXPORTER_OTLP_PROTOCOL: grpc or http/protobuf
    otlp_traces_protocol: str = ""         # the signal's own protocol, when set
    otlp_metrics_protocol: str = ""
    clock_file: str = ""
    grpc_tls_cert_file: str = ""
    grpc_tls_key_file: str = ""
    grpc_tls_client_ca_file: str = ""   # set: clients must present a certificate (mutual TLS)
    grpc_health_port: int = 0           # set: health alone, plaintext, for kubelet's gRPC probes (0: off)
    grpc_reflection: bool = True        # GRPC_REFLECTION: off in the prod overlay
    grpc_max_concurrent_rpcs: int = 64  # GRPC_MAX_CONCURRENT_RPCS: more at once are refused at once


def load_settings(service: str, env: Mapping[str, str] | None = None) -> Settings:
    """Read settings for one service from ``env`` (default: the process environment).

    The variables are declared, typed and checked in settings_models; a bad one raises ConfigError
    naming it."""
    if service not in SERVICES:
        raise ConfigError(f"unknown service {service!r}; expected one of {', '.join(SERVICES)}")
    env = os.environ if env is None else env
    given = read(ServiceEnvironment, env, {
        "MONGODB_DATABASE": f"complaints_{service}", "GRPC_PORT": DEFAULT_GRPC_PORT[service],
        "METRICS_PORT": DEFAULT_METRICS_PORT[service], "POLICY_FILE": str(DEFAULT_POLICY_FILE),
        "OTEL_SERVICE_NAME": f"complaints-{service}"})
    values = given.model_dump()
    return Settings(service=service, kafka=load_kafka_settings(env), **{
        **values, "policy_file": Path(given.policy_file)})


def load_kafka_settings(env: Mapping[str, str] | None = None) -> KafkaSettings:
    """The KAFKA_* and CONSUMER_* variables: what every Kafka client here is built from (the
    services, the publishing tool)."""
    return KafkaSettings(**read(KafkaEnvironment, os.environ if env is None else env).model_dump())
