"""The console reaches data only through the services' gRPC contracts: it imports no service's
package and no Kafka or MongoDB client."""

from __future__ import annotations

import ast
from pathlib import Path

CONSOLE = Path(__file__).resolve().parents[3] / "services" / "console"
FORBIDDEN = ("services.intake", "services.dispatch", "services.escalation", "services.verification",
             "pymongo", "mongoengine", "aiokafka", "kafka", "bson")


def test_the_console_imports_no_service_and_no_database_or_broker_client():
    for path in sorted(CONSOLE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else \
                [node.module] if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 else []
            bad = [name for name in names if name.startswith(FORBIDDEN)]
            assert not bad, f"{path.relative_to(CONSOLE.parents[1])} imports {bad}"
