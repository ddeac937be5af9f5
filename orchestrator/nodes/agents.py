"""The node agents of every powered machine of a cluster, as two components.

`NodeHeartbeats` is the kubelets' node loop: it registers each machine's Node and renews its
Lease. `NodeAgents` runs their pods and each node's kube-proxy. They run in separate loops, as a
real kubelet's heartbeat does not wait for its pod workers: a big rollout cannot make healthy
nodes miss their heartbeats and go NotReady.

A machine that is off runs nothing: no heartbeats, no pod updates, no proxy table. The
control plane learns about it only through the heartbeats that stop. While etcd or
kube-apiserver is down the agents cannot report, but what they hold stays: the containers run
on and each node's kube-proxy rules, stale as they get, keep routing.
"""
from __future__ import annotations

import time

from orchestrator.controlplane import clock
from orchestrator.controlplane.profiles import profile_for
from orchestrator.controlplane.runner import Component
from orchestrator.kubelet.kubelet import Kubelet
from orchestrator.models import Cluster, Machine
from orchestrator.proxy.kube_proxy import KubeProxy
from orchestrator.store import notify, watch
from orchestrator.store.services import Batch


MACHINES_PER_BATCH = 20  # machines whose pods one batch serves: each holds the store's write lock briefly
POD_WORK_BUDGET = 0.3  # wall seconds of pod work per pass: heartbeats must not wait behind a big rollout


def powered_machines(cluster: Cluster, state: dict) -> list[Machine]:
    """The cluster's powered machines, kept in `state` and read again when the runner says they
    (or the cluster's row) changed, or on a pass that looks at everything."""
    woken = getattr(cluster, "woken_by", None)
    if "machines" not in state or woken is None or {notify.MACHINES, notify.EVERYTHING} & woken:
        state["machines"] = list(Machine.objects.filter(cluster=cluster, powered=True))
    return state["machines"]


class NodeHeartbeats(Component):
    name = "kubelet"
    leader_elect = True  # one process runs a cluster's machines
    waits_out_outages = True
    follows = ("Node", notify.MACHINES)  # a Node written by someone else is read again (and posted Ready if need be)

    def tick(self, cluster: Cluster) -> float | None:
        state = self.state(cluster)
        machines = powered_machines(cluster, state)
        memory = state.setdefault("kubelet", {})
        entries = watch.follow(cluster=cluster, state=state, kinds=self.follows)
        with Batch(cluster, component="kubelet-heartbeat", manager="kubelet") as batch:
            batch.lock()
            kubelet = Kubelet(batch=batch, now=clock.sim_seconds(cluster), profile=profile_for(cluster.profile), memory=memory)
            kubelet.forget_nodes({e.name for e in entries or ()})
            kubelet.heartbeat(machines)
        return kubelet.lease_wait


class NodeAgents(Component):
    name = "node-agents"
    leader_elect = True  # one process runs a cluster's machines
    waits_out_outages = True  # containers keep running and kube-proxy keeps its rules while the API is down
    follows = ("Pod", "Service", "Endpoints", notify.MACHINES)

    def __init__(self) -> None:
        super().__init__()
        self.proxy = KubeProxy()

    def reset(self, cluster_id: int) -> None:
        super().reset(cluster_id)
        self.proxy.forget(cluster_id)

    def tick(self, cluster: Cluster) -> float | None:
        state = self.state(cluster)
        machines = powered_machines(cluster, state)
        profile = profile_for(cluster.profile)
        memory = state.setdefault("kubelet", {})
        entries = watch.follow(cluster=cluster, state=state, kinds=self.follows)
        now = clock.sim_seconds(cluster)
        resync = now >= memory.get("resync_at", 0)
        if resync:
            memory["resync_at"] = now + profile.resync_period
        booted = memory.setdefault("booted", {})
        fresh = [m for m in machines if booted.get(m.name) != m.booted_at]
        booted.update((m.name, m.booted_at) for m in machines)
        left = memory.pop("fresh_left", set())  # booted machines a cut-short pass has not looked at yet
        fresh = fresh + [m for m in machines if m.name in left and m not in fresh]
        waits = []
        # The pods need a look only when one changed, one has something due, or a machine booted.
        pods_changed = entries is None or any(e.kind == "Pod" for e in entries)
        if resync or fresh or pods_changed or memory.get("pods_left") or now >= memory.get("pods_due", 0.0):
            # Machines in turn, a few per batch, for at most POD_WORK_BUDGET: what is left is
            # taken up on the next pass, right after the heartbeats that are due by then.
            pod_waits, started = [], time.monotonic()
            order = sorted(machines, key=lambda m: m.name)
            skip = memory.pop("pods_left", None)
            if skip:
                order = [m for m in order if m.name >= skip] + [m for m in order if m.name < skip]
            for start in range(0, len(order), MACHINES_PER_BATCH):
                if start and time.monotonic() - started > POD_WORK_BUDGET:
                    memory["pods_left"] = order[start].name
                    memory["fresh_left"] = {m.name for m in fresh if m in order[start:]}
                    pod_waits.append(0.0)
                    break
                chunk = order[start:start + MACHINES_PER_BATCH]
                with Batch(cluster, component="kubelet") as batch:
                    batch.lock()
                    kubelet = Kubelet(batch=batch, now=clock.sim_seconds(cluster), profile=profile, memory=memory)
                    pod_waits.append(kubelet.pods(chunk, fresh=[m for m in fresh if m in chunk], resync=resync))
            pod_wait = min((w for w in pod_waits if w is not None), default=None)
            memory["pods_due"] = now + pod_wait if pod_wait is not None else float("inf")
        if memory.get("pods_due", float("inf")) != float("inf"):
            waits.append(max(memory["pods_due"] - now, 0.0))
        services_changed = entries is None or any(e.kind in ("Service", "Endpoints") for e in entries)
        self.proxy.sync(cluster, [m.name for m in machines], services_changed)
        return min(waits, default=None)
