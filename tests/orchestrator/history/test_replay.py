"""Replay: the objects at a past revision are exactly those the store held then, across compaction."""
from __future__ import annotations

import pytest

from orchestrator.history import playback, replay
from orchestrator.live import presenters
from orchestrator.models import Machine, Revision
from orchestrator.nodes.machines import machine_power
from orchestrator.controlplane.clusters import component_set
from orchestrator.store import errors, services, watch
from orchestrator.store.kinds import KINDS
from orchestrator.store.serialize import to_dict
from tests.e2e.helpers import create_deployment, live_pods, nodes_ready, running_pods


def store_objects(cluster) -> dict:
    """Every object in the store now, keyed by uid, as a list of each kind would return it."""
    return {
        str(row.uid): to_dict(info, row)
        for info in KINDS.values()
        for row in info.model.objects.filter(cluster=cluster)
    }


def by_uid(objects) -> dict:
    return {o["metadata"]["uid"]: o for o in objects}


def record(cluster, moments: dict, label: str) -> None:
    moments[label] = (watch.current_revision(cluster), store_objects(cluster))


def drive(cluster, sim) -> dict:
    """Run a small lesson (deploy, scale, roll out, delete things) and record the store at each step."""
    moments: dict = {}
    sim.run_until(lambda: nodes_ready(cluster), within=10, what="four Ready nodes")
    record(cluster, moments, "nodes ready")
    create_deployment(cluster, replicas=3)
    sim.run_until(lambda: len(running_pods(cluster, "web")) == 3, within=30, what="3 running pods")
    record(cluster, moments, "deployed")
    services.object_create(cluster=cluster, kind="ConfigMap", obj={"metadata": {"name": "settings", "namespace": "default"}, "data": {"a": "1"}})
    with services.Batch(cluster) as batch:
        batch.update("Deployment", {**batch_obj(batch, "Deployment", "web"), "spec": {**batch_obj(batch, "Deployment", "web")["spec"], "replicas": 5}})
    sim.run_until(lambda: len(running_pods(cluster, "web")) == 5, within=30, what="5 running pods")
    record(cluster, moments, "scaled")
    victim = live_pods(cluster, "web")[0].name
    services.object_delete(cluster=cluster, kind="Pod", namespace="default", name=victim)
    services.object_delete(cluster=cluster, kind="ConfigMap", namespace="default", name="settings")
    sim.run_until(lambda: len(running_pods(cluster, "web")) == 5 and victim not in {p.name for p in live_pods(cluster, "web")},
                  within=60, what="the deleted pod replaced")
    record(cluster, moments, "pod replaced")
    services.object_delete(cluster=cluster, kind="Deployment", namespace="default", name="web")
    sim.run_until(lambda: not live_pods(cluster, "web"), within=60, what="the deployment's pods gone")
    sim.settle(3)
    record(cluster, moments, "deleted")
    return moments


def batch_obj(batch, kind, name):
    return to_dict(KINDS[kind], batch.row(kind, "default", name))


def test_replay_at_each_recorded_moment_is_exactly_what_the_store_held(cluster, sim):
    moments = drive(cluster, sim)
    for label, (revision, objects) in moments.items():
        assert by_uid(replay.state_at(cluster, revision)) == objects, label


def test_compaction_keeps_replay_exact_above_the_horizon_and_watches_get_410_below(cluster, sim):
    moments = drive(cluster, sim)
    scaled = moments["scaled"][0]
    rows_before = Revision.objects.filter(cluster=cluster).count()
    horizon = watch.compact(cluster=cluster, retain=watch.current_revision(cluster) - scaled)
    assert horizon == scaled

    # Below the horizon: one entry per object alive there, no deletions, no superseded versions.
    kept = list(Revision.objects.filter(cluster=cluster, revision__lte=horizon).values_list("uid", "event_type"))
    assert len(kept) == len({uid for uid, _ in kept}) == len(moments["scaled"][1])
    assert all(event_type != Revision.DELETED for _, event_type in kept)
    assert Revision.objects.filter(cluster=cluster).count() < rows_before

    for label in ("scaled", "pod replaced", "deleted"):
        revision, objects = moments[label]
        assert by_uid(replay.state_at(cluster, revision)) == objects, label
    for label in ("nodes ready", "deployed"):
        with pytest.raises(errors.Gone) as gone:
            replay.state_at(cluster, moments[label][0])
        assert gone.value.status()["code"] == 410
        assert "compacted" in gone.value.message

    # Watches: 410 below the horizon; from it, only what came after, as before compaction.
    with pytest.raises(errors.Gone):
        watch.changes_since(cluster=cluster, revision=horizon - 1)
    after = watch.changes_since(cluster=cluster, revision=horizon)
    assert after and after[0].revision == horizon + 1
    assert [e.revision for e in after] == list(range(horizon + 1, watch.current_revision(cluster) + 1))

    # A second compaction further on keeps it exact again.
    replaced = moments["pod replaced"][0]
    watch.compact(cluster=cluster, retain=watch.current_revision(cluster) - replaced)
    assert by_uid(replay.state_at(cluster, replaced)) == moments["pod replaced"][1]
    assert by_uid(replay.state_at(cluster, moments["deleted"][0])) == moments["deleted"][1]


