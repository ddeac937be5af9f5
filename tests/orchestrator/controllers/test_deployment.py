import pytest

from orchestrator.controllers.deployment import DeploymentController, resolve, surge_and_unavailable
from orchestrator.models import ReplicaSet
from orchestrator.store import services
from orchestrator.store.selectors import object_get
from tests.e2e.helpers import deployment


def replicasets(cluster):
    return {rs.name: rs for rs in ReplicaSet.objects.filter(cluster=cluster)}


def set_image(cluster, image):
    d = object_get(cluster=cluster, kind="Deployment", namespace="default", name="web")
    d["spec"]["template"]["spec"]["containers"][0]["image"] = image
    services.object_update(cluster=cluster, kind="Deployment", obj=d)


@pytest.mark.parametrize(
    "value, total, round_up, expected",
    [("25%", 4, True, 1), ("25%", 5, True, 2), ("25%", 5, False, 1), (2, 10, True, 2), ("0%", 3, False, 0), ("100%", 3, False, 3)],
    ids=["quarter-of-4", "surge-rounds-up", "unavailable-rounds-down", "absolute", "zero", "all"],
)
def test_int_or_percent_resolution(value, total, round_up, expected):
    assert resolve(value, total, round_up) == expected


def test_zero_surge_and_zero_unavailable_still_allow_one_unavailable():
    assert surge_and_unavailable({"replicas": 3, "strategy": {"rollingUpdate": {"maxSurge": 0, "maxUnavailable": "10%"}}}) == (0, 1)


def test_creates_a_replicaset_per_template_with_hash_and_revision(cluster, sync):
    services.object_create(cluster=cluster, kind="Deployment", obj=deployment(replicas=3))
    controller = DeploymentController()
    sync(controller, "default/web")
    [rs] = replicasets(cluster).values()
    pod_hash = rs.labels["pod-template-hash"]
    assert rs.name == f"web-{pod_hash}"
    assert rs.spec["selector"]["matchLabels"] == {"app": "web", "pod-template-hash": pod_hash}
    assert rs.spec["replicas"] == 3
    assert rs.annotations["deployment.kubernetes.io/revision"] == "1"
    d = object_get(cluster=cluster, kind="Deployment", namespace="default", name="web")
    assert d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "1"
    progressing = next(c for c in d["status"]["conditions"] if c["type"] == "Progressing")
    assert (progressing["reason"], progressing["message"]) == ("NewReplicaSetCreated", f'Created new replica set "{rs.name}"')
    assert d["status"]["observedGeneration"] == 1


def test_a_new_template_starts_a_surge_limited_rollout_and_a_rollback_reuses_the_old_replicaset(cluster, sync):
    services.object_create(cluster=cluster, kind="Deployment", obj=deployment(replicas=4))
    controller = DeploymentController()
    sync(controller, "default/web")
    [first] = replicasets(cluster)
    set_image(cluster, "nginx:1.26")
    sync(controller, "default/web")
    rses = replicasets(cluster)
    second = next(name for name in rses if name != first)
    # maxSurge 25% of 4 = 1: the new ReplicaSet may only add one pod beyond 4.
    assert rses[second].spec["replicas"] == 1
    assert rses[second].annotations["deployment.kubernetes.io/revision"] == "2"
    set_image(cluster, "nginx:1.25")
    sync(controller, "default/web")
    rses = replicasets(cluster)
    assert set(rses) == {first, second}
    assert rses[first].annotations["deployment.kubernetes.io/revision"] == "3"


def test_recreate_scales_old_replicasets_to_zero_before_the_new_one(cluster, sync):
    services.object_create(cluster=cluster, kind="Deployment", obj=deployment(replicas=2, strategy={"type": "Recreate"}))
    controller = DeploymentController()
    sync(controller, "default/web")
    [first] = replicasets(cluster)
    services.object_create(cluster=cluster, kind="Pod", obj={
        "metadata": {"name": "old-pod", "namespace": "default", "labels": {"app": "web"},
                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": first, "uid": str(replicasets(cluster)[first].uid), "controller": True}]},
        "spec": {"containers": [{"name": "web", "image": "nginx:1.25"}]},
    })
    set_image(cluster, "nginx:1.26")
    sync(controller, "default/web")
    rses = replicasets(cluster)
    second = next(name for name in rses if name != first)
    assert rses[first].spec["replicas"] == 0
    assert rses[second].spec["replicas"] == 0  # old pod still there
    services.object_delete(cluster=cluster, kind="Pod", namespace="default", name="old-pod")
    sync(controller, "default/web")
    assert replicasets(cluster)[second].spec["replicas"] == 2


def test_old_replicasets_beyond_the_history_limit_are_removed(cluster, sync):
    services.object_create(cluster=cluster, kind="Deployment", obj=deployment(replicas=1, revisionHistoryLimit=1))
    controller = DeploymentController()
    sync(controller, "default/web")
    for image in ("nginx:1.26", "nginx:1.27", "nginx:1.28"):
        set_image(cluster, image)
        sync(controller, "default/web")
        for rs in ReplicaSet.objects.filter(cluster=cluster):
            if rs.spec["template"]["spec"]["containers"][0]["image"] != image:
                obj = object_get(cluster=cluster, kind="ReplicaSet", namespace="default", name=rs.name)
                obj["spec"]["replicas"] = 0
                services.object_update(cluster=cluster, kind="ReplicaSet", obj=obj)
        sync(controller, "default/web")
    images = sorted(rs.spec["template"]["spec"]["containers"][0]["image"] for rs in ReplicaSet.objects.filter(cluster=cluster))
    assert images == ["nginx:1.27", "nginx:1.28"]
