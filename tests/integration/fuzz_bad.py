"""Hypothesis strategies for every kind of bad inbound message, each a ``Fuzz`` that must be dead-lettered."""

from __future__ import annotations

import functools
import json
from datetime import datetime, timedelta

from google.protobuf import json_format
from google.protobuf.descriptor import FieldDescriptor
from hypothesis import strategies as st

from complaint_platform import topics
from fuzz_valid import (
    EARLIEST,
    FUTURE_FIELDS,
    ID_FIELDS,
    INT32,
    JSON,
    LEAVES,
    MAX_SECONDS,
    MIN_SECONDS,
    OTHER_TOPICS,
    PROTOBUF,
    REQUIRED,
    SUBMITTED,
    TEN_YEARS,
    Fuzz,
    Leaf,
    _dumps,
    _leaves_of,
    _proto_parent,
    _set_json,
    _text,
    base_message,
    encode,
    kind_of,
)


# -- bad messages ---------------------------------------------------------------------------
@functools.lru_cache(maxsize=None)
def _topic(share_submitted: float = 0.7) -> st.SearchStrategy[str]:
    """Mostly complaints.submitted.v1 (``share_submitted``), the rest spread over the other six."""
    copies = round(len(OTHER_TOPICS) * share_submitted / (1 - share_submitted))
    return st.sampled_from((SUBMITTED,) * copies + OTHER_TOPICS)


@functools.lru_cache(maxsize=None)
def _key() -> st.SearchStrategy[bytes | None]:
    return st.one_of(st.none(), st.binary(max_size=24), _text(1, 24).map(lambda text: text.encode("utf-8")))


@st.composite
def random_bytes(draw, now: datetime) -> Fuzz:
    topic = draw(_topic())
    content_type = draw(st.sampled_from((b"", PROTOBUF, JSON, b"application/octet-stream", b"application/protobuf")))
    value = draw(st.one_of(st.binary(max_size=64), st.binary(min_size=64, max_size=2048)))
    headers = [("content-type", content_type)] if content_type else []
    return Fuzz(topic, draw(_key()), value, headers, "random_bytes", "dead")


@functools.lru_cache(maxsize=None)
def _wrong_value(kind: str) -> st.SearchStrategy:
    scalars = st.one_of(st.integers(-10**6, 10**6), st.floats(allow_nan=False), st.booleans())
    containers = st.one_of(st.lists(st.integers(), max_size=3), st.dictionaries(_text(1, 5), st.integers(), max_size=3))
    letters = st.text(alphabet=st.characters(categories=["Lu", "Ll", "Lo", "P"]), min_size=1, max_size=20)
    if kind == "string":
        return st.one_of(scalars, containers)
    if kind == "enum":
        return st.one_of(st.booleans(), containers,
                         st.floats(allow_nan=True, allow_infinity=True).filter(lambda x: not float(x).is_integer()),
                         st.one_of(st.integers(max_value=INT32[0] - 1), st.integers(min_value=INT32[1] + 1)))
    if kind == "int":
        return st.one_of(letters, st.booleans(), containers,
                         st.floats(allow_nan=True, allow_infinity=True).filter(lambda x: not float(x).is_integer()),
                         st.one_of(st.integers(max_value=INT32[0] - 1), st.integers(min_value=INT32[1] + 1)))
    if kind == "bool":  # protobuf-JSON takes true, false and their strings only
        return st.one_of(st.integers(-10**6, 10**6), st.floats(allow_nan=False), containers,
                         letters.filter(lambda text: text not in ("true", "false")))
    if kind == "message":
        return st.one_of(scalars, letters, st.lists(st.integers(), max_size=3))
    if kind == "map":
        return st.one_of(scalars, letters, st.lists(st.integers(), min_size=0, max_size=3),
                         st.dictionaries(_text(1, 8), st.one_of(scalars, containers, st.none()), min_size=1, max_size=3))
    if kind == "time":
        return st.one_of(scalars, containers, letters)
    raise ValueError(kind)


