"""Page tokens: bound to the request's filters, carrying plain values of the key's shape only."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timezone

import pytest

from complaints.v1 import dispatch_service_pb2 as pb
from complaint_platform.paging import BadPageRequest, decode_token, encode_token, page_size, scope_of

SHAPE = (int, datetime, datetime, str)
DUE = datetime(2026, 12, 3, 9, 30, tzinfo=timezone.utc)


def queue(department: str = "broadband-ops", region: str = "", token: str = "", size: int = 0):
    request = pb.GetDepartmentQueueRequest(department=department, region=region)
    request.page.page_size, request.page.page_token = size, token
    return request


def issued(request) -> str:
    return encode_token([1, DUE.isoformat(), DUE.isoformat(), "WO-1"], scope_of(request))


def test_a_token_round_trips_with_its_types():
    request = queue()
    assert decode_token(issued(request), scope_of(request), SHAPE) == [1, DUE, DUE, "WO-1"]


def test_the_page_itself_is_not_part_of_the_question():
    first = queue(size=10)
    assert decode_token(issued(first), scope_of(queue(size=20, token="whatever")), SHAPE)[3] == "WO-1"


def test_a_token_answers_only_the_filters_it_was_issued_for():
    token = issued(queue(region="guangzhou"))
    with pytest.raises(BadPageRequest, match="issued for other filters"):
        decode_token(token, scope_of(queue(region="shenzhen")), SHAPE)
    with pytest.raises(BadPageRequest, match="issued for other filters"):
        decode_token(token, scope_of(queue(department="billing", region="guangzhou")), SHAPE)


def forged(after: list, request) -> str:
    from complaint_platform.paging import _fingerprint

    raw = json.dumps({"after": after, "scope": _fingerprint(scope_of(request))}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize("after", [
    [{"$ne": None}, DUE.isoformat(), DUE.isoformat(), "WO-1"],  # a query operator where a value goes
    [1, DUE.isoformat(), DUE.isoformat(), {"$gt": ""}],
    [1, "not a time", DUE.isoformat(), "WO-1"],
    [1, DUE.isoformat(), DUE.isoformat()],                      # too short
    [True, DUE.isoformat(), DUE.isoformat(), "WO-1"],
])
def test_forged_keys_are_refused_before_they_reach_a_query(after):
    request = queue()
    with pytest.raises(BadPageRequest, match="page.page_token is not a token this service issued"):
        decode_token(forged(after, request), scope_of(request), SHAPE)


@pytest.mark.parametrize("token", ["%%%", "bm90IGpzb24", base64.urlsafe_b64encode(b"[1,2]").decode()])
def test_garbage_is_refused_with_the_field_named(token):
    with pytest.raises(BadPageRequest, match="page.page_token"):
        decode_token(token, b"", SHAPE)


def test_page_sizes():
    assert page_size(0) == 50
    assert page_size(500) == 500
    with pytest.raises(BadPageRequest, match="page.page_size must be at most 500"):
        page_size(501)
    with pytest.raises(BadPageRequest, match="must not be negative"):
        page_size(-1)
