"""Every Kafka client (consumer, producer, admin) is built with the full security settings, and the
topics step creates topics only where configured, with the brokers' default replication."""

from __future__ import annotations

import logging
import socket
import ssl
import threading

import pytest
import trustme

from complaint_platform import kafka_admin, kafka_clients
from complaint_platform.config import ConfigError, KafkaSettings, load_settings

SECURE_ENV = {
    "KAFKA_BOOTSTRAP_SERVERS": "kafka-0.example:9093",
    "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
    "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
    "KAFKA_SASL_USERNAME": "complaints-intake",
    "KAFKA_SASL_PASSWORD": "s3cret",
}


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    """A CA, a broker certificate for 127.0.0.1 and a client certificate, as PEM files."""
    folder = tmp_path_factory.mktemp("pki")
    ca = trustme.CA()
    broker, client = ca.issue_cert("127.0.0.1", "localhost"), ca.issue_cert("complaints-intake")
    paths = {"ca": folder / "ca.pem", "broker": folder / "broker.pem", "client": folder / "client.pem",
             "client_key": folder / "client.key"}
    ca.cert_pem.write_to_path(str(paths["ca"]))
    broker.private_key_and_cert_chain_pem.write_to_path(str(paths["broker"]))
    client.cert_chain_pems[0].write_to_path(str(paths["client"]))
    client.private_key_pem.write_to_path(str(paths["client_key"]))
    return {name: str(path) for name, path in paths.items()}


@pytest.fixture()
def secure(pki) -> KafkaSettings:
    env = {**SECURE_ENV, "KAFKA_SSL_CA_FILE": pki["ca"], "KAFKA_SSL_CERT_FILE": pki["client"],
           "KAFKA_SSL_KEY_FILE": pki["client_key"]}
    return load_settings("intake", env).kafka


class Recorder:
    """Stands in for a client class and keeps the keyword arguments it was built with."""

    built: list[dict] = []

    def __init__(self, *args, **kwargs) -> None:
        Recorder.built.append(kwargs)

    def subscribe(self, topics, listener=None) -> None:
        pass


@pytest.fixture()
def recorded(monkeypatch):
    Recorder.built = []
    for name in ("AIOKafkaConsumer", "AIOKafkaProducer", "KafkaAdminClient"):
        monkeypatch.setattr(kafka_clients, name, Recorder)
    return Recorder.built


def test_settings_read_the_security_variables(secure, pki):
    assert secure.security_protocol == "SASL_SSL"
    assert secure.sasl_mechanism == "SCRAM-SHA-512"
    assert (secure.sasl_username, secure.sasl_password) == ("complaints-intake", "s3cret")
    assert (secure.ssl_ca_file, secure.ssl_cert_file, secure.ssl_key_file) == (pki["ca"], pki["client"],
                                                                               pki["client_key"])
    assert "s3cret" not in repr(secure)
    assert secure.create_topics is False


@pytest.mark.parametrize("variable, value", [("KAFKA_SASL_MECHANISM", "GSSAPI-ISH"),
                                             ("KAFKA_CREATE_TOPICS", "maybe"),
                                             ("KAFKA_TOPICS_WAIT_S", "soon")])
def test_a_bad_kafka_variable_is_named(variable, value):
    with pytest.raises(ConfigError, match=variable):
        load_settings("intake", {variable: value})


def test_consumer_producer_and_admin_all_receive_the_security_settings(secure, recorded, pki):
    our_ca = ssl._ssl._test_decode_cert(pki["ca"])["subject"]
    kafka_clients.consumer(secure, ["cases.intake.v1"], "complaints-dispatch", "complaints-dispatch")
    kafka_clients.producer(secure, "complaints-dispatch")
    kafka_clients.admin(secure)
    assert len(recorded) == 3
    for options in recorded:
        assert options["bootstrap_servers"] == "kafka-0.example:9093"
        assert options["security_protocol"] == "SASL_SSL"
        assert options["sasl_mechanism"] == "SCRAM-SHA-512"
        assert options["sasl_plain_username"] == "complaints-intake"
        assert options["sasl_plain_password"] == "s3cret"
        context = options["ssl_context"]
        assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
        assert our_ca in [cert["subject"] for cert in context.get_ca_certs()]