@st.composite
def wrong_types(draw, now: datetime) -> Fuzz:
    topic = draw(_topic())
    base = draw(base_message(topic, now))
    document = json_format.MessageToDict(base)
    if draw(st.integers(0, 19)) == 0:  # the whole document is not an object
        value = draw(st.one_of(st.lists(st.integers(), max_size=4), st.text(max_size=10), st.integers(), st.none(),
                               st.booleans(), st.floats()))
        return Fuzz(topic, draw(_key()), _dumps(value), [("content-type", JSON)], "wrong_types", "dead", ("value",))
    leaf = draw(st.sampled_from(LEAVES[topic]))
    _set_json(document, leaf.json_path, draw(_wrong_value(kind_of(leaf))))
    fields = leaf.names + ((leaf.path[0], leaf.json_path[0]) if len(leaf.path) > 1 else ())
    return Fuzz(topic, draw(_key()), _dumps(document), [("content-type", JSON)], "wrong_types", "dead", fields)


_BAD_UTF8 = (b"\xff", b"\xfe\xff", b"\xc0\xaf", b"\xed\xa0\x80", b"\xe2\x82", b"\x80", b"\xc3\x28", b"\xf8\x88\x80\x80\x80",
             b"\xf4\x90\x80\x80")


@st.composite
def invalid_utf8(draw, now: datetime) -> Fuzz:
    topic = draw(_topic())
    base = draw(base_message(topic, now))
    bad = draw(st.one_of(st.sampled_from(_BAD_UTF8),
                         st.binary(min_size=1, max_size=8).filter(lambda raw: not _decodes(raw))))
    if draw(st.booleans()):  # protobuf-JSON with invalid bytes somewhere inside a string
        text = json_format.MessageToJson(base, indent=None).encode("utf-8")
        quotes = [index for index, byte in enumerate(text) if byte == ord('"')]
        at = quotes[draw(st.integers(0, len(quotes) - 1))] + 1
        value = text[:at] + bad + text[at:]
        return Fuzz(topic, draw(_key()), value, [("content-type", JSON)], "invalid_utf8", "dead", ("value",))
    # binary: a string field occurring once more, with bytes that are not UTF-8 (proto3 strings must be)
    target = draw(st.sampled_from(tuple(leaf for leaf in _leaves_of(topic, "string") if len(leaf.path) == 1))).field
    payload = _text(0, 10).map(lambda text: text.encode("utf-8"))
    raw = draw(payload) + bad + draw(payload)
    value = base.SerializeToString() + _tag(target.number, 2) + _varint(len(raw)) + raw
    return Fuzz(topic, draw(_key()), value, [("content-type", PROTOBUF)], "invalid_utf8", "dead", ("value",))


def _is_int_text(text: str) -> bool:
    """protobuf-JSON reads an enum given as "4" or " +4 " as its number: not an unknown name."""
    try:
        int(text)
        return True
    except ValueError:
        return False


