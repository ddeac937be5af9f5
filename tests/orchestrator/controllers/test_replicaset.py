from datetime import timedelta

from orchestrator.controllers.replicaset import ReplicaSetController
from orchestrator.models import Event, Pod
from orchestrator.store import services
from orchestrator.store.selectors import object_get

TEMPLATE = {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "nginx:1.25"}]}}


def make_rs(cluster, replicas=3):
    return services.object_create(cluster=cluster, kind="ReplicaSet", obj={
        "metadata": {"name": "web-rs", "namespace": "default"},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}}, "template": TEMPLATE},
    })


def owned(cluster, rs):
    return Pod.objects.filter(cluster=cluster, owner_uid=rs["metadata"]["uid"])


def test_creates_missing_pods_owned_by_the_replicaset(cluster, sync):
    rs = make_rs(cluster, 3)
    sync(ReplicaSetController(), "default/web-rs")
    pods = list(owned(cluster, rs))
    assert len(pods) == 3
    ref = pods[0].owner_references[0]
    assert (ref["kind"], ref["name"], ref["controller"], ref["blockOwnerDeletion"]) == ("ReplicaSet", "web-rs", True, True)
    assert all(p.name.startswith("web-rs-") and p.labels == {"app": "web"} for p in pods)
    assert Event.objects.filter(cluster=cluster, reason="SuccessfulCreate").count() == 3
    sync(ReplicaSetController(), "default/web-rs")  # status counts the pods the sync found
    assert object_get(cluster=cluster, kind="ReplicaSet", namespace="default", name="web-rs")["status"]["replicas"] == 3


def test_scales_down_unscheduled_pods_before_scheduled_ones(cluster, sync):
    rs = make_rs(cluster, 3)
    controller = ReplicaSetController()
    sync(controller, "default/web-rs")
    scheduled = list(owned(cluster, rs))[:2]
    with services.Batch(cluster) as batch:
        for pod in scheduled:
            batch.bind("default", pod.name, "worker-1")
    current = object_get(cluster=cluster, kind="ReplicaSet", namespace="default", name="web-rs")
    current["spec"]["replicas"] = 2
    services.object_update(cluster=cluster, kind="ReplicaSet", obj=current)
    sync(controller, "default/web-rs")
    assert {p.name for p in owned(cluster, rs)} == {p.name for p in scheduled}


def test_terminating_pods_do_not_count_and_are_replaced(cluster, sync):
    rs = make_rs(cluster, 2)
    controller = ReplicaSetController()
    sync(controller, "default/web-rs")
    pod = owned(cluster, rs).first()
    with services.Batch(cluster) as batch:
        batch.bind("default", pod.name, "worker-1")
    services.object_delete(cluster=cluster, kind="Pod", namespace="default", name=pod.name)
    sync(controller, "default/web-rs")
    live = [p for p in owned(cluster, rs) if p.deletion_timestamp is None]
    assert len(live) == 2 and pod.name not in {p.name for p in live}


def test_adopts_an_orphan_pod_that_matches_its_selector(cluster, sync):
    services.object_create(cluster=cluster, kind="Pod", obj={"metadata": {"name": "stray", "namespace": "default", "labels": {"app": "web"}}, "spec": TEMPLATE["spec"]})
    rs = make_rs(cluster, 1)
    sync(ReplicaSetController(), "default/web-rs")
    assert [p.name for p in owned(cluster, rs)] == ["stray"]


def test_available_replicas_wait_for_min_ready_seconds(cluster, sync):
    rs = make_rs(cluster, 1)
    current = object_get(cluster=cluster, kind="ReplicaSet", namespace="default", name="web-rs")
    current["spec"]["minReadySeconds"] = 10
    services.object_update(cluster=cluster, kind="ReplicaSet", obj=current)
    controller = ReplicaSetController()
    sync(controller, "default/web-rs")
    pod = object_get(cluster=cluster, kind="Pod", namespace="default", name=owned(cluster, rs).first().name)
    ready_at = pod["metadata"]["creationTimestamp"]
    pod["status"] = {"phase": "Running", "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": ready_at}]}
    services.object_update(cluster=cluster, kind="Pod", obj=pod, subresource="status")
    from orchestrator.store.serialize import parse_time

    t0 = parse_time(ready_at).timestamp()
    again = sync(controller, "default/web-rs", now=t0 + 4)
    status = object_get(cluster=cluster, kind="ReplicaSet", namespace="default", name="web-rs")["status"]
    assert status["readyReplicas"] == 1 and "availableReplicas" not in status
    assert abs(again - 6) < 1e-6
    sync(controller, "default/web-rs", now=t0 + 10 + timedelta(seconds=0).total_seconds())
    assert object_get(cluster=cluster, kind="ReplicaSet", namespace="default", name="web-rs")["status"]["availableReplicas"] == 1


def test_a_sync_reads_the_status_of_the_pods_that_changed_only_and_sees_every_change(cluster, sync):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rs = make_rs(cluster, 4)
    controller = ReplicaSetController()
    sync(controller, "default/web-rs")
    sync(controller, "default/web-rs")
    first = owned(cluster, rs).order_by("name").first()
    pod = object_get(cluster=cluster, kind="Pod", namespace="default", name=first.name)
    pod["status"] = {"phase": "Running", "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": pod["metadata"]["creationTimestamp"]}]}
    services.object_update(cluster=cluster, kind="Pod", obj=pod, subresource="status")
    with CaptureQueriesContext(connection) as queries:
        sync(controller, "default/web-rs")
    status = object_get(cluster=cluster, kind="ReplicaSet", namespace="default", name="web-rs")["status"]
    assert (status["replicas"], status["readyReplicas"]) == (4, 1)
    # The statuses read: one query, naming the changed pod alone.
    decoded = [q["sql"] for q in queries.captured_queries if '"orchestrator_pod"."status"' in q["sql"] and '"uid" IN' in q["sql"]]
    assert len(decoded) == 1 and decoded[0].split('"uid" IN')[1].count(",") == 0 and first.uid.hex in decoded[0].replace("-", ""), decoded
    pod = object_get(cluster=cluster, kind="Pod", namespace="default", name=first.name)
    pod["status"]["conditions"][0]["status"] = "False"
    services.object_update(cluster=cluster, kind="Pod", obj=pod, subresource="status")
    sync(controller, "default/web-rs")
    assert "readyReplicas" not in object_get(cluster=cluster, kind="ReplicaSet", namespace="default", name="web-rs")["status"]
