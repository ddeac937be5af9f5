"""Limits that protect the playground: how much one cluster, and the server, may hold.

A classroom server is shared; one learner's `kubectl scale --replicas=1000000` or a loop of
creates must not take the laptop from everyone else. These quotas are settings (see
playground/settings.py and docs/security.md), checked when an object is created (and, for
replicas, when a workload is changed), and refused as Kubernetes' ResourceQuota admission
refuses: 403 Forbidden, ``pods "web-1" is forbidden: exceeded quota: playground, requested:
pods=1, used: pods=5000, limited: pods=5000``. The refused write changes nothing.

* ``PLAYGROUND_MAX_CLUSTERS``: clusters per server;
* ``PLAYGROUND_MAX_NODES``: machines (and Node objects) per cluster;
* ``PLAYGROUND_MAX_PODS``: pods per cluster (controllers' creates count too: a ReplicaSet
  past the quota gets the refusal, as against a namespace quota in Kubernetes);
* ``PLAYGROUND_MAX_REPLICAS``: ``spec.replicas`` of one Deployment or ReplicaSet;
* ``PLAYGROUND_MAX_OBJECTS``: objects of any other one kind per cluster (Events, written by
  the components themselves, are kept in check by compaction, not refused).

Counts are read once per batch (inside its cluster lock, so concurrent writers cannot both
slip under a limit) and kept up to date in the batch as it creates more.
"""
from __future__ import annotations

from django.conf import settings

from .errors import Forbidden

QUOTA_NAME = "playground"
DEFAULTS = {
    "PLAYGROUND_MAX_CLUSTERS": 100,
    "PLAYGROUND_MAX_NODES": 1100,
    "PLAYGROUND_MAX_PODS": 50000,
    "PLAYGROUND_MAX_REPLICAS": 5000,
    "PLAYGROUND_MAX_OBJECTS": 10000,
}
UNCOUNTED = {"Event"}


def limit(name: str) -> int:
    return int(getattr(settings, name, DEFAULTS[name]))


def exceeded(resource: str, name: str, *, counted: str, requested: int, used: int | None, limited: int) -> Forbidden:
    """The Forbidden of ResourceQuota admission, word for word."""
    parts = f"requested: {counted}={requested}, "
    if used is not None:
        parts += f"used: {counted}={used}, "
    parts += f"limited: {counted}={limited}"
    return Forbidden(f'{resource} "{name}" is forbidden: exceeded quota: {QUOTA_NAME}, {parts}',
                     kind=resource.split(".")[0], name=name)


def _resource(info) -> str:
    return f"{info.plural}.{info.group}" if info.group else info.plural


def _setting_for(kind: str) -> str:
    return {"Pod": "PLAYGROUND_MAX_PODS", "Node": "PLAYGROUND_MAX_NODES"}.get(kind, "PLAYGROUND_MAX_OBJECTS")


def check_replicas(info, obj: dict) -> None:
    """Refuse a Deployment or ReplicaSet asking for more replicas than the playground allows."""
    if info.kind not in ("Deployment", "ReplicaSet"):
        return
    replicas = (obj.get("spec") or {}).get("replicas")
    most = limit("PLAYGROUND_MAX_REPLICAS")
    if isinstance(replicas, int) and not isinstance(replicas, bool) and replicas > most:
        name = (obj.get("metadata") or {}).get("name") or ""
        raise exceeded(_resource(info), name, counted="replicas", requested=replicas, used=None, limited=most)


def admit_create(batch, info, obj: dict) -> None:
    """Refuse a create past its cluster's quota; count it in the batch when admitted."""
    check_replicas(info, obj)
    if info.kind in UNCOUNTED:
        return
    counts = batch.quota_counts
    used = counts.get(info.kind)
    if used is None:
        used = info.model.objects.filter(cluster=batch.cluster).count()
    most = limit(_setting_for(info.kind))
    if used + 1 > most:
        name = (obj.get("metadata") or {}).get("name") or ""
        raise exceeded(_resource(info), name, counted=info.plural, requested=1, used=used, limited=most)
    counts[info.kind] = used + 1


def admit_update(info, old: dict, new: dict) -> None:
    """Refuse raising a workload's replicas past the limit (other changes of it pass)."""
    if (new.get("spec") or {}).get("replicas") != (old.get("spec") or {}).get("replicas"):
        check_replicas(info, new)


def check_clusters(name: str) -> None:
    """Refuse a new cluster past the server's limit."""
    from orchestrator.models import Cluster

    used = Cluster.objects.count()
    most = limit("PLAYGROUND_MAX_CLUSTERS")
    if used + 1 > most:
        raise exceeded("clusters", name, counted="clusters", requested=1, used=used, limited=most)


def check_machines(cluster, name: str, adding: int = 1) -> None:
    """Refuse a new machine past the cluster's node quota."""
    from orchestrator.models import Machine

    used = Machine.objects.filter(cluster=cluster).count()
    most = limit("PLAYGROUND_MAX_NODES")
    if used + adding > most:
        raise exceeded("nodes", name, counted="nodes", requested=adding, used=used, limited=most)
