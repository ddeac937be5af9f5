"""The official kubernetes Python client against a running playground."""
import json

import pytest
from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException

from tests.live import wait_for


@pytest.fixture
def api(kubeconfig):
    return config.new_client_from_config(config_file=str(kubeconfig))


@pytest.fixture
def core(api):
    return client.CoreV1Api(api)


@pytest.fixture
def apps(api):
    return client.AppsV1Api(api)


def deployment(name="web", replicas=3, image="nginx:1.25"):
    return client.V1Deployment(
        metadata=client.V1ObjectMeta(name=name),
        spec=client.V1DeploymentSpec(
            replicas=replicas,
            selector=client.V1LabelSelector(match_labels={"app": name}),
            template=client.V1PodTemplateSpec(
                metadata=client.V1ObjectMeta(labels={"app": name}),
                spec=client.V1PodSpec(containers=[client.V1Container(name=name, image=image)]),
            ),
        ),
    )


def running(core, selector="app=web"):
    return [p for p in core.list_namespaced_pod("default", label_selector=selector).items
            if p.status.phase == "Running" and p.metadata.deletion_timestamp is None]


def test_lists_the_demo_nodes_with_status(core):
    nodes = core.list_node().items
    assert sorted(n.metadata.name for n in nodes) == ["control-plane", "worker-1", "worker-2", "worker-3"]
    worker = next(n for n in nodes if n.metadata.name == "worker-3")
    assert worker.status.node_info.container_runtime_version.startswith("cri-o://")
    assert {c.type: c.status for c in worker.status.conditions}["Ready"] == "True"


def test_a_deployment_created_by_the_client_runs_and_scales(core, apps):
    apps.create_namespaced_deployment("default", deployment())
    wait_for(lambda: len(running(core)) == 3, 30, "3 running pods")
    scale = apps.read_namespaced_deployment_scale("web", "default")
    assert (scale.spec.replicas, scale.status.selector) == (3, "app=web")
    apps.patch_namespaced_deployment_scale("web", "default", {"spec": {"replicas": 5}})
    wait_for(lambda: len(running(core)) == 5, 30, "5 running pods")
    d = apps.read_namespaced_deployment("web", "default")
    wait_for(lambda: apps.read_namespaced_deployment_status("web", "default").status.available_replicas == 5, 15, "5 available")
    assert d.metadata.annotations["deployment.kubernetes.io/revision"] == "1"


def test_watch_streams_pod_events_from_a_resource_version(core, apps):
    start = core.list_namespaced_pod("default").metadata.resource_version
    apps.create_namespaced_deployment("default", deployment(replicas=2))
    seen = {}
    w = watch.Watch()
    for event in w.stream(core.list_namespaced_pod, "default", resource_version=start, timeout_seconds=30):
        pod = event["object"]
        seen[pod.metadata.name] = pod.status.phase
        if len(seen) == 2 and all(phase == "Running" for phase in seen.values()):
            w.stop()
    assert len(seen) == 2


def test_a_stale_update_is_a_409_conflict(core):
    cm = core.create_namespaced_config_map("default", client.V1ConfigMap(metadata=client.V1ObjectMeta(name="cfg"), data={"a": "1"}))
    cm.data = {"a": "2"}
    core.replace_namespaced_config_map("cfg", "default", cm)
    cm.data = {"a": "3"}
    with pytest.raises(ApiException) as failure:
        core.replace_namespaced_config_map("cfg", "default", cm)
    assert failure.value.status == 409
    assert json.loads(failure.value.body)["reason"] == "Conflict"
    assert core.read_namespaced_config_map("cfg", "default").data == {"a": "2"}


def test_invalid_objects_get_422_with_causes_and_change_nothing(apps):
    bad = deployment(replicas=-1)
    with pytest.raises(ApiException) as failure:
        apps.create_namespaced_deployment("default", bad)
    status = json.loads(failure.value.body)
    assert (failure.value.status, status["reason"]) == (422, "Invalid")
    assert status["details"]["causes"][0]["field"] == "spec.replicas"
    assert apps.list_namespaced_deployment("default").items == []


def test_missing_objects_are_404(core):
    with pytest.raises(ApiException) as failure:
        core.read_namespaced_pod("nope", "default")
    assert failure.value.status == 404
    assert json.loads(failure.value.body)["message"] == 'pods "nope" not found'


def test_pod_logs_and_events_are_readable(core, apps):
    apps.create_namespaced_deployment("default", deployment(replicas=1))
    wait_for(lambda: len(running(core)) == 1, 30, "a running pod")
    pod = running(core)[0]
    log = core.read_namespaced_pod_log(pod.metadata.name, "default")
    assert "nginx" in log
    events = core.list_namespaced_event("default", field_selector=f"involvedObject.name={pod.metadata.name}").items
    assert {"Scheduled", "Pulled", "Created", "Started"} <= {e.reason for e in events}


def test_foreground_deletion_removes_the_replicasets_and_pods(core, apps):
    apps.create_namespaced_deployment("default", deployment(replicas=2))
    wait_for(lambda: len(running(core)) == 2, 30, "2 running pods")
    apps.delete_namespaced_deployment("web", "default", propagation_policy="Foreground")
    wait_for(lambda: not apps.list_namespaced_deployment("default").items, 30, "deployment gone")
    assert apps.list_namespaced_replica_set("default").items == []
    wait_for(lambda: not core.list_namespaced_pod("default", label_selector="app=web").items, 30, "pods gone")
