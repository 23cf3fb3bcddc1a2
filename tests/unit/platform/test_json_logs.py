"""The JSON log lines (python-json-logger): the time in UTC whatever the host's zone, the trace ids
of the current span, the record's fields, personal data masked."""

from __future__ import annotations

import json
import logging
import os
import time
from datetime import datetime, timezone

import pytest
from opentelemetry.sdk.trace import TracerProvider

from complaint_platform.telemetry import JsonLogFormatter


@pytest.fixture()
def shanghai_host():
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Shanghai"
    time.tzset()
    yield
    if before is None:
        os.environ.pop("TZ")
    else:
        os.environ["TZ"] = before
    time.tzset()


def record(message: str, *args, **extra) -> logging.LogRecord:
    entry = logging.LogRecord("complaint_platform.streaming", logging.INFO, __file__, 1, message, args, None)
    entry.__dict__.update(extra)
    return entry


def test_the_timestamp_is_utc_on_a_host_in_another_zone(shanghai_host):
    entry = record("batch stored")
    entry.created = datetime(2026, 12, 3, 1, 2, 3, 456000, tzinfo=timezone.utc).timestamp()
    line = json.loads(JsonLogFormatter("intake").format(entry))
    assert datetime.fromisoformat(line["ts"]) == datetime(2026, 12, 3, 1, 2, 3, 456000, tzinfo=timezone.utc)
    assert line["ts"].endswith("+00:00")
    assert (line["level"], line["service"], line["logger"]) == ("INFO", "intake", "complaint_platform.streaming")


def test_a_line_logged_inside_a_span_carries_its_trace_and_span_ids():
    tracer = TracerProvider().get_tracer("test")
    with tracer.start_as_current_span("cases.intake.v1 process") as span:
        line = json.loads(JsonLogFormatter("dispatch").format(record("handled %d events", 3)))
    context = span.get_span_context()
    assert line["trace_id"] == format(context.trace_id, "032x") and line["span_id"] == format(context.span_id, "016x")
    assert line["message"] == "handled 3 events"


def test_fields_are_merged_and_personal_data_masked():
    line = json.loads(JsonLogFormatter("intake").format(record(
        "registered a case for %s", "13912345678", fields={"customer_phone": "13912345678", "events": 2})))
    assert line["message"] == "registered a case for 139******78"
    assert line["customer_phone"] == "139******78" and line["events"] == 2
    assert "fields" not in line
