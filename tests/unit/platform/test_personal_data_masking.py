"""Personal data never reaches logs or traces: free text, keyed fields, exception texts, span events."""

from __future__ import annotations

import io
import json
import logging

from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult

from complaint_platform.config import load_settings
from complaint_platform.masking import key_kind, mask_fields, mask_phone, mask_text, mask_value
from complaint_platform.telemetry import (
    JsonLinesSpanExporter,
    JsonLogFormatter,
    MaskingSpanExporter,
    MaskingTextFormatter,
    _clean,
    configure_logging,
)

PHONE, NAME = "13977771234", "司马青衫"
RAW_FORMS = (PHONE, "+86" + PHONE, "+86 139-7777-1234", "139-7777-1234", "139 7777 1234", NAME)


def leaks(text: str) -> list[str]:
    return [form for form in RAW_FORMS if form in text]


def test_phone_numbers_in_every_common_notation():
    for written in (PHONE, f"+86{PHONE}", f"+86 {PHONE}", "+86-139-7777-1234", "139-7777-1234", "139 7777 1234",
                    "139.7777.1234", "1397 777 1234", f"0086{PHONE}", "１３９７７７７１２３４"):
        masked = mask_text(f"客户{written}来电")
        assert "7777" not in masked and "７７７７" not in masked, (written, masked)
        assert "*" in masked
    assert mask_text("座机(020) 8888 1234，分机") == "座机020******34，分机"
    # ids, offsets and timestamps are not phone numbers
    for text in ("event 6f1c1f9e-3f57-4a55-9c49-0c8e1a7d2b10", "offset 1234567", "2026-11-23T13:45:12.345Z",
                 "case CASE-20261123-000123"):
        assert mask_text(text) == text


def test_masking_twice_changes_nothing():
    once = mask_fields({"phone": PHONE, "name": NAME, "note": f"姓名：{NAME}，电话 {PHONE}"})
    assert mask_fields(once) == once
    assert mask_phone(mask_phone(PHONE)) == "139******34"


def test_names_are_masked_where_a_key_names_them_in_free_text():
    texts = [
        f"{{'name': '{NAME}', 'phone': '{PHONE}'}}",                  # a dict repr in an exception text
        f"Customer(id='C1', phone='{PHONE}', name='{NAME}')",          # a dataclass repr
        f'customer {{ name: "{NAME}" phone: "{PHONE}" }}',             # protobuf text format
        f'{{"customer": {{"name": "{NAME}", "customerName": "{NAME}"}}}}',  # JSON
        f"name={NAME} author={NAME} contact_name={NAME}",
        f"姓名：{NAME}，联系电话：{PHONE}",
        f"投诉人: {NAME}",
    ]
    for text in texts:
        masked = mask_text(text)
        assert not leaks(masked), (text, masked)
        assert "司*" in masked, masked
    # keys that merely end in "name" are not personal
    assert mask_text("username=bob filename=a.txt messaging.destination.name=complaints.submitted.v1") == \
        "username=bob filename=a.txt messaging.destination.name=complaints.submitted.v1"


def test_values_the_json_decoder_echoes_are_masked_unless_they_are_identifiers():
    reason = f"channel: Failed to parse channel field: Invalid enum value {NAME} for enum type complaints.v1.Channel"
    assert NAME not in mask_text(reason) and "channel" in mask_text(reason)
    reason = f'customer.tier: Couldn\'t parse integer: "{NAME} {PHONE}" at ComplaintSubmitted.customer.tier.'
    assert not leaks(mask_text(reason))
    kept = "channel: Invalid enum value CHANNEL_TELEPATHY for enum type complaints.v1.Channel at X.channel."
    assert mask_text(kept) == kept


def test_fields_and_attributes_are_masked_by_key():
    assert key_kind("customer.name") == key_kind("customerName") == key_kind("name") == "name"
    assert key_kind("complaints.customer_phone") == key_kind("msisdn") == "phone"
    assert key_kind("messaging.destination.name") is None and key_kind("service.name") is None
    masked = mask_fields({"customer": {"name": NAME, "phone": int(PHONE)}, "names": [f"name={NAME}"],
                          "customer.name": (NAME,), "messaging.destination.name": "complaints.submitted.v1"})
    assert masked == {"customer": {"name": "司***", "phone": "139******34"}, "names": ["name=司***"],
                      "customer.name": ("司***",), "messaging.destination.name": "complaints.submitted.v1"}
    assert mask_value("customer.phone", ["+86 139-7777-1234"]) == ["861********34"]
    assert _clean({"customer.name": NAME, "complaints.event_id": f"hotline-{PHONE}", "skip": None}) == \
        {"customer.name": "司***", "complaints.event_id": "hotline-139******34"}


def _record(logger: str, message: str, *args, fields=None, exc_info=None) -> logging.LogRecord:
    record = logging.LogRecord(logger, logging.WARNING, __file__, 1, message, args, exc_info)
    if fields is not None:
        record.fields = fields
    return record


