"""Bad websocket messages to a cluster's live feed: the socket is closed with the right code,
nothing changes, and the feed still serves the next page (issue 13, item 1)."""
from __future__ import annotations

import pytest
from channels.testing import WebsocketCommunicator

from orchestrator.controlplane.clusters import cluster_create
from orchestrator.models import Revision

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def application():
    from channels.routing import URLRouter

    from orchestrator.live.routing import websocket_urlpatterns

    return URLRouter(websocket_urlpatterns)


async def connected():
    communicator = WebsocketCommunicator(application(), "/ws/clusters/live/")
    connected, _ = await communicator.connect(timeout=10)
    assert connected
    first = await communicator.receive_json_from(timeout=10)
    assert first["type"] == "snapshot"
    return communicator


@pytest.mark.parametrize("message, code", [
    ({"text_data": '{"type":' * 2000 + '"resync"' + "}" * 2000}, 1007),
    ({"text_data": "[" * 20000 + "]" * 20000}, 1007),
    ({"text_data": '{"type": "resync", "pad": "' + "x" * (65 * 1024) + '"}'}, 1009),
    ({"text_data": "{not json"}, 1007),
    ({"bytes_data": b"\x00\x01"}, 1003),
], ids=["deep-object", "deep-array", "over-64-KiB", "not-json", "binary"])
async def test_a_bad_message_closes_that_socket_only(message, code):
    from asgiref.sync import sync_to_async

    await sync_to_async(cluster_create)(name="live")
    before = await sync_to_async(Revision.objects.count)()
    bad = await connected()
    await bad.send_to(**message)
    output = await bad.receive_output(timeout=10)
    assert output == {"type": "websocket.close", "code": code}
    assert await sync_to_async(Revision.objects.count)() == before
    good = await connected()
    await good.send_json_to({"type": "resync"})
    again = await good.receive_json_from(timeout=10)
    assert again["type"] == "snapshot"
    await good.disconnect()
    await bad.disconnect()
