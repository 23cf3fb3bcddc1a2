"""Aggregate answers (intake counts, bulletins, the watch list) kept a short while.

With 10,000 cases a month's bulletin or the counts by channel cost the services a scan of every
case of the period (about a second per scan on the embedded database, more under load), so
recomputing them on each page load would make the overview take seconds. An answer younger than
``max_age_s`` is served as it is; an older one is served once more while a background thread asks
again (stale-while-revalidate), so a page never waits for a refresh it does not need. One much
older than that, or none, is fetched before the page renders, once for all callers waiting on it.

Every role may call these read methods, so one answer serves every caller, but only a caller whose
own token a service has accepted within ``max_age_s``: ``verify`` asks a service with it, cheaply,
before a kept answer is shown. Pages show the time of the figures they render.
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
MAX_ENTRIES = 256
TOO_OLD = 10  # times max_age: fetched again before it is shown


@dataclass(frozen=True)
class Snapshot:
    value: Any
    taken_at: datetime     # when the services answered
    taken: float           # the same on the monotonic clock


class Snapshots:
    def __init__(self, max_age_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_age_s = max_age_s
        self._clock = clock
        self._entries: OrderedDict[Hashable, Snapshot] = OrderedDict()
        self._loading: dict[Hashable, threading.Lock] = {}
        self._refreshing: set[Hashable] = set()
        self._verified: dict[str, float] = {}
        self._lock = threading.Lock()

    def get(self, token: str, key: Hashable, load: Callable[[], Any], verify: Callable[[], Any]) -> Snapshot:
        """``load``'s answer for ``key``, fresh enough; ``load`` and ``verify`` call the services with
        the caller's token and raise when refused (nothing is kept then)."""
        digest = hashlib.sha256(token.encode()).hexdigest()
        entry = self._fresh_enough(key)
        if entry is None:
            with self._key_lock(key):  # one fetch for every caller waiting on the same figures
                entry = self._fresh_enough(key)
                if entry is None:
                    entry = self._store(key, load)
                    self._remember(digest)
                    return entry
        if not self._recently_verified(digest):
            verify()
            self._remember(digest)
        with self._lock:
            stale = self._clock() - entry.taken > self.max_age_s and key not in self._refreshing
            if stale:
                self._refreshing.add(key)
        if stale:
            threading.Thread(target=self._refresh, args=(key, load), daemon=True, name="console-snapshot").start()
        return entry

    def forget(self, keep_serving: Callable[[Hashable], bool] = lambda key: False) -> None:
        """After a command: what anyone sees next reflects it. Answers that cost the services a scan
        and that one command barely moves (``keep_serving``: a period's counts, the watch list) are
        served once more while they are asked for again, so the next page does not wait seconds for
        them; the others are dropped."""
        with self._lock:
            for key in list(self._entries):
                if keep_serving(key):
                    entry = self._entries[key]
                    # older than max_age: the next get serves it and refreshes it in the background
                    self._entries[key] = Snapshot(entry.value, entry.taken_at,
                                                  min(entry.taken, self._clock() - self.max_age_s - 1))
                else:
                    del self._entries[key]

    def _fresh_enough(self, key: Hashable) -> Snapshot | None:
        with self._lock:
            entry = self._entries.get(key)
        if entry is None or self.max_age_s <= 0 or self._clock() - entry.taken > self.max_age_s * TOO_OLD:
            return None
        return entry

    def _key_lock(self, key: Hashable) -> threading.Lock:
        with self._lock:
            return self._loading.setdefault(key, threading.Lock())

    def _recently_verified(self, digest: str) -> bool:
        with self._lock:
            at = self._verified.get(digest)
        return at is not None and self._clock() - at <= self.max_age_s

    def _remember(self, digest: str) -> None:
        with self._lock:
            self._verified[digest] = self._clock()
            if len(self._verified) > MAX_ENTRIES * 4:
                self._verified.clear()

    def _store(self, key: Hashable, load: Callable[[], Any]) -> Snapshot:
        value = load()
        entry = Snapshot(value, datetime.now(timezone.utc), self._clock())
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > MAX_ENTRIES:
                self._entries.popitem(last=False)
        return entry

    def _refresh(self, key: Hashable, load: Callable[[], Any]) -> None:
        try:
            self._store(key, load)
        except Exception as error:  # noqa: BLE001 - the stale answer stays; the next load tries again
            log.warning("snapshot refresh failed", extra={"fields": {"key": repr(key), "error": str(error)}})
        finally:
            with self._lock:
                self._refreshing.discard(key)
