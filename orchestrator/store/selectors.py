"""Reads of cluster objects, as dicts shaped like the Kubernetes API returns them."""
from __future__ import annotations

from orchestrator.models import Cluster

from .kinds import KINDS
from .serialize import to_dict


def object_get(*, cluster: Cluster, kind: str, namespace: str = "", name: str) -> dict | None:
    info = KINDS[kind]
    row = info.model.objects.filter(cluster=cluster, namespace=namespace if info.namespaced else "", name=name).first()
    return to_dict(info, row) if row is not None else None
