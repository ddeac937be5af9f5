"""Kubernetes' validation rules for names, labels and the kinds the store holds.

Messages follow kube-apiserver's wording so that kubectl users see what they would
see against a real cluster.
"""
from __future__ import annotations

import re

from orchestrator import quantity

from .errors import FieldErrors, Forbidden

DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
DNS1035_LABEL = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
QUALIFIED_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")

LABEL_MSG = ("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
             "start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for "
             "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")
SUBDOMAIN_MSG = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                 "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
                 "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
DNS1035_MSG = ("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
               "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', "
               "regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')")
QUALIFIED_MSG = ("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with "
                 "an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation "
                 "is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")
LABEL_VALUE_MSG = ("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
                   "and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or "
                   "'12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")


def dns1123_label_errors(value: str) -> list[str]:
    errors = []
    if len(value) > 63:
        errors.append("must be no more than 63 characters")
    if not DNS1123_LABEL.match(value):
        errors.append(LABEL_MSG)
    return errors


def dns1123_subdomain_errors(value: str) -> list[str]:
    errors = []
    if len(value) > 253:
        errors.append("must be no more than 253 characters")
    if not DNS1123_SUBDOMAIN.match(value):
        errors.append(SUBDOMAIN_MSG)
    return errors


def dns1035_label_errors(value: str) -> list[str]:
    errors = []
    if len(value) > 63:
        errors.append("must be no more than 63 characters")
    if not DNS1035_LABEL.match(value):
        errors.append(DNS1035_MSG)
    return errors


NAME_RULES = {"Namespace": dns1123_label_errors, "Service": dns1035_label_errors}

# Namespaces Kubernetes never lets go (the NamespaceLifecycle admission plugin's immortal ones,
# plus kube-node-lease, which the node heartbeats need).
PROTECTED_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")

INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1


def check_namespace_deletable(name: str) -> None:
    """Refuse the deletion of a protected namespace as kube-apiserver does (403)."""
    if name in PROTECTED_NAMESPACES:
        raise Forbidden(f'namespaces "{name}" is forbidden: this namespace may not be deleted', kind="namespaces", name=name)


def qualified_name_errors(value: str) -> list[str]:
    """Validate a label or annotation key: an optional DNS subdomain prefix, '/', a name."""
    prefix, slash, name = value.rpartition("/")
    errors = []
    if slash and not prefix:
        errors.append("prefix part must be non-empty")
    elif prefix:
        errors.extend("prefix part " + e for e in dns1123_subdomain_errors(prefix))
    if not name:
        errors.append("name part must be non-empty")
    else:
        if len(name) > 63:
            errors.append("name part must be no more than 63 characters")
        if not QUALIFIED_NAME.match(name):
            errors.append(QUALIFIED_MSG)
    return errors


def validate_labels(labels, path: str, errs: FieldErrors) -> None:
    if not isinstance(labels, dict):
        errs.add(path, "must be a map of string keys to string values", "FieldValueTypeInvalid")
        return
    for key, value in labels.items():
        for message in qualified_name_errors(str(key)):
            errs.add(path, f'Invalid value: "{key}": {message}')
        if not isinstance(value, str):
            errs.add(f"{path}[{key}]", "must be a string", "FieldValueTypeInvalid")
            continue
        if len(value) > 63:
            errs.add(path, f'Invalid value: "{value}": must be no more than 63 characters')
        if not LABEL_VALUE.match(value):
            errs.add(path, f'Invalid value: "{value}": {LABEL_VALUE_MSG}')


