"""The architecture rules, checked on the source: pure rules, no service importing another."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SERVICES = ("intake", "dispatch", "escalation", "verification")
ADAPTER_LIBRARIES = {"faust", "aiokafka", "kafka", "grpc", "grpc_health", "grpc_reflection", "mongoengine",
                     "pymongo", "google", "complaints", "opentelemetry", "pydantic",
                     "pydantic_core", "pydantic_settings"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("service", SERVICES)
def test_rules_import_no_adapter_library(service):
    for path in sorted((ROOT / "services" / service / "domain").rglob("*.py")):
        offending = {name for name in imported_modules(path) if name.split(".")[0] in ADAPTER_LIBRARIES}
        assert not offending, f"{path.relative_to(ROOT)} imports {sorted(offending)}"


@pytest.mark.parametrize("service", SERVICES)
def test_no_service_imports_another(service):
    others = {f"services.{name}" for name in SERVICES if name != service}
    for path in sorted((ROOT / "services" / service).rglob("*.py")):
        offending = {name for name in imported_modules(path) if any(name.startswith(o) for o in others)}
        assert not offending, f"{path.relative_to(ROOT)} imports {sorted(offending)}"


def test_the_platform_imports_no_service():
    for path in sorted((ROOT / "src" / "complaint_platform").rglob("*.py")):
        assert not {name for name in imported_modules(path) if name.startswith("services")}, path


# The complaints command line talks to the services over gRPC; from their packages it reuses only the
# client-side writers and renderers of the tools it replaces, and the directory loader (intake's own table).
CLI_MAY_USE = {"services.escalation.bulletin", "services.verification.cli_output", "services.intake.directory"}


def test_the_command_line_reaches_services_only_through_their_contracts():
    for path in sorted((ROOT / "complaints_cli").rglob("*.py")):
        used = {name for name in imported_modules(path) if name.startswith("services")}
        assert used <= CLI_MAY_USE, f"{path.relative_to(ROOT)} imports {sorted(used - CLI_MAY_USE)}"
