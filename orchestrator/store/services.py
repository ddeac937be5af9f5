"""The one way to write cluster objects.

Every write happens inside a `Batch`: one transaction that takes the cluster's next
revisions, saves the objects, appends one revision-log row per write, and after commit
wakes the watchers. A control loop opens one batch per tick, so a thousand heartbeats
cost one transaction, not a thousand.
"""
from __future__ import annotations

import copy
import functools
import json
from collections import OrderedDict
import random
import sys
import threading
import time
from contextlib import contextmanager
import uuid as uuidlib
from datetime import timedelta

from django.db import transaction

from orchestrator import quantity
from orchestrator.controlplane import clock
from orchestrator.controlplane.profiles import profile_for
from orchestrator.models import Cluster, Event, Namespace, Node, Revision

from . import notify
from .defaults import apply_defaults
from .errors import AlreadyExists, BadRequest, Conflict, FieldErrors, Forbidden, Invalid, NotFound, Unavailable
from .kinds import KINDS, KindInfo
from .serialize import controller_owner_uid, fill_row, format_time, to_dict
from . import quotas
from .validation import check_namespace_deletable, update_errors, validate_object

NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789"
POD_MUTABLE_SPEC = ("activeDeadlineSeconds", "tolerations", "terminationGracePeriodSeconds")


def resource_name(info: KindInfo) -> str:
    """Return how kube-apiserver names the resource in messages: `pods`, `deployments.apps`."""
    return f"{info.plural}.{info.group}" if info.group else info.plural


def not_found(info: KindInfo, name: str) -> NotFound:
    return NotFound(f'{resource_name(info)} "{name}" not found', kind=info.plural, name=name, group=info.group)


# Writers whose requests someone is waiting on (kubectl, the page, the teacher's actions), and
# the kubelets' heartbeats, whose lateness would make healthy nodes look dead: they go first.
CLIENT_WRITERS = frozenset({"kube-apiserver", "playground-ui", "playground", "kubelet-heartbeat"})
WRITER_WAIT = 60.0


class WriterQueue:
    """SQLite's single writer, queued in this process.

    SQLite makes waiting writers poll for its lock, which under load starves some of them for
    seconds; here they wait their turn instead, and a client's write goes before the next
    component pass (a controller's sync can wait a moment; a person at kubectl should not).
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._busy = False
        self._clients_waiting = 0
        self.waiting = 0

    def acquire(self, *, client: bool, timeout: float = WRITER_WAIT) -> bool:
        deadline = time.monotonic() + timeout
        with self._cond:
            self._clients_waiting += client
            self.waiting += 1
            try:
                while self._busy or (not client and self._clients_waiting):
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return False
                    self._cond.wait(left)
                self._busy = True
                return True
            finally:
                self._clients_waiting -= client
                self.waiting -= 1

    def release(self) -> None:
        with self._cond:
            self._busy = False
            self._cond.notify_all()


_SQLITE_WRITER = WriterQueue()


class _LeaseChanged(Exception):
    """A node Lease was written by someone else since its kubelet last wrote it."""


@contextmanager
def client_write(component: str = "playground"):
    """A transaction for a write outside a Batch (machines, the cluster's row) that a person waits
    on: on SQLite it takes its turn in the writer queue, ahead of the components' passes, instead
    of polling SQLite's lock while they write."""
    queued = _queue_for_sqlite_writer(component)
    try:
        with transaction.atomic():
            yield
    finally:
        if queued:
            _SQLITE_WRITER.release()


class RecentEvents:
    """The Events this process wrote lately, per (cluster, object uid, reason): a bounded LRU."""

    def __init__(self, size: int = 20000) -> None:
        self.size = size
        self._items: "OrderedDict[tuple, tuple]" = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> tuple | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: tuple, value: tuple) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


_RECENT_EVENTS = RecentEvents()


def _queue_for_sqlite_writer(component: str) -> bool:
    connection = transaction.get_connection()
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return False  # other databases lock rows; an open transaction already holds SQLite's lock
    if not _SQLITE_WRITER.acquire(client=component in CLIENT_WRITERS):
        raise Unavailable("the store is too busy to take this write; try again", retry_after=1)
    return True


# The columns a status update writes besides status and resource_version: those derived from status.
STATUS_COLUMNS = {"Pod": ("phase",), "Node": ("ready",)}

