"""The conditions that show a scenario's step done, each read from the cluster's objects.

A condition is evaluated into (satisfied, detail): the detail says what the cluster shows
now ("4 of 6 pods Ready, on 2 nodes"), so a learner sees how far along things are.
Counts are exact unless the parameter says `min_`.
"""
from __future__ import annotations

import math

from orchestrator.api.selectors import labels_match, parse_label_selector
from orchestrator.controllers.podutil import condition as pod_condition
from orchestrator.controllers.podutil import is_ready
from orchestrator.models import Cluster, Deployment, Endpoints, Machine, Namespace, Node, Pod
from orchestrator.models.cluster import COMPONENTS
from orchestrator.traffic.generator import HISTORY_SECONDS
from orchestrator.traffic.stats import traffic_stats

from .params import Kind, Param, parse_taint, selector_problem, taint_problem, taint_text

NODE_READY = ("True", "False", "Unknown")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _pods(cluster: Cluster, p: dict, *, live: bool = True) -> list[Pod]:
    """Pods of the selector in the namespace (live: not being deleted and not finished)."""
    requirements = parse_label_selector(p["selector"])
    rows = Pod.objects.filter(cluster=cluster, namespace=p["namespace"])
    if live:
        rows = rows.filter(deletion_timestamp__isnull=True).exclude(phase__in=("Succeeded", "Failed"))
    return [pod for pod in rows if labels_match(requirements, pod.labels)]


def _of(p: dict) -> str:
    return f"of {p['selector']}" + ("" if p["namespace"] == "default" else f" in {p['namespace']}")


SELECTOR = Param("selector", str, required=True, check=selector_problem)
NAMESPACE = Param("namespace", str, default="default")


# -- pods ---------------------------------------------------------------------------------
def _describe_pods(p: dict) -> str:
    where = f" on {p['node']}" if p.get("node") else ""
    parts = []
    if p.get("ready") is not None:
        parts.append(f"{_plural(p['ready'], 'pod')} {_of(p)}{where} Ready")
    if p.get("count") is not None:
        parts.append(f"{_plural(p['count'], 'pod')} {_of(p)}{where} in all" if parts else f"{_plural(p['count'], 'pod')} {_of(p)}{where}")
    text = " and ".join(parts) if parts else f"pods {_of(p)}{where}"
    if p.get("min_nodes") is not None:
        text += f", on at least {_plural(p['min_nodes'], 'node')}"
    if p.get("not_on"):
        text += f", none on {p['not_on']}"
    return text


def _pods_check(cluster: Cluster, p: dict) -> tuple[bool, str]:
    pods = _pods(cluster, p)
    if p.get("node"):
        pods = [pod for pod in pods if pod.node_name == p["node"]]
    ready = [pod for pod in pods if pod.phase == "Running" and is_ready(pod.status)]
    nodes = {pod.node_name for pod in ready}
    ok = True
    parts = []
    if p.get("ready") is not None:
        ok &= len(ready) == p["ready"]
        parts.append(f"{len(ready)} of {p['ready']} Ready")
    if p.get("count") is not None:
        ok &= len(pods) == p["count"]
    parts.append(f"{_plural(len(pods), 'pod')} exist" + (f" on {p['node']}" if p.get("node") else ""))
    if p.get("min_nodes") is not None:
        ok &= len(nodes) >= p["min_nodes"]
        parts.append(f"Ready on {_plural(len(nodes), 'node')}")
    if p.get("not_on"):
        there = sum(1 for pod in pods if pod.node_name == p["not_on"])
        ok &= there == 0
        parts.append(f"{there} on {p['not_on']}")
    return ok, ", ".join(parts)


# -- pods_pending ---------------------------------------------------------------------------
def _describe_pending(p: dict) -> str:
    text = f"{_plural(p['count'], 'pod')} {_of(p)} Pending without a node"
    return text + (f", the scheduler saying \"{p['reason']}\"" if p.get("reason") else "")


def _pending_check(cluster: Cluster, p: dict) -> tuple[bool, str]:
    pending = [pod for pod in _pods(cluster, p) if not pod.node_name]
    if not p.get("reason"):
        return len(pending) == p["count"], f"{len(pending)} Pending without a node"
    said = [pod for pod in pending if p["reason"] in ((pod_condition(pod.status, "PodScheduled") or {}).get("message") or "")]
    return len(said) == p["count"], f"{len(pending)} Pending without a node, {len(said)} of them \"{p['reason']}\""


