"""Reads that all the pages of a cluster open in this process share.

Twenty pages on one cluster must not cost twenty snapshots of 3,000 pods, nor twenty reads
of the machines every frame: a snapshot serves every page that asks within SNAPSHOT_REUSE
seconds (the deltas after its revision bring each page current), and the playground state
is read at most once per STATE_REUSE seconds; each log entry is turned into the change a page
draws once, whatever the number of pages that send it.
"""
from __future__ import annotations

import json
import threading
import time

from . import presenters
from .snapshot import compared_state, playground_state, snapshot

CHANGES_KEPT = 20000
STATE_REUSE = 0.2
SNAPSHOT_REUSE = 1.0

_lock = threading.Lock()
_states: dict[tuple, tuple[float, object]] = {}
_snapshots: dict[tuple, tuple[float, "Snapshot"]] = {}
_changes: dict[tuple, dict] = {}  # (cluster id, revision, object uid) -> change, oldest first


class Snapshot:
    """A snapshot message encoded once: its revision, the state deltas compare with, its text."""

    def __init__(self, body: dict):
        self.revision = body["revision"]
        self.playground = compared_state(body["cluster"], body["machines"])
        self.text = json.dumps(body, separators=(",", ":"))


def _reuse(cache: dict, key: tuple, ttl: float, build):
    now = time.monotonic()
    with _lock:
        hit = cache.get(key)
    if hit is not None and now - hit[0] < ttl:
        return hit[1]
    value = build(key[0])
    with _lock:
        if value is None:
            cache.pop(key, None)
        else:
            cache[key] = (now, value)
    return value


def _key(cluster) -> tuple:
    return (cluster.pk, cluster.created)  # a cluster made again under the same id is another


def shared_state(cluster):
    return _reuse(_states, _key(cluster), STATE_REUSE, playground_state)


def shared_snapshot(cluster) -> Snapshot | None:
    def build(cluster_id):
        body = snapshot(cluster_id)
        return None if body is None else Snapshot(body)
    return _reuse(_snapshots, _key(cluster), SNAPSHOT_REUSE, build)


def shared_change(entry, key: str) -> dict:
    """The page change for one log entry, made once (entries never change, so a race only
    makes the same change twice)."""
    memo = (entry.cluster_id, entry.revision, entry.uid)
    change = _changes.get(memo)
    if change is None:
        if entry.event_type == "DELETED":
            change = {"op": "delete", "kind": entry.kind, "key": key}
        else:
            change = {"op": "upsert", "object": presenters.present(entry.object)}
        _changes[memo] = change
        if len(_changes) > CHANGES_KEPT:
            for old in list(_changes)[: len(_changes) - CHANGES_KEPT // 2]:
                _changes.pop(old, None)
    return change
