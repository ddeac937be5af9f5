"""Apply a multi-document YAML manifest all at once, or nothing at all.

Every document is checked (YAML syntax, kind, unknown fields, Kubernetes validation) and
applied inside one batch; the first problem rolls the whole batch back. Problems carry the
line of the manifest they are about, so an editor can show them in place.
"""
from __future__ import annotations

import re

import yaml

from orchestrator.api import field_validation, parsing, patches
from orchestrator.api.resources import RESOURCES
from orchestrator.models import Cluster
from orchestrator.store.errors import Cause, Invalid, StoreError
from orchestrator.store.kinds import KINDS
from orchestrator.store.serialize import to_dict
from orchestrator.store.services import Batch

SERVED = {(r.group_version, r.kind): r for r in RESOURCES if r.plural != "bindings"}
UNKNOWN_FIELD = re.compile(r'unknown field "([^"]+)"')
GO_FIELD = re.compile(r"Go struct field \w+\.(\S+) of type")


def served(obj: dict):
    """The served resource of a document's apiVersion and kind, or None (also for non-string ones)."""
    key = (obj.get("apiVersion"), obj.get("kind"))
    return SERVED.get(key) if all(isinstance(part, str) for part in key) else None


class ManifestError(Invalid):
    """A manifest that cannot be applied; `causes` carry `line` numbers."""


def line_of(node, path: str) -> int | None:
    """Return the 1-based line of `path` (e.g. spec.template.spec.containers[0].image) in a YAML node."""
    current = node
    for step in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        if isinstance(current, yaml.MappingNode):
            match = next((v for k, v in current.value if getattr(k, "value", None) == step), None)
            if match is None:
                key = next((k for k, v in current.value if getattr(k, "value", None) == step), None)
                return (key.start_mark.line + 1) if key is not None else current.start_mark.line + 1
            current = match
        elif isinstance(current, yaml.SequenceNode) and step.startswith("["):
            index = int(step[1:-1])
            if index >= len(current.value):
                return current.start_mark.line + 1
            current = current.value[index]
        else:
            break
    if isinstance(current, yaml.Node):
        return current.start_mark.line + 1
    return None


def _fail(message: str, causes: list[Cause]) -> None:
    raise ManifestError(message, kind="Manifest", causes=causes)


def _cause(field: str, message: str, line: int | None, reason: str = "FieldValueInvalid") -> Cause:
    return Cause(field, message, reason, line)


def parse(text: str) -> list[tuple[dict, yaml.Node, str]]:
    """Return (object, node, document text) for each non-empty document; ManifestError on bad YAML."""
    if not isinstance(text, str) or not text.strip():
        _fail("the manifest is empty", [_cause("", "the manifest is empty", 1, "FieldValueRequired")])
    try:
        parsing.check_size(text)
        parsing.check_yaml(text)
    except parsing.InputLimitError as exc:
        _fail(f"the manifest is refused: {exc}", [_cause("", str(exc), 1, "FieldValueInvalid")])
    try:
        nodes = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
        objects = list(yaml.safe_load_all(text))
    except yaml.YAMLError as exc:
        # An unclosed [ or { is noticed lines later; its opening line is where to look.
        context = getattr(exc, "context", None) or ""
        mark = getattr(exc, "context_mark", None) if "flow" in context else None
        mark = mark or getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        if context:
            problem = f"{context}: {problem}"
        _fail(f"YAML error on line {line}: {problem}", [_cause("", f"YAML error: {problem}", line, "FieldValueInvalid")])
    lines = text.splitlines(keepends=True)
    documents = []
    for node, obj in zip(nodes, objects):
        if node is None or obj is None:
            continue
        start = node.start_mark.line
        end = node.end_mark.line + (1 if node.end_mark.column else 0)
        documents.append((obj, node, "".join(lines[start:end])))
    if not documents:
        _fail("the manifest has no objects", [_cause("", "the manifest has no objects", 1, "FieldValueRequired")])
    return documents


def apply_manifest(*, cluster: Cluster, text: str, namespace: str = "default") -> list[dict]:
    """Apply every object of the manifest (create, or merge into what exists); all or nothing."""
    documents = parse(text)
    applied = []
    with Batch(cluster, component="playground-ui") as batch:
        for obj, node, doc_text in documents:
            line = node.start_mark.line + 1
            if not isinstance(obj, dict):
                _fail(f"line {line}: a document must be a Kubernetes object", [_cause("", "a document must be a Kubernetes object", line)])
            resource = served(obj)
            if resource is None:
                message = f'no matches for kind "{obj.get("kind")}" in version "{obj.get("apiVersion")}"'
                _fail(f"line {line}: {message}", [_cause("kind", message, line_of(node, "kind") or line, "FieldValueNotSupported")])
            problems = field_validation.unknown_and_duplicate_fields(resource.group_version, resource.kind, doc_text, yaml_body=True)
            if problems:
                causes = []
                for problem in problems:
                    match = UNKNOWN_FIELD.search(problem)
                    field = match.group(1) if match else ""
                    causes.append(_cause(field, problem, line_of(node, field) if field else line, "FieldValueInvalid"))
                _fail(f"{resource.kind} is invalid: " + ", ".join(problems), causes)
            problem = field_validation.type_error((resource.group_version, resource.kind), obj)
            if problem:
                field = GO_FIELD.search(problem).group(1)
                _fail(f"{resource.kind} is invalid: {problem}", [_cause(field, problem, line_of(node, field) or line, "FieldValueTypeInvalid")])
            meta = obj.setdefault("metadata", {}) if isinstance(obj.get("metadata"), dict) else None
            if meta is None:
                _fail(f"line {line}: metadata must be a mapping", [_cause("metadata", "must be a mapping", line_of(node, "metadata"))])
            if resource.namespaced:
                meta["namespace"] = meta.get("namespace") or namespace
            try:
                with batch.savepoint():
                    row = batch.row(resource.store_kind, meta.get("namespace", ""), meta.get("name") or "")
                    if row is None:
                        result, action = batch.create(resource.store_kind, obj), "created"
                    else:
                        current = to_dict(KINDS[resource.store_kind], row)
                        merged = patches.apply_strategic_merge_patch(current, obj, resource.kind)
                        result = batch.update(resource.store_kind, merged)
                        action = "unchanged" if result["metadata"]["resourceVersion"] == current["metadata"]["resourceVersion"] else "configured"
            except Invalid as exc:
                causes = [_cause(c.field, c.message, line_of(node, c.field) if c.field else line, c.reason) for c in exc.causes] or [_cause("", exc.message, line)]
                raise ManifestError(exc.message, kind=exc.kind, name=exc.name, causes=causes) from exc
            except StoreError as exc:
                error = type(exc)(exc.message, kind=exc.kind, name=exc.name)
                error.causes = [_cause("", exc.message, line)]
                raise error from exc
            except patches.PatchError as exc:
                _fail(str(exc), [_cause("", str(exc), line)])
            applied.append({"kind": resource.kind, "namespace": meta.get("namespace", ""), "name": result["metadata"]["name"], "action": action})
    return applied