def validate_metadata(kind: str, meta: dict, errs: FieldErrors, *, namespaced: bool) -> None:
    name = meta.get("name") or ""
    if not isinstance(name, str):
        errs.add("metadata.name", f"Invalid value: {name!r}: must be a string", "FieldValueTypeInvalid")
    elif not name:
        errs.add("metadata.name", "name or generateName is required", "FieldValueRequired")
    else:
        for message in NAME_RULES.get(kind, dns1123_subdomain_errors)(name):
            errs.add("metadata.name", f'Invalid value: "{name}": {message}')
    if namespaced:
        namespace = meta.get("namespace") or ""
        if not isinstance(namespace, str):
            errs.add("metadata.namespace", f"Invalid value: {namespace!r}: must be a string", "FieldValueTypeInvalid")
        else:
            for message in dns1123_label_errors(namespace):
                errs.add("metadata.namespace", f'Invalid value: "{namespace}": {message}')
    validate_labels(meta.get("labels") or {}, "metadata.labels", errs)
    annotations = meta.get("annotations") or {}
    if not isinstance(annotations, dict):
        errs.add("metadata.annotations", "must be a map of string keys to string values", "FieldValueTypeInvalid")
    else:
        for key, value in annotations.items():
            for message in qualified_name_errors(str(key)):
                errs.add("metadata.annotations", f'Invalid value: "{key}": {message}')
            if not isinstance(value, str):
                errs.add(f"metadata.annotations[{key}]", "must be a string", "FieldValueTypeInvalid")
        if sum(len(k) + len(str(v)) for k, v in annotations.items()) > 256 * 1024:
            errs.add("metadata.annotations", "Too long: must have at most 262144 bytes", "FieldValueTooLong")


def _non_negative_int(value, path: str, errs: FieldErrors, most: int = INT32_MAX) -> None:
    """A non-negative integer field: int32 unless `most` says int64 (the API refuses larger
    values when it decodes them; this holds for every other writer too)."""
    if value is None:
        return
    if not isinstance(value, int) or isinstance(value, bool):
        errs.add(path, f"Invalid value: {value!r}: must be an integer", "FieldValueTypeInvalid")
    elif value < 0:
        errs.add(path, f"Invalid value: {value}: must be greater than or equal to 0")
    elif value > most:
        errs.add(path, f"Invalid value: {value}: must be less than or equal to {most}")


def _port(value, path: str, errs: FieldErrors, *, required: bool = True) -> None:
    if value in (None, 0) and not required:  # 0: none (hostPort) or allocate one (nodePort)
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
        errs.add(path, f"Invalid value: {value!r}: must be between 1 and 65535, inclusive")


def validate_pod_spec(spec, path: str, errs: FieldErrors) -> None:
    if not isinstance(spec, dict):
        errs.required(path)
        return
    containers = spec.get("containers")
    if not containers:
        errs.required(f"{path}.containers")
        containers = []
    seen = set()
    for group in ("initContainers", "containers"):
        for i, container in enumerate(spec.get(group) or []):
            cpath = f"{path}.{group}[{i}]"
            if not isinstance(container, dict):
                errs.add(cpath, "must be an object", "FieldValueTypeInvalid")
                continue
            name = container.get("name") or ""
            if not name:
                errs.required(f"{cpath}.name")
            else:
                for message in dns1123_label_errors(name):
                    errs.add(f"{cpath}.name", f'Invalid value: "{name}": {message}')
                if name in seen:
                    errs.add(f"{cpath}.name", f'Duplicate value: "{name}"', "FieldValueDuplicate")
                seen.add(name)
            if not container.get("image"):
                errs.required(f"{cpath}.image")
            resources = container.get("resources") or {}
            for section in ("requests", "limits"):
                for res, value in (resources.get(section) or {}).items():
                    parse = quantity.parse_cpu_millis if res == "cpu" else quantity.parse_memory_bytes
                    try:
                        amount = parse(value)
                    except (ValueError, TypeError) as exc:
                        errs.add(f"{cpath}.resources.{section}[{res}]", f"Invalid value: {value!r}: {exc}")
                        continue
                    if amount < 0:
                        errs.add(f"{cpath}.resources.{section}[{res}]", f"Invalid value: {value!r}: must be greater than or equal to 0")
                    elif amount > INT64_MAX:  # Kubernetes' Value()/MilliValue() are int64
                        errs.add(f"{cpath}.resources.{section}[{res}]", f"Invalid value: {value!r}: must be less than or equal to {INT64_MAX}")
            for j, port in enumerate(container.get("ports") or []):
                if not isinstance(port, dict):
                    errs.add(f"{cpath}.ports[{j}]", "must be an object", "FieldValueTypeInvalid")
                    continue
                _port(port.get("containerPort"), f"{cpath}.ports[{j}].containerPort", errs)
                _port(port.get("hostPort"), f"{cpath}.ports[{j}].hostPort", errs, required=False)
    policy = spec.get("restartPolicy")
    if policy is not None and policy not in ("Always", "OnFailure", "Never"):
        errs.add(f"{path}.restartPolicy", f'Unsupported value: "{policy}": supported values: "Always", "OnFailure", "Never"', "FieldValueNotSupported")
    _non_negative_int(spec.get("terminationGracePeriodSeconds"), f"{path}.terminationGracePeriodSeconds", errs, INT64_MAX)
    deadline = spec.get("activeDeadlineSeconds")
    if deadline is not None and (isinstance(deadline, bool) or not isinstance(deadline, int) or not 1 <= deadline <= INT32_MAX):
        errs.add(f"{path}.activeDeadlineSeconds", f"Invalid value: {deadline!r}: must be between 1 and {INT32_MAX}, inclusive")
    selector = spec.get("nodeSelector")
    if selector is not None:
        validate_labels(selector, f"{path}.nodeSelector", errs)


