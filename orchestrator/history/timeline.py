"""The failure timeline: what followed a machine's power cut, a stopped component or a rolling update.

Everything is read from the revision log, so a timeline is the same live and afterwards and in
every process. An incident starts at one log entry:

- `node-lost`: the `MachinePoweredOff` Event on a node (nodes/machines.py);
- `component-stopped`: the `ComponentStopped` Event (controlplane/clusters.py);
- `rollout`: a Deployment write that changed its pod template (a new ReplicaSet, or an old one
  reused by a rollback).

Its steps are the log entries that tell the story, in log order, each with its time (simulated and
wall), the object written, the writer, and the seconds since the start. Only entries after the start
are read (plus one look back for the last heartbeat and for each baseline), with a kinds filter, a
page at a time, and no more than ROW_CAP entries per incident.

"Recovered" after a node is lost means: at the first revision, after the node was found NotReady,
at which every ReplicaSet that had a pod on the node reports all its desired replicas Ready
(status.readyReplicas >= spec.replicas, in a status written after the NotReady) and every Service
that had a ready endpoint on the node lists as many ready endpoints as before the power cut. Pods
without a ReplicaSet are lost for good and not waited for; when nothing on the node belonged to a
ReplicaSet or a Service, the node being Ready again is the recovery.

A stopped component's incident is settled at the first revision after it started again at which
every pod that piled up (created unscheduled while kube-scheduler was stopped) is Ready or gone, and
every ReplicaSet that lost a pod while kube-controller-manager was stopped has its replicas Ready.

A rollout is complete when the new ReplicaSet has all the desired replicas available and the old
ones have none left. Surge (pods above the desired count) and unavailability (desired minus
available pods) are taken from the ReplicaSets' status after each write batch, read as consecutive
log entries of one component at one simulated instant: a batch commits at once, nobody sees its
middle.
"""
from __future__ import annotations

from django.db.models import Q

from orchestrator.controllers.deployment import REVISION, strip_hash, surge_and_unavailable
from orchestrator.controllers.node_lifecycle import NOT_READY, UNREACHABLE
from orchestrator.controllers.podutil import condition, is_ready
from orchestrator.controlplane import clock
from orchestrator.controlplane.profiles import profile_for
from orchestrator.models import Cluster, Revision
from orchestrator.scheduler.plugins.taint_toleration import tolerates
from orchestrator.store.errors import BadRequest, Gone, NotFound
from orchestrator.store.serialize import parse_time

from . import replay

PAGE = 500  # log entries read per query
ROW_CAP = 10000  # log entries one incident reads at most
LIST_WINDOW = 20000  # incidents are listed from this many latest revisions
ROLLOUT_SCAN = 1000  # Deployment entries looked at for rollouts when listing
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
START_REASONS = ("MachinePoweredOff", "ComponentStopped")


# -- public ---------------------------------------------------------------------------------------

def incidents(cluster: Cluster, *, limit: int = DEFAULT_LIMIT) -> list[dict]:
    """Return the recent incidents' summaries, newest first."""
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise BadRequest(f"limit must be between 1 and {MAX_LIMIT}, not {limit!r}")
    compacted, current = replay.bounds(cluster)
    recent = Revision.objects.filter(cluster=cluster, revision__gt=max(compacted, current - LIST_WINDOW))
    events = recent.filter(kind="Event", object__reason__in=START_REASONS).exclude(event_type=Revision.DELETED)
    found = [_open(cluster, row) for row in events.order_by("-revision")[:limit]]
    found += _rollouts(cluster, recent)
    found.sort(key=lambda incident: -incident.start.revision)
    return [incident.summary() for incident in found[:limit]]


