"""The Kubernetes REST verbs over the store: get, list, create, update, patch, delete,
deletecollection and the subresources. Views call these; they return
(HTTP status, body) pairs and raise StoreError for refusals."""
from __future__ import annotations

import base64
import copy
import json
from dataclasses import dataclass, field

from django.db.models import Q

from orchestrator.controlplane import clock
from orchestrator.models import Cluster, Sandbox
from orchestrator.store import services
from orchestrator.store.errors import BadRequest, Cause, Conflict, Invalid, StoreError, Unavailable
from orchestrator.store.kinds import KINDS
from orchestrator.store.serialize import to_dict
from orchestrator.store.services import Batch

from . import events_v1, limits, managed, negotiation, patches, tables
from .resources import Resource
from .selectors import fields_match, labels_match, parse_field_selector, parse_label_selector

ALLOW_CREATE_ON_UPDATE = {"Endpoints", "Event", "Lease"}
DB_FIELD_COLUMNS = {
    ("Pod", "spec.nodeName"): "node_name",
    ("Pod", "status.phase"): "phase",
    ("Event", "involvedObject.uid"): "involved_uid",
    ("Event", "involvedObject.name"): "involved_name",
    ("Event", "involvedObject.kind"): "involved_kind",
    ("Event", "reason"): "reason",
}


@dataclass
class ApiRequest:
    cluster: Cluster
    resource: Resource
    namespace: str = ""
    name: str = ""
    subresource: str = ""
    params: dict = field(default_factory=dict)
    accept: str = ""
    content_type: str = ""
    body: bytes = b""
    method: str = "GET"
    user_agent: str = ""
    warnings: list = field(default_factory=list)

    @property
    def info(self):
        return self.resource.info

    @property
    def kind(self) -> str:
        return self.resource.store_kind

    @property
    def as_table(self) -> bool:
        return negotiation.wants_table(self.accept)

    @property
    def dry_run(self) -> bool:
        return self.params.get("dryRun") == "All"

    @property
    def manager(self) -> str:
        return self.params.get("fieldManager") or ""

    @property
    def default_manager(self) -> str:
        """The manager Kubernetes names when the client gives none: from the user agent's program."""
        return self.user_agent.split("/")[0] if self.user_agent else "unknown"


def ensure_available(cluster: Cluster) -> None:
    limits.check_deadline()  # a request past its deadline stops here (and its SQLite queries stop too)
    cluster.refresh_from_db(fields=["components"])
    for component in ("kube-apiserver", "etcd"):
        if not cluster.component_running(component):
            raise Unavailable(f"{component} is stopped: the API is unavailable", retry_after=1)


def present(resource: Resource, obj: dict) -> dict:
    """Return a stored object in the resource's API version (events.k8s.io/v1 differs)."""
    if resource.group == "events.k8s.io":
        return events_v1.from_core(obj)
    return obj


def accept_body(resource: Resource, body: dict) -> dict:
    if resource.group == "events.k8s.io":
        return events_v1.to_core(body)
    return body


def _check_type(req: ApiRequest, body: dict) -> None:
    api_version, kind = body.get("apiVersion"), body.get("kind")
    if api_version and api_version != req.resource.group_version:
        raise BadRequest(f"the API version in the data ({api_version}) does not match the expected API version ({req.resource.group_version})")
    if kind and kind != req.resource.kind:
        raise BadRequest(f"the kind in the data ({kind}) does not match the expected kind ({req.resource.kind})")


def _check_namespace(req: ApiRequest, body: dict) -> None:
    meta = body.setdefault("metadata", {})
    if not isinstance(meta, dict):
        raise BadRequest("metadata must be an object")
    if not req.resource.namespaced:
        return
    given = meta.get("namespace")
    if given and given != req.namespace:
        raise BadRequest("the namespace of the provided object does not match the namespace sent on the request")
    meta["namespace"] = req.namespace


def _decode(req: ApiRequest) -> dict:
    body = negotiation.decode_body(req.body, negotiation.content_type(req.content_type), req.resource.kind)
    _check_type(req, body)
    _check_namespace(req, body)
    managed.check_fields(req, body)
    return body


