"""The node lifecycle controller and its taint-based eviction.

It knows a node is alive only by its Lease in kube-node-lease: when the renewals stop
for longer than the node monitor grace period, the node's conditions turn Unknown, it is
tainted unreachable (NoExecute), and the pods on it are deleted once their toleration of
that taint runs out. The grace period counts from the last renewal this controller saw in
the log (a controller that just started gives every node a full grace period).

Renewals do not wake it: it reads them from the log when it looks, and it looks at a
healthy node only when that node's grace period would run out (`due_later`), so a
thousand heartbeating nodes cost it a read of the log, not a sync each.
"""
from __future__ import annotations

import time

from orchestrator.models import Lease, Node, Pod, Revision
from orchestrator.scheduler.plugins.taint_toleration import tolerates
from orchestrator.store import watch
from orchestrator.store.kinds import KINDS
from orchestrator.store.serialize import format_time, parse_time, to_dict

from .base import Context, Controller

NOT_READY = "node.kubernetes.io/not-ready"
UNREACHABLE = "node.kubernetes.io/unreachable"
JUMP = "~jump"  # memory key (not a node name: those cannot hold "~") of a clock jump being waited out
LOOKED = "~looked"  # memory key of when (wall, simulated) the controller last looked at a node
CONDITION_TAINT = {"False": NOT_READY, "Unknown": UNREACHABLE}


