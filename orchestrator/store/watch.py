"""Read the revision log: what watches, controllers and the browser follow."""
from __future__ import annotations

from django.db import transaction
from django.db.models import Max, Q

from orchestrator.models import Cluster, Revision

from . import notify
from .errors import Gone


def changes_since(*, cluster: Cluster, revision: int, kinds=None, limit: int = 5000) -> list[Revision]:
    """Return log entries after `revision` in order; 410 Gone when it was compacted away."""
    compacted = Cluster.objects.filter(pk=cluster.pk).values_list("compacted_revision", flat=True).first() or 0
    if revision < compacted:
        raise Gone(f"too old resource version: {revision} ({compacted})")
    qs = Revision.objects.filter(cluster=cluster, revision__gt=revision)
    if kinds:
        qs = qs.filter(kind__in=list(kinds))
    return list(qs.order_by("revision")[:limit])


FOLLOW_PAGE = 5000


def follow(*, cluster: Cluster, state: dict, kinds=None) -> list[Revision] | None:
    """Return every entry after `state["last"]` (read in pages) and move it past them.

    None means the reader has no place in the log to continue from (first call, or its
    revision was compacted away): it must look at everything afresh.
    """
    if "last" not in state:
        state["last"] = current_revision(cluster)
        return None
    known = notify.latest(cluster.pk)
    if cluster.revision <= known:  # every commit up to the row read at the pass's start was told of here
        if (notify.latest_of(cluster.pk, kinds) if kinds else known) <= state["last"]:
            state["last"] = max(state["last"], known)
            return []  # nothing of these kinds committed since
    entries: list[Revision] = []
    while True:
        try:
            page = changes_since(cluster=cluster, revision=state["last"], kinds=kinds, limit=FOLLOW_PAGE)
        except Gone:
            state["last"] = current_revision(cluster)
            return None
        entries.extend(page)
        if page:
            state["last"] = page[-1].revision
        if len(page) < FOLLOW_PAGE:
            # Every revision told of before the read was committed before it: the read saw
            # all of them, so a reader of some kinds moves past the others' writes too.
            state["last"] = max(state["last"], known)
            return entries


def current_revision(cluster: Cluster) -> int:
    return Cluster.objects.filter(pk=cluster.pk).values_list("revision", flat=True).first() or 0


def compact(*, cluster: Cluster, retain: int) -> int:
    """Compact the log as etcd does; return the new compacted revision.

    Below the new horizon (the newest `retain` revisions stay whole) only the latest entry of
    each object that still exists at the horizon is kept: superseded versions and the history
    of deleted objects go. The state at any revision from the horizon on can still be rebuilt
    (see orchestrator/history/replay.py), while watches from below it get 410 Gone. Two SQL
    statements, whatever the size of the log.
    """
    horizon = current_revision(cluster) - retain
    if horizon <= cluster.compacted_revision:
        return cluster.compacted_revision
    below = Revision.objects.filter(cluster=cluster, revision__lte=horizon)
    latest = below.values("uid").annotate(top=Max("revision")).values("top")
    with transaction.atomic():
        below.filter(Q(event_type=Revision.DELETED) | ~Q(revision__in=latest)).delete()
        Cluster.objects.filter(pk=cluster.pk).update(compacted_revision=horizon)
    cluster.compacted_revision = horizon
    return horizon
