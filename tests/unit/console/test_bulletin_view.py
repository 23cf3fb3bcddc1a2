"""The bulletin as the console shows it: ties ranked equal, 环比 against the previous period, bars
against the target, and the downloads (CSV with a BOM, xlsx) carrying the same figures."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from services.console import exports, i18n
from services.console.views.bulletin import bulletin_view, competition_ranks, previous_moment, table


def row(name, rate, cases=4, cards=0):
    return {"name": name, "cases": cases, "resolved": cases, "timely_handling_rate": rate, "overdue": 0,
            "yellow_cards": cards, "satisfaction_rate": None, "average_handling_hours": 2.5}


def report(units, start="2026-12-01T00:00:00+08:00", rate=0.75):
    return {"period": "monthly", "from": start, "to": "2027-01-01T00:00:00+08:00", "target": 0.98,
            "overall": {"cases": 12, "timely_handling_rate": rate, "overdue": 1, "yellow_cards": 2,
                        "escalations_by_level": {"1": 2, "2": 0, "3": 0, "4": 0}},
            "by": {"unit": units, "department": [], "region": []}}


def test_equal_rates_share_a_rank_and_the_next_rank_skips():
    assert competition_ranks([0.75, 0.75, 0.75, 0.5]) == [1, 1, 1, 4]
    assert competition_ranks([0.5, 1.0, 0.5, None, 0.9]) == [3, 1, 3, 5, 2]
    assert competition_ranks([None, None]) == [1, 1]
    assert competition_ranks([]) == []


def test_rankings_show_the_change_against_the_previous_period_and_the_target():
    current = report([row("gz-ops", 0.75), row("sz-ops", 0.75, cards=2), row("fs-ops", 1.0), row("new-unit", None)])
    previous = report([row("gz-ops", 0.8), row("fs-ops", 0.95)], start="2026-11-01T00:00:00+08:00", rate=0.9)
    view = bulletin_view(current, previous)
    ranked = {r.name: r for r in view.groups["unit"]}
    assert [(r.rank, r.name) for r in view.groups["unit"]] == [(1, "fs-ops"), (2, "gz-ops"), (2, "sz-ops"),
                                                               (4, "new-unit")]
    assert round(ranked["gz-ops"].change, 4) == -0.05 and round(ranked["fs-ops"].change, 4) == 0.05
    assert ranked["sz-ops"].change is None and ranked["sz-ops"].yellow_cards == 2  # no previous figure
    assert not ranked["gz-ops"].meets_target and ranked["fs-ops"].meets_target and ranked["new-unit"].meets_target
    assert round(view.change, 4) == -0.15
    bars = view.chart("unit")
    assert [b.label for b in bars] == ["fs-ops", "gz-ops", "sz-ops", "new-unit"]
    assert bars[0].width == 360 and bars[0].meets_target and bars[3].value is None and bars[3].width == 0


def test_the_previous_period_is_asked_for_one_second_before_this_one_starts():
    assert previous_moment("2026-12-01T00:00:00+08:00").isoformat() == "2026-11-30T23:59:59+08:00"


def test_downloads_keep_chinese_readable_in_excel_and_rates_as_numbers():
    view = bulletin_view(report([row("广州运维", 0.75), row("深圳运维", 0.75)]), report([]))
    t = i18n.translator("zh")
    text = exports.csv_text(*table(view, "unit", t))
    assert text.startswith("\ufeff排名,名称,工单数")
    assert text.splitlines()[1] == "1,广州运维,4,4,0.75,,,0,0,,2.5"
    assert text.encode("utf-8")[:3] == b"\xef\xbb\xbf"
    book = load_workbook(io.BytesIO(exports.xlsx_bytes([("单位排名", *table(view, "unit", t))],
                                                       {"单位排名": {4}})))
    sheet = book["单位排名"]
    assert sheet["B3"].value == "深圳运维" and sheet["A3"].value == 1
    assert sheet["E2"].value == 0.75 and sheet["E2"].number_format == "0.0%"


def test_english_labels_by_the_switch_and_unknown_keys_show_themselves():
    assert i18n.translator("en")("rank") == "Rank" and i18n.translator("zh")("rank") == "排名"
    assert i18n.translator("fr")("bulletin") == "通报"  # unknown languages fall back to Chinese
    assert i18n.translator("zh")("NO_SUCH_LABEL") == "NO_SUCH_LABEL"

