"""The Grafana dashboards, built with grafanalib from the metrics the services export.

    python -m tools.dashboards            # write deploy/k8s/monitoring/dashboards/*.json
    python -m tools.dashboards --check    # exit 1 when a committed file differs (make k8s-check runs it)

Kubernetes provisions them: deploy/k8s/monitoring/kustomization.yaml turns each file into a ConfigMap
labelled grafana_dashboard=1, which Grafana's dashboard sidecar loads. Every query names metrics of
tools/monitoring_check.EXPORTED (the instruments in the code, as the Prometheus exporter names them).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from grafanalib._gen import DashboardEncoder
from grafanalib.core import (Dashboard, GridPos, Heatmap, Stat, Target, Template, Templating, Threshold,
                             TimeSeries)

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "deploy" / "k8s" / "monitoring" / "dashboards"
SOURCE = "${datasource}"
TIMELY_TARGET = 0.98   # policy.escalation.timely_target (投诉处理及时率)


def series(title: str, expr: str, legend: str, x: int, y: int, unit: str = "", width: int = 12,
           stacked: bool = False, description: str = "") -> TimeSeries:
    return TimeSeries(title=title, description=description or None, dataSource=SOURCE, unit=unit,
                      targets=[Target(expr=expr, legendFormat=legend, refId="A")],
                      gridPos=GridPos(h=8, w=width, x=x, y=y),
                      stacking={"mode": "normal"} if stacked else {"mode": "none"})


def stat(title: str, expr: str, x: int, y: int, unit: str = "", thresholds: list | None = None,
         width: int = 6) -> Stat:
    return Stat(title=title, dataSource=SOURCE, format=unit or "none", reduceCalc="lastNotNull",
                targets=[Target(expr=expr, refId="A", instant=True)], gridPos=GridPos(h=4, w=width, x=x, y=y),
                thresholds=thresholds or [Threshold("green", 0, 0.0)])


def datasource() -> Templating:
    return Templating(list=[Template(name="datasource", type="datasource", query="prometheus", label="数据源 data source",
                                     default="Prometheus")])


def flow() -> Dashboard:
    """Complaints in, events between the services, latency per hop, lag, dead letters."""
    by_hop = "sum by (le, job, topic) (rate(complaints_hop_latency_seconds_bucket[5m]))"
    return Dashboard(
        title="投诉流转 Complaint flow", uid="complaints-flow", tags=["complaints"], timezone="browser",
        templating=datasource(), refresh="30s",
        description="Intake volume by channel, events between the services, latency per hop, consumer lag, "
                    "dead letters. Metrics: complaints_* from each service's /metrics.",
        panels=[
            stat("受理量 complaints received (24 h)", "sum(increase(complaints_submissions_received_total[24h]))",
                 0, 0),
            stat("死信 dead letters (24 h)", "sum(increase(complaints_events_deadlettered_total[24h]))", 6, 0,
                 thresholds=[Threshold("green", 0, 0.0), Threshold("red", 1, 1.0)]),
            stat("积压 consumer lag (records)", "sum(complaints_consumer_lag)", 12, 0,
                 thresholds=[Threshold("green", 0, 0.0), Threshold("orange", 1, 1000.0)]),
            stat("处理失败 handler failures (1 h)", "sum(increase(complaints_events_failed_total[1h]))", 18, 0,
                 thresholds=[Threshold("green", 0, 0.0), Threshold("red", 1, 1.0)]),
            series("受理渠道 intake volume by channel", "sum by (channel) (rate(complaints_submissions_received_total[5m]))",
                   "{{channel}}", 0, 4, unit="reqps", stacked=True,
                   description="Inbound complaints handled by intake per second, by channel (多点受理)."),
            series("事件处理 events handled", "sum by (job, topic) (rate(complaints_events_processed_total[5m]))",
                   "{{job}} ← {{topic}}", 12, 4, unit="reqps"),
            series("每跳时延 latency per hop (p95)", f"histogram_quantile(0.95, {by_hop})", "{{job}} ← {{topic}}",
                   0, 12, unit="s",
                   description="From the upstream service's event to this service handling it."),
            series("每跳时延 latency per hop (p50)", f"histogram_quantile(0.5, {by_hop})", "{{job}} ← {{topic}}",
                   12, 12, unit="s"),
            Heatmap(title="时延分布 hop latency distribution", dataSource=SOURCE, dataFormat="tsbuckets",
                    targets=[Target(expr="sum by (le) (increase(complaints_hop_latency_seconds_bucket[1m]))",
                                    legendFormat="{{le}}", format="heatmap", refId="A")],
                    gridPos=GridPos(h=8, w=24, x=0, y=20)),
            series("积压 consumer lag by topic", "sum by (job, topic) (complaints_consumer_lag)",
                   "{{job}} ← {{topic}}", 0, 28, description="Records behind each partition's high watermark."),
            series("死信 dead letters", "sum by (job, topic) (rate(complaints_events_deadlettered_total[5m]))",
                   "{{job}} ← {{topic}}", 12, 28, unit="reqps",
                   description="Events sent to complaints.deadletter.v1 (the reason names the field)."),
            series("发布事件 events published", "sum by (job, event_type) (rate(complaints_events_published_total[5m]))",
                   "{{job}}: {{event_type}}", 0, 36, unit="reqps"),
            series("数据库命令 database commands", "sum by (job, command) (rate(complaints_db_commands_total[5m]))",
                   "{{job}}: {{command}}", 12, 36, unit="reqps"),
        ],
    ).auto_panel_ids()


def deadlines() -> Dashboard:
    """Supervision (全程监督): open deadlines, breaches, escalations, the timely-handling rate."""
    # escalation's gauges count the whole database on every replica: max, not sum
    return Dashboard(
        title="时限监督 Deadlines and timely handling", uid="complaints-deadlines", tags=["complaints"],
        timezone="browser", templating=datasource(), refresh="1m",
        description="Open and overdue deadlines, escalations, the timely-handling rate (投诉处理及时率, "
                    f"target {TIMELY_TARGET:.0%}).",
        panels=[
            stat("及时率 timely-handling rate (24 h)", "max(complaints_timely_handling_rate)", 0, 0,
                 unit="percentunit", thresholds=[Threshold("red", 0, 0.0), Threshold("green", 1, TIMELY_TARGET)]),
            stat("在途时限 open deadlines", "sum(complaints_open_deadlines)", 6, 0, width=4),
            stat("超时未办结 overdue now", "max(complaints_overdue_deadlines)", 10, 0, width=4,
                 thresholds=[Threshold("green", 0, 0.0), Threshold("orange", 1, 1.0)]),
            stat("超时 breaches (24 h)", "sum(increase(complaints_deadline_breaches_total[24h]))", 14, 0, width=5,
                 thresholds=[Threshold("green", 0, 0.0), Threshold("orange", 1, 1.0)]),
            stat("升级 escalations (24 h)", "sum(increase(complaints_escalations_total[24h]))", 19, 0, width=5),
            series("及时率 timely-handling rate", "max(complaints_timely_handling_rate)", "rate", 0, 4,
                   unit="percentunit", description=f"Cases answered within the case-reply time, last 24 h; "
                                                   f"the target is {TIMELY_TARGET:.0%}."),
            TimeSeries(title="在途与超时 open and overdue deadlines", dataSource=SOURCE,
                       gridPos=GridPos(h=8, w=12, x=12, y=4),
                       description="Deadlines running or paused (waiting on the customer), and those breached "
                                   "and not yet met.",
                       # each replica reports the clocks of its own partitions; overdue is read from the
                       # database, the same figure on every replica
                       targets=[Target(expr="sum(complaints_open_deadlines)", legendFormat="open 在途", refId="A"),
                                Target(expr="max(complaints_overdue_deadlines)", legendFormat="overdue 超时",
                                       refId="B")]),
            series("超时 breaches by kind", "sum by (kind) (increase(complaints_deadline_breaches_total[1h]))",
                   "{{kind}}", 0, 12, stacked=True, description="Overdue marks per hour, by deadline kind."),
            series("升级 escalations by level", "sum by (level) (increase(complaints_escalations_total[1h]))",
                   "level {{level}}", 12, 12, stacked=True),
            series("内存中案件 cases held in memory", "sum by (job) (complaints_held_aggregates)", "{{job}}",
                   0, 20, width=24),
        ],
    ).auto_panel_ids()


DASHBOARDS = {"complaints-flow.json": flow, "complaints-deadlines.json": deadlines}


def rendered() -> dict[str, str]:
    return {name: json.dumps(build().to_json_data(), cls=DashboardEncoder, ensure_ascii=False, indent=2,
                             sort_keys=True) + "\n" for name, build in DASHBOARDS.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.dashboards", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed files, write nothing")
    args = parser.parse_args(argv)
    stale = []
    for name, text in rendered().items():
        path = FOLDER / name
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    if stale:
        print(f"dashboards out of date: {', '.join(stale)}; run python -m tools.dashboards", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
