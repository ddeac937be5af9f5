"""Reads of cluster objects, as dicts shaped like the Kubernetes API returns them."""
from __future__ import annotations

from orchestrator.models import Cluster

from .kinds import KINDS
from .serialize import to_dict
from .validation import selector_matches


def object_get(*, cluster: Cluster, kind: str, namespace: str = "", name: str) -> dict | None:
    info = KINDS[kind]
    row = info.model.objects.filter(cluster=cluster, namespace=namespace if info.namespaced else "", name=name).first()
    return to_dict(info, row) if row is not None else None


def object_list(
    *,
    cluster: Cluster,
    kind: str,
    namespace: str | None = None,
    selector: dict | None = None,
    **filters,
) -> list[dict]:
    """List objects of `kind`, optionally in one namespace, matching a LabelSelector and
    column filters (e.g. node_name="w1")."""
    info = KINDS[kind]
    qs = info.model.objects.filter(cluster=cluster, **filters)
    if namespace:
        qs = qs.filter(namespace=namespace)
    objs = [to_dict(info, row) for row in qs.order_by("namespace", "name")]
    if selector is not None:
        objs = [o for o in objs if selector_matches(selector, o["metadata"].get("labels") or {})]
    return objs


def rows_by_uid(*, cluster: Cluster, kind: str, uids) -> dict:
    info = KINDS[kind]
    return {str(row.uid): row for row in info.model.objects.filter(cluster=cluster, uid__in=list(uids))}
