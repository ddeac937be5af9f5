"""Export a cluster as a multi-document YAML, and import one into a new cluster.

The first document describes the simulated hardware (`kind: PlaygroundCluster`: profile, clock
speed and machines, each switched on or off; nodes are what their kubelets register on them, so
a machine that is off has no Node in the new cluster until it is switched on). Then the objects a user made, as
`kubectl get -o yaml` prints them minus what the server set (uid, resourceVersion, status,
allocated cluster IPs, the scheduler's nodeName, ...): namespaces other than the system ones,
configmaps, services (not `kubernetes`) and the endpoints of services without a selector,
deployments, and replicasets and pods no controller owns. What controllers make from those
(replicasets of deployments, their pods, endpoints, events) they make again in the new cluster.

An import is all or nothing: the new cluster, its machines and every object in one transaction,
refused as a whole with a Status naming the line and field of the first problem.
"""
from __future__ import annotations

import copy

import yaml
from django.db import transaction

from orchestrator import manifests, quantity
from orchestrator.controlplane import clock
from orchestrator.controlplane.clusters import DEFAULT_MACHINES, SYSTEM_NAMESPACES, cluster_create
from orchestrator.manifests import ManifestError
from orchestrator.live.snapshot import machines_state
from orchestrator.models import Cluster
from orchestrator.nodes.machines import machine_add
from orchestrator.store.errors import Cause, StoreError
from orchestrator.store.kinds import KINDS
from orchestrator.store.serialize import to_dict

API_VERSION = "playground/v1"
KIND = "PlaygroundCluster"
EXPORTED_KINDS = ("Namespace", "ConfigMap", "Service", "Endpoints", "Deployment", "ReplicaSet", "Pod")
SERVER_SET_METADATA = ("uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp",
                       "deletionGracePeriodSeconds", "managedFields", "selfLink", "ownerReferences")
SERVER_SET_ANNOTATIONS = ("deployment.kubernetes.io/revision",)
FIELDS = {
    "": ("apiVersion", "kind", "metadata", "spec"),
    "metadata": ("name",),
    "spec": ("profile", "clockSpeed", "machines"),
    "machine": ("name", "role", "runtime", "cpu", "memory", "pods", "powered"),
}


# ---------------------------------------------------------------------------------- export
def cluster_document(cluster: Cluster) -> dict:
    return {"apiVersion": API_VERSION, "kind": KIND, "metadata": {"name": cluster.name},
            "spec": {"profile": cluster.profile, "clockSpeed": cluster.clock_speed, "machines": machines_state(cluster)}}


def _user_made(kind: str, row, namespaces: set[str], services: dict) -> bool:
    if row.deletion_timestamp is not None:
        return False
    if kind == "Namespace":
        return row.name not in SYSTEM_NAMESPACES
    if row.namespace not in namespaces:
        return False  # its namespace is going away
    if kind in ("Service", "Endpoints") and (row.namespace, row.name) == ("default", "kubernetes"):
        return False
    if kind == "Endpoints":
        return not services.get((row.namespace, row.name))  # a selector's endpoints are the controller's
    if kind in ("ReplicaSet", "Pod"):
        return not row.owner_uid
    return True


def _without_server_fields(obj: dict) -> dict:
    obj = copy.deepcopy(obj)
    obj.pop("status", None)
    meta = obj["metadata"]
    for key in SERVER_SET_METADATA:
        meta.pop(key, None)
    annotations = {k: v for k, v in (meta.get("annotations") or {}).items() if k not in SERVER_SET_ANNOTATIONS}
    if annotations:
        meta["annotations"] = annotations
    else:
        meta.pop("annotations", None)
    spec = obj.get("spec") or {}
    if obj["kind"] == "Service" and spec.get("clusterIP") != "None":
        spec.pop("clusterIP", None)
        spec.pop("clusterIPs", None)
    if obj["kind"] == "Pod":
        spec.pop("nodeName", None)
    return obj


def export_documents(cluster: Cluster) -> list[dict]:
    """Return the cluster as documents: its PlaygroundCluster first, then the user's objects."""
    documents = [cluster_document(cluster)]
    namespaces = set(SYSTEM_NAMESPACES)
    services: dict[tuple[str, str], bool] = {}  # (namespace, name) -> has a selector
    for kind in EXPORTED_KINDS:
        info = KINDS[kind]
        for row in info.model.objects.filter(cluster=cluster).order_by("namespace", "name"):
            if not _user_made(kind, row, namespaces, services):
                continue
            obj = to_dict(info, row)
            if kind == "Namespace":
                namespaces.add(row.name)
            elif kind == "Service":
                services[(row.namespace, row.name)] = bool((obj.get("spec") or {}).get("selector"))
            documents.append(_without_server_fields(obj))
    return documents


def export_yaml(cluster: Cluster) -> str:
    header = f"# Cluster {cluster.name} exported at revision {cluster.revision}: import it with POST /clusters/import?name=NEW\n"
    return header + yaml.safe_dump_all(export_documents(cluster), sort_keys=False, default_flow_style=False)


# ---------------------------------------------------------------------------------- import
def _problem(message: str, field: str, node, reason: str = "FieldValueInvalid", error=ManifestError) -> StoreError:
    line = manifests.line_of(node, field) if field else node.start_mark.line + 1
    return error(f"line {line}: {field + ': ' if field else ''}{message}", kind=KIND,
                 causes=[Cause(field, message, reason, line)])


def _unknown_fields(value: dict, allowed: tuple[str, ...], path: str, node) -> None:
    for key in value:
        if key not in allowed:
            field = f"{path}.{key}" if path else str(key)
            raise _problem(f'unknown field "{field}" (expected {", ".join(allowed)})', field, node)


