"""Wake watchers when a cluster's revision moves.

The revision log is the truth; this only says "look again". Waiters in this process
are woken directly; other processes hear it through the channel layer when one is
shared (Redis), and every waiter also times out and rereads the log, so a lost
notification costs a short delay, never a lost change.
"""
from __future__ import annotations

import asyncio
import logging
import threading

log = logging.getLogger(__name__)

_condition = threading.Condition()
_latest: dict[int, int] = {}
_generation = 0  # moves on every committed revision of any cluster
_async_waiters: dict[int, set[tuple[asyncio.AbstractEventLoop, asyncio.Event]]] = {}
GROUP = "store.revisions"
_listener: threading.Thread | None = None


def latest(cluster_id: int) -> int:
    with _condition:
        return _latest.get(cluster_id, 0)


def revision_committed(cluster_id: int, revision: int, *, relay: bool = True) -> None:
    """Record that `revision` of the cluster is committed and wake everyone waiting on it."""
    global _generation
    with _condition:
        if revision <= _latest.get(cluster_id, 0):
            return
        _latest[cluster_id] = revision
        _generation += 1
        _condition.notify_all()
        waiters = list(_async_waiters.get(cluster_id, ()))
    for loop, event in waiters:
        try:
            loop.call_soon_threadsafe(event.set)
        except RuntimeError:  # the loop has closed; its waiter is gone
            pass
    if relay:
        _relay(cluster_id, revision)


def wait(cluster_id: int, after: int, timeout: float) -> int:
    """Block until the cluster's revision passes `after` or `timeout` runs out; return it."""
    with _condition:
        _condition.wait_for(lambda: _latest.get(cluster_id, 0) > after, timeout=timeout)
        return _latest.get(cluster_id, 0)


def generation() -> int:
    with _condition:
        return _generation


def wait_any(after: int, timeout: float) -> int:
    """Block until any cluster commits a revision after generation `after`, or `timeout`."""
    with _condition:
        _condition.wait_for(lambda: _generation != after, timeout=timeout)
        return _generation


def wake_all() -> None:
    """Wake every thread waiter (used when components stop)."""
    global _generation
    with _condition:
        _generation += 1
        _condition.notify_all()


class AsyncWaiter:
    """An asyncio handle that is set whenever the cluster's revision moves."""

    def __init__(self, cluster_id: int):
        self.cluster_id = cluster_id
        self.event = asyncio.Event()
        self._key = (asyncio.get_running_loop(), self.event)
        with _condition:
            _async_waiters.setdefault(cluster_id, set()).add(self._key)

    async def wait(self, timeout: float) -> None:
        try:
            await asyncio.wait_for(self.event.wait(), timeout)
        except asyncio.TimeoutError:
            pass
        self.event.clear()

    def close(self) -> None:
        with _condition:
            _async_waiters.get(self.cluster_id, set()).discard(self._key)


def _relay(cluster_id: int, revision: int) -> None:
    """Tell other processes, when they share a channel layer with this one."""
    from django.conf import settings

    if not settings.REDIS_URL:
        return
    try:
        from asgiref.sync import async_to_sync
        from channels.layers import get_channel_layer

        layer = get_channel_layer()
        async_to_sync(layer.group_send)(GROUP, {"type": "store.revision", "cluster": cluster_id, "revision": revision})
    except Exception:  # the log stays the truth; waiters poll it
        log.warning("could not relay revision %s of cluster %s", revision, cluster_id, exc_info=True)


def start_relay_listener() -> None:
    """Hear other processes' commits (through the shared channel layer) and wake local waiters.

    Does nothing with the in-memory layer: then every writer is in this process.
    """
    global _listener
    from django.conf import settings

    if not settings.REDIS_URL or _listener is not None:
        return

    async def listen() -> None:
        from channels.layers import get_channel_layer

        layer = get_channel_layer()
        channel = await layer.new_channel()
        await layer.group_add(GROUP, channel)
        while True:
            message = await layer.receive(channel)
            revision_committed(int(message["cluster"]), int(message["revision"]), relay=False)

    def run() -> None:
        while True:
            try:
                asyncio.run(listen())
            except Exception:
                log.warning("revision relay listener failed; retrying", exc_info=True)
                threading.Event().wait(1.0)

    _listener = threading.Thread(target=run, name="revision-relay", daemon=True)
    _listener.start()
