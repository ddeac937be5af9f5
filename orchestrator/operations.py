"""Composite operations the UI offers, done as kubectl does them, through the store."""
from __future__ import annotations

import copy

import yaml

from orchestrator.models import Cluster, Event, Pod, Sandbox, SchedulingRecord
from orchestrator.store import services
from orchestrator.store.errors import BadRequest
from orchestrator.store.kinds import KINDS
from orchestrator.store.serialize import to_dict
from orchestrator.store.services import Batch

from .live import presenters


def node_drain(*, cluster: Cluster, node: str) -> list[str]:
    """Cordon the node and evict its pods (graceful deletes), as `kubectl drain` does."""
    with Batch(cluster, component="playground-ui") as batch:
        row = batch.row("Node", "", node)
        if row is None:
            raise services.not_found(KINDS["Node"], node)
        obj = to_dict(KINDS["Node"], row)
        if not obj["spec"].get("unschedulable"):
            obj["spec"]["unschedulable"] = True
            batch.update("Node", obj)
        evicted = []
        for pod in Pod.objects.filter(cluster=cluster, node_name=node, deletion_timestamp__isnull=True).exclude(phase__in=("Succeeded", "Failed")):
            batch.delete("Pod", pod.namespace, pod.name)
            evicted.append(f"{pod.namespace}/{pod.name}")
    return evicted


def object_details(*, cluster: Cluster, kind: str, namespace: str, name: str) -> dict:
    """Return an object with its YAML (as kubectl prints it), its events, and for a pod its
    logs and the scheduler's last decision."""
    if kind not in KINDS:
        raise BadRequest(f'unknown kind "{kind}": expected one of {", ".join(sorted(KINDS))}')
    info = KINDS[kind]
    row = info.model.objects.filter(cluster=cluster, namespace=namespace if info.namespaced else "", name=name).first()
    if row is None:
        raise services.not_found(info, name)
    obj = to_dict(info, row)
    shown = copy.deepcopy(obj)
    shown["metadata"].pop("managedFields", None)
    events = Event.objects.filter(cluster=cluster, involved_uid=str(row.uid)).order_by("id")
    details = {
        "object": obj,
        "yaml": yaml.safe_dump(shown, sort_keys=False, default_flow_style=False),
        "events": [presenters.event(to_dict(KINDS["Event"], e)) for e in events],
    }
    if kind == "Pod":
        details["logs"] = _logs(cluster, row)
        record = SchedulingRecord.objects.filter(pod_uid=str(row.uid)).first()
        details["scheduling"] = None if record is None else {"node": record.node_name, "message": record.message, "nodes": record.nodes}
    return details


def _logs(cluster: Cluster, pod) -> dict | None:
    sandbox = Sandbox.objects.filter(cluster=cluster, pod_uid=str(pod.uid)).first()
    if sandbox is None:
        return None
    containers = sandbox.state.get("containers", {})
    return {name: [line for _, line in state.get("logs", [])] for name, state in containers.items()}
