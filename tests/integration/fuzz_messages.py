"""Generated inbound traffic for the fuzzing test: valid complaints mixed with every kind of bad input.

Every message knows, by construction, what must become of it:

* ``dead``: not a valid event of its topic; it must reach the dead-letter topic with its
  original bytes and a reason that names ``fields`` (any one of them), if given;
* ``case``: a valid ``ComplaintSubmitted``; it must produce ``CaseRegistered`` or
  ``SubmissionLinked`` for its submission id;
* ``duplicate``: a resend or redelivery of a valid complaint; it must be neither
  dead-lettered nor produce a second registration.

Generation is hypothesis, derandomized (``settings(derandomize=True)`` plus an explicit
``@seed`` for top-up rounds), so a failure reproduces exactly; only the run token in the ids
changes between runs, so events never collide with those of an earlier run on the same stack.

Decisions the contract leaves open, made explicit here (DESIGN.md s.5, validation.py):

* A far-future ``promised_reply_at`` / ``due_at`` is bad beyond ten years (``FUTURE_HORIZON``):
  "9999-12-31" is a sender's "never" sentinel, not a date. Up to ten years ahead is valid.
* ``received_at`` up to one day ahead is valid (clock skew; intake clamps it to now); earlier
  than 2000-01-01 or later than that is bad. Exactly 2000-01-01 is valid.
* Integers written as strings (``"tier": "2"``) and enum numbers (``"channel": 4``) are valid
  protobuf-JSON; a boolean, a fraction or a number beyond int32 for an enum is not (protobuf's
  parser used to coerce ``1.5``, ``true`` or ``2**40 + 4`` into a known value).
* A second message with the same (channel, submission_id), or the same bytes again, is a
  duplicate: not an error, and no second case.
* Attribute keys may hold any text but NUL, which no document store takes in a key name
  (dispatch and verification crashed storing it while intake had registered the case).
"""

from __future__ import annotations

import functools
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from google.protobuf import json_format
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from complaints.v1 import common_pb2, inbound_pb2
from complaint_platform import topics

JSON = b"application/json"
PROTOBUF = b"application/x-protobuf"
SUBMITTED = topics.COMPLAINTS_SUBMITTED
OTHER_TOPICS = tuple(topic for topic in topics.INBOUND_TOPICS if topic != SUBMITTED)
MESSAGE = {topic: getattr(inbound_pb2, name) for topic, name in topics.INBOUND_MESSAGE.items()}
# The contract's required fields, written out here rather than imported, so a change to
# validation.REQUIRED has to be a deliberate change of this test too.
REQUIRED = {
    "ComplaintSubmitted": ("submission_id", "channel", "customer.id", "summary"),
    "SocialMention": ("mention_id", "text"),
    "WorkOrderFeedback": ("feedback_id", "case_id", "kind"),
    "ServiceRating": ("rating_id", "case_id", "result"),
    "AgentExplanation": ("explanation_id", "case_id", "text"),
    "CallbackResult": ("callback_id", "case_id", "outcome"),
    "CapaReport": ("report_id", "kind"),
}
ID_FIELDS = {"submission_id", "case_id", "mention_id", "feedback_id", "work_order_id", "rating_id",
             "explanation_id", "callback_id", "report_id", "action_id", "id"}
FUTURE_FIELDS = {"promised_reply_at", "due_at"}
MIN_SECONDS, MAX_SECONDS = -62_135_596_800, 253_402_300_799  # 0001-01-01 .. 9999-12-31T23:59:59
EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)
INT32 = (-(2**31), 2**31 - 1)
TEN_YEARS = timedelta(days=3653)
PHONES = ("13800138000", "+86 139 1234 5678", "020-87654321", "15912345678")

CHANNELS = tuple(value for value in common_pb2.Channel.values() if value)
REGIONS = ("guangzhou", "shenzhen", "foshan", "dongguan", "zhuhai")
SUMMARIES = ("家里手机信号差，经常打不通电话", "宽带断网两天了，报修后一直没人上门", "这个月话费乱扣费，多扣了五十元",
             "营业厅工作人员态度恶劣", "network down again", "網絡信號很差")


