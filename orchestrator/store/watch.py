"""Read the revision log: what watches, controllers and the browser follow."""
from __future__ import annotations

from orchestrator.models import Cluster, Revision

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


def follow(*, cluster: Cluster, state: dict, kinds=None) -> list[Revision] | None:
    """Return the entries after `state["last"]` and move it past them.

    None means the reader has no place in the log to continue from (first call, or its
    revision was compacted away): it must look at everything afresh.
    """
    if "last" not in state:
        state["last"] = current_revision(cluster)
        return None
    try:
        entries = changes_since(cluster=cluster, revision=state["last"], kinds=kinds)
    except Gone:
        state["last"] = current_revision(cluster)
        return None
    if entries:
        state["last"] = entries[-1].revision
    return entries


def current_revision(cluster: Cluster) -> int:
    return Cluster.objects.filter(pk=cluster.pk).values_list("revision", flat=True).first() or 0


def compact(*, cluster: Cluster, retain: int) -> int:
    """Drop log entries older than the newest `retain`; return the new compacted revision."""
    current = current_revision(cluster)
    horizon = current - retain
    if horizon <= cluster.compacted_revision:
        return cluster.compacted_revision
    Revision.objects.filter(cluster=cluster, revision__lte=horizon).delete()
    Cluster.objects.filter(pk=cluster.pk).update(compacted_revision=horizon)
    cluster.compacted_revision = horizon
    return horizon