# -- reads -------------------------------------------------------------------------------
def get(req: ApiRequest) -> dict:
    obj = _get_stored(req)
    if req.subresource == "scale":
        return scale_of(obj)
    return present(req.resource, obj)


def _get_stored(req: ApiRequest) -> dict:
    info = req.info
    row = info.model.objects.filter(cluster=req.cluster, namespace=req.namespace if info.namespaced else "", name=req.name).first()
    if row is None:
        raise services.not_found(info, req.name)
    return to_dict(info, row)


def _continue_token(revision: int, last_key: str) -> str:
    return base64.urlsafe_b64encode(json.dumps({"rv": revision, "start": last_key}).encode()).decode()


def _parse_continue(token: str) -> str:
    try:
        return json.loads(base64.urlsafe_b64decode(token.encode()))["start"]
    except (ValueError, KeyError, TypeError) as exc:
        raise BadRequest(f"continue key is not valid: {exc}") from exc


def select(req: ApiRequest) -> tuple[list[dict], int, str, int | None]:
    """Return the objects a list request selects, the list's revision, a continue token and
    the number of remaining items."""
    info = req.info
    labels = parse_label_selector(req.params.get("labelSelector"))
    fields = parse_field_selector(req.params.get("fieldSelector"), req.resource.store_kind, req.resource.plural)
    revision = Cluster.objects.filter(pk=req.cluster.pk).values_list("revision", flat=True).first() or 0
    qs = info.model.objects.filter(cluster=req.cluster)
    if info.namespaced and req.namespace:
        qs = qs.filter(namespace=req.namespace)
    for requirement in fields:
        column = DB_FIELD_COLUMNS.get((req.resource.store_kind, requirement.field))
        if requirement.field == "metadata.name":
            column = "name"
        elif requirement.field == "metadata.namespace":
            column = "namespace"
        if column:
            qs = qs.filter(**{column: requirement.value}) if requirement.equal else qs.exclude(**{column: requirement.value})
    start = _parse_continue(req.params["continue"]) if req.params.get("continue") else ""
    if start:
        # Keyset paging: the page starts after the last key of the one before, in SQL, so
        # page N reads its own rows only and not the N-1 pages before it.
        namespace, _, name = start.partition("/")
        qs = qs.filter(Q(namespace__gt=namespace) | Q(namespace=namespace, name__gt=name))
    rows = qs.order_by("namespace", "name")
    try:
        limit = int(req.params.get("limit") or 0)
    except ValueError as exc:
        raise BadRequest(f"invalid limit: {req.params.get('limit')}") from exc
    if not -(2**63) <= limit < 2**63:  # an int64, as kube-apiserver parses it
        raise BadRequest(f"invalid limit: {req.params.get('limit')}")
    if limit > 0 and not labels and not fields:
        rows = rows[:min(limit, 2**62) + 1]
    items = []
    token, remaining = "", None
    for seen, row in enumerate(rows.iterator(chunk_size=2000)):
        if seen % 1000 == 999:
            limits.check_deadline()
        key = f"{row.namespace}/{row.name}"
        if labels and not labels_match(labels, row.labels):
            continue
        obj = to_dict(info, row, copy_body=False)
        if fields and not fields_match(fields, obj):
            continue
        if limit and len(items) == limit:
            token = _continue_token(revision, items[-1]["_key"])
            remaining = None
            break
        obj["_key"] = key
        items.append(obj)
    for obj in items:
        obj.pop("_key")
    return items, revision, token, remaining


def list_(req: ApiRequest) -> dict:
    items, revision, token, remaining = select(req)
    items = [present(req.resource, obj) for obj in items]
    if negotiation.wants_table(req.accept):
        now = clock.sim_seconds(req.cluster)
        return tables.table(req.resource.kind, items, now=now, include_object=req.params.get("includeObject") or "Metadata",
                            resource_version=str(revision), continue_token=token)
    meta = {"resourceVersion": str(revision)}
    if token:
        meta["continue"] = token
    for obj in items:
        obj.pop("apiVersion", None)
        obj.pop("kind", None)
    return {"kind": f"{req.resource.kind}List", "apiVersion": req.resource.group_version, "metadata": meta, "items": items}


