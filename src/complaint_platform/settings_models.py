"""The environment variables as pydantic models: types, ranges and choices declared once, errors naming the variable.

``config.load_settings`` and ``config.load_kafka_settings`` read a mapping (the process environment, or
a test's dict) through these models and hand the services plain frozen dataclasses. A bad value stops a
service at start with the variable's name: ``KAFKA_SASL_MECHANISM must be one of PLAIN, SCRAM-SHA-256,
SCRAM-SHA-512, got 'scram-sha-512'``. (pydantic-settings reads only the process environment; the
services and tests hand over a mapping, so a plain model over that mapping does the job.)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

M = TypeVar("M", bound=BaseModel)


class ConfigError(ValueError):
    """An environment variable is malformed; the message names it."""


def _stripped(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _upper(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


def _not_empty(value: str) -> str:
    if not value:
        raise ValueError("is set but empty")
    return value


Text = Annotated[str, BeforeValidator(_stripped), AfterValidator(_not_empty)]
Upper = BeforeValidator(_upper)   # Kafka's own clients take security.protocol in any case, and log levels too


def _exporter_list(*known: str):
    """A comma-separated list as the OpenTelemetry variables take them (``none`` alone: nothing)."""
    def parse(value: Any) -> tuple[str, ...]:
        names = tuple(name.strip().lower() for name in str(value).split(",") if name.strip())
        unknown = [name for name in names if name not in (*known, "none")]
        if unknown:
            raise ValueError(f"unsupported exporter {unknown[0]!r} ({', '.join((*known, 'none'))})")
        return tuple(name for name in names if name != "none")
    return BeforeValidator(parse)


def _otlp_protocol(value: Any) -> str:
    protocol = str(value).strip().lower()
    if protocol == "http/json":
        raise ValueError("http/json is not supported by the Python OTLP exporters (grpc, http/protobuf)")
    if protocol not in ("", "grpc", "http/protobuf"):
        raise ValueError(f"expected grpc or http/protobuf, got {protocol!r}")
    return protocol


class _Environment(BaseModel):
    # every variable of the process is offered; only the declared ones are read
    model_config = ConfigDict(extra="ignore", frozen=True)


class KafkaEnvironment(_Environment):
    bootstrap_servers: Text = Field("127.0.0.1:9092", alias="KAFKA_BOOTSTRAP_SERVERS")
    security_protocol: Annotated[Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"], Upper] = Field(
        "PLAINTEXT", alias="KAFKA_SECURITY_PROTOCOL")
    # written exactly as Kafka names them: its clients look the mechanism up case-sensitively
    sasl_mechanism: Literal["", "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = Field("", alias="KAFKA_SASL_MECHANISM")
    sasl_username: str = Field("", alias="KAFKA_SASL_USERNAME")
    sasl_password: str = Field("", alias="KAFKA_SASL_PASSWORD", repr=False)
    ssl_ca_file: str = Field("", alias="KAFKA_SSL_CA_FILE")
    ssl_cert_file: str = Field("", alias="KAFKA_SSL_CERT_FILE")
    ssl_key_file: str = Field("", alias="KAFKA_SSL_KEY_FILE")
    ssl_key_password: str = Field("", alias="KAFKA_SSL_KEY_PASSWORD", repr=False)
    create_topics: bool = Field(False, alias="KAFKA_CREATE_TOPICS")
    topics_wait_s: float = Field(300.0, ge=0, le=86_400, alias="KAFKA_TOPICS_WAIT_S")
    fetch_max_wait_ms: int = Field(20, ge=1, le=10_000, alias="KAFKA_FETCH_MAX_WAIT_MS")
    session_timeout_s: float = Field(10.0, ge=1, le=300, alias="KAFKA_SESSION_TIMEOUT_S")
    batch_size: int = Field(200, ge=1, le=10_000, alias="CONSUMER_BATCH_SIZE")
    batch_within_s: float = Field(0.05, ge=0.001, le=10, alias="CONSUMER_BATCH_WITHIN_S")

    @model_validator(mode="after")
    def _sasl_needs_a_mechanism(self) -> KafkaEnvironment:
        if self.security_protocol.startswith("SASL_") and not self.sasl_mechanism:
            raise ValueError(f"KAFKA_SASL_MECHANISM is required with KAFKA_SECURITY_PROTOCOL="
                             f"{self.security_protocol} (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512)")
        return self

TraceExporters = Annotated[tuple[str, ...], _exporter_list("otlp", "console")]
MetricExporters = Annotated[tuple[str, ...], _exporter_list("prometheus", "otlp", "console")]
OtlpProtocol = Annotated[str, BeforeValidator(_otlp_protocol)]
Port = Annotated[int, Field(ge=1, le=65_535)]
PortOrOff = Annotated[int, Field(ge=0, le=65_535)]   # 0: off


class ServiceEnvironment(_Environment):
    """Everything but Kafka; the defaults that depend on the service are given to ``read``."""

    mongodb_uri: Text = Field("mongodb://127.0.0.1:27017/?retryWrites=false", alias="MONGODB_URI")
    mongodb_database: Text = Field(alias="MONGODB_DATABASE")
    grpc_port: Port = Field(alias="GRPC_PORT")
    grpc_host: Text = Field("127.0.0.1", alias="GRPC_HOST")
    metrics_port: PortOrOff = Field(alias="METRICS_PORT")
    policy_file: Text = Field(alias="POLICY_FILE")
    log_level: Annotated[Literal["DEBUG", "INFO", "WARNING", "ERROR"], Upper] = Field("INFO", alias="LOG_LEVEL")
    log_format: Annotated[Literal["json", "text"], BeforeValidator(lambda v: _upper(v).lower())] = Field(
        "json", alias="LOG_FORMAT")
    spans_file: str = Field("", alias="OTEL_SPANS_FILE")
    grpc_auth_tokens_file: str = Field("", alias="GRPC_AUTH_TOKENS_FILE")
    otel_service_name: str = Field(alias="OTEL_SERVICE_NAME")
    traces_exporter: TraceExporters = Field((), alias="OTEL_TRACES_EXPORTER")
    metrics_exporter: MetricExporters = Field("prometheus", validate_default=True, alias="OTEL_METRICS_EXPORTER")
    # OTLP over grpc or http/protobuf (the specification's default); a signal's own variable wins
    otlp_protocol: OtlpProtocol = Field("http/protobuf", alias="OTEL_EXPORTER_OTLP_PROTOCOL")
    otlp_traces_protocol: OtlpProtocol = Field("", alias="OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")
    otlp_metrics_protocol: OtlpProtocol = Field("", alias="OTEL_EXPORTER_OTLP_METRICS_PROTOCOL")
    clock_file: str = Field("", alias="COMPLAINTS_CLOCK_FILE")
    grpc_tls_cert_file: str = Field("", alias="GRPC_TLS_CERT_FILE")
    grpc_tls_key_file: str = Field("", alias="GRPC_TLS_KEY_FILE")
    grpc_tls_client_ca_file: str = Field("", alias="GRPC_TLS_CLIENT_CA_FILE")
    grpc_health_port: PortOrOff = Field(0, alias="GRPC_HEALTH_PORT")
    # reflection lists every method to anyone who connects: off in production (the prod overlay)
    grpc_reflection: bool = Field(True, alias="GRPC_REFLECTION")
    # lookups beyond this many at once are refused RESOURCE_EXHAUSTED at once, instead of queueing
    # until their deadlines pass; health has its own port and server when GRPC_HEALTH_PORT is set
    grpc_max_concurrent_rpcs: Annotated[int, Field(ge=1, le=100_000)] = Field(64, alias="GRPC_MAX_CONCURRENT_RPCS")


class AuditEnvironment(_Environment):
    """The audit chain's keys (audit_chain.py), for the service that signs its entries."""

    # the Ed25519 private key entries are signed with: a mounted Secret, never in the database
    signing_key_file: Text = Field(alias="AUDIT_SIGNING_KEY_FILE")
    # public keys of earlier signing keys (after a rotation), so the chain's older entries still check
    trusted_keys_file: str = Field("", alias="AUDIT_TRUSTED_KEYS_FILE")
    # how often the chain's head is published to the anchor topic when it has moved
    anchor_seconds: Annotated[float, Field(ge=1, le=86_400)] = Field(60.0, alias="AUDIT_ANCHOR_SECONDS")


