"""Wake watchers when a cluster's revision moves.

The revision log is the truth; this only says "look again". Waiters in this process
are woken directly; other processes hear it through the channel layer when one is
shared (Redis), and every waiter also times out and rereads the log, so a lost
notification costs a short delay, never a lost change.

A commit names the kinds it wrote, and a `Subscription` (one per component runner) is woken
only by commits of the kinds it follows, and told which clusters: a node Lease renewal does not
wake the scheduler, and a write in one learner's cluster does not make the runners look at the
other twenty-nine. `cluster_changed` is for what is not in the log (a component switch, the
clock, a machine's power): it wakes every subscriber for that cluster.
"""
from __future__ import annotations

import asyncio
import logging
import threading

log = logging.getLogger(__name__)

_condition = threading.Condition()
_latest: dict[int, int] = {}
_latest_of_kind: dict[tuple[int, str], int] = {}  # the newest revision known to have written each kind
_latest_unsorted: dict[int, int] = {}  # the newest revision whose kinds were not said
_generation = 0  # moves on every committed revision of any cluster
_async_waiters: dict[int, set[tuple[asyncio.AbstractEventLoop, asyncio.Event, frozenset | None]]] = {}
GROUP = "store.revisions"
_listener: threading.Thread | None = None
_subscriptions: "set[Subscription]" = set()
EVERYTHING = "*"  # in a subscription's dirty kinds: look at the cluster whatever it follows
MACHINES = "~machines"  # not a kind: the simulated machines (added, switched on or off), which only node agents follow


class Subscription:
    """What one runner hears: the clusters that had commits of the kinds it follows."""

    def __init__(self, kinds=None):
        self.kinds = frozenset(kinds) if kinds is not None else None  # None: every kind
        self._cond = threading.Condition()
        self._dirty: dict[int, set[str]] = {}
        self._woken = False
        with _condition:
            _subscriptions.add(self)

    def offer(self, cluster_id: int, kinds) -> None:
        if kinds is not None and self.kinds is not None and not (self.kinds & kinds):
            return
        with self._cond:
            self._dirty.setdefault(cluster_id, set()).update(kinds if kinds is not None else (EVERYTHING,))
            self._cond.notify_all()

    def wake(self) -> None:
        with self._cond:
            self._woken = True
            self._cond.notify_all()

    def wait(self, timeout: float) -> None:
        """Block until a cluster is dirty, `wake` is called or `timeout` runs out."""
        with self._cond:
            self._cond.wait_for(lambda: self._dirty or self._woken, timeout=timeout)
            self._woken = False

    def take(self) -> dict[int, set[str]]:
        """Return the dirty clusters (with the kinds written in each) and forget them."""
        with self._cond:
            dirty, self._dirty = self._dirty, {}
            return dirty

    def close(self) -> None:
        with _condition:
            _subscriptions.discard(self)


def latest(cluster_id: int) -> int:
    with _condition:
        return _latest.get(cluster_id, 0)


def latest_of(cluster_id: int, kinds) -> int:
    """The newest revision this process knows to have written any of `kinds` in the cluster."""
    with _condition:
        return max([_latest_unsorted.get(cluster_id, 0), *(_latest_of_kind.get((cluster_id, kind), 0) for kind in kinds)])


def revision_committed(cluster_id: int, revision: int, *, kinds=None, relay: bool = True) -> None:
    """Record that `revision` of the cluster is committed and wake everyone waiting on it.

    `kinds` names the kinds the commit wrote (None: unknown, wake every subscriber)."""
    global _generation
    kinds = frozenset(kinds) if kinds is not None else None
    with _condition:
        if revision <= _latest.get(cluster_id, 0):
            return
        _latest[cluster_id] = revision
        if kinds is None:
            _latest_unsorted[cluster_id] = revision
        else:
            for kind in kinds:
                _latest_of_kind[(cluster_id, kind)] = revision
        _generation += 1
        _condition.notify_all()
        waiters = list(_async_waiters.get(cluster_id, ()))
        subscriptions = list(_subscriptions)
    for subscription in subscriptions:
        subscription.offer(cluster_id, kinds)
    for loop, event, wanted in waiters:
        if kinds is not None and wanted is not None and not (kinds & wanted):
            continue  # e.g. a page that shows no Leases is not woken by the heartbeats
        try:
            loop.call_soon_threadsafe(event.set)
        except RuntimeError:  # the loop has closed; its waiter is gone
            pass
    if relay:
        _relay({"type": "store.revision", "cluster": cluster_id, "revision": revision, "kinds": sorted(kinds) if kinds is not None else None})


def cluster_changed(cluster_id: int, *, kinds=None, relay: bool = True) -> None:
    """Wake the subscribers for a change to the cluster outside the log: its row (every
    subscriber), or with `kinds` those that follow them (`MACHINES`: the node agents)."""
    global _generation
    kinds = frozenset(kinds) if kinds is not None else None
    with _condition:
        _generation += 1
        _condition.notify_all()
        subscriptions = list(_subscriptions)
    for subscription in subscriptions:
        subscription.offer(cluster_id, kinds)
    if relay:
        _relay({"type": "store.revision", "cluster": cluster_id, "revision": None, "kinds": sorted(kinds) if kinds is not None else None})


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
        subscriptions = list(_subscriptions)
    for subscription in subscriptions:
        subscription.wake()


class AsyncWaiter:
    """An asyncio handle that is set whenever the cluster's revision moves (by a commit of one
    of `kinds`, when given)."""

    def __init__(self, cluster_id: int, kinds=None):
        self.cluster_id = cluster_id
        self.event = asyncio.Event()
        self._key = (asyncio.get_running_loop(), self.event, frozenset(kinds) if kinds is not None else None)
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


def _relay(message: dict) -> None:
    """Tell other processes, when they share a channel layer with this one."""
    from django.conf import settings

    if not settings.REDIS_URL:
        return
    try:
        from asgiref.sync import async_to_sync
        from channels.layers import get_channel_layer

        layer = get_channel_layer()
        async_to_sync(layer.group_send)(GROUP, message)
    except Exception:  # the log stays the truth; waiters poll it
        log.warning("could not relay revision %s of cluster %s", message.get("revision"), message.get("cluster"), exc_info=True)


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
            if message.get("revision") is None:
                cluster_changed(int(message["cluster"]), kinds=message.get("kinds"), relay=False)
            else:
                kinds = message.get("kinds")
                revision_committed(int(message["cluster"]), int(message["revision"]), kinds=kinds, relay=False)

    def run() -> None:
        while True:
            try:
                asyncio.run(listen())
            except Exception:
                log.warning("revision relay listener failed; retrying", exc_info=True)
                threading.Event().wait(1.0)

    _listener = threading.Thread(target=run, name="revision-relay", daemon=True)
    _listener.start()
