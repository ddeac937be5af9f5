"""NodeName: a pod that already names its node may only go to that node."""

from __future__ import annotations

from orchestrator.scheduler.framework import CycleState, NodeInfo, Status

ERR_REASON = "node(s) didn't match the requested node name"


class NodeName:
    name = "NodeName"

    def filter(self, state: CycleState, pod: dict, node_info: NodeInfo) -> Status:
        """Reject every node but the one named in spec.nodeName, if set."""
        wanted = (pod.get("spec") or {}).get("nodeName")
        if not wanted or wanted == node_info.name:
            return Status.success()
        return Status.unresolvable(ERR_REASON)
