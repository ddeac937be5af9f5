import pytest

from orchestrator.controlplane.clusters import component_set
from orchestrator.models import Event, Pod, Revision
from orchestrator.store import errors, services
from orchestrator.store.selectors import object_get
from tests.e2e.helpers import create_deployment, deployment, live_pods, nodes_ready, running_pods


@pytest.fixture
def ready(cluster, sim):
    sim.run_until(lambda: nodes_ready(cluster), within=10, what="four Ready nodes")
    return sim


def test_with_the_scheduler_stopped_new_pods_stay_pending_until_it_starts(cluster, ready):
    sim = ready
    component_set(cluster=cluster, component="kube-scheduler", running=False)
    create_deployment(cluster, replicas=3)
    sim.run_until(lambda: len(live_pods(cluster, "web")) == 3, within=10, what="3 pods created")
    sim.settle(10)
    assert all(p.node_name == "" and p.phase == "Pending" for p in live_pods(cluster, "web"))
    component_set(cluster=cluster, component="kube-scheduler", running=True)
    sim.run_until(lambda: len(running_pods(cluster, "web")) == 3, within=20, what="3 pods running")


def test_with_the_controller_manager_stopped_a_deleted_pod_is_not_replaced(cluster, ready):
    sim = ready
    create_deployment(cluster, replicas=3)
    sim.run_until(lambda: len(running_pods(cluster, "web")) == 3, within=30, what="3 pods running")
    component_set(cluster=cluster, component="kube-controller-manager", running=False)
    victim = running_pods(cluster, "web")[0]
    services.object_delete(cluster=cluster, kind="Pod", namespace="default", name=victim.name)
    sim.run_until(lambda: not Pod.objects.filter(pk=victim.pk).exists(), within=10, what="pod gone")
    sim.settle(10)
    assert len(live_pods(cluster, "web")) == 2
    component_set(cluster=cluster, component="kube-controller-manager", running=True)
    sim.run_until(lambda: len(running_pods(cluster, "web")) == 3, within=20, what="replacement running")


def test_rolling_update_keeps_replicas_minus_max_unavailable_ready(cluster, ready):
    sim = ready
    create_deployment(cluster, replicas=4, strategy={"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 1}})
    sim.run_until(lambda: len(running_pods(cluster, "web")) == 4, within=30, what="4 pods running")
    current = object_get(cluster=cluster, kind="Deployment", namespace="default", name="web")
    current["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.26"
    services.object_update(cluster=cluster, kind="Deployment", obj=current)
    lowest = []

    def rolled_out():
        ready_pods = running_pods(cluster, "web")
        lowest.append(len(ready_pods))
        assert len(live_pods(cluster, "web")) <= 5, "more than replicas + maxSurge pods"
        return len(ready_pods) == 4 and all(p.spec["containers"][0]["image"] == "nginx:1.26" for p in live_pods(cluster, "web"))

    sim.run_until(rolled_out, within=60, what="rollout to nginx:1.26")
    assert min(lowest) >= 3
    d = object_get(cluster=cluster, kind="Deployment", namespace="default", name="web")
    sim.run_until(lambda: object_get(cluster=cluster, kind="Deployment", namespace="default", name="web")["status"].get("updatedReplicas") == 4, within=10)
    d = object_get(cluster=cluster, kind="Deployment", namespace="default", name="web")
    assert d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "2"
    conditions = {c["type"]: c for c in d["status"]["conditions"]}
    assert conditions["Available"]["status"] == "True"


def test_insufficient_cpu_gives_the_kube_scheduler_worded_event(cluster, ready):
    sim = ready
    big = deployment(name="big", replicas=1)
    big["spec"]["template"]["spec"]["containers"][0]["resources"] = {"requests": {"cpu": "3"}}
    services.object_create(cluster=cluster, kind="Deployment", obj=big)
    message = ("0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, "
               "3 Insufficient cpu.")
    sim.run_until(lambda: Event.objects.filter(cluster=cluster, reason="FailedScheduling").exists(), within=10, what="FailedScheduling")
    event = Event.objects.filter(cluster=cluster, reason="FailedScheduling").first()
    assert event.extra["message"] == message
    assert event.extra["type"] == "Warning"
    pod = live_pods(cluster, "big")[0]
    scheduled = next(c for c in pod.status["conditions"] if c["type"] == "PodScheduled")
    assert (scheduled["status"], scheduled["reason"], scheduled["message"]) == ("False", "Unschedulable", message)


def test_stopping_etcd_makes_writes_fail_with_503_and_loses_nothing(cluster, ready):
    sim = ready
    create_deployment(cluster, replicas=2)
    sim.run_until(lambda: len(running_pods(cluster, "web")) == 2, within=30, what="2 pods running")
    component_set(cluster=cluster, component="etcd", running=False)  # its last write: the ComponentStopped event
    assert Event.objects.filter(cluster=cluster, reason="ComponentStopped", extra__message__startswith="etcd was stopped").exists()
    before = Revision.objects.filter(cluster=cluster).count()
    with pytest.raises(errors.Unavailable) as failure:
        services.object_create(cluster=cluster, kind="ConfigMap", obj={"metadata": {"name": "cfg", "namespace": "default"}})
    assert failure.value.status()["code"] == 503
    sim.settle(15)  # components wait; nothing is written and nobody is declared dead
    assert Revision.objects.filter(cluster=cluster).count() == before
    component_set(cluster=cluster, component="etcd", running=True)
    sim.settle(10)
    assert len(running_pods(cluster, "web")) == 2
    assert nodes_ready(cluster)
    services.object_create(cluster=cluster, kind="ConfigMap", obj={"metadata": {"name": "cfg", "namespace": "default"}})