def incident(cluster: Cluster, start_revision: int) -> dict:
    """Return one incident with its steps, countdowns and the cluster's simulated time now."""
    compacted, current = replay.bounds(cluster)
    if start_revision > current:
        raise NotFound(f"revision {start_revision} has not happened yet: the cluster is at revision {current}", kind="incidents", name=str(start_revision))
    if start_revision <= compacted:
        raise Gone(f"revision {start_revision} is no longer in the history: it was compacted; the history starts at revision {compacted}")
    row = Revision.objects.filter(cluster=cluster, revision=start_revision).first()
    found = _open(cluster, row) if row is not None else None
    if found is None:
        raise NotFound(f"no incident starts at revision {start_revision}: incidents start at a machine switched off, a component stopped or a Deployment's pod template changed", kind="incidents", name=str(start_revision))
    found.read()
    return found.detail()


# -- finding starts -------------------------------------------------------------------------------

def _open(cluster: Cluster, row: Revision) -> Incident | None:
    """Return the incident that starts at `row`, or None when it starts none."""
    if row.kind == "Event" and row.event_type != Revision.DELETED:
        reason = row.object.get("reason")
        if reason == "MachinePoweredOff":
            return NodeLost(cluster, row)
        if reason == "ComponentStopped":
            return ComponentStopped(cluster, row)
    if row.kind == "Deployment" and row.event_type == Revision.MODIFIED:
        before = Revision.objects.filter(cluster=cluster, uid=row.uid, revision__lt=row.revision).order_by("-revision").first()
        if before is not None and _template(before.object) != _template(row.object):
            return Rollout(cluster, row)
    return None


def _rollouts(cluster: Cluster, recent) -> list[Incident]:
    """Rollouts among the latest Deployment writes: a template different from the write before."""
    rows = list(recent.filter(kind="Deployment").order_by("-revision")[:ROLLOUT_SCAN])
    templates, found = {}, []
    for row in reversed(rows):
        template = _template(row.object)
        if row.event_type == Revision.MODIFIED and row.uid in templates and templates[row.uid] != template:
            found.append(Rollout(cluster, row))
        templates[row.uid] = template
    return found


def _template(obj: dict) -> dict:
    return strip_hash((obj.get("spec") or {}).get("template") or {})


def _ref(row: Revision) -> dict:
    return {"kind": row.kind, "namespace": row.namespace, "name": row.name}


def _pod_key(row: Revision) -> tuple[str, str]:
    return (row.namespace, row.name)


# -- incidents ------------------------------------------------------------------------------------

