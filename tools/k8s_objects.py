"""Rendered Kubernetes objects: who selects which pods, and whether each pod is hardened.

Part of tools/k8s_check; findings go to the report passed in.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

GRACE_SECONDS = 30  # what the services' SIGTERM drain is built to fit in
# Web workloads: they serve HTTP on the port named http (set by this variable), consume no topic,
# hold no policy and are probed over HTTP.
WEB_SERVICES = {"console": "CONSOLE_PORT"}


def ref(doc: dict[str, Any]) -> str:
    return f"{doc.get('kind')}/{doc.get('metadata', {}).get('name')}"


def of_kind(docs: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [doc for doc in docs if doc.get("kind") == kind]


def pod_labels(deployment: dict[str, Any]) -> dict[str, str]:
    return deployment["spec"]["template"].get("metadata", {}).get("labels", {})


def selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    """A LabelSelector (matchLabels, matchExpressions) against one label set; {} selects all."""
    if any(labels.get(key) != value for key, value in selector.get("matchLabels", {}).items()):
        return False
    tests = {"In": lambda e: labels.get(e["key"]) in e.get("values", ()),
             "NotIn": lambda e: labels.get(e["key"]) not in e.get("values", ()),
             "Exists": lambda e: e["key"] in labels, "DoesNotExist": lambda e: e["key"] not in labels}
    return all(tests[expr["operator"]](expr) for expr in selector.get("matchExpressions", ()))


def selected(selector: dict[str, Any] | None, deployments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if selector is None:
        return []
    return [deployment for deployment in deployments if selects(selector, pod_labels(deployment))]


def service_selector(service: dict[str, Any]) -> dict[str, Any] | None:
    """A Service's plain label map as a LabelSelector; None when it has none (manual endpoints)."""
    labels = service["spec"].get("selector")
    return {"matchLabels": labels} if labels else None


def web_service_of(deployment: dict[str, Any]) -> str | None:
    return service_of(deployment, WEB_SERVICES)


def service_of(deployment: dict[str, Any], known: dict[str, Any]) -> str | None:
    """The service a Deployment runs, from `python -m services.<name>` in its command or args."""
    for container in deployment["spec"]["template"]["spec"]["containers"]:
        for word in [*container.get("command", ()), *container.get("args", ())]:
            if word.startswith("services.") and word.split(".", 1)[1] in known:
                return word.split(".", 1)[1]
    return None


def check_pods(report, tag: str, docs: list[dict[str, Any]], consumed: dict[str, Any]) -> None:
    selectors = [service_selector(s) for s in of_kind(docs, "Service")]
    accounts = {a["metadata"]["name"] for a in of_kind(docs, "ServiceAccount")}
    for deployment in of_kind(docs, "Deployment"):
        where, pod = f"[{tag}] {ref(deployment)}", deployment["spec"]["template"]["spec"]
        for problem in pod_problems(pod, deployment, consumed, accounts):
            report.fail(where, problem)
        if not any(selector and selects(selector, pod_labels(deployment)) for selector in selectors):
            report.fail(where, "no Service selects its pods")


def pod_problems(pod: dict[str, Any], deployment: dict[str, Any], consumed: dict[str, Any],
                 accounts: set[str]) -> Iterator[str]:
    web = web_service_of(deployment) is not None
    if not web and service_of(deployment, consumed) is None:
        yield f"runs none of the services {sorted(consumed)} (python -m services.<name>)"
    if pod.get("serviceAccountName") not in accounts:
        yield f"serviceAccountName {pod.get('serviceAccountName')!r} is not a rendered ServiceAccount"
    if pod.get("terminationGracePeriodSeconds") != GRACE_SECONDS:
        yield f"terminationGracePeriodSeconds must be {GRACE_SECONDS} (the services' drain fits in it)"
    empty_dirs = {v["name"] for v in pod.get("volumes", ()) if "emptyDir" in v}
    for container in pod["containers"]:
        yield from container_problems(container, pod, empty_dirs, WEB_SERVICES.get(web_service_of(deployment) or ""))


