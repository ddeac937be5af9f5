from collections import Counter

from orchestrator.models import Machine, Node, Pod
from orchestrator.nodes.machines import machine_power
from tests.e2e.helpers import create_deployment, live_pods, nodes_ready, running_pods


def test_deployment_of_six_spreads_over_three_workers_and_runs(cluster, sim):
    sim.run_until(lambda: nodes_ready(cluster), within=10, what="four Ready nodes")
    create_deployment(cluster, replicas=6)
    sim.run_until(lambda: len(running_pods(cluster, "web")) == 6, within=30, what="6 running pods")
    spread = Counter(p.node_name for p in running_pods(cluster, "web"))
    assert spread == {"worker-1": 2, "worker-2": 2, "worker-3": 2}


def test_killed_worker_is_noticed_tainted_and_its_pods_replaced(cluster, sim):
    sim.run_until(lambda: nodes_ready(cluster), within=10, what="four Ready nodes")
    create_deployment(cluster, replicas=6)
    sim.run_until(lambda: len(running_pods(cluster, "web")) == 6, within=30, what="6 running pods")
    victim = Machine.objects.get(cluster=cluster, name="worker-2")
    doomed = {p.name for p in running_pods(cluster, "web") if p.node_name == "worker-2"}
    assert doomed
    machine_power(machine=victim, on=False)

    sim.run_until(lambda: Node.objects.get(cluster=cluster, name="worker-2").ready == "Unknown", within=15, what="worker-2 Unknown")
    sim.run_until(
        lambda: any(t["key"] == "node.kubernetes.io/unreachable" and t["effect"] == "NoExecute" for t in Node.objects.get(cluster=cluster, name="worker-2").spec.get("taints") or []),
        within=2, what="unreachable NoExecute taint",
    )
    sim.run_until(
        lambda: all(Pod.objects.get(cluster=cluster, name=n).deletion_timestamp is not None for n in doomed),
        within=15, what="pods on worker-2 evicted",
    )
    sim.run_until(
        lambda: len([p for p in running_pods(cluster, "web") if p.node_name != "worker-2"]) == 6,
        within=30, what="6 replacements running elsewhere",
    )
    # The evicted pods stay Terminating while their node is unreachable, as in Kubernetes.
    assert {p.name for p in Pod.objects.filter(cluster=cluster, node_name="worker-2")} == doomed


def test_restored_worker_becomes_ready_and_leaves_no_duplicates(cluster, sim):
    sim.run_until(lambda: nodes_ready(cluster), within=10, what="four Ready nodes")
    create_deployment(cluster, replicas=6)
    sim.run_until(lambda: len(running_pods(cluster, "web")) == 6, within=30, what="6 running pods")
    victim = Machine.objects.get(cluster=cluster, name="worker-1")
    machine_power(machine=victim, on=False)
    sim.run_until(lambda: len([p for p in running_pods(cluster, "web") if p.node_name != "worker-1"]) == 6, within=60, what="recovery")

    machine_power(machine=Machine.objects.get(pk=victim.pk), on=True)
    sim.run_until(lambda: nodes_ready(cluster), within=15, what="worker-1 Ready again")
    sim.run_until(lambda: not Pod.objects.filter(cluster=cluster, node_name="worker-1").exists(), within=15, what="stale pods cleaned up")
    sim.run_until(lambda: not Node.objects.get(cluster=cluster, name="worker-1").spec.get("taints"), within=5, what="taints removed")
    sim.settle(5)
    assert len(live_pods(cluster, "web")) == 6
    assert len(running_pods(cluster, "web")) == 6


def test_the_kubernetes_profile_waits_its_real_grace_period_and_tolerations(db):
    from orchestrator.controlplane.clusters import cluster_create
    from tests.sim import Simulation

    cluster = cluster_create(name="real", profile="kubernetes")
    sim = Simulation(cluster, max_jump=2.0)
    sim.run_until(lambda: nodes_ready(cluster), within=30, what="four Ready nodes")
    create_deployment(cluster, replicas=3)
    sim.run_until(lambda: len(running_pods(cluster, "web")) == 3, within=60, what="3 running pods")
    victim = Counter(p.node_name for p in running_pods(cluster, "web")).most_common(1)[0][0]
    machine_power(machine=Machine.objects.get(cluster=cluster, name=victim), on=False)
    off_at = sim.now()
    sim.run_until(lambda: Node.objects.get(cluster=cluster, name=victim).ready == "Unknown", within=60, what="Unknown")
    noticed = sim.now() - off_at
    assert 30 <= noticed <= 45  # 40 s grace, counted from the last heartbeat (every 10 s)
    pod = next(p for p in live_pods(cluster, "web") if p.node_name == victim)
    toleration = next(t for t in pod.spec["tolerations"] if t["key"] == "node.kubernetes.io/unreachable")
    assert toleration["tolerationSeconds"] == 300
    sim.run_until(lambda: Pod.objects.get(pk=pod.pk).deletion_timestamp is not None, within=320, what="eviction")
    assert sim.now() - off_at >= noticed + 299
