"""Opaque page tokens over a stable sort order, and page-size limits."""

from __future__ import annotations

import base64
import json
from typing import Any

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


class BadPageRequest(ValueError):
    pass


def page_size(requested: int) -> int:
    if requested < 0:
        raise BadPageRequest(f"page.page_size must not be negative, got {requested}")
    if requested > MAX_PAGE_SIZE:
        raise BadPageRequest(f"page.page_size must be at most {MAX_PAGE_SIZE}, got {requested}")
    return requested or DEFAULT_PAGE_SIZE


def encode_token(last_key: list[Any]) -> str:
    raw = json.dumps(last_key, default=str, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token: str) -> list[Any] | None:
    if not token:
        return None
    try:
        padded = token + "=" * (-len(token) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError):
        raise BadPageRequest("page.page_token is not a token this service issued") from None
    if not isinstance(value, list):
        raise BadPageRequest("page.page_token is not a token this service issued")
    return value
