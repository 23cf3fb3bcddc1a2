"""Per-channel normalisation for matching; the original text is always kept as well."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NON_DIGITS = re.compile(r"\D")
# Emoji, pictographs, dingbats, variation selectors and zero-width joiners are noise for matching.
_EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F\u200D\u20E3]")
_SPACE = re.compile(r"\s+")


def canonical_phone(raw: str) -> str:
    """Mainland numbers in one form: +86 then the national number without its trunk 0.

    "138 0013 8000", "+86-13800138000", "008613800138000" -> "+8613800138000";
    "020-12345678" and "+86 20 1234 5678" -> "+862012345678".
    """
    digits = _NON_DIGITS.sub("", raw or "")
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) >= 11 and not (len(digits) == 11 and digits.startswith("1")):
        digits = digits[2:]
    if digits.startswith("0"):
        digits = digits[1:]
    return f"+86{digits}" if len(digits) >= 9 else (f"+{digits}" if digits else "")


@lru_cache(maxsize=1)
def _converter():
    from opencc import OpenCC

    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _converter().convert(text)


def text_for_matching(text: str) -> str:
    """Simplified, NFKC-folded (full-width digits and letters), no emoji, no whitespace, lower case."""
    folded = unicodedata.normalize("NFKC", text or "")
    simplified = to_simplified(folded)
    return _SPACE.sub("", _EMOJI.sub("", simplified)).lower()
