"""The ``retention:`` section: how long each service keeps the records that only serve delivery."""

from __future__ import annotations

from pydantic import Field

from .common import Strict


class RetentionSection(Strict):
    """Expired by TTL indexes (mongo.ensure_retention); dead letters expire with their topic's
    retention.ms (deploy/k8s/base/topics.yaml), the case records themselves are not expired here."""

    inbox_days: int = Field(30, ge=8, le=3650, description=(
        "processed inbound events (the record that makes a redelivery a no-op); longer than the inbound "
        "topics keep their records (7 days) and than any sender retries"))
    outbox_days: int = Field(7, ge=1, le=3650, description=(
        "events of timers and commands, counted from when the broker took them; unpublished ones are kept"))
