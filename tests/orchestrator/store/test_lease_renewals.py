"""The kubelets' bulk Lease renewals: each renewal is a revision with its log entry, and a Lease
someone else wrote meanwhile is neither overwritten nor renewed from stale memory."""
from orchestrator.models import Lease, Revision
from orchestrator.store import services
from orchestrator.store.kinds import KINDS
from orchestrator.store.serialize import to_dict
from orchestrator.store.services import Batch


def lease(cluster, name):
    return services.object_create(cluster=cluster, kind="Lease", obj={
        "metadata": {"name": name, "namespace": "kube-node-lease"},
        "spec": {"holderIdentity": name, "leaseDurationSeconds": 6, "renewTime": "2026-01-01T00:00:00.000000Z"},
    })


def test_renewals_write_each_lease_with_its_own_revision_and_log_entry(cluster):
    known = [lease(cluster, "a"), lease(cluster, "b")]
    with Batch(cluster, component="kubelet") as batch:
        renewed = batch.renew_node_leases(known, "2026-01-01T00:00:01.000000Z")
    assert [r["spec"]["renewTime"] for r in renewed] == ["2026-01-01T00:00:01.000000Z"] * 2
    for obj in renewed:
        row = Lease.objects.get(cluster=cluster, namespace="kube-node-lease", name=obj["metadata"]["name"])
        assert row.spec["renewTime"] == "2026-01-01T00:00:01.000000Z"
        assert str(row.resource_version) == obj["metadata"]["resourceVersion"]
        entry = Revision.objects.get(cluster=cluster, revision=row.resource_version)
        assert (entry.kind, entry.name, entry.event_type) == ("Lease", row.name, "MODIFIED")
        assert entry.object == to_dict(KINDS["Lease"], row)


def test_a_lease_written_by_someone_else_is_left_to_be_read_again(cluster):
    a, b = lease(cluster, "a"), lease(cluster, "b")
    changed = {**b, "spec": {**b["spec"], "holderIdentity": "someone-else"}}
    services.object_update(cluster=cluster, kind="Lease", obj=changed)
    with Batch(cluster, component="kubelet") as batch:
        renewed = batch.renew_node_leases([a, b], "2026-01-01T00:00:01.000000Z")
    assert [r["metadata"]["name"] for r in renewed] == ["a"]
    row = Lease.objects.get(cluster=cluster, namespace="kube-node-lease", name="b")
    assert row.spec["holderIdentity"] == "someone-else"  # not overwritten
    assert row.spec["renewTime"] == "2026-01-01T00:00:00.000000Z"
    revisions = list(Revision.objects.filter(cluster=cluster, kind="Lease").order_by("revision").values_list("revision", flat=True))
    assert len(revisions) == len(set(revisions))