class Incident:
    """One incident: its start entry, and the steps read from the log after it."""

    type = ""
    kinds: tuple = ()  # the log entries this incident reads
    reasons: tuple = ()  # and the Events with these reasons

    def __init__(self, cluster: Cluster, start: Revision):
        self.cluster = cluster
        self.start = start
        self.profile = profile_for(cluster.profile)
        self.steps: list[dict] = []
        self.outcome: dict | None = None
        self.truncated = False
        self.followed: dict[tuple, set] = {}  # pods whose scheduling, Running and Ready are steps

    # what each kind says
    def title(self) -> str:
        raise NotImplementedError

    def subject(self) -> dict:
        raise NotImplementedError

    def begin(self) -> None:
        """Record what is known at the start (before the log after it is read)."""

    def see(self, row: Revision) -> None:
        raise NotImplementedError

    def end(self) -> None:
        """Called when the log has no more entries (yet) for this incident."""

    def countdowns(self) -> list[dict]:
        return []

    def extra(self) -> dict:
        return {}

    # reading
    def read(self) -> None:
        """Follow the log from the start until the incident is over or ROW_CAP entries were read."""
        self.begin()
        wanted = Q(kind__in=self.kinds)
        if self.reasons:
            wanted |= Q(kind="Event", object__reason__in=self.reasons)
        after, read = self.start.revision, 0
        while self.outcome is None:
            rows = list(Revision.objects.filter(cluster=self.cluster, revision__gt=after).filter(wanted).order_by("revision")[:PAGE])
            for row in rows:
                self.see(row)
                if self.outcome is not None:
                    return
            read += len(rows)
            if len(rows) < PAGE:
                break
            if read >= ROW_CAP:
                self.truncated = True
                break
            after = rows[-1].revision
        self.end()

    def step(self, type: str, label: str, row: Revision, **extra) -> dict:
        step = {
            "type": type, "label": label, "revision": row.revision, "sim_time": row.sim_time, "wall_time": row.wall_time,
            "since_sim": row.sim_time - self.start.sim_time, "since_wall": row.wall_time - self.start.wall_time,
            "ref": _ref(row), "actor": row.actor, **extra,
        }
        self.steps.append(step)
        return step

    def finish(self, row: Revision, type: str, label: str) -> None:
        """End the incident at `row` with its outcome step."""
        step = self.step(type, label, row)
        self.outcome = {"type": type, "label": label, "revision": row.revision, "sim_seconds": step["since_sim"], "wall_seconds": step["since_wall"]}

    def follow(self, row: Revision) -> None:
        """Steps for a followed pod: scheduled, Running, Ready (each once)."""
        seen = self.followed.get(_pod_key(row))
        if seen is None or row.event_type == Revision.DELETED:
            return
        obj = row.object
        node = (obj.get("spec") or {}).get("nodeName")
        status = obj.get("status") or {}
        if node and "scheduled" not in seen:
            seen.add("scheduled")
            self.step("scheduled", f"{row.name} scheduled to {node}", row)
        if status.get("phase") == "Running" and "running" not in seen:
            seen.add("running")
            self.step("running", f"{row.name} Running", row)
        if is_ready(status) and "ready" not in seen:
            seen.add("ready")
            self.step("ready", f"{row.name} Ready", row)

    # results
    def summary(self) -> dict:
        return {
            "start_revision": self.start.revision, "type": self.type, "title": self.title(), "subject": self.subject(),
            "sim_time": self.start.sim_time, "wall_time": self.start.wall_time, "actor": self.start.actor,
        }

    def detail(self) -> dict:
        self.cluster.refresh_from_db()
        return {
            **self.summary(), **self.extra(),
            "steps": self.steps, "countdowns": self.countdowns(), "done": self.outcome is not None, "outcome": self.outcome,
            "truncated": self.truncated, "revision": self.cluster.revision, "now_sim": clock.sim_seconds(self.cluster),
            "clock": {"paused": self.cluster.clock_paused, "speed": self.cluster.clock_speed},
        }


