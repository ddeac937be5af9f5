"""Drive a cluster's components step by step on a paused clock that the test advances.

Every component runs in the test's thread, exactly as in the playground but with time
under the test's control: a step runs each component once; when nothing changed, the
clock jumps to the earliest timed work (at most `max_jump` simulated seconds).
"""
from __future__ import annotations

from orchestrator.controllers.manager import ControllerManager
from orchestrator.controlplane import clock
from orchestrator.controlplane.runner import Runner
from orchestrator.models import Cluster
from orchestrator.nodes.agents import NodeAgents, NodeHeartbeats
from orchestrator.scheduler.scheduler import Scheduler
from orchestrator.store import watch
from orchestrator.store.compactor import Compactor
from orchestrator.traffic.generator import TrafficGenerator


class Simulation:
    def __init__(self, cluster: Cluster, *, max_jump: float = 0.5):
        self.cluster = cluster
        self.max_jump = max_jump
        self.nodes = NodeAgents()
        self.runner = Runner([Scheduler(), ControllerManager(), NodeHeartbeats(), self.nodes, TrafficGenerator(self.nodes.proxy), Compactor()], clusters=[cluster.name])
        clock.clock_set(cluster=cluster, paused=True)

    def now(self) -> float:
        self.cluster.refresh_from_db()
        return clock.sim_seconds(self.cluster)

    def advance(self, seconds: float) -> None:
        self.cluster.refresh_from_db()
        clock.clock_set(cluster=self.cluster, advance=seconds)

    def step(self) -> bool:
        """Run every component once; return whether anything was written."""
        before = watch.current_revision(self.cluster)
        self.runner.step()
        return watch.current_revision(self.cluster) != before

    def run_until(self, predicate, *, within: float = 120.0, what: str = "condition"):
        """Step (advancing simulated time when idle) until `predicate()` is truthy.

        Fail when `within` simulated seconds pass first.
        """
        start = self.now()
        idle_steps = 0
        while True:
            result = predicate()
            if result:
                return result
            elapsed = self.now() - start
            if elapsed > within:
                raise AssertionError(f"{what} not reached within {within} simulated seconds")
            if self.step():
                idle_steps += 1
                if idle_steps < 50:
                    continue
            idle_steps = 0
            wait = self.runner.sim_wait
            self.advance(min(self.max_jump, wait) if wait else self.max_jump)

    def settle(self, seconds: float) -> None:
        """Let `seconds` of simulated time pass with every component running."""
        end = self.now() + seconds
        self.run_until(lambda: self.now() >= end, within=seconds + 1, what="time to pass")
