"""Turn store rows into Kubernetes objects (dicts as the API returns them) and back."""
from __future__ import annotations

import copy
from datetime import datetime, timezone

from .kinds import KindInfo

METADATA_COLUMNS = {
    "name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp",
    "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations",
    "ownerReferences", "finalizers",
}
TOP_LEVEL = {"apiVersion", "kind", "metadata", "spec", "status"}
KINDS_WITHOUT_SPEC = {"Event", "ConfigMap", "Endpoints"}


def format_time(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def format_micro_time(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def to_dict(info: KindInfo, row, *, copy_body: bool = True) -> dict:
    """Return the object as the Kubernetes API returns it.

    With copy_body=False the result shares its JSON parts with the row: for readers that only
    serialize it (lists, watches, snapshots), where copying is most of the cost.
    """
    clone = copy.deepcopy if copy_body else (lambda value: value)
    meta: dict = {"name": row.name}
    if info.namespaced:
        meta["namespace"] = row.namespace
    meta.update(clone(row.metadata_extra))
    meta["uid"] = str(row.uid)
    meta["resourceVersion"] = str(row.resource_version)
    if info.tracks_generation:
        meta["generation"] = row.generation
    meta["creationTimestamp"] = format_time(row.creation_timestamp)
    if row.deletion_timestamp is not None:
        meta["deletionTimestamp"] = format_time(row.deletion_timestamp)
    if row.deletion_grace_period_seconds is not None:
        meta["deletionGracePeriodSeconds"] = row.deletion_grace_period_seconds
    for key, value in (
        ("labels", row.labels),
        ("annotations", row.annotations),
        ("ownerReferences", row.owner_references),
        ("finalizers", row.finalizers),
    ):
        if value:
            meta[key] = clone(value)
    body = {"apiVersion": info.api_version, "kind": info.kind, "metadata": meta}
    if info.kind not in KINDS_WITHOUT_SPEC:
        body["spec"] = clone(row.spec)
    if info.status_subresource:
        body["status"] = clone(row.status)
    body.update(clone(row.extra))
    return body


def controller_owner_uid(owner_references: list) -> str:
    for ref in owner_references or []:
        if ref.get("controller"):
            return str(ref.get("uid", ""))
    return ""


def fill_row(info: KindInfo, row, obj: dict) -> None:
    """Copy the writable parts of `obj` into `row` (metadata columns, spec, status, extra)."""
    meta = obj.get("metadata") or {}
    row.labels = dict(meta.get("labels") or {})
    row.annotations = dict(meta.get("annotations") or {})
    row.owner_references = list(meta.get("ownerReferences") or [])
    row.finalizers = list(meta.get("finalizers") or [])
    row.owner_uid = controller_owner_uid(row.owner_references)
    row.metadata_extra = {
        k: copy.deepcopy(v) for k, v in meta.items() if k not in METADATA_COLUMNS and v not in (None, "", [], {})
    }
    row.spec = copy.deepcopy(obj.get("spec") or {})
    row.status = copy.deepcopy(obj.get("status") or {})
    row.extra = {k: copy.deepcopy(v) for k, v in obj.items() if k not in TOP_LEVEL}
