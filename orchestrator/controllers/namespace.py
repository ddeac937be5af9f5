"""The namespace controller: a namespace being deleted empties itself, then goes."""
from __future__ import annotations

from orchestrator.models import Revision
from orchestrator.store.kinds import KINDS
from orchestrator.store.serialize import to_dict

from .base import Context, Controller, split_key

# Content goes in this order so that controllers do not recreate what was just removed.
CONTENT_ORDER = ("Deployment", "ReplicaSet", "Service", "Endpoints", "Pod", "ConfigMap", "Lease", "Event")


class NamespaceController(Controller):
    name = "namespace"
    component = "namespace-controller"
    watches = ("Namespace", *CONTENT_ORDER)

    def keys_for(self, ctx: Context, entry: Revision) -> list[str]:
        if entry.kind == "Namespace":
            return [f"/{entry.name}"] if entry.event_type != Revision.DELETED else []
        if entry.event_type == Revision.DELETED:
            return [f"/{entry.namespace}"]
        return []

    def all_keys(self, ctx: Context) -> list[str]:
        model = KINDS["Namespace"].model
        return [f"/{n}" for n in model.objects.filter(cluster=ctx.cluster, deletion_timestamp__isnull=False).values_list("name", flat=True)]

    def sync(self, ctx: Context, key: str) -> float | None:
        _, name = split_key(key)
        ns = ctx.batch.row("Namespace", "", name)
        if ns is None or ns.deletion_timestamp is None:
            return None
        remaining = 0
        for kind in CONTENT_ORDER:
            for row in KINDS[kind].model.objects.filter(cluster=ctx.cluster, namespace=name):
                remaining += 1
                if row.deletion_timestamp is None:
                    ctx.batch.delete(kind, name, row.name, propagation="Background")
        if remaining:
            return 1.0
        obj = to_dict(KINDS["Namespace"], ns)
        obj["spec"]["finalizers"] = [f for f in obj["spec"].get("finalizers", []) if f != "kubernetes"]
        obj["status"]["phase"] = "Terminating"
        ctx.batch.update("Namespace", obj)
        return None
