"""Presenter controls: hold the simulation and let it move one step at a time.

While a cluster is `stepping`, its clock is paused and every component waits for a step
to be granted. A granted step lets one component pass write (the scheduler binding the
pending pods, one controller's sync, the kubelets' status reports); the runner that takes
it claims it atomically in the Cluster row, so several processes never take the same step.
When no component has work at the paused moment, the runner moves the clock on to its next
timed work (a heartbeat, a grace period running out) until somebody acts. Lease renewals
(heartbeats, leader election) are bookkeeping: they pass freely and take no step.
Writes through the API (kubectl, the page) are never held: the teacher acts, the cluster waits.

`steps_since` reads the revision log back as the steps the class saw: who wrote what, and why.
"""
from __future__ import annotations

from django.db import transaction
from django.db.models import F

from orchestrator.models import Cluster, Revision
from orchestrator.store import notify
from orchestrator.store.errors import BadRequest

from . import clock

# Kinds whose writes are bookkeeping, not events worth a step.
FREE_KINDS = ("Lease",)
MAX_GRANT = 100


def stepping_set(*, cluster: Cluster, on: bool) -> Cluster:
    """Hold the cluster for stepping (pausing its clock) or let it run again."""
    with transaction.atomic():
        row = Cluster.objects.select_for_update().get(pk=cluster.pk)
        row.stepping = on
        row.step_allowance = row.steps_taken = 0
        row.save(update_fields=["stepping", "step_allowance", "steps_taken"])
        clock.clock_set(cluster=row, paused=on)
    for field in ("stepping", "step_allowance", "steps_taken", "clock_paused", "clock_sim_anchor", "clock_wall_anchor"):
        setattr(cluster, field, getattr(row, field))
    notify.wake_all()
    return cluster


def step_grant(*, cluster: Cluster, count: int = 1) -> int:
    """Allow `count` more steps; return how many are now waiting to be taken."""
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_GRANT:
        raise BadRequest(f"count must be a whole number from 1 to {MAX_GRANT}")
    with transaction.atomic():
        row = Cluster.objects.select_for_update().get(pk=cluster.pk)
        if not row.stepping:
            raise BadRequest(f'cluster "{row.name}" is running freely: pause it for stepping first')
        row.step_allowance += count
        row.save(update_fields=["step_allowance"])
    cluster.step_allowance = row.step_allowance
    notify.wake_all()
    return row.step_allowance


def claim(cluster: Cluster) -> bool:
    """Take one granted step for a component pass; False when none is left."""
    return bool(Cluster.objects.filter(pk=cluster.pk, stepping=True, step_allowance__gt=0).update(step_allowance=F("step_allowance") - 1))


def give_back(cluster: Cluster) -> None:
    """Return a claimed step that the pass did not use."""
    Cluster.objects.filter(pk=cluster.pk, stepping=True).update(step_allowance=F("step_allowance") + 1)


def count_taken(cluster: Cluster) -> None:
    """A claimed step was used: its writes are in. (Between claim and this, the allowance
    already reads one less while the pass runs; `steps_taken` says when it has written.)"""
    Cluster.objects.filter(pk=cluster.pk, stepping=True).update(steps_taken=F("steps_taken") + 1)


def wrote_a_step(cluster: Cluster, before: int, after: int) -> bool:
    """Whether revisions (before, after] hold anything but bookkeeping."""
    if after <= before:
        return False
    return Revision.objects.filter(cluster=cluster, revision__gt=before, revision__lte=after).exclude(kind__in=FREE_KINDS).exists()


def advance_to_work(cluster: Cluster, delay: float | None) -> bool:
    """Nobody had work at this paused moment: move the clock on to the next timed work."""
    if delay is None:
        return False
    row = Cluster.objects.get(pk=cluster.pk)
    if not row.stepping or row.step_allowance <= 0:
        return False
    clock.clock_set(cluster=row, advance=max(delay, 0.001))
    return True


# -- reading the steps back ----------------------------------------------------------------
VERBS = {Revision.ADDED: "created", Revision.MODIFIED: "updated", Revision.DELETED: "deleted"}


