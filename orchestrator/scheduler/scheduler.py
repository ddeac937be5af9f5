"""kube-scheduler: bind each pending pod to the best node, or say why none fits.

Each pass takes the pods that wait for a node, builds one snapshot of the nodes and
what is already placed on them, and runs the framework for each pod in turn (updating
the snapshot as pods are placed), all in one batch. A pod that fits nowhere gets a
FailedScheduling event and is retried when nodes or pods change, or after a back-off.
"""
from __future__ import annotations

from django.db.models import Count, Sum

from orchestrator.controlplane import clock
from orchestrator.controlplane.runner import Component
from orchestrator.models import Cluster, Node, Pod, SchedulingRecord
from orchestrator.store import watch
from orchestrator.store.errors import StoreError, Unavailable
from orchestrator.store.kinds import KINDS
from orchestrator.store.serialize import format_time, to_dict
from orchestrator.store.services import Batch

from .framework import NodeInfo, schedule_one
from .registry import default_plugins

BATCH = 200  # pods per pass
RETRY_MIN, RETRY_MAX = 1.0, 60.0  # back-off (simulated seconds) for unschedulable pods


def node_snapshot(cluster: Cluster) -> list[NodeInfo]:
    """Build NodeInfos from the store: each node with the requests of the pods bound to it."""
    infos = {row.name: NodeInfo(name=row.name, node=to_dict(KINDS["Node"], row)) for row in Node.objects.filter(cluster=cluster).order_by("name")}
    placed = (
        Pod.objects.filter(cluster=cluster)
        .exclude(node_name="")
        .exclude(phase__in=("Succeeded", "Failed"))
        .values("node_name", "owner_uid")
        .annotate(cpu=Sum("cpu_request_m"), memory=Sum("memory_request"), count=Count("id"))
    )
    for row in placed:
        info = infos.get(row["node_name"])
        if info is None:
            continue
        info.requested_cpu_m += row["cpu"] or 0
        info.requested_memory += row["memory"] or 0
        info.pod_count += row["count"]
        if row["owner_uid"]:
            info.workload_pods[row["owner_uid"]] = info.workload_pods.get(row["owner_uid"], 0) + row["count"]
    return list(infos.values())


RECORDED_NODES = 100  # nodes kept in a pod's scheduling record: the chosen, the best, then the rejected


