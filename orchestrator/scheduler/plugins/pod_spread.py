"""PodTopologySpread (system default): spread a workload's pods across nodes.

This covers what kube-scheduler does for pods without explicit
topologySpreadConstraints: pods owned by the same controller are spread over
hostnames as a soft preference.  Pods without a controller are not spread.
"""

from __future__ import annotations

from orchestrator.scheduler.framework import (
    MAX_NODE_SCORE,
    CycleState,
    NodeInfo,
    workload_key,
)


class PodTopologySpread:
    name = "PodTopologySpread"
    dynamic = True  # reads the pods already placed on the node

    def __init__(self, weight: int = 1) -> None:
        self.weight = weight

    def score(self, state: CycleState, pod: dict, node_info: NodeInfo) -> int:
        """Count the pods of the same workload already on the node."""
        if "PreScorePodTopologySpread" not in state:
            state["PreScorePodTopologySpread"] = workload_key(pod)  # once per cycle, not per node
        key = state["PreScorePodTopologySpread"]
        return 0 if key is None else node_info.workload_pods.get(key, 0)

    def normalize_scores(self, state: CycleState, pod: dict, scores: dict[str, int]) -> None:
        """Give the emptiest node MAX_NODE_SCORE and the fullest proportionally less."""
        if not scores:
            return
        highest, lowest = max(scores.values()), min(scores.values())
        for node, count in scores.items():
            # Same shape as PodTopologySpread's NormalizeScore: nodes at the
            # minimum get the full score, the maximum gets lowest/highest of it.
            scores[node] = (
                MAX_NODE_SCORE
                if highest == 0
                else MAX_NODE_SCORE * (highest + lowest - count) // highest
            )
