import pytest

from orchestrator.controllers.node_lifecycle import NodeLifecycleController, eviction_time
from orchestrator.controllers.manager import ControllerManager
from orchestrator.models import Cluster, Event, Machine, Node, Pod
from orchestrator.nodes.machines import machine_power
from orchestrator.store import services
from tests.e2e.helpers import nodes_ready

UNREACHABLE = {"key": "node.kubernetes.io/unreachable", "effect": "NoExecute", "timeAdded": "2026-01-01T00:00:00Z"}
T0 = 1767225600.0  # 2026-01-01T00:00:00Z


@pytest.mark.parametrize(
    "tolerations, expected",
    [
        ([], T0 + 0.0),
        ([{"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}], T0 + 300),
        ([{"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute"}], None),
        ([{"operator": "Exists"}], None),
        ([{"key": "node.kubernetes.io/unreachable", "operator": "Exists", "tolerationSeconds": 5},
          {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 60}], T0 + 5),
        ([{"key": "other", "operator": "Exists", "effect": "NoExecute"}], T0 + 0.0),
    ],
    ids=["no-toleration-evicts-now", "toleration-seconds", "tolerated-forever", "wildcard-forever", "shortest-wins", "unrelated-toleration"],
)
def test_eviction_time(tolerations, expected):
    assert eviction_time(tolerations, [UNREACHABLE], now=T0) == expected


def test_a_node_without_heartbeats_turns_unknown_is_tainted_and_its_pods_evicted(cluster, sim, sync):
    from tests.e2e.helpers import nodes_ready

    sim.run_until(lambda: nodes_ready(cluster), within=10)
    pod = services.object_create(cluster=cluster, kind="Pod", obj={
        "metadata": {"name": "p", "namespace": "default"},
        "spec": {"nodeName": "worker-1", "containers": [{"name": "c", "image": "nginx:1"}]},
    })
    controller = NodeLifecycleController()
    sync(controller, "/worker-1")  # first sight of the lease; no kubelet runs from here on

    def watch_for(seconds):  # the controller looks every node monitor period (0.5 s)
        for _ in range(int(seconds / 0.5)):
            sim.advance(0.5)
            sync(controller, "/worker-1")

    watch_for(5)  # the classroom grace period is 6 s
    assert Node.objects.get(cluster=cluster, name="worker-1").ready == "True"
    watch_for(1.5)
    node = Node.objects.get(cluster=cluster, name="worker-1")
    assert node.ready == "Unknown"
    ready = next(c for c in node.status["conditions"] if c["type"] == "Ready")
    assert (ready["reason"], ready["message"]) == ("NodeStatusUnknown", "Kubelet stopped posting node status.")
    assert {(t["key"], t["effect"]) for t in node.spec["taints"]} == {("node.kubernetes.io/unreachable", "NoSchedule"), ("node.kubernetes.io/unreachable", "NoExecute")}
    assert Event.objects.filter(cluster=cluster, reason="NodeNotReady", involved_name="worker-1").exists()
    assert Pod.objects.get(cluster=cluster, name="p").deletion_timestamp is None  # tolerated for 5 s
    sim.advance(4)
    sync(controller, "/worker-1")
    assert Pod.objects.get(cluster=cluster, name="p").deletion_timestamp is None
    sim.advance(1.5)
    sync(controller, "/worker-1")
    assert Pod.objects.get(cluster=cluster, name="p").deletion_timestamp is not None
    assert Event.objects.filter(cluster=cluster, reason="TaintManagerEviction", involved_uid=pod["metadata"]["uid"]).exists()


def test_a_jump_of_the_clock_does_not_make_live_nodes_look_silent(cluster, sim):
    sim.run_until(lambda: nodes_ready(cluster), within=10, what="four Ready nodes")
    # The controller-manager has seen the latest heartbeats, then the clock jumps (the header's
    # "+30 s", longer than the grace period) and it looks again before any kubelet had its turn.
    manager = next(c for c in sim.runner.components if isinstance(c, ControllerManager))
    manager.tick(Cluster.objects.get(pk=cluster.pk))
    sim.advance(30)
    for _ in range(3):
        manager.tick(Cluster.objects.get(pk=cluster.pk))
    for _ in range(20):
        sim.step()
    assert set(Node.objects.filter(cluster=cluster).values_list("ready", flat=True)) == {"True"}
    assert not Event.objects.filter(cluster=cluster, reason="NodeNotReady").exists()
    # A machine that is really off is still found out, one grace period after the jump.
    machine_power(machine=Machine.objects.get(cluster=cluster, name="worker-1"), on=False)
    sim.advance(30)
    sim.run_until(lambda: Node.objects.get(cluster=cluster, name="worker-1").ready == "Unknown", within=15, what="worker-1 Unknown")
    assert Node.objects.filter(cluster=cluster, ready="True").count() == 3


def test_renewals_the_controller_has_not_read_yet_do_not_make_a_node_dead(cluster, sim, sync):
    """Under load the controller-manager may look at a node long after it last read the log:
    it reads the node's Lease before judging it dead, so a live kubelet keeps its node Ready."""
    from orchestrator.controlplane.runner import Runner
    from orchestrator.nodes.agents import NodeHeartbeats

    sim.run_until(lambda: nodes_ready(cluster), within=10)
    controller = NodeLifecycleController()
    sync(controller, "/worker-1")  # first sight; from here on it reads no log entries
    kubelets = Runner([NodeHeartbeats()], clusters=[cluster.name], elect=False)
    for _ in range(16):  # longer than the 6 s grace period, the kubelets renewing every second
        sim.advance(0.5)
        kubelets.step()
        sync(controller, "/worker-1")
    assert Node.objects.get(cluster=cluster, name="worker-1").ready == "True"
    assert not Event.objects.filter(cluster=cluster, reason="NodeNotReady").exists()