def _read_machine(item, path: str, node) -> dict:
    if not isinstance(item, dict):
        raise _problem("a machine must be a mapping (name, role, runtime, cpu, memory, pods, powered)", path, node)
    _unknown_fields(item, FIELDS["machine"], path, node)
    machine = {"name": str(item.get("name") or ""), "role": str(item.get("role", "worker")),
               "runtime": str(item.get("runtime", "containerd")), "max_pods": item.get("pods", 110),
               "powered": item.get("powered", True)}
    if not isinstance(machine["powered"], bool):
        raise _problem(f'Invalid value: "{machine["powered"]}": must be true or false', f"{path}.powered", node)
    for field, parse, default in (("cpu", quantity.parse_cpu_millis, "2"), ("memory", quantity.parse_memory_bytes, "4Gi")):
        try:
            machine[f"{field}_m" if field == "cpu" else field] = parse(item.get(field, default))
        except ValueError as exc:
            raise _problem(f"Invalid value: {exc}", f"{path}.{field}", node) from exc
    return machine


def read_cluster_document(obj, node) -> dict:
    """Check a PlaygroundCluster document; return its name, profile and machines (None: the defaults)."""
    _unknown_fields(obj, FIELDS[""], "", node)
    if obj.get("apiVersion") != API_VERSION:
        raise _problem(f'Unsupported value: "{obj.get("apiVersion")}": supported values: "{API_VERSION}"', "apiVersion", node, "FieldValueNotSupported")
    meta, spec = obj.get("metadata") or {}, obj.get("spec") or {}
    for value, path in ((meta, "metadata"), (spec, "spec")):
        if not isinstance(value, dict):
            raise _problem("must be a mapping", path, node)
        _unknown_fields(value, FIELDS[path], path, node)
    machines = spec.get("machines")
    if machines is not None and not isinstance(machines, list):
        raise _problem("must be a list of machines", "spec.machines", node)
    speed = spec.get("clockSpeed")
    if speed is not None:
        number = isinstance(speed, (int, float)) and not isinstance(speed, bool)
        problem = clock.speed_problem(speed) if number else "clock speed must be a number"
        if problem:
            raise _problem(f'Invalid value: "{speed}": {problem}', "spec.clockSpeed", node)
    return {
        "name": meta.get("name"),
        "profile": spec.get("profile"),
        "clock_speed": speed,
        "machines": None if machines is None else [_read_machine(m, f"spec.machines[{i}]", node) for i, m in enumerate(machines)],
    }


def _relocated(error: StoreError, fields: dict[str, str], node) -> StoreError:
    """Return `error` with its causes moved to the document's fields (`fields`: field -> path) and lines."""
    causes = []
    for cause in error.causes or [Cause("name", error.message, "FieldValueDuplicate")]:
        path = fields.get(cause.field)
        line = manifests.line_of(node, path) if path and node is not None else None
        causes.append(Cause(path or cause.field, cause.message, cause.reason, line))
    where = f"line {causes[0].line}: " if causes[0].line else ""
    return type(error)(where + error.message, kind=error.kind or KIND, name=error.name, causes=causes)


def _blank(text: str, node) -> str:
    """Return `text` with one document's lines emptied, so the others keep their line numbers."""
    lines = text.splitlines(keepends=True)
    end = node.end_mark.line + (1 if node.end_mark.column else 0)
    for i in range(node.start_mark.line, min(end, len(lines))):
        lines[i] = "\n"
    return "".join(lines)


def import_cluster(*, text: str, name: str | None = None, owner: str = "") -> tuple[Cluster, list[dict]]:
    """Create a new cluster from an export (or any manifest): all of it, or nothing.

    `name` wins over the document's metadata.name. Without a PlaygroundCluster document the
    cluster gets the default machines and profile. `owner`: as for cluster_create.
    """
    documents = manifests.parse(text)
    head, head_node = {"name": None, "profile": None, "clock_speed": None, "machines": None}, None
    for index, (obj, node, _) in enumerate(documents):
        if isinstance(obj, dict) and obj.get("kind") == KIND:
            if index:
                raise _problem(f"a {KIND} must be the first document", "kind", node)
            head, head_node = read_cluster_document(obj, node), node
            text = _blank(text, node)
    fields = {"profile": "spec.profile"}
    if not name and head["name"]:
        fields["name"] = "metadata.name"
    name = str(name or head["name"] or "")
    if not name:
        raise ManifestError("the new cluster needs a name: give ?name=NEW, or metadata.name in the PlaygroundCluster document",
                            kind=KIND, causes=[Cause("name", "Required value", "FieldValueRequired")])
    objects = len(documents) - (head_node is not None)
    with transaction.atomic():
        try:
            cluster = cluster_create(name=name, profile=head["profile"], owner=owner,
                                     machines=DEFAULT_MACHINES if head["machines"] is None else ())
        except StoreError as error:
            raise _relocated(error, fields, head_node) from error
        if head["clock_speed"] is not None:
            clock.clock_set(cluster=cluster, speed=head["clock_speed"])
        for index, machine in enumerate(head["machines"] or ()):
            try:
                machine_add(cluster=cluster, **machine)
            except StoreError as error:
                prefix = f"spec.machines[{index}]"
                raise _relocated(error, {f: f"{prefix}.{f}" for f in FIELDS["machine"]}, head_node) from error
        try:
            applied = manifests.apply_manifest(cluster=cluster, text=text) if objects else []
        except StoreError as error:
            line = error.causes[0].line if error.causes else None
            if line and not error.message.startswith("line "):
                error.message = f"line {line}: {error.message}"
            raise
    return cluster, applied