class NodeLost(Incident):
    """A machine switched off: its node goes silent, NotReady, tainted; its pods are evicted and replaced."""

    type = "node-lost"
    kinds = ("Node", "Pod", "ReplicaSet", "Endpoints")
    reasons = ("MachinePoweredOn",)

    def __init__(self, cluster: Cluster, start: Revision):
        super().__init__(cluster, start)
        self.node = (start.object.get("involvedObject") or {}).get("name", "")

    def title(self) -> str:
        return f"{self.node} lost power"

    def subject(self) -> dict:
        return {"kind": "Node", "namespace": "", "name": self.node}

    def begin(self) -> None:
        self.heartbeat = (
            Revision.objects.filter(cluster=self.cluster, kind="Lease", namespace="kube-node-lease", name=self.node, revision__lt=self.start.revision)
            .order_by("-revision").first()
        )
        if self.heartbeat is not None:
            self.step("heartbeat", f"Last heartbeat from {self.node}: its kubelet renewed the Lease", self.heartbeat)
        self.step("start", f"{self.node} switched off: its kubelet stops renewing the Lease and its containers stop", self.start)
        self.ready = True
        self.noticed: Revision | None = None  # the Node entry that turned it NotReady
        self.taints: dict[str, float] = {}  # NoExecute taint key -> when added (simulated)
        self.lost: dict[tuple, dict] = {}  # pod key -> its last object, for pods on the node once NotReady
        self.evicted: set[tuple] = set()
        self.owners: dict[str, bool] = {}  # ReplicaSet uid -> whole again (in a status written since NotReady)
        self.endpoints: dict[tuple, set] = {}  # Endpoints key -> names of its ready addresses
        self.services: dict[tuple, int] = {}  # affected Endpoints key -> ready addresses before the power cut

    def see(self, row: Revision) -> None:
        if row.kind == "Event":
            if (row.object.get("involvedObject") or {}).get("name") == self.node and row.event_type != Revision.DELETED:
                self.step("powered-on", f"{self.node} switched on again: its kubelet registers and heartbeats", row)
        elif row.kind == "Node":
            if row.name == self.node and row.event_type != Revision.DELETED:
                self._node(row)
        elif row.kind == "Pod":
            self._pod(row)
        elif row.kind == "ReplicaSet":
            if row.uid in self.owners:
                obj = row.object
                whole = int((obj.get("status") or {}).get("readyReplicas", 0)) >= int((obj.get("spec") or {}).get("replicas", 0))
                self.owners[row.uid] = row.event_type == Revision.DELETED or whole
        elif row.kind == "Endpoints":
            self._endpoints(row)
        self._check(row)

    def _node(self, row: Revision) -> None:
        obj = row.object
        ready = (condition(obj.get("status") or {}, "Ready") or {}).get("status", "Unknown")
        if self.ready and ready != "True":
            self.ready, self.noticed = False, row
            self.step("not-ready", f"{self.node} is NotReady (Ready={ready}): no heartbeat for {self.profile.node_monitor_grace:g} s", row)
        elif not self.ready and ready == "True":
            self.ready = True
            self.step("node-ready", f"{self.node} is Ready again", row)
        taints = {t.get("key"): t for t in (obj.get("spec") or {}).get("taints") or [] if t.get("effect") == "NoExecute" and t.get("key") in (UNREACHABLE, NOT_READY)}
        for key, taint in taints.items():
            if key not in self.taints:
                added = parse_time(taint.get("timeAdded"))
                self.taints[key] = added.timestamp() if added else row.sim_time
                self.step("taint", f"Taint {key}:NoExecute added to {self.node}: its pods' tolerations start running out", row)
        for key in [k for k in self.taints if k not in taints]:
            del self.taints[key]
            self.step("untainted", f"Taint {key}:NoExecute removed from {self.node}", row)

    def _pod(self, row: Revision) -> None:
        key, obj = _pod_key(row), row.object
        on_node = (obj.get("spec") or {}).get("nodeName") == self.node
        if on_node and not self.ready and row.event_type != Revision.DELETED and key not in self.followed:
            if key not in self.lost and row.owner_uid:
                self.owners.setdefault(row.owner_uid, False)
            self.lost[key] = obj
            if obj["metadata"].get("deletionTimestamp") and key not in self.evicted:
                self.evicted.add(key)
                self.step("evicted", f"{row.name} evicted: its toleration of the taint ran out", row)
            return
        if row.event_type == Revision.ADDED and row.owner_uid in self.owners and key not in self.followed:
            self.followed[key] = set()
            owner = next((o.get("name") for o in obj["metadata"].get("ownerReferences") or [] if o.get("controller")), "its owner")
            self.step("created", f"{row.name} created by ReplicaSet {owner} to replace a lost pod", row)
        self.follow(row)

    def _endpoints(self, row: Revision) -> None:
        key = _pod_key(row)
        now = set() if row.event_type == Revision.DELETED else _ready_addresses(row.object)
        if key not in self.endpoints:
            before = Revision.objects.filter(cluster=self.cluster, uid=row.uid, revision__lt=row.revision).order_by("-revision").first()
            self.endpoints[key] = _ready_addresses(before.object) if before is not None and before.event_type != Revision.DELETED else set()
        before = self.endpoints[key]
        self.endpoints[key] = now
        removed, added = before - now, now - before
        lost = {name for ns, name in self.lost if ns == row.namespace}
        replacing = {name for ns, name in self.followed if ns == row.namespace}
        if removed & lost and key not in self.services:
            self.services[key] = len(before)
        if removed & lost or added & replacing:
            parts = ([f"{', '.join(sorted(removed))} removed"] if removed else []) + ([f"{', '.join(sorted(added))} added"] if added else [])
            self.step("endpoints", f"Endpoints {row.name}: {'; '.join(parts)} ({len(now)} ready)", row, removed=sorted(removed), added=sorted(added))

    def _check(self, row: Revision) -> None:
        if self.noticed is None:
            return
        if self.owners or self.services:
            whole = all(self.owners.values()) and all(len(self.endpoints[k]) >= n for k, n in self.services.items())
        else:
            whole = self.ready
        if whole:
            self.finish(row, "recovered", f"recovered in {row.sim_time - self.start.sim_time:.1f} s")

    def extra(self) -> dict:
        """How to fast-forward the countdowns without outrunning the healthy nodes' heartbeats.

        A clock jump longer than `max_jump` could reach the node controller before the live
        kubelets renew their Leases at the new time, and every node would look silent. So the
        page jumps at most that far at once and waits for a heartbeat written at or after the
        jump (`heartbeat_sim`, the latest renewal of any node) before jumping again.
        """
        p = self.profile
        latest = (
            Revision.objects.filter(cluster=self.cluster, kind="Lease", namespace="kube-node-lease")
            .order_by("-revision").values_list("sim_time", flat=True).first()
        )
        return {"fast_forward": {
            "max_jump": max(p.node_monitor_grace - p.lease_renew_interval - 2 * p.node_monitor_period, p.node_monitor_period),
            "heartbeat_every": p.lease_renew_interval, "heartbeat_sim": latest,
        }}

    def countdowns(self) -> list[dict]:
        timers = []
        if self.heartbeat is not None:
            grace = self.profile.node_monitor_grace
            timers.append({
                "label": f"Node monitor grace period: {grace:g} s without a heartbeat, then NotReady",
                "starts_sim": self.heartbeat.sim_time, "ends_sim": self.heartbeat.sim_time + grace,
                "done": self.noticed is not None or self.outcome is not None,
            })
        for key, added in self.taints.items():
            groups: dict[float, list[tuple]] = {}
            taint = {"key": key, "effect": "NoExecute"}
            for pod, obj in self.lost.items():
                matching = [t for t in (obj.get("spec") or {}).get("tolerations") or [] if tolerates(t, taint)]
                if any(t.get("tolerationSeconds") is None for t in matching):
                    continue  # tolerated for good
                groups.setdefault(min((max(t["tolerationSeconds"], 0) for t in matching), default=0), []).append(pod)
            for seconds, pods in sorted(groups.items()) or [(self.profile.default_toleration_seconds, [])]:
                who = f"{len(pods)} pod{'s' if len(pods) != 1 else ''}" if pods else "its pods are"
                timers.append({
                    "label": f"Toleration of {key}: {seconds:g} s, then {who} evicted",
                    "starts_sim": added, "ends_sim": added + seconds,
                    "done": self.outcome is not None or bool(pods) and all(pod in self.evicted for pod in pods),
                })
        return timers


