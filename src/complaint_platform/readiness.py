"""Ready only while the database answers: the gRPC health of the service's own name (the
Kubernetes readiness probe asks for it) turns NOT_SERVING while MongoDB cannot be reached, so
lookups go to replicas that can answer them; the empty name (the liveness probe) stays SERVING, so
a database outage does not make Kubernetes restart every pod."""

from __future__ import annotations

import logging
import threading

from grpc_health.v1 import health_pb2
from pymongo import MongoClient
from pymongo.errors import PyMongoError

log = logging.getLogger(__name__)


class DatabaseWatch:
    def __init__(self, uri: str, health, service_names: list[str], every_s: float = 2.0, timeout_s: float = 1.0) -> None:
        # a client of its own with short timeouts: the services' client waits seconds to select a server
        self._client = MongoClient(uri, serverSelectionTimeoutMS=int(timeout_s * 1000),
                                   connectTimeoutMS=int(timeout_s * 1000), socketTimeoutMS=int(timeout_s * 1000))
        self._health, self._names, self._every_s = health, service_names, every_s
        self._stopping = threading.Event()
        self._reachable: bool | None = None
        self._thread = threading.Thread(target=self._run, name="database-watch", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)
        self._client.close()

    def check(self) -> bool:
        try:
            self._client.admin.command("ping")
            reachable = True
        except PyMongoError as error:
            reachable = False
            if self._reachable is not False:
                log.warning("database unreachable: not ready for lookups (%s)", error)
        if reachable and self._reachable is False:
            log.info("database reachable again: ready")
        if reachable != self._reachable:
            status = health_pb2.HealthCheckResponse.SERVING if reachable else health_pb2.HealthCheckResponse.NOT_SERVING
            for name in self._names:
                self._health.set(name, status)
        self._reachable = reachable
        return reachable

    def _run(self) -> None:
        while not self._stopping.wait(self._every_s):
            self.check()
