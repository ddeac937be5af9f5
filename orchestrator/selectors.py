"""Reads for the pages: clusters with their nodes and pods, as the overview shows them."""
from __future__ import annotations

from dataclasses import dataclass, field

from orchestrator.models import Cluster, Machine, Node, Pod


@dataclass
class NodeView:
    name: str
    role: str
    runtime: str
    powered: bool
    status: str
    pods: list[Pod] = field(default_factory=list)


@dataclass
class ClusterView:
    cluster: Cluster
    nodes: list[NodeView]
    pending: list[Pod]


def cluster_overview(cluster: Cluster) -> ClusterView:
    nodes = {n.name: n for n in Node.objects.filter(cluster=cluster)}
    views = {}
    for machine in Machine.objects.filter(cluster=cluster):
        node = nodes.get(machine.name)
        if node is None:
            status = "Registering" if machine.powered else "Off"
        else:
            status = "Ready" if node.ready == "True" else ("NotReady" if node.ready == "False" else "Unknown")
            if node.unschedulable:
                status += ",SchedulingDisabled"
        views[machine.name] = NodeView(machine.name, machine.role, machine.runtime, machine.powered, status)
    pending = []
    for pod in Pod.objects.filter(cluster=cluster).order_by("namespace", "name"):
        if pod.node_name in views:
            views[pod.node_name].pods.append(pod)
        else:
            pending.append(pod)
    return ClusterView(cluster, list(views.values()), pending)


def overview() -> list[ClusterView]:
    return [cluster_overview(c) for c in Cluster.objects.all()]
