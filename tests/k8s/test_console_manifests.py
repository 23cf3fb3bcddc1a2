"""The console in deploy/k8s: an HTTP Deployment probed over HTTP, reaching the four services'
gRPC and neither Kafka nor MongoDB, TLS to the services in prod; the check fails a console whose
probes are not HTTP on its port."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from tools.k8s_objects import of_kind, pod_labels, selects, web_problems

ROOT = Path(__file__).resolve().parents[2]
OVERLAYS = ROOT / "deploy" / "k8s" / "overlays"


def rendered(overlay: str) -> list[dict]:
    from tools.k8s_check import find_kubectl

    output = subprocess.run([find_kubectl(), "kustomize", str(OVERLAYS / overlay)], capture_output=True, text=True,
                            check=True, timeout=120).stdout
    return [doc for doc in yaml.safe_load_all(output) if doc]


def console_of(docs: list[dict]) -> dict:
    return next(d for d in of_kind(docs, "Deployment") if d["metadata"]["name"] == "console")


def egress_ports(docs: list[dict], labels: dict[str, str]) -> set[int]:
    ports = set()
    for policy in of_kind(docs, "NetworkPolicy"):
        if selects(policy["spec"]["podSelector"], labels):
            for rule in policy["spec"].get("egress", ()):
                ports.update(port["port"] for port in rule.get("ports", ()))
    return ports


def test_the_console_reaches_grpc_only_and_is_probed_over_http():
    for overlay in ("dev", "prod"):
        docs = rendered(overlay)
        console = console_of(docs)
        container = console["spec"]["template"]["spec"]["containers"][0]
        env = {var["name"]: var.get("value") for var in container.get("env", ())}
        assert container["command"] == ["python", "-m", "services.console"]
        # ready once the standard views are computed; alive whenever it answers
        assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
        assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
        assert not {"KAFKA_BOOTSTRAP_SERVERS", "MONGODB_URI", "GRPC_TLS_CERT_FILE"} & set(env), overlay
        assert egress_ports(docs, pod_labels(console)) == {53, 50051}, overlay  # DNS and the services' gRPC
        intake = next(d for d in of_kind(docs, "Deployment") if d["metadata"]["name"] == "intake")
        assert {9092 if overlay == "dev" else 9093, 27017} <= egress_ports(docs, pod_labels(intake))
        if overlay == "prod":
            assert env["CONSOLE_GRPC_CA_FILE"].endswith("ca.crt") and env["CONSOLE_SECURE_COOKIES"] == "1"


def test_a_console_probed_over_grpc_or_on_another_port_fails():
    container = {"name": "server", "ports": [{"name": "http", "containerPort": 8080}],
                 "readinessProbe": {"grpc": {"port": 50051}}, "livenessProbe": {"httpGet": {"port": 8080}}}
    problems = list(web_problems(container, {"CONSOLE_PORT": "9090"}, "CONSOLE_PORT"))
    assert problems == ["container server: CONSOLE_PORT '9090' does not match the port named http (8080)",
                        "container server: readinessProbe is not an HTTP probe on the port named http (8080)"]