def test_json_logs_mask_message_fields_and_exception_text():
    try:
        raise ValueError(f"bad document {{'customer': {{'name': '{NAME}', 'phone': '{PHONE}'}}}}")
    except ValueError:
        import sys

        exc_info = sys.exc_info()
    line = JsonLogFormatter("intake").format(_record(
        "complaint_platform.streaming", "dead-lettered %s: %s", "complaints.submitted.v1",
        "channel: Invalid enum value +86 139-7777-1234 for enum type",
        fields={"reason": f"姓名：{NAME}", "customer_name": NAME, "customer": {"phone": PHONE}}, exc_info=exc_info))
    assert not leaks(line), line
    entry = json.loads(line)
    assert "861********34" in entry["message"]
    assert entry["customer_name"] == "司***" and entry["customer"] == {"phone": "139******34"}
    assert "'name': '司***'" in entry["error"] and "139******34" in entry["error"]


def test_text_logs_are_masked_too():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(MaskingTextFormatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("test.masking.text")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        try:
            raise KeyError(f"name={NAME}")
        except KeyError:
            logger.exception("handler failed for %s", PHONE)
    finally:
        logger.removeHandler(handler)
    assert not leaks(stream.getvalue()) and "139******34" in stream.getvalue() and "司***" in stream.getvalue()


class _Collect(SpanExporter):
    def __init__(self) -> None:
        self.spans = []

    def export(self, spans):
        self.spans.extend(spans)
        return SpanExportResult.SUCCESS


def test_span_exception_events_and_status_are_masked_for_every_exporter(tmp_path):
    collected = _Collect()
    spans_file = tmp_path / "spans.jsonl"
    provider = TracerProvider(resource=Resource.create({"service.name": "complaints-test"}))
    provider.add_span_processor(SimpleSpanProcessor(MaskingSpanExporter(collected)))
    provider.add_span_processor(SimpleSpanProcessor(MaskingSpanExporter(JsonLinesSpanExporter(str(spans_file)))))
    tracer = provider.get_tracer("test")
    try:  # the SDK records the exception text as an event and as the status description
        with tracer.start_as_current_span(f"lookup {PHONE}", attributes=_clean({"customer.name": NAME})) as span:
            span.set_attribute("customer.phone", PHONE)  # set later, bypassing _clean
            raise RuntimeError(f"no case for name='{NAME}' phone {PHONE}")
    except RuntimeError:
        pass
    provider.shutdown()
    [span] = collected.spans
    exported = repr((span.name, dict(span.attributes), [(e.name, dict(e.attributes)) for e in span.events],
                     span.status.description))
    assert not leaks(exported), exported
    assert span.attributes["customer.phone"] == "139******34" and span.attributes["customer.name"] == "司***"
    assert "139******34" in span.events[0].attributes["exception.message"]
    written = spans_file.read_text(encoding="utf-8")
    assert not leaks(written), written
    assert "司***" in written and "exception.stacktrace" in written


def test_configured_logging_masks_both_formats_and_uncaught_thread_exceptions():
    import sys
    import threading

    root = logging.getLogger()
    saved = (root.handlers[:], root.level, sys.excepthook, threading.excepthook)
    try:
        for log_format in ("text", "json"):
            stream = io.StringIO()
            configure_logging(load_settings("intake", {"LOG_FORMAT": log_format}), stream)
            logging.getLogger("test.masking.configured").warning("caller %s (%s)", PHONE, f"name={NAME}")

            def crash():
                raise ValueError(f"customer_name='{NAME}' phone {PHONE}")

            thread = threading.Thread(target=crash, name="crasher")
            thread.start()
            thread.join()
            output = stream.getvalue()
            assert not leaks(output), (log_format, output)
            assert output.count("139******34") >= 2 and "crasher" in output, output
    finally:
        root.handlers[:], level, sys.excepthook, threading.excepthook = saved
        root.setLevel(level)


def test_id_cards_bank_cards_e_mail_and_split_phone_numbers_are_masked():
    text = ("身份证 11010519900307231X，旧证 110105900307231，卡号 6222 0212 3456 7890 123，"
            "另一张 6222021234567890，邮箱 zhang.wei@example.com，电话 139\u200b1234\u200c5634，订单 20261203000012345678")
    masked = mask_text(text)
    for secret in ("11010519900307231X", "110105900307231", "6222 0212 3456 7890 123", "6222021234567890",
                   "zhang.wei", "5634"):
        assert secret not in masked, (secret, masked)
    assert "110**************X" in masked and "************0123" in masked.replace(" ", "")
    assert "z***@example.com" in masked and "139******34" in masked
    assert "20261203000012345678" in masked  # 20 digits: an order number, not a card


def test_hostile_text_is_masked_in_linear_time():
    """A denial-of-service guard, not a speed figure: quadratic patterns took seconds here."""
    import time

    for hostile in ("1" * 20_000, "a@" * 10_000, "1 " * 10_000, "\u200b1" * 10_000, ("x" * 63 + ".") * 300 + "@"):
        started = time.perf_counter()
        mask_text(hostile)
        assert time.perf_counter() - started < 1.0, repr(hostile[:8])
