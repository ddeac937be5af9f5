"""NodeUnschedulable: keep pods off cordoned nodes (spec.unschedulable)."""

from __future__ import annotations

from orchestrator.scheduler.framework import CycleState, NodeInfo, Status
from orchestrator.scheduler.plugins.taint_toleration import (
    pod_tolerations,
    tolerations_tolerate,
)

ERR_REASON_UNSCHEDULABLE = "node(s) were unschedulable"

# A pod that tolerates this taint (DaemonSet pods do) may land on cordoned nodes.
UNSCHEDULABLE_TAINT = {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}


class NodeUnschedulable:
    name = "NodeUnschedulable"

    def filter(self, state: CycleState, pod: dict, node_info: NodeInfo) -> Status:
        """Reject a cordoned node unless the pod tolerates the unschedulable taint."""
        cordoned = bool((node_info.node.get("spec") or {}).get("unschedulable"))
        if cordoned and not tolerations_tolerate(pod_tolerations(pod), UNSCHEDULABLE_TAINT):
            return Status.unresolvable(ERR_REASON_UNSCHEDULABLE)
        return Status.success()
