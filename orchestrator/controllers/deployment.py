"""The Deployment controller: a ReplicaSet per pod template, rolled out by strategy.

RollingUpdate follows kube-controller-manager's arithmetic: the new ReplicaSet grows
while the total stays within replicas + maxSurge, old ones shrink while available pods
stay at or above replicas - maxUnavailable. Recreate empties the old ReplicaSets first.
A template that matches an older ReplicaSet reuses it (that is how a rollback works).
"""
from __future__ import annotations

import copy
import json
import math

from orchestrator.models import ReplicaSet, Revision
from orchestrator.store.kinds import KINDS
from orchestrator.store.serialize import format_time, parse_time, to_dict
from orchestrator.store.validation import selector_matches

from .base import Context, Controller, split_key
from .podutil import condition, owner_reference

REVISION = "deployment.kubernetes.io/revision"
DESIRED = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS = "deployment.kubernetes.io/max-replicas"
HASH_LABEL = "pod-template-hash"
SAFE = "bcdfghjklmnpqrstvwxz2456789"


def template_hash(template: dict, collisions: int = 0) -> str:
    """Return a stable, label-safe hash of a pod template (FNV-1a, 32 bits)."""
    data = json.dumps(template, sort_keys=True, separators=(",", ":")).encode() + str(collisions).encode()
    value = 0x811C9DC5
    for byte in data:
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return "".join(SAFE[ord(ch) % len(SAFE)] for ch in str(value))


def resolve(value, total: int, round_up: bool) -> int:
    """Resolve an int-or-percent (maxSurge, maxUnavailable) against `total`."""
    if isinstance(value, str) and value.endswith("%"):
        amount = total * int(value[:-1]) / 100
        return math.ceil(amount) if round_up else math.floor(amount)
    return int(value or 0)


def surge_and_unavailable(spec: dict) -> tuple[int, int]:
    replicas = int(spec.get("replicas", 1))
    rolling = (spec.get("strategy") or {}).get("rollingUpdate") or {}
    surge = resolve(rolling.get("maxSurge", "25%"), replicas, True)
    unavailable = resolve(rolling.get("maxUnavailable", "25%"), replicas, False)
    if surge == 0 and unavailable == 0:
        unavailable = 1  # as kube-controller-manager does, so a rollout can make progress
    return surge, min(unavailable, replicas)


def strip_hash(template: dict) -> dict:
    template = copy.deepcopy(template)
    (template.get("metadata") or {}).get("labels", {}).pop(HASH_LABEL, None)
    return template


def revision_of(rs: ReplicaSet) -> int:
    try:
        return int(rs.annotations.get(REVISION, "0"))
    except ValueError:
        return 0


