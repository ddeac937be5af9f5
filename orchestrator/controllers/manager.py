"""kube-controller-manager: runs every controller over the clusters it leads.

Per cluster it follows the revision log from where it left off, maps each change to
the keys of the controllers that watch that kind, and syncs the keys that are due,
one batch (one transaction) per controller per pass. A sync that raises is rolled back
alone (savepoint) and its key retried with back-off.
"""
from __future__ import annotations

import logging

from orchestrator.controlplane import clock
from orchestrator.controlplane.profiles import profile_for
from orchestrator.controlplane.queue import WorkQueue
from orchestrator.controlplane.runner import Component
from orchestrator.models import Cluster
from orchestrator.store import watch
from orchestrator.store.errors import StoreError, Unavailable
from orchestrator.store.services import Batch

from .base import Context, Controller, TransientError
from .deployment import DeploymentController
from .endpoints import EndpointsController
from .garbage_collector import GarbageCollector
from .namespace import NamespaceController
from .node_lifecycle import NodeLifecycleController
from .replicaset import ReplicaSetController

log = logging.getLogger(__name__)
KEYS_PER_BATCH = 25


def default_controllers() -> list[Controller]:
    return [
        DeploymentController(),
        ReplicaSetController(),
        NodeLifecycleController(),
        EndpointsController(),
        NamespaceController(),
        GarbageCollector(),
    ]


class ControllerManager(Component):
    name = "kube-controller-manager"
    switch = "kube-controller-manager"
    leader_elect = True

    def __init__(self, controllers: list[Controller] | None = None):
        super().__init__()
        self.controllers = controllers or default_controllers()
        self.kinds = sorted({kind for c in self.controllers for kind in c.watches})
        # Node Lease renewals are read on the node lifecycle controller's own period, not on each commit.
        self.follows = tuple(kind for kind in self.kinds if kind != "Lease")

    def tick(self, cluster: Cluster) -> float | None:
        state = self.state(cluster)
        profile = profile_for(cluster.profile)
        now = clock.sim_seconds(cluster)
        if "queues" not in state:
            state["queues"] = {c.name: WorkQueue() for c in self.controllers}
            state["memory"] = {c.name: {} for c in self.controllers}
            state["resync_at"] = 0.0
        queues: dict[str, WorkQueue] = state["queues"]
        probe = Context(cluster=cluster, now=now, profile=profile, batch=None, memory={})
        self._follow_log(cluster, state, probe)
        if now >= state["resync_at"]:
            state["resync_at"] = now + profile.resync_period
            for controller in self.controllers:
                probe.memory = state["memory"][controller.name]
                for key in controller.all_keys(probe):
                    queues[controller.name].add(key)
        for controller in self.controllers:
            before = cluster.revision
            probe.memory = state["memory"][controller.name]
            self._sync_due(cluster, controller, state, queues[controller.name], profile, probe)
            if cluster.stepping and cluster.revision != before:
                break  # one controller's sync is one step; the others' due keys wait for the next
        due = [q.next_due() for q in queues.values() if q.next_due() is not None]
        return max(min(due) - clock.sim_seconds(cluster), 0.0) if due else None

    def _follow_log(self, cluster: Cluster, state: dict, probe: Context) -> None:
        entries = watch.follow(cluster=cluster, state=state, kinds=self.kinds)
        if entries is None:  # nowhere to continue from: the resync looks at every key
            state["resync_at"] = 0.0
            return
        for entry in entries:
            for controller in self.controllers:
                if entry.kind in controller.watches:
                    probe.memory = state["memory"][controller.name]
                    for key in controller.keys_for(probe, entry):
                        state["queues"][controller.name].add(key)

    def _sync_due(self, cluster: Cluster, controller: Controller, state: dict, queue: WorkQueue, profile, probe: Context) -> None:
        now = clock.sim_seconds(cluster)
        probe.now = now
        keys = []
        for key in queue.pop_ready(now, controller.max_per_tick):
            later = controller.due_later(probe, key)
            if later is None:
                keys.append(key)
            else:
                queue.add_after(key, now, later)
        if not keys:
            return
        # Keys go in several short batches rather than one long one: each holds the store's
        # write lock only briefly, so the writes of kubectl and the page are not kept waiting.
        for start in range(0, len(keys), KEYS_PER_BATCH):
            try:
                self._sync_keys(cluster, controller, state, queue, profile, keys[start:start + KEYS_PER_BATCH])
            except Unavailable:
                for key in keys[start:]:
                    queue.add(key)
                raise

    @staticmethod
    def _sync_keys(cluster: Cluster, controller: Controller, state: dict, queue: WorkQueue, profile, keys: list[str]) -> None:
        with Batch(cluster, component=controller.component) as batch:
            batch.lock()
            ctx = Context(cluster=cluster, now=clock.sim_seconds(cluster), profile=profile, batch=batch, memory=state["memory"][controller.name])
            for key in keys:
                try:
                    with batch.savepoint():
                        again = controller.sync(ctx, key)
                except Unavailable:
                    raise
                except (TransientError, StoreError) as exc:
                    log.debug("%s: %s requeued: %s", controller.name, key, exc)
                    queue.add_rate_limited(key, ctx.now)
                    continue
                queue.forget(key)
                if again is not None:
                    queue.add_after(key, ctx.now, again)
