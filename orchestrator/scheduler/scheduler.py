"""kube-scheduler: bind each pending pod to the best node, or say why none fits.

Each pass takes the pods that wait for a node and runs the framework for each pod in turn
on a snapshot of the nodes and what is already placed on them (kept in memory and moved
along by the revision log), then binds them all in one batch. A pod that fits nowhere gets a
FailedScheduling event and is retried when nodes or pods change, or after a back-off.
"""
from __future__ import annotations

import heapq

from orchestrator.controlplane import clock
from orchestrator.controlplane.runner import Component
from orchestrator.models import Cluster, Node, Pod, SchedulingRecord
from orchestrator.quantity import pod_requests
from orchestrator.store import watch
from orchestrator.store.errors import StoreError, Unavailable
from orchestrator.store.kinds import KINDS
from orchestrator.store.serialize import format_time, to_dict
from orchestrator.store.services import Batch

from .framework import NodeInfo, schedule_one, workload_key
from .registry import default_plugins

BATCH = 200  # pods per pass
RETRY_MIN, RETRY_MAX = 1.0, 60.0  # back-off (simulated seconds) for unschedulable pods
TERMINAL = ("Succeeded", "Failed")  # phases whose pods no longer hold node resources


class NodeSnapshot:
    """The nodes and what is placed on them, kept in memory between passes (kube-scheduler's
    cache): built from the store once, then moved along by the log's Node and Pod entries, and
    by the pods this scheduler binds. Built afresh when the log cannot tell what changed."""

    def __init__(self, cluster: Cluster) -> None:
        self.by_name = {row.name: NodeInfo(name=row.name, node=to_dict(KINDS["Node"], row)) for row in Node.objects.filter(cluster=cluster)}
        self.placed: dict[str, tuple] = {}  # pod uid -> (node, cpu m, memory, workload): what counts on a node
        rows = (
            Pod.objects.filter(cluster=cluster).exclude(node_name="").exclude(phase__in=TERMINAL)
            .values_list("uid", "node_name", "cpu_request_m", "memory_request", "owner_uid")
        )
        for uid, node, cpu, memory, owner in rows:
            self._add(str(uid), (node, cpu, memory, owner or None))
        self._sort()

    def _sort(self) -> None:
        self.infos = [self.by_name[name] for name in sorted(self.by_name)]

    def _add(self, uid: str, placement: tuple) -> None:
        if uid in self.placed:
            self._remove(uid)
        self.placed[uid] = placement
        info = self.by_name.get(placement[0])
        if info is not None:
            info.account(placement[1], placement[2], placement[3], 1)

    def _remove(self, uid: str) -> None:
        placement = self.placed.pop(uid, None)
        info = self.by_name.get(placement[0]) if placement else None
        if info is not None:
            info.account(placement[1], placement[2], placement[3], -1)

    def place(self, uid: str, pod: dict, node: str) -> None:
        """Count a pod this pass decides to put on `node` (undone with `unplace` if its binding fails)."""
        cpu, memory = pod_requests(pod.get("spec") or {})
        self._add(uid, (node, cpu, memory, workload_key(pod)))

    unplace = _remove

    def follow(self, entries) -> None:
        """Apply the log's entries since the last pass: nodes added, changed or removed; pods
        bound elsewhere, finished or gone."""
        nodes_changed = False
        for entry in entries:
            obj = entry.object or {}
            if entry.kind == "Node":
                if entry.event_type == "DELETED":
                    self.by_name.pop(entry.name, None)
                else:
                    old = self.by_name.get(entry.name)
                    info = self.by_name[entry.name] = NodeInfo(name=entry.name, node=obj)
                    if old is not None:
                        info.requested_cpu_m, info.requested_memory = old.requested_cpu_m, old.requested_memory
                        info.pod_count, info.workload_pods = old.pod_count, old.workload_pods
                    else:  # pods may name a node before it registers
                        for uid, placement in self.placed.items():
                            if placement[0] == entry.name:
                                info.account(placement[1], placement[2], placement[3], 1)
                nodes_changed = True
                continue
            uid = str(entry.uid)
            node = (obj.get("spec") or {}).get("nodeName") or ""
            if entry.event_type == "DELETED" or not node or (obj.get("status") or {}).get("phase") in TERMINAL:
                self._remove(uid)
            elif uid not in self.placed:
                self.place(uid, obj, node)
        if nodes_changed:
            self._sort()