def _ready_addresses(obj: dict) -> set[str]:
    return {
        (a.get("targetRef") or {}).get("name") or a.get("ip", "")
        for subset in obj.get("subsets") or [] for a in subset.get("addresses") or []
    }


class ComponentStopped(Incident):
    """kube-scheduler or kube-controller-manager stopped: what piles up, and the catch-up once started."""

    type = "component-stopped"
    kinds = ("Pod", "ReplicaSet")
    reasons = ("ComponentStarted",)

    def __init__(self, cluster: Cluster, start: Revision):
        super().__init__(cluster, start)
        self.component = str(start.object.get("message", "")).split(" was stopped", 1)[0]
        self.restarted: Revision | None = None
        self.piled: set[tuple] = set()  # pods created unscheduled while the scheduler was stopped
        self.deleted: set[tuple] = set()
        self.owners: dict[str, bool] = {}  # ReplicaSets that lost a pod -> whole again since the restart

    def title(self) -> str:
        return f"{self.component} stopped"

    def subject(self) -> dict:
        return {"kind": "Component", "namespace": "", "name": self.component}

    def begin(self) -> None:
        self.step("start", f"{self.component} stopped: {_WHAT_STOPS.get(self.component, 'the API is unavailable')}", self.start)

    def see(self, row: Revision) -> None:
        if row.kind == "Event":
            if row.event_type == Revision.ADDED or row.event_type == Revision.MODIFIED:
                if self.restarted is None and str(row.object.get("message", "")).startswith(f"{self.component} was started"):
                    self.restarted = row
                    self.step("started", f"{self.component} started again: it catches up with what changed", row)
        elif row.kind == "Pod":
            self._pod(row)
        elif row.kind == "ReplicaSet" and row.uid in self.owners and self.restarted is not None:
            obj = row.object
            self.owners[row.uid] = row.event_type == Revision.DELETED or int((obj.get("status") or {}).get("readyReplicas", 0)) >= int((obj.get("spec") or {}).get("replicas", 0))
        self._check(row)

    def _pod(self, row: Revision) -> None:
        key, obj = _pod_key(row), row.object
        if self.restarted is None:
            if self.component == "kube-scheduler" and row.event_type == Revision.ADDED and not (obj.get("spec") or {}).get("nodeName"):
                self.piled.add(key)
                self.followed[key] = set()
                self.step("pending", f"{row.name} created: it stays Pending, nobody schedules it", row)
            gone = row.event_type == Revision.DELETED or obj["metadata"].get("deletionTimestamp")
            if self.component == "kube-controller-manager" and row.owner_uid and gone and key not in self.deleted:
                self.deleted.add(key)
                self.owners[row.owner_uid] = False
                self.step("deleted", f"{row.name} deleted: its ReplicaSet does not replace it while {self.component} is stopped", row)
        elif row.event_type == Revision.ADDED and row.owner_uid in self.owners and key not in self.followed:
            self.followed[key] = set()
            self.step("created", f"{row.name} created to replace a pod deleted while {self.component} was stopped", row)
        if row.event_type == Revision.DELETED and key in self.piled:
            self.piled.discard(key)  # gone: nothing to wait for
        self.follow(row)

    def _check(self, row: Revision) -> None:
        if self.restarted is None:
            return
        waiting = [key for key in self.piled if "ready" not in self.followed[key]]
        if not waiting and all(self.owners.values()):
            after = row.sim_time - self.restarted.sim_time
            self.finish(row, "settled", f"caught up {after:.1f} s after the restart ({row.sim_time - self.start.sim_time:.1f} s after the stop)")