# What a batch reads of the cluster's row when it takes the lock (not the scenario or traffic state).
LOCK_FIELDS = ("revision", "components", "clock_paused", "clock_speed", "clock_sim_anchor", "clock_wall_anchor", "allocations")


class Batch:
    """One transaction of writes to one cluster.

    Use as a context manager. `component` names the writer (for events' source).
    """

    def __init__(self, cluster: Cluster, *, component: str = "", manager: str = ""):
        self.cluster = cluster
        self.component = component
        self.manager = manager or component
        self._atomic = None
        self._locked = False
        self._revision = 0
        self._log: list[Revision] = []
        self._event_cache: dict[tuple, object] = {}
        self._new_events: list[Event] = []  # inserted together when the batch ends (nobody reads them before)
        self._namespaces_seen: set[str] = set()  # namespaces known to exist in this batch (Events)
        self._namespaces_open: set[str] = set()  # namespaces known to take new objects in this batch
        self.quota_counts: dict[str, int] = {}  # objects per kind in the cluster, once a create counted them (quotas.py)

    # -- transaction ---------------------------------------------------------------
    def __enter__(self) -> "Batch":
        self._queued = _queue_for_sqlite_writer(self.component)
        try:
            self._atomic = transaction.atomic()
            self._atomic.__enter__()
        except BaseException:
            self._leave_queue()
            raise
        return self

    def _leave_queue(self) -> None:
        if self._queued:
            self._queued = False
            _SQLITE_WRITER.release()

    def __exit__(self, exc_type, exc, tb) -> bool:
        try:
            return self._finish(exc_type, exc, tb)
        finally:
            self._leave_queue()

    def _finish(self, exc_type, exc, tb) -> bool:
        try:
            if exc_type is None and self._log:
                if self._new_events:
                    Event.objects.bulk_create(self._new_events)
                    for row in self._new_events:
                        involved = row.extra.get("involvedObject") or {}
                        _RECENT_EVENTS.put((self.cluster.pk, involved.get("uid"), row.reason), (row.pk, row.extra.get("message"), row.extra.get("reportingComponent")))
                Revision.objects.bulk_create(self._log)
                Cluster.objects.filter(pk=self.cluster.pk).update(revision=self._revision)
                self.cluster.revision = self._revision
                cluster_id, revision, kinds = self.cluster.pk, self._revision, {entry.kind for entry in self._log}
                transaction.on_commit(lambda: notify.revision_committed(cluster_id, revision, kinds=kinds))
        except BaseException:
            self._atomic.__exit__(*sys.exc_info())
            raise
        return bool(self._atomic.__exit__(exc_type, exc, tb))

    @contextmanager
    def savepoint(self):
        """Undo this block's writes alone if it raises, keeping the rest of the batch."""
        self.lock()
        mark = (len(self._log), self._revision, dict(self._event_cache), len(self._new_events))
        sid = transaction.savepoint()
        try:
            yield
        except BaseException:
            transaction.savepoint_rollback(sid)
            del self._log[mark[0]:]
            del self._new_events[mark[3]:]
            self._revision, self._event_cache = mark[1], mark[2]
            raise
        transaction.savepoint_commit(sid)

    def lock(self) -> None:
        """Take the cluster's write lock and check that etcd and the API server are up."""
        if self._locked:
            return
        row = Cluster.objects.select_for_update().only(*LOCK_FIELDS).get(pk=self.cluster.pk)
        for component in ("etcd", "kube-apiserver"):
            if not row.component_running(component):
                raise Unavailable(f"{component} is stopped: the API is unavailable", retry_after=1)
        self.cluster.components = row.components
        self.cluster.clock_paused = row.clock_paused
        self.cluster.clock_speed = row.clock_speed
        self.cluster.clock_sim_anchor = row.clock_sim_anchor
        self.cluster.clock_wall_anchor = row.clock_wall_anchor
        self.cluster.allocations = row.allocations
        self._revision = row.revision
        self._locked = True
        self.now = clock.sim_now(self.cluster)

    @property
    def profile(self):
        return profile_for(self.cluster.profile)

    def _record(self, info: KindInfo, row, event_type: str, *, columns: tuple | None = None) -> dict:
        """Write the row (only `columns` when given) and log the change under the next revision."""
        self._revision += 1
        row.resource_version = self._revision
        if event_type == Revision.DELETED:
            obj = to_dict(info, row)
            row.delete()
        elif columns:
            _update_columns(row, columns)
            obj = to_dict(info, row)
        else:
            row.save()
            obj = to_dict(info, row)
        self._log.append(
            Revision(
                cluster_id=self.cluster.pk,
                revision=self._revision,
                kind=info.kind,
                namespace=row.namespace,
                name=row.name,
                uid=str(row.uid),
                owner_uid=row.owner_uid,
                event_type=event_type,
                object=obj,
                sim_time=self.now.timestamp(),
                wall_time=time.time(),
                actor=self.manager,
            )
        )
        return obj

    # -- reads inside the transaction -------------------------------------------------
    def row(self, kind: str, namespace: str, name: str):
        info = KINDS[kind]
        return info.model.objects.filter(cluster=self.cluster, namespace=namespace if info.namespaced else "", name=name).first()

    # -- writes ---------------------------------------------------------------------
    def create(self, kind: str, obj: dict, *, dry_run: bool = False) -> dict:
        """Create `obj`; refuse an invalid, duplicate or misplaced object."""
        self.lock()
        info = KINDS[kind]
        obj = copy.deepcopy(obj)
        if not isinstance(obj.get("metadata"), dict):
            obj["metadata"] = {}
        meta = obj["metadata"]
        if not meta.get("name") and meta.get("generateName"):
            meta["name"] = meta["generateName"] + "".join(random.choice(NAME_CHARS) for _ in range(5))
        name = meta.get("name") or ""
        if info.namespaced:
            meta["namespace"] = meta.get("namespace") or "default"
            self._check_namespace_open(meta["namespace"], info, name)
        else:
            meta.pop("namespace", None)
        apply_defaults(kind, obj, toleration_seconds=self.profile.default_toleration_seconds)
        self._admit_create(info, obj)
        validate_object(kind, obj, namespaced=info.namespaced).raise_if_any(kind, name, info.group)
        quotas.admit_create(self, info, obj)
        if info.model.objects.filter(cluster=self.cluster, namespace=meta.get("namespace", ""), name=name).exists():
            raise AlreadyExists(f'{resource_name(info)} "{name}" already exists', kind=info.plural, name=name, group=info.group)
        row = info.model(cluster=self.cluster, namespace=meta.get("namespace", ""), name=name)
        fill_row(info, row, obj)
        row.creation_timestamp = self.now.replace(microsecond=0)
        row.generation = 1
        self._set_columns(info, row)
        if dry_run:
            row.resource_version = self._revision
            return to_dict(info, row)
        return self._record(info, row, Revision.ADDED)

    def update(self, kind: str, obj: dict, *, subresource: str = "", dry_run: bool = False, row=None) -> dict:
        """Replace an object (or its status) with `obj`; 409 when obj's resourceVersion is stale.
        `row` is the object's row as read inside this batch (after its lock), when the caller has it."""
        self.lock()
        info = KINDS[kind]
        meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
        name = meta.get("name") or ""
        namespace = (meta.get("namespace") or "default") if info.namespaced else ""
        if row is None or (row.namespace, row.name) != (namespace, name):
            row = self.row(kind, namespace, name)
        if row is None:
            raise not_found(info, name)
        rv = meta.get("resourceVersion")
        if rv not in (None, "") and str(rv) != str(row.resource_version):
            raise Conflict(
                f'Operation cannot be fulfilled on {resource_name(info)} "{name}": the object has been modified; '
                "please apply your changes to the latest version and try again",
                kind=info.plural, name=name, group=info.group,
            )
        if meta.get("uid") and str(meta["uid"]) != str(row.uid):
            raise Conflict(
                f"Precondition failed: UID in precondition: {meta['uid']}, UID in object meta: {row.uid}",
                kind=info.plural, name=name, group=info.group,
            )
        old = to_dict(info, row)
        if subresource == "status":
            # The status alone changes: the rest is the stored object (old is a copy of its own).
            status = copy.deepcopy(obj.get("status") or {})
            new = {**old, "status": status}
        else:
            new = copy.deepcopy(obj)
            if info.status_subresource:
                new["status"] = old.get("status", {})
            new_meta = new.setdefault("metadata", {})
            for key in ("name", "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "resourceVersion"):
                if key in old["metadata"]:
                    new_meta[key] = old["metadata"][key]
                else:
                    new_meta.pop(key, None)
            if info.namespaced:
                new_meta["namespace"] = namespace
            apply_defaults(kind, new, toleration_seconds=self.profile.default_toleration_seconds)
            self._check_immutable(info, old, new)
        validate_object(kind, new, namespaced=info.namespaced).raise_if_any(kind, name, info.group)
        quotas.admit_update(info, old, new)
        if _comparable(new) == _comparable(old):
            return old
        if info.tracks_generation and new.get("spec") != old.get("spec"):
            row.generation += 1
        columns = None
        if subresource == "status":
            row.status = status
            columns = ("status", "resource_version", *STATUS_COLUMNS.get(kind, ()))
        else:
            fill_row(info, row, new)
        self._set_columns(info, row)
        if dry_run:
            return to_dict(info, row)
        if row.deletion_timestamp is not None and not row.finalizers and not (kind == "Pod" and row.node_name and (row.deletion_grace_period_seconds or 0) > 0):
            if not (kind == "Namespace" and row.spec.get("finalizers")):
                return self._record(info, row, Revision.DELETED)
        return self._record(info, row, Revision.MODIFIED, columns=columns)

    def renew_node_leases(self, leases: list[dict], renew_time: str) -> list[dict]:
        """Renew node Leases in bulk, as the kubelets of a process do each tick.

        `leases` are the objects as this writer last wrote them. Each renewal sets
        `spec.renewTime`, takes the next revision and appends its log entry, as any update
        does, but all of them are one UPDATE statement: a heartbeat changes one field of an
        object the kubelet alone writes, so it needs no defaulting or validation. A Lease
        that someone else changed since (its resourceVersion moved) or removed is left
        out; the caller reads it afresh. Return the renewed objects.

        The UPDATE names each Lease's resourceVersion, so nobody's write is overwritten; when
        fewer rows than Leases change (someone wrote one meanwhile), it is undone and done again
        for the Leases whose resourceVersion is still the one known.
        """
        self.lock()
        if not leases:
            return []
        mark = (self._revision, len(self._log))
        try:
            with transaction.atomic():  # a savepoint
                return self._renew_leases(leases, renew_time, expected=len(leases))
        except _LeaseChanged:
            self._revision = mark[0]
            del self._log[mark[1]:]
        names = [lease["metadata"]["name"] for lease in leases]
        current = dict(KINDS["Lease"].model.objects.filter(cluster=self.cluster, namespace="kube-node-lease", name__in=names).values_list("name", "resource_version"))
        unchanged = [lease for lease in leases if current.get(lease["metadata"]["name"]) == int(lease["metadata"]["resourceVersion"])]
        return self._renew_leases(unchanged, renew_time, expected=None)

    def _renew_leases(self, leases: list[dict], renew_time: str, *, expected: int | None) -> list[dict]:
        info = KINDS["Lease"]
        renewed, rows = [], []
        for lease in leases:
            meta = lease["metadata"]
            self._revision += 1
            obj = {**lease, "metadata": {**meta, "resourceVersion": str(self._revision)}, "spec": {**lease["spec"], "renewTime": renew_time}}
            rows.append((json.dumps(obj["spec"]), self._revision, self.cluster.pk, meta["name"], int(meta["resourceVersion"])))
            self._log.append(self._entry(info, obj, Revision.MODIFIED))
            renewed.append(obj)
        if rows:
            connection = transaction.get_connection()
            cast = "::jsonb" if connection.vendor == "postgresql" else ""
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {info.model._meta.db_table} SET spec = %s{cast}, resource_version = %s "
                    "WHERE cluster_id = %s AND namespace = 'kube-node-lease' AND name = %s AND resource_version = %s",
                    rows,
                )
                if expected is not None and cursor.rowcount != expected:
                    raise _LeaseChanged
        return renewed

    def _entry(self, info: KindInfo, obj: dict, event_type: str) -> Revision:
        meta = obj["metadata"]
        return Revision(
            cluster_id=self.cluster.pk, revision=int(meta["resourceVersion"]), kind=info.kind,
            namespace=meta.get("namespace", ""), name=meta["name"], uid=str(meta["uid"]),
            owner_uid=controller_owner_uid(meta.get("ownerReferences") or []), event_type=event_type, object=obj,
            sim_time=self.now.timestamp(), wall_time=time.time(), actor=self.manager,
        )

    def bind(self, namespace: str, name: str, node_name: str, *, uid: str = "", row=None) -> dict:
        """Bind a pending pod to a node (the pods/binding subresource). `row` is the pod as
        read inside this batch, when the caller read many at once."""
        self.lock()
        info = KINDS["Pod"]
        if row is None:
            row = self.row("Pod", namespace, name)
        if row is None or (uid and str(row.uid) != uid):
            raise not_found(info, name)
        if row.node_name:
            raise Conflict(f'Operation cannot be fulfilled on pods/binding "{name}": pod {name} is already assigned to node "{row.node_name}"', kind="pods", name=name)
        if row.deletion_timestamp is not None:
            raise Conflict(f'Operation cannot be fulfilled on pods/binding "{name}": pod {name} is being deleted, cannot be assigned to a host', kind="pods", name=name)
        self._bind_row(row, node_name)
        return self._record(info, row, Revision.MODIFIED)

    def bind_all(self, bindings: list[tuple]) -> list[dict | None]:
        """Bind many pending pods, as `bind` binds one, in one UPDATE statement (the scheduler's
        pass). `bindings` are (row, node name) with the pods' rows as read inside this batch. A
        pod already bound or being deleted is left out (None in the answer, in order); the caller
        looks at it afresh."""
        self.lock()
        info = KINDS["Pod"]
        bound, params = [], []
        for row, node_name in bindings:
            if row.node_name or row.deletion_timestamp is not None:
                bound.append(None)
                continue
            self._bind_row(row, node_name)
            self._revision += 1
            row.resource_version = self._revision
            obj = to_dict(info, row, copy_body=False)  # the row is not used again
            self._log.append(self._entry(info, obj, Revision.MODIFIED))
            params.append((row.spec, row.status, row.node_name, row.phase, row.resource_version, row.pk))
            bound.append(obj)
        if params:
            connection = transaction.get_connection()
            sql, fields = _update_statement(info.model, ("spec", "status", "node_name", "phase", "resource_version"))
            rows = [[f.get_db_prep_save(v, connection) for f, v in zip(fields, values)] + [values[-1]] for values in params]
            with connection.cursor() as cursor:
                cursor.executemany(sql, rows)
        return bound

    def _bind_row(self, row, node_name: str) -> None:
        row.spec = {**row.spec, "nodeName": node_name}
        conditions = [c for c in row.status.get("conditions") or [] if c.get("type") != "PodScheduled"]
        conditions.insert(0, {"type": "PodScheduled", "status": "True", "lastProbeTime": None, "lastTransitionTime": format_time(self.now)})
        row.status = {**row.status, "conditions": conditions}
        self._set_columns(KINDS["Pod"], row)

    def update_status(self, kind: str, obj: dict, *, row=None) -> dict:
        return self.update(kind, obj, subresource="status", row=row)

    def delete(
        self,
        kind: str,
        namespace: str,
        name: str,
        *,
        grace_period_seconds: int | None = None,
        propagation: str | None = None,
        preconditions: dict | None = None,
        dry_run: bool = False,
    ) -> dict:
        """Delete an object as kube-apiserver does: gracefully for running pods, through
        finalizers when it has any, and per the propagation policy for its dependents.
        Return the object as it stands after the call (DELETED or marked for deletion)."""
        self.lock()
        info = KINDS[kind]
        if kind == "Namespace":
            check_namespace_deletable(name)
        row = self.row(kind, namespace, name)
        if row is None:
            raise not_found(info, name)
        preconditions = preconditions or {}
        if preconditions.get("uid") and str(preconditions["uid"]) != str(row.uid):
            raise Conflict(f"Precondition failed: UID in precondition: {preconditions['uid']}, UID in object meta: {row.uid}", kind=info.plural, name=name, group=info.group)
        if preconditions.get("resourceVersion") and str(preconditions["resourceVersion"]) != str(row.resource_version):
            raise Conflict(f"Precondition failed: ResourceVersion in precondition: {preconditions['resourceVersion']}, ResourceVersion in object meta: {row.resource_version}", kind=info.plural, name=name, group=info.group)
        if propagation not in (None, "Background", "Foreground", "Orphan"):
            raise BadRequest(f'propagationPolicy "{propagation}" is not supported: supported values: "Background", "Foreground", "Orphan"')
        if grace_period_seconds is not None and grace_period_seconds < 0:
            raise Invalid(f'{kind} "{name}" is invalid: gracePeriodSeconds: Invalid value: {grace_period_seconds}: must be greater than or equal to 0', kind=info.plural, name=name, causes=[])
        if dry_run:
            return to_dict(info, row)
        changed = False
        if propagation in ("Foreground", "Orphan"):
            finalizer = "foregroundDeletion" if propagation == "Foreground" else "orphan"
            if finalizer not in row.finalizers:
                row.finalizers = [f for f in row.finalizers if f not in ("foregroundDeletion", "orphan")] + [finalizer]
                changed = True
        if kind == "Namespace":
            self._namespaces_open.discard(name)
            if row.deletion_timestamp is None:
                row.deletion_timestamp = self.now
                row.status = {**row.status, "phase": "Terminating"}
                return self._record(info, row, Revision.MODIFIED)
            return to_dict(info, row)
        if kind == "Pod" and row.node_name and row.phase not in ("Succeeded", "Failed"):
            grace = row.spec.get("terminationGracePeriodSeconds", 30) if grace_period_seconds is None else grace_period_seconds
            if grace > 0 or row.finalizers:
                current = row.deletion_grace_period_seconds
                if row.deletion_timestamp is None or (current is not None and grace < current):
                    row.deletion_timestamp = self.now + timedelta(seconds=grace)
                    row.deletion_grace_period_seconds = grace
                    if grace == 0 and not row.finalizers:
                        return self._record(info, row, Revision.DELETED)
                    return self._record(info, row, Revision.MODIFIED)
                if changed:
                    return self._record(info, row, Revision.MODIFIED)
                return to_dict(info, row)
        if row.finalizers:
            if row.deletion_timestamp is None:
                row.deletion_timestamp = self.now
                row.deletion_grace_period_seconds = 0
                changed = True
            return self._record(info, row, Revision.MODIFIED) if changed else to_dict(info, row)
        if row.deletion_timestamp is None:
            row.deletion_timestamp = self.now
            row.deletion_grace_period_seconds = 0
        return self._record(info, row, Revision.DELETED)

    def event(
        self,
        involved: dict,
        reason: str,
        message: str,
        *,
        type: str = "Normal",
        component: str = "",
        host: str = "",
        field_path: str = "",
    ) -> None:
        """Record an Event about `involved`; a repeat of the same event bumps its count."""
        self.lock()
        meta = involved.get("metadata", {})
        namespace = meta.get("namespace") or "default"
        component = component or self.component
        key = (meta.get("uid"), reason, message, component)
        now = self.now
        row = self._event_cache.get(key)
        if row is None:
            # As client-go's event correlator: this process remembers the latest Event it wrote
            # per object and reason, and a repeat of it bumps its count; an Event it does not
            # remember is new (no read of the store for the first event of a new pod).
            latest = _RECENT_EVENTS.get((self.cluster.pk, meta.get("uid"), reason))
            if latest is not None and latest[1:] == (message, component):
                row = Event.objects.filter(pk=latest[0], cluster=self.cluster, involved_uid=str(meta.get("uid", "")), reason=reason).first()
                if row is not None and (row.extra.get("message") != message or (row.extra.get("source") or {}).get("component") != component):
                    row = None
        if row is not None:
            row.extra = {**row.extra, "count": int(row.extra.get("count", 1)) + 1, "lastTimestamp": format_time(now)}
            self._event_cache[key] = row
            if row.pk is None:  # written in this batch, inserted when it ends: log the repeat only
                self._log_new_event(row, Revision.MODIFIED)
            else:
                self._record(KINDS["Event"], row, Revision.MODIFIED)
            return
        if namespace != "default" and not self._namespace_exists(namespace):
            return
        name = f"{meta.get('name', 'unknown')}.{uuidlib.uuid4().hex[:16]}"
        involved_ref = {
            "kind": involved.get("kind"),
            "namespace": meta.get("namespace"),
            "name": meta.get("name"),
            "uid": meta.get("uid"),
            "apiVersion": involved.get("apiVersion"),
            "resourceVersion": meta.get("resourceVersion"),
        }
        if field_path:
            involved_ref["fieldPath"] = field_path
        row = Event(
            cluster=self.cluster,
            namespace=namespace,
            name=name,
            creation_timestamp=now.replace(microsecond=0),
            involved_kind=involved.get("kind", ""),
            involved_name=meta.get("name", ""),
            involved_uid=str(meta.get("uid", "")),
            reason=reason,
            extra={
                "involvedObject": {k: v for k, v in involved_ref.items() if v not in (None, "")},
                "reason": reason,
                "message": message,
                "source": {"component": component, **({"host": host} if host else {})},
                "firstTimestamp": format_time(now),
                "lastTimestamp": format_time(now),
                "count": 1,
                "type": type,
                "eventTime": None,
                "reportingComponent": component,
                "reportingInstance": host,
            },
        )
        self._event_cache[key] = row
        self._new_events.append(row)
        self._log_new_event(row, Revision.ADDED)

    def _log_new_event(self, row: Event, event_type: str) -> None:
        """Log a change of an Event this batch inserts when it ends (in one statement with the others)."""
        self._revision += 1
        row.resource_version = self._revision
        self._log.append(self._entry(KINDS["Event"], to_dict(KINDS["Event"], row), event_type))

    def _namespace_exists(self, namespace: str) -> bool:
        known = self._namespaces_seen
        if namespace not in known and Namespace.objects.filter(cluster=self.cluster, name=namespace).exists():
            known.add(namespace)
        return namespace in known

    # -- admission ------------------------------------------------------------------
    def _check_namespace_open(self, namespace: str, info: KindInfo, name: str) -> None:
        open_ = self._namespaces_open  # checked once per batch
        if namespace in open_:
            return
        ns = Namespace.objects.filter(cluster=self.cluster, name=namespace).first()
        if ns is None:
            raise NotFound(f'namespaces "{namespace}" not found', kind="namespaces", name=namespace)
        if ns.deletion_timestamp is not None:
            raise Forbidden(
                f'{resource_name(info)} "{name}" is forbidden: unable to create new content in namespace '
                f"{namespace} because it is being terminated",
                kind=info.plural, name=name, group=info.group,
            )
        open_.add(namespace)

    def _admit_create(self, info: KindInfo, obj: dict) -> None:
        if info.kind == "Pod":
            obj["status"] = {"phase": "Pending", "qosClass": obj.get("status", {}).get("qosClass", "BestEffort")}
        elif info.kind in ("Deployment", "ReplicaSet"):
            obj["status"] = {}
        elif info.kind == "Service":
            spec = obj.setdefault("spec", {})
            if spec.get("type") != "ExternalName" and not spec.get("clusterIP"):
                spec["clusterIP"] = self._allocate_service_ip()
                spec["clusterIPs"] = [spec["clusterIP"]]
            elif spec.get("clusterIP"):
                spec.setdefault("clusterIPs", [spec["clusterIP"]])

    def _allocate_service_ip(self) -> str:
        allocations = dict(self.cluster.allocations)
        counter = int(allocations.get("service_ip", 1)) + 1
        allocations["service_ip"] = counter
        Cluster.objects.filter(pk=self.cluster.pk).update(allocations=allocations)
        self.cluster.allocations = allocations
        return f"10.96.{counter // 256 % 256}.{counter % 256}"

    def _check_immutable(self, info: KindInfo, old: dict, new: dict) -> None:
        errs = FieldErrors()
        if info.kind == "Pod":
            old_spec, new_spec = copy.deepcopy(old.get("spec", {})), copy.deepcopy(new.get("spec", {}))
            for spec in (old_spec, new_spec):
                for key in POD_MUTABLE_SPEC:
                    spec.pop(key, None)
                for group in ("containers", "initContainers"):
                    for container in spec.get(group) or []:
                        if isinstance(container, dict):
                            container.pop("image", None)
            if old_spec != new_spec:
                errs.add("spec", "Forbidden: pod updates may not change fields other than `spec.containers[*].image`, "
                         "`spec.initContainers[*].image`, `spec.activeDeadlineSeconds`, `spec.tolerations` (only additions "
                         "to existing tolerations) or `spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it "
                         "was previously negative)", "FieldValueForbidden")
        elif info.kind in ("Deployment", "ReplicaSet"):
            if (old.get("spec") or {}).get("selector") != (new.get("spec") or {}).get("selector"):
                errs.add("spec.selector", f"Invalid value: {new.get('spec', {}).get('selector')}: field is immutable")
        elif info.kind == "Service":
            old_ip, new_ip = old.get("spec", {}).get("clusterIP"), (new.get("spec") or {}).get("clusterIP")
            if new_ip in (None, ""):
                new.setdefault("spec", {})["clusterIP"] = old_ip
                new["spec"]["clusterIPs"] = old.get("spec", {}).get("clusterIPs")
            elif new_ip != old_ip:
                errs.add("spec.clusterIPs[0]", f'Invalid value: []string{{"{new_ip}"}}: may not change once set')
        update_errors(info.kind, old, new, errs)
        errs.raise_if_any(info.kind, new["metadata"].get("name", ""), info.group)

    @staticmethod
    def _set_columns(info: KindInfo, row) -> None:
        if info.kind == "Pod":
            row.node_name = row.spec.get("nodeName") or ""
            row.phase = row.status.get("phase") or "Pending"
            row.cpu_request_m, row.memory_request = quantity.pod_requests(row.spec)
        elif info.kind == "Node":
            row.unschedulable = bool(row.spec.get("unschedulable"))
            ready = next((c for c in row.status.get("conditions") or [] if c.get("type") == "Ready"), None)
            row.ready = (ready or {}).get("status", "Unknown")
        elif info.kind == "Event":
            involved = row.extra.get("involvedObject") or {}
            row.involved_kind = involved.get("kind", "")
            row.involved_name = involved.get("name", "")
            row.involved_uid = str(involved.get("uid", ""))
            row.reason = row.extra.get("reason", "")


