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


MACHINES_PER_BATCH = 50  # machines whose pods one batch serves: each holds the store's write lock briefly


class NodeAgents(Component):
    name = "node-agents"
    leader_elect = True  # one process runs a cluster's machines
    waits_out_outages = True  # containers keep running and kube-proxy keeps its rules while the API is down
    follows = ("Pod", "Node", "Service", "Endpoints")  # its own Lease renewals do not wake it

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
        entries = watch.follow(cluster=cluster, state=state, kinds=self.follows)
        now = clock.sim_seconds(cluster)
        resync = now >= memory.get("resync_at", 0)
        if resync:
            memory["resync_at"] = now + profile.resync_period
        with Batch(cluster, component="kubelet") as batch:
            batch.lock()
            kubelet = Kubelet(batch=batch, now=clock.sim_seconds(cluster), profile=profile, memory=memory)
            if entries:
                kubelet.forget_nodes({e.name for e in entries if e.kind == "Node"})
            fresh = kubelet.heartbeat(machines)
        waits = [kubelet.lease_wait]
        # The pods need a look only when one changed, one has something due, or a machine booted.
        pods_changed = entries is None or any(e.kind == "Pod" for e in entries)
        if resync or fresh or pods_changed or now >= memory.get("pods_due", 0.0):
            pod_waits = []
            for start in range(0, len(machines), MACHINES_PER_BATCH):
                chunk = machines[start:start + MACHINES_PER_BATCH]
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
        return min(waits)