def recorded_nodes(result) -> list[dict]:
    """Each node's verdict as the "why here / why Pending" panel shows it; on a big cluster the
    chosen node, the best-scored others and some of the rejected ones."""
    nodes = result.nodes
    if len(nodes) > RECORDED_NODES:
        feasible = sorted((n for n in nodes if n.feasible), key=lambda n: (n.node != result.node_name, -n.total))
        rejected = [n for n in nodes if not n.feasible]
        nodes = feasible[:RECORDED_NODES // 2] + rejected[:RECORDED_NODES - min(len(feasible), RECORDED_NODES // 2)]
        nodes = nodes[:RECORDED_NODES]
    return [
        {"node": n.node, "feasible": n.feasible, "rejected_by": n.rejected_by, "reasons": list(n.reasons), "scores": dict(n.scores), "total": n.total}
        for n in nodes
    ]


class Scheduler(Component):
    name = "kube-scheduler"
    switch = "kube-scheduler"
    leader_elect = True
    follows = ("Pod", "Node")

    def __init__(self) -> None:
        super().__init__()
        self.plugins = default_plugins()

    def tick(self, cluster: Cluster) -> float | None:
        state = self.state(cluster)
        now = clock.sim_seconds(cluster)
        backoff: dict[str, tuple[float, float]] = state.setdefault("backoff", {})
        if self._cluster_changed(cluster, state):
            for uid, (_, delay) in list(backoff.items()):
                backoff[uid] = (0.0, delay)  # a change may make room: try again now
        pending = list(
            Pod.objects.filter(cluster=cluster, node_name="", deletion_timestamp__isnull=True, phase="Pending")
            .order_by("creation_timestamp", "id")[: BATCH * 5]
        )
        live = {str(p.uid) for p in pending}
        for uid in list(backoff):
            if uid not in live:
                del backoff[uid]
        due = [p for p in pending if backoff.get(str(p.uid), (0.0, 0.0))[0] <= now and (p.spec.get("schedulerName") or "default-scheduler") == "default-scheduler"][:BATCH]
        if due:
            self._schedule(cluster, due, backoff, now)
        waits = [at - now for at, _ in backoff.values() if at > now]
        return min(waits) if waits else None

    def _cluster_changed(self, cluster: Cluster, state: dict) -> bool:
        """Return whether nodes changed or pods went away since the last pass."""
        entries = watch.follow(cluster=cluster, state=state, kinds=("Node", "Pod"))
        if entries is None:
            return True
        return any(e.kind == "Node" or e.event_type == "DELETED" or (e.object.get("metadata") or {}).get("deletionTimestamp") for e in entries)

    def _schedule(self, cluster: Cluster, pods: list[Pod], backoff: dict, now: float) -> None:
        # Decide every placement first, on a snapshot of the nodes, and take the store's write
        # lock only to bind: the filters and scores of a big pass must not hold up other writers.
        # A pod that changed meanwhile (deleted, bound) fails its binding and is looked at afresh.
        infos = node_snapshot(cluster)
        by_name = {info.name: info for info in infos}
        decisions = []
        cache: dict = {}  # node-only verdicts per class of alike pods, for this snapshot
        for row in pods:
            pod = to_dict(KINDS["Pod"], row)
            result = schedule_one(pod, infos, self.plugins, cache=cache)
            if result.node_name:
                by_name[result.node_name].add_pod(pod)  # what this pass placed counts for the next pods
            decisions.append((row, pod, result))
        records = []
        with Batch(cluster, component="default-scheduler") as batch:
            batch.lock()
            # The pods as they are now, under the lock, in one read.
            fresh = {str(p.uid): p for p in Pod.objects.filter(cluster=cluster, uid__in=[row.uid for row, _, _ in decisions])}
            for row, pod, result in decisions:
                record = SchedulingRecord(
                    pod_uid=str(row.uid), namespace=row.namespace, name=row.name, cluster=cluster,
                    node_name=result.node_name or "", message=result.message, nodes=recorded_nodes(result), attempted_at=now,
                )
                try:
                    with batch.savepoint():
                        if result.node_name:
                            current = fresh.get(str(row.uid))
                            if current is None:
                                continue  # deleted meanwhile
                            bound = batch.bind(row.namespace, row.name, result.node_name, uid=str(row.uid), row=current)
                            batch.event(bound, "Scheduled", f"Successfully assigned {row.namespace}/{row.name} to {result.node_name}")
                            backoff.pop(str(row.uid), None)
                        else:
                            self._unschedulable(batch, pod, result.message)
                            _, delay = backoff.get(str(row.uid), (0.0, RETRY_MIN / 2))
                            delay = min(delay * 2, RETRY_MAX)
                            backoff[str(row.uid)] = (now + delay, delay)
                    records.append(record)
                except Unavailable:
                    raise
                except StoreError:
                    continue  # the pod changed under us; the next pass sees it afresh
            SchedulingRecord.objects.bulk_create(
                records, update_conflicts=True, unique_fields=["pod_uid"],
                update_fields=["namespace", "name", "cluster", "node_name", "message", "nodes", "attempted_at"],
            )

    @staticmethod
    def _unschedulable(batch: Batch, pod: dict, message: str) -> None:
        status = pod.setdefault("status", {})
        conditions = [c for c in status.get("conditions") or [] if c.get("type") != "PodScheduled"]
        previous = next((c for c in status.get("conditions") or [] if c.get("type") == "PodScheduled"), {})
        condition = {"type": "PodScheduled", "status": "False", "lastProbeTime": None, "reason": "Unschedulable", "message": message}
        condition["lastTransitionTime"] = previous.get("lastTransitionTime") if previous.get("status") == "False" else format_time(batch.now)
        status["conditions"] = [condition, *conditions]
        batch.update_status("Pod", pod)
        batch.event(pod, "FailedScheduling", message, type="Warning")
