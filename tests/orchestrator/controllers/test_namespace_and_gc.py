import pytest

from orchestrator.controllers.garbage_collector import GarbageCollector
from orchestrator.controllers.namespace import NamespaceController
from orchestrator.models import ConfigMap, Namespace, Pod, ReplicaSet
from orchestrator.store import services

TEMPLATE = {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "nginx:1"}]}}


def test_deleting_a_namespace_removes_its_content_then_itself(cluster, sync):
    services.object_create(cluster=cluster, kind="Namespace", obj={"metadata": {"name": "team-a"}})
    services.object_create(cluster=cluster, kind="ConfigMap", obj={"metadata": {"name": "cfg", "namespace": "team-a"}})
    services.object_delete(cluster=cluster, kind="Namespace", namespace="", name="team-a")
    assert Namespace.objects.get(cluster=cluster, name="team-a").status["phase"] == "Terminating"
    controller = NamespaceController()
    assert sync(controller, "/team-a") == 1.0
    assert not ConfigMap.objects.filter(cluster=cluster, namespace="team-a").exists()
    sync(controller, "/team-a")
    assert not Namespace.objects.filter(cluster=cluster, name="team-a").exists()


@pytest.fixture
def family(cluster):
    rs = services.object_create(cluster=cluster, kind="ReplicaSet", obj={
        "metadata": {"name": "rs", "namespace": "default"},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}}, "template": TEMPLATE},
    })
    ref = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "rs", "uid": rs["metadata"]["uid"], "controller": True, "blockOwnerDeletion": True}
    services.object_create(cluster=cluster, kind="Pod", obj={"metadata": {"name": "child", "namespace": "default", "labels": {"app": "web"}, "ownerReferences": [ref]}, "spec": TEMPLATE["spec"]})
    return rs


def test_background_deletion_removes_dependents_of_a_vanished_owner(cluster, sync, family):
    services.object_delete(cluster=cluster, kind="ReplicaSet", namespace="default", name="rs", propagation="Background")
    sync(GarbageCollector(), family["metadata"]["uid"])
    assert not Pod.objects.filter(cluster=cluster, name="child").exists()


def test_foreground_deletion_waits_for_dependents(cluster, sync, family):
    services.object_delete(cluster=cluster, kind="ReplicaSet", namespace="default", name="rs", propagation="Foreground")
    owner = ReplicaSet.objects.get(cluster=cluster, name="rs")
    assert owner.deletion_timestamp is not None and owner.finalizers == ["foregroundDeletion"]
    gc = GarbageCollector()
    sync(gc, family["metadata"]["uid"])
    assert not Pod.objects.filter(cluster=cluster, name="child").exists()
    assert ReplicaSet.objects.filter(cluster=cluster, name="rs").exists()
    sync(gc, family["metadata"]["uid"])
    assert not ReplicaSet.objects.filter(cluster=cluster, name="rs").exists()


def test_orphan_deletion_keeps_dependents_without_the_owner(cluster, sync, family):
    services.object_delete(cluster=cluster, kind="ReplicaSet", namespace="default", name="rs", propagation="Orphan")
    sync(GarbageCollector(), family["metadata"]["uid"])
    assert not ReplicaSet.objects.filter(cluster=cluster, name="rs").exists()
    child = Pod.objects.get(cluster=cluster, name="child")
    assert child.owner_references == [] and child.owner_uid == ""
