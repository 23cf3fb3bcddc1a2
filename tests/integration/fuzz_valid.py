"""Valid fuzz messages and their parts: the contract's limits, ``Fuzz``, hypothesis plumbing, valid bases, field leaves.

Valid complaints (``valid_complaints``) and a valid base of every inbound message (``base_message``),
which ``fuzz_bad`` mutates into bad ones, walking their fields (``Leaf``). The decisions these
limits encode are listed in ``fuzz_messages``.
"""

from __future__ import annotations

import functools
import json
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
    # and customer.id or customer.phone (validation.REQUIRED_ONE_OF; issue 16: phone-only complaints)
    "ComplaintSubmitted": ("submission_id", "channel", "summary"),
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


def _printable(min_size: int = 0, max_size: int = 40) -> st.SearchStrategy[str]:
    """Any printable text (what a region may hold: no control or invisible characters)."""
    return st.text(st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs")) | st.just(" "),
                   min_size=min_size, max_size=max_size)


@functools.lru_cache(maxsize=None)
def _nonblank(prefixes: tuple[str, ...], max_size: int = 40) -> st.SearchStrategy[str]:
    return st.builds(lambda prefix, rest: prefix + rest, st.sampled_from(prefixes), _text(0, max_size))


def _weighted(*choices: tuple[int, st.SearchStrategy]) -> st.SearchStrategy:
    """one_of with weights: hypothesis' own one_of gives each branch about the same share."""
    table = [strategy for weight, strategy in choices for _ in range(weight)]
    return st.integers(0, len(table) - 1).flatmap(lambda index: table[index])


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
                region=draw(st.one_of(st.sampled_from(REGIONS), _printable(0, 30)))),
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
            FieldDescriptor.TYPE_INT32: "int", FieldDescriptor.TYPE_BOOL: "bool"}[item.type]


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