def selector_matches(selector: dict, labels: dict) -> bool:
    """Return whether a LabelSelector (matchLabels, matchExpressions) selects `labels`."""
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and key in labels and labels[key] in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def validate_workload(kind: str, obj: dict, errs: FieldErrors) -> None:
    spec = obj.get("spec") or {}
    _non_negative_int(spec.get("replicas"), "spec.replicas", errs)
    _non_negative_int(spec.get("revisionHistoryLimit"), "spec.revisionHistoryLimit", errs)
    _non_negative_int(spec.get("minReadySeconds"), "spec.minReadySeconds", errs)
    _non_negative_int(spec.get("progressDeadlineSeconds"), "spec.progressDeadlineSeconds", errs)
    selector = spec.get("selector")
    if not selector or not (selector.get("matchLabels") or selector.get("matchExpressions")):
        errs.add("spec.selector", "Required value", "FieldValueRequired")
        selector = None
    else:
        validate_labels(selector.get("matchLabels") or {}, "spec.selector.matchLabels", errs)
        for i, expr in enumerate(selector.get("matchExpressions") or []):
            if expr.get("operator") not in ("In", "NotIn", "Exists", "DoesNotExist"):
                errs.add(f"spec.selector.matchExpressions[{i}].operator", f'Invalid value: "{expr.get("operator")}": not a valid selector operator')
    template = spec.get("template") or {}
    labels = (template.get("metadata") or {}).get("labels") or {}
    validate_labels(labels, "spec.template.metadata.labels", errs)
    if selector is not None and not selector_matches(selector, labels):
        errs.add("spec.template.metadata.labels", f"Invalid value: {labels}: `selector` does not match template `labels`")
    validate_pod_spec(template.get("spec"), "spec.template.spec", errs)
    pod_policy = (template.get("spec") or {}).get("restartPolicy")
    if pod_policy not in (None, "Always"):
        errs.add("spec.template.spec.restartPolicy", f'Unsupported value: "{pod_policy}": supported values: "Always"', "FieldValueNotSupported")
    if kind == "Deployment":
        strategy = spec.get("strategy") or {}
        stype = strategy.get("type", "RollingUpdate")
        if stype not in ("RollingUpdate", "Recreate"):
            errs.add("spec.strategy.type", f'Unsupported value: "{stype}": supported values: "Recreate", "RollingUpdate"', "FieldValueNotSupported")
        if stype == "Recreate" and strategy.get("rollingUpdate"):
            errs.add("spec.strategy.rollingUpdate", "Forbidden: may not be specified when strategy `type` is 'Recreate'", "FieldValueForbidden")
        rolling = strategy.get("rollingUpdate") or {}
        surge, unavailable = rolling.get("maxSurge"), rolling.get("maxUnavailable")
        for field, value in (("maxSurge", surge), ("maxUnavailable", unavailable)):
            if isinstance(value, str) and not re.fullmatch(r"\d+%", value):
                errs.add(f"spec.strategy.rollingUpdate.{field}", f'Invalid value: "{value}": a valid percent string must be a numeric string followed by an ending \'%\'')
            elif isinstance(value, int) and value < 0:
                errs.add(f"spec.strategy.rollingUpdate.{field}", f"Invalid value: {value}: must be greater than or equal to 0")
        if surge in (0, "0%") and unavailable in (0, "0%"):
            errs.add("spec.strategy.rollingUpdate.maxUnavailable", "Invalid value: 0: may not be 0 when `maxSurge` is 0")


