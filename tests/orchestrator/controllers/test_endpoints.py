from orchestrator.controllers.endpoints import EndpointsController
from orchestrator.models import Endpoints
from orchestrator.store import services


def pod(cluster, name, ip, ready, labels=None, node="worker-1"):
    obj = services.object_create(cluster=cluster, kind="Pod", obj={
        "metadata": {"name": name, "namespace": "default", "labels": labels or {"app": "web"}},
        "spec": {"nodeName": node, "containers": [{"name": "web", "image": "nginx:1", "ports": [{"name": "http", "containerPort": 8080}]}]},
    })
    obj["status"] = {"phase": "Running", "podIP": ip, "conditions": [{"type": "Ready", "status": "True" if ready else "False"}]}
    services.object_update(cluster=cluster, kind="Pod", obj=obj, subresource="status")


def test_endpoints_list_ready_and_not_ready_pods_behind_the_selector(cluster, sync):
    services.object_create(cluster=cluster, kind="Service", obj={
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": "http"}]},
    })
    pod(cluster, "a", "10.244.1.2", True)
    pod(cluster, "b", "10.244.1.3", False)
    pod(cluster, "other", "10.244.1.4", True, labels={"app": "db"})
    sync(EndpointsController(), "default/web")
    subsets = Endpoints.objects.get(cluster=cluster, name="web").extra["subsets"]
    assert [a["ip"] for a in subsets[0]["addresses"]] == ["10.244.1.2"]
    assert [a["ip"] for a in subsets[0]["notReadyAddresses"]] == ["10.244.1.3"]
    assert subsets[0]["ports"] == [{"port": 8080, "protocol": "TCP"}]
    assert subsets[0]["addresses"][0]["targetRef"]["name"] == "a"


def test_endpoints_go_with_their_service(cluster, sync):
    services.object_create(cluster=cluster, kind="Service", obj={"metadata": {"name": "web", "namespace": "default"}, "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}})
    sync(EndpointsController(), "default/web")
    assert Endpoints.objects.filter(cluster=cluster, name="web").exists()
    services.object_delete(cluster=cluster, kind="Service", namespace="default", name="web")
    sync(EndpointsController(), "default/web")
    assert not Endpoints.objects.filter(cluster=cluster, name="web").exists()
