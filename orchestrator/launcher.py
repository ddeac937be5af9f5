"""Which components run in which process, and starting and stopping them."""
from __future__ import annotations

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


def start(runners: list[Runner]) -> list[Runner]:
    notify.start_relay_listener()
    for runner in runners:
        runner.start()
    return runners


def stop(runners: list[Runner]) -> None:
    for runner in runners:
        runner.stop()
