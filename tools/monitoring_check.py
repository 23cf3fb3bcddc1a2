"""Offline checks of the monitoring manifests, called by tools/k8s_check.py for each rendered overlay.

- ServiceMonitor and PrometheusRule against compact, strict schemas (tools/monitoring_schema/), like
  the KafkaTopic schema; a ServiceMonitor must select Services that have the port it scrapes.
- Every PromQL expression (alert rules, dashboard panels) parsed with promql-parser, and every metric
  it names exported by the code: EXPORTED is read from the instruments the services create, named as
  OpenTelemetry's Prometheus exporter names them (counters ``_total``, histograms ``_bucket``/``_sum``/
  ``_count``, a unit of seconds ``_seconds``).
- Dashboards (ConfigMaps labelled grafana_dashboard) are JSON with a unique uid and a title.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import promql_parser
from referencing import Registry, Resource

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = Path(__file__).resolve().parent / "monitoring_schema"
KINDS = ("ServiceMonitor", "PrometheusRule")
BUILT_IN = frozenset({"up"})   # Prometheus's own series for every target
_INSTRUMENT = re.compile(r'create_(counter|up_down_counter|histogram|gauge|observable_counter|observable_gauge|'
                         r'observable_up_down_counter)\(\s*"(complaints_\w+)"(?P<rest>[^)]*)')
_SUFFIXES = {"counter": ("_total",), "observable_counter": ("_total",), "histogram": ("_bucket", "_sum", "_count")}


@cache
def exported() -> frozenset[str]:
    """The Prometheus names of every instrument created in src/ and services/."""
    names = set(BUILT_IN)
    for folder in (ROOT / "src", ROOT / "services"):
        for path in folder.rglob("*.py"):
            for match in _INSTRUMENT.finditer(path.read_text(encoding="utf-8")):
                kind, name = match.group(1), match.group(2)
                if re.search(r'unit\s*=\s*"s"', match.group("rest")):
                    name += "_seconds"
                names.update(name + suffix for suffix in _SUFFIXES.get(kind, ("",)))
    return frozenset(names)


def metric_names(expr: str) -> set[str]:
    """The metrics a PromQL expression reads; raises ValueError when it does not parse."""
    try:
        tree = promql_parser.parse(expr)
    except Exception as error:  # noqa: BLE001 - the parser raises its own error types
        raise ValueError(f"not valid PromQL ({error})") from None
    return {node.name for node in _nodes(tree) if type(node).__name__ == "VectorSelector" and node.name}


def _nodes(node: Any) -> Iterator[Any]:
    yield node
    for field in ("lhs", "rhs", "expr", "args", "param", "vector_selector"):
        child = getattr(node, field, None)
        for item in child if isinstance(child, list) else [child]:
            if item is not None and type(item).__module__.startswith("promql"):
                yield from _nodes(item)


def query_problems(expr: str) -> list[str]:
    try:
        unknown = sorted(metric_names(expr) - exported())
    except ValueError as error:
        return [str(error)]
    return [f"metric {name} is not exported by any service" for name in unknown]


@cache
def _validators() -> dict[str, jsonschema.Draft202012Validator]:
    schemas = {kind: json.loads((SCHEMAS / f"{kind.lower()}.schema.json").read_text()) for kind in KINDS}
    registry = Registry().with_resources((schema["$id"], Resource.from_contents(schema)) for schema in schemas.values())
    return {kind: jsonschema.Draft202012Validator(schema, registry=registry) for kind, schema in schemas.items()}


def schema_problems(doc: dict[str, Any]) -> list[str]:
    validator = _validators()[doc["kind"]]
    return [f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message[:200]}"
            for error in sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.path)))]


def _matches(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    if any(labels.get(key) != value for key, value in selector.get("matchLabels", {}).items()):
        return False
    for rule in selector.get("matchExpressions", ()):
        present, value = rule["key"] in labels, labels.get(rule["key"])
        if not {"In": present and value in rule.get("values", ()),
                "NotIn": value not in rule.get("values", ()),
                "Exists": present, "DoesNotExist": not present}[rule["operator"]]:
            return False
    return True


def check(fail: Callable[[str, str], None], tag: str, docs: list[dict[str, Any]]) -> None:
    """Report every problem of the monitoring objects in one rendered overlay through ``fail(where, what)``."""
    services = [doc for doc in docs if doc.get("kind") == "Service"]
    for doc in docs:
        kind, name = doc.get("kind"), doc.get("metadata", {}).get("name")
        where = f"[{tag}] {kind}/{name}"
        if kind in KINDS:
            for line in schema_problems(doc):
                fail(where, f"{kind} schema: {line}")
        if kind == "ServiceMonitor":
            _check_monitor(fail, where, doc, services)
        elif kind == "PrometheusRule":
            for group in doc.get("spec", {}).get("groups", ()):
                for rule in group.get("rules", ()):
                    for problem in query_problems(rule.get("expr", "")):
                        fail(where, f"{rule.get('alert') or rule.get('record')}: {problem}")
        elif kind == "ConfigMap" and doc["metadata"].get("labels", {}).get("grafana_dashboard"):
            _check_dashboards(fail, where, doc)


def _check_monitor(fail: Callable[[str, str], None], where: str, doc: dict[str, Any], services: list) -> None:
    spec = doc.get("spec", {})
    chosen = [s for s in services if _matches(spec.get("selector", {}), s["metadata"].get("labels", {}))]
    if not chosen:
        fail(where, f"selector {spec.get('selector')} matches no Service")
    for service in chosen:
        ports = {port.get("name") for port in service["spec"].get("ports", ())}
        for endpoint in spec.get("endpoints", ()):
            if endpoint.get("port") not in ports:
                fail(where, f"Service/{service['metadata']['name']} has no port named {endpoint.get('port')!r}")
        if spec.get("jobLabel") and spec["jobLabel"] not in service["metadata"].get("labels", {}):
            fail(where, f"Service/{service['metadata']['name']} has no label {spec['jobLabel']} (the job label)")


def _check_dashboards(fail: Callable[[str, str], None], where: str, doc: dict[str, Any]) -> None:
    uids: set[str] = set()
    for key, text in doc.get("data", {}).items():
        try:
            board = json.loads(text)
        except ValueError as error:
            fail(where, f"{key}: not JSON ({error})")
            continue
        if not board.get("uid") or not board.get("title"):
            fail(where, f"{key}: a dashboard needs a uid and a title")
        elif board["uid"] in uids:
            fail(where, f"{key}: uid {board['uid']} is used twice")
        uids.add(board.get("uid"))
        for panel in board.get("panels", ()):
            for target in panel.get("targets", ()):
                for problem in query_problems(target.get("expr", "")):
                    fail(where, f"{key}, panel {panel.get('title')!r}: {problem}")