def read(model: type[M], env: Mapping[str, str], defaults: Mapping[str, Any] | None = None) -> M:
    """``model`` from the variables in ``env`` (``defaults`` by variable name for those left out)."""
    names = {field.alias for field in model.model_fields.values()}
    given = {**(defaults or {}), **{name: value for name, value in env.items() if name in names}}
    try:
        return model.model_validate(given)
    except ValidationError as error:
        raise ConfigError(_message(model, error.errors(include_url=False)[0])) from None


def _message(model: type[BaseModel], error: dict[str, Any]) -> str:
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx") or {}
    name = str(error["loc"][0]) if error["loc"] else ""
    if kind == "literal_error":
        options = [part.strip("'") for part in re.split(r", | or ", str(ctx["expected"])) if part.strip("'")]
        return f"{name} must be one of {', '.join(options)}, got {value!r}"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"{name} must be a whole number, got {value!r}"
    if kind in ("float_parsing", "float_type"):
        return f"{name} must be a number, got {value!r}"
    if kind in ("bool_parsing", "bool_type"):
        return f"{name} must be true or false, got {value!r}"
    if kind in ("greater_than_equal", "less_than_equal"):
        low, high = _bounds(model, name)
        return f"{name} must be between {low} and {high}, got {value}"
    problem = str(ctx.get("error", error["msg"]))
    return f"{name} {problem}" if name and problem == "is set but empty" else f"{name}: {problem}" if name \
        else problem


def _bounds(model: type[BaseModel], alias: str) -> tuple[Any, Any]:
    field = next(field for field in model.model_fields.values() if field.alias == alias)
    low = next((rule.ge for rule in field.metadata if hasattr(rule, "ge")), None)
    return low, next((rule.le for rule in field.metadata if hasattr(rule, "le")), None)

