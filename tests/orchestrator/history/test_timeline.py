"""The failure timeline: derived from the revision log, in its order, with the profile's timing."""
import copy

import pytest

from orchestrator.controlplane.clusters import component_set
from orchestrator.history import timeline
from orchestrator.models import Deployment, Machine, Revision
from orchestrator.nodes.machines import machine_power
from orchestrator.store.kinds import KINDS
from orchestrator.store.serialize import parse_time, to_dict
from orchestrator.store.services import object_create, object_delete, object_update
from tests.e2e.helpers import deployment, live_pods, nodes_ready, running_pods

GRACE = 6  # classroom node_monitor_grace
TOLERATION = 5  # classroom default_toleration_seconds
SLACK = 1.0  # the node monitor period (0.5 s) plus one simulation jump (0.5 s)


def web_with_service(cluster, sim, replicas=6, **spec):
    """A Deployment `web` of `replicas` Ready pods behind a Service `web`."""
    object_create(cluster=cluster, kind="Deployment", obj=deployment(replicas=replicas, **spec))
    object_create(cluster=cluster, kind="Service", obj={"metadata": {"name": "web", "namespace": "default"}, "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}})
    sim.run_until(lambda: len(running_pods(cluster, "web")) == replicas, within=30, what=f"{replicas} ready pods")
    sim.settle(1)


def log_rows(cluster, after, kind, **filters):
    return list(Revision.objects.filter(cluster=cluster, revision__gt=after, kind=kind, **filters).order_by("revision"))


def first(rows, test):
    return next(r for r in rows if test(r.object))


def ready(obj) -> bool:
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in (obj.get("status") or {}).get("conditions") or [])


def by_type(steps, kind):
    return [s for s in steps if s["type"] == kind]


def newest(cluster, kind):
    found = [i for i in timeline.incidents(cluster) if i["type"] == kind]
    assert found, f"no {kind} incident listed"
    return found[0]["start_revision"]


def assert_steps_are_log_rows(cluster, detail):
    """Every step is a row of the log (same object, times and actor), and steps come in log order."""
    revisions = [s["revision"] for s in detail["steps"]]
    assert revisions == sorted(revisions)
    rows = {r.revision: r for r in Revision.objects.filter(cluster=cluster, revision__in=revisions)}
    start = rows[detail["start_revision"]]
    for s in detail["steps"]:
        row = rows[s["revision"]]
        assert (s["ref"]["kind"], s["ref"]["namespace"], s["ref"]["name"]) == (row.kind, row.namespace, row.name), s
        assert (s["sim_time"], s["wall_time"], s["actor"]) == (row.sim_time, row.wall_time, row.actor), s
        assert s["since_sim"] == pytest.approx(row.sim_time - start.sim_time)
        assert s["since_wall"] == pytest.approx(row.wall_time - start.wall_time)


# -- a worker is switched off -------------------------------------------------------------------

def test_killed_worker_timeline_matches_the_revision_log(cluster, sim):
    sim.run_until(lambda: nodes_ready(cluster), within=10, what="four Ready nodes")
    web_with_service(cluster, sim)
    doomed = {p.name for p in live_pods(cluster, "web") if p.node_name == "worker-2"}
    assert len(doomed) == 2
    machine_power(machine=Machine.objects.get(cluster=cluster, name="worker-2"), on=False)
    start = newest(cluster, "node-lost")
    assert timeline.incident(cluster, start)["outcome"] is None

    detail = sim.run_until(lambda: (d := timeline.incident(cluster, start))["done"] and d, within=60, what="recovery")
    assert detail["title"] == "worker-2 lost power"
    assert_steps_are_log_rows(cluster, detail)
    steps = detail["steps"]

    # The same facts, read straight from the revision log.
    heartbeat = Revision.objects.filter(cluster=cluster, kind="Lease", namespace="kube-node-lease", name="worker-2", revision__lt=start).order_by("-revision").first()
    node_rows = log_rows(cluster, start, "Node", name="worker-2")
    not_ready = first(node_rows, lambda o: not ready(o))
    taint = first(node_rows, lambda o: any(t["key"] == "node.kubernetes.io/unreachable" and t["effect"] == "NoExecute" for t in o["spec"].get("taints") or []))
    pod_rows = log_rows(cluster, start, "Pod")
    evictions = {name: first([r for r in pod_rows if r.name == name], lambda o: o["metadata"].get("deletionTimestamp")).revision for name in doomed}
    created = {r.name: r.revision for r in pod_rows if r.event_type == "ADDED"}
    assert len(created) == 2

    def first_of(name, test):
        return first([r for r in pod_rows if r.name == name], test).revision

    scheduled = {n: first_of(n, lambda o: o["spec"].get("nodeName")) for n in created}
    running = {n: first_of(n, lambda o: o["status"].get("phase") == "Running") for n in created}
    ready_at = {n: first_of(n, ready) for n in created}

    assert [s["revision"] for s in by_type(steps, "heartbeat")] == [heartbeat.revision]
    assert [s["revision"] for s in by_type(steps, "start")] == [start]
    assert [s["revision"] for s in by_type(steps, "not-ready")] == [not_ready.revision]
    assert [s["revision"] for s in by_type(steps, "taint")] == [taint.revision]
    assert {s["ref"]["name"]: s["revision"] for s in by_type(steps, "evicted")} == evictions
    assert {s["ref"]["name"]: s["revision"] for s in by_type(steps, "created")} == created
    assert {s["ref"]["name"]: s["revision"] for s in by_type(steps, "scheduled")} == scheduled
    assert {s["ref"]["name"]: s["revision"] for s in by_type(steps, "running")} == running
    assert {s["ref"]["name"]: s["revision"] for s in by_type(steps, "ready")} == ready_at
    assert all(s["actor"] == "replicaset-controller" for s in by_type(steps, "created"))
    assert all(s["actor"] == "default-scheduler" for s in by_type(steps, "scheduled"))

    # The story in its order: heartbeat < off < NotReady < taint < evictions < replacements ... < recovered.
    endpoints = by_type(steps, "endpoints")
    dropped = [s for s in endpoints if set(s["removed"]) & doomed]
    added = {name: s["revision"] for s in endpoints for name in s["added"]}
    assert heartbeat.revision < start < not_ready.revision < taint.revision < min(evictions.values())
    assert dropped and taint.revision < dropped[0]["revision"] < min(evictions.values())
    assert max(evictions.values()) < min(created.values())
    for name in created:
        assert created[name] < scheduled[name] < running[name] <= ready_at[name] < added[name]
    recovered = steps[-1]
    assert recovered["type"] == "recovered" and recovered["revision"] >= max(added.values())
    assert recovered["label"] == f"recovered in {recovered['since_sim']:.1f} s"
    assert detail["outcome"]["sim_seconds"] == recovered["since_sim"]

    # "Recovered" is the first revision at which the ReplicaSet has its 6 replicas Ready again and
    # the Service lists 6 ready endpoints, both as written after the node was found NotReady.
    def whole(revision):
        rs = Revision.objects.filter(cluster=cluster, kind="ReplicaSet", revision__gt=not_ready.revision, revision__lte=revision).order_by("-revision").first()
        ep = Revision.objects.filter(cluster=cluster, kind="Endpoints", name="web", revision__gt=not_ready.revision, revision__lte=revision).order_by("-revision").first()
        return bool(rs and ep and rs.object["status"].get("readyReplicas", 0) >= rs.object["spec"]["replicas"] == 6
                    and sum(len(s.get("addresses", [])) for s in ep.object.get("subsets", [])) >= 6)

    assert whole(recovered["revision"]) and not whole(recovered["revision"] - 1)

    # Timing as the classroom profile says.
    assert GRACE <= not_ready.sim_time - heartbeat.sim_time <= GRACE + SLACK
    added_at = parse_time(next(t for t in taint.object["spec"]["taints"] if t["effect"] == "NoExecute")["timeAdded"]).timestamp()
    for revision in evictions.values():
        evicted_at = Revision.objects.get(cluster=cluster, revision=revision).sim_time
        assert added_at + TOLERATION <= evicted_at <= added_at + TOLERATION + SLACK

    grace, toleration = detail["countdowns"]
    assert grace["starts_sim"] == heartbeat.sim_time and grace["ends_sim"] == heartbeat.sim_time + GRACE and grace["done"]
    assert "6 s" in grace["label"]
    assert toleration["starts_sim"] == added_at and toleration["ends_sim"] == added_at + TOLERATION and toleration["done"]
    assert "5 s" in toleration["label"] and "2 pods" in toleration["label"]


def test_countdowns_run_before_their_ends(cluster, sim):
    sim.run_until(lambda: nodes_ready(cluster), within=10, what="four Ready nodes")
    web_with_service(cluster, sim, replicas=3)
    machine_power(machine=Machine.objects.get(cluster=cluster, name="worker-1"), on=False)
    start = newest(cluster, "node-lost")
    detail = timeline.incident(cluster, start)
    [grace] = detail["countdowns"]
    assert not grace["done"] and grace["ends_sim"] > detail["now_sim"]
    assert [s["type"] for s in detail["steps"]] == ["heartbeat", "start"]

    sim.run_until(lambda: by_type(timeline.incident(cluster, start)["steps"], "taint"), within=GRACE + 2, what="taint")
    detail = timeline.incident(cluster, start)
    grace, toleration = detail["countdowns"]
    assert grace["done"] and not toleration["done"]
    assert toleration["ends_sim"] - toleration["starts_sim"] == TOLERATION
    assert not by_type(detail["steps"], "evicted")


def test_switched_on_again_before_eviction_recovers_in_place(cluster, sim):
    sim.run_until(lambda: nodes_ready(cluster), within=10, what="four Ready nodes")
    web_with_service(cluster, sim, replicas=3)
    victim = Machine.objects.get(cluster=cluster, name="worker-1")
    machine_power(machine=victim, on=False)
    start = newest(cluster, "node-lost")
    sim.run_until(lambda: by_type(timeline.incident(cluster, start)["steps"], "taint"), within=GRACE + 2, what="taint")
    machine_power(machine=Machine.objects.get(pk=victim.pk), on=True)
    detail = sim.run_until(lambda: (d := timeline.incident(cluster, start))["done"] and d, within=30, what="recovery")
    kinds = [s["type"] for s in detail["steps"]]
    assert "powered-on" in kinds and "node-ready" in kinds and "evicted" not in kinds
    assert kinds[-1] == "recovered"
    assert_steps_are_log_rows(cluster, detail)


# -- a control-plane component is stopped -------------------------------------------------------

def test_stopped_scheduler_piles_up_pending_pods_then_catches_up(cluster, sim):
    sim.run_until(lambda: nodes_ready(cluster), within=10, what="four Ready nodes")
    component_set(cluster=cluster, component="kube-scheduler", running=False)
    start = newest(cluster, "component-stopped")
    object_create(cluster=cluster, kind="Deployment", obj=deployment(replicas=3))
    sim.settle(5)
    detail = timeline.incident(cluster, start)
    assert detail["title"] == "kube-scheduler stopped"
    pending = by_type(detail["steps"], "pending")
    assert {s["ref"]["name"] for s in pending} == {p.name for p in live_pods(cluster, "web")}
    assert len(pending) == 3 and not detail["done"]

    component_set(cluster=cluster, component="kube-scheduler", running=True)
    detail = sim.run_until(lambda: (d := timeline.incident(cluster, start))["done"] and d, within=30, what="catch-up")
    assert_steps_are_log_rows(cluster, detail)
    steps = detail["steps"]
    [started] = by_type(steps, "started")
    for name in (s["ref"]["name"] for s in pending):
        bind = first(log_rows(cluster, start, "Pod", name=name), lambda o: o["spec"].get("nodeName"))
        [scheduled] = [s for s in by_type(steps, "scheduled") if s["ref"]["name"] == name]
        assert started["revision"] < scheduled["revision"] == bind.revision
        assert [s["type"] for s in steps if s["ref"]["name"] == name and s["type"] != "settled"] == ["pending", "scheduled", "running", "ready"]
    assert steps[-1]["type"] == "settled"
    assert steps[-1]["label"].startswith("caught up ") and "after the restart" in steps[-1]["label"]
    assert max(s["revision"] for s in by_type(steps, "ready")) == steps[-1]["revision"]  # the last Ready settles it


def test_stopped_controller_manager_leaves_deleted_pods_unreplaced(cluster, sim):
    sim.run_until(lambda: nodes_ready(cluster), within=10, what="four Ready nodes")
    object_create(cluster=cluster, kind="Deployment", obj=deployment(replicas=3))
    sim.run_until(lambda: len(running_pods(cluster, "web")) == 3, within=30, what="3 running pods")
    component_set(cluster=cluster, component="kube-controller-manager", running=False)
    start = newest(cluster, "component-stopped")
    victim = running_pods(cluster, "web")[0].name
    object_delete(cluster=cluster, kind="Pod", namespace="default", name=victim)
    sim.settle(5)
    detail = timeline.incident(cluster, start)
    assert [s["ref"]["name"] for s in by_type(detail["steps"], "deleted")] == [victim]
    assert not by_type(detail["steps"], "created") and not detail["done"]

    component_set(cluster=cluster, component="kube-controller-manager", running=True)
    detail = sim.run_until(lambda: (d := timeline.incident(cluster, start))["done"] and d, within=30, what="catch-up")
    assert_steps_are_log_rows(cluster, detail)
    kinds = [s["type"] for s in detail["steps"]]
    assert kinds[:3] == ["start", "deleted", "started"]
    assert kinds[3:] == ["created", "scheduled", "running", "ready", "settled"]


# -- a rolling update ---------------------------------------------------------------------------

def test_rolling_update_shows_surge_and_unavailability_within_the_strategy(cluster, sim):
    sim.run_until(lambda: nodes_ready(cluster), within=10, what="four Ready nodes")
    strategy = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 1}}
    web_with_service(cluster, sim, replicas=4, strategy=strategy)
    before = Revision.objects.filter(cluster=cluster).count()
    assert not [i for i in timeline.incidents(cluster) if i["type"] == "rollout"]  # creating it is no rollout

    d = to_dict(KINDS["Deployment"], Deployment.objects.get(cluster=cluster, name="web"))
    changed = copy.deepcopy(d)
    changed["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.26"
    object_update(cluster=cluster, kind="Deployment", obj=changed)
    start = newest(cluster, "rollout")
    assert Revision.objects.get(cluster=cluster, revision=start).kind == "Deployment"
    assert Revision.objects.filter(cluster=cluster).count() > before

    detail = sim.run_until(lambda: (d := timeline.incident(cluster, start))["done"] and d, within=60, what="rollout")
    assert_steps_are_log_rows(cluster, detail)
    steps = detail["steps"]
    assert steps[0]["type"] == "start" and "maxSurge 1, maxUnavailable 1" in steps[0]["label"]
    assert steps[1]["type"] == "new-replicaset"
    assert steps[-1]["type"] == "complete" and steps[-1]["label"] == f"rollout complete in {steps[-1]['since_sim']:.1f} s"
    assert (detail["max_surge"], detail["max_unavailable"]) == (1, 1)
    measured = [s for s in steps if "surge" in s]
    assert all(0 <= s["surge"] <= 1 and 0 <= s["unavailable"] <= 1 for s in measured)
    assert (detail["peak_surge"], detail["peak_unavailable"]) == (1, 1)

    # Every scale the deployment controller made is a step, at its row of the log.
    scales = [r for r in log_rows(cluster, start, "ReplicaSet", actor="deployment-controller")]
    replicas = {}
    for r in Revision.objects.filter(cluster=cluster, kind="ReplicaSet", revision__lt=start).order_by("revision"):
        replicas[r.uid] = r.object["spec"]["replicas"]
    expected = []
    for r in scales:
        if r.object["spec"]["replicas"] != replicas.get(r.uid, 0):
            expected.append(r.revision)
        replicas[r.uid] = r.object["spec"]["replicas"]
    assert [s["revision"] for s in steps if s["type"] in ("new-replicaset", "scale")] == expected
    assert len(expected) >= 5  # new RS up 1..4 and the old one down 4..0, a step or more at a time


# -- listing and refusals -----------------------------------------------------------------------

def test_incidents_are_listed_newest_first(cluster, sim):
    sim.run_until(lambda: nodes_ready(cluster), within=10, what="four Ready nodes")
    machine_power(machine=Machine.objects.get(cluster=cluster, name="worker-3"), on=False)
    component_set(cluster=cluster, component="kube-scheduler", running=False)
    listed = timeline.incidents(cluster)
    assert [(i["type"], i["title"]) for i in listed] == [("component-stopped", "kube-scheduler stopped"), ("node-lost", "worker-3 lost power")]
    assert listed[0]["start_revision"] > listed[1]["start_revision"]
    assert listed[1]["subject"] == {"kind": "Node", "namespace": "", "name": "worker-3"}
    assert timeline.incidents(cluster, limit=1) == listed[:1]

    # Switched on and off again: the same Event counts twice, and that is a new incident.
    worker = Machine.objects.get(cluster=cluster, name="worker-3")
    machine_power(machine=worker, on=True)
    sim.run_until(lambda: nodes_ready(cluster), within=15, what="worker-3 Ready again")
    machine_power(machine=Machine.objects.get(pk=worker.pk), on=False)
    again = timeline.incidents(cluster)
    assert [i["title"] for i in again] == ["worker-3 lost power", "kube-scheduler stopped", "worker-3 lost power"]
    assert Revision.objects.get(cluster=cluster, revision=again[0]["start_revision"]).event_type == "MODIFIED"


def test_a_revision_that_starts_no_incident_is_refused(cluster, sim):
    from orchestrator.store.errors import BadRequest, NotFound

    sim.run_until(lambda: nodes_ready(cluster), within=10, what="four Ready nodes")
    lease = Revision.objects.filter(cluster=cluster, kind="Lease").first()
    with pytest.raises(NotFound, match=f"no incident starts at revision {lease.revision}"):
        timeline.incident(cluster, lease.revision)
    with pytest.raises(NotFound, match="has not happened yet"):
        timeline.incident(cluster, 10**9)
    with pytest.raises(BadRequest, match="limit must be between 1 and 100"):
        timeline.incidents(cluster, limit=0)


def test_a_compacted_start_is_gone(cluster, sim):
    from orchestrator.store import watch
    from orchestrator.store.errors import Gone

    sim.run_until(lambda: nodes_ready(cluster), within=10, what="four Ready nodes")
    machine_power(machine=Machine.objects.get(cluster=cluster, name="worker-3"), on=False)
    start = newest(cluster, "node-lost")
    sim.settle(5)
    cluster.refresh_from_db()
    assert watch.compact(cluster=cluster, retain=5) >= start
    with pytest.raises(Gone, match=f"revision {start} is no longer in the history"):
        timeline.incident(cluster, start)
    assert timeline.incidents(cluster) == []


# -- over HTTP ----------------------------------------------------------------------------------

def test_incidents_over_http(cluster, sim, client):
    sim.run_until(lambda: nodes_ready(cluster), within=10, what="four Ready nodes")
    machine_power(machine=Machine.objects.get(cluster=cluster, name="worker-1"), on=False)
    sim.settle(1)  # the node controller has seen the last heartbeat: its grace period runs
    listed = client.get("/clusters/demo/playground/incidents").json()["incidents"]
    assert [i["title"] for i in listed] == ["worker-1 lost power"]
    start = listed[0]["start_revision"]
    detail = client.get(f"/clusters/demo/playground/incidents/{start}").json()
    assert [s["type"] for s in detail["steps"]] == ["heartbeat", "start"]
    assert detail["countdowns"][0]["ends_sim"] > detail["now_sim"]
    assert detail["clock"] == {"paused": True, "speed": 1.0}
    last_renewal = Revision.objects.filter(cluster=cluster, kind="Lease", namespace="kube-node-lease").order_by("-revision").first()
    assert detail["fast_forward"] == {"max_jump": GRACE - 1 - 2 * 0.5, "heartbeat_every": 1, "heartbeat_sim": last_renewal.sim_time}

    # Fast-forward: the existing clock endpoint jumps the simulated clock to the countdown's end.
    left = detail["countdowns"][0]["ends_sim"] - detail["now_sim"]
    client.post("/clusters/demo/playground/clock", {"advance": left + 0.5}, content_type="application/json")
    sim.run_until(lambda: by_type(timeline.incident(cluster, start)["steps"], "not-ready"), within=2, what="NotReady right after the fast-forward")
    detail = client.get(f"/clusters/demo/playground/incidents/{start}").json()
    assert detail["countdowns"][0]["done"]


@pytest.mark.parametrize("path,code,message", [
    ("incidents/abc", 400, 'the incident\'s revision must be a whole number, not "abc"'),
    ("incidents/1", 404, "no incident starts at revision 1"),
    ("incidents/999999", 404, "revision 999999 has not happened yet"),
    ("incidents?limit=x", 400, 'limit must be a whole number, not "x"'),
    ("incidents?limit=500", 400, "limit must be between 1 and 100"),
])
def test_bad_requests_get_a_status_naming_the_problem(cluster, client, path, code, message):
    response = client.get(f"/clusters/demo/playground/{path}")
    assert response.status_code == code
    status = response.json()
    assert status["kind"] == "Status" and message in status["message"]


def test_unknown_cluster_and_wrong_method(cluster, client):
    missing = client.get("/clusters/nope/playground/incidents")
    assert missing.status_code == 404 and missing.json()["reason"] == "NotFound"
    assert client.post("/clusters/demo/playground/incidents").status_code == 405
