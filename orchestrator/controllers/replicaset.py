"""The ReplicaSet controller: keep `spec.replicas` pods of the template alive."""
from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime

from orchestrator.models import Pod, Revision
from orchestrator.store.errors import Forbidden
from orchestrator.store.kinds import KINDS
from orchestrator.store.serialize import to_dict
from orchestrator.store.validation import selector_matches

from .base import Context, Controller, split_key
from .podutil import available_at, condition, is_ready, owner_reference

# Pods created or deleted per sync at most (kube-controller-manager's burstReplicas is 500): a
# sync is one transaction, and a shorter one keeps other writers, heartbeats first, from waiting.
BURST = 100

PHASE_RANK = {"Pending": 0, "Unknown": 1, "Running": 2}


def deletion_rank(pod: OwnedPod) -> tuple:
    """Sort key: pods to delete first come first (unscheduled, pending, not ready, newest)."""
    return (
        0 if not pod.node_name else 1,
        PHASE_RANK.get(pod.phase, 3),
        1 if is_ready(pod.status) else 0,
        -pod.creation_timestamp.timestamp(),
    )


@dataclass
class OwnedPod:
    """What counting, ranking and the status of a ReplicaSet read of one of its pods."""

    name: str
    node_name: str
    phase: str
    deletion_timestamp: datetime | None
    creation_timestamp: datetime
    status: dict  # the Ready condition alone
    labels: dict


def owned_pods(ctx: Context, namespace: str, owner_uid: str) -> list[OwnedPod]:
    """The pods a ReplicaSet owns. Their plain columns are read each sync; their status and
    labels (JSON) only when their resourceVersion moved since this controller last read them:
    a ReplicaSet of 3,000 pods decodes the few that changed, not all 3,000."""
    memos = ctx.memory.setdefault("owned_pods", {})  # owner uid -> {pod uid: (resourceVersion, status, labels)}
    known = memos.get(owner_uid, {})
    rows = list(Pod.objects.filter(cluster=ctx.cluster, namespace=namespace, owner_uid=owner_uid).values_list(
        "uid", "resource_version", "name", "node_name", "phase", "deletion_timestamp", "creation_timestamp"))
    stale = [uid for uid, rv, *_ in rows if known.get(str(uid), (None,))[0] != rv]
    fresh = {}
    if stale:
        for uid, rv, status, labels in Pod.objects.filter(cluster=ctx.cluster, uid__in=stale).values_list("uid", "resource_version", "status", "labels"):
            ready = condition(status or {}, "Ready")
            fresh[str(uid)] = (rv, {"conditions": [ready]} if ready else {}, labels or {})
    memo, pods = {}, []
    for uid, rv, name, node_name, phase, deleted, created in rows:
        entry = fresh.get(str(uid)) or known.get(str(uid)) or (rv, {}, {})  # deleted between the reads
        memo[str(uid)] = entry
        pods.append(OwnedPod(name, node_name, phase, deleted, created, entry[1], entry[2]))
    memos[owner_uid] = memo
    return pods


class ReplicaSetController(Controller):
    name = "replicaset"
    component = "replicaset-controller"
    watches = ("ReplicaSet", "Pod")

    def keys_for(self, ctx: Context, entry: Revision) -> list[str]:
        if entry.kind == "ReplicaSet":
            return [f"{entry.namespace}/{entry.name}"]
        return self.owner_keys(ctx, entry, "ReplicaSet")

    def sync(self, ctx: Context, key: str) -> float | None:
        namespace, name = split_key(key)
        rs = ctx.batch.row("ReplicaSet", namespace, name)
        if rs is None or rs.deletion_timestamp is not None:
            return None
        rs_obj = to_dict(KINDS["ReplicaSet"], rs)
        selector = rs.spec.get("selector") or {}
        self._adopt_orphans(ctx, rs_obj, selector)
        owned = owned_pods(ctx, namespace, str(rs.uid))
        active = [p for p in owned if p.deletion_timestamp is None and p.phase not in ("Succeeded", "Failed")]
        want = int(rs.spec.get("replicas", 1))
        diff = len(active) - want
        if diff < 0:
            for _ in range(min(-diff, BURST)):
                try:
                    pod = ctx.batch.create("Pod", self._pod_from_template(rs_obj))
                except Forbidden as refused:  # a quota, or a namespace going away: refused before any write
                    ctx.batch.event(rs_obj, "FailedCreate", f"Error creating: {refused.message}", type="Warning")
                    break
                ctx.batch.event(rs_obj, "SuccessfulCreate", f"Created pod: {pod['metadata']['name']}")
        elif diff > 0:
            ranked = sorted(active, key=deletion_rank)
            doomed, active = ranked[: min(diff, BURST)], ranked[min(diff, BURST):]
            for pod in doomed:
                ctx.batch.delete("Pod", namespace, pod.name)
                ctx.batch.event(rs_obj, "SuccessfulDelete", f"Deleted pod: {pod.name}")
        return self._update_status(ctx, rs, rs_obj, active, selector)

    def _adopt_orphans(self, ctx: Context, rs_obj: dict, selector: dict) -> None:
        namespace = rs_obj["metadata"]["namespace"]
        for pod in Pod.objects.filter(cluster=ctx.cluster, namespace=namespace, owner_uid="", deletion_timestamp__isnull=True):
            if pod.owner_references or not selector_matches(selector, pod.labels):
                continue
            obj = to_dict(KINDS["Pod"], pod)
            obj["metadata"]["ownerReferences"] = [owner_reference(rs_obj)]
            ctx.batch.update("Pod", obj)

    @staticmethod
    def _pod_from_template(rs_obj: dict) -> dict:
        template = copy.deepcopy(rs_obj["spec"].get("template") or {})
        meta = template.get("metadata") or {}
        return {
            "metadata": {
                "generateName": rs_obj["metadata"]["name"] + "-",
                "namespace": rs_obj["metadata"]["namespace"],
                "labels": meta.get("labels") or {},
                "annotations": meta.get("annotations") or {},
                "ownerReferences": [owner_reference(rs_obj)],
            },
            "spec": template.get("spec") or {},
        }

    def _update_status(self, ctx: Context, rs, rs_obj: dict, active: list[Pod], selector: dict) -> float | None:
        min_ready = int(rs.spec.get("minReadySeconds", 0))
        ready = [p for p in active if is_ready(p.status)]
        times = [available_at(p.status, min_ready) for p in ready]
        available = sum(1 for t in times if t is not None and t <= ctx.now)
        template_labels = ((rs.spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
        status = {
            "replicas": len(active),
            "fullyLabeledReplicas": sum(1 for p in active if all(p.labels.get(k) == v for k, v in template_labels.items())),
            "readyReplicas": len(ready),
            "availableReplicas": available,
            "observedGeneration": rs.generation,
        }
        status = {k: v for k, v in status.items() if v or k in ("replicas", "observedGeneration")}
        if status != rs.status:
            rs_obj["status"] = status
            ctx.batch.update_status("ReplicaSet", rs_obj)
        pending = [t - ctx.now for t in times if t is not None and t > ctx.now]
        return min(pending) if pending else None