class NodeLifecycleController(Controller):
    name = "node-lifecycle"
    component = "node-controller"
    watches = ("Node", "Lease")

    def keys_for(self, ctx: Context, entry: Revision) -> list[str]:
        if entry.kind == "Lease":
            if entry.namespace == "kube-node-lease" and entry.event_type != Revision.DELETED:
                ctx.memory.setdefault(entry.name, {})["probe"] = entry.sim_time  # a renewal, seen
            return []
        ctx.memory.setdefault(entry.name, {}).pop("healthy", None)  # the node changed: look at it
        return [f"/{entry.name}"]

    def all_keys(self, ctx: Context) -> list[str]:
        return [f"/{name}" for name in Node.objects.filter(cluster=ctx.cluster).values_list("name", flat=True)]

    def due_later(self, ctx: Context, key: str) -> float | None:
        """Seconds until a healthy node needs a look (None: look now)."""
        seen = ctx.memory.get(key.lstrip("/")) or {}
        if not seen.get("healthy") or JUMP in ctx.memory:
            return None
        left = seen["probe"] + ctx.profile.node_monitor_grace - ctx.now
        return left if left > 0 else None

    def sync(self, ctx: Context, key: str) -> float | None:
        name = key.lstrip("/")
        row = ctx.batch.row("Node", "", name)
        if row is None:
            ctx.memory.pop(name, None)
            return None
        seen = ctx.memory.setdefault(name, {})
        seen.setdefault("probe", ctx.now)  # first sight: a full grace period from now
        grace = ctx.profile.node_monitor_grace
        self._notice_jump(ctx)
        waiting = self._waiting_after_jump(ctx)
        if ctx.now - seen["probe"] > grace and row.ready != "Unknown":
            # About to judge the node dead: first read its Lease, in case renewals came in since
            # the log was read (a long pass of other controllers must not make healthy nodes dead).
            renewed = parse_time((Lease.objects.filter(cluster=ctx.cluster, namespace="kube-node-lease", name=name).values_list("spec", flat=True).first() or {}).get("renewTime"))
            if renewed is not None and renewed.timestamp() > seen["probe"]:
                seen["probe"] = renewed.timestamp()
        silent_for = ctx.now - seen["probe"]
        if silent_for > grace and row.ready != "Unknown" and not waiting:
            self._mark_unknown(ctx, to_dict(KINDS["Node"], row))
            row = ctx.batch.row("Node", "", name)
        before = row.spec.get("taints")
        row = self._reconcile_taints(ctx, row)
        evict_in = self._evict(ctx, row)
        # A Ready node with none of our taints needs no look until its grace period could end.
        seen["healthy"] = row.ready == "True" and row.spec.get("taints") == before and evict_in is None and not any(
            t.get("key") in (NOT_READY, UNREACHABLE) for t in row.spec.get("taints") or [])
        waits = [ctx.profile.node_monitor_period]
        if seen["healthy"]:
            waits = [max(seen["probe"] + grace - ctx.now, 0.0) + ctx.profile.node_monitor_period]
        if evict_in is not None:
            waits.append(evict_in)
        return min(waits)

    @staticmethod
    def _notice_jump(ctx: Context) -> None:
        """Remember a jump of the clock (simulated time far ahead of the wall clock since the last look)."""
        wall = time.time()
        last = ctx.memory.get(LOOKED)
        ctx.memory[LOOKED] = (wall, ctx.now)
        if last is None:
            return
        speed = 0.0 if ctx.cluster.clock_paused else ctx.cluster.clock_speed
        if (ctx.now - last[1]) - (wall - last[0]) * speed > 2 * ctx.profile.lease_renew_interval:
            # Time moved on in one jump (the clock was advanced): no kubelet has had its turn
            # since. Judge no node until one of them has renewed its Lease after the jump.
            ctx.memory[JUMP] = (ctx.now, watch.current_revision(ctx.cluster))

    @staticmethod
    def _waiting_after_jump(ctx: Context) -> bool:
        jump = ctx.memory.get(JUMP)
        if jump is None:
            return False
        at, revision = jump
        caught_up = Lease.objects.filter(cluster=ctx.cluster, namespace="kube-node-lease", resource_version__gt=revision).exists()
        if caught_up or ctx.now - at > ctx.profile.node_monitor_grace:  # or no kubelet is left to renew
            del ctx.memory[JUMP]
            return False
        return True

    def _mark_unknown(self, ctx: Context, node: dict) -> None:
        now = format_time(ctx.batch.now)
        conditions = node.setdefault("status", {}).setdefault("conditions", [])
        for cond in conditions:
            if cond.get("status") == "Unknown":
                continue
            cond.update(status="Unknown", reason="NodeStatusUnknown", message="Kubelet stopped posting node status.", lastTransitionTime=now)
        ctx.batch.update_status("Node", node)
        ctx.batch.event(node, "NodeNotReady", f"Node {node['metadata']['name']} status is now: NodeNotReady", component="node-controller")
        for pod in Pod.objects.filter(cluster=ctx.cluster, node_name=node["metadata"]["name"], deletion_timestamp__isnull=True):
            obj = to_dict(KINDS["Pod"], pod)
            changed = False
            for cond in obj["status"].get("conditions") or []:
                if cond.get("type") == "Ready" and cond.get("status") != "False":
                    cond.update(status="False", lastTransitionTime=now)
                    changed = True
            if changed:
                ctx.batch.update_status("Pod", obj)
                ctx.batch.event(obj, "NodeNotReady", "Node is not ready", type="Warning", component="node-controller")

    def _reconcile_taints(self, ctx: Context, row):
        """Keep the node's not-ready / unreachable taints in line with its Ready condition;
        return the node's row as it is now."""
        wanted_key = CONDITION_TAINT.get(row.ready)
        taints = list(row.spec.get("taints") or [])
        kept = [t for t in taints if t.get("key") not in (NOT_READY, UNREACHABLE) or t.get("key") == wanted_key]
        if wanted_key:
            for effect in ("NoSchedule", "NoExecute"):
                if not any(t.get("key") == wanted_key and t.get("effect") == effect for t in kept):
                    taint = {"key": wanted_key, "effect": effect}
                    if effect == "NoExecute":
                        taint["timeAdded"] = format_time(ctx.batch.now)
                    kept.append(taint)
        if kept == taints:
            return row
        node = to_dict(KINDS["Node"], row)
        node["spec"]["taints"] = kept
        if not kept:
            node["spec"].pop("taints")
        ctx.batch.update("Node", node)
        return ctx.batch.row("Node", "", row.name)

    def _evict(self, ctx: Context, row) -> float | None:
        """Delete pods that do not tolerate the node's NoExecute taints (any longer)."""
        taints = [t for t in row.spec.get("taints") or [] if t.get("effect") == "NoExecute"]
        if not taints:
            return None
        waits = []
        for pod in Pod.objects.filter(cluster=ctx.cluster, node_name=row.name, deletion_timestamp__isnull=True):
            deadline = eviction_time(pod.spec.get("tolerations") or [], taints, ctx.now)
            if deadline is None:
                continue
            if deadline <= ctx.now:
                obj = to_dict(KINDS["Pod"], pod)
                ctx.batch.event(obj, "TaintManagerEviction", f"Marking for deletion Pod {pod.namespace}/{pod.name}", component="taint-eviction-controller")
                ctx.batch.delete("Pod", pod.namespace, pod.name)
            else:
                waits.append(deadline - ctx.now)
        return min(waits) if waits else None


def eviction_time(tolerations: list[dict], taints: list[dict], now: float) -> float | None:
    """Return when a pod with `tolerations` must leave a node with NoExecute `taints`
    (now, if one is not tolerated at all), or None when it may stay for good."""
    times = []
    for taint in taints:
        matching = [t for t in tolerations if tolerates(t, taint)]
        if not matching:
            return now
        seconds = [t["tolerationSeconds"] for t in matching if t.get("tolerationSeconds") is not None]
        if len(seconds) < len(matching):
            continue  # a toleration without a limit: tolerated for good
        added = parse_time(taint.get("timeAdded"))
        times.append((added.timestamp() if added else now) + max(min(seconds), 0))
    return min(times) if times else None
