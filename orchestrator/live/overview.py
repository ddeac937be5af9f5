"""The teacher's overview: every cluster as a small picture with counts and a health verdict.

The teacher's page polls this once a second for all the learners' clusters, so it is read
with four queries (clusters, machines, nodes, pods) whatever the number of clusters, and
only the columns it needs. Pod states use the vocabulary of the cluster page's chips
(static/js/playground/podstate.js) so a thumbnail's dots mean what the chips mean.
"""
from __future__ import annotations

from collections import defaultdict

from orchestrator.api.tables import pod_status
from orchestrator.controllers.podutil import condition, is_ready
from orchestrator.models import Cluster, Machine, Node, Pod
from orchestrator.models.cluster import COMPONENTS

# Without these the API is gone: nothing can be read or changed.
API_COMPONENTS = ("etcd", "kube-apiserver")
COUNTED = {"ready": "running", "running": "running", "pending": "pending", "creating": "pending",
           "crash": "failing", "imgerr": "failing", "failed": "failing", "evicted": "failing",
           "terminating": "terminating", "succeeded": "succeeded"}
VERDICT_PROBLEMS = 3  # problems named in the verdict's text; the rest are counted


def pod_state(*, phase: str, node: str, deleting: bool, ready: bool, status: str) -> str:
    """One chip state from a pod's phase, node, readiness and kubectl STATUS column."""
    if deleting or status == "Terminating":
        return "terminating"
    if status == "CrashLoopBackOff":
        return "crash"
    if status in ("ErrImagePull", "ImagePullBackOff", "InvalidImageName"):
        return "imgerr"
    if phase == "Succeeded" or status == "Completed":
        return "succeeded"
    if status == "Evicted":
        return "evicted"
    if phase == "Failed" or status == "Error" or status.startswith("Init:Error"):
        return "failed"
    if phase == "Running":
        return "ready" if ready else "running"
    if phase == "Pending":
        return "creating" if node else "pending"
    return "unknown"


def _pod_dot(phase: str, node: str, deletion, spec: dict, status: dict) -> tuple[dict, bool]:
    """The pod as a dot ({name, state, status}) and whether the scheduler found no node for it."""
    text = pod_status({"metadata": {"deletionTimestamp": deletion}, "spec": spec, "status": status})
    unschedulable = not node and (condition(status, "PodScheduled") or {}).get("reason") == "Unschedulable"
    state = pod_state(phase=phase, node=node, deleting=deletion is not None, ready=is_ready(status), status=text)
    return {"state": state, "status": text}, unschedulable


def _node_problem(node: dict) -> str:
    name, status = node["name"], node["status"]
    if not node["powered"]:
        return f"{name} NotReady (powered off)" if status in ("NotReady", "Unknown") else f"{name} powered off"
    return "" if status in ("Ready", "") else f"{name} NotReady"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def health(components: dict, nodes: list[dict], counts: dict, unschedulable: int) -> dict:
    """The verdict: "healthy", "degraded: <problems>", "down: <problems>" (API unavailable), or
    "starting: N nodes registering" for a new cluster whose kubelets have not registered yet."""
    problems = [f"{c} stopped" for c in COMPONENTS if not components.get(c, True)]
    problems += [p for p in (_node_problem(n) for n in nodes) if p]
    registering = sum(1 for n in nodes if n["powered"] and not n["status"])
    if registering:
        problems.append(f"{_plural(registering, 'node')} registering")
    if counts["pods"]["failing"]:
        problems.append(f"{_plural(counts['pods']['failing'], 'pod')} failing")
    if unschedulable:
        problems.append(f"{_plural(unschedulable, 'pod')} unschedulable")
    if not problems:
        return {"level": "healthy", "text": "healthy", "problems": []}
    if any(not components.get(c, True) for c in API_COMPONENTS):
        level = "down"
    else:
        level = "starting" if registering and len(problems) == 1 else "degraded"
    named = ", ".join(problems[:VERDICT_PROBLEMS])
    if len(problems) > VERDICT_PROBLEMS:
        named += f" and {len(problems) - VERDICT_PROBLEMS} more"
    return {"level": level, "text": f"{level}: {named}", "problems": problems}


def _node_status(ready: str | None) -> str:
    return {"True": "Ready", "False": "NotReady", "Unknown": "Unknown"}.get(ready, "")


def clusters_overview() -> list[dict]:
    """Summarise every cluster, by name: nodes with their pods, pending pods, counts, health."""
    clusters = list(Cluster.objects.values("id", "name", "profile", "revision", "components", "clock_paused", "clock_speed"))
    machines = defaultdict(list)
    for m in Machine.objects.values("cluster_id", "name", "role", "powered").order_by("cluster_id", "index"):
        machines[m["cluster_id"]].append(m)
    nodes = {(cid, name): (ready, cordoned) for cid, name, ready, cordoned in
             Node.objects.values_list("cluster_id", "name", "ready", "unschedulable")}
    pods = defaultdict(list)
    for row in Pod.objects.values_list("cluster_id", "namespace", "name", "node_name", "phase", "deletion_timestamp",
                                       "spec", "status").order_by("cluster_id", "namespace", "name"):
        pods[row[0]].append(row[1:])
    return [_summary(c, machines[c["id"]], nodes, pods[c["id"]]) for c in clusters]


def _summary(cluster: dict, machines: list[dict], nodes: dict, pods: list[tuple]) -> dict:
    cid, name = cluster["id"], cluster["name"]
    drawn = {}
    for m in machines:
        ready, cordoned = nodes.get((cid, m["name"]), (None, False))
        drawn[m["name"]] = {"name": m["name"], "role": m["role"], "powered": m["powered"],
                            "status": _node_status(ready), "cordoned": cordoned, "pods": []}
    pending, counts, unschedulable = [], defaultdict(int), 0
    for namespace, pod_name, node, phase, deletion, spec, status in pods:
        dot, stuck = _pod_dot(phase, node, deletion, spec or {}, status or {})
        dot = {"name": f"{namespace}/{pod_name}", **dot}
        (drawn[node]["pods"] if node in drawn else pending).append(dot)
        counts[COUNTED.get(dot["state"], "pending")] += 1
        unschedulable += stuck
    node_list = list(drawn.values())
    summary_counts = {
        "nodes": {"ready": sum(1 for n in node_list if n["status"] == "Ready"), "total": len(node_list)},
        "pods": {key: counts[key] for key in ("running", "pending", "failing", "terminating", "succeeded")},
    }
    components = {c: bool(cluster["components"].get(c, True)) for c in COMPONENTS}
    return {
        "name": name,
        "profile": cluster["profile"],
        "revision": cluster["revision"],
        "clock": {"paused": cluster["clock_paused"], "speed": cluster["clock_speed"]},
        "components": components,
        "nodes": node_list,
        "pending": pending,
        "counts": summary_counts,
        "health": health(components, node_list, summary_counts, unschedulable),
        "links": {"page": f"/clusters/{name}/playground/", "kubeconfig": f"/clusters/{name}/playground/kubeconfig"},
    }
