"""The websocket of a cluster's page: a snapshot, then ordered, coalesced deltas.

Deltas come from the revision log itself (through the process's shared tail of it), not
from messages passed along a channel layer, so a slow or reconnecting page can lose
nothing: each frame names the revision range it covers, and a page that sees a gap asks
for a new snapshot.
"""
from __future__ import annotations

import asyncio
import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from orchestrator.api import parsing
from orchestrator.models import Cluster
from orchestrator.store import notify
from orchestrator.store.errors import Gone
from orchestrator.store.tail import tail_for

from . import presenters
from .shared import shared_change, shared_snapshot, shared_state

log = logging.getLogger(__name__)
FRAME_INTERVAL = 0.1  # at most 10 frames a second per page
IDLE_CHECK = 0.5  # how often playground state (power, components, clock) is looked at
MAX_MESSAGE = 64 * 1024  # a page's messages are a few bytes


def coalesce(entries) -> list[dict]:
    """Turn log entries into page changes, the last change of each object winning."""
    latest: dict[tuple[str, str], object] = {}
    for entry in entries:
        if entry.kind not in presenters.KINDS_SHOWN:
            continue
        key = (entry.kind, f"{entry.namespace}/{entry.name}" if entry.namespace else entry.name)
        latest.pop(key, None)
        latest[key] = entry
    return [shared_change(entry, key) for (_, key), entry in latest.items()]


class ClusterConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        name = self.scope["url_route"]["kwargs"]["cluster"]
        self.cluster = await database_sync_to_async(Cluster.objects.filter(name=name).first)()
        if self.cluster is None:
            await self.close(code=4404)
            return
        self.lock = asyncio.Lock()
        self.revision = 0
        self.playground = None
        await self.accept()
        await self.send_snapshot()
        self.pump_task = asyncio.create_task(self.pump())

    async def disconnect(self, code) -> None:
        task = getattr(self, "pump_task", None)
        if task is not None:
            task.cancel()

    async def receive(self, text_data=None, bytes_data=None, **kwargs) -> None:
        """A page sends small JSON messages ({"type": "resync"}); anything else closes the socket
        (1003 binary, 1009 too big, 1007 not JSON within the limits of orchestrator/api/parsing.py)."""
        if text_data is None:
            await self.close(code=1003)
            return
        if len(text_data) > MAX_MESSAGE:
            await self.close(code=1009)
            return
        try:
            content = parsing.load_json(text_data)
        except ValueError:
            await self.close(code=1007)
            return
        await self.receive_json(content)

    async def receive_json(self, content, **kwargs) -> None:
        if isinstance(content, dict) and content.get("type") == "resync":
            await self.send_snapshot()

    async def send_snapshot(self) -> None:
        async with self.lock:
            shot = await database_sync_to_async(shared_snapshot, thread_sensitive=False)(self.cluster)
            if shot is None:
                await self.close(code=4404)
                return
            self.revision = shot.revision
            self.playground = shot.playground
            await self.send(text_data=shot.text)

    async def pump(self) -> None:
        waiter = notify.AsyncWaiter(self.cluster.pk, kinds=presenters.KINDS_SHOWN)
        tail = tail_for(self.cluster.pk)
        try:
            while True:
                await waiter.wait(IDLE_CHECK)
                try:
                    sent = await self.send_delta(tail)
                except Gone:
                    await self.send_snapshot()
                    sent = True
                if sent:
                    await asyncio.sleep(FRAME_INTERVAL)  # frames at most this often; a change meanwhile waits
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("live feed of cluster %s failed", self.cluster.name)
            await self.close(code=1011)
        finally:
            waiter.close()

    async def send_delta(self, tail) -> bool:
        """Send what changed since the last frame, if anything; return whether a frame went."""
        async with self.lock:
            entries = await tail.after(self.cluster, self.revision)
            state = await database_sync_to_async(shared_state, thread_sensitive=False)(self.cluster)
            if state is None:
                await self.close(code=4404)
                return False
            frame = {"type": "delta", "from": self.revision, "to": entries[-1].revision if entries else self.revision,
                     "changes": coalesce(entries)}
            if state != self.playground:
                frame["cluster"], frame["machines"] = state
                self.playground = state
            if entries or "cluster" in frame:
                self.revision = frame["to"]
                await self.send_json(frame)
                return True
            return False
