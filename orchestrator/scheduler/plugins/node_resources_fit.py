"""NodeResourcesFit: keep pods off nodes without room for their requests."""

from __future__ import annotations

from orchestrator.quantity import pod_requests
from orchestrator.scheduler.framework import CycleState, NodeInfo, Status

ERR_TOO_MANY_PODS = "Too many pods"
ERR_INSUFFICIENT_CPU = "Insufficient cpu"
ERR_INSUFFICIENT_MEMORY = "Insufficient memory"


def _pod_request(state: CycleState, pod: dict) -> tuple[int, int]:
    """Compute the pod's requests once per cycle (kube-scheduler's PreFilter)."""
    key = "PreFilterNodeResourcesFit"
    if key not in state:
        state[key] = pod_requests(pod.get("spec") or {})
    return state[key]


class NodeResourcesFit:
    name = "NodeResourcesFit"
    dynamic = True  # reads the pods already placed on the node

    def filter(self, state: CycleState, pod: dict, node_info: NodeInfo) -> Status:
        """Reject the node listing every resource it lacks for the pod."""
        cpu, memory = _pod_request(state, pod)
        reasons = []
        # Every pod takes a pod slot, even one that requests nothing.
        if node_info.pod_count + 1 > node_info.allocatable_pods:
            reasons.append(ERR_TOO_MANY_PODS)
        # A zero request always fits, even on an overcommitted node.
        if cpu > 0 and cpu > node_info.allocatable_cpu_m - node_info.requested_cpu_m:
            reasons.append(ERR_INSUFFICIENT_CPU)
        if memory > 0 and memory > node_info.allocatable_memory - node_info.requested_memory:
            reasons.append(ERR_INSUFFICIENT_MEMORY)
        if reasons:
            return Status.unschedulable(*reasons)
        return Status.success()
