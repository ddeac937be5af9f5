import pytest

from orchestrator.kubelet import runtime
from orchestrator.models import Event, Machine, Node, Pod, Service
from orchestrator.nodes.machines import machine_power
from orchestrator.store import services
from tests.e2e.helpers import nodes_ready


def run_pod(cluster, name="p", image="nginx:1.25", node="worker-1", **spec):
    containers = [{"name": "c", "image": image, **spec.pop("container", {})}]
    return services.object_create(cluster=cluster, kind="Pod", obj={
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"nodeName": node, "containers": containers, **spec},
    })


def pod(cluster, name="p"):
    return Pod.objects.get(cluster=cluster, name=name)


def container_status(cluster, name="p"):
    return pod(cluster, name).status.get("containerStatuses", [{}])[0]


@pytest.fixture
def ready(cluster, sim):
    sim.run_until(lambda: nodes_ready(cluster), within=10)
    return sim


@pytest.mark.parametrize(
    "container, expected",
    [
        ({"image": "nginx:1.25"}, ("run", 0)),
        ({"image": "playground/crash:1"}, ("crash", 1)),
        ({"image": "busybox", "command": ["sh", "-c", "sleep 1; exit 3"]}, ("crash", 3)),
        ({"image": "busybox", "command": ["sh", "-c", "exit 0"]}, ("complete", 0)),
        ({"image": "busybox", "command": ["false"]}, ("crash", 1)),
        ({"image": "busybox", "command": ["true"]}, ("complete", 0)),
    ],
    ids=["runs", "crash-image", "exit-code", "exit-zero", "false", "true"],
)
def test_container_behaviour_conventions(container, expected):
    assert runtime.behaviour(container) == expected