@functools.lru_cache(maxsize=None)
def _update_statement(model, columns: tuple) -> tuple[str, list]:
    """`UPDATE <table> SET <columns> WHERE id = ...` and the fields that prepare its values."""
    fields = [model._meta.get_field(name) for name in columns]
    return f"UPDATE {model._meta.db_table} SET {', '.join(f'{f.column} = %s' for f in fields)} WHERE id = %s", fields


def _update_columns(row, columns: tuple) -> None:
    """Write some columns of a stored row: one prepared UPDATE (what Model.save(update_fields=...)
    does, without its per-call work, which a kubelet's status writes pay thousands of times)."""
    connection = transaction.get_connection()
    sql, fields = _update_statement(type(row), columns)
    params = [f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, row.pk])


def _comparable(obj: dict) -> dict:
    """Return obj without the fields an update never changes by itself (for comparing only:
    it shares its parts with obj)."""
    meta = obj.get("metadata")
    if not isinstance(meta, dict):
        return obj
    return {**obj, "metadata": {k: v for k, v in meta.items() if k not in ("resourceVersion", "managedFields")}}


def object_create(*, cluster: Cluster, kind: str, obj: dict, component: str = "") -> dict:
    with Batch(cluster, component=component) as b:
        return b.create(kind, obj)


def object_update(*, cluster: Cluster, kind: str, obj: dict, subresource: str = "") -> dict:
    with Batch(cluster) as b:
        return b.update(kind, obj, subresource=subresource)


def object_delete(*, cluster: Cluster, kind: str, namespace: str, name: str, **options) -> dict:
    with Batch(cluster) as b:
        return b.delete(kind, namespace, name, **options)


def playground_event(cluster: Cluster, *, node: str, reason: str, message: str, type: str = "Normal") -> None:
    """Record a teacher's action on the simulated hardware (a power cut, a component stopped)
    as an Event on the node it happened to, so it has its place in the revision log.

    Skipped while the API is down (there is nobody to write it) or before the node registered.
    """
    row = Node.objects.filter(cluster=cluster, name=node).first()
    if row is None:
        return
    try:
        with Batch(cluster, component="playground") as batch:
            batch.event({"kind": "Node", "apiVersion": "v1", "metadata": {"name": node, "uid": str(row.uid)}}, reason, message, type=type)
    except Unavailable:
        return
