"""NodeReady: keep pods off nodes whose Ready condition is not True.

kube-scheduler has no such plugin any more: the node lifecycle controller
taints a not-ready node with node.kubernetes.io/not-ready and TaintToleration
rejects it.  We keep a plugin of our own with the wording of the scheduler's
former CheckNodeCondition predicate.
"""

from __future__ import annotations

from orchestrator.scheduler.framework import CycleState, NodeInfo, Status

ERR_REASON_NOT_READY = "node(s) were not ready"


def node_is_ready(node: dict) -> bool:
    """Tell whether the node reports condition Ready=True (no condition means not ready)."""
    for condition in (node.get("status") or {}).get("conditions") or []:
        if condition.get("type") == "Ready":
            return condition.get("status") == "True"
    return False


class NodeReady:
    name = "NodeReady"

    def filter(self, state: CycleState, pod: dict, node_info: NodeInfo) -> Status:
        """Reject a node that is not Ready."""
        if node_is_ready(node_info.node):
            return Status.success()
        return Status.unresolvable(ERR_REASON_NOT_READY)
