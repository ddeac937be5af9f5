"""Label and field selectors as kube-apiserver parses them from a query string."""
from __future__ import annotations

import re
from dataclasses import dataclass

from orchestrator.store.errors import BadRequest

OPERATORS = ("==", "!=", "=", " in ", " notin ")


@dataclass(frozen=True)
class Requirement:
    key: str
    op: str  # "=", "!=", "in", "notin", "exists", "!", ">", "<"
    values: tuple[str, ...] = ()

    def matches(self, labels: dict) -> bool:
        present = self.key in labels
        value = labels.get(self.key)
        if self.op == "=":
            return present and value == self.values[0]
        if self.op == "!=":
            return not present or value != self.values[0]
        if self.op == "in":
            return present and value in self.values
        if self.op == "notin":
            return not present or value not in self.values
        if self.op == "exists":
            return present
        if self.op == "!":
            return not present
        try:
            number = int(value) if present else None
        except (TypeError, ValueError):
            return False
        limit = int(self.values[0])
        return number is not None and (number > limit if self.op == ">" else number < limit)


def _split_top_level(text: str) -> list[str]:
    parts, depth, current = [], 0, []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


SET_RE = re.compile(r"^([^\s!=<>()]+)\s+(in|notin)\s*\(([^)]*)\)$")
CMP_RE = re.compile(r"^([^\s!=<>()]+)\s*(==|!=|=|>|<)\s*([^\s,()]*)$")
KEY_RE = re.compile(r"^(!?)\s*([^\s!=<>()]+)$")


def parse_label_selector(text: str | None) -> list[Requirement]:
    """Parse `app=web,tier!=db,env in (a,b),!legacy`; 400 BadRequest on a malformed one."""
    if not text:
        return []
    requirements = []
    for part in _split_top_level(text):
        if m := SET_RE.match(part):
            values = tuple(v.strip() for v in m.group(3).split(",") if v.strip())
            requirements.append(Requirement(m.group(1), m.group(2), values))
        elif m := CMP_RE.match(part):
            op = "=" if m.group(2) in ("=", "==") else m.group(2)
            if op in (">", "<") and not re.fullmatch(r"-?\d+", m.group(3)):
                raise BadRequest('unable to parse requirement: for \'gt\', \'lt\' operators, the value must be an integer')
            requirements.append(Requirement(m.group(1), op, (m.group(3),)))
        elif m := KEY_RE.match(part):
            requirements.append(Requirement(m.group(2), "!" if m.group(1) else "exists"))
        else:
            raise BadRequest(f"unable to parse requirement: found '{part}', expected: in, notin, =, ==, !=, gt, lt")
    for requirement in requirements:
        _check_requirement(requirement)
    return requirements


def _check_requirement(requirement: Requirement) -> None:
    """Keys and values as labels allow them, refused in kube-apiserver's words."""
    from orchestrator.store.validation import LABEL_VALUE, LABEL_VALUE_MSG, qualified_name_errors

    for message in qualified_name_errors(requirement.key):
        raise BadRequest(f'unable to parse requirement: <nil>: Invalid value: "{requirement.key}": {message}')
    if requirement.op in (">", "<"):
        return
    for i, value in enumerate(requirement.values):
        if len(value) > 63:
            raise BadRequest(f'unable to parse requirement: values[{i}][{requirement.key}]: Invalid value: "{value}": must be no more than 63 characters')
        if not LABEL_VALUE.match(value):
            raise BadRequest(f'unable to parse requirement: values[{i}][{requirement.key}]: Invalid value: "{value}": {LABEL_VALUE_MSG}')


def labels_match(requirements: list[Requirement], labels: dict) -> bool:
    return all(r.matches(labels) for r in requirements)


# Field selectors each resource supports, with where the value lives in the object.
COMMON_FIELDS = {"metadata.name": ("metadata", "name"), "metadata.namespace": ("metadata", "namespace")}
FIELDS = {
    "Pod": {
        "spec.nodeName": ("spec", "nodeName"),
        "spec.restartPolicy": ("spec", "restartPolicy"),
        "spec.schedulerName": ("spec", "schedulerName"),
        "spec.serviceAccountName": ("spec", "serviceAccountName"),
        "spec.hostNetwork": ("spec", "hostNetwork"),
        "status.phase": ("status", "phase"),
        "status.podIP": ("status", "podIP"),
        "status.nominatedNodeName": ("status", "nominatedNodeName"),
    },
    "Event": {
        "involvedObject.kind": ("involvedObject", "kind"),
        "involvedObject.namespace": ("involvedObject", "namespace"),
        "involvedObject.name": ("involvedObject", "name"),
        "involvedObject.uid": ("involvedObject", "uid"),
        "involvedObject.apiVersion": ("involvedObject", "apiVersion"),
        "involvedObject.resourceVersion": ("involvedObject", "resourceVersion"),
        "involvedObject.fieldPath": ("involvedObject", "fieldPath"),
        "reason": ("reason",),
        "reportingComponent": ("reportingComponent",),
        "source": ("source", "component"),
        "type": ("type",),
    },
    "Node": {"spec.unschedulable": ("spec", "unschedulable")},
    "Namespace": {"status.phase": ("status", "phase")},
    "ReplicaSet": {"status.replicas": ("status", "replicas")},
}


@dataclass(frozen=True)
class FieldRequirement:
    field: str
    path: tuple[str, ...]
    equal: bool
    value: str

    def matches(self, obj: dict) -> bool:
        current = obj
        for step in self.path:
            current = current.get(step) if isinstance(current, dict) else None
        if isinstance(current, bool):
            current = "true" if current else "false"
        text = "" if current is None else str(current)
        return (text == self.value) == self.equal


def parse_field_selector(text: str | None, kind: str, plural: str) -> list[FieldRequirement]:
    if not text:
        return []
    known = {**COMMON_FIELDS, **FIELDS.get(kind, {})}
    requirements = []
    for part in _split_top_level(text):
        m = re.match(r"^([^!=]+)(==|!=|=)(.*)$", part)
        if not m:
            raise BadRequest(f'invalid selector: \'{part}\'; can\'t understand \'{part}\'')
        field, op, value = m.group(1).strip(), m.group(2), m.group(3).strip()
        if field not in known:
            raise BadRequest(f'field label not supported: {field}')
        requirements.append(FieldRequirement(field, known[field], op != "!=", value))
    return requirements


def fields_match(requirements: list[FieldRequirement], obj: dict) -> bool:
    return all(r.matches(obj) for r in requirements)
