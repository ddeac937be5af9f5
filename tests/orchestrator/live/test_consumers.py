import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from orchestrator.controlplane.clusters import cluster_create
from orchestrator.live.snapshot import snapshot
from orchestrator.store import services
from tests.e2e.helpers import deployment, nodes_ready
from tests.sim import Simulation

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def application():
    from channels.routing import URLRouter

    from orchestrator.live.routing import websocket_urlpatterns

    return URLRouter(websocket_urlpatterns)


@pytest.fixture
def sim():
    cluster = cluster_create(name="live")
    simulation = Simulation(cluster)
    simulation.run_until(lambda: nodes_ready(cluster), within=10)
    return simulation


class Page:
    """What a page holds: objects by (kind, key), updated by frames; checks for gaps."""

    def __init__(self, communicator):
        self.communicator = communicator
        self.objects: dict = {}
        self.revision = None
        self.frames = 0

    def load(self, frame: dict) -> None:
        assert frame["type"] == "snapshot"
        self.objects = {(o["kind"], o["key"]): o for o in frame["objects"]}
        self.revision = frame["revision"]

    def apply(self, frame: dict) -> None:
        assert frame["type"] == "delta"
        assert frame["from"] == self.revision, "a gap in the deltas"
        for change in frame["changes"]:
            if change["op"] == "delete":
                self.objects.pop((change["kind"], change["key"]), None)
            else:
                self.objects[(change["object"]["kind"], change["object"]["key"])] = change["object"]
        self.revision = frame["to"]
        self.frames += 1

    async def receive_until(self, predicate, timeout: float = 10.0) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        while not predicate(self):
            remaining = deadline - asyncio.get_running_loop().time()
            assert remaining > 0, "the page did not reach the expected state in time"
            frame = await self.communicator.receive_json_from(timeout=remaining)
            self.load(frame) if frame["type"] == "snapshot" else self.apply(frame)


def comparable(objects: dict) -> dict:
    return {k: v for k, v in objects.items() if k[0] != "Event"}


async def connect(cluster_name="live") -> Page:
    communicator = WebsocketCommunicator(application(), f"/ws/clusters/{cluster_name}/")
    connected, _ = await communicator.connect()
    assert connected
    page = Page(communicator)
    page.load(await communicator.receive_json_from(timeout=10))
    return page


async def test_a_page_gets_a_snapshot_of_the_cluster(sim):
    page = await connect()
    nodes = sorted(k[1] for k in page.objects if k[0] == "Node")
    assert nodes == ["control-plane", "worker-1", "worker-2", "worker-3"]
    assert page.objects[("Node", "worker-3")]["runtime"].startswith("cri-o://")
    await page.communicator.disconnect()


async def test_an_unknown_cluster_is_refused():
    communicator = WebsocketCommunicator(application(), "/ws/clusters/nope/")
    connected, code = await communicator.connect()
    assert not connected


async def test_snapshot_plus_deltas_equals_a_fresh_snapshot(sim):
    page = await connect()
    await sync_to_async(services.object_create)(cluster=sim.cluster, kind="Deployment", obj=deployment(replicas=3))
    await sync_to_async(sim.run_until)(lambda: True)
    for _ in range(40):
        await sync_to_async(sim.step)()
    await sync_to_async(sim.advance)(5)
    for _ in range(40):
        await sync_to_async(sim.step)()
    fresh = await sync_to_async(snapshot)(sim.cluster.pk)
    await page.receive_until(lambda p: p.revision >= fresh["revision"])
    expected = {(o["kind"], o["key"]): o for o in fresh["objects"]}
    assert comparable(page.objects) == comparable(expected)
    assert sum(1 for k, o in page.objects.items() if k[0] == "Pod" and o["status"] == "Running") == 3
    await page.communicator.disconnect()


async def test_a_burst_of_changes_arrives_coalesced_without_gaps(sim):
    page = await connect()

    def burst():
        for i in range(300):
            services.object_create(cluster=sim.cluster, kind="ConfigMap", obj={"metadata": {"name": f"c{i}", "namespace": "default"}})
        with services.Batch(sim.cluster) as batch:
            for i in range(300):
                batch.create("Pod", {"metadata": {"name": f"p{i}", "namespace": "default"}, "spec": {"containers": [{"name": "c", "image": "nginx:1"}]}})
        from orchestrator.store.watch import current_revision

        return current_revision(sim.cluster)

    final = await sync_to_async(burst)()
    await page.receive_until(lambda p: p.revision >= final, timeout=20)
    assert sum(1 for k in page.objects if k[0] == "Pod") == 300
    assert page.frames < 100  # coalesced into frames, not one message per change
    await page.communicator.disconnect()


async def test_resync_sends_a_new_snapshot(sim):
    page = await connect()
    await page.communicator.send_json_to({"type": "resync"})
    frame = await page.communicator.receive_json_from(timeout=10)
    while frame["type"] != "snapshot":
        frame = await page.communicator.receive_json_from(timeout=10)
    assert any(o["kind"] == "Node" for o in frame["objects"])
    await page.communicator.disconnect()


async def test_machine_power_changes_reach_the_page(sim):
    from orchestrator.models import Machine
    from orchestrator.nodes.machines import machine_power

    page = await connect()
    await sync_to_async(lambda: machine_power(machine=Machine.objects.get(cluster=sim.cluster, name="worker-2"), on=False))()
    deadline = asyncio.get_running_loop().time() + 10
    while True:
        frame = await page.communicator.receive_json_from(timeout=deadline - asyncio.get_running_loop().time())
        page.apply(frame)
        if "machines" in frame:
            assert {m["name"]: m["powered"] for m in frame["machines"]}["worker-2"] is False
            break
    await page.communicator.disconnect()
