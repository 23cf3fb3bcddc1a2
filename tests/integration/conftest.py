"""Fixtures of the integration tests: a follower of the services' topics and a publisher that
plays the other systems, both on the session's stack."""

from __future__ import annotations

import pytest

from tools.eventlog import EventTail, Publisher


@pytest.fixture()
def tail(stack):
    follower = EventTail(stack.kafka_bootstrap)
    yield follower
    follower.close()


@pytest.fixture()
def publisher(stack):
    producer = Publisher(stack.kafka_bootstrap)
    yield producer
    producer.close()
