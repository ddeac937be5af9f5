"""Two learners' clusters are independent: what happens in one never shows in the other.

Through the Kubernetes API of a real playground process (lists, gets, watches, events), through
the live page's websocket feed, and through the simulation itself (a node powered off in one
cluster while both run for the same simulated time).
"""
from __future__ import annotations

import json
import uuid

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from orchestrator.controlplane.clusters import cluster_create
from orchestrator.learners import COOKIE
from orchestrator.models import Event, Machine, Node, Pod
from orchestrator.models.cluster import COMPONENTS
from orchestrator.nodes.machines import machine_power
from orchestrator.store import services
from tests.e2e.helpers import create_deployment, deployment, nodes_ready, running_pods
from tests.live import LiveServer, wait_for
from tests.orchestrator.live.test_consumers import Page, application
from tests.sim import Simulation

CONFIGMAPS = "/api/v1/namespaces/default/configmaps"
DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments"


# ---------------------------------------------------------------- the Kubernetes API of a real playground
class Learner:
    """A browser with its learner cookie and its own cluster on the playground."""

    def __init__(self, server: LiveServer, label: str):
        self.server = server
        self.cookie = {"Cookie": f"{COOKIE}={label}-{uuid.uuid4().hex}"}
        self.name = f"{label}-{uuid.uuid4().hex[:6]}"
        self.base = f"/clusters/{self.name}"

    def call(self, method: str, path: str, body=None) -> tuple[int, dict]:
        return self.server.json(method, f"{self.base}{path}", body, self.cookie)

    def names(self, path: str) -> set[str]:
        code, body = self.call("GET", path)
        assert code == 200, body
        return {item["metadata"]["name"] for item in body["items"]}

    def revision(self) -> str:
        return self.call("GET", CONFIGMAPS)[1]["metadata"]["resourceVersion"]

    def watch(self, path: str, since: str) -> list[dict]:
        code, raw, _ = self.server.request("GET", f"{self.base}{path}?watch=1&resourceVersion={since}&timeoutSeconds=2", None, self.cookie)
        assert code == 200, raw
        return [json.loads(line) for line in raw.decode().splitlines() if line]


@pytest.fixture
def learners(server):
    pair = [Learner(server, "alice"), Learner(server, "bob")]
    for learner in pair:
        code, body = server.json("POST", "/clusters/", {"name": learner.name}, learner.cookie)
        assert code == 201 and body["yours"], body
    for learner in pair:
        wait_for(lambda: all(n["ready"] == "True" for n in learner.call("GET", "/playground/state")[1]["nodes"]), 30, f"{learner.name} Ready")
    yield pair
    for learner in pair:
        server.request("DELETE", f"/clusters/{learner.name}/", None, learner.cookie)


