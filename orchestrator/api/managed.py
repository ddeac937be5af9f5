"""Field ownership and field validation around every write.

`check_fields` applies the request's fieldValidation (Strict: 400 on unknown or duplicate
fields; Warn, the default: a Warning header; Ignore). `on_write` and `apply` keep
metadata.managedFields as kube-apiserver does, for plain writes and for server-side apply.
"""
from __future__ import annotations

import json

from orchestrator.controlplane import clock
from orchestrator.store.errors import BadRequest, Cause, Invalid, StoreError
from orchestrator.store.serialize import format_time

from . import field_validation, server_side_apply

def _mode(req) -> str:
    mode = req.params.get("fieldValidation") or "Warn"
    if mode not in ("Strict", "Warn", "Ignore"):
        raise BadRequest(f'fieldValidation parameter unsupported: {mode}, must be one of Ignore, Warn, Strict')
    return mode


def check_fields(req, body: dict) -> None:
    """Check a create/update body for fields the kind does not have and for duplicate fields.

    Whatever fieldValidation says, a value Go could not decode (a string for an int32, a
    number past int32's range, ...) refuses the body as kube-apiserver's decoder does (400).
    """
    mode = _mode(req)
    field_validation.drop_nulls((req.resource.group_version, req.resource.kind), body)
    problem = field_validation.type_error((req.resource.group_version, req.resource.kind), body)
    if problem:
        version = req.resource.group_version.rpartition("/")[2]
        raise BadRequest(f'{req.resource.kind} in version "{version}" cannot be handled as a {req.resource.kind}: {problem}')
    if mode == "Ignore":
        return
    binary = req.content_type.startswith("application/vnd.kubernetes.protobuf")
    raw = json.dumps(body).encode() if binary or not req.body else req.body
    try:
        problems = field_validation.unknown_and_duplicate_fields(req.resource.group_version, req.resource.kind, raw)
    except ValueError as exc:
        raise BadRequest(str(exc)) from exc
    if problems and mode == "Strict":
        raise BadRequest(field_validation.cannot_be_handled_message(req.resource.group_version, req.resource.kind, problems))
    if problems:
        req.warnings.extend(problems)


def check_decodable(req, obj, kind_key=None, *, drop=True) -> None:
    """A patched object as Go would decode it: nulls dropped (in place), and a value of the wrong
    type or out of its range refused as kube-apiserver refuses it: 422, ``patch: Invalid value:
    ...: json: cannot unmarshal ...``."""
    kind_key = kind_key or (req.resource.group_version, req.resource.kind)
    if isinstance(obj, dict):
        if drop:
            field_validation.drop_nulls(kind_key, obj)
        elif "metadata" in obj and obj["metadata"] is None:  # apply: no metadata given (other nulls mean something)
            del obj["metadata"]
        problem = field_validation.type_error(kind_key, obj)
    else:
        problem = f"json: cannot unmarshal {field_validation._json_kind(obj)} into Go value of type {req.resource.version}.{kind_key[1]}"
    if problem:
        patch_text = req.body.decode("utf-8", "replace")
        raise Invalid(f'{req.resource.kind} "{req.name}" is invalid: patch: Invalid value: "{patch_text}": {problem}',
                      kind=req.resource.plural, name=req.name, group=req.resource.group,
                      causes=[Cause("patch", f'Invalid value: "{patch_text}": {problem}')])


def check_patched_fields(req, obj: dict) -> None:
    """Check a patched object: duplicates come from the patch body, unknown fields from the result.

    A patched object Go could not decode (a type or an integer range) is refused as
    kube-apiserver refuses it: 422, ``patch: Invalid value: ...: json: cannot unmarshal ...``.
    """
    mode = _mode(req)
    check_decodable(req, obj)
    if mode == "Ignore":
        return
    problems = field_validation.duplicate_fields(req.body) if req.body.lstrip().startswith((b"{", b"[")) else []
    problems += field_validation.unknown_fields((req.resource.group_version, req.resource.kind), obj)
    if problems and mode == "Strict":
        patch_text = req.body.decode("utf-8", "replace")
        message = f'patch: Invalid value: "{patch_text}": {field_validation.strict_decoding_error(problems)}'
        raise Invalid(f'{req.resource.kind} "{req.name}" is invalid: {message}', kind=req.resource.plural, name=req.name,
                      group=req.resource.group, causes=[Cause("patch", f'Invalid value: "{patch_text}": {field_validation.strict_decoding_error(problems)}')])
    if problems:
        req.warnings.extend(problems)


def _now(req) -> str:
    return format_time(clock.sim_now(req.cluster))


def on_write(old: dict | None, new: dict, req, *, operation: str, subresource: str = "") -> list:
    """Return the managedFields after a create, update or patch by the request's manager."""
    if old is not None:
        new.setdefault("metadata", {})["managedFields"] = (old.get("metadata") or {}).get("managedFields") or []
    manager = req.manager or req.default_manager
    if not manager:
        return (new.get("metadata") or {}).get("managedFields") or []
    return server_side_apply.record_update(
        old, new, manager=manager, api_version=req.resource.group_version, now=_now(req),
        subresource=subresource or req.subresource, kind=req.resource.kind,
    )


def apply(live: dict | None, config: dict, req, *, force: bool) -> dict:
    try:
        return server_side_apply.apply(
            live, config, manager=req.manager, force=force, kind=req.resource.kind,
            api_version=req.resource.group_version, now=_now(req),
        )
    except (server_side_apply.ApplyConflict, server_side_apply.ApplyError) as exc:
        status = exc.status()
        error = StoreError(status["message"], kind=req.resource.plural, name=req.name, group=req.resource.group)
        error.code = status.get("code", 409)
        error.raw_status = status
        raise error from exc
