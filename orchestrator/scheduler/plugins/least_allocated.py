"""NodeResourcesLeastAllocated: prefer nodes with the most unrequested cpu and memory."""

from __future__ import annotations

from orchestrator.quantity import pod_requests
from orchestrator.scheduler.framework import MAX_NODE_SCORE, CycleState, NodeInfo


def least_requested_score(requested: int, capacity: int) -> int:
    """Score the unused share of one resource on 0..MAX_NODE_SCORE."""
    if capacity == 0 or requested > capacity:
        return 0
    return (capacity - requested) * MAX_NODE_SCORE // capacity


class NodeResourcesLeastAllocated:
    name = "NodeResourcesLeastAllocated"
    dynamic = True  # reads the pods already placed on the node

    def __init__(self, weight: int = 1) -> None:
        self.weight = weight

    def score(self, state: CycleState, pod: dict, node_info: NodeInfo) -> int:
        """Average the cpu and memory scores the node would have with the pod on it."""
        key = "PreScoreNodeResourcesLeastAllocated"
        if key not in state:
            # Scoring counts a request-less container as 100m/200Mi so that
            # BestEffort pods still spread out instead of piling onto one node.
            state[key] = pod_requests(pod.get("spec") or {}, non_zero=True)
        cpu, memory = state[key]
        cpu_score = least_requested_score(
            node_info.requested_cpu_m + cpu, node_info.allocatable_cpu_m
        )
        memory_score = least_requested_score(
            node_info.requested_memory + memory, node_info.allocatable_memory
        )
        return (cpu_score + memory_score) // 2