def test_objects_made_in_one_cluster_are_not_listed_watched_or_evented_in_the_other(learners):
    alice, bob = learners
    bob_since = bob.revision()
    assert alice.call("POST", "/api/v1/namespaces", {"metadata": {"name": "team-a"}})[0] == 201
    assert alice.call("POST", CONFIGMAPS, {"metadata": {"name": "only-in-a"}, "data": {"k": "v"}})[0] == 201
    labels = {"app": "web-a"}
    web = {"metadata": {"name": "web-a", "labels": labels},
           "spec": {"replicas": 2, "selector": {"matchLabels": labels},
                    "template": {"metadata": {"labels": labels}, "spec": {"containers": [{"name": "web", "image": "nginx:1.25"}]}}}}
    assert alice.call("POST", DEPLOYMENTS, web)[0] == 201
    wait_for(lambda: len([p for p in alice.names("/api/v1/namespaces/default/pods") if p.startswith("web-a-")]) == 2, 30, "alice's 2 pods")
    wait_for(lambda: any(n.startswith("web-a-") for n in alice.names("/api/v1/namespaces/default/events")), 30, "alice's pod events")
    assert bob.call("POST", CONFIGMAPS, {"metadata": {"name": "bobs-marker"}})[0] == 201

    # alice sees what she made ...
    assert "team-a" in alice.names("/api/v1/namespaces") and "only-in-a" in alice.names(CONFIGMAPS)
    # ... bob sees none of it, by list, by get, by watch, in events
    assert "team-a" not in bob.names("/api/v1/namespaces")
    assert "only-in-a" not in bob.names(CONFIGMAPS)
    assert bob.names(DEPLOYMENTS) == set()
    assert not any(p.startswith("web-a") for p in bob.names("/api/v1/pods"))
    assert bob.call("GET", f"{CONFIGMAPS}/only-in-a")[0] == 404
    assert bob.call("GET", "/api/v1/namespaces/team-a")[0] == 404
    for path in ("/api/v1/events", "/apis/events.k8s.io/v1/events"):
        code, body = bob.call("GET", path)
        assert code == 200
        assert not [e for e in body["items"] if "web-a" in json.dumps(e) or "team-a" in json.dumps(e)]
    watched = bob.watch(CONFIGMAPS, bob_since)
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in watched] == [("ADDED", "bobs-marker")]
    everything = json.dumps([bob.watch(path, bob_since) for path in ("/api/v1/pods", "/api/v1/namespaces", "/api/v1/events")])
    assert "web-a" not in everything and "team-a" not in everything and "only-in-a" not in everything


def test_the_same_name_in_two_clusters_is_two_objects(learners):
    alice, bob = learners
    for learner in learners:
        code, body = learner.call("POST", CONFIGMAPS, {"metadata": {"name": "settings"}, "data": {"owner": learner.name}})
        assert code == 201, body
    a = alice.call("GET", f"{CONFIGMAPS}/settings")[1]
    b = bob.call("GET", f"{CONFIGMAPS}/settings")[1]
    assert (a["data"]["owner"], b["data"]["owner"]) == (alice.name, bob.name)
    assert a["metadata"]["uid"] != b["metadata"]["uid"]
    assert alice.call("DELETE", f"{CONFIGMAPS}/settings")[0] == 200
    assert bob.call("GET", f"{CONFIGMAPS}/settings")[1]["data"]["owner"] == bob.name


def test_one_learner_cannot_remove_the_others_cluster(learners, server):
    alice, bob = learners
    code, status = server.json("DELETE", f"/clusters/{alice.name}/", None, bob.cookie)
    assert (code, status["reason"]) == (403, "Forbidden")
    assert alice.call("GET", "/playground/state")[0] == 200


# ---------------------------------------------------------------- the live page's feed
class RecordingPage(Page):
    """A page that also keeps every frame it was sent, as text."""

    def __init__(self, communicator):
        super().__init__(communicator)
        self.seen: list[str] = []

    def load(self, frame: dict) -> None:
        self.seen.append(json.dumps(frame))
        super().load(frame)

    def apply(self, frame: dict) -> None:
        self.seen.append(json.dumps(frame))
        super().apply(frame)


async def open_page(name: str) -> RecordingPage:
    communicator = WebsocketCommunicator(application(), f"/ws/clusters/{name}/")
    connected, _ = await communicator.connect()
    assert connected
    page = RecordingPage(communicator)
    page.load(await communicator.receive_json_from(timeout=10))
    return page


