"""Scheduler plugins, one module per kube-scheduler plugin."""

from orchestrator.scheduler.plugins.least_allocated import NodeResourcesLeastAllocated
from orchestrator.scheduler.plugins.node_affinity import NodeAffinity
from orchestrator.scheduler.plugins.node_name import NodeName
from orchestrator.scheduler.plugins.node_ready import NodeReady
from orchestrator.scheduler.plugins.node_resources_fit import NodeResourcesFit
from orchestrator.scheduler.plugins.node_unschedulable import NodeUnschedulable
from orchestrator.scheduler.plugins.pod_spread import PodTopologySpread
from orchestrator.scheduler.plugins.taint_toleration import TaintToleration

__all__ = [
    "NodeAffinity",
    "NodeName",
    "NodeReady",
    "NodeResourcesFit",
    "NodeResourcesLeastAllocated",
    "NodeUnschedulable",
    "PodTopologySpread",
    "TaintToleration",
]
