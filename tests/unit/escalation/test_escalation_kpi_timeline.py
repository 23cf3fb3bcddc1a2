from __future__ import annotations

from datetime import timedelta

import pytest

from services.escalation.bulletin import to_html
from services.escalation.domain import kpi
from services.escalation.domain.timeline import TimelineEntry, merge, status_of

from escalation_testkit import local, utc

T0 = utc(2026, 11, 2, 1)
H = timedelta(hours=1)


def case(index: int, timely: bool | None = True, hours: float = 10, **extra) -> kpi.CaseFigures:
    values = dict(case_id=f"C-{index}", unit="agent-1", department="gz-billing", region="guangzhou", opened_at=T0,
                  resolved_at=None if timely is None else T0 + hours * H, timely=timely, escalation_level=0,
                  overdue=False, satisfied=None)
    values.update(extra)
    return kpi.CaseFigures(**values)


@pytest.mark.parametrize("period, at, start, end", [
    ("daily", utc(2026, 11, 1, 16), local(2026, 11, 2), local(2026, 11, 3)),        # 00:00 Shanghai
    ("daily", utc(2026, 11, 1, 15, 59), local(2026, 11, 1), local(2026, 11, 2)),
    ("weekly", utc(2026, 11, 8, 15, 59), local(2026, 11, 2), local(2026, 11, 9)),   # Sunday night, Monday start
    ("weekly", utc(2026, 11, 8, 16), local(2026, 11, 9), local(2026, 11, 16)),
    ("monthly", utc(2026, 12, 31, 16), local(2027, 1, 1), local(2027, 2, 1)),
    ("monthly", utc(2026, 12, 31, 15, 59), local(2026, 12, 1), local(2027, 1, 1)),
])
def test_periods_are_cut_in_the_centres_time_zone(period, at, start, end):
    assert kpi.period_bounds(period, at, "Asia/Shanghai") == (start, end)


def test_unknown_period_is_refused():
    with pytest.raises(ValueError, match="period must be one of daily, weekly, monthly"):
        kpi.period_bounds("yearly", T0, "Asia/Shanghai")


@pytest.mark.parametrize("late, rate, meets", [(1, 0.98, True), (2, 0.96, False)])
def test_timely_rate_target_of_98_percent_at_the_edge(late, rate, meets):
    cases = [case(i, timely=i >= late) for i in range(50)]
    figures = kpi.figures(cases, 0.98)
    assert (figures["timely_handling_rate"], figures["meets_target"]) == (rate, meets)


def test_handling_times_overdue_escalations_and_satisfaction():
    cases = [case(i, hours=i + 1) for i in range(10)]
    cases += [case(10, timely=None, escalation_level=2, overdue=True, satisfied=False),
              case(11, satisfied=True, yellow_cards=2), case(12, satisfied=True)]
    figures = kpi.figures(cases, 0.98)
    assert figures["resolved"] == 12 and figures["cases"] == 13
    assert figures["average_handling_hours"] == round((55 + 20) / 12, 2)
    assert figures["p90_handling_hours"] == 10.0
    assert figures["overdue"] == 1
    assert figures["escalations_by_level"] == {"1": 1, "2": 1, "3": 0, "4": 0}
    assert figures["satisfaction_rate"] == round(2 / 3, 4)
    assert figures["yellow_cards"] == 2


def test_bulletin_groups_and_ranks_and_renders():
    cases = [case(0, department="b-dept"), case(1, department="a-dept", timely=False),
             case(2, department="<script>", region="shenzhen")]
    start, end = kpi.period_bounds("daily", T0, "Asia/Shanghai")
    report = kpi.bulletin(cases, "daily", start, end, 0.98)
    assert [(row["name"], row["rank"]) for row in report["by"]["department"]] == [
        ("<script>", 1), ("b-dept", 1), ("a-dept", 3)]  # equal rates, equal ranks
    assert [row["name"] for row in report["by"]["region"]] == ["shenzhen", "guangzhou"]
    markdown = kpi.to_markdown(report)
    assert "| 3 | a-dept | 1 | 0.0% |" in markdown and markdown.startswith("# Complaint handling bulletin")
    page = to_html(report)
    assert "<!doctype html>" in page and "<svg" in page and "&lt;script&gt;" in page
    assert "<script>" not in page and "按部门 department排名" in page and "及时处理率目标 target 98.0%" in page


def test_equal_rates_share_a_rank():
    cases = [case(0, department="a-dept"), case(1, department="b-dept"), case(2, department="c-dept"),
             case(3, department="d-dept", timely=False)]
    start, end = kpi.period_bounds("daily", T0, "Asia/Shanghai")
    report = kpi.bulletin(cases, "daily", start, end, 0.98)
    assert [(row["name"], row["rank"]) for row in report["by"]["department"]] == [
        ("a-dept", 1), ("b-dept", 1), ("c-dept", 1), ("d-dept", 4)]


def entry(event_id, minute, producer="dispatch", event_type="complaints.v1.WorkOrderDispatched", case_id="C-1"):
    return TimelineEntry(event_id, event_type, producer, T0 + timedelta(minutes=minute), case_id)


def test_timeline_orders_by_time_then_producer_then_id_and_dedupes():
    intake = [entry("e-1", 0, "intake", "complaints.v1.CaseRegistered"), entry("e-9", 5, "intake")]
    dispatch = [entry("e-3", 5, "dispatch"), entry("e-2", 5, "dispatch"), entry("e-1", 7, "intake")]
    other = [entry("e-7", 1, case_id="C-2")]
    merged = merge(intake, dispatch, other, case_id="C-1")
    assert [e.event_id for e in merged] == ["e-1", "e-2", "e-3", "e-9"]
    assert merged[0].occurred_at == T0  # the first delivery is kept
    assert status_of(merged) == "DISPATCHED"
    assert status_of([]) == "UNSPECIFIED"