def as_table_if_asked(req: ApiRequest, obj: dict) -> dict:
    if negotiation.wants_table(req.accept) and not req.subresource:
        return tables.table(req.resource.kind, [obj], now=clock.sim_seconds(req.cluster), include_object=req.params.get("includeObject") or "Metadata")
    return obj


# -- writes ------------------------------------------------------------------------------
def create(req: ApiRequest) -> tuple[int, dict]:
    if req.resource.plural == "bindings":
        return bind(req)
    body = accept_body(req.resource, _decode(req))
    if req.resource.store_kind == "Namespace":
        body.get("metadata", {}).pop("namespace", None)
    body.setdefault("metadata", {})["managedFields"] = managed.on_write(None, body, req, operation="Update")
    with Batch(req.cluster, component="kube-apiserver", manager=req.manager or req.default_manager) as batch:
        created = batch.create(req.kind, body, dry_run=req.dry_run)
    return 201, present(req.resource, created)


def update(req: ApiRequest) -> tuple[int, dict]:
    if req.subresource == "scale":
        return 200, _update_scale(req, _decode_scale(req))
    body = accept_body(req.resource, _decode(req))
    meta = body.setdefault("metadata", {})
    if meta.get("name") and meta["name"] != req.name:
        raise BadRequest(f"the name of the object ({meta['name']}) does not match the name on the URL ({req.name})")
    meta["name"] = req.name
    with Batch(req.cluster, component="kube-apiserver", manager=req.manager or req.default_manager) as batch:
        batch.lock()
        existing = batch.row(req.kind, req.namespace, req.name)
        if existing is None:
            if req.kind not in ALLOW_CREATE_ON_UPDATE or req.subresource:
                raise services.not_found(req.info, req.name)
            meta["managedFields"] = managed.on_write(None, body, req, operation="Update")
            return 201, present(req.resource, batch.create(req.kind, body, dry_run=req.dry_run))
        old = to_dict(req.info, existing)
        meta["managedFields"] = managed.on_write(old, body, req, operation="Update")
        updated = batch.update(req.kind, body, subresource=req.subresource, dry_run=req.dry_run)
    return 200, present(req.resource, updated)


def patch(req: ApiRequest) -> tuple[int, dict]:
    kind, document = negotiation.decode_patch(req.body, negotiation.content_type(req.content_type))
    if kind == "apply":
        return _apply(req, document)
    for attempt in range(5):
        try:
            with Batch(req.cluster, component="kube-apiserver", manager=req.manager or req.default_manager) as batch:
                batch.lock()
                row = batch.row(req.kind, req.namespace, req.name)
                if row is None:
                    raise services.not_found(req.info, req.name)
                current = present(req.resource, to_dict(req.info, row))
                if req.subresource == "scale":
                    patched = _apply_patch(kind, scale_of(current), document, "Scale")
                    managed.check_decodable(req, patched, kind_key=("autoscaling/v1", "Scale"))
                    return 200, _update_scale(req, patched, batch=batch)
                patched = _apply_patch(kind, current, document, req.resource.kind)
                managed.check_decodable(req, patched)  # nulls dropped, wrong types refused (422) as Go decodes
                precondition = (document.get("metadata") or {}).get("resourceVersion") if isinstance(document, dict) else None
                if not precondition:
                    patched.setdefault("metadata", {})["resourceVersion"] = current["metadata"]["resourceVersion"]
                for key in ("name", "namespace", "uid"):
                    if patched["metadata"].get(key) != current["metadata"].get(key) and key in current["metadata"]:
                        raise Invalid(f'{req.resource.kind} "{req.name}" is invalid: metadata.{key}: Invalid value: "{patched["metadata"].get(key)}": field is immutable',
                                      kind=req.resource.plural, name=req.name, causes=[])
                managed.check_patched_fields(req, patched)
                patched = accept_body(req.resource, patched)
                patched["metadata"]["managedFields"] = managed.on_write(to_dict(req.info, row), patched, req, operation="Update")
                updated = batch.update(req.kind, patched, subresource=req.subresource, dry_run=req.dry_run)
            return 200, present(req.resource, updated)
        except Conflict:
            if attempt == 4 or (isinstance(document, dict) and (document.get("metadata") or {}).get("resourceVersion")):
                raise
    raise AssertionError("unreachable")


