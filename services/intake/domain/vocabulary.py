"""The intake's words: channels, categories, severities."""

from __future__ import annotations

from enum import Enum, IntEnum

from .errors import InvalidSubmission


class Channel(str, Enum):
    HOTLINE = "HOTLINE"
    ONLINE_HALL = "ONLINE_HALL"
    MOBILE_APP = "MOBILE_APP"
    SMS = "SMS"
    WECHAT = "WECHAT"
    WEIBO = "WEIBO"
    KIOSK = "KIOSK"
    STORE = "STORE"
    REGULATOR = "REGULATOR"
    EMAIL = "EMAIL"
    ONLINE_CHAT = "ONLINE_CHAT"
    PROXY = "PROXY"

    @classmethod
    def parse(cls, value: str | Channel) -> Channel:
        """Accepts ``HOTLINE``, ``hotline`` and the protobuf spelling ``CHANNEL_HOTLINE``."""
        if isinstance(value, Channel):
            return value
        name = str(value or "").strip().upper().removeprefix("CHANNEL_")
        try:
            return cls(name)
        except ValueError:
            raise InvalidSubmission(f"unknown channel {value!r}") from None


CHANNELS: tuple[str, ...] = tuple(channel.value for channel in Channel)


class Severity(IntEnum):
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4


OTHER = "other"
CATEGORIES: tuple[str, ...] = (
    "network_signal", "broadband_outage", "billing_dispute", "value_added_charges", "service_attitude",
    "installation_repair_delay", "number_plan_change", "porting", OTHER,
    # issue 16: a landline fault is not a broadband outage, slow mobile data is not weak signal, and a
    # phone with no service at all (unregistered, wrongly barred) is neither
    "fixed_line_fault", "mobile_data_speed", "no_service",
)
# Faults of the network itself: many reports of these point at one outage.
FAULT_CATEGORIES: tuple[str, ...] = ("network_signal", "broadband_outage", "fixed_line_fault", "mobile_data_speed",
                                      "no_service")
TIERS: tuple[int, ...] = (1, 2, 3)
