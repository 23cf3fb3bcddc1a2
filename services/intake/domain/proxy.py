"""Proxy cases (代用户投诉): a burst of reports of one fault becomes one case raised on the customers' behalf."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from .ids import proxy_case_id_for
from .policy import ProxyPolicy


@dataclass(frozen=True)
class ProxyRaised:
    proxy_case_id: str
    region: str
    category: str
    member_case_ids: tuple[str, ...]    # in order of their reports
    first_report_at: datetime


@dataclass(frozen=True)
class ProxyJoined:
    proxy_case_id: str
    member_case_id: str


@dataclass
class Incident:
    proxy_case_id: str
    region: str
    category: str
    opened_at: datetime                 # the newest report when the threshold was crossed
    members: list[str]

    def open_at(self, at: datetime, policy: ProxyPolicy) -> bool:
        return at <= self.opened_at + policy.incident_lifetime


@dataclass
class ProxyDetector:
    """Recent reports per fault (region|category) and the incidents they opened.

    Serialisable fault by fault (``fault_state``), so the windows survive a restart and a store
    writes only the faults a batch changed (``changed``); idempotent per member case (a
    redelivered report is neither counted twice nor linked twice). Bounded: ``prune`` drops the
    windows no later report can use and the incidents past their lifetime.
    """

    recent: dict[str, list[tuple[str, datetime]]] = field(default_factory=dict)
    incidents: dict[str, Incident] = field(default_factory=dict)
    changed: set[str] = field(default_factory=set, compare=False, repr=False)

    def observe(self, case_id: str, region: str, category: str, reported_at: datetime,
                policy: ProxyPolicy) -> ProxyRaised | ProxyJoined | None:
        """One new case: counted towards its fault's window, or joined to the fault's open incident."""
        if category not in policy.categories or not region:
            return None
        fault = _fault(region, category)
        incident = self._live_incident(fault, reported_at, policy)
        if incident is not None:
            if case_id in incident.members:
                return None
            incident.members.append(case_id)
            self.changed.add(fault)
            return ProxyJoined(incident.proxy_case_id, case_id)
        window = self.recent.setdefault(fault, [])
        if any(member == case_id for member, _ in window):
            return None
        self.changed.add(fault)
        window.append((case_id, reported_at))
        window.sort(key=lambda item: (item[1], item[0]))
        # older than this, a report can only share a window with reports later than the tolerance
        horizon = window[-1][1] - policy.window - policy.late_tolerance
        window[:] = [item for item in window if item[1] >= horizon]
        if _densest(window, policy.window) < policy.threshold:
            return None
        members = [member for member, _ in window]  # the whole recent burst, late ones included
        incident = Incident(proxy_case_id_for(region, category, members[0]), region, category,
                            window[-1][1], members)
        self.changed.add(fault)
        self.incidents[fault] = incident
        del self.recent[fault]
        return ProxyRaised(incident.proxy_case_id, region, category, tuple(members), window[0][1])

    def incident_for(self, region: str, category: str, at: datetime, policy: ProxyPolicy) -> str | None:
        """The open proxy case for a fault, e.g. for a public-opinion post to join."""
        incident = self.incidents.get(_fault(region, category))
        return incident.proxy_case_id if incident is not None and incident.open_at(at, policy) else None

    def close(self, proxy_case_id: str) -> Incident | None:
        """Explicit close (the fault is repaired); None if no such incident is open (already closed)."""
        for fault, incident in list(self.incidents.items()):
            if incident.proxy_case_id == proxy_case_id:
                self.changed.add(fault)
                return self.incidents.pop(fault)
        return None

    def expire(self, now: datetime, policy: ProxyPolicy) -> list[Incident]:
        """Drop incidents past their lifetime (a periodic sweep; observe also expires its own fault)."""
        expired = [fault for fault, incident in self.incidents.items() if not incident.open_at(now, policy)]
        self.changed.update(expired)
        return [self.incidents.pop(fault) for fault in expired]

    def prune(self, policy: ProxyPolicy) -> None:
        """Forget what can no longer count, measured against the newest report seen (not the
        clock, so a backlog handled late is judged as it happened): a report within the late
        tolerance of the newest keeps only reports up to one window and one tolerance older,
        so a window whose newest report is older than that is dropped; an incident past its
        lifetime too (a new report of its fault opens a new one)."""
        newest = max([items[-1][1] for items in self.recent.values() if items]
                     + [incident.opened_at for incident in self.incidents.values()], default=None)
        if newest is None:
            return
        horizon = newest - policy.window - 2 * policy.late_tolerance
        for fault in [fault for fault, items in self.recent.items() if not items or items[-1][1] < horizon]:
            del self.recent[fault]
            self.changed.add(fault)
        for fault in [fault for fault, incident in self.incidents.items()
                      if newest > incident.opened_at + policy.incident_lifetime]:
            del self.incidents[fault]
            self.changed.add(fault)

    def _live_incident(self, fault: str, at: datetime, policy: ProxyPolicy) -> Incident | None:
        incident = self.incidents.get(fault)
        if incident is not None and not incident.open_at(at, policy):
            if at > incident.opened_at + policy.incident_lifetime:
                del self.incidents[fault]
                self.changed.add(fault)
            return None
        return incident

    def fault_state(self, fault: str) -> dict[str, Any] | None:
        """One fault's window and incident as stored (None: nothing left to keep)."""
        window, incident = self.recent.get(fault), self.incidents.get(fault)
        if not window and incident is None:
            return None
        return {"recent": [[member, at] for member, at in window or ()],
                "incident": None if incident is None else _incident_dict(incident)}

    @classmethod
    def from_faults(cls, states: Iterable[tuple[str, dict[str, Any]]]) -> ProxyDetector:
        detector = cls()
        for fault, state in states:
            if state.get("recent"):
                detector.recent[fault] = [(member, at) for member, at in state["recent"]]
            if state.get("incident"):
                detector.incidents[fault] = Incident(**{**state["incident"],
                                                        "members": list(state["incident"]["members"])})
        return detector

    def to_dict(self) -> dict[str, Any]:
        return {"recent": {fault: [[member, at] for member, at in items] for fault, items in self.recent.items()},
                "incidents": {fault: _incident_dict(incident) for fault, incident in self.incidents.items()}}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> ProxyDetector:
        data = data or {}
        return cls(recent={fault: [(member, at) for member, at in items]
                           for fault, items in data.get("recent", {}).items()},
                   incidents={fault: Incident(**{**value, "members": list(value["members"])})
                              for fault, value in data.get("incidents", {}).items()})


def _incident_dict(incident: Incident) -> dict[str, Any]:
    return {"proxy_case_id": incident.proxy_case_id, "region": incident.region, "category": incident.category,
            "opened_at": incident.opened_at, "members": list(incident.members)}


def _fault(region: str, category: str) -> str:
    return f"{region}|{category}"


def _densest(window: list[tuple[str, datetime]], width: timedelta) -> int:
    """Most reports inside any span of ``width`` (both ends included); the list is sorted by time."""
    best, start = 0, 0
    for end, (_, at) in enumerate(window):
        while at - window[start][1] > width:
            start += 1
        best = max(best, end - start + 1)
    return best