RECORDED_NODES = 30  # nodes kept in a pod's scheduling record: the chosen, the best, then the rejected


def recorded_nodes(result) -> list[dict]:
    """Each node's verdict as the "why here / why Pending" panel shows it; on a big cluster the
    chosen node, the best-scored others and some of the rejected ones."""
    nodes = result.nodes
    if len(nodes) > RECORDED_NODES:
        feasible = heapq.nsmallest(RECORDED_NODES // 2, (n for n in nodes if n.feasible), key=lambda n: (n.node != result.node_name, -n.total))
        rejected = [n for n in nodes if not n.feasible][:RECORDED_NODES]
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
            try:
                self._schedule(cluster, state["snapshot"], due, backoff, now)
            except BaseException:
                state.pop("snapshot", None)  # what this pass placed may not have been written
                raise
        waits = [at - now for at, _ in backoff.values() if at > now]
        return min(waits) if waits else None

    def _cluster_changed(self, cluster: Cluster, state: dict) -> bool:
        """Move the node snapshot along the log; return whether nodes changed or pods went away
        since the last pass."""
        entries = watch.follow(cluster=cluster, state=state, kinds=("Node", "Pod"))
        if entries is None or "snapshot" not in state:
            state["snapshot"] = NodeSnapshot(cluster)
            return True
        state["snapshot"].follow(entries)
        return any(e.kind == "Node" or e.event_type == "DELETED" or (e.object.get("metadata") or {}).get("deletionTimestamp") for e in entries)

    def _schedule(self, cluster: Cluster, snapshot: NodeSnapshot, pods: list[Pod], backoff: dict, now: float) -> None:
        # Decide every placement first, on the snapshot of the nodes, and take the store's write
        # lock only to bind: the filters and scores of a big pass must not hold up other writers.
        # A pod that changed meanwhile (deleted, bound) fails its binding and is looked at afresh.
        decisions = []
        cache: dict = {}  # node-only verdicts per class of alike pods, for this pass
        for row in pods:
            pod = to_dict(KINDS["Pod"], row, copy_body=False)
            result = schedule_one(pod, snapshot.infos, self.plugins, cache=cache)
            if result.node_name:
                snapshot.place(str(row.uid), pod, result.node_name)  # counts for the next pods
            decisions.append((row, pod, result))
        records = []
        with Batch(cluster, component="default-scheduler") as batch:
            batch.lock()
            # The pods as they are now, under the lock, in one read.
            fresh = {str(p.uid): p for p in Pod.objects.filter(cluster=cluster, uid__in=[row.uid for row, _, _ in decisions])}
            bound = batch.bind_all([(fresh[str(row.uid)], result.node_name) for row, _, result in decisions
                                    if result.node_name and str(row.uid) in fresh])
            bound_by_uid = {obj["metadata"]["uid"]: obj for obj in bound if obj is not None}
            for row, pod, result in decisions:
                uid = str(row.uid)
                if result.node_name:
                    obj = bound_by_uid.get(uid)
                    if obj is None:
                        snapshot.unplace(uid)  # deleted or bound meanwhile: the next pass sees it afresh
                        continue
                    batch.event(obj, "Scheduled", f"Successfully assigned {row.namespace}/{row.name} to {result.node_name}")
                    backoff.pop(uid, None)
                else:
                    try:
                        with batch.savepoint():
                            self._unschedulable(batch, pod, result.message)
                    except Unavailable:
                        raise
                    except StoreError:
                        continue  # the pod changed under us; the next pass sees it afresh
                    _, delay = backoff.get(uid, (0.0, RETRY_MIN / 2))
                    delay = min(delay * 2, RETRY_MAX)
                    backoff[uid] = (now + delay, delay)
                records.append(SchedulingRecord(
                    pod_uid=uid, namespace=row.namespace, name=row.name, cluster=cluster,
                    node_name=result.node_name or "", message=result.message, nodes=recorded_nodes(result), attempted_at=now,
                ))
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
