import pytest

from orchestrator.controllers.node_lifecycle import NodeLifecycleController, eviction_time
from orchestrator.models import Event, Node, Pod
from orchestrator.store import services

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
    sim.advance(5)  # the classroom grace period is 6 s
    sync(controller, "/worker-1")
    assert Node.objects.get(cluster=cluster, name="worker-1").ready == "True"
    sim.advance(2)
    sync(controller, "/worker-1")
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