def _apply_patch(kind: str, current: dict, document, resource_kind: str) -> dict:
    try:
        if kind == "json":
            if not isinstance(document, list):
                raise patches.PatchError("json patch must be a list of operations")
            return patches.apply_json_patch(current, document)
        if kind == "merge":
            return patches.apply_merge_patch(current, document)
        if not isinstance(document, dict):
            raise patches.PatchError("strategic merge patch must be an object")
        return patches.apply_strategic_merge_patch(current, document, resource_kind if resource_kind in patches.STRATEGIC_MERGE_KINDS else "ConfigMap")
    except patches.PatchError as exc:
        if kind == "json" and "test" in str(exc):  # a failed "test" operation: the object is not as expected
            raise Invalid(str(exc), causes=[]) from exc
        raise BadRequest(str(exc)) from exc


def _apply(req: ApiRequest, config) -> tuple[int, dict]:
    if not isinstance(config, dict):
        raise BadRequest("error decoding YAML: the applied configuration must be an object")
    managed.check_decodable(req, config, drop=False)  # a metadata that is not an object, wrong types: 422 before any use
    if not req.manager:
        raise BadRequest("PATCH, application/apply-patch+yaml requires the fieldManager query parameter")
    _check_type(req, config)
    config = copy.deepcopy(config)
    config.setdefault("metadata", {})
    if config["metadata"].get("name") not in (None, req.name):
        raise BadRequest(f"the name of the object ({config['metadata'].get('name')}) does not match the name on the URL ({req.name})")
    config["metadata"]["name"] = req.name
    _check_namespace(req, config)
    managed.check_fields(req, config)
    force = req.params.get("force") in ("true", "1")
    with Batch(req.cluster, component="kube-apiserver", manager=req.manager or req.default_manager) as batch:
        batch.lock()
        row = batch.row(req.kind, req.namespace, req.name)
        live = present(req.resource, to_dict(req.info, row)) if row is not None else None
        merged = managed.apply(live, config, req, force=force)
        merged = accept_body(req.resource, merged)
        if row is None:
            return 201, present(req.resource, batch.create(req.kind, merged, dry_run=req.dry_run))
        merged["metadata"]["resourceVersion"] = str(row.resource_version)
        return 200, present(req.resource, batch.update(req.kind, merged, subresource=req.subresource, dry_run=req.dry_run))


def _delete_options(req: ApiRequest) -> dict:
    options: dict = {}
    if req.body.strip():
        body = negotiation.decode_body(req.body, negotiation.content_type(req.content_type) or "application/json", "DeleteOptions")
        options.update(body)
    for key in ("gracePeriodSeconds", "propagationPolicy"):
        if key in req.params and key not in options:
            options[key] = req.params[key]
    if "orphanDependents" in req.params and "propagationPolicy" not in options:
        options["propagationPolicy"] = "Orphan" if req.params["orphanDependents"] == "true" else "Background"
    if options.get("orphanDependents") is not None and not options.get("propagationPolicy"):
        options["propagationPolicy"] = "Orphan" if options["orphanDependents"] else "Background"
    grace = options.get("gracePeriodSeconds")
    if grace is not None:
        try:
            options["gracePeriodSeconds"] = int(grace)
        except (TypeError, ValueError) as exc:
            raise BadRequest(f"invalid gracePeriodSeconds: {grace}") from exc
    if "dryRun" in options and options["dryRun"]:
        req.params["dryRun"] = "All"
    return options


def delete(req: ApiRequest) -> tuple[int, dict]:
    options = _delete_options(req)
    with Batch(req.cluster, component="kube-apiserver", manager=req.manager or req.default_manager) as batch:
        obj = batch.delete(
            req.kind, req.namespace, req.name,
            grace_period_seconds=options.get("gracePeriodSeconds"),
            propagation=options.get("propagationPolicy"),
            preconditions=options.get("preconditions"),
            dry_run=req.dry_run,
        )
        still_there = batch.row(req.kind, req.namespace, req.name) is not None
    if still_there or req.dry_run:
        return 200, present(req.resource, obj)
    return 200, {
        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success",
        "details": {"name": req.name, "group": req.resource.group, "kind": req.resource.plural, "uid": obj["metadata"]["uid"]},
    }


