"""A department's queue: ordering, filters, and page tokens that give a stable order."""

from __future__ import annotations

from datetime import datetime

import pytest
from dispatch_builders import NOW, later
from hypothesis import given, settings
from hypothesis import strategies as st

from services.dispatch.domain import work_orders as wo
from services.dispatch.domain.errors import InvalidPageToken
from services.dispatch.domain.queue import (MAX_PAGE_SIZE, QueueFilter, decode_page_token, department_queue,
                                            encode_page_token, ordered)


def order(n: int, priority: int = 5, due: datetime | None = None, created: datetime = NOW, department: str = "ops",
          state: str = wo.DISPATCHED, category: str = "network_signal", region: str = "guangzhou") -> wo.WorkOrder:
    made = wo.WorkOrder(f"C{n}-WO1", f"C{n}", wo.DEPARTMENT, department, "city", priority, category, region, created)
    made.state, made.due_at = state, due
    return made


def ids(orders) -> list[str]:
    return [o.work_order_id for o in orders]


def test_priority_then_due_then_created_then_id():
    orders = [
        order(1, priority=5, due=later(60)),
        order(2, priority=1),                                   # tier 1, no due time yet: still first
        order(3, priority=5, due=later(30)),
        order(4, priority=5),                                   # unknown due time sorts last within its priority
        order(5, priority=5, due=later(30), created=later(-5)),  # same due, older
        order(6, priority=5, due=later(30), created=later(-5)),  # full tie: id decides
        order(7, priority=5, due=later(10), created=later(5)),   # newest, but due soonest
        order(8, priority=6, due=later(1)),                      # due soonest of all, lower priority
    ]
    assert ids(ordered(orders)) == ["C2-WO1", "C7-WO1", "C5-WO1", "C6-WO1", "C3-WO1", "C1-WO1", "C4-WO1", "C8-WO1"]


def test_filters_by_department_state_category_region():
    orders = [order(1), order(2, department="billing"), order(3, state=wo.ACCEPTED), order(4, state=wo.REPLIED),
              order(5, category="porting"), order(6, region="shenzhen")]
    assert ids(department_queue(orders, "ops").work_orders) == ["C1-WO1", "C3-WO1", "C5-WO1", "C6-WO1"]
    assert ids(department_queue(orders, "ops", QueueFilter(states=(wo.REPLIED,))).work_orders) == ["C4-WO1"]
    assert ids(department_queue(orders, "ops", QueueFilter(category="porting")).work_orders) == ["C5-WO1"]
    assert ids(department_queue(orders, "ops", QueueFilter(region="shenzhen")).work_orders) == ["C6-WO1"]


def test_page_edges():
    orders = [order(n) for n in range(1, 4)]
    exact = department_queue(orders, "ops", page_size=3)
    assert len(exact.work_orders) == 3 and exact.next_page_token == ""      # N items, page N: last page
    first = department_queue(orders, "ops", page_size=2)
    assert ids(first.work_orders) == ["C1-WO1", "C2-WO1"] and first.next_page_token
    second = department_queue(orders, "ops", page_size=2, page_token=first.next_page_token)
    assert ids(second.work_orders) == ["C3-WO1"] and second.next_page_token == ""


def test_page_size_zero_means_default_and_is_capped():
    orders = [order(n) for n in range(MAX_PAGE_SIZE + 1)]
    assert len(department_queue(orders, "ops", page_size=0).work_orders) == 50
    assert len(department_queue(orders, "ops", page_size=10_000).work_orders) == MAX_PAGE_SIZE


def test_new_orders_do_not_shift_later_pages():
    orders = [order(n, priority=5) for n in range(1, 5)]
    first = department_queue(orders, "ops", page_size=2)
    orders.append(order(0, priority=1))    # arrives at the top while the reader is on page one
    second = department_queue(orders, "ops", page_size=2, page_token=first.next_page_token)
    assert ids(second.work_orders) == ["C3-WO1", "C4-WO1"]


def test_tokens_cannot_be_forged_or_reused_elsewhere():
    orders = [order(n) for n in range(1, 4)]
    token = department_queue(orders, "ops", page_size=1).next_page_token
    with pytest.raises(InvalidPageToken, match="issued for another department or filter"):
        department_queue(orders, "billing", page_size=1, page_token=token)
    with pytest.raises(InvalidPageToken, match="issued for another department or filter"):
        department_queue(orders, "ops", QueueFilter(region="shenzhen"), page_size=1, page_token=token)
    for garbage in ("not-a-token", "e30", encode_page_token((1, NOW, NOW, "x"), "f")[:-3]):
        with pytest.raises(InvalidPageToken, match="page_token"):
            decode_page_token(garbage, "f")


def test_token_round_trip():
    key = (3, later(30), NOW, "C9-WO2")
    assert decode_page_token(encode_page_token(key, "abc"), "abc") == key


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 9), st.one_of(st.none(), st.integers(0, 5)), st.integers(0, 3)),
                max_size=30),
       st.integers(1, 7))
def test_paging_through_yields_the_full_order_once(specs, size):
    orders = [order(n, priority=p, due=None if d is None else later(d), created=later(c))
              for n, (p, d, c) in enumerate(specs)]
    seen, token = [], ""
    while True:
        page = department_queue(orders, "ops", page_size=size, page_token=token)
        seen += ids(page.work_orders)
        token = page.next_page_token
        if not token:
            break
    assert seen == ids(ordered(orders))
