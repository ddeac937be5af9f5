"""A controller work queue: deduplicated keys, delayed adds and per-key back-off.

Keys wait on a heap ordered by when they are due, so taking the due keys and asking for the
next due time cost the keys taken, not a look at every key queued (a thousand nodes each
checked on their own deadline). A key moved earlier leaves its old heap entry behind; such
stale entries are skipped when they come up.
"""
from __future__ import annotations

import heapq


class WorkQueue:
    def __init__(self, *, base_delay: float = 0.5, max_delay: float = 60.0):
        self._due: dict[str, float] = {}
        self._heap: list[tuple[float, str]] = []
        self._failures: dict[str, int] = {}
        self.base_delay = base_delay
        self.max_delay = max_delay

    def __len__(self) -> int:
        return len(self._due)

    def add(self, key: str, at: float = 0.0) -> None:
        """Queue `key` to be handled at simulated time `at` (now when 0); keep the earliest."""
        current = self._due.get(key)
        if current is None or at < current:
            self._due[key] = at
            heapq.heappush(self._heap, (at, key))
            if len(self._heap) > 4 * len(self._due) + 64:
                self._heap = [(at, key) for key, at in self._due.items()]
                heapq.heapify(self._heap)

    def add_after(self, key: str, now: float, delay: float) -> None:
        self.add(key, now + max(delay, 0.0))

    def add_rate_limited(self, key: str, now: float) -> None:
        """Requeue a key that failed, waiting twice as long after each failure in a row."""
        failures = self._failures.get(key, 0)
        self._failures[key] = failures + 1
        self.add_after(key, now, min(self.base_delay * (2**failures), self.max_delay))

    def forget(self, key: str) -> None:
        self._failures.pop(key, None)

    def _drop_stale(self) -> None:
        while self._heap and self._due.get(self._heap[0][1]) != self._heap[0][0]:
            heapq.heappop(self._heap)

    def pop_ready(self, now: float, limit: int) -> list[str]:
        """Take up to `limit` keys that are due, earliest first."""
        keys = []
        while len(keys) < limit:
            self._drop_stale()
            if not self._heap or self._heap[0][0] > now:
                break
            _, key = heapq.heappop(self._heap)
            del self._due[key]
            keys.append(key)
        return keys

    def next_due(self) -> float | None:
        self._drop_stale()
        return self._heap[0][0] if self._heap else None
