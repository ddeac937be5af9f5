"""Which components run in which process, and starting and stopping them."""
from __future__ import annotations

import gc

from orchestrator.controlplane.runner import Runner
from orchestrator.controllers.manager import ControllerManager
from orchestrator.nodes.agents import NodeAgents, NodeHeartbeats
from orchestrator.scheduler.scheduler import Scheduler
from orchestrator.store import notify
from orchestrator.store.compactor import Compactor
from orchestrator.traffic.generator import TrafficGenerator


def control_plane_runners(clusters: list[str] | None = None, *, elect: bool = True) -> list[Runner]:
    """kube-scheduler and kube-controller-manager each in their own loop, plus etcd's compactor.

    `elect` False: this process is the only one running them (no leader Leases written)."""
    return [
        Runner([Scheduler()], clusters=clusters, elect=elect),
        Runner([ControllerManager()], clusters=clusters, elect=elect),
        Runner([Compactor()], clusters=clusters, elect=elect),
    ]


def node_runners(clusters: list[str] | None = None, *, elect: bool = True) -> list[Runner]:
    """The kubelets' heartbeats in a loop of their own; the node agents (pods, kube-proxy) and the
    simulated clients whose requests their kube-proxy tables route in another."""
    agents = NodeAgents()
    return [
        Runner([NodeHeartbeats()], clusters=clusters, elect=elect),
        Runner([agents, TrafficGenerator(agents.proxy)], clusters=clusters, elect=elect),
    ]


# Python's default (700 allocations per young collection) makes a busy pass spend a third of its
# time in the collector, walking the long-lived objects of the store, the caches and Django again
# and again (measured: the scheduler's pass on 1,000 nodes 1.7x faster with these).
GC_THRESHOLDS = (50_000, 20, 10)


def tune_gc() -> None:
    """Collect garbage less often, and never walk what the process loaded to start."""
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def start(runners: list[Runner]) -> list[Runner]:
    tune_gc()
    notify.start_relay_listener()
    for runner in runners:
        runner.start()
    return runners


def stop(runners: list[Runner]) -> None:
    for runner in runners:
        runner.stop()