# -- pods_waiting ---------------------------------------------------------------------------
def _waiting_reasons(pod: Pod) -> list[str]:
    return [((c.get("state") or {}).get("waiting") or {}).get("reason") or "" for c in pod.status.get("containerStatuses") or []]


def _restarts(pod: Pod) -> int:
    return max((c.get("restartCount", 0) for c in pod.status.get("containerStatuses") or []), default=0)


def _describe_waiting(p: dict) -> str:
    text = f"{_plural(p['count'], 'pod')} {_of(p)} waiting in {p['reason']}"
    return text + (f" after at least {_plural(p['min_restarts'], 'restart')}" if p.get("min_restarts") else "")


def _waiting_check(cluster: Cluster, p: dict) -> tuple[bool, str]:
    pods = _pods(cluster, p)
    waiting = [pod for pod in pods if any(p["reason"] in reason for reason in _waiting_reasons(pod) if reason)]
    enough = [pod for pod in waiting if _restarts(pod) >= p["min_restarts"]]
    detail = f"{len(waiting)} of {_plural(len(pods), 'pod')} waiting in {p['reason']}"
    if p["min_restarts"]:
        detail += f", {len(enough)} with {p['min_restarts']}+ restarts (most: {max((_restarts(pod) for pod in pods), default=0)})"
    return len(enough) == p["count"], detail


# -- no_pods_on -----------------------------------------------------------------------------
def _describe_no_pods_on(p: dict) -> str:
    return f"no pods {_of(p)} on {p['node']}, not even Terminating ones"


def _no_pods_on_check(cluster: Cluster, p: dict) -> tuple[bool, str]:
    there = [pod for pod in _pods(cluster, p, live=False) if pod.node_name == p["node"]]
    terminating = sum(1 for pod in there if pod.deletion_timestamp is not None)
    detail = f"{_plural(len(there), 'pod')} on {p['node']}" + (f" ({terminating} Terminating)" if terminating else "")
    return not there, detail


# -- node -----------------------------------------------------------------------------------
def _describe_node(p: dict) -> str:
    parts = []
    if p.get("powered") is not None:
        parts.append("powered on" if p["powered"] else "powered off")
    if p.get("ready"):
        parts.append(f"Ready={p['ready']}")
    if p.get("unschedulable") is not None:
        parts.append("cordoned (SchedulingDisabled)" if p["unschedulable"] else "schedulable")
    if p.get("taint"):
        parts.append(f"tainted {p['taint']}")
    if p.get("no_taint"):
        parts.append(f"without the taint {p['no_taint']}")
    return f"node {p['name']} " + ", ".join(parts)


def _matches_taint(taint: dict, wanted: dict) -> bool:
    return all(taint.get(k) == v for k, v in wanted.items())


def _node_check(cluster: Cluster, p: dict) -> tuple[bool, str]:
    ok = True
    parts = []
    if p.get("powered") is not None:
        machine = Machine.objects.filter(cluster=cluster, name=p["name"]).first()
        powered = machine is not None and machine.powered
        ok &= machine is not None and powered == p["powered"]
        parts.append("no such machine" if machine is None else ("powered on" if powered else "powered off"))
    wants_node = any(p.get(k) is not None for k in ("ready", "unschedulable", "taint", "no_taint"))
    node = Node.objects.filter(cluster=cluster, name=p["name"]).first()
    if wants_node and node is None:
        return False, ", ".join(parts + ["not registered"])
    if node is not None and wants_node:
        taints = node.spec.get("taints") or []
        if p.get("ready"):
            ok &= node.ready == p["ready"]
            parts.append(f"Ready={node.ready}")
        if p.get("unschedulable") is not None:
            ok &= bool(node.spec.get("unschedulable")) == p["unschedulable"]
            parts.append("cordoned" if node.spec.get("unschedulable") else "schedulable")
        if p.get("taint"):
            ok &= any(_matches_taint(t, parse_taint(p["taint"])) for t in taints)
        if p.get("no_taint"):
            ok &= not any(_matches_taint(t, parse_taint(p["no_taint"])) for t in taints)
        if p.get("taint") or p.get("no_taint"):
            parts.append("taints: " + (", ".join(taint_text(t) for t in taints) or "none"))
    return ok, ", ".join(parts)


