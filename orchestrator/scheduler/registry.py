"""The plugins the scheduler knows, and the default profile."""

from __future__ import annotations

from orchestrator.scheduler.plugins import (
    NodeAffinity,
    NodeName,
    NodeReady,
    NodeResourcesFit,
    NodeResourcesLeastAllocated,
    NodeUnschedulable,
    PodTopologySpread,
    TaintToleration,
)

REGISTRY: dict[str, type] = {
    NodeUnschedulable.name: NodeUnschedulable,
    NodeName.name: NodeName,
    NodeReady.name: NodeReady,
    TaintToleration.name: TaintToleration,
    NodeAffinity.name: NodeAffinity,
    NodeResourcesFit.name: NodeResourcesFit,
    NodeResourcesLeastAllocated.name: NodeResourcesLeastAllocated,
    PodTopologySpread.name: PodTopologySpread,
}


def default_plugins() -> list:
    """Return fresh plugin instances in kube-scheduler's order, with its default weights.

    Filters run in list order; TaintToleration and NodeAffinity both filter and score.
    """
    return [
        NodeUnschedulable(),
        NodeName(),
        NodeReady(),
        TaintToleration(weight=3),
        NodeAffinity(weight=2),
        NodeResourcesFit(),
        NodeResourcesLeastAllocated(weight=1),
        PodTopologySpread(weight=2),
    ]
