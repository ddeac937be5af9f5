"""What every controller shares: a work queue fed from the revision log, and `sync(key)`.

Controllers are level-triggered: `sync` compares what a key's object wants with what the
store holds and writes the difference. The log only says which keys to look at; a
periodic resync looks at all of them, repairing anything a missed change left behind.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from orchestrator.controlplane.profiles import Profile
from orchestrator.models import Cluster, Revision
from orchestrator.store.kinds import KINDS
from orchestrator.store.services import Batch


class TransientError(Exception):
    """The key cannot be reconciled yet: requeue it with back-off."""


@dataclass
class Context:
    """What a sync sees: the cluster, its simulated now, the profile and the open batch."""

    cluster: Cluster
    now: float
    profile: Profile
    batch: Batch
    memory: dict = field(default_factory=dict)


class Controller:
    name = ""
    component = "controller-manager"  # the source written on this controller's events
    watches: tuple[str, ...] = ()
    max_per_tick = 200

    def keys_for(self, ctx: Context, entry: Revision) -> list[str]:
        """Map a log entry about one of `watches` to the keys this controller must look at."""
        return [f"{entry.namespace}/{entry.name}"] if entry.kind == self.watches[0] else []

    @staticmethod
    def owner_keys(ctx: Context, entry: Revision, owner_kind: str) -> list[str]:
        """Map an owned object's log entry to the key of its controller owner of `owner_kind`."""
        if not entry.owner_uid:
            return []
        names = ctx.memory.setdefault("owner_names", {})  # uid -> name: neither ever changes
        owner = names.get(entry.owner_uid)
        if owner is None:
            owner = KINDS[owner_kind].model.objects.filter(cluster=ctx.cluster, uid=entry.owner_uid).values_list("name", flat=True).first()
            if owner is None:
                return []
            names[entry.owner_uid] = owner
        return [f"{entry.namespace}/{owner}"]

    def all_keys(self, ctx: Context) -> list[str]:
        """Every key, for the periodic resync."""
        model = KINDS[self.watches[0]].model
        return [f"{ns}/{name}" for ns, name in model.objects.filter(cluster=ctx.cluster).values_list("namespace", "name")]

    def due_later(self, ctx: Context, key: str) -> float | None:
        """Seconds to put off a due key without a sync, when memory shows there is nothing to do yet
        (None: sync it now). Checked before the sync's batch is opened, so it must not write."""
        return None

    def sync(self, ctx: Context, key: str) -> float | None:
        """Reconcile one key; return simulated seconds after which to look again, or None."""
        raise NotImplementedError


def split_key(key: str) -> tuple[str, str]:
    namespace, _, name = key.rpartition("/")
    return namespace, name