_WHAT_STOPS = {
    "kube-scheduler": "new pods stay Pending",
    "kube-controller-manager": "no controller acts: deleted pods are not replaced, lost nodes not noticed",
}


class Rollout(Incident):
    """A Deployment's pod template changed: the new ReplicaSet grows while the old ones shrink."""

    type = "rollout"
    kinds = ("ReplicaSet", "Deployment")

    def __init__(self, cluster: Cluster, start: Revision):
        super().__init__(cluster, start)
        self.spec = start.object.get("spec") or {}
        self.template = _template(start.object)
        self.surge, self.unavailable = surge_and_unavailable(self.spec)

    @property
    def desired(self) -> int:
        return int(self.spec.get("replicas", 1))

    def title(self) -> str:
        return f"Rolling update of {self.start.name}"

    def subject(self) -> dict:
        return {"kind": "Deployment", "namespace": self.start.namespace, "name": self.start.name}

    def begin(self) -> None:
        latest: dict[str, Revision] = {}
        for row in Revision.objects.filter(cluster=self.cluster, kind="ReplicaSet", owner_uid=self.start.uid, revision__lt=self.start.revision).order_by("-revision")[:PAGE]:
            latest.setdefault(row.uid, row)
        # the Deployment's ReplicaSets, as last written
        self.rs: dict[str, dict] = {uid: row.object for uid, row in latest.items() if row.event_type != Revision.DELETED}
        self.new = next((uid for uid, obj in self.rs.items() if _template(obj) == self.template), None)
        self.group: tuple | None = None  # (actor, sim_time) of the batch being read
        self.group_row: Revision | None = None
        self.pending: list[dict] = []  # steps of the batch, measured when it ends
        self.peaks = [0, 0]
        strategy = (self.spec.get("strategy") or {}).get("type", "RollingUpdate")
        self.step("start", f"Pod template of {self.start.name} changed: {strategy} to {self.desired} replicas (maxSurge {self.surge}, maxUnavailable {self.unavailable})", self.start)

    def see(self, row: Revision) -> None:
        if (row.actor, row.sim_time) != self.group:
            self._measure()
            if self.outcome is not None:
                return
            self.group = (row.actor, row.sim_time)
        self.group_row = row
        if row.kind == "Deployment":
            if row.uid == self.start.uid:
                self._deployment(row)
            return
        if row.owner_uid != self.start.uid:
            return
        if row.event_type == Revision.DELETED:
            self.rs.pop(row.uid, None)
            return
        obj, before = row.object, self.rs.get(row.uid)
        self.rs[row.uid] = obj
        replicas = int(obj["spec"].get("replicas", 0))
        previous = int(before["spec"].get("replicas", 0)) if before else 0
        revision = obj["metadata"].get("annotations", {}).get(REVISION, "?")
        if self.new is None and _template(obj) == self.template:
            self.new = row.uid
            how = "created" if row.event_type == Revision.ADDED else f"reused (rollback to revision {revision})"
            self.pending.append(self.step("new-replicaset", f"ReplicaSet {row.name} {how} for the new template, scaled to {replicas}", row))
        elif replicas != previous:
            age = "new" if row.uid == self.new else "old"
            verb = "up" if replicas > previous else "down"
            self.pending.append(self.step("scale", f"Scaled {verb} {age} ReplicaSet {row.name} to {replicas} from {previous}", row))

    def _deployment(self, row: Revision) -> None:
        if row.event_type == Revision.DELETED:
            self.finish(row, "deleted", f"Deployment {row.name} deleted")
        elif _template(row.object) != self.template:
            self.finish(row, "superseded", "superseded: the pod template changed again")
        else:
            self.spec = row.object.get("spec") or {}
            self.surge, self.unavailable = surge_and_unavailable(self.spec)

    def _measure(self) -> None:
        """At the end of a batch: surge and unavailability now, and whether the rollout is complete."""
        if self.group_row is None or self.outcome is not None:
            return
        pods = sum(int((obj.get("status") or {}).get("replicas", 0)) for obj in self.rs.values())
        available = sum(int((obj.get("status") or {}).get("availableReplicas", 0)) for obj in self.rs.values())
        values = {"pods": pods, "available": available, "surge": max(0, pods - self.desired), "unavailable": max(0, self.desired - available)}
        self.peaks = [max(self.peaks[0], values["surge"]), max(self.peaks[1], values["unavailable"])]
        for step in self.pending:
            step.update(values)
        self.pending = []
        new = self.rs.get(self.new) if self.new else None
        old = [obj for uid, obj in self.rs.items() if uid != self.new]
        if new is not None and int(new["spec"].get("replicas", 0)) == self.desired \
                and int((new.get("status") or {}).get("availableReplicas", 0)) >= self.desired \
                and all(int(o["spec"].get("replicas", 0)) == 0 and int((o.get("status") or {}).get("replicas", 0)) == 0 for o in old):
            row = self.group_row
            self.finish(row, "complete", f"rollout complete in {row.sim_time - self.start.sim_time:.1f} s")
            self.steps[-1].update(values)

    def end(self) -> None:
        self._measure()

    def extra(self) -> dict:
        return {"max_surge": self.surge, "max_unavailable": self.unavailable, "peak_surge": self.peaks[0], "peak_unavailable": self.peaks[1]}