def test_nodes_register_with_their_runtime_and_addresses(cluster, ready):
    for machine in Machine.objects.filter(cluster=cluster):
        node = Node.objects.get(cluster=cluster, name=machine.name)
        assert node.status["nodeInfo"]["containerRuntimeVersion"].startswith(f"{machine.runtime}://")
        assert node.spec["podCIDR"] == f"10.244.{machine.index}.0/24"
    control = Node.objects.get(cluster=cluster, name="control-plane")
    assert control.spec["taints"] == [{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]


def test_a_pod_goes_through_container_creating_to_running_and_ready(cluster, ready):
    sim = ready
    run_pod(cluster, node="worker-3")
    sim.run_until(lambda: container_status(cluster).get("state", {}).get("waiting", {}).get("reason") == "ContainerCreating", within=2)
    assert pod(cluster).phase == "Pending"
    sim.run_until(lambda: pod(cluster).phase == "Running" and container_status(cluster)["ready"], within=10)
    status = pod(cluster).status
    assert status["podIP"].startswith("10.244.3.")
    assert container_status(cluster)["containerID"].startswith("cri-o://")
    assert {c["type"]: c["status"] for c in status["conditions"]} == {
        "PodReadyToStartContainers": "True", "Initialized": "True", "Ready": "True", "ContainersReady": "True", "PodScheduled": "True",
    }
    reasons = list(Event.objects.filter(cluster=cluster, involved_name="p").order_by("id").values_list("reason", flat=True))
    assert reasons == ["Pulling", "Pulled", "Created", "Started"]


def test_a_readiness_probe_delays_ready_without_stopping_the_container(cluster, ready):
    sim = ready
    probe = {"httpGet": {"path": "/", "port": 80}, "initialDelaySeconds": 5}
    run_pod(cluster, container={"readinessProbe": probe})
    sim.run_until(lambda: container_status(cluster).get("state", {}).get("running"), within=10)
    started = sim.now()
    assert container_status(cluster)["ready"] is False
    sim.run_until(lambda: container_status(cluster)["ready"], within=10)
    assert 5 <= sim.now() - started <= 6
    sim.settle(20)
    status = container_status(cluster)
    assert status["ready"] and status["restartCount"] == 0 and "running" in status["state"]


def test_a_second_pod_finds_the_image_already_present(cluster, ready):
    sim = ready
    run_pod(cluster, name="first")
    sim.run_until(lambda: pod(cluster, "first").phase == "Running", within=10)
    run_pod(cluster, name="second")
    sim.run_until(lambda: pod(cluster, "second").phase == "Running", within=10)
    messages = list(Event.objects.filter(cluster=cluster, involved_name="second", reason="Pulled").values_list("extra__message", flat=True))
    assert messages == ['Container image "nginx:1.25" already present on machine']


def test_a_crashing_container_goes_to_crash_loop_back_off_with_growing_delays(cluster, ready):
    sim = ready
    run_pod(cluster, image="playground/crash:1")
    sim.run_until(lambda: container_status(cluster).get("state", {}).get("waiting", {}).get("reason") == "CrashLoopBackOff", within=15)
    first = container_status(cluster)
    assert first["restartCount"] == 1
    assert first["lastState"]["terminated"]["exitCode"] == 1
    assert pod(cluster).phase == "Running"
    assert Event.objects.filter(cluster=cluster, involved_name="p", reason="BackOff", extra__type="Warning").exists()
    sim.run_until(lambda: container_status(cluster)["restartCount"] >= 3, within=60)
    message = container_status(cluster)["state"].get("waiting", {}).get("message") or ""
    assert "back-off" in message or container_status(cluster)["state"].get("running")


def test_an_image_that_does_not_exist_gives_image_pull_back_off(cluster, ready):
    sim = ready
    run_pod(cluster, image="nginx:doesnotexist")
    sim.run_until(lambda: container_status(cluster).get("state", {}).get("waiting", {}).get("reason") == "ErrImagePull", within=10)
    sim.run_until(lambda: container_status(cluster).get("state", {}).get("waiting", {}).get("reason") == "ImagePullBackOff", within=30)
    assert pod(cluster).phase == "Pending"


def test_a_completed_container_with_restart_policy_never_succeeds(cluster, ready):
    sim = ready
    run_pod(cluster, image="busybox:1.36", restartPolicy="Never", container={"command": ["sh", "-c", "exit 0"]})
    sim.run_until(lambda: pod(cluster).phase == "Succeeded", within=15)
    assert container_status(cluster)["state"]["terminated"]["reason"] == "Completed"


def test_a_deleted_pod_is_stopped_then_removed(cluster, ready):
    sim = ready
    run_pod(cluster)
    sim.run_until(lambda: pod(cluster).phase == "Running", within=10)
    services.object_delete(cluster=cluster, kind="Pod", namespace="default", name="p")
    sim.run_until(lambda: Event.objects.filter(cluster=cluster, involved_name="p", reason="Killing").exists(), within=2)
    assert Pod.objects.filter(cluster=cluster, name="p").exists()
    sim.run_until(lambda: not Pod.objects.filter(cluster=cluster, name="p").exists(), within=5)


def test_kube_proxy_routes_a_service_to_its_ready_endpoints(cluster, ready):
    sim = ready
    services.object_create(cluster=cluster, kind="Service", obj={"metadata": {"name": "web", "namespace": "default"}, "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080}]}})
    services.object_create(cluster=cluster, kind="Pod", obj={
        "metadata": {"name": "backend", "namespace": "default", "labels": {"app": "web"}},
        "spec": {"containers": [{"name": "c", "image": "nginx:1.25"}]},
    })
    sim.run_until(lambda: pod(cluster, "backend").phase == "Running", within=15)
    ip = Service.objects.get(cluster=cluster, name="web").spec["clusterIP"]
    backend_ip = pod(cluster, "backend").status["podIP"]
    sim.run_until(lambda: sim.nodes.proxy.route(cluster.pk, "worker-2", ip, 80) == (backend_ip, 8080, "backend"), within=5)
    machine_power(machine=Machine.objects.get(cluster=cluster, name="worker-2"), on=False)
    sim.step()
    assert sim.nodes.proxy.table(cluster.pk, "worker-2") == {}
