"""Snapshots of aggregate reads (fresh, stale while refreshed, too old, per caller) and the forms'
fields as requests (errors name the field)."""

from __future__ import annotations

import threading
import time

import pytest

from complaints.v1 import common_pb2, verification_service_pb2 as pb
from services.console.snapshots import Snapshots
from services.console.views.cases import search_request
from services.console.views.records import FilterError, record_filter, seq_range


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def ok():
    return None


def test_an_answer_is_served_from_memory_while_fresh_and_refreshed_behind_the_page_when_stale():
    clock, calls = Clock(), []
    done = threading.Event()

    def load():
        calls.append(clock.now)
        done.set()
        return len(calls)

    snapshots = Snapshots(30, clock)
    assert snapshots.get("token-a", ("overview",), load, ok).value == 1
    clock.now += 10
    assert snapshots.get("token-a", ("overview",), load, ok).value == 1 and len(calls) == 1
    clock.now += 30
    done.clear()
    assert snapshots.get("token-a", ("overview",), load, ok).value == 1  # stale, served once more
    assert done.wait(5)
    for _ in range(50):  # the refresh stores its answer just after calling load
        if snapshots.get("token-a", ("overview",), load, ok).value == 2:
            break
        time.sleep(0.02)
    assert snapshots.get("token-a", ("overview",), load, ok).value == 2
    clock.now += 30 * 11
    assert snapshots.get("token-a", ("overview",), load, ok).value == 3  # far too old: fetched before rendering


def test_a_kept_answer_is_shown_only_to_a_caller_a_service_accepted_and_a_command_forgets_it():
    clock = Clock()
    snapshots = Snapshots(30, clock)
    assert snapshots.get("operator", ("watched",), lambda: "figures", ok).value == "figures"

    def refused():
        raise PermissionError("UNAUTHENTICATED")

    with pytest.raises(PermissionError):
        snapshots.get("forged", ("watched",), lambda: "unused", refused)
    checked = []
    assert snapshots.get("auditor", ("watched",), lambda: "unused", lambda: checked.append(1)).value == "figures"
    assert snapshots.get("auditor", ("watched",), lambda: "unused", lambda: checked.append(1)).value == "figures"
    assert checked == [1]  # accepted once within max_age
    snapshots.forget()
    assert snapshots.get("operator", ("watched",), lambda: "again", ok).value == "again"


def test_after_a_command_a_costly_answer_is_served_once_more_while_asked_again_and_the_rest_dropped():
    clock, asked = Clock(), threading.Event()
    snapshots = Snapshots(30, clock)
    snapshots.get("t", ("bulletin", "monthly"), lambda: "month before", ok)
    snapshots.get("t", ("supervised",), lambda: "list before", ok)
    clock.now += 5  # fresh: without the command neither would be asked again
    snapshots.forget(keep_serving=lambda key: key[0] == "bulletin")

    def month_after():
        asked.set()
        return "month after"

    assert snapshots.get("t", ("bulletin", "monthly"), month_after, ok).value == "month before"
    assert asked.wait(5)  # asked again behind the page
    assert snapshots.get("t", ("supervised",), lambda: "list after", ok).value == "list after"  # dropped: live


def test_a_refused_call_is_not_kept():
    snapshots = Snapshots(30, Clock())

    def refused():
        raise PermissionError("no")

    with pytest.raises(PermissionError):
        snapshots.get("t", ("k",), refused, ok)
    assert snapshots.get("t", ("k",), lambda: "ok", ok).value == "ok"


def test_case_search_fields_become_the_intake_request():
    service, method, query = search_request({"region": "guangzhou", "channel": "hotline", "status": "DISPATCHED",
                                             "from": "2026-12-01", "to": "2026-12-03", "overdue": "1"},
                                            "Asia/Shanghai", 50)
    assert (service, method) == ("intake", "SearchCases")
    assert query.channel == common_pb2.CHANNEL_HOTLINE and query.status == common_pb2.CASE_STATUS_DISPATCHED
    assert query.overdue and query.page.page_size == 50
    assert query.registered_from.ToJsonString() == "2026-11-30T16:00:00Z"  # midnight in Beijing
    assert query.registered_to.ToJsonString() == "2026-12-03T16:00:00Z"    # the whole last day
    assert search_request({"customer": "C-1"}, "Asia/Shanghai", 50)[1] == "ListCustomerCases"


@pytest.mark.parametrize("params, message", [
    ({"channel": "fax"}, "channel: expected one of hotline"),
    ({"from": "03/12/2026"}, "from: expected a date such as 2026-12-01, got '03/12/2026'"),
    ({"from": "2026-12-03", "to": "2026-12-01"}, "to: must not be before from"),
])
def test_bad_search_fields_are_named(params, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        search_request(params, "Asia/Shanghai", 50)


def test_record_filters_and_chain_ranges():
    criteria = record_filter({"result": "closed", "unit": "gz-ops", "opened_to": "2026-12-03"}, "Asia/Shanghai")
    assert criteria.result == pb.VERIFICATION_RESULT_CLOSED and criteria.responsible_unit == "gz-ops"
    assert criteria.opened_to.ToJsonString() == "2026-12-03T16:00:00Z"
    with pytest.raises(FilterError, match="result: expected one of pending, closed, reopened, got 'open'"):
        record_filter({"result": "open"}, "Asia/Shanghai")
    assert seq_range({"from_seq": "5", "to_seq": ""}) == (5, 0)
    with pytest.raises(FilterError, match="to_seq: must not be below from_seq"):
        seq_range({"from_seq": "9", "to_seq": "3"})
    with pytest.raises(FilterError, match="from_seq: expected a whole number, got '-1'"):
        seq_range({"from_seq": "-1"})
