import pytest

from orchestrator.models import Cluster
from orchestrator.store import errors, services, watch


def test_changes_since_returns_the_log_in_order_from_a_revision(cluster):
    start = watch.current_revision(cluster)
    for name in ("a", "b", "c"):
        services.object_create(cluster=cluster, kind="ConfigMap", obj={"metadata": {"name": name, "namespace": "default"}})
    services.object_delete(cluster=cluster, kind="ConfigMap", namespace="default", name="b")
    entries = watch.changes_since(cluster=cluster, revision=start + 1)
    assert [(e.event_type, e.name) for e in entries] == [("ADDED", "b"), ("ADDED", "c"), ("DELETED", "b")]
    assert [e.revision for e in entries] == [start + 2, start + 3, start + 4]


def test_a_watch_from_a_compacted_revision_is_gone(cluster):
    start = watch.current_revision(cluster)
    for i in range(10):
        services.object_create(cluster=cluster, kind="ConfigMap", obj={"metadata": {"name": f"c{i}", "namespace": "default"}})
    horizon = watch.compact(cluster=cluster, retain=3)
    assert horizon == start + 7
    with pytest.raises(errors.Gone) as failure:
        watch.changes_since(cluster=cluster, revision=start)
    assert failure.value.status()["code"] == 410
    assert failure.value.status()["reason"] == "Expired"
    assert [e.name for e in watch.changes_since(cluster=cluster, revision=horizon)] == ["c7", "c8", "c9"]
    assert Cluster.objects.get(pk=cluster.pk).compacted_revision == horizon


def test_clusters_keep_separate_revisions_and_logs(cluster):
    from orchestrator.controlplane.clusters import cluster_create

    other = cluster_create(name="other")
    services.object_create(cluster=other, kind="ConfigMap", obj={"metadata": {"name": "only-there", "namespace": "default"}})
    assert not [e for e in watch.changes_since(cluster=cluster, revision=0) if e.name == "only-there"]
    assert [e.name for e in watch.changes_since(cluster=other, revision=0) if e.kind == "ConfigMap"] == ["only-there"]
