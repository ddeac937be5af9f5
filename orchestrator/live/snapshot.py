"""What a page needs to draw a cluster from scratch, and the playground state beside it."""
from __future__ import annotations

from orchestrator import quantity
from orchestrator.controlplane import clock
from orchestrator.models import Cluster, Event, Machine
from orchestrator.store.kinds import KINDS
from orchestrator.store.serialize import to_dict

from . import presenters

RECENT_EVENTS = 200


def cluster_state(cluster: Cluster) -> dict:
    return {
        "name": cluster.name,
        "profile": cluster.profile,
        "components": cluster.components,
        "clock": {"now": clock.sim_now(cluster).isoformat(), "speed": cluster.clock_speed, "paused": cluster.clock_paused},
        "stepping": {"on": cluster.stepping, "allowance": cluster.step_allowance, "taken": cluster.steps_taken},
    }


def machines_state(cluster: Cluster) -> list[dict]:
    return [
        {"name": m.name, "role": m.role, "runtime": m.runtime, "powered": m.powered,
         "cpu": quantity.format_cpu_millis(m.cpu_m), "memory": quantity.format_memory_bytes(m.memory), "pods": m.max_pods}
        for m in Machine.objects.filter(cluster=cluster)
    ]


def compared_state(cluster: dict, machines: list[dict]) -> tuple[dict, list[dict]]:
    """Return the playground state a delta compares and sends: the clock without `now`, which
    moves every frame (pages run the clock themselves from its speed)."""
    return {**cluster, "clock": {k: v for k, v in cluster["clock"].items() if k != "now"}}, machines


def playground_state(cluster_id: int) -> tuple[dict, list[dict]] | None:
    """Return (cluster, machines) as deltas carry them, or None when the cluster is gone."""
    cluster = Cluster.objects.filter(pk=cluster_id).first()
    if cluster is None:
        return None
    return compared_state(cluster_state(cluster), machines_state(cluster))


def snapshot(cluster_id: int) -> dict | None:
    """Return a snapshot of the cluster: revision first, then objects (never older than it)."""
    cluster = Cluster.objects.filter(pk=cluster_id).first()
    if cluster is None:
        return None
    revision = cluster.revision
    objects = []
    for kind in presenters.KINDS_SHOWN:
        info = KINDS[kind]
        rows = info.model.objects.filter(cluster=cluster)
        if kind == "Event":
            rows = Event.objects.filter(cluster=cluster).order_by("-id")[:RECENT_EVENTS]
        objects.extend(presenters.present(to_dict(info, row, copy_body=False)) for row in rows)
    return {
        "type": "snapshot",
        "revision": revision,
        "cluster": cluster_state(cluster),
        "machines": machines_state(cluster),
        "objects": objects,
    }