@pytest.fixture
def registered(transactional_db):
    """Clusters feed-a and feed-b with their nodes registered and Ready."""
    pair = []
    for name in ("feed-a", "feed-b"):
        cluster = cluster_create(name=name)
        Simulation(cluster).run_until(lambda: nodes_ready(cluster), within=10, what=f"{name} Ready")
        pair.append(cluster)
    return pair


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_the_live_feed_of_one_cluster_never_carries_the_others_changes(registered):
    a, b = registered
    page_a, page_b = await open_page("feed-a"), await open_page("feed-b")

    def change_a():
        services.object_create(cluster=a, kind="Namespace", obj={"metadata": {"name": "team-a"}})
        services.object_create(cluster=a, kind="Deployment", obj=deployment(name="only-in-a", replicas=1))
        machine_power(machine=Machine.objects.get(cluster=a, name="worker-2"), on=False)  # an Event and a machine change

    await sync_to_async(change_a)()
    await page_a.receive_until(lambda p: ("Deployment", "default/only-in-a") in p.objects
                               and any(o.get("reason") == "MachinePoweredOff" for k, o in p.objects.items() if k[0] == "Event"))
    await sync_to_async(services.object_create)(cluster=b, kind="Namespace", obj={"metadata": {"name": "marker-b"}})
    await page_b.receive_until(lambda p: ("Namespace", "marker-b") in p.objects)

    assert ("Namespace", "team-a") not in page_b.objects
    for text in page_b.seen:
        assert "team-a" not in text and "only-in-a" not in text and "MachinePoweredOff" not in text
        frame = json.loads(text)
        assert all(m["powered"] for m in frame.get("machines") or []), "bob's machines stay on"
    for page in (page_a, page_b):
        await page.communicator.disconnect()


# ---------------------------------------------------------------- the simulation
class Lockstep:
    """Run cluster B's components for the same simulated time as cluster A's, step for step."""

    def __init__(self, a: Simulation, b: Simulation):
        self.a, self.b = a, b
        self.last = a.now()
        self.b_not_ready: set[str] = set()

    def run_until(self, predicate, within: float, what: str):
        def both():
            now = self.a.now()
            if now > self.last:
                self.b.advance(now - self.last)
                self.last = now
            self.b.step()
            self.b_not_ready |= set(Node.objects.filter(cluster=self.b.cluster).exclude(ready="True").values_list("name", flat=True))
            return predicate()

        return self.a.run_until(both, within=within, what=what)


@pytest.mark.django_db
def test_a_node_powered_off_in_one_cluster_leaves_the_other_running():
    a, b = cluster_create(name="alice"), cluster_create(name="bob")
    sim_a, sim_b = Simulation(a), Simulation(b)
    for cluster, sim in ((a, sim_a), (b, sim_b)):
        sim.run_until(lambda: nodes_ready(cluster), within=10, what=f"{cluster.name} Ready")
        create_deployment(cluster, replicas=6)
        sim.run_until(lambda: len(running_pods(cluster, "web")) == 6, within=30, what=f"{cluster.name}: 6 running pods")
    bob_pods = {(p.name, p.node_name) for p in running_pods(b, "web")}
    bob_events = set(Event.objects.filter(cluster=b).values_list("name", flat=True))
    doomed = {p.name for p in running_pods(a, "web") if p.node_name == "worker-2"}
    assert doomed

    machine_power(machine=Machine.objects.get(cluster=a, name="worker-2"), on=False)
    both = Lockstep(sim_a, sim_b)
    start_a, start_b = sim_a.now(), sim_b.now()
    both.run_until(lambda: Node.objects.get(cluster=a, name="worker-2").ready == "Unknown", within=15, what="alice's worker-2 Unknown")
    both.run_until(lambda: len([p for p in running_pods(a, "web") if p.node_name != "worker-2"]) == 6, within=60,
                   what="alice's pods replaced")
    elapsed = sim_a.now() - start_a
    assert elapsed > 10 and sim_b.now() - start_b == pytest.approx(elapsed, abs=sim_a.max_jump), "bob's cluster ran all along"

    assert both.b_not_ready == set(), "bob's nodes stayed Ready all along"
    assert nodes_ready(b)
    assert all(Machine.objects.filter(cluster=b).values_list("powered", flat=True))
    assert {(p.name, p.node_name) for p in running_pods(b, "web")} == bob_pods
    assert not Pod.objects.filter(cluster=b, deletion_timestamp__isnull=False).exists()
    new_events = Event.objects.filter(cluster=b).exclude(name__in=bob_events)
    assert not [(e.reason, e.involved_name) for e in new_events if e.involved_kind in ("Node", "Pod")]
    for cluster in (a, b):
        cluster.refresh_from_db()
        assert all(cluster.component_running(c) for c in COMPONENTS)