def _decodes(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def _varint(number: int) -> bytes:
    out = bytearray()
    number &= (1 << 64) - 1
    while True:
        byte = number & 0x7F
        number >>= 7
        if number:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _tag(number: int, wire_type: int) -> bytes:
    return _varint((number << 3) | wire_type)


@st.composite
def deep_nesting(draw, now: datetime) -> Fuzz:
    topic = draw(_topic(0.8))
    depth = draw(st.one_of(st.just(10_000), st.integers(40, 20_000)))
    shape = draw(st.sampled_from(("array", "object", "in_field", "in_map", "binary_groups")))
    if shape == "binary_groups":  # protobuf groups nested depth deep, after a valid message
        depth = max(depth, 1000)  # shallow unknown groups are legal protobuf (forward compatibility)
        base = draw(base_message(topic, now)).SerializeToString()
        number = draw(st.integers(20, 200))
        value = base + _tag(number, 3) * depth + _tag(number, 4) * depth
        return Fuzz(topic, draw(_key()), value, [("content-type", PROTOBUF)], "deep_nesting", "dead", ("value",))
    if shape == "array":
        text = "[" * depth + "]" * depth
    elif shape == "object":
        text = '{"a":' * depth + "1" + "}" * depth
    else:
        base = json_format.MessageToDict(draw(base_message(topic, now)))
        leaf = draw(st.sampled_from(_top_level(topic)))
        marker = "__DEEP__"
        if shape == "in_map":
            _set_json(base, leaf.json_path, {"k": marker})
        else:
            _set_json(base, leaf.json_path, marker)
        inner = '{"x":' * depth + "0" + "}" * depth if draw(st.booleans()) else "[" * depth + "]" * depth
        text = json.dumps(base, ensure_ascii=False).replace(f'"{marker}"', inner)
    return Fuzz(topic, draw(_key()), text.encode("utf-8"), [("content-type", JSON)], "deep_nesting", "dead")


@functools.lru_cache(maxsize=None)
def _top_level(topic: str) -> tuple[Leaf, ...]:
    return tuple(leaf for leaf in LEAVES[topic] if len(leaf.path) == 1)


ENUM_TOPICS = st.sampled_from((SUBMITTED,) * 9 + tuple(topic for topic in OTHER_TOPICS if _leaves_of(topic, "enum")))


@st.composite
def unknown_enums(draw, now: datetime) -> Fuzz:
    topic = draw(ENUM_TOPICS)  # social mentions and explanations have no enum field
    base = draw(base_message(topic, now))
    leaf = draw(st.sampled_from(_leaves_of(topic, "enum")))
    enum = leaf.field.enum_type
    known_names, known_numbers = set(enum.values_by_name), set(enum.values_by_number)
    number = draw(st.integers(*INT32))
    if number in known_numbers:
        number = max(known_numbers) + 1 + abs(number)
    style = draw(st.sampled_from(("json_name", "json_near_miss", "json_number", "binary")))
    if style == "binary":
        setattr(_proto_parent(base, leaf.path), leaf.path[-1], number)
        value, headers = encode(base, False)
    else:
        document = json_format.MessageToDict(base)
        if style == "json_name":
            name = draw(_text(1, 30))
            if name in known_names or _is_int_text(name):
                name = f"{name}?"
        elif style == "json_near_miss":
            real = draw(st.sampled_from(tuple(sorted(known_names))))
            misses = (real.lower(), f" {real}", f"{real} ", real.replace("_", "-"), real + "_X",
                      real.removesuffix(real.rsplit("_", 1)[-1]) + "TELEPATHY")
            name = misses[draw(st.integers(0, len(misses) - 1))]
        else:
            name = number
        _set_json(document, leaf.json_path, name)
        value, headers = _dumps(document), [("content-type", JSON)]
    return Fuzz(topic, draw(_key()), value, headers, "unknown_enum", "dead", leaf.names)


@st.composite
def negative_tiers(draw, now: datetime) -> Fuzz:
    topic = draw(st.sampled_from((SUBMITTED,) * 4 + (topics.SOCIAL_MENTIONS, topics.SERVICE_RATINGS)))
    base = draw(base_message(topic, now))
    tier = draw(st.one_of(st.integers(INT32[0], -1), st.sampled_from((-1, -2, INT32[0]))))
    if topic == topics.SERVICE_RATINGS:  # the rating's score has the same kind of range (0-5)
        base.score, path, names = tier, ("score",), ("score",)
    else:
        base.customer.tier, path, names = tier, ("customer", "tier"), ("customer.tier",)
    if draw(st.booleans()):
        value, headers = encode(base, False)
    else:
        document = json_format.MessageToDict(base)
        written = draw(st.sampled_from((tier, str(tier))))  # a number, or the number as a string (valid JSON form)
        _set_json(document, path, written)
        value, headers = _dumps(document), [("content-type", JSON)]
    return Fuzz(topic, draw(_key()), value, headers, "negative_tier", "dead", names)


@st.composite
def unbounded_regions(draw, now: datetime) -> Fuzz:
    """A region the rules would group by that is too long or hides control characters."""
    topic = draw(st.sampled_from((SUBMITTED,) * 3 + (topics.SOCIAL_MENTIONS,)))
    base = draw(base_message(topic, now))
    region = draw(st.one_of(st.text(min_size=65, max_size=300),
                            st.builds(lambda a, c, b: a + c + b, st.text(max_size=10),
                                      st.sampled_from(("\u200b", "\n", "\t", "\x00", "\u2028", "\ufeff")),
                                      st.text(max_size=10))))
    if topic == SUBMITTED or draw(st.booleans()):
        base.customer.region, names = region, ("customer.region",)
    else:
        base.region, names = region, ("region",)
    value, headers = encode(base, draw(st.booleans()))
    return Fuzz(topic, draw(_key()), value, headers, "unbounded_region", "dead", names)


@st.composite
def bad_timestamps(draw, now: datetime) -> Fuzz:
    topic = draw(_topic(0.6))
    base = draw(base_message(topic, now))
    leaf = draw(st.sampled_from(_leaves_of(topic, "time")))
    future_ok = leaf.path[-1] in FUTURE_FIELDS
    # earliest instant that is too late for this field (two days' margin over the services' clock)
    too_late = now + (TEN_YEARS if future_ok else timedelta(days=1)) + timedelta(days=2)
    earliest_s = int(EARLIEST.timestamp())
    kind = draw(st.sampled_from(("past", "year_1", "future", "year_9999", "seconds_out_of_range", "nanos_out_of_range")))
    nanos = draw(st.integers(0, 999_999_999))
    if kind == "past":
        seconds = draw(st.integers(MIN_SECONDS, earliest_s - 1))
    elif kind == "year_1":
        seconds = MIN_SECONDS
    elif kind == "future":
        seconds = draw(st.integers(int(too_late.timestamp()), MAX_SECONDS))
    elif kind == "year_9999":
        seconds, nanos = MAX_SECONDS, 999_999_999
    elif kind == "seconds_out_of_range":
        seconds = draw(st.one_of(st.integers(-(2**63), MIN_SECONDS - 1), st.integers(MAX_SECONDS + 1, 2**63 - 1)))
    else:
        seconds = int(now.timestamp())
        nanos = draw(st.one_of(st.integers(INT32[0], -1), st.integers(1_000_000_000, INT32[1])))
    stamp = getattr(_proto_parent(base, leaf.path), leaf.path[-1])
    stamp.seconds, stamp.nanos = seconds, nanos
    representable = kind in ("past", "year_1", "future", "year_9999")
    if representable and draw(st.booleans()):  # the same instant as an RFC 3339 string in JSON
        document = json_format.MessageToDict(base)
        _set_json(document, leaf.json_path, stamp.ToJsonString())
        value, headers = _dumps(document), [("content-type", JSON)]
    else:
        value, headers = encode(base, False)
    return Fuzz(topic, draw(_key()), value, headers, "bad_timestamp", "dead", leaf.names)


@st.composite
def missing_required(draw, now: datetime) -> Fuzz:
    topic = draw(_topic(0.5))
    base = draw(base_message(topic, now))
    path = draw(st.sampled_from(REQUIRED[base.DESCRIPTOR.name])).split(".")
    parent = _proto_parent(base, tuple(path))
    item = parent.DESCRIPTOR.fields_by_name[path[-1]]
    if item.type == FieldDescriptor.TYPE_STRING and draw(st.booleans()):
        setattr(parent, path[-1], draw(st.text(alphabet=" \t\n\r\u3000\u00a0", max_size=5)))  # blank is missing
    else:
        parent.ClearField(path[-1])
    if len(path) > 1 and draw(st.booleans()):
        base.ClearField(path[0])  # no customer at all
    value, headers = encode(base, draw(st.booleans()))
    return Fuzz(topic, draw(_key()), value, headers, "missing_required", "dead", (".".join(path),))


@st.composite
def oversized(draw, now: datetime) -> Fuzz:
    topic = draw(_topic(0.6))
    base = draw(base_message(topic, now))
    headers_extra: list[tuple[str, bytes]] = []
    kind = draw(st.sampled_from(("id", "text", "map_entries", "map_value", "event_id")))
    strings = _leaves_of(topic, "string")
    ids = tuple(leaf for leaf in strings if leaf.path[-1] in ID_FIELDS)
    texts = tuple(leaf for leaf in strings if leaf.path[-1] not in ID_FIELDS)
    maps = _leaves_of(topic, "map")
    if kind == "map_entries" and not maps or kind == "map_value" and not maps:
        kind = "text"
    unit = draw(st.sampled_from(("x", "断", "😀", "ab")))
    if kind == "id":
        leaf = draw(st.sampled_from(ids))
        setattr(_proto_parent(base, leaf.path), leaf.path[-1], unit * draw(st.integers(201, 2000)))
        names = leaf.names
    elif kind == "text":
        leaf = draw(st.sampled_from(texts))
        setattr(_proto_parent(base, leaf.path), leaf.path[-1], unit * draw(st.integers(20_001, 30_000)))
        names = leaf.names
    elif kind == "map_entries":
        leaf = draw(st.sampled_from(maps))
        target = getattr(base, leaf.path[-1])
        for index in range(draw(st.integers(65, 300))):
            target[f"k{index}"] = "v"
        names = leaf.names
    elif kind == "map_value":
        leaf = draw(st.sampled_from(maps))
        getattr(base, leaf.path[-1])[draw(_text(1, 10))] = unit * draw(st.integers(1001, 5000))
        names = leaf.names
    else:
        headers_extra = [("event-id", (unit * draw(st.integers(201, 3000))).encode("utf-8"))]
        names = ("event-id",)
    value, headers = encode(base, draw(st.booleans()))
    return Fuzz(topic, draw(_key()), value, headers + headers_extra, "oversized", "dead", names)


@st.composite
def wrong_envelope(draw, now: datetime) -> Fuzz:
    """Tombstones, unsupported content types, JSON sent as protobuf and the other way round."""
    topic = draw(_topic(0.5))
    base = draw(base_message(topic, now))
    kind = draw(st.sampled_from(("tombstone", "content_type", "binary_as_json")))
    if kind == "tombstone":
        key = draw(_key()) or b"tombstone"  # a record needs a key or a value
        return Fuzz(topic, key, None, [], "wrong_envelope", "dead", ("value",))
    if kind == "content_type":
        content_type = draw(st.one_of(st.sampled_from((b"text/plain", b"application/xml", b"application/avro")),
                                      st.binary(min_size=1, max_size=30).filter(
                                          lambda raw: raw.decode("latin-1").split(";")[0].strip().lower() not in (
                                              "", "application/json", "application/x-protobuf", "application/protobuf",
                                              "application/octet-stream"))))
        value, _ = encode(base, draw(st.booleans()))
        return Fuzz(topic, draw(_key()), value, [("content-type", content_type)], "wrong_envelope", "dead",
                     ("content-type",))
    value, _ = encode(base, False)  # protobuf bytes labelled JSON
    return Fuzz(topic, draw(_key()), value, [("content-type", JSON)], "wrong_envelope", "dead", ("value",))


@st.composite
def nul_in_key(draw, now: datetime) -> Fuzz:
    """A NUL character in an attribute key: no document store takes it as a key name."""
    topic = draw(st.sampled_from((SUBMITTED, SUBMITTED, topics.SOCIAL_MENTIONS)))
    base = draw(base_message(topic, now))
    base.attributes[draw(_text(0, 8)) + "\x00" + draw(_text(0, 8))] = draw(_text(0, 20))
    value, headers = encode(base, draw(st.booleans()))
    return Fuzz(topic, draw(_key()), value, headers, "nul_in_key", "dead", ("attributes",))


@st.composite
def phone_in_reason(draw, now: datetime) -> Fuzz:
    """An unknown JSON field named by a phone number: the reason quotes it, and must mask it."""
    phone = draw(st.sampled_from(("13800138000", "15912345678", "18688889999", "020-87654321")))
    base = json_format.MessageToDict(draw(base_message(SUBMITTED, now)))
    base[phone] = draw(_text(0, 10))
    return Fuzz(SUBMITTED, draw(_key()), _dumps(base), [("content-type", JSON)], "phone_in_reason", "dead",
                phone=phone)
