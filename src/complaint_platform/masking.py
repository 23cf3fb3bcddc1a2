"""Masking personal data (phone numbers, names) before it reaches logs and traces.

Three rules, applied everywhere a log line, span or dead-letter reason is written:

- phone numbers are recognised by pattern anywhere in free text (mainland mobiles and
  landlines, with or without +86/0086, with spaces, dashes or dots between the digits,
  in ASCII or full-width digits);
- names cannot be recognised by pattern, so they are masked by the key that names them:
  structured fields and span attributes (``name``, ``customer.name``, ``customerName``,
  ``author`` ...), ``key=value`` / ``"key": "value"`` / ``key: "value"`` pairs inside free
  text such as exception texts and reprs, and Chinese labels (``姓名：...``, ``联系人：...``);
- values that the protobuf JSON decoder echoes back in its error messages (an unknown enum
  value, an integer that is not one) are masked unless they look like an identifier,
  because a sender can put anything there, a customer's name included;
- resident ID-card numbers (居民身份证, 18 characters with a birth date, or the old 15 digits),
  bank-card numbers (16-19 digits, grouped or not) and e-mail addresses are recognised by
  pattern too; invisible characters (zero-width spaces and joiners, soft hyphens) are removed
  first, so a number split by them is still found.

Every pattern starts only where the character before it cannot belong to a match, so a long
run of digits or letters is scanned once (linear time on hostile input).
"""

from __future__ import annotations

import re
from typing import Any

# Full-width digits and separators from phone keyboards map one-to-one onto ASCII, so
# a match found in the translated text has the same span in the original.
_ASCII = str.maketrans({**{chr(0xFF10 + digit): str(digit) for digit in range(10)},
                        "\uff0b": "+", "\uff0d": "-", "\u3000": " ", "\uff0e": ".",
                        "\uff08": "(", "\uff09": ")"})
_SEP = r"[-\s.]"
_PHONE = re.compile(
    r"(?<![0-9])"
    rf"(?:(?:\+|00)?86{_SEP}?)?"
    r"(?:"
    rf"1[3-9][0-9](?:{_SEP}?[0-9]){{8}}"                                  # mobile, any grouping
    rf"|(?:\(0[0-9]{{2,3}}\)|0[0-9]{{2,3}}){_SEP}?[0-9]{{3,4}}{_SEP}?[0-9]{{4}}"  # landline with area code
    r")"
    r"(?![0-9])"
)

# zero-width space, non-joiner and joiner, word joiner, BOM, soft hyphen
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad]")
_ID_CARD = re.compile(
    r"(?<![0-9A-Za-z])[1-9][0-9]{5}"
    r"(?:(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx]"   # 18 characters
    r"|[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3})"                       # 15 digits (before 1999)
    r"(?![0-9A-Za-z])")
_BANK_CARD = re.compile(r"(?<![0-9])[1-9][0-9]{3}(?:[-\s]?[0-9]{4}){3}(?:[-\s]?[0-9]{1,3})?(?![0-9])")  # 16-19
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63})+")

_PHONE_KEYS = {"phone", "customer_phone", "msisdn", "mobile", "telephone", "tel", "phone_number",
               "mobile_number", "contact_phone", "caller_phone"}
_NAME_KEYS = {"customer_name", "contact_name", "caller_name", "full_name", "person_name", "author",
              "real_name"}
# ``name`` alone is personal only when nothing else owns it: ``customer.name`` is, but
# ``messaging.destination.name`` and ``service.name`` are not.
_NAME_OWNERS = {"", "customer", "contact", "caller", "person", "author", "user", "complainant"}

# key=value pairs in free text (exception texts, reprs, protobuf text format, JSON).
_TEXT_NAME_KEY = (r"(?<![A-Za-z0-9_.])(?:customer[_.-]?name|contact[_.-]?name|caller[_.-]?name|full[_.-]?name"
                  r"|real[_.-]?name|name|author)")
_TEXT_PHONE_KEY = (r"(?<![A-Za-z0-9_.])(?:customer[_.-]?phone|contact[_.-]?phone|phone[_.-]?number|phone"
                   r"|msisdn|mobile|telephone|tel)")
_VALUE = (r"""(?P<sep>["']?\s*[:=：]\s*)"""
          r"""(?:"(?P<dq>[^"\n]*)"|'(?P<sq>[^'\n]*)'|“(?P<cq>[^”\n]*)”|(?P<bare>[^\s,;，；。、)}\]"'<>]+))""")
_NAME_PAIR = re.compile(rf"(?P<key>(?i:{_TEXT_NAME_KEY})|客户姓名|姓名|联系人|投诉人){_VALUE}")
_PHONE_PAIR = re.compile(rf"(?P<key>(?i:{_TEXT_PHONE_KEY})|联系电话|手机号码?|电话号码?|手机){_VALUE}")
# What google.protobuf.json_format repeats from the input in its error messages.
_ECHOES = re.compile(
    r"(?P<lead>Invalid enum value |Couldn't parse integer: |Couldn't parse float: "
    r"|Expected \"true\" or \"false\", not |has no field named \")"
    r"(?P<value>\"[^\"\n]*\"|.+?)(?P<tail> for enum type\b| at |\" at |\.?$|\n)")
