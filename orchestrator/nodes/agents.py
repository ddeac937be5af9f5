"""The node agents of every powered machine of a cluster, as one component.

A machine that is off runs nothing: no heartbeats, no pod updates, no proxy table. The
control plane learns about it only through the heartbeats that stop. While etcd or
kube-apiserver is down the agents cannot report, but what they hold stays: the containers run
on and each node's kube-proxy rules, stale as they get, keep routing.
"""
from __future__ import annotations

from orchestrator.controlplane import clock
from orchestrator.controlplane.profiles import profile_for
from orchestrator.controlplane.runner import Component
from orchestrator.kubelet.kubelet import Kubelet
from orchestrator.models import Cluster, Machine
from orchestrator.proxy.kube_proxy import KubeProxy
from orchestrator.store import watch
from orchestrator.store.services import Batch


MACHINES_PER_BATCH = 10


class NodeAgents(Component):
    name = "node-agents"
    leader_elect = True  # one process runs a cluster's machines
    waits_out_outages = True  # containers keep running and kube-proxy keeps its rules while the API is down

    def __init__(self) -> None:
        super().__init__()
        self.proxy = KubeProxy()

    def reset(self, cluster_id: int) -> None:
        super().reset(cluster_id)
        self.proxy.forget(cluster_id)

    def tick(self, cluster: Cluster) -> float | None:
        state = self.state(cluster)
        machines = list(Machine.objects.filter(cluster=cluster, powered=True))
        profile = profile_for(cluster.profile)
        memory = state.setdefault("kubelet", {})
        now = clock.sim_seconds(cluster)
        resync = now >= memory.get("resync_at", 0)
        if resync:
            memory["resync_at"] = now + profile.resync_period
        waits = []
        # A batch per few machines: each holds the store's write lock only briefly.
        for start in range(0, len(machines), MACHINES_PER_BATCH):
            with Batch(cluster, component="kubelet") as batch:
                batch.lock()
                kubelet = Kubelet(batch=batch, now=clock.sim_seconds(cluster), profile=profile, memory=memory)
                waits.append(kubelet.run(machines[start:start + MACHINES_PER_BATCH], resync=resync))
        wait = min((w for w in waits if w is not None), default=None)
        self.proxy.sync(cluster, [m.name for m in machines], self._services_changed(cluster, state))
        return wait

    @staticmethod
    def _services_changed(cluster: Cluster, state: dict) -> bool:
        entries = watch.follow(cluster=cluster, state=state, kinds=("Service", "Endpoints"))
        return entries is None or bool(entries)
