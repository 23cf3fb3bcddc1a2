"""Escalation's gauges: summed over replicas, each figure is counted once."""

from __future__ import annotations

from datetime import datetime, timezone
from types import SimpleNamespace

from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader

from services.escalation.app import _supervision_metrics
from services.escalation.domain.schedule import Timetable

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=timezone.utc)


class Rows:
    """The cases' rows, as much of a collection as the gauges ask of it."""

    def __init__(self, rows: list[dict]) -> None:
        self.rows = rows

    def count_documents(self, query: dict) -> int:
        def matches(row: dict) -> bool:
            for field, condition in query.items():
                value = row.get(field)
                if isinstance(condition, dict):
                    if "$gte" in condition and not (value is not None and value >= condition["$gte"]):
                        return False
                elif value != condition:
                    return False
            return True
        return sum(1 for row in self.rows if matches(row))


def figures(partitions: set[int]) -> dict[str, float]:
    reader = InMemoryMetricReader()
    database = {"cases": Rows([{"overdue": True, "closed": False, "resolved_at": NOW, "timely": True},
                               {"overdue": False, "closed": False, "resolved_at": NOW, "timely": False}])}
    timetable = Timetable()
    timetable.reassign(partitions)
    context = SimpleNamespace(database=database, clock=SimpleNamespace(now=lambda: NOW),
                              telemetry=SimpleNamespace(meter=MeterProvider(metric_readers=[reader]).get_meter("t")))
    _supervision_metrics(context, SimpleNamespace(timetable=timetable))
    found = {}
    for resource in reader.get_metrics_data().resource_metrics:
        for scope in resource.scope_metrics:
            for metric in scope.metrics:
                for point in metric.data.data_points:
                    found[metric.name] = point.value
    return found


def test_the_replica_consuming_partition_0_reports_the_database_figures_and_no_other_does():
    first, second = figures({0, 1, 2}), figures({3, 4, 5})
    assert first == {"complaints_open_deadlines": 0, "complaints_overdue_deadlines": 1,
                     "complaints_timely_handling_rate": 0.5}
    assert second == {"complaints_open_deadlines": 0}
