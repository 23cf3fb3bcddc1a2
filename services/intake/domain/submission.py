"""A complaint as received on one channel, and its normalised form for the rules."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Protocol

from .errors import InvalidSubmission, InvalidTier
from .ids import case_id_for, submission_key, submission_uuid
from .normalise import canonical_phone, text_for_matching
from .policy import IntakePolicy
from .vocabulary import TIERS, Channel

# Looks a customer's service tier up in the customer system; None when unknown.
CustomerDirectory = Callable[[str], int | None]


class CustomerSource(str, Enum):
    EVENT = "event"                        # the sender named the customer id
    DIRECTORY_PHONE = "directory_phone"    # only a phone, which the customer directory lists
    PHONE = "phone"                        # only a phone the directory does not know: "phone:<number>"


class Identity(Protocol):
    """The customer directory as intake's rules ask it (domain.identity.CustomerDirectory)."""

    def customer_for(self, phone: str) -> str | None: ...
    def tier(self, customer_id: str) -> int | None: ...
    def region(self, customer_id: str) -> str: ...


class TierSource(str, Enum):
    EVENT = "event"
    DIRECTORY = "directory"
    POLICY_DEFAULT = "policy_default"


@dataclass(frozen=True)
class RawSubmission:
    """What the sending system said, field for field (the inbound contract, minus protobuf)."""

    submission_id: str
    channel: str | Channel
    customer_id: str = ""
    phone: str = ""
    tier: int | None = None          # 0 or None: unknown
    region: str = ""
    category: str = ""               # empty: classify from the text
    summary: str = ""
    received_at: datetime | None = None
    first_contact: str = ""
    attributes: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Submission:
    """Normalised: canonical phone, Simplified matching text, resolved tier; the original text kept."""

    submission_id: str
    channel: Channel
    customer_key: str                # the customer id, else "phone:<canonical phone>"
    customer_id: str
    phone: str
    tier: int
    tier_source: TierSource
    region: str
    explicit_category: str
    summary: str
    matching_text: str
    received_at: datetime
    first_contact: str
    attributes: Mapping[str, str] = field(default_factory=dict)
    customer_source: CustomerSource = CustomerSource.EVENT

    @property
    def key(self) -> str:
        return submission_key(self.channel.value, self.submission_id)

    @property
    def uuid(self) -> str:
        return submission_uuid(self.channel.value, self.submission_id)

    @property
    def own_case_id(self) -> str:
        return case_id_for(self.channel.value, self.submission_id)


def resolve_tier(event_tier: int | None, customer_id: str, directory: CustomerDirectory | None,
                 policy: IntakePolicy) -> tuple[int, TierSource]:
    """The event's tier, else the customer directory's, else the policy default."""
    if event_tier:
        if event_tier not in TIERS:
            raise InvalidTier(f"tier {event_tier!r} is not one of 1, 2, 3 (0 means unknown)")
        return event_tier, TierSource.EVENT
    found = directory(customer_id) if directory is not None and customer_id else None
    if found in TIERS:  # a directory glitch must not stop the complaint: fall through to the default
        return int(found), TierSource.DIRECTORY  # type: ignore[arg-type]
    return policy.default_tier, TierSource.POLICY_DEFAULT


def priority_for(tier: int, policy: IntakePolicy) -> int:
    return policy.priority_by_tier[tier]


def normalise(raw: RawSubmission, policy: IntakePolicy, now: datetime,
              directory: CustomerDirectory | None = None, identity: Identity | None = None) -> Submission:
    """Validate and normalise; a missing receive time is ``now``, one ahead of ``now`` is clamped to it.
    ``identity`` (the customer directory in memory) resolves a phone-only submission to its customer
    and gives tier and region where the event does not."""
    _require_aware(now, "now")
    if not (raw.submission_id or "").strip():
        raise InvalidSubmission("submission_id is empty")
    channel = Channel.parse(raw.channel)
    phone = canonical_phone(raw.phone)
    customer_id = (raw.customer_id or "").strip()
    source = CustomerSource.EVENT if customer_id else CustomerSource.PHONE
    if not customer_id and identity is not None:
        found = identity.customer_for(phone)
        if found:
            customer_id, source = found, CustomerSource.DIRECTORY_PHONE
    if directory is None and identity is not None:
        directory = identity.tier
    customer_key = customer_id or (f"phone:{phone}" if phone else "")
    if not customer_key:
        raise InvalidSubmission(f"submission {raw.submission_id!r} names no customer (no id, no usable phone)")
    received_at = raw.received_at or now
    _require_aware(received_at, "received_at")
    tier, tier_source = resolve_tier(raw.tier, customer_id, directory, policy)
    region = (raw.region or "").strip() or (identity.region(customer_id) if identity and customer_id else "")
    return Submission(
        submission_id=raw.submission_id.strip(), channel=channel, customer_key=customer_key,
        customer_id=customer_id, phone=phone, tier=tier, tier_source=tier_source, region=region,
        explicit_category=(raw.category or "").strip(), summary=raw.summary or "",
        matching_text=text_for_matching(raw.summary or "", channel), received_at=min(received_at, now),
        first_contact=raw.first_contact or "", attributes=dict(raw.attributes or {}), customer_source=source,
    )


def _require_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidSubmission(f"{name} must be timezone-aware (UTC), got naive {moment.isoformat()}")
