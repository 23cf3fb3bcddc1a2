"""The monitoring manifests: dashboards built from the code's metrics and in step, alert rules that parse and
cover what operators asked for, and a check that fails on a broken ServiceMonitor, rule or dashboard."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import yaml

from tools import dashboards, monitoring_check

ROOT = Path(__file__).resolve().parents[2]
MONITORING = ROOT / "deploy" / "k8s" / "monitoring"


def rules() -> dict:
    return yaml.safe_load((MONITORING / "prometheusrule.yaml").read_text(encoding="utf-8"))


def monitor() -> dict:
    return yaml.safe_load((MONITORING / "servicemonitor.yaml").read_text(encoding="utf-8"))


def service(name: str, ports=("grpc", "metrics")) -> dict:
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": name, "labels": {"app.kubernetes.io/name": name}},
            "spec": {"ports": [{"name": port, "port": 9464} for port in ports]}}


def problems(*docs: dict) -> list[str]:
    found: list[str] = []
    monitoring_check.check(lambda where, what: found.append(f"{where}: {what}"), "test", list(docs))
    return found


def test_the_committed_dashboards_are_the_generated_ones():
    for name, text in dashboards.rendered().items():
        assert (MONITORING / "dashboards" / name).read_text(encoding="utf-8") == text, \
            f"{name} is stale: run python -m tools.dashboards"


def test_the_exporter_names_of_the_code_instruments():
    names = monitoring_check.exported()
    assert {"complaints_hop_latency_seconds_bucket", "complaints_submissions_received_total",
            "complaints_consumer_lag", "complaints_events_deadlettered_total", "complaints_open_deadlines",
            "complaints_overdue_deadlines",
            "complaints_timely_handling_rate", "complaints_deadline_breaches_total"} <= names
    assert "complaints_consumer_lag_total" not in names and "complaints_events_processed" not in names


def test_dashboards_show_what_operators_asked_for():
    queries = " ".join(target["expr"] for text in dashboards.rendered().values()
                       for panel in json.loads(text)["panels"] for target in panel["targets"])
    for wanted in ("sum by (channel) (rate(complaints_submissions_received_total",
                   "complaints_hop_latency_seconds_bucket", "complaints_consumer_lag",
                   "complaints_events_deadlettered_total", "complaints_open_deadlines", "complaints_overdue_deadlines",
                   "complaints_deadline_breaches_total", "complaints_timely_handling_rate"):
        assert wanted in queries


def test_alerts_cover_lag_dead_letters_timeliness_breaches_and_a_service_down():
    alerts = {rule["alert"]: rule for group in rules()["spec"]["groups"] for rule in group["rules"]}
    assert {"ComplaintsConsumerLagGrowing", "ComplaintsDeadLetters", "ComplaintsTimelyHandlingBelowTarget",
            "ComplaintsBreachSpike", "ComplaintsServiceDown"} <= alerts.keys()
    assert "< 0.98" in alerts["ComplaintsTimelyHandlingBelowTarget"]["expr"]
    assert "deriv(complaints_consumer_lag" in alerts["ComplaintsConsumerLagGrowing"]["expr"]
    assert problems(rules(), monitor(), service("intake")) == []


def test_a_misspelt_metric_or_bad_promql_is_named():
    broken = rules()
    broken["spec"]["groups"][1]["rules"][1]["expr"] = "sum(increase(complaints_events_dead_lettered_total[10m])) > 0"
    broken["spec"]["groups"][2]["rules"][0]["expr"] = "max(complaints_timely_handling_rate < 0.98"
    found = problems(broken)
    assert any("ComplaintsDeadLetters: metric complaints_events_dead_lettered_total is not exported" in line
               for line in found)
    assert any("ComplaintsTimelyHandlingBelowTarget: not valid PromQL" in line for line in found)


def test_rule_and_monitor_schemas_are_strict():
    rule = rules()
    del rule["spec"]["groups"][0]["rules"][0]["labels"]["severity"]
    typo = monitor()
    typo["spec"]["endpoints"][0]["intervall"] = "30s"
    found = problems(rule, typo, service("intake"))
    assert any("PrometheusRule schema" in line for line in found)
    assert any("ServiceMonitor schema" in line and "intervall" in line for line in found)


def test_a_monitor_must_reach_a_metrics_port():
    assert any("no port named 'metrics'" in line for line in problems(monitor(), service("intake", ("grpc",))))
    assert any("matches no Service" in line for line in problems(monitor(), service("billing")))


def test_a_dashboard_config_map_must_hold_valid_dashboards():
    board = json.loads((MONITORING / "dashboards" / "complaints-flow.json").read_text(encoding="utf-8"))
    bad = copy.deepcopy(board)
    bad["panels"][4]["targets"][0]["expr"] = "rate(complaints_no_such_metric_total[5m])"
    config_map = {"apiVersion": "v1", "kind": "ConfigMap",
                  "metadata": {"name": "d", "labels": {"grafana_dashboard": "1"}},
                  "data": {"a.json": json.dumps(board), "b.json": json.dumps(bad), "c.json": "{"}}
    found = problems(config_map)
    assert any("b.json" in line and "complaints_no_such_metric_total" in line for line in found)
    assert any("b.json: uid complaints-flow is used twice" in line for line in found)
    assert any("c.json: not JSON" in line for line in found)