# -- deployment -----------------------------------------------------------------------------
def _describe_deployment(p: dict) -> str:
    parts = []
    if p.get("available") is not None:
        parts.append(f"{p['available']} available")
    if p.get("updated") is not None:
        parts.append(f"{p['updated']} updated")
    if p.get("image"):
        parts.append(f"image {p['image']}")
    if p.get("complete"):
        parts.append("rollout complete")
    return f"deployment {p['name']}" + ("" if p["namespace"] == "default" else f" in {p['namespace']}") + ": " + ", ".join(parts)


def _deployment_check(cluster: Cluster, p: dict) -> tuple[bool, str]:
    row = Deployment.objects.filter(cluster=cluster, namespace=p["namespace"], name=p["name"]).first()
    if row is None:
        return False, f'deployment "{p["name"]}" not found'
    status, spec = row.status, row.spec
    available, updated = status.get("availableReplicas", 0), status.get("updatedReplicas", 0)
    images = [c.get("image") for c in spec.get("template", {}).get("spec", {}).get("containers") or []]
    complete = (status.get("observedGeneration", 0) >= row.generation
                and updated == status.get("replicas", 0) == available == spec.get("replicas", 1))
    ok = True
    if p.get("available") is not None:
        ok &= available == p["available"]
    if p.get("updated") is not None:
        ok &= updated == p["updated"]
    if p.get("image"):
        ok &= p["image"] in images
    if p.get("complete"):
        ok &= complete
    detail = f"{available} available, {updated} updated of {spec.get('replicas', 1)}, image {', '.join(images)}"
    return ok, detail + (", rollout complete" if complete else ", rollout in progress")


# -- endpoints ------------------------------------------------------------------------------
def _describe_endpoints(p: dict) -> str:
    where = "" if p["namespace"] == "default" else f" in {p['namespace']}"
    text = f"service {p['service']}{where} sends traffic to "
    text += _plural(p["count"], "ready pod") if p.get("count") is not None else "ready pods"
    if p.get("not_on"):
        text += f", none on {p['not_on']}"
    if p.get("stale") is not None:
        text += f", {p['stale']} of them already gone" if p["stale"] else ", all of them alive"
    return text


def _endpoints_check(cluster: Cluster, p: dict) -> tuple[bool, str]:
    row = Endpoints.objects.filter(cluster=cluster, namespace=p["namespace"], name=p["service"]).first()
    addresses = [a for s in (row.extra.get("subsets") or [] if row else []) for a in s.get("addresses") or []]
    uids = [(a.get("targetRef") or {}).get("uid") for a in addresses]
    alive = set(str(u) for u in Pod.objects.filter(cluster=cluster, uid__in=[u for u in uids if u], deletion_timestamp__isnull=True).values_list("uid", flat=True))
    stale = sum(1 for u in uids if u not in alive)
    there = sum(1 for a in addresses if a.get("nodeName") == p.get("not_on"))
    ok = p.get("count") is None or len(addresses) == p["count"]
    parts = [f"{_plural(len(addresses), 'ready address')}"]
    if p.get("not_on"):
        ok &= there == 0
        parts.append(f"{there} on {p['not_on']}")
    if p.get("stale") is not None:
        ok &= stale == p["stale"]
        parts.append(f"{stale} of a pod that is gone")
    return ok, ", ".join(parts) if row else "no Endpoints object"


# -- component, namespace -------------------------------------------------------------------
def _component_check(cluster: Cluster, p: dict) -> tuple[bool, str]:
    cluster.refresh_from_db(fields=["components"])
    running = cluster.component_running(p["name"])
    return running == p["running"], f"{p['name']} is {'running' if running else 'stopped'}"


def _namespace_check(cluster: Cluster, p: dict) -> tuple[bool, str]:
    row = Namespace.objects.filter(cluster=cluster, name=p["name"]).first()
    if row is None:
        return not p["exists"], f"namespace {p['name']} does not exist"
    phase = "Terminating" if row.deletion_timestamp is not None else "Active"
    return p["exists"], f"namespace {p['name']} exists ({phase})"