@dataclass
class Fuzz:
    topic: str
    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, bytes]]
    category: str
    expect: str                                # "dead", "case" or "duplicate"
    fields: tuple[str, ...] = ()               # a dead letter's reason must name one of these
    submission_id: str = ""                    # case / duplicate: the submission it is about
    phone: str = ""                            # a phone number that must not appear unmasked in the reason
    coordinates: tuple[str, int, int] | None = field(default=None, compare=False)  # set once published


# -- hypothesis plumbing -------------------------------------------------------------------
def collect(strategy: st.SearchStrategy, count: int, label: str, per_example: int = 25) -> list:
    """``count`` values drawn by hypothesis, deterministically (derandomized, then seeded top-ups).

    Each hypothesis example draws ``per_example`` values: its per-example bookkeeping costs more
    than drawing one message, and 10,000 examples would take most of a minute on 2 cores."""
    found: list = []
    rounds = 0
    batch = st.lists(strategy, min_size=per_example, max_size=per_example)
    while len(found) < count:
        wanted = -(-(count - len(found)) // per_example)
        common = dict(max_examples=wanted, database=None, deadline=None, phases=[Phase.generate],
                      suppress_health_check=list(HealthCheck), print_blob=False)

        def draw(values):
            found.extend(values[:count - len(found)])

        draw.__name__ = f"fuzz_{label}_{rounds}"  # derandomize seeds from the function's identity
        if rounds == 0:
            runner = settings(derandomize=True, **common)(given(batch)(draw))
        else:  # the first round ran short (hypothesis saw the space exhausted): seeded top-up rounds
            runner = seed(1000 + rounds)(settings(derandomize=False, **common)(given(batch)(draw)))
        runner()
        rounds += 1
        if rounds > 20:
            raise RuntimeError(f"hypothesis produced only {len(found)} of {count} {label} messages")
    return found


@functools.lru_cache(maxsize=None)
def _text(min_size: int = 0, max_size: int = 40) -> st.SearchStrategy[str]:
    return st.text(min_size=min_size, max_size=max_size)  # any code point except surrogates, NUL included


@functools.lru_cache(maxsize=None)
def _nonblank(prefixes: tuple[str, ...], max_size: int = 40) -> st.SearchStrategy[str]:
    return st.builds(lambda prefix, rest: prefix + rest, st.sampled_from(prefixes), _text(0, max_size))


def _stamp(moment: datetime, message) -> None:
    message.FromDatetime(moment)


# -- valid complaints --------------------------------------------------------------------------
@dataclass
class ValidSpec:
    complaint: inbound_pb2.ComplaintSubmitted
    as_json: bool
    with_event_id: bool
    event_id_suffix: str


def valid_complaints(now: datetime) -> st.SearchStrategy[ValidSpec]:
    keys = _text(0, 30).map(lambda key: key.replace("\x00", ""))  # NUL in a key is bad (nul_in_key)
    attributes = st.dictionaries(keys, _text(0, 100), max_size=8)
    summary = _weighted(
        (39, _nonblank(SUMMARIES, 300)),
        (1, st.builds(lambda base, n: (base * (20_000 // len(base) + 1))[:n],  # at the 20,000-character limit
                      st.sampled_from(SUMMARIES), st.integers(19_990, 20_000))))
    received = _weighted(
        (4, st.none()),
        (12, st.integers(0, 7 * 24 * 3600).map(lambda back: now - timedelta(seconds=back))),
        (3, st.integers(0, 20 * 3600).map(lambda ahead: now + timedelta(seconds=ahead))),  # skew: clamped, valid
        (1, st.just(EARLIEST)),                                                           # the earliest valid time
    )
    promised = _weighted((3, st.none()), (1, st.integers(0, 3650 * 24).map(lambda hours: now + timedelta(hours=hours))))

    @st.composite
    def build(draw) -> ValidSpec:
        complaint = inbound_pb2.ComplaintSubmitted(
            submission_id="(set later)",
            channel=draw(st.sampled_from(CHANNELS)),
            customer=common_pb2.Customer(
                id="(set later)", phone=draw(st.one_of(st.sampled_from(PHONES), _text(0, 20))),
                name=draw(_text(0, 20)), tier=draw(st.integers(0, 3)),
                region=draw(st.one_of(st.sampled_from(REGIONS), _text(0, 30)))),
            category=draw(st.one_of(st.just(""), _text(0, 30))),
            summary=draw(summary),
            first_contact=draw(st.one_of(st.just(""), st.sampled_from(("agent-1001", "agent-2002")), _text(0, 40))),
            attributes=draw(attributes),
        )
        when = draw(received)
        if when is not None:
            _stamp(when, complaint.received_at)
        promise = draw(promised)
        if promise is not None:
            _stamp(promise, complaint.promised_reply_at)
        return ValidSpec(complaint, draw(st.booleans()), draw(st.booleans()), draw(_text(0, 30)))

    return build()


def encode(message: Message, as_json: bool) -> tuple[bytes, list[tuple[str, bytes]]]:
    if as_json:
        return json_format.MessageToJson(message, indent=None).encode("utf-8"), [("content-type", JSON)]
    return message.SerializeToString(), [("content-type", PROTOBUF)]


# -- valid bases of every inbound message (mutated into bad ones) ---------------------------
@functools.lru_cache(maxsize=None)  # strategies are built once: building them per draw costs more than drawing
def base_message(topic: str, now: datetime) -> st.SearchStrategy[Message]:
    """A valid event of the topic's type (before any mutation), with drawn ids and texts."""
    ident = st.builds(lambda prefix, rest: f"{prefix}-{rest}", st.sampled_from(("FZ", "X", "K")),
                      st.text(alphabet="0123456789abcdef", min_size=1, max_size=12))
    words = _nonblank(SUMMARIES, 60)
    moment = st.integers(0, 3 * 24 * 3600).map(lambda back: now - timedelta(seconds=back))

    @st.composite
    def build(draw) -> Message:
        cls = MESSAGE[topic]
        name = cls.DESCRIPTOR.name
        if name == "ComplaintSubmitted":
            message = cls(submission_id=draw(ident), channel=draw(st.sampled_from(CHANNELS)), summary=draw(words),
                          customer=common_pb2.Customer(id=draw(ident), phone=draw(st.sampled_from(PHONES)),
                                                       tier=draw(st.integers(0, 3)), region="guangzhou"),
                          attributes={"cell_id": "CELL-0001"})
            _stamp(draw(moment), message.received_at)
        elif name == "SocialMention":
            message = cls(mention_id=draw(ident), platform="weibo", author=draw(_text(0, 10)), text=draw(words),
                          customer=common_pb2.Customer(id=draw(ident), tier=draw(st.integers(0, 3))))
            _stamp(draw(moment), message.posted_at)
        elif name == "WorkOrderFeedback":
            message = cls(feedback_id=draw(ident), case_id=draw(ident), work_order_id=draw(ident),
                          kind=draw(st.integers(1, 5)), department="network", text=draw(words),
                          company_at_fault=draw(st.integers(0, 3)))
            _stamp(draw(moment), message.reported_at)
        elif name == "ServiceRating":
            message = cls(rating_id=draw(ident), case_id=draw(ident), agent_id="agent-1001",
                          result=draw(st.integers(1, 2)), score=draw(st.integers(0, 5)), comment=draw(words))
            _stamp(draw(moment), message.rated_at)
        elif name == "AgentExplanation":
            message = cls(explanation_id=draw(ident), case_id=draw(ident), rating_id=draw(ident), text=draw(words))
            _stamp(draw(moment), message.explained_at)
        elif name == "CallbackResult":
            message = cls(callback_id=draw(ident), case_id=draw(ident), outcome=draw(st.integers(1, 3)),
                          reason=draw(words))
            _stamp(draw(moment), message.called_at)
        else:
            message = cls(report_id=draw(ident), case_id=draw(ident), kind=draw(st.integers(1, 5)),
                          root_cause_class="cell_capacity",
                          action=inbound_pb2.CapaAction(action_id=draw(ident), description=draw(words)))
            _stamp(draw(moment), message.reported_at)
            _stamp(draw(moment) + timedelta(days=30), message.action.due_at)
        return message

    return build()


@dataclass(frozen=True)
class Leaf:
    path: tuple[str, ...]          # proto field names from the top message
    json_path: tuple[str, ...]     # the same in protobuf-JSON names
    field: FieldDescriptor

    @property
    def name(self) -> str:
        return ".".join(self.path)

    @property
    def names(self) -> tuple[str, ...]:
        """How a reason may name the field: proto path, leaf name, or its JSON name."""
        return (self.name, self.path[-1], self.json_path[-1])


def leaves(descriptor, prefix: tuple[str, ...] = (), json_prefix: tuple[str, ...] = ()) -> list[Leaf]:
    found = []
    for item in descriptor.fields:
        path, json_path = prefix + (item.name,), json_prefix + (item.json_name,)
        found.append(Leaf(path, json_path, item))
        if (item.type == FieldDescriptor.TYPE_MESSAGE and not item.message_type.GetOptions().map_entry
                and not item.message_type.full_name.startswith("google.protobuf.")):
            found.extend(leaves(item.message_type, path, json_path))
    return found


def kind_of(leaf: Leaf) -> str:
    item = leaf.field
    if item.type == FieldDescriptor.TYPE_MESSAGE:
        if item.message_type.GetOptions().map_entry:
            return "map"
        return "time" if item.message_type.full_name == "google.protobuf.Timestamp" else "message"
    return {FieldDescriptor.TYPE_STRING: "string", FieldDescriptor.TYPE_ENUM: "enum",
            FieldDescriptor.TYPE_INT32: "int"}[item.type]


# tuples, not lists: hypothesis caches strategies built from hashable arguments (sampled_from(...))
LEAVES = {topic: tuple(leaves(cls.DESCRIPTOR)) for topic, cls in MESSAGE.items()}


@functools.lru_cache(maxsize=None)
def _leaves_of(topic: str, *kinds: str) -> tuple[Leaf, ...]:
    return tuple(leaf for leaf in LEAVES[topic] if kind_of(leaf) in kinds)


def _set_json(document: dict, json_path: tuple[str, ...], value) -> None:
    node = document
    for part in json_path[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    node[json_path[-1]] = value


def _proto_parent(message: Message, path: tuple[str, ...]) -> Message:
    node = message
    for part in path[:-1]:
        node = getattr(node, part)
    return node


def _dumps(document) -> bytes:
    return json.dumps(document, ensure_ascii=False, allow_nan=True).encode("utf-8", "surrogatepass")


# -- bad messages ---------------------------------------------------------------------------
@functools.lru_cache(maxsize=None)
def _topic(share_submitted: float = 0.7) -> st.SearchStrategy[str]:
    """Mostly complaints.submitted.v1 (``share_submitted``), the rest spread over the other six."""
    copies = round(len(OTHER_TOPICS) * share_submitted / (1 - share_submitted))
    return st.sampled_from((SUBMITTED,) * copies + OTHER_TOPICS)


def _weighted(*choices: tuple[int, st.SearchStrategy]) -> st.SearchStrategy:
    """one_of with weights: hypothesis' own one_of gives each branch about the same share."""
    table = [strategy for weight, strategy in choices for _ in range(weight)]
    return st.integers(0, len(table) - 1).flatmap(lambda index: table[index])


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


def huge_messages(now: datetime, token: str) -> list[Fuzz]:
    """A handful of ~1 MB messages: more than a default 1 MiB Kafka request once dead-lettered."""
    size = 1_100_000
    big_cn = "断网投诉" * (size // 12 + 1)      # 3 bytes per character in UTF-8
    big_ascii = "network down " * (size // 13 + 1)
    complaint = inbound_pb2.ComplaintSubmitted(submission_id=f"FZ-BIG-{token}-1", channel=common_pb2.CHANNEL_HOTLINE,
                                               customer=common_pb2.Customer(id="FZ-BIG", tier=2), summary=big_cn[:size // 3])
    as_json = inbound_pb2.ComplaintSubmitted()
    as_json.CopyFrom(complaint)
    as_json.submission_id, as_json.summary = f"FZ-BIG-{token}-2", big_ascii[:size]
    mention = inbound_pb2.SocialMention(mention_id=f"M-BIG-{token}", platform="weibo", text=big_cn[:size // 3])
    unknown_name = json.dumps({"submissionId": f"FZ-BIG-{token}-3", "x" * size: 1}).encode()
    rnd = random.Random(8)
    feedback = inbound_pb2.WorkOrderFeedback(feedback_id=f"F-BIG-{token}", case_id="K-1", kind=1)
    return [
        Fuzz(SUBMITTED, b"FZ-BIG", complaint.SerializeToString(), [("content-type", PROTOBUF)], "huge_1mb", "dead",
             ("summary",)),
        Fuzz(SUBMITTED, b"FZ-BIG", json_format.MessageToJson(as_json, indent=None).encode(), [("content-type", JSON)],
             "huge_1mb", "dead", ("summary",)),
        Fuzz(topics.SOCIAL_MENTIONS, b"FZ-BIG", mention.SerializeToString(), [("content-type", PROTOBUF)], "huge_1mb",
             "dead", ("text",)),
        Fuzz(SUBMITTED, b"FZ-BIG", unknown_name, [("content-type", JSON)], "huge_1mb", "dead"),
        Fuzz(topics.CAPA_REPORTS, b"FZ-BIG", rnd.randbytes(size), [], "huge_1mb", "dead", ("value",)),
        Fuzz(topics.WORKORDER_FEEDBACK, b"x" * size, feedback.SerializeToString(),
             [("content-type", b"text/" + b"x" * size)], "huge_1mb", "dead", ("content-type",)),
    ]


# -- the whole mix ----------------------------------------------------------------------------
BAD_MIX: dict[str, tuple[int, Callable[[datetime], st.SearchStrategy[Fuzz]]]] = {
    "random_bytes": (2100, random_bytes),
    "wrong_types": (2110, wrong_types),
    "invalid_utf8": (900, invalid_utf8),
    "deep_nesting": (60, deep_nesting),
    "unknown_enum": (1100, unknown_enums),
    "negative_tier": (800, negative_tiers),
    "bad_timestamp": (1200, bad_timestamps),
    "missing_required": (700, missing_required),
    "oversized": (300, oversized),
    "wrong_envelope": (200, wrong_envelope),
    "phone_in_reason": (24, phone_in_reason),
    "nul_in_key": (40, nul_in_key),
}
VALID = 320
DUPLICATES = 140  # total 320 + 140 + 6 huge + sum(BAD_MIX) = 10,000


def build_messages(now: datetime, token: str) -> list[Fuzz]:
    """Every message, bad ones shuffled among the valid ones; duplicates at the end (after their originals)."""
    messages: list[Fuzz] = []
    specs = collect(valid_complaints(now), VALID, "valid")
    valid: list[tuple[Fuzz, inbound_pb2.ComplaintSubmitted, ValidSpec]] = []
    for index, spec in enumerate(specs):
        complaint = spec.complaint
        complaint.submission_id = f"FZ-{token}-{index:04d}"
        complaint.customer.id = f"FZC-{token}-{index % 200:03d}"  # some customers complain twice: a merge, or not
        value, headers = encode(complaint, spec.as_json)
        if spec.with_event_id:
            headers.append(("event-id", f"EV-{token}-{index}-{spec.event_id_suffix}".encode("utf-8")))
        item = Fuzz(SUBMITTED, complaint.customer.id.encode(), value, headers, "valid", "case",
                    submission_id=complaint.submission_id)
        valid.append((item, complaint, spec))
        messages.append(item)
    for label, (count, strategy) in BAD_MIX.items():
        messages.extend(collect(strategy(now), count, label))
    messages.extend(huge_messages(now, token))
    random.Random(20).shuffle(messages)  # valid neighbours between bad ones, on every partition
    messages.extend(duplicates(valid, DUPLICATES, now))
    return messages


def duplicates(valid, count: int, now: datetime) -> list[Fuzz]:
    """Redeliveries (same bytes), the same event re-encoded, and resends of the same submission."""
    out = []
    rnd = random.Random(21)
    for index, (original, complaint, spec) in enumerate(rnd.sample(valid, count)):
        kind = ("redelivery", "reencoded", "resend")[index % 3]
        if kind == "redelivery":
            value, headers = original.value, list(original.headers)
        elif kind == "reencoded":  # same event, other encoding, same event-id header if it had one
            value, headers = encode(complaint, not spec.as_json)
            headers += [header for header in original.headers if header[0] == "event-id"]
        else:  # the channel sends the same submission again, reworded, later, under a new event id
            resend = inbound_pb2.ComplaintSubmitted()
            resend.CopyFrom(complaint)
            resend.summary = f"{complaint.summary[:200]} (再次投诉 {index})"
            _stamp(now, resend.received_at)
            value, headers = encode(resend, rnd.random() < 0.5)
            headers.append(("event-id", f"EV-resend-{complaint.submission_id}".encode()))
        out.append(Fuzz(SUBMITTED, original.key, value, headers, f"duplicate_{kind}", "duplicate",
                        submission_id=complaint.submission_id))
    return out
