"""Presenter controls: a held cluster moves one component pass per granted step."""
import pytest

from orchestrator.controlplane import clock, stepping
from orchestrator.models import Cluster, Machine, Node, Pod, ReplicaSet, Revision
from orchestrator.nodes.machines import machine_power
from orchestrator.store.errors import BadRequest
from orchestrator.store.selectors import object_get
from orchestrator.store.services import object_update
from tests.e2e.helpers import create_deployment, live_pods, nodes_ready, running_pods


def scale(cluster, replicas):
    obj = object_get(cluster=cluster, kind="Deployment", namespace="default", name="web")
    obj["spec"]["replicas"] = replicas
    object_update(cluster=cluster, kind="Deployment", obj=obj)


def waiting(cluster):
    """Steps granted and not yet taken."""
    return Cluster.objects.get(pk=cluster.pk).step_allowance


def actors_after(cluster, revision):
    return [r.actor for r in Revision.objects.filter(cluster=cluster, revision__gt=revision).exclude(kind__in=stepping.FREE_KINDS).order_by("revision")]


@pytest.fixture
def running(cluster, sim):
    sim.run_until(lambda: nodes_ready(cluster), within=10, what="four Ready nodes")
    create_deployment(cluster, replicas=3)
    sim.run_until(lambda: len(running_pods(cluster, "web")) == 3, within=30, what="3 running pods")
    sim.settle(1)
    return cluster


def test_a_held_cluster_does_nothing_until_a_step_is_granted(running, sim):
    cluster = stepping.stepping_set(cluster=running, on=True)
    assert Cluster.objects.get(pk=cluster.pk).clock_paused
    scale(cluster, 5)  # the teacher's own write goes through at once
    mark = cluster.__class__.objects.get(pk=cluster.pk).revision
    for _ in range(5):
        sim.runner.step()
    assert actors_after(cluster, mark) == []
    assert ReplicaSet.objects.get(cluster=cluster).spec["replicas"] == 3
    assert Cluster.objects.get(pk=cluster.pk).steps_taken == 0


def test_each_step_is_one_component_pass_in_causal_order(running, sim):
    cluster = stepping.stepping_set(cluster=running, on=True)
    scale(cluster, 5)
    mark = Cluster.objects.get(pk=cluster.pk).revision
    seen = []
    for _ in range(40):
        before = Cluster.objects.get(pk=cluster.pk).revision
        stepping.step_grant(cluster=cluster)
        for _ in range(30):  # passes until the granted step is taken
            sim.runner.step()
            if waiting(cluster) == 0:
                break
        assert waiting(cluster) == 0, "a granted step was never taken"
        writers = set(actors_after(cluster, before))
        assert len(writers) == 1, f"one step, one writer: {writers}"
        seen.append(writers.pop())
        if len(running_pods(cluster, "web")) == 5:
            break
    assert len(running_pods(cluster, "web")) == 5
    assert Cluster.objects.get(pk=cluster.pk).steps_taken == len(seen)
    # The deployment controller scales the ReplicaSet before the ReplicaSet controller makes pods,
    # which the scheduler binds before the kubelet starts them.
    order = [seen.index(a) for a in ("deployment-controller", "replicaset-controller", "default-scheduler", "kubelet")]
    assert order == sorted(order)
    steps = stepping.steps_since(cluster=cluster, after=mark)
    scaled = next(s for s in steps if s["actor"] == "deployment-controller")
    assert any(b["reason"] == "ScalingReplicaSet" and "to 5" in b["message"] for b in scaled["because"])
    created = next(s for s in steps if s["actor"] == "replicaset-controller")
    assert sum(1 for w in created["writes"] if w["kind"] == "Pod" and w["verb"] == "created") == 2
    bound = next(s for s in steps if s["actor"] == "default-scheduler")
    assert all(w["what"].endswith(("worker-1", "worker-2", "worker-3")) for w in bound["writes"] if w["kind"] == "Pod")


def test_steps_move_the_paused_clock_to_the_next_timed_work(running, sim):
    cluster = stepping.stepping_set(cluster=running, on=True)
    start = clock.sim_seconds(Cluster.objects.get(pk=cluster.pk))
    machine_power(machine=Machine.objects.get(cluster=cluster, name="worker-1"), on=False)
    for _ in range(400):
        if Node.objects.get(cluster=cluster, name="worker-1").ready == "Unknown":
            break
        if waiting(cluster) == 0:
            stepping.step_grant(cluster=cluster)
        sim.runner.step()
    row = Cluster.objects.get(pk=cluster.pk)
    assert Node.objects.get(cluster=cluster, name="worker-1").ready == "Unknown"
    assert row.clock_paused
    # The node lifecycle controller waited out the grace period of simulated time.
    assert clock.sim_seconds(row) - start >= 5


def test_resume_lets_everything_run_and_grants_need_a_held_cluster(running, sim):
    with pytest.raises(BadRequest, match="pause it for stepping first"):
        stepping.step_grant(cluster=running)
    cluster = stepping.stepping_set(cluster=running, on=True)
    for bad in (0, -1, 101, "2", True):
        with pytest.raises(BadRequest, match="count must be"):
            stepping.step_grant(cluster=cluster, count=bad)
    scale(cluster, 4)
    cluster = stepping.stepping_set(cluster=cluster, on=False)
    assert not Cluster.objects.get(pk=cluster.pk).clock_paused
    clock.clock_set(cluster=cluster, paused=True)  # back under the test's control
    sim.run_until(lambda: len(running_pods(cluster, "web")) == 4, within=30, what="4 running pods")
    assert len(live_pods(cluster, "web")) == 4
    assert Pod.objects.filter(cluster=cluster).count() == 4
