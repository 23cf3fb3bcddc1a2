"""Aggregate answers (intake counts, bulletins, the watch list) kept a short while per person.

With 10,000 cases a month's bulletin or the counts by channel cost the services a scan of every
case of the period; recomputing them on each page load would make the overview take seconds.
An answer younger than ``max_age_s`` is served as it is; an older one is served once more while a
background thread asks again (stale-while-revalidate), so a page never waits for a refresh it
does not need. One much older than that is fetched again before the page renders. Entries are
keyed by the caller's token too: one person never sees what another's role fetched. Pages show
the time of the figures they render.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

log = logging.getLogger("complaints.console")
MAX_ENTRIES = 512
TOO_OLD = 10  # times max_age: served only after fetching again


@dataclass(frozen=True)
class Snapshot:
    value: Any
    taken_at: datetime     # when the services answered
    taken: float           # the same on the monotonic clock


class Snapshots:
    def __init__(self, max_age_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_age_s = max_age_s
        self._clock = clock
        self._entries: OrderedDict[tuple, Snapshot] = OrderedDict()
        self._refreshing: set[tuple] = set()
        self._lock = threading.Lock()

    def get(self, token: str, key: Hashable, load: Callable[[], Any]) -> Snapshot:
        """The answer of ``load`` for this caller and key, fresh enough; ``load`` raises on refusal
        and nothing is kept then."""
        full_key = (hashlib.sha256(token.encode()).hexdigest(), key)
        with self._lock:
            entry = self._entries.get(full_key)
            age = None if entry is None else self._clock() - entry.taken
            refresh = age is not None and self.max_age_s < age <= self.max_age_s * TOO_OLD \
                and full_key not in self._refreshing
            if refresh:
                self._refreshing.add(full_key)
        if entry is None or age > self.max_age_s * TOO_OLD or self.max_age_s <= 0:
            return self._store(full_key, load)
        if refresh:
            threading.Thread(target=self._refresh, args=(full_key, load), daemon=True,
                             name="console-snapshot").start()
        return entry

    def forget(self, token: str) -> None:
        """After a person's command: what they see next reflects it."""
        digest = hashlib.sha256(token.encode()).hexdigest()
        with self._lock:
            for full_key in [k for k in self._entries if k[0] == digest]:
                del self._entries[full_key]

    def _store(self, full_key: tuple, load: Callable[[], Any]) -> Snapshot:
        value = load()
        entry = Snapshot(value, datetime.now(timezone.utc), self._clock())
        with self._lock:
            self._entries[full_key] = entry
            self._entries.move_to_end(full_key)
            while len(self._entries) > MAX_ENTRIES:
                self._entries.popitem(last=False)
        return entry

    def _refresh(self, full_key: tuple, load: Callable[[], Any]) -> None:
        try:
            self._store(full_key, load)
        except Exception as error:  # noqa: BLE001 - the stale answer stays; the next load tries again
            log.warning("snapshot refresh failed", extra={"fields": {"key": repr(full_key[1]), "error": str(error)}})
        finally:
            with self._lock:
                self._refreshing.discard(full_key)
