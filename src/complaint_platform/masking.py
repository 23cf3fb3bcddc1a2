"""Masking personal data (phone numbers, names) before it reaches logs and traces."""

from __future__ import annotations

import re

# Mainland mobiles (1xx xxxx xxxx) and landlines with area code, with optional +86.
_PHONE = re.compile(r"(?<!\d)(?:\+?86[-\s]?)?(?:1[3-9]\d[-\s]?\d{4}[-\s]?\d{4}|0\d{2,3}[-\s]?\d{7,8})(?!\d)")
_NAME_KEYS = {"name", "customer_name", "author"}
_PHONE_KEYS = {"phone", "customer_phone", "msisdn"}


def mask_phone(phone: str) -> str:
    """Keep the first three and last two digits so operators can still tell numbers apart."""
    digits = re.sub(r"\D", "", phone)
    if len(digits) < 6:
        return "*" * len(digits)
    return f"{digits[:3]}{'*' * (len(digits) - 5)}{digits[-2:]}"


def mask_name(name: str) -> str:
    """Keep the first character (a surname in Chinese names)."""
    name = name.strip()
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


def mask_text(text: str) -> str:
    """Mask every phone number that appears inside free text."""
    return _PHONE.sub(lambda match: mask_phone(match.group(0)), text)


def mask_fields(values: dict) -> dict:
    """Mask a flat or nested dict of log fields by key, and free text by pattern."""
    masked: dict = {}
    for key, value in values.items():
        if isinstance(value, dict):
            masked[key] = mask_fields(value)
        elif isinstance(value, str) and key in _PHONE_KEYS:
            masked[key] = mask_phone(value)
        elif isinstance(value, str) and key in _NAME_KEYS:
            masked[key] = mask_name(value)
        elif isinstance(value, str):
            masked[key] = mask_text(value)
        else:
            masked[key] = value
    return masked
