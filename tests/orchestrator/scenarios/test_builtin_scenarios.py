"""Every built-in scenario runs headless to its end: set up, each action done, each step's
conditions reached in simulated time, and the run recorded in the cluster's state."""
from __future__ import annotations

import pytest

from orchestrator.models import Cluster
from orchestrator.scenarios import runner
from orchestrator.scenarios.loader import load_all
from tests.lessons import BUILT_IN
from tests.sim import Simulation


def test_every_built_in_file_loads_and_the_lessons_are_there():
    listing = load_all()
    assert [e.message for e in listing.errors] == []
    titles = {s.title for s in listing.scenarios if s.source == "built-in"}
    assert titles == {
        "Kill a node and watch recovery", "The scheduler is down", "The controller-manager is down",
        "Rolling update and rollback", "Pending: not enough cpu", "Taints and tolerations",
        "Drain a node for maintenance", "Services follow their pods", "CrashLoopBackOff", "Namespaces keep teams apart",
        "The API server is down",
    }


def run_to_the_end(cluster: Cluster, name: str) -> dict:
    """Start the scenario, then for each step do its action and wait until the run moves on."""
    cluster = runner.scenario_start(cluster=cluster, name=name)
    sim = Simulation(cluster)
    state = sim.run_until(lambda: _past_setup(cluster), within=60, what=f"{name}: setup ready")
    for index, step in enumerate(state["steps"]):
        assert state["current"] == index, state
        assert state["checks"] and all(c["condition"] and c["detail"] for c in state["checks"])
        assert not all(c["satisfied"] for c in state["checks"])  # else it would have moved on
        if step["action"]:
            result = runner.scenario_action(cluster=cluster)
            assert result["message"]
        state = sim.run_until(lambda: _moved_past(cluster, index), within=180,
                              what=f"{name}: step {index + 1} ({step['title']}) done; last checks: {runner.scenario_check(cluster=cluster)['checks']}")
    return state


def _past_setup(cluster):
    state = runner.scenario_check(cluster=cluster)
    return state if state["phase"] != "setup" else None


def _moved_past(cluster, index):
    state = runner.scenario_check(cluster=cluster)
    return state if state["phase"] == "finished" or state["current"] > index else None


@pytest.mark.parametrize("name", BUILT_IN)
def test_built_in_scenario_runs_to_its_end(cluster, name):
    state = run_to_the_end(cluster, name)
    assert state["phase"] == "finished"
    assert state["checks"] == []
    assert all(s["status"] == "done" and not s["skipped"] and s["took"] is not None for s in state["steps"])
    revisions = [state["setup"]["done"]["revision"]] + [s["done"]["revision"] for s in state["steps"]]
    assert revisions == sorted(revisions)
    assert Cluster.objects.get(name="demo").scenario["step"] == len(state["steps"])