def validate_service(obj: dict, errs: FieldErrors) -> None:
    spec = obj.get("spec") or {}
    stype = spec.get("type", "ClusterIP")
    if stype not in ("ClusterIP", "NodePort", "LoadBalancer", "ExternalName"):
        errs.add("spec.type", f'Unsupported value: "{stype}": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"', "FieldValueNotSupported")
    ports = spec.get("ports") or []
    if not ports and stype != "ExternalName" and spec.get("clusterIP") != "None":
        errs.required("spec.ports")
    names = set()
    for i, port in enumerate(ports):
        if not isinstance(port, dict):
            errs.add(f"spec.ports[{i}]", "must be an object", "FieldValueTypeInvalid")
            continue
        _port(port.get("port"), f"spec.ports[{i}].port", errs)
        _port(port.get("nodePort"), f"spec.ports[{i}].nodePort", errs, required=False)
        target = port.get("targetPort")
        if isinstance(target, int) and not isinstance(target, bool):
            _port(target, f"spec.ports[{i}].targetPort", errs)
        if len(ports) > 1 and not port.get("name"):
            errs.required(f"spec.ports[{i}].name")
        if port.get("name") in names:
            errs.add(f"spec.ports[{i}].name", f'Duplicate value: "{port.get("name")}"', "FieldValueDuplicate")
        names.add(port.get("name"))
        if port.get("protocol", "TCP") not in ("TCP", "UDP", "SCTP"):
            errs.add(f"spec.ports[{i}].protocol", f'Unsupported value: "{port.get("protocol")}": supported values: "SCTP", "TCP", "UDP"', "FieldValueNotSupported")
    if spec.get("selector") is not None:
        validate_labels(spec["selector"], "spec.selector", errs)


def update_errors(kind: str, old: dict, new: dict, errs: FieldErrors) -> None:
    """Fields Kubernetes keeps once set, beyond those the store checks itself: an immutable
    ConfigMap's data, binaryData and the flag itself."""
    if kind == "ConfigMap" and old.get("immutable") is True:
        for section in ("data", "binaryData"):
            if (old.get(section) or {}) != (new.get(section) or {}):
                errs.add(section, "Forbidden: field is immutable when `immutable` is set", "FieldValueForbidden")
        if new.get("immutable") is not True:
            errs.add("immutable", "Forbidden: field is immutable when `immutable` is set", "FieldValueForbidden")


def validate_object(kind: str, obj: dict, *, namespaced: bool) -> FieldErrors:
    """Return every field error of `obj` (a Kubernetes object of `kind`)."""
    errs = FieldErrors()
    meta = obj.get("metadata")
    if not isinstance(meta, dict):
        errs.required("metadata")
        return errs
    validate_metadata(kind, meta, errs, namespaced=namespaced)
    for section in ("spec", "status"):
        if section in obj and obj[section] is not None and not isinstance(obj[section], dict):
            errs.add(section, "must be an object", "FieldValueTypeInvalid")
    if errs.causes:
        return errs
    if kind == "Pod":
        validate_pod_spec(obj.get("spec"), "spec", errs)
    elif kind in ("Deployment", "ReplicaSet"):
        validate_workload(kind, obj, errs)
    elif kind == "Service":
        validate_service(obj, errs)
    elif kind == "ConfigMap":
        for section in ("data", "binaryData"):
            for key in (obj.get(section) or {}):
                if not re.fullmatch(r"[-._a-zA-Z0-9]+", key) or len(key) > 253:
                    errs.add(f"{section}[{key}]", f"Invalid value: \"{key}\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')")
    return errs