def delete_collection(req: ApiRequest) -> tuple[int, dict]:
    options = _delete_options(req)
    items, revision, _, _ = select(req)
    deleted = []
    with Batch(req.cluster, component="kube-apiserver", manager=req.manager or req.default_manager) as batch:
        for obj in items:
            meta = obj["metadata"]
            deleted.append(present(req.resource, batch.delete(
                req.kind, meta.get("namespace", ""), meta["name"],
                grace_period_seconds=options.get("gracePeriodSeconds"), propagation=options.get("propagationPolicy"), dry_run=req.dry_run,
            )))
    for obj in deleted:
        obj.pop("apiVersion", None)
        obj.pop("kind", None)
    return 200, {"kind": f"{req.resource.kind}List", "apiVersion": req.resource.group_version, "metadata": {"resourceVersion": str(revision)}, "items": deleted}


# -- subresources ------------------------------------------------------------------------
def scale_of(obj: dict) -> dict:
    meta = obj["metadata"]
    selector = (obj.get("spec") or {}).get("selector") or {}
    parts = [f"{k}={v}" for k, v in sorted((selector.get("matchLabels") or {}).items())]
    for expr in selector.get("matchExpressions") or []:
        values = ",".join(expr.get("values") or [])
        op = expr.get("operator")
        parts.append({"In": f"{expr['key']} in ({values})", "NotIn": f"{expr['key']} notin ({values})",
                      "Exists": expr["key"], "DoesNotExist": f"!{expr['key']}"}.get(op, ""))
    return {
        "kind": "Scale", "apiVersion": "autoscaling/v1",
        "metadata": {k: meta[k] for k in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp") if k in meta},
        "spec": {"replicas": (obj.get("spec") or {}).get("replicas", 0)},
        "status": {"replicas": (obj.get("status") or {}).get("replicas", 0), "selector": ",".join(p for p in parts if p)},
    }


def _decode_scale(req: ApiRequest) -> dict:
    body = negotiation.decode_body(req.body, negotiation.content_type(req.content_type), "Scale")
    if body.get("kind") not in (None, "Scale"):
        raise BadRequest(f"the kind in the data ({body.get('kind')}) does not match the expected kind (Scale)")
    return body


def _update_scale(req: ApiRequest, scale: dict, batch: Batch | None = None) -> dict:
    replicas = (scale.get("spec") or {}).get("replicas")
    if not isinstance(replicas, int) or isinstance(replicas, bool) or replicas < 0:
        raise Invalid(f'Scale.autoscaling "{req.name}" is invalid: spec.replicas: Invalid value: {replicas!r}: must be greater than or equal to 0',
                      kind="Scale", name=req.name, group="autoscaling",
                      causes=[_cause("spec.replicas", f"Invalid value: {replicas!r}: must be greater than or equal to 0")])

    def run(b: Batch) -> dict:
        b.lock()
        row = b.row(req.kind, req.namespace, req.name)
        if row is None:
            raise services.not_found(req.info, req.name)
        obj = to_dict(req.info, row)
        rv = (scale.get("metadata") or {}).get("resourceVersion")
        if rv:
            obj["metadata"]["resourceVersion"] = rv
        obj["spec"]["replicas"] = replicas
        obj["metadata"]["managedFields"] = managed.on_write(to_dict(req.info, row), obj, req, operation="Update", subresource="scale")
        return scale_of(b.update(req.kind, obj, dry_run=req.dry_run))

    if batch is not None:
        return run(batch)
    with Batch(req.cluster, component="kube-apiserver", manager=req.manager or req.default_manager) as b:
        return run(b)


def _cause(field_path: str, message: str) -> Cause:
    return Cause(field_path, message)


def bind(req: ApiRequest) -> tuple[int, dict]:
    body = negotiation.decode_body(req.body, negotiation.content_type(req.content_type), "Binding")
    target = body.get("target") or {}
    name = req.name or (body.get("metadata") or {}).get("name")
    if not target.get("name"):
        raise Invalid(f'Binding "{name}" is invalid: target.name: Required value', kind="Binding", name=name or "",
                      causes=[_cause("target.name", "Required value")])
    with Batch(req.cluster, component="kube-apiserver", manager=req.manager or req.default_manager) as batch:
        if not req.dry_run:
            batch.bind(req.namespace, name, target["name"], uid=(body.get("metadata") or {}).get("uid", ""))
    return 201, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}


