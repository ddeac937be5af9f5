"""A controller work queue: deduplicated keys, delayed adds and per-key back-off."""
from __future__ import annotations


class WorkQueue:
    def __init__(self, *, base_delay: float = 0.5, max_delay: float = 60.0):
        self._due: dict[str, float] = {}
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

    def add_after(self, key: str, now: float, delay: float) -> None:
        self.add(key, now + max(delay, 0.0))

    def add_rate_limited(self, key: str, now: float) -> None:
        """Requeue a key that failed, waiting twice as long after each failure in a row."""
        failures = self._failures.get(key, 0)
        self._failures[key] = failures + 1
        self.add_after(key, now, min(self.base_delay * (2**failures), self.max_delay))

    def forget(self, key: str) -> None:
        self._failures.pop(key, None)

    def pop_ready(self, now: float, limit: int) -> list[str]:
        """Take up to `limit` keys that are due, earliest first."""
        ready = sorted((at, key) for key, at in self._due.items() if at <= now)[:limit]
        for _, key in ready:
            del self._due[key]
        return [key for _, key in ready]

    def next_due(self) -> float | None:
        return min(self._due.values(), default=None)
