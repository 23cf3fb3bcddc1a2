"""Yellow cards (黄牌) against agents, counted per calendar month in the centre's time zone."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo


def month_of(moment: datetime, zone: str) -> str:
    """A card given at 23:30 UTC on the 31st belongs to the next month in Shanghai."""
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m")


def monthly_counts(cards: Iterable[dict[str, Any]], zone: str) -> Counter[tuple[str, str]]:
    """(agent id, month) -> yellow cards, from findings as recorded on cases."""
    counts: Counter[tuple[str, str]] = Counter()
    for card in cards:
        if card.get("yellow_card", True):
            counts[(card["agent_id"], card.get("month") or month_of(card["at"], zone))] += 1
    return counts


def cards_this_month(cards: Iterable[dict[str, Any]], agent_id: str, now: datetime, zone: str) -> int:
    return monthly_counts(cards, zone)[(agent_id, month_of(now, zone))]
