"""The garbage collector: dependents follow their owners (ownerReferences).

Background: when an owner is gone its dependents are deleted. Foreground: an owner
marked with the `foregroundDeletion` finalizer waits until its dependents are deleted,
then goes. Orphan: the `orphan` finalizer strips the owner from its dependents, then goes.
"""
from __future__ import annotations

from orchestrator.models import Revision
from orchestrator.store.kinds import KINDS
from orchestrator.store.serialize import to_dict

from .base import Context, Controller

DEPENDENT_KINDS = ("ReplicaSet", "Pod", "Endpoints", "ConfigMap", "Service", "Deployment", "Lease")


def _find_owner(ctx: Context, uid: str):
    for kind, info in KINDS.items():
        row = info.model.objects.filter(cluster=ctx.cluster, uid=uid).first()
        if row is not None:
            return kind, row
    return None, None


def _dependents(ctx: Context, uid: str):
    for kind in DEPENDENT_KINDS:
        for row in KINDS[kind].model.objects.filter(cluster=ctx.cluster, owner_uid=uid):
            yield kind, row


class GarbageCollector(Controller):
    name = "garbage-collector"
    component = "garbage-collector-controller"
    watches = tuple(KINDS)

    def keys_for(self, ctx: Context, entry: Revision) -> list[str]:
        # The owners seen alive in the log (since it was followed): a dependent created under
        # one of them needs no look; one created under an unknown or deleted owner does.
        alive = ctx.memory.setdefault("alive", set())
        owners = ctx.memory.setdefault("owners", set())  # uids that dependents point at
        if entry.owner_uid:
            owners.add(entry.owner_uid)
        keys = []
        if entry.event_type == Revision.DELETED:
            alive.discard(entry.uid)
            if entry.uid in owners:  # an object nothing points at leaves no dependents behind
                owners.discard(entry.uid)
                keys.append(entry.uid)
        elif set((entry.object.get("metadata") or {}).get("finalizers") or []) & {"foregroundDeletion", "orphan"}:
            alive.discard(entry.uid)
            keys.append(entry.uid)
        elif entry.kind not in ("Event", "Lease"):
            alive.add(entry.uid)
        if entry.owner_uid and entry.event_type == Revision.ADDED and entry.owner_uid not in alive:
            keys.append(entry.owner_uid)  # a dependent created after its owner vanished
        return keys

    def all_keys(self, ctx: Context) -> list[str]:
        """Owners that dependents point at but that no longer exist, and owners being deleted."""
        owners, existing, keys = set(), set(), set()
        for kind in DEPENDENT_KINDS:
            owners.update(KINDS[kind].model.objects.filter(cluster=ctx.cluster).exclude(owner_uid="").values_list("owner_uid", flat=True))
        for kind, info in KINDS.items():
            if kind in ("Event", "Pod"):
                continue
            for uid, finalizers in info.model.objects.filter(cluster=ctx.cluster).values_list("uid", "finalizers"):
                existing.add(str(uid))
                if set(finalizers or []) & {"foregroundDeletion", "orphan"}:
                    keys.add(str(uid))
        ctx.memory.setdefault("owners", set()).update(owners)
        return sorted(keys | (owners - existing))

    def sync(self, ctx: Context, uid: str) -> float | None:
        kind, owner = _find_owner(ctx, uid)
        if owner is None:
            for dep_kind, row in _dependents(ctx, uid):
                if row.deletion_timestamp is None:
                    ctx.batch.delete(dep_kind, row.namespace, row.name, propagation="Background")
            return None
        if owner.deletion_timestamp is None:
            return None
        if "orphan" in owner.finalizers:
            for dep_kind, row in _dependents(ctx, uid):
                obj = to_dict(KINDS[dep_kind], row)
                obj["metadata"]["ownerReferences"] = [r for r in row.owner_references if str(r.get("uid")) != uid]
                ctx.batch.update(dep_kind, obj)
            self._drop_finalizer(ctx, kind, owner, "orphan")
            return None
        if "foregroundDeletion" in owner.finalizers:
            waiting = False
            for dep_kind, row in _dependents(ctx, uid):
                waiting = True
                if row.deletion_timestamp is None:
                    has_own = any(True for _ in _dependents(ctx, str(row.uid)))
                    ctx.batch.delete(dep_kind, row.namespace, row.name, propagation="Foreground" if has_own else "Background")
            if waiting:
                return 1.0
            self._drop_finalizer(ctx, kind, owner, "foregroundDeletion")
        return None

    @staticmethod
    def _drop_finalizer(ctx: Context, kind: str, owner, finalizer: str) -> None:
        obj = to_dict(KINDS[kind], owner)
        obj["metadata"]["finalizers"] = [f for f in owner.finalizers if f != finalizer]
        ctx.batch.update(kind, obj)
