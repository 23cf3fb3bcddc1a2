"""What a complaint costs, for ``make bench``: database work per complaint, CPU and memory per
process, and a CPU profile of the busiest process while the pipeline runs flat out.

- database commands and documents written, from the services' own counters
  (``complaints_db_commands`` / ``complaints_db_documents`` on their /metrics: every command
  pymongo sends, see ``complaint_platform.mongo.OperationCounts``);
- the database's own view: time and commands per collection (the server's ``top`` command);
- CPU seconds and resident memory of every process of the stack (/proc);
- a py-spy profile (sampled, self time per function) of the process that used the most CPU.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import urllib.request
from collections import Counter
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from .devstack import SERVICES, EmbeddedStack

OPERATION_METRICS = {"complaints_db_commands": "commands", "complaints_db_documents": "documents"}


def _metrics(stack: EmbeddedStack, name: str):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{stack.ports.metrics[name]}/metrics", timeout=5) as reply:
            return list(text_string_to_metric_families(reply.read().decode()))
    except OSError:
        return []  # a service that is not running counts nothing


def held_aggregates(stack: EmbeddedStack) -> dict[str, int]:
    """Cases each service holds in memory between batches (``complaints_held_aggregates``)."""
    held = {}
    for name in SERVICES:
        for family in _metrics(stack, name):
            if family.name == "complaints_held_aggregates":
                held[name] = int(sum(sample.value for sample in family.samples))
    return held


def memory_per_100k(before: dict[str, dict], after: dict[str, dict], held: dict[str, int]) -> dict[str, float]:
    """Resident memory a service grew by, per 100,000 cases it holds (an estimate: the run's
    other growth, caches and buffers, counts too)."""
    return {name: round((after[name]["rss_mib"] - before[name]["rss_mib"]) / count * 100_000, 1)
            for name, count in held.items() if count and name in before and name in after}


def database_operations(stack: EmbeddedStack) -> dict[str, Counter]:
    """The services' database counters, summed over the four services."""
    totals = {"commands": Counter(), "documents": Counter(), "collections": Counter()}
    for name in SERVICES:
        for family in _metrics(stack, name):
            kind = OPERATION_METRICS.get(family.name)
            if kind is None:
                continue
            for sample in family.samples:
                if sample.name.endswith("_total"):
                    totals[kind][sample.labels.get("command", "?")] += int(sample.value)
                    if "collection" in sample.labels:
                        totals["collections"][f"{name}.{sample.labels['collection']}"] += int(sample.value)
    return totals


def per_complaint(before: dict[str, Counter], after: dict[str, Counter], complaints: int) -> dict:
    """Commands and documents per complaint; ``transactions`` are the commits."""
    commands = after["commands"] - before["commands"]
    documents = after["documents"] - before["documents"]
    collections = after["collections"] - before["collections"]
    share = max(complaints, 1)
    return {
        "transactions": round(commands["commitTransaction"] / share, 2),
        "finds": round((commands["find"] + commands["getMore"] + commands["aggregate"]
                        + commands["count"]) / share, 2),
        "documents_inserted": round(documents["insert"] / share, 2),
        "documents_updated": round(documents["update"] / share, 2),
        "documents_deleted": round(documents["delete"] / share, 2),
        "documents_written": round((documents["insert"] + documents["update"] + documents["delete"]) / share, 2),
        "commands": {name: round(count / share, 2) for name, count in sorted(commands.items())},
        "documents_written_by_collection": {name: round(count / share, 2)
                                            for name, count in collections.most_common()},
    }


def collection_times(uri: str, prefix: str, top: int = 12) -> list[dict]:
    """The database's time per collection (``top``), busiest first; [] where unsupported."""
    import pymongo

    client = pymongo.MongoClient(uri)
    try:
        totals = client.admin.command("top")["totals"]
    except Exception:  # noqa: BLE001 - a managed MongoDB may refuse it: the figures are optional
        return []
    finally:
        client.close()
    rows = [{"collection": name, "seconds": round(value["total"]["time"] / 1e6, 2),
             "commands": value["total"]["count"]}
            for name, value in totals.items() if isinstance(value, dict) and name.startswith(prefix)]
    return sorted(rows, key=lambda row: -row["seconds"])[:top]


def process_usage(stack: EmbeddedStack) -> dict[str, dict]:
    """CPU seconds (user + system) and resident memory of each process of the stack."""
    tick = os.sysconf("SC_CLK_TCK")
    usage = {}
    for name, process in stack.processes.items():
        try:
            fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
            status = Path(f"/proc/{process.pid}/status").read_text()
        except OSError:
            continue
        rss_kib = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
        usage[name] = {"pid": process.pid, "cpu_s": (int(fields[11]) + int(fields[12])) / tick,
                       "rss_mib": round(rss_kib / 1024, 1)}
    return usage


def cpu_between(before: dict[str, dict], after: dict[str, dict]) -> dict[str, float]:
    return {name: round(after[name]["cpu_s"] - before.get(name, {}).get("cpu_s", 0.0), 2) for name in after}


class Profile:
    """py-spy samples of one process for a while (nothing when py-spy is not installed)."""

    def __init__(self, name: str, pid: int, seconds: int, output: Path) -> None:
        self.name, self.output = name, output
        spy = shutil.which("py-spy") or str(Path(os.sys.executable).with_name("py-spy"))
        self._process = None
        if Path(spy).exists():
            self._process = subprocess.Popen(
                [spy, "record", "--pid", str(pid), "--duration", str(seconds), "--rate", "50", "--format", "raw",
                 "--output", str(output), "--nonblocking"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def summary(self, top: int = 15) -> dict:
        if self._process is None:
            return {"process": self.name, "note": "py-spy not installed"}
        try:
            self._process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self._process.kill()
        if not self.output.exists():
            return {"process": self.name, "note": "py-spy recorded nothing"}
        own: Counter[str] = Counter()
        total = 0
        for line in self.output.read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            if not count.isdigit():
                continue
            total += int(count)
            own[stack.split(";")[-1]] += int(count)  # the frame the sample was taken in
        return {"process": self.name, "samples": total, "output": str(self.output),
                "self_time": [{"function": frame, "share": round(count / max(total, 1), 3)}
                              for frame, count in own.most_common(top)]}
