"""kube-scheduler's node snapshot is kept between passes and moved along by the revision log;
whatever happens between passes, it must agree with one built afresh from the store."""
from orchestrator.models import Event, Node, Pod, Revision, SchedulingRecord
from orchestrator.nodes.machines import machine_add
from orchestrator.scheduler.scheduler import NodeSnapshot, Scheduler
from orchestrator.store import services


def counts(snapshot: NodeSnapshot) -> dict:
    return {i.name: (i.requested_cpu_m, i.requested_memory, i.pod_count, dict(i.workload_pods)) for i in snapshot.infos}


def pod(name: str, node: str = "", cpu: str = "250m", owner: str = "") -> dict:
    meta = {"name": name, "namespace": "default"}
    if owner:
        meta["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "rs", "uid": owner, "controller": True}]
    spec = {"containers": [{"name": "c", "image": "nginx:1.25", "resources": {"requests": {"cpu": cpu, "memory": "64Mi"}}}]}
    if node:
        spec["nodeName"] = node
    return {"metadata": meta, "spec": spec}


def test_the_kept_snapshot_agrees_with_a_fresh_one_after_binds_deletions_and_new_nodes(sim):
    cluster = sim.cluster
    sim.run_until(lambda: Node.objects.filter(cluster=cluster, ready="True").count() == 4, what="nodes Ready")
    scheduler = Scheduler()
    state = scheduler.state(cluster)
    owner = "00000000-0000-0000-0000-0000000000aa"
    with services.Batch(cluster) as batch:
        for i in range(6):
            batch.create("Pod", pod(f"web-{i}", owner=owner))
        batch.create("Pod", pod("pinned", node="worker-2", cpu="1"))
    scheduler.tick(cluster)
    assert not Pod.objects.filter(cluster=cluster, node_name="").exists()
    kept = state["snapshot"]
    assert counts(kept) == counts(NodeSnapshot(cluster))
    assert sum(i.workload_pods.get(owner, 0) for i in kept.infos) == 6

    # Between two passes: a pod deleted, one finished, one bound by someone else.
    services.object_delete(cluster=cluster, kind="Pod", namespace="default", name="web-0", grace_period_seconds=0)
    with services.Batch(cluster) as batch:
        row = batch.row("Pod", "default", "web-1")
        batch.update_status("Pod", {"metadata": {"name": "web-1", "namespace": "default"}, "status": {**row.status, "phase": "Succeeded"}})
        batch.create("Pod", pod("by-hand"))
    with services.Batch(cluster) as batch:
        batch.bind("default", "by-hand", "worker-3")
    scheduler.tick(cluster)
    assert state["snapshot"] is kept, "the snapshot was built afresh instead of moved along the log"
    assert counts(kept) == counts(NodeSnapshot(cluster))
    assert sum(i.pod_count for i in kept.infos) == 6

    machine_add(cluster=cluster, name="worker-4")
    sim.run_until(lambda: Node.objects.filter(cluster=cluster, name="worker-4", ready="True").exists(), what="worker-4 Ready")
    scheduler.tick(cluster)
    assert state["snapshot"] is kept and "worker-4" in {i.name for i in kept.infos}
    assert counts(kept) == counts(NodeSnapshot(cluster))


def test_a_pass_binds_its_pods_in_one_statement_with_their_events_and_records(sim):
    cluster = sim.cluster
    sim.run_until(lambda: Node.objects.filter(cluster=cluster, ready="True").count() == 4, what="nodes Ready")
    with services.Batch(cluster) as batch:
        for i in range(5):
            batch.create("Pod", pod(f"p-{i}"))
        batch.create("Pod", pod("huge", cpu="64"))
    before = Revision.objects.filter(cluster=cluster).order_by("-revision").first().revision
    Scheduler().tick(cluster)
    bound = {p.name: p for p in Pod.objects.filter(cluster=cluster, name__startswith="p-")}
    assert all(p.node_name.startswith("worker-") for p in bound.values())
    for p in bound.values():
        assert p.resource_version > before
        assert p.spec["nodeName"] == p.node_name and p.status["conditions"][0]["type"] == "PodScheduled"
        entry = Revision.objects.get(cluster=cluster, revision=p.resource_version)
        assert (entry.kind, entry.name, entry.object["spec"]["nodeName"]) == ("Pod", p.name, p.node_name)
        event = Event.objects.get(cluster=cluster, involved_uid=str(p.uid), reason="Scheduled")
        assert event.extra["message"] == f"Successfully assigned default/{p.name} to {p.node_name}"
        assert Revision.objects.filter(cluster=cluster, kind="Event", name=event.name, revision=event.resource_version).exists()
        assert SchedulingRecord.objects.get(pod_uid=str(p.uid)).node_name == p.node_name
    huge = Pod.objects.get(cluster=cluster, name="huge")
    assert huge.node_name == "" and huge.status["conditions"][0]["reason"] == "Unschedulable"
    assert Event.objects.filter(cluster=cluster, involved_uid=str(huge.uid), reason="FailedScheduling").count() == 1


def test_bind_all_leaves_out_pods_bound_or_deleted_meanwhile(sim):
    cluster = sim.cluster
    sim.run_until(lambda: Node.objects.filter(cluster=cluster, ready="True").count() == 4, what="nodes Ready")
    with services.Batch(cluster) as batch:
        for name in ("a", "b", "c"):
            batch.create("Pod", pod(name))
    rows = {p.name: p for p in Pod.objects.filter(cluster=cluster, name__in=["a", "b", "c"])}
    with services.Batch(cluster) as batch:
        batch.bind("default", "b", "worker-1")
    rows["b"].refresh_from_db()
    with services.Batch(cluster) as batch:
        answer = batch.bind_all([(rows["a"], "worker-2"), (rows["b"], "worker-3"), (rows["c"], "worker-3")])
    assert [obj and obj["spec"]["nodeName"] for obj in answer] == ["worker-2", None, "worker-3"]
    assert dict(Pod.objects.filter(cluster=cluster, name__in=["a", "b", "c"]).values_list("name", "node_name")) == {"a": "worker-2", "b": "worker-1", "c": "worker-3"}