def test_plaintext_clients_get_no_tls_and_no_sasl(recorded):
    kafka_clients.admin(KafkaSettings())
    assert recorded[0]["security_protocol"] == "PLAINTEXT"
    assert "ssl_context" not in recorded[0] and "sasl_mechanism" not in recorded[0]


def test_the_tls_context_trusts_the_ca_and_presents_the_client_certificate(secure, pki):
    """A real handshake with a server that requires a client certificate signed by the same CA."""
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=pki["ca"])
    server_context.load_cert_chain(pki["broker"])
    server_context.verify_mode = ssl.CERT_REQUIRED
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    peer: dict = {}

    def serve() -> None:
        connection, _ = listener.accept()
        with server_context.wrap_socket(connection, server_side=True) as tls:
            peer.update(tls.getpeercert())
            tls.sendall(b"ok")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    with socket.create_connection(("127.0.0.1", port)) as raw:
        with kafka_clients.tls_context(secure).wrap_socket(raw, server_hostname="127.0.0.1") as tls:
            assert tls.recv(2) == b"ok"
    thread.join(5)
    listener.close()
    assert peer, "the server saw no client certificate"


def test_a_client_certificate_without_its_key_is_refused(pki):
    with pytest.raises(ValueError, match="KAFKA_SSL_KEY_FILE"):
        kafka_clients.tls_context(KafkaSettings(security_protocol="SSL", ssl_cert_file=pki["client"]))


class FakeAdmin:
    def __init__(self, existing: set[str]) -> None:
        self.existing, self.created, self.closed = set(existing), [], False

    def list_topics(self):
        return sorted(self.existing)

    def create_topics(self, new_topics):
        for topic in new_topics:
            self.created.append(topic)
            self.existing.add(topic.name)

    def close(self):
        self.closed = True


def test_topics_are_created_only_when_configured_with_the_brokers_default_replication(monkeypatch, secure):
    admin = FakeAdmin({"cases.intake.v1"})
    seen: list[KafkaSettings] = []
    monkeypatch.setattr(kafka_clients, "admin", lambda kafka: seen.append(kafka) or admin)
    creating = KafkaSettings(**{**secure.__dict__, "create_topics": True})
    created = kafka_admin.ensure_topics(creating, ["cases.intake.v1", "cases.dispatch.v1",
                                                   "complaints.deadletter.v1"])
    assert created == ["cases.dispatch.v1", "complaints.deadletter.v1"]
    assert [topic.replication_factor for topic in admin.created] == [-1, -1]
    assert [topic.num_partitions for topic in admin.created] == [6, 3]
    assert seen == [creating] and admin.closed  # the admin was built from the full settings


def test_without_topic_creation_a_service_waits_and_names_the_missing_topics(monkeypatch, caplog):
    admin = FakeAdmin({"cases.intake.v1"})
    monkeypatch.setattr(kafka_clients, "admin", lambda kafka: admin)
    waiting = KafkaSettings(topics_wait_s=0.0)
    with caplog.at_level(logging.WARNING), pytest.raises(kafka_admin.TopicsMissing) as missing:
        kafka_admin.ensure_topics(waiting, ["cases.intake.v1", "cases.dispatch.v1", "workorders.feedback.v1"])
    assert "cases.dispatch.v1, workorders.feedback.v1" in str(missing.value)
    assert "cases.intake.v1" not in str(missing.value)
    assert admin.created == [] and admin.closed


def test_without_topic_creation_present_topics_let_the_service_start(monkeypatch):
    admin = FakeAdmin({"cases.intake.v1", "cases.dispatch.v1"})
    monkeypatch.setattr(kafka_clients, "admin", lambda kafka: admin)
    assert kafka_admin.ensure_topics(KafkaSettings(), ["cases.intake.v1", "cases.dispatch.v1"]) == []
    assert admin.created == []
