"""Rebuild a cluster's objects at a past revision from the revision log.

The log holds every write above the compaction horizon and, below it, the latest version of
each object still alive there (store/watch.py `compact`), so the objects at any revision R from
the horizon to the present are exactly the latest log entry of each uid at or below R, unless
that entry is a deletion. The database does the work: one grouped subquery, whatever the size
of the log.
"""
from __future__ import annotations

import time

from django.db.models import Max

from orchestrator.controlplane import clock
from orchestrator.models import Cluster, Revision
from orchestrator.store.errors import BadRequest, Gone, NotFound

POINTS = 200  # time index points a history range carries
CHANGES_LIMIT = 20000  # log entries one changes_between call returns at most


def bounds(cluster: Cluster) -> tuple[int, int]:
    """Return (compacted_revision, current revision) as the database has them now."""
    row = Cluster.objects.filter(pk=cluster.pk).values_list("compacted_revision", "revision").first()
    if row is None:
        raise NotFound(f'cluster "{cluster.name}" not found', kind="clusters", name=cluster.name)
    return row


def _check(revision: int, known: tuple[int, int], *, what: str = "revision") -> None:
    """Refuse `revision` outside `known` (compacted revision, current revision)."""
    compacted, current = known
    if revision < compacted:
        raise Gone(f"{what} {revision} is no longer in the history: it was compacted; the history starts at revision {compacted}")
    if revision > current:
        raise BadRequest(f"{what} {revision} has not happened yet: the cluster is at revision {current}")


def _still_there(cluster: Cluster, revision: int) -> None:
    """Refuse when a compaction past `revision` committed while it was being read."""
    compacted, _ = bounds(cluster)
    if revision < compacted:
        raise Gone(f"revision {revision} was compacted while it was read; the history starts at revision {compacted}")


def entries_at(cluster: Cluster, revision: int, kinds=None) -> list[Revision]:
    """Return the log entry of each object that existed at `revision` (its version then), in log order."""
    _check(revision, bounds(cluster))
    upto = Revision.objects.filter(cluster=cluster, revision__lte=revision)
    if kinds:
        upto = upto.filter(kind__in=list(kinds))
    latest = upto.values("uid").annotate(top=Max("revision")).values("top")
    rows = list(
        Revision.objects.filter(cluster=cluster, revision__in=latest)
        .exclude(event_type=Revision.DELETED)
        .order_by("revision")
    )
    _still_there(cluster, revision)
    return rows


def state_at(cluster: Cluster, revision: int, kinds=None) -> list[dict]:
    """Return the objects (as the API returned them then) that existed at `revision`.

    410 Gone below the compaction horizon, 400 above the current revision.
    """
    return [entry.object for entry in entries_at(cluster, revision, kinds)]


def changes_between(cluster: Cluster, from_revision: int, to_revision: int, *, limit: int = CHANGES_LIMIT) -> list[Revision]:
    """Return the log entries in (from_revision, to_revision], in order, at most `limit`."""
    if from_revision > to_revision:
        raise BadRequest(f"the range must go forward: from revision {from_revision} is after to revision {to_revision}")
    known = bounds(cluster)
    _check(from_revision, known, what="from revision")
    _check(to_revision, known, what="to revision")
    rows = list(
        Revision.objects.filter(cluster=cluster, revision__gt=from_revision, revision__lte=to_revision)
        .order_by("revision")[:limit]
    )
    _still_there(cluster, from_revision)
    return rows


def _point(revision: int, sim: float, wall: float) -> dict:
    return {"revision": revision, "sim": sim, "wall": wall}


def time_of(cluster: Cluster, revision: int) -> dict:
    """Return when `revision` was written (the entry at or just below it: the state it names held from then)."""
    row = (Revision.objects.filter(cluster=cluster, revision__lte=revision).order_by("-revision")
           .values_list("revision", "sim_time", "wall_time").first())
    if row is None:
        row = (Revision.objects.filter(cluster=cluster, revision__gt=revision).order_by("revision")
               .values_list("revision", "sim_time", "wall_time").first())
    if row is None:
        return _point(revision, clock.sim_seconds(cluster), time.time())
    return _point(revision, row[1], row[2])


def history_range(cluster: Cluster, *, window: float | None = None, points: int = POINTS) -> dict:
    """Return the revisions replay can show and a coarse index of their times.

    `oldest` is the compaction horizon (or the first write of a cluster never compacted), moved
    up to the first revision of the last `window` simulated seconds when a window is asked for;
    `newest` is the current revision. `points` are (revision, sim seconds, wall seconds) spread
    evenly over the revisions between them, both ends included, so a page can map a time to a
    revision (simulated time never goes backwards along the log).
    """
    cluster.refresh_from_db()
    compacted, newest = cluster.compacted_revision, cluster.revision
    first = (Revision.objects.filter(cluster=cluster, revision__gt=compacted).order_by("revision")
             .values_list("revision", flat=True).first())
    oldest = compacted if compacted > 0 or first is None else first
    if window is not None:
        since = clock.sim_seconds(cluster) - window
        recent = (Revision.objects.filter(cluster=cluster, revision__gt=oldest, sim_time__gte=since)
                  .order_by("revision").values_list("revision", flat=True).first())
        oldest = min(newest, max(oldest, recent - 1 if recent is not None else newest))
    span = newest - oldest
    count = max(2, min(points, span + 1))
    targets = sorted({oldest + round(i * span / (count - 1)) for i in range(count)} if span else {oldest})
    found = {
        rev: _point(rev, sim, wall)
        for rev, sim, wall in Revision.objects.filter(cluster=cluster, revision__in=targets)
        .values_list("revision", "sim_time", "wall_time")
    }
    index = [found.get(rev) or time_of(cluster, rev) for rev in targets]
    return {
        "cluster": cluster.name,
        "compacted": compacted,
        "oldest": index[0],
        "newest": index[-1],
        "now": _point(newest, clock.sim_seconds(cluster), time.time()),
        "points": [[p["revision"], p["sim"], p["wall"]] for p in index],
    }
