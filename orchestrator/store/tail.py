"""The newest entries of each cluster's revision log, shared in memory by this process's readers.

Watch streams and live pages of a cluster all read through one `LogTail` (as the watch cache
of kube-apiserver does): a commit costs one read of the log however many are watching, and an
idle reader costs a sleeping coroutine. Readers that fall behind the tail read the log itself.
"""
from __future__ import annotations

import asyncio
import bisect
import time
import weakref

from asgiref.sync import sync_to_async

from orchestrator.models import Revision

from . import notify
from . import watch as store_watch

TAIL_SIZE = 20000
READ_BATCH = 5000
REFRESH_AT_LEAST_EVERY = 1.0  # seconds: catches commits of processes this one hears nothing from


class LogTail:
    """The newest entries of one cluster's revision log, shared by this process's watches."""

    def __init__(self, cluster_id: int):
        self.cluster_id = cluster_id
        self.revisions: list[int] = []
        self.entries: list[Revision] = []
        self.last: int | None = None
        self.refreshed = 0.0
        self.lock = asyncio.Lock()

    async def refresh(self, cluster) -> None:
        async with self.lock:
            stale = time.monotonic() - self.refreshed > REFRESH_AT_LEAST_EVERY
            if self.last is not None and notify.latest(self.cluster_id) <= self.last and not stale:
                return
            if self.last is None:
                self.last = await sync_to_async(store_watch.current_revision, thread_sensitive=False)(cluster)
            while True:
                new = await sync_to_async(_read, thread_sensitive=False)(cluster, self.last)
                self.refreshed = time.monotonic()
                if not new:
                    break
                self.entries.extend(new)
                self.revisions.extend(e.revision for e in new)
                self.last = new[-1].revision
                if len(self.entries) > TAIL_SIZE:
                    cut = len(self.entries) - TAIL_SIZE
                    del self.entries[:cut]
                    del self.revisions[:cut]
                if len(new) < READ_BATCH:
                    break

    async def after(self, cluster, revision: int, kind: str | None = None) -> list[Revision]:
        """Return the log entries after `revision` (of one kind, or all); 410 Gone when compacted."""
        await self.refresh(cluster)
        covered = self.revisions and revision >= self.revisions[0] - 1
        if covered or (not self.entries and self.last is not None and revision >= self.last):
            start = bisect.bisect_right(self.revisions, revision)
            return [e for e in self.entries[start:] if kind is None or e.kind == kind]
        return await sync_to_async(_read, thread_sensitive=False)(cluster, revision, kind)


def _read(cluster, revision: int, kind: str | None = None) -> list[Revision]:
    return store_watch.changes_since(cluster=cluster, revision=revision, kinds=[kind] if kind else None, limit=READ_BATCH)


_tails: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, LogTail]]" = weakref.WeakKeyDictionary()


def tail_for(cluster_id: int) -> LogTail:
    """Return this event loop's tail of the cluster's log."""
    tails = _tails.setdefault(asyncio.get_running_loop(), {})
    if cluster_id not in tails:
        tails[cluster_id] = LogTail(cluster_id)
    return tails[cluster_id]
