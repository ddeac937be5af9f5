"""The runner with a teacher's scenario: its own machines and profile, and the actions the
built-ins do not use."""
from __future__ import annotations

import textwrap

import pytest

from orchestrator.models import Machine, Node
from orchestrator.scenarios import runner
from orchestrator.store.errors import BadRequest
from tests.sim import Simulation

LESSON = """\
title: Own machines
summary: Two big workers on real Kubernetes timing.
profile: kubernetes
machines:
  - {name: control-plane, role: control-plane}
  - {name: big-1, cpu: 4, memory: 8Gi}
  - {name: big-2, cpu: "4", runtime: cri-o}
setup:
  manifests: |
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web}
    spec:
      replicas: 2
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec: {containers: [{name: web, image: nginx:1.25}]}
  ready:
    - pods: {selector: app=web, ready: 2}
steps:
  - title: Roll back with no history
    explanation: There is only one revision.
    action: {rollout_undo: web}
    done: [{pods: {selector: app=web, ready: 2, count: 3}}]
  - title: Taint and untaint
    explanation: A taint comes and goes.
    action: {taint: {node: big-1, taint: "team=a:NoSchedule"}}
    done: [{node: {name: big-1, taint: "team=a:NoSchedule"}}]
  - title: Remove it
    explanation: kubectl taint nodes big-1 team=a:NoSchedule-
    action: {taint: {node: big-1, taint: "team:NoSchedule", remove: true}}
    done: [{node: {name: big-1, no_taint: team}}]
  - title: Jump ahead
    explanation: The clock jumps.
    action: {advance_clock: 90}
    done: [{pods: {selector: app=web, ready: 2}}, {component: {name: etcd, running: false}}]
"""


@pytest.fixture
def lesson(tmp_path, settings):
    settings.PLAYGROUND_SCENARIOS_DIR = str(tmp_path)
    (tmp_path / "own-machines.yaml").write_text(textwrap.dedent(LESSON))


def test_a_teachers_scenario_sets_its_machines_profile_and_actions(cluster, lesson):
    cluster = runner.scenario_start(cluster=cluster, name="own-machines")
    assert cluster.profile == "kubernetes"
    machines = {m.name: (m.role, m.runtime, m.cpu_m, m.memory) for m in Machine.objects.filter(cluster=cluster)}
    assert machines == {"control-plane": ("control-plane", "containerd", 2000, 4 * 1024**3),
                        "big-1": ("worker", "containerd", 4000, 8 * 1024**3), "big-2": ("worker", "cri-o", 4000, 4 * 1024**3)}
    sim = Simulation(cluster, max_jump=2.0)
    sim.run_until(lambda: runner.scenario_check(cluster=cluster)["phase"] == "steps", within=60, what="set up")
    assert set(Node.objects.filter(cluster=cluster).values_list("name", flat=True)) == set(machines)

    with pytest.raises(BadRequest, match='no rollout history found for deployment "web"'):
        runner.scenario_action(cluster=cluster)
    assert runner.scenario_next(cluster=cluster)["steps"][0]["skipped"] is True

    runner.scenario_action(cluster=cluster)
    assert runner.scenario_check(cluster=cluster)["current"] == 2
    assert runner.scenario_action(cluster=cluster)["message"] == "node/big-1 untainted team:NoSchedule"
    run = runner.scenario_check(cluster=cluster)
    assert run["current"] == 3 and not Node.objects.get(cluster=cluster, name="big-1").spec.get("taints")

    before = sim.now()
    assert runner.scenario_action(cluster=cluster)["message"] == "the simulated clock jumped 90 s ahead"
    assert sim.now() - before >= 90
    run = runner.scenario_check(cluster=cluster)
    assert run["checks"] == [
        {"condition": "2 pods of app=web Ready", "satisfied": True, "detail": "2 of 2 Ready, 2 pods exist"},
        {"condition": "etcd stopped", "satisfied": False, "detail": "etcd is running"},
    ]
    assert runner.scenario_next(cluster=cluster)["phase"] == "finished"
    with pytest.raises(BadRequest, match="is finished: there is no next step"):
        runner.scenario_next(cluster=cluster)


def test_restarting_a_scenario_starts_it_again_from_a_fresh_cluster(cluster, lesson):
    first = runner.scenario_start(cluster=cluster, name="own-machines")
    runner.scenario_next(cluster=first)
    again = runner.scenario_start(cluster=first, name="own-machines")
    state = runner.scenario_check(cluster=again)
    assert state["phase"] == "setup"
    assert [(s["status"], s["skipped"]) for s in state["steps"]] == [("todo", False)] * 4
    assert again.pk != first.pk