class DeploymentController(Controller):
    name = "deployment"
    component = "deployment-controller"
    watches = ("Deployment", "ReplicaSet")

    def keys_for(self, ctx: Context, entry: Revision) -> list[str]:
        if entry.kind == "Deployment":
            return [f"{entry.namespace}/{entry.name}"]
        return self.owner_keys(ctx, entry, "Deployment")

    def sync(self, ctx: Context, key: str) -> float | None:
        namespace, name = split_key(key)
        row = ctx.batch.row("Deployment", namespace, name)
        if row is None or row.deletion_timestamp is not None:
            return None
        d = to_dict(KINDS["Deployment"], row)
        spec = d["spec"]
        rses = self._owned_replicasets(ctx, d)
        new_rs = self._find_new(d, rses)
        old = [rs for rs in rses if new_rs is None or rs.pk != new_rs.pk]
        if spec.get("paused"):
            return self._update_status(ctx, d, new_rs, rses)
        created = new_rs is None
        if created:
            new_rs = self._create_new(ctx, d, old)
        else:
            self._ensure_revision(ctx, d, new_rs, old)
        self._annotate_revision(ctx, d, new_rs)
        if (spec.get("strategy") or {}).get("type") == "Recreate":
            self._recreate(ctx, d, new_rs, old)
        else:
            self._rolling(ctx, d, new_rs, old)
        self._cleanup(ctx, d, old)
        rses = self._owned_replicasets(ctx, d)
        new_rs = next((rs for rs in rses if rs.pk == new_rs.pk), new_rs)
        return self._update_status(ctx, d, new_rs, rses, created=created)

    # -- ReplicaSets ---------------------------------------------------------------
    def _owned_replicasets(self, ctx: Context, d: dict) -> list[ReplicaSet]:
        meta = d["metadata"]
        rses = list(ReplicaSet.objects.filter(cluster=ctx.cluster, namespace=meta["namespace"], owner_uid=meta["uid"]).order_by("creation_timestamp", "name"))
        selector = d["spec"].get("selector") or {}
        for rs in ReplicaSet.objects.filter(cluster=ctx.cluster, namespace=meta["namespace"], owner_uid="", deletion_timestamp__isnull=True):
            if not rs.owner_references and selector_matches(selector, rs.labels):
                obj = to_dict(KINDS["ReplicaSet"], rs)
                obj["metadata"]["ownerReferences"] = [owner_reference(d)]
                ctx.batch.update("ReplicaSet", obj)
                rses.append(ctx.batch.row("ReplicaSet", rs.namespace, rs.name))
        return [rs for rs in rses if rs.deletion_timestamp is None]

    @staticmethod
    def _find_new(d: dict, rses: list[ReplicaSet]) -> ReplicaSet | None:
        want = strip_hash(d["spec"].get("template") or {})
        matches = [rs for rs in rses if strip_hash(rs.spec.get("template") or {}) == want]
        return min(matches, key=lambda rs: rs.creation_timestamp) if matches else None

    def _create_new(self, ctx: Context, d: dict, old: list[ReplicaSet]) -> ReplicaSet:
        meta, spec = d["metadata"], d["spec"]
        template = copy.deepcopy(spec.get("template") or {})
        collisions = int((d.get("status") or {}).get("collisionCount", 0))
        pod_hash = template_hash(template, collisions)
        while ctx.batch.row("ReplicaSet", meta["namespace"], f"{meta['name']}-{pod_hash}") is not None:
            collisions += 1
            pod_hash = template_hash(template, collisions)
        template.setdefault("metadata", {}).setdefault("labels", {})[HASH_LABEL] = pod_hash
        selector = copy.deepcopy(spec.get("selector") or {})
        selector.setdefault("matchLabels", {})[HASH_LABEL] = pod_hash
        replicas = int(spec.get("replicas", 1))
        surge, _ = surge_and_unavailable(spec)
        if (spec.get("strategy") or {}).get("type") == "Recreate":
            initial = 0 if any(int(rs.spec.get("replicas", 0)) for rs in old) else replicas
        else:
            current = sum(int(rs.spec.get("replicas", 0)) for rs in old)
            initial = max(0, min(replicas, replicas + surge - current))
        revision = max((revision_of(rs) for rs in old), default=0) + 1
        rs_obj = {
            "metadata": {
                "name": f"{meta['name']}-{pod_hash}",
                "namespace": meta["namespace"],
                "labels": template["metadata"]["labels"],
                "annotations": {DESIRED: str(replicas), MAX_REPLICAS: str(replicas + surge), REVISION: str(revision)},
                "ownerReferences": [owner_reference(d)],
            },
            "spec": {"replicas": initial, "minReadySeconds": int(spec.get("minReadySeconds", 0)), "selector": selector, "template": template},
        }
        created = ctx.batch.create("ReplicaSet", rs_obj)
        ctx.batch.event(d, "ScalingReplicaSet", f"Scaled up replica set {created['metadata']['name']} to {initial}")
        if collisions != int((d.get("status") or {}).get("collisionCount", 0)):
            d.setdefault("status", {})["collisionCount"] = collisions
        self._progress(d, ctx, "True", "NewReplicaSetCreated", f'Created new replica set "{created["metadata"]["name"]}"')
        return ctx.batch.row("ReplicaSet", meta["namespace"], created["metadata"]["name"])

    def _ensure_revision(self, ctx: Context, d: dict, new_rs: ReplicaSet, old: list[ReplicaSet]) -> None:
        top = max((revision_of(rs) for rs in old), default=0)
        annotations = dict(new_rs.annotations)
        changed = False
        if revision_of(new_rs) <= top:
            annotations[REVISION] = str(top + 1)
            changed = True
        replicas = int(d["spec"].get("replicas", 1))
        surge, _ = surge_and_unavailable(d["spec"])
        for key, value in ((DESIRED, str(replicas)), (MAX_REPLICAS, str(replicas + surge))):
            if annotations.get(key) != value:
                annotations[key] = value
                changed = True
        if changed:
            obj = to_dict(KINDS["ReplicaSet"], new_rs)
            obj["metadata"]["annotations"] = annotations
            ctx.batch.update("ReplicaSet", obj)
            new_rs.refresh_from_db()

    @staticmethod
    def _annotate_revision(ctx: Context, d: dict, new_rs: ReplicaSet) -> None:
        """Carry the new ReplicaSet's revision on the Deployment, as `rollout history` reads it."""
        revision = new_rs.annotations.get(REVISION)
        annotations = d["metadata"].setdefault("annotations", {})
        if revision and annotations.get(REVISION) != revision:
            annotations[REVISION] = revision
            status = d.get("status")
            updated = ctx.batch.update("Deployment", d)
            d["metadata"] = updated["metadata"]
            d["status"] = status

    def _scale(self, ctx: Context, d: dict, rs: ReplicaSet, replicas: int) -> None:
        current = int(rs.spec.get("replicas", 0))
        if current == replicas:
            return
        obj = to_dict(KINDS["ReplicaSet"], rs)
        obj["spec"]["replicas"] = replicas
        ctx.batch.update("ReplicaSet", obj)
        rs.refresh_from_db()
        verb = "up" if replicas > current else "down"
        ctx.batch.event(d, "ScalingReplicaSet", f"Scaled {verb} replica set {rs.name} to {replicas} from {current}")

    def _recreate(self, ctx: Context, d: dict, new_rs: ReplicaSet, old: list[ReplicaSet]) -> None:
        for rs in old:
            self._scale(ctx, d, rs, 0)
        from orchestrator.models import Pod

        old_uids = [str(rs.uid) for rs in old]
        if old_uids and Pod.objects.filter(cluster=ctx.cluster, owner_uid__in=old_uids).exclude(phase__in=("Succeeded", "Failed")).exists():
            return  # wait for every old pod to be gone before starting new ones
        self._scale(ctx, d, new_rs, int(d["spec"].get("replicas", 1)))

    def _rolling(self, ctx: Context, d: dict, new_rs: ReplicaSet, old: list[ReplicaSet]) -> None:
        spec = d["spec"]
        replicas = int(spec.get("replicas", 1))
        surge, max_unavailable = surge_and_unavailable(spec)
        all_rs = [new_rs, *old]
        # Grow the new ReplicaSet within the surge.
        new_count = int(new_rs.spec.get("replicas", 0))
        if new_count > replicas:
            self._scale(ctx, d, new_rs, replicas)
        elif new_count < replicas:
            total = sum(int(rs.spec.get("replicas", 0)) for rs in all_rs)
            room = replicas + surge - total
            if room > 0:
                self._scale(ctx, d, new_rs, new_count + min(room, replicas - new_count))
        # Shrink old ReplicaSets while enough pods stay available.
        old_live = [rs for rs in old if int(rs.spec.get("replicas", 0)) > 0]
        if not old_live:
            return
        min_available = replicas - max_unavailable
        all_count = sum(int(rs.spec.get("replicas", 0)) for rs in all_rs)
        new_unavailable = int(new_rs.spec.get("replicas", 0)) - int(new_rs.status.get("availableReplicas", 0))
        max_scale_down = all_count - min_available - new_unavailable
        if max_scale_down <= 0:
            return
        # First drop old pods that are not available anyway.
        for rs in sorted(old_live, key=lambda r: r.creation_timestamp):
            if max_scale_down <= 0:
                break
            unhealthy = int(rs.spec.get("replicas", 0)) - int(rs.status.get("availableReplicas", 0))
            if unhealthy <= 0:
                continue
            cut = min(max_scale_down, unhealthy)
            self._scale(ctx, d, rs, int(rs.spec.get("replicas", 0)) - cut)
            max_scale_down -= cut
        available = sum(int(rs.status.get("availableReplicas", 0)) for rs in all_rs)
        budget = available - min_available
        for rs in sorted(old_live, key=lambda r: r.creation_timestamp):
            if budget <= 0:
                break
            current = int(rs.spec.get("replicas", 0))
            cut = min(current, budget)
            if cut > 0:
                self._scale(ctx, d, rs, current - cut)
                budget -= cut

    def _cleanup(self, ctx: Context, d: dict, old: list[ReplicaSet]) -> None:
        limit = int(d["spec"].get("revisionHistoryLimit", 10))
        idle = [rs for rs in old if int(rs.spec.get("replicas", 0)) == 0 and int(rs.status.get("replicas", 0)) == 0]
        idle.sort(key=revision_of)
        for rs in idle[: max(0, len(idle) - limit)]:
            ctx.batch.delete("ReplicaSet", rs.namespace, rs.name)

    # -- status ----------------------------------------------------------------------
    def _progress(self, d: dict, ctx: Context, status: str, reason: str, message: str) -> None:
        self._set_condition(d, ctx, "Progressing", status, reason, message)

    @staticmethod
    def _set_condition(d: dict, ctx: Context, kind: str, status: str, reason: str, message: str) -> None:
        conditions = d.setdefault("status", {}).setdefault("conditions", [])
        now = format_time(ctx.batch.now)
        current = next((c for c in conditions if c.get("type") == kind), None)
        if current is None:
            conditions.append({"type": kind, "status": status, "lastUpdateTime": now, "lastTransitionTime": now, "reason": reason, "message": message})
            return
        if current.get("status") != status:
            current["lastTransitionTime"] = now
        if (current.get("status"), current.get("reason"), current.get("message")) != (status, reason, message):
            current["lastUpdateTime"] = now
        current.update(status=status, reason=reason, message=message)

    def _update_status(self, ctx: Context, d: dict, new_rs: ReplicaSet | None, rses: list[ReplicaSet], *, created: bool = False) -> float | None:
        spec = d["spec"]
        replicas = int(spec.get("replicas", 1))
        _, max_unavailable = surge_and_unavailable(spec)
        before = copy.deepcopy(to_dict(KINDS["Deployment"], ctx.batch.row("Deployment", d["metadata"]["namespace"], d["metadata"]["name"]))["status"])
        status = d.setdefault("status", {})
        total = sum(int(rs.status.get("replicas", 0)) for rs in rses)
        updated = int(new_rs.status.get("replicas", 0)) if new_rs else 0
        ready = sum(int(rs.status.get("readyReplicas", 0)) for rs in rses)
        available = sum(int(rs.status.get("availableReplicas", 0)) for rs in rses)
        status.update(observedGeneration=d["metadata"]["generation"], replicas=total, updatedReplicas=updated, readyReplicas=ready, availableReplicas=available)
        status["unavailableReplicas"] = max(0, sum(int(rs.spec.get("replicas", 0)) for rs in rses) - available) if total or replicas else 0
        for field in ("replicas", "updatedReplicas", "readyReplicas", "availableReplicas", "unavailableReplicas"):
            if not status[field]:
                status.pop(field)
        if available >= replicas - max_unavailable:
            self._set_condition(d, ctx, "Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.")
        else:
            self._set_condition(d, ctx, "Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.")
        retry = None
        if spec.get("paused"):
            self._progress(d, ctx, "Unknown", "DeploymentPaused", "Deployment is paused")
        elif new_rs is not None:
            complete = updated == replicas == total and available >= replicas and int(new_rs.spec.get("replicas", 0)) == replicas
            current = condition(status, "Progressing")
            if complete:
                self._progress(d, ctx, "True", "NewReplicaSetAvailable", f'ReplicaSet "{new_rs.name}" has successfully progressed.')
            elif not created and (current is None or _moved(before, status) or current.get("reason") == "NewReplicaSetAvailable"):
                self._progress(d, ctx, "True", "ReplicaSetUpdated", f'ReplicaSet "{new_rs.name}" is progressing.')
            current = condition(status, "Progressing")
            if not complete and current.get("reason") != "ProgressDeadlineExceeded":
                last = parse_time(current.get("lastUpdateTime"))
                left = last.timestamp() + int(spec.get("progressDeadlineSeconds", 600)) - ctx.now
                if left <= 0:
                    self._progress(d, ctx, "False", "ProgressDeadlineExceeded", f'ReplicaSet "{new_rs.name}" has timed out progressing.')
                else:
                    retry = left
        if status != before:
            ctx.batch.update_status("Deployment", d)
        return retry


def _moved(before: dict, after: dict) -> bool:
    keys = ("replicas", "updatedReplicas", "readyReplicas", "availableReplicas")
    return any(before.get(k) != after.get(k) for k in keys)