_IDENTIFIER = re.compile(r"^[A-Za-z0-9_.:\-]*$")


def mask_phone(phone: str) -> str:
    """Keep the first three and last two digits so operators can still tell numbers apart."""
    if "*" in phone:
        return phone  # already masked: masking twice would lose the digits kept on purpose
    digits = re.sub(r"\D", "", phone)
    if len(digits) < 6:
        return "*" * len(digits)
    return f"{digits[:3]}{'*' * (len(digits) - 5)}{digits[-2:]}"


def mask_digits(value: str, keep_start: int, keep_end: int) -> str:
    """The digits (and an ID card's X) with all but the first and last few starred."""
    characters = [character for character in value if character.isalnum()]
    hidden = max(len(characters) - keep_start - keep_end, 1)
    return "".join(characters[:keep_start]) + "*" * hidden + "".join(characters[len(characters) - keep_end:])


def mask_email(address: str) -> str:
    """The first character of the mailbox and the domain stay: ``z***@example.com``."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"


def mask_name(name: str) -> str:
    """Keep the first character (a surname in Chinese names)."""
    name = name.strip()
    if name and set(name[1:]) <= {"*"} and len(name) > 1:
        return name  # already masked
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


def mask_text(text: str) -> str:
    """Mask phone numbers anywhere in free text, and names and phones where a key names them."""
    if not text:
        return text
    text = _INVISIBLE.sub("", text)
    text = _ID_CARD.sub(lambda match: mask_digits(match.group(0), 3, 1), text)
    text = _BANK_CARD.sub(lambda match: mask_digits(match.group(0), 0, 4), text)
    text = _EMAIL.sub(lambda match: mask_email(match.group(0)), text)
    ascii_text = text.translate(_ASCII)
    if ascii_text != text:
        pieces, last = [], 0
        for match in _PHONE.finditer(ascii_text):
            pieces += [text[last:match.start()], mask_phone(match.group(0))]
            last = match.end()
        text = "".join(pieces) + text[last:]
    else:
        text = _PHONE.sub(lambda match: mask_phone(match.group(0)), text)
    text = _PHONE_PAIR.sub(lambda match: _masked_pair(match, mask_phone), text)
    text = _NAME_PAIR.sub(lambda match: _masked_pair(match, mask_name), text)
    return _ECHOES.sub(_masked_echo, text)


def _masked_pair(match: re.Match, mask) -> str:
    whole, base = match.group(0), match.start()
    for group in ("dq", "sq", "cq", "bare"):
        value = match.group(group)
        if value is not None:
            start, end = match.span(group)
            return whole[:start - base] + (mask(value) if value.strip() else value) + whole[end - base:]
    return whole


def _masked_echo(match: re.Match) -> str:
    """Words that are identifiers (enum names, numbers) or already masked stay; others are masked."""
    value = match.group("value")
    quoted = len(value) >= 2 and value[0] == value[-1] == '"'
    words = re.split(r"(\s+)", value[1:-1] if quoted else value)
    masked = "".join(word if word.isspace() or not word or _IDENTIFIER.match(word) or "*" in word
                     else mask_name(word) for word in words)
    if quoted:
        masked = '"' + masked + '"'
    return match.group("lead") + masked + match.group("tail")


def key_kind(key: Any) -> str | None:
    """``"phone"`` or ``"name"`` when a field or attribute key names personal data."""
    if not isinstance(key, str):
        return None
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", key).lower().replace("-", "_")
    parts = [part for part in re.split(r"[.\s/]+", snake) if part]
    if not parts:
        return None
    last, owner = parts[-1], (parts[-2] if len(parts) > 1 else "")
    if last in _PHONE_KEYS or last.endswith("_phone"):
        return "phone"
    if last in _NAME_KEYS or (last == "name" and owner in _NAME_OWNERS):
        return "name"
    return None


def mask_value(key: Any, value: Any) -> Any:
    """Mask one field or attribute value by what its key names, and free text by pattern."""
    kind = key_kind(key)
    if isinstance(value, dict):
        return mask_fields(value)
    if isinstance(value, (list, tuple)):
        masked = [mask_value(key, item) for item in value]
        return tuple(masked) if isinstance(value, tuple) else masked
    if kind == "phone" and isinstance(value, (str, int)) and not isinstance(value, bool):
        return mask_phone(str(value))
    if kind == "name" and isinstance(value, str):
        return mask_name(value)
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, bytes):
        return mask_text(value.decode("utf-8", "replace"))
    return value


def mask_fields(values: dict) -> dict:
    """Mask a flat or nested dict of log fields by key, and free text by pattern."""
    return {key: mask_value(key, value) for key, value in values.items()}
