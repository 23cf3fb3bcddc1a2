"""The customer's own status request (IVR, web, app self-service): what they may see of their case.

Only the case's status, the desk that answers for it (never a person), the promised reply time and
the last step. The phone given must be the case's: a wrong phone gets the same "no such case" as an
unknown case number, so the lookup cannot be used to learn which case numbers exist.
"""

from __future__ import annotations

import hmac
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from .case import DispatchCase
from .policy import DispatchPolicy
from .routing import default_owner

STATUS_TEXT = {"ASSIGNED": "已受理", "DISPATCHED": "处理中", "REOPENED": "重新处理中", "RESOLVED": "已答复，待回访",
               "CLOSED": "已办结"}
_NON_DIGITS = re.compile(r"[^0-9]")


@dataclass(frozen=True)
class CustomerView:
    case_id: str
    status: str
    status_text: str
    desk: str
    promised_reply_at: datetime | None
    last_step: str
    last_step_at: datetime | None


def national_number(phone: str) -> str:
    """The digits that name one line whatever the notation: "+86 138-0013-8000", "008613800138000"
    and "13800138000" agree, as do "020-12345678" and "+86 20 1234 5678"."""
    digits = _NON_DIGITS.sub("", unicodedata.normalize("NFKC", phone or ""))  # full-width digits too
    digits = digits[2:] if digits.startswith("00") else digits
    if digits.startswith("86") and len(digits) > 11:
        digits = digits[2:]
    return digits.lstrip("0")


def same_phone(stored: str, given: str) -> bool:
    stored_number, given_number = national_number(stored), national_number(given)
    # compared in constant time: how long a refusal takes tells nothing about the number
    return len(given_number) >= 7 and hmac.compare_digest(stored_number.encode(), given_number.encode())


def customer_view(case: DispatchCase, phone: str, policy: DispatchPolicy) -> CustomerView | None:
    """None when the phone is not the case's (or the case has no customer: a proxy case)."""
    if case.is_proxy or not same_phone(case.phone, phone):
        return None
    return CustomerView(case.case_id, case.status, STATUS_TEXT.get(case.status, "处理中"),
                        default_owner(policy, case.channel, case.region),
                        case.promised_reply_at or case.reply_due_at, case.last_step, case.last_step_at)