def test_revisions_outside_the_history_are_refused_clearly(cluster):
    current = watch.current_revision(cluster)
    with pytest.raises(errors.BadRequest) as future:
        replay.state_at(cluster, current + 5)
    assert future.value.message == f"revision {current + 5} has not happened yet: the cluster is at revision {current}"
    with pytest.raises(errors.BadRequest, match="must go forward"):
        replay.changes_between(cluster, current, current - 1)
    with pytest.raises(errors.BadRequest, match="has not happened yet"):
        replay.changes_between(cluster, 0, current + 1)
    for i in range(5):
        services.object_create(cluster=cluster, kind="ConfigMap", obj={"metadata": {"name": f"c{i}", "namespace": "default"}})
    horizon = watch.compact(cluster=cluster, retain=2)
    with pytest.raises(errors.Gone, match=f"the history starts at revision {horizon}"):
        replay.changes_between(cluster, horizon - 1, horizon + 1)


def test_playing_the_changes_forward_from_a_past_state_gives_the_later_state(cluster, sim):
    moments = drive(cluster, sim)
    start, end = moments["deployed"][0], moments["deleted"][0]
    state = by_uid(replay.state_at(cluster, start))
    entries = replay.changes_between(cluster, start, end)
    assert [e.revision for e in entries] == list(range(start + 1, end + 1))
    for entry in entries:
        if entry.event_type == Revision.DELETED:
            del state[entry.uid]
        else:
            state[entry.uid] = entry.object
    assert state == moments["deleted"][1]


def test_history_range_maps_times_to_revisions(cluster, sim):
    moments = drive(cluster, sim)
    history = replay.history_range(cluster)
    assert history["oldest"]["revision"] == 1
    assert history["newest"]["revision"] == watch.current_revision(cluster)
    points = history["points"]
    assert 2 < len(points) <= replay.POINTS
    assert points[0][0] == 1 and points[-1][0] == history["newest"]["revision"]
    assert [p[0] for p in points] == sorted({p[0] for p in points})
    assert [p[1] for p in points] == sorted(p[1] for p in points), "simulated time never goes back along the log"
    deployed = moments["deployed"][0]
    row = Revision.objects.get(cluster=cluster, revision=deployed)
    assert replay.time_of(cluster, deployed) == {"revision": deployed, "sim": row.sim_time, "wall": row.wall_time}

    recent = replay.history_range(cluster, window=3)
    assert recent["newest"] == history["newest"]
    assert recent["oldest"]["revision"] > moments["pod replaced"][0]
    assert history["now"]["sim"] - recent["oldest"]["sim"] <= 3 + 1

    watch.compact(cluster=cluster, retain=10)
    assert replay.history_range(cluster)["oldest"]["revision"] == watch.current_revision(cluster) - 10


def views(objects) -> dict:
    return {(v["kind"], v["key"]): v for v in objects}


def test_replay_snapshot_shows_the_machines_and_components_as_they_were(cluster, sim):
    sim.run_until(lambda: nodes_ready(cluster), within=10, what="four Ready nodes")
    before = watch.current_revision(cluster)
    machine_power(machine=Machine.objects.get(cluster=cluster, name="worker-2"), on=False)
    component_set(cluster=cluster, component="kube-scheduler", running=False)
    sim.settle(2)
    off = watch.current_revision(cluster)
    machine_power(machine=Machine.objects.get(cluster=cluster, name="worker-2"), on=True)
    component_set(cluster=cluster, component="kube-scheduler", running=True)
    sim.run_until(lambda: nodes_ready(cluster), within=15, what="worker-2 Ready again")

    then = playback.snapshot_at(cluster, off)
    assert then["type"] == "snapshot" and then["revision"] == off
    assert {m["name"]: m["powered"] for m in then["machines"]} == {"control-plane": True, "worker-1": True, "worker-2": False, "worker-3": True}
    assert then["cluster"]["components"]["kube-scheduler"] is False
    assert then["cluster"]["clock"]["paused"] is True
    assert then["replay"]["sim"] == Revision.objects.get(cluster=cluster, revision=off).sim_time
    assert views(then["objects"]) == views(presenters.present(o) for o in replay.state_at(cluster, off, presenters.KINDS_SHOWN))

    earlier = playback.snapshot_at(cluster, before)
    assert all(m["powered"] for m in earlier["machines"])
    assert earlier["cluster"]["components"]["kube-scheduler"] is True


def test_delta_frames_play_a_snapshot_forward_to_the_later_snapshot(cluster, sim):
    moments = drive(cluster, sim)
    start, end = moments["nodes ready"][0], moments["deleted"][0]
    machine_power(machine=Machine.objects.get(cluster=cluster, name="worker-3"), on=False)
    sim.settle(1)
    end = watch.current_revision(cluster)
    snapshot = playback.snapshot_at(cluster, start)
    state = views(snapshot["objects"])
    machines = snapshot["machines"]
    played = playback.deltas_between(cluster, start, end)
    assert played["from"] == start and played["to"] == end
    revision = start
    for frame in played["frames"]:
        assert frame["type"] == "delta" and frame["from"] == revision and frame["to"] > revision
        assert frame["cluster"]["clock"]["now"]
        for change in frame["changes"]:
            if change["op"] == "upsert":
                state[(change["object"]["kind"], change["object"]["key"])] = change["object"]
            else:
                state.pop((change["kind"], change["key"]), None)
        machines = frame.get("machines", machines)
        revision = frame["to"]
    assert revision == end
    final = playback.snapshot_at(cluster, end)
    shown = {k: v for k, v in state.items() if k[0] != "Event"}
    assert shown == {k: v for k, v in views(final["objects"]).items() if k[0] != "Event"}
    assert machines == final["machines"]
    assert {m["name"]: m["powered"] for m in machines}["worker-3"] is False
