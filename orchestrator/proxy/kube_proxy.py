"""kube-proxy: each powered node keeps a table from Service virtual IP and port to the
ready endpoints behind it, rebuilt whenever Services or Endpoints change.

The table lives in the node agents' process, as iptables rules live on each machine; a
node that is off has none. `route` picks an endpoint the way kube-proxy's iptables mode
does: at random among the ready ones.
"""
from __future__ import annotations

import random

from orchestrator.models import Endpoints, Service

Table = dict[tuple[str, int, str], list[tuple[str, int, str]]]


def build_table(cluster) -> Table:
    """Return {(clusterIP, port, protocol): [(pod IP, target port, pod name), ...]} for the cluster."""
    endpoints = {(e.namespace, e.name): e.extra.get("subsets") or [] for e in Endpoints.objects.filter(cluster=cluster)}
    table: Table = {}
    for service in Service.objects.filter(cluster=cluster):
        ip = service.spec.get("clusterIP")
        if not ip or ip == "None":
            continue
        subsets = endpoints.get((service.namespace, service.name), [])
        for port in service.spec.get("ports") or []:
            backends = []
            for subset in subsets:
                target = next((p for p in subset.get("ports") or [] if p.get("name", "") == port.get("name", "")), None)
                if target is None:
                    continue
                for address in subset.get("addresses") or []:
                    backends.append((address["ip"], target["port"], (address.get("targetRef") or {}).get("name", "")))
            table[(ip, int(port.get("port", 0)), port.get("protocol", "TCP"))] = sorted(backends)
    return table


class KubeProxy:
    """The tables of every powered node of every cluster this process serves."""

    def __init__(self) -> None:
        self.tables: dict[int, dict[str, Table]] = {}

    def sync(self, cluster, node_names: list[str], changed: bool) -> None:
        current = self.tables.get(cluster.pk, {})
        if changed or set(current) != set(node_names):
            table = build_table(cluster)
            self.tables[cluster.pk] = {name: table for name in node_names}

    def forget(self, cluster_id: int) -> None:
        self.tables.pop(cluster_id, None)

    def table(self, cluster_id: int, node: str) -> Table:
        return self.tables.get(cluster_id, {}).get(node, {})

    def route(self, cluster_id: int, node: str, ip: str, port: int, protocol: str = "TCP") -> tuple[str, int, str] | None:
        """Return the endpoint a connection from `node` to ip:port goes to, or None (refused)."""
        backends = self.table(cluster_id, node).get((ip, port, protocol)) or []
        return random.choice(backends) if backends else None
