"""Per-channel normalisation for matching; the original text is always kept as well."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .vocabulary import Channel

_NON_DIGITS = re.compile(r"[^0-9]")
# Emoji, pictographs, dingbats, variation selectors, keycaps and zero-width characters are noise.
_EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0E\uFE0F\u200B-\u200D\u20E3\u2060]")
_SPACE = re.compile(r"\s+")
_URL = re.compile(r"https?://\S+")
# e-mail quotes of earlier mails; horizontal space only before ">": ``\s*`` also crossed line
# ends, so every blank line rescanned all that followed (20,000 blank lines took 3 s)
_QUOTED_LINE = re.compile(r"^[ \t]*>.*$", re.MULTILINE)
_EMAIL_SIGNATURE = re.compile(r"\n-- ?\n.*", re.DOTALL)
_SOCIAL_CHANNELS = (Channel.WEIBO, Channel.WECHAT)
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0[1-9]\d{8,10}$")                      # trunk 0, area code, local number


def canonical_phone(raw: str | None) -> str:
    """Mainland numbers as +86 and the national number without its trunk 0; "" when unusable.

    "138 0013 8000", "+86-138-0013-8000", "008613800138000" -> "+8613800138000";
    "020-12345678", "(020) 1234 5678", "+86 20 1234 5678" -> "+862012345678";
    other international numbers keep their digits: "+852 9123 4567" -> "+85291234567".
    """
    text = unicodedata.normalize("NFKC", raw or "").strip()  # full-width digits from phone keyboards
    digits = _NON_DIGITS.sub("", text)
    international = text.startswith("+") or digits.startswith("00")
    digits = digits[2:] if digits.startswith("00") else digits
    if international and not digits.startswith("86"):
        return f"+{digits}" if 7 <= len(digits) <= 15 else ""
    if international or (digits.startswith("86") and len(digits) > 11):
        digits = digits[2:]
        if digits and not digits.startswith("0") and not _MOBILE.match(digits):
            digits = "0" + digits  # after +86 the trunk 0 of a landline is left out (+86 10 ... is Beijing)
    if _MOBILE.match(digits):
        return f"+86{digits}"
    if _LANDLINE.match(digits):
        return f"+86{digits[1:]}"
    return ""


@lru_cache(maxsize=1)
def _converter():  # type: ignore[no-untyped-def]
    from opencc import OpenCC

    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _converter().convert(text)


def clean_for_channel(channel: Channel, text: str) -> str:
    """Strip what a channel adds around the customer's words (quotes, signatures, links, markers)."""
    text = text or ""
    if channel is Channel.EMAIL:
        text = _EMAIL_SIGNATURE.sub("", _QUOTED_LINE.sub("", text))
    if channel is Channel.SMS:
        text = _without_sender_tags(text.strip())
    if channel in _SOCIAL_CHANNELS:
        # "@联通客服" names the brand, so handles keep their words; only the markers go
        text = _URL.sub(" ", text).replace("#", " ").replace("@", " ")
    return text


def _without_sender_tags(text: str) -> str:
    """An SMS without its 【联通】 sender tag at the start and at the end. By string search, in
    linear time: the regex ``【[^】]*】$`` rescanned the rest of the text from every 【."""
    if text.startswith("【"):
        end = text.find("】")
        if end > 0:
            text = text[end + 1:]
    if text.endswith("】"):
        start = text.rfind("【")
        if start >= 0 and "】" not in text[start + 1:-1]:
            text = text[:start]
    return text


def text_for_matching(text: str, channel: Channel | None = None) -> str:
    """Simplified, NFKC-folded (full-width digits and letters), no emoji, no whitespace, lower case."""
    cleaned = clean_for_channel(channel, text) if channel is not None else (text or "")
    folded = unicodedata.normalize("NFKC", cleaned)
    return _SPACE.sub("", _EMOJI.sub("", to_simplified(folded))).lower()
