"""Proxy cases (代用户投诉): many reports of one fault become one case raised on the customers' behalf."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .policy import ProxyPolicy

_PROXY_NAMESPACE = uuid.UUID("5b0e8f2a-41c7-4b9e-9a3d-6c1f0e2d7b85")


@dataclass(frozen=True)
class ProxyRaised:
    proxy_case_id: str
    region: str
    category: str
    member_case_ids: tuple[str, ...]


@dataclass(frozen=True)
class ProxyJoined:
    proxy_case_id: str
    member_case_id: str


@dataclass
class Incident:
    proxy_case_id: str
    opened_at: datetime
    members: list[str]


@dataclass
class ProxyDetector:
    """Sliding windows per (region, fault category) and the incidents they opened.

    Serialisable, so the windows survive a restart; idempotent per member case.
    """

    recent: dict[str, list[tuple[str, datetime]]] = field(default_factory=dict)
    incidents: dict[str, Incident] = field(default_factory=dict)

    def observe(self, case_id: str, region: str, category: str, received_at: datetime,
                policy: ProxyPolicy) -> ProxyRaised | ProxyJoined | None:
        if category not in policy.categories or not region:
            return None
        fault = f"{region}|{category}"
        incident = self.incidents.get(fault)
        if incident is not None and received_at - incident.opened_at <= policy.incident_lifetime:
            if case_id in incident.members:
                return None
            incident.members.append(case_id)
            return ProxyJoined(incident.proxy_case_id, case_id)
        window = [(member, at) for member, at in self.recent.get(fault, [])
                  if received_at - at <= policy.window and member != case_id]
        window.append((case_id, received_at))
        self.recent[fault] = window
        if len(window) < policy.threshold:
            return None
        members = [member for member, _ in sorted(window, key=lambda item: (item[1], item[0]))]
        proxy_id = "PROXY-" + uuid.uuid5(_PROXY_NAMESPACE, f"{fault}|{members[0]}").hex[:18].upper()
        self.incidents[fault] = Incident(proxy_id, received_at, members)
        self.recent[fault] = []
        return ProxyRaised(proxy_id, region, category, tuple(members))

    def close(self, proxy_case_id: str) -> None:
        self.incidents = {fault: incident for fault, incident in self.incidents.items()
                          if incident.proxy_case_id != proxy_case_id}

    def to_dict(self) -> dict[str, Any]:
        return {"recent": {fault: [[member, at] for member, at in items] for fault, items in self.recent.items()},
                "incidents": {fault: {"proxy_case_id": i.proxy_case_id, "opened_at": i.opened_at, "members": i.members}
                              for fault, i in self.incidents.items()}}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> ProxyDetector:
        data = data or {}
        return cls(recent={fault: [(member, at) for member, at in items] for fault, items in data.get("recent", {}).items()},
                   incidents={fault: Incident(**value) for fault, value in data.get("incidents", {}).items()})