def evict(req: ApiRequest) -> tuple[int, dict]:
    body = negotiation.decode_body(req.body, negotiation.content_type(req.content_type), "Eviction")
    if body.get("kind") not in (None, "Eviction"):
        raise BadRequest(f"the kind in the data ({body.get('kind')}) does not match the expected kind (Eviction)")
    name = (body.get("metadata") or {}).get("name") or req.name
    if name != req.name:
        raise BadRequest("name in URL does not match name in Eviction object")
    options = body.get("deleteOptions") or {}
    with Batch(req.cluster, component="kube-apiserver", manager=req.manager or req.default_manager) as batch:
        if batch.row("Pod", req.namespace, req.name) is None:
            raise services.not_found(KINDS["Pod"], req.name)
        if not req.dry_run and not options.get("dryRun"):
            batch.delete("Pod", req.namespace, req.name, grace_period_seconds=options.get("gracePeriodSeconds"),
                         preconditions=options.get("preconditions"))
    return 201, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}


def log_lines(req: ApiRequest) -> tuple[list[str], dict]:
    """Return the container's log lines (formatted as the params ask) and the chosen container."""
    pod = _get_stored(req)
    containers = [c["name"] for c in pod["spec"].get("containers") or []]
    container = req.params.get("container")
    if not container:
        if len(containers) != 1:
            raise BadRequest(f"a container name must be specified for pod {req.name}, choose one of: [{' '.join(containers)}]")
        container = containers[0]
    elif container not in containers:
        raise BadRequest(f"container {container} is not valid for pod {req.name}")
    sandbox = Sandbox.objects.filter(cluster=req.cluster, pod_uid=pod["metadata"]["uid"]).select_related("machine").first()
    status = next((s for s in (pod.get("status") or {}).get("containerStatuses") or [] if s.get("name") == container), {})
    waiting = (status.get("state") or {}).get("waiting")
    if sandbox is None or not sandbox.machine.powered:
        if pod["spec"].get("nodeName"):
            node = pod["spec"]["nodeName"]
            raise StoreError(f"Get \"https://{node}:10250/containerLogs/{req.namespace}/{req.name}/{container}\": dial tcp: connect: no route to host")
        raise BadRequest(f'container "{container}" in pod "{req.name}" is waiting to start: {(waiting or {}).get("reason", "ContainerCreating")}')
    state = sandbox.state.get("containers", {}).get(container, {})
    previous = req.params.get("previous") in ("true", "1")
    lines = state.get("previous_logs" if previous else "logs") or []
    if previous and not lines:
        raise BadRequest(f'previous terminated container "{container}" in pod "{req.name}" not found')
    if not previous and not state.get("id") and waiting:
        raise BadRequest(f'container "{container}" in pod "{req.name}" is waiting to start: {waiting.get("reason", "ContainerCreating")}')
    written = len(lines) if previous else state.get("written", len(lines))
    return format_lines(lines, req.params), {"container": container, "uid": pod["metadata"]["uid"], "count": written}


def format_lines(lines: list, params: dict) -> list[str]:
    try:
        tail = int(params["tailLines"]) if params.get("tailLines") not in (None, "") else None
    except ValueError as exc:
        raise BadRequest(f"invalid tailLines: {params['tailLines']}") from exc
    selected = lines[-tail:] if tail is not None and tail >= 0 else lines
    if tail == 0:
        selected = []
    stamps = params.get("timestamps") in ("true", "1")
    return [f"{ts} {line}\n" if stamps else f"{line}\n" for ts, line in selected]