def container_problems(container: dict[str, Any], pod: dict[str, Any], empty_dirs: set[str],
                       web_port_variable: str | None = None) -> Iterator[str]:
    name, security = container["name"], container.get("securityContext", {})
    if not (security.get("runAsNonRoot") or pod.get("securityContext", {}).get("runAsNonRoot")):
        yield f"container {name}: runAsNonRoot is not set"
    if not security.get("readOnlyRootFilesystem"):
        yield f"container {name}: readOnlyRootFilesystem is not true"
    if security.get("allowPrivilegeEscalation", True):
        yield f"container {name}: allowPrivilegeEscalation is not false"
    resources = container.get("resources", {})
    for part in ("requests", "limits"):
        missing = {"cpu", "memory"} - set(resources.get(part, {}))
        if missing:
            yield f"container {name}: no {part} for {', '.join(sorted(missing))}"
    if not any(m["mountPath"] == "/tmp" and m["name"] in empty_dirs for m in container.get("volumeMounts", ())):
        yield f"container {name}: /tmp is not an emptyDir (the root filesystem is read-only)"
    env = {var["name"]: var.get("value") for var in container.get("env", ())}
    if web_port_variable:
        yield from web_problems(container, env, web_port_variable)
        return
    grpc_port = next((p["containerPort"] for p in container.get("ports", ()) if p.get("name") == "grpc"), None)
    if grpc_port is None or env.get("GRPC_PORT") != str(grpc_port):
        yield f"container {name}: GRPC_PORT {env.get('GRPC_PORT')!r} does not match the port named grpc ({grpc_port})"
    yield from probe_problems(container, env, grpc_port)
    yield from policy_mount_problems(container, pod, env)


def web_problems(container: dict[str, Any], env: dict[str, str | None], variable: str) -> Iterator[str]:
    """HTTP on the port named http, as ``variable`` sets it, and HTTP probes on that port."""
    name = container["name"]
    port = next((p["containerPort"] for p in container.get("ports", ()) if p.get("name") == "http"), None)
    if port is None or env.get(variable) != str(port):
        yield f"container {name}: {variable} {env.get(variable)!r} does not match the port named http ({port})"
    for probe in ("readinessProbe", "livenessProbe"):
        probed = container.get(probe, {}).get("httpGet", {}).get("port")
        if probed not in ("http", port):
            yield f"container {name}: {probe} is not an HTTP probe on the port named http ({port})"


def probe_problems(container: dict[str, Any], env: dict[str, str | None], grpc_port: int | None) -> Iterator[str]:
    """gRPC probes on the gRPC port; with TLS there (kubelet's probes speak plaintext only), on the
    plaintext health port named grpc-health that GRPC_HEALTH_PORT opens."""
    name, probed, what = container["name"], grpc_port, "the port named grpc"
    if env.get("GRPC_TLS_CERT_FILE"):
        probed = next((p["containerPort"] for p in container.get("ports", ()) if p.get("name") == "grpc-health"), None)
        what = "the port named grpc-health (gRPC has TLS)"
        if probed is None or env.get("GRPC_HEALTH_PORT") != str(probed):
            yield (f"container {name}: gRPC has TLS but GRPC_HEALTH_PORT {env.get('GRPC_HEALTH_PORT')!r} does not "
                   f"match a port named grpc-health ({probed})")
    for probe in ("readinessProbe", "livenessProbe"):
        port = container.get(probe, {}).get("grpc", {}).get("port")
        if port != probed:
            yield f"container {name}: {probe} is not a gRPC probe on {what} ({probed})"


def policy_mount_problems(container: dict[str, Any], pod: dict[str, Any], env: dict[str, str | None]) -> Iterator[str]:
    """POLICY_FILE must name a key of a ConfigMap mounted into the container."""
    path = env.get("POLICY_FILE")
    if not path:
        yield f"container {container['name']}: POLICY_FILE is not set"
        return
    volumes = {v["name"]: v for v in pod.get("volumes", ())}
    for mount in container.get("volumeMounts", ()):
        config_map = volumes.get(mount["name"], {}).get("configMap")
        prefix = mount["mountPath"].rstrip("/") + "/"
        if config_map is not None and path.startswith(prefix):
            return
    yield f"container {container['name']}: POLICY_FILE {path} is not inside a mounted ConfigMap"