# -- traffic ------------------------------------------------------------------------------
def _describe_traffic(p: dict) -> str:
    bounds = []
    if p.get("min_success") is not None:
        bounds.append(f"at least {p['min_success']:.0%}")
    if p.get("max_success") is not None:
        bounds.append(f"at most {p['max_success']:.0%}")
    return f"{' and '.join(bounds)} of the requests of the last {_plural(p['seconds'], 'second')} succeed"


def _traffic_check(cluster: Cluster, p: dict) -> tuple[bool, str]:
    cluster.refresh_from_db(fields=["traffic", "clock_speed", "clock_paused", "clock_sim_anchor", "clock_wall_anchor"])
    stats = traffic_stats(cluster=cluster, seconds=p["seconds"])
    sent = sum(s["ok"] + s["failed"] for s in stats["series"])
    if not stats["on"]:
        return False, "the traffic is off"
    if not sent:
        return False, "no requests sent yet"
    rate = stats["successRate"]
    ok = (p.get("min_success") is None or rate >= p["min_success"]) and (p.get("max_success") is None or rate <= p["max_success"])
    reasons = ", ".join(f"{n} {reason}" for reason, n in sorted(stats["reasons"].items()))
    shown = math.floor(rate * 1000) / 10  # rounded down: 99.96% is not shown as 100%
    return ok, f"{shown:g}% of {_plural(sent, 'request')} succeeded" + (f" ({reasons})" if reasons else "")


def _fraction_problem(value) -> str | None:
    return None if value <= 1 else f"must be a fraction from 0 to 1 (0.95 for 95%), not {value}"


def _seconds_problem(value) -> str | None:
    return None if 1 <= value <= HISTORY_SECONDS else f"must be from 1 to {HISTORY_SECONDS} seconds, not {value}"


CONDITIONS: dict[str, Kind] = {kind.name: kind for kind in (
    Kind("pods", (SELECTOR, NAMESPACE, Param("ready", int), Param("count", int), Param("node", str),
                  Param("min_nodes", int), Param("not_on", str)),
         _describe_pods, _pods_check, one_of=("ready", "count", "min_nodes", "not_on")),
    Kind("pods_pending", (SELECTOR, NAMESPACE, Param("count", int, required=True), Param("reason", str)),
         _describe_pending, _pending_check),
    Kind("pods_waiting", (SELECTOR, NAMESPACE, Param("reason", str, required=True), Param("count", int, default=1),
                          Param("min_restarts", int, default=0)),
         _describe_waiting, _waiting_check),
    Kind("no_pods_on", (SELECTOR, NAMESPACE, Param("node", str, required=True)), _describe_no_pods_on, _no_pods_on_check),
    Kind("node", (Param("name", str, required=True), Param("ready", str, choices=NODE_READY), Param("unschedulable", bool),
                  Param("taint", str, check=taint_problem), Param("no_taint", str, check=taint_problem), Param("powered", bool)),
         _describe_node, _node_check, one_of=("ready", "unschedulable", "taint", "no_taint", "powered")),
    Kind("deployment", (Param("name", str, required=True), NAMESPACE, Param("available", int), Param("updated", int),
                        Param("image", str), Param("complete", bool)),
         _describe_deployment, _deployment_check, one_of=("available", "updated", "image", "complete")),
    Kind("endpoints", (Param("service", str, required=True), NAMESPACE, Param("count", int),
                       Param("not_on", str), Param("stale", int)),
         _describe_endpoints, _endpoints_check, one_of=("count", "not_on", "stale")),
    Kind("traffic", (Param("seconds", int, default=3, check=_seconds_problem), Param("min_success", float, check=_fraction_problem),
                     Param("max_success", float, check=_fraction_problem)),
         _describe_traffic, _traffic_check, one_of=("min_success", "max_success")),
    Kind("component", (Param("name", str, required=True, choices=COMPONENTS), Param("running", bool, required=True)),
         lambda p: f"{p['name']} {'running' if p['running'] else 'stopped'}", _component_check),
    Kind("namespace", (Param("name", str, required=True), Param("exists", bool, required=True)),
         lambda p: f"namespace {p['name']} {'exists' if p['exists'] else 'is gone'}", _namespace_check),
)}