def steps_since(*, cluster: Cluster, after: int = 0, limit: int = 50) -> list[dict]:
    """The latest `limit` steps after revision `after`: consecutive writes of one writer,
    with what each write did and the Events written with them (the why)."""
    entries = list(
        Revision.objects.filter(cluster=cluster, revision__gt=after).exclude(kind__in=FREE_KINDS)
        .order_by("-revision")[: limit * 20]
    )
    entries.reverse()
    steps: list[dict] = []
    for entry in entries:
        if not steps or steps[-1]["actor"] != entry.actor:
            steps.append({
                "actor": entry.actor, "from": entry.revision, "to": entry.revision,
                "simTime": entry.sim_time, "wallTime": entry.wall_time, "writes": [], "because": [],
            })
        step = steps[-1]
        step["to"] = entry.revision
        if entry.kind == "Event":
            if entry.event_type != Revision.DELETED:
                step["because"].append(_event_line(entry.object))
            continue
        step["writes"].append({
            "revision": entry.revision, "verb": VERBS.get(entry.event_type, entry.event_type.lower()),
            "kind": entry.kind, "namespace": entry.namespace, "name": entry.name,
            "what": describe(entry),
        })
    return steps[-limit:]


def _event_line(event: dict) -> dict:
    involved = event.get("involvedObject") or {}
    return {
        "reason": event.get("reason", ""), "message": event.get("message", ""), "type": event.get("type", "Normal"),
        "kind": involved.get("kind", ""), "namespace": involved.get("namespace") or "", "name": involved.get("name", ""),
        "count": event.get("count", 1),
    }


def describe(entry: Revision) -> str:
    """One line on what a write changed, as a Kubernetes person would say it."""
    obj = entry.object or {}
    meta, spec, status = obj.get("metadata") or {}, obj.get("spec") or {}, obj.get("status") or {}
    name = f"{entry.kind} {entry.namespace + '/' if entry.namespace else ''}{entry.name}"
    if entry.event_type == Revision.DELETED:
        return f"{name} removed"
    if entry.kind == "Pod":
        if meta.get("deletionTimestamp"):
            return f"{name} marked for deletion (Terminating)"
        if entry.event_type == Revision.ADDED:
            owners = ", ".join(f"{o.get('kind')} {o.get('name')}" for o in meta.get("ownerReferences") or [])
            return f"{name} created" + (f" for {owners}" if owners else "")
        ready = next((c.get("status") for c in status.get("conditions") or [] if c.get("type") == "Ready"), None)
        node = spec.get("nodeName")
        if entry.actor == "default-scheduler" and node:
            return f"{name} bound to {node}"
        return f"{name} status: {status.get('phase', 'Pending')}" + (f", Ready={ready}" if ready else "") + (f" on {node}" if node else "")
    if entry.kind == "Node":
        ready = next((c.get("status") for c in status.get("conditions") or [] if c.get("type") == "Ready"), None)
        taints = ", ".join(f"{t.get('key')}:{t.get('effect')}" for t in spec.get("taints") or [])
        bits = [f"Ready={ready}" if ready else "", "unschedulable" if spec.get("unschedulable") else "", f"taints {taints}" if taints else ""]
        return f"{name}: " + "; ".join(b for b in bits if b) if any(bits) else f"{name} updated"
    if entry.kind in ("Deployment", "ReplicaSet"):
        return f"{name}: replicas {spec.get('replicas', 1)}, ready {status.get('readyReplicas', 0)}, available {status.get('availableReplicas', 0)}"
    if entry.kind == "Endpoints":
        ready = sum(len(s.get("addresses") or []) for s in obj.get("subsets") or [])
        not_ready = sum(len(s.get("notReadyAddresses") or []) for s in obj.get("subsets") or [])
        return f"{name}: {ready} ready address{'es' if ready != 1 else ''}" + (f", {not_ready} not ready" if not_ready else "")
    return f"{name} {VERBS.get(entry.event_type, 'written')}"
