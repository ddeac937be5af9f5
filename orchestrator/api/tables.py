"""Server-side printing: the ``meta.k8s.io/v1`` Table that ``kubectl get`` asks for.

kubectl sends ``Accept: application/json;as=Table;v=v1;g=meta.k8s.io,...``; the
API server answers with a Table whose columns and cells come from
kube-apiserver's printers (pkg/printers/internalversion).  Without a Table
kubectl can only show NAME and AGE, so every served kind has a printer here
with the same columns, priorities (1 = only with ``-o wide``), formats and cell
values as kube-apiserver.  Like kube-apiserver, the server always fills the
wide cells; kubectl drops the priority-1 columns itself unless ``-o wide``.

Objects are plain dicts exactly as the Kubernetes JSON API returns them.  Ages
are computed against ``now`` (seconds since the epoch): the playground runs on
a simulated clock, so the caller passes the cluster's time.

No Django here: this module only turns dicts into dicts.
"""
from __future__ import annotations

import calendar
import math
import re
import time
from typing import Any, Callable

__all__ = [
    "column_definitions",
    "format_label_selector",
    "format_labels",
    "human_duration",
    "pod_status",
    "table",
    "translate_timestamp_since",
]

TABLE_API_VERSION = "meta.k8s.io/v1"

# ---------------------------------------------------------------------------
# Durations and timestamps
# ---------------------------------------------------------------------------

_NS = 1_000_000_000
_ZERO = -math.inf  # Go's zero time.Time: before every real time

_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?"
    r"(?:([Zz])|([+-])(\d{2}):?(\d{2}))$"
)


def _tdiv(a: int, b: int) -> int:
    """Integer division truncating toward zero, as Go does."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def human_duration(seconds: float) -> str:
    """apimachinery's ``duration.HumanDuration``: ~2-3 significant figures.

    ``45s``, ``119s``, ``2m``, ``3m20s``, ``10m``, ``179m``, ``3h``, ``5h3m``,
    ``47h``, ``3d4h``, ``7d``, ``729d``, ``2y3d``, ``8y``.  A duration more than
    a second in the future prints ``<invalid>``; up to a second of clock skew
    prints ``0s``.
    """
    ns = int(round(seconds * _NS))
    secs = _tdiv(ns, _NS)
    if secs < -1:
        return "<invalid>"
    if secs < 0:
        return "0s"
    if secs < 60 * 2:
        return f"{secs}s"
    minutes = ns // (60 * _NS)
    if minutes < 10:
        s = secs % 60
        return f"{minutes}m" if s == 0 else f"{minutes}m{s}s"
    if minutes < 60 * 3:
        return f"{minutes}m"
    hours = ns // (3600 * _NS)
    if hours < 8:
        m = minutes % 60
        return f"{hours}h" if m == 0 else f"{hours}h{m}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        h = hours % 24
        return f"{hours // 24}d" if h == 0 else f"{hours // 24}d{h}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        dy = (hours // 24) % 365
        years = hours // 24 // 365
        return f"{years}y" if dy == 0 else f"{years}y{dy}d"
    return f"{hours // 24 // 365}y"


def _parse_time(value: Any) -> float:
    """An RFC 3339 timestamp (metav1.Time or MicroTime) as epoch seconds.

    Missing, null, empty, unparsable and Go's zero time (year 1) all give the
    zero time, which prints ``<unknown>``.
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, str) or not value:
        return _ZERO
    m = _RFC3339.match(value.strip())
    if not m:
        return _ZERO
    year, month, day, hour, minute, second = (int(g) for g in m.group(1, 2, 3, 4, 5, 6))
    if (year, month, day, hour, minute, second) == (1, 1, 1, 0, 0, 0) and not (m.group(7) or "").strip("0"):
        return _ZERO  # Go's zero time.Time
    try:
        base = calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0))
    except (ValueError, OverflowError):
        return _ZERO
    frac = float("0." + m.group(7)) if m.group(7) else 0.0
    if m.group(9):
        offset = int(m.group(10)) * 3600 + int(m.group(11)) * 60
        base -= offset if m.group(9) == "+" else -offset
    return base + frac


def _since(epoch: float, now: float) -> str:
    if epoch == _ZERO:
        return "<unknown>"
    return human_duration(now - epoch)


def translate_timestamp_since(timestamp: Any, now: float) -> str:
    """The printers' ``translateTimestampSince``: age of a timestamp, ``<unknown>`` if unset."""
    return _since(_parse_time(timestamp), now)


# ---------------------------------------------------------------------------
# Labels and selectors
# ---------------------------------------------------------------------------

_QUALIFIED_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
_DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")


def _valid_label_key(key: str) -> bool:
    prefix, slash, name = key.rpartition("/")
    if slash:
        if not prefix or len(prefix) > 253 or not _DNS1123_SUBDOMAIN.match(prefix):
            return False
    return 0 < len(name) <= 63 and bool(_QUALIFIED_NAME.match(name))


def _valid_label_value(value: str) -> bool:
    return len(value) <= 63 and bool(_LABEL_VALUE.match(value))


def format_labels(labels: dict | None) -> str:
    """``labels.FormatLabels``: ``k1=v1,k2=v2`` sorted by key, ``<none>`` if empty."""
    if not labels:
        return "<none>"
    return ",".join(f"{k}={labels[k]}" for k in sorted(labels))


class _SelectorError(ValueError):
    pass


def _selector_string(selector: dict | None) -> str:
    """``metav1.LabelSelectorAsSelector(sel).String()``; raises _SelectorError when invalid.

    A nil selector selects nothing and an empty one everything: both print "".
    """
    if not selector:
        return ""
    reqs: list[tuple[str, str]] = []  # (key, rendered requirement)
    for key, value in (selector.get("matchLabels") or {}).items():
        value = "" if value is None else str(value)
        if not _valid_label_key(key) or not _valid_label_value(value):
            raise _SelectorError(key)
        reqs.append((key, f"{key}={value}"))
    for expr in selector.get("matchExpressions") or []:
        key = expr.get("key") or ""
        op = expr.get("operator")
        values = [("" if v is None else str(v)) for v in (expr.get("values") or [])]
        if not _valid_label_key(key) or not all(_valid_label_value(v) for v in values):
            raise _SelectorError(key)
        if op in ("In", "NotIn"):
            if not values:
                raise _SelectorError(key)
            word = " in " if op == "In" else " notin "
            rendered = values[0] if len(values) == 1 else ",".join(sorted(values))
            reqs.append((key, f"{key}{word}({rendered})"))
        elif op in ("Exists", "DoesNotExist"):
            if values:
                raise _SelectorError(key)
            reqs.append((key, key if op == "Exists" else f"!{key}"))
        else:
            raise _SelectorError(f"{key}: operator {op!r}")
    reqs.sort(key=lambda r: r[0])
    return ",".join(r for _, r in reqs)


def format_label_selector(selector: dict | None) -> str:
    """``metav1.FormatLabelSelector``: the selector string, ``<none>`` if empty, ``<error>`` if invalid."""
    try:
        s = _selector_string(selector)
    except _SelectorError:
        return "<error>"
    return s or "<none>"


# ---------------------------------------------------------------------------
# Column definitions
# ---------------------------------------------------------------------------

# Field descriptions as kube-apiserver sends them (the swagger docs of the
# fields), shortened to their first sentences.
_D_NAME = (
    "Name must be unique within a namespace. Is required when creating resources, although some "
    "resources may allow a client to request the generation of an appropriate name automatically. "
    "Name is primarily intended for creation idempotence and configuration definition. Cannot be "
    "updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"
)
_D_AGE = (
    "CreationTimestamp is a timestamp representing the server time when this object was created. "
    "It is not guaranteed to be set in happens-before order across separate operations. Clients may "
    "not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. "
    "Read-only. Null for lists. More info: "
    "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"
)
_D_CONTAINERS = "Names of each container in the template."
_D_IMAGES = "Images referenced by each container in the template."


def _col(name: str, type_: str, description: str, priority: int = 0, format_: str = "") -> dict:
    return {"name": name, "type": type_, "format": format_, "description": description, "priority": priority}


def _name_col(priority: int = 0) -> dict:
    return _col("Name", "string", _D_NAME, priority, "name")


def _age_col() -> dict:
    return _col("Age", "string", _D_AGE)


_COLUMNS: dict[str, list[dict]] = {
    "Pod": [
        _name_col(),
        _col("Ready", "string", "The aggregate readiness state of this pod for accepting traffic."),
        _col("Status", "string", "The aggregate status of the containers in this pod."),
        _col("Restarts", "string", "The number of times the containers in this pod have been restarted "
             "and when the last container in this pod has restarted."),
        _age_col(),
        _col("IP", "string", "podIP address allocated to the pod. Routable at least within the cluster. "
             "Empty if not yet allocated.", 1),
        _col("Node", "string", "NodeName indicates in which node this pod is scheduled. If empty, this pod "
             "is a candidate for scheduling by the scheduler defined in schedulerName.", 1),
        _col("Nominated Node", "string", "nominatedNodeName is set only when this pod preempts other pods "
             "on the node, but it cannot be scheduled right away as preemption victims receive their "
             "graceful termination periods.", 1),
        _col("Readiness Gates", "string", "If specified, all readiness gates will be evaluated for pod "
             "readiness. A pod is ready when all its containers are ready AND all conditions specified in "
             "the readiness gates have status equal to \"True\"", 1),
    ],
    "Node": [
        _name_col(),
        _col("Status", "string", "The status of the node"),
        _col("Roles", "string", "The roles of the node"),
        _age_col(),
        _col("Version", "string", "Kubelet Version reported by the node."),
        _col("Internal-IP", "string", "List of addresses reachable to the node.", 1),
        _col("External-IP", "string", "List of addresses reachable to the node.", 1),
        _col("OS-Image", "string", "OS Image reported by the node from /etc/os-release "
             "(e.g. Debian GNU/Linux 7 (wheezy)).", 1),
        _col("Kernel-Version", "string", "Kernel Version reported by the node from 'uname -r' "
             "(e.g. 3.16.0-0.bpo.4-amd64).", 1),
        _col("Container-Runtime", "string", "ContainerRuntime Version reported by the node through runtime "
             "remote API (e.g. containerd://1.4.2).", 1),
    ],
    "Namespace": [
        _name_col(),
        _col("Status", "string", "The status of the namespace"),
        _age_col(),
    ],
    "Deployment": [
        _name_col(),
        _col("Ready", "string", "Number of the pod with ready state"),
        _col("Up-to-date", "string", "Total number of non-terminated pods targeted by this deployment that "
             "have the desired template spec."),
        _col("Available", "string", "Total number of available pods (ready for at least minReadySeconds) "
             "targeted by this deployment."),
        _age_col(),
        _col("Containers", "string", _D_CONTAINERS, 1),
        _col("Images", "string", _D_IMAGES, 1),
        _col("Selector", "string", "Label selector for pods. Existing ReplicaSets whose pods are selected "
             "by this will be the ones affected by this deployment.", 1),
    ],
    "ReplicaSet": [
        _name_col(),
        _col("Desired", "integer", "Replicas is the number of desired replicas. This is a pointer to "
             "distinguish between explicit zero and unspecified. Defaults to 1."),
        _col("Current", "integer", "Replicas is the most recently observed number of replicas."),
        _col("Ready", "integer", "The number of ready replicas for this replica set."),
        _age_col(),
        _col("Containers", "string", _D_CONTAINERS, 1),
        _col("Images", "string", _D_IMAGES, 1),
        _col("Selector", "string", "Selector is a label query over pods that should match the replica "
             "count. If the selector is empty, it is defaulted to the labels present on the pod template.", 1),
    ],
    "Service": [
        _name_col(),
        _col("Type", "string", "type determines how the Service is exposed. Defaults to ClusterIP. Valid "
             "options are ExternalName, ClusterIP, NodePort, and LoadBalancer."),
        _col("Cluster-IP", "string", "clusterIP is the IP address of the service and is usually assigned "
             "randomly."),
        _col("External-IP", "string", "externalIPs is a list of IP addresses for which nodes in the cluster "
             "will also accept traffic for this service."),
        _col("Port(s)", "string", "The list of ports that are exposed by this service."),
        _age_col(),
        _col("Selector", "string", "Route service traffic to pods with label keys and values matching this "
             "selector.", 1),
    ],
    "Endpoints": [
        _name_col(),
        _col("Endpoints", "string", "The set of all endpoints is the union of all subsets. Addresses are "
             "placed into subsets according to the IPs they share."),
        _age_col(),
    ],
    "Event": [
        _col("Last Seen", "string", "The time at which the most recent occurrence of this event was recorded."),
        _col("Type", "string", "Type of this event (Normal, Warning), new types could be added in the future"),
        _col("Reason", "string", "This should be a short, machine understandable string that gives the "
             "reason for the transition into the object's current status."),
        _col("Object", "string", "The object that this event is about."),
        _col("Subobject", "string", "If referring to a piece of an object instead of an entire object, this "
             "string should contain a valid JSON/Go field access statement, such as "
             "desiredState.manifest.containers[2].", 1),
        _col("Source", "string", "The component reporting this event. Should be a short machine "
             "understandable string.", 1),
        _col("Message", "string", "A human-readable description of the status of this operation."),
        _col("First Seen", "string", "The time at which the event was first recorded. "
             "(Time of server receipt is in TypeMeta.)", 1),
        _col("Count", "string", "The number of times this event has occurred.", 1),
        _name_col(priority=1),
    ],
    "ConfigMap": [
        _name_col(),
        _col("Data", "string", "Data contains the configuration data. Each key must consist of "
             "alphanumeric characters, '-', '_' or '.'."),
        _age_col(),
    ],
    "Lease": [
        _name_col(),
        _col("Holder", "string", "holderIdentity contains the identity of the holder of a current lease."),
        _age_col(),
    ],
}

# kube-apiserver's default table convertor, for a kind without a printer.
_DEFAULT_COLUMNS = [
    _name_col(),
    _col("Created At", "date", _D_AGE),
]


def _normalize_kind(kind: str) -> str:
    # Accept "Event", "Event.events.k8s.io", "events.k8s.io/Event", ...
    kind = kind.rpartition("/")[2]
    return kind.partition(".")[0]


def column_definitions(kind: str) -> list[dict]:
    """The Table's ``columnDefinitions`` for a kind (fresh dicts, safe to modify)."""
    cols = _COLUMNS.get(_normalize_kind(kind), _DEFAULT_COLUMNS)
    return [dict(c) for c in cols]


# ---------------------------------------------------------------------------
# Printers: object dict -> (cells, row conditions)
# ---------------------------------------------------------------------------

Row = tuple[list, list | None]


def _meta(obj: dict) -> dict:
    return obj.get("metadata") or {}


def _age(obj: dict, now: float) -> str:
    return translate_timestamp_since(_meta(obj).get("creationTimestamp"), now)


def _int(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _layout_containers(containers: list | None) -> tuple[str, str]:
    containers = containers or []
    names = ",".join(c.get("name") or "" for c in containers)
    images = ",".join(c.get("image") or "" for c in containers)
    return names, images


def _is_restartable_init(container: dict | None) -> bool:
    return bool(container) and container.get("restartPolicy") == "Always"


def _has_condition(conditions: list | None, type_: str) -> bool:
    for c in conditions or []:
        if c.get("type") == type_ and c.get("status") == "True":
            return True
    return False


def _pod_initialized(status: dict) -> bool:
    for c in status.get("conditions") or []:
        if c.get("type") == "Initialized":
            return c.get("status") == "True"
    return False


_POD_SUCCEEDED_CONDITIONS = [{"type": "Completed", "status": "True", "reason": "Succeeded",
                              "message": "The pod has completed successfully."}]
_POD_FAILED_CONDITIONS = [{"type": "Completed", "status": "True", "reason": "Failed",
                           "message": "The pod failed."}]


def _pod_summary(pod: dict) -> tuple[int, int, str, int, float]:
    """(ready containers, total containers, STATUS, restarts, last restart epoch) as printPod computes them."""
    spec = pod.get("spec") or {}
    status = pod.get("status") or {}
    init_specs = spec.get("initContainers") or []

    restarts = 0
    restartable_restarts = 0
    total = len(spec.get("containers") or [])
    ready = 0
    last_restart = _ZERO
    last_restartable_restart = _ZERO

    phase = status.get("phase") or ""
    reason = phase
    if status.get("reason"):
        reason = status["reason"]
    for cond in status.get("conditions") or []:
        if cond.get("type") == "PodScheduled" and cond.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"

    init_by_name: dict[str, dict] = {}
    for c in init_specs:
        init_by_name[c.get("name")] = c
        if _is_restartable_init(c):
            total += 1

    initializing = False
    for i, cs in enumerate(status.get("initContainerStatuses") or []):
        restarts += _int(cs.get("restartCount"))
        last_term = (cs.get("lastState") or {}).get("terminated")
        if last_term is not None:
            finished = _parse_time(last_term.get("finishedAt"))
            last_restart = max(last_restart, finished)
        restartable = _is_restartable_init(init_by_name.get(cs.get("name")))
        if restartable:
            restartable_restarts += _int(cs.get("restartCount"))
            if last_term is not None:
                finished = _parse_time(last_term.get("finishedAt"))
                last_restartable_restart = max(last_restartable_restart, finished)
        state = cs.get("state") or {}
        terminated = state.get("terminated")
        waiting = state.get("waiting")
        if terminated is not None and _int(terminated.get("exitCode")) == 0:
            continue
        if restartable and cs.get("started") is True:
            if cs.get("ready"):
                ready += 1
            continue
        if terminated is not None:
            # initialization failed
            if not terminated.get("reason"):
                if _int(terminated.get("signal")) != 0:
                    reason = f"Init:Signal:{_int(terminated.get('signal'))}"
                else:
                    reason = f"Init:ExitCode:{_int(terminated.get('exitCode'))}"
            else:
                reason = "Init:" + terminated["reason"]
            initializing = True
        elif waiting is not None and waiting.get("reason") and waiting["reason"] != "PodInitializing":
            reason = "Init:" + waiting["reason"]
            initializing = True
        else:
            reason = f"Init:{i}/{len(init_specs)}"
            initializing = True
        break

    if not initializing or _pod_initialized(status):
        restarts = restartable_restarts
        last_restart = last_restartable_restart
        has_running = False
        for cs in reversed(status.get("containerStatuses") or []):
            restarts += _int(cs.get("restartCount"))
            last_term = (cs.get("lastState") or {}).get("terminated")
            if last_term is not None:
                last_restart = max(last_restart, _parse_time(last_term.get("finishedAt")))
            state = cs.get("state") or {}
            waiting = state.get("waiting")
            terminated = state.get("terminated")
            if waiting is not None and waiting.get("reason"):
                reason = waiting["reason"]
            elif terminated is not None and terminated.get("reason"):
                reason = terminated["reason"]
            elif terminated is not None:
                if _int(terminated.get("signal")) != 0:
                    reason = f"Signal:{_int(terminated.get('signal'))}"
                else:
                    reason = f"ExitCode:{_int(terminated.get('exitCode'))}"
            elif cs.get("ready") and state.get("running") is not None:
                has_running = True
                ready += 1
        # back to Running if at least one container still reports running
        if reason == "Completed" and has_running:
            reason = "Running" if _has_condition(status.get("conditions"), "Ready") else "NotReady"

    if _meta(pod).get("deletionTimestamp") is not None:
        if status.get("reason") == "NodeLost":
            reason = "Unknown"
        elif phase not in ("Failed", "Succeeded"):
            reason = "Terminating"

    return ready, total, reason, restarts, last_restart


def pod_status(pod: dict) -> str:
    """The STATUS column of ``kubectl get pods`` for a pod."""
    return _pod_summary(pod)[2]


def _print_pod(pod: dict, now: float) -> Row:
    ready, total, reason, restarts, last_restart = _pod_summary(pod)
    restarts_str = str(restarts)
    if restarts != 0 and last_restart != _ZERO:
        restarts_str = f"{restarts} ({_since(last_restart, now)} ago)"

    spec = pod.get("spec") or {}
    status = pod.get("status") or {}
    pod_ip = ""
    pod_ips = status.get("podIPs") or []
    if pod_ips:
        pod_ip = (pod_ips[0] or {}).get("ip") or ""
    elif status.get("podIP"):
        pod_ip = status["podIP"]

    readiness_gates = "<none>"
    gates = spec.get("readinessGates") or []
    if gates:
        true_count = 0
        for gate in gates:
            for cond in status.get("conditions") or []:
                if cond.get("type") == gate.get("conditionType"):
                    if cond.get("status") == "True":
                        true_count += 1
                    break
        readiness_gates = f"{true_count}/{len(gates)}"

    cells = [
        _meta(pod).get("name", ""),
        f"{ready}/{total}",
        reason,
        restarts_str,
        _age(pod, now),
        pod_ip or "<none>",
        spec.get("nodeName") or "<none>",
        status.get("nominatedNodeName") or "<none>",
        readiness_gates,
    ]
    phase = status.get("phase")
    conditions = None
    if phase == "Succeeded":
        conditions = [dict(c) for c in _POD_SUCCEEDED_CONDITIONS]
    elif phase == "Failed":
        conditions = [dict(c) for c in _POD_FAILED_CONDITIONS]
    return cells, conditions


def _node_roles(labels: dict) -> list[str]:
    roles = set()
    for key, value in labels.items():
        if key.startswith("node-role.kubernetes.io/"):
            role = key[len("node-role.kubernetes.io/"):]
            if role:
                roles.add(role)
        elif key == "kubernetes.io/role" and value:
            roles.add(value)
    return sorted(roles)


def _node_address(node: dict, type_: str) -> str:
    for addr in (node.get("status") or {}).get("addresses") or []:
        if addr.get("type") == type_:
            return addr.get("address") or ""
    return "<none>"


def _print_node(node: dict, now: float) -> Row:
    status = node.get("status") or {}
    spec = node.get("spec") or {}
    by_type = {}
    for cond in status.get("conditions") or []:
        by_type[cond.get("type")] = cond
    parts = []
    ready = by_type.get("Ready")
    if ready is not None:
        parts.append("Ready" if ready.get("status") == "True" else "NotReady")
    if not parts:
        parts.append("Unknown")
    if spec.get("unschedulable"):
        parts.append("SchedulingDisabled")
    roles = ",".join(_node_roles(_meta(node).get("labels") or {})) or "<none>"
    info = status.get("nodeInfo") or {}
    cells = [
        _meta(node).get("name", ""),
        ",".join(parts),
        roles,
        _age(node, now),
        info.get("kubeletVersion") or "",
        _node_address(node, "InternalIP"),
        _node_address(node, "ExternalIP"),
        info.get("osImage") or "<unknown>",
        info.get("kernelVersion") or "<unknown>",
        info.get("containerRuntimeVersion") or "<unknown>",
    ]
    return cells, None


def _print_namespace(ns: dict, now: float) -> Row:
    phase = (ns.get("status") or {}).get("phase") or ""
    return [_meta(ns).get("name", ""), phase, _age(ns, now)], None


def _replicas(spec: dict) -> int:
    value = spec.get("replicas")
    return 1 if value is None else _int(value)  # defaulted to 1 by the API


def _print_deployment(dep: dict, now: float) -> Row:
    spec = dep.get("spec") or {}
    status = dep.get("status") or {}
    try:
        selector = _selector_string(spec.get("selector"))
    except _SelectorError:
        selector = "<invalid>"
    names, images = _layout_containers(((spec.get("template") or {}).get("spec") or {}).get("containers"))
    cells = [
        _meta(dep).get("name", ""),
        f"{_int(status.get('readyReplicas'))}/{_replicas(spec)}",
        _int(status.get("updatedReplicas")),
        _int(status.get("availableReplicas")),
        _age(dep, now),
        names,
        images,
        selector,
    ]
    return cells, None


def _print_replicaset(rs: dict, now: float) -> Row:
    spec = rs.get("spec") or {}
    status = rs.get("status") or {}
    names, images = _layout_containers(((spec.get("template") or {}).get("spec") or {}).get("containers"))
    cells = [
        _meta(rs).get("name", ""),
        _replicas(spec),
        _int(status.get("replicas")),
        _int(status.get("readyReplicas")),
        _age(rs, now),
        names,
        images,
        format_label_selector(spec.get("selector")),
    ]
    return cells, None


def _load_balancer_ips(svc: dict) -> str:
    found = set()
    lb = ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
    for ing in lb:
        if ing.get("ip"):
            found.add(ing["ip"])
        elif ing.get("hostname"):
            found.add(ing["hostname"])
    # The server always prints wide, so no 16-character clipping here.
    return ",".join(sorted(found))


def _service_external_ip(svc: dict) -> str:
    spec = svc.get("spec") or {}
    svc_type = spec.get("type") or "ClusterIP"
    external_ips = spec.get("externalIPs") or []
    if svc_type in ("ClusterIP", "NodePort"):
        return ",".join(external_ips) if external_ips else "<none>"
    if svc_type == "LoadBalancer":
        lb = _load_balancer_ips(svc)
        if external_ips:
            results = (lb.split(",") if lb else []) + list(external_ips)
            return ",".join(results)
        return lb or "<pending>"
    if svc_type == "ExternalName":
        return spec.get("externalName") or ""
    return "<unknown>"


def _port_string(ports: list | None) -> str:
    pieces = []
    for p in ports or []:
        protocol = p.get("protocol") or "TCP"
        node_port = _int(p.get("nodePort"))
        if node_port > 0:
            pieces.append(f"{_int(p.get('port'))}:{node_port}/{protocol}")
        else:
            pieces.append(f"{_int(p.get('port'))}/{protocol}")
    return ",".join(pieces)


def _print_service(svc: dict, now: float) -> Row:
    spec = svc.get("spec") or {}
    cluster_ips = spec.get("clusterIPs") or ([spec["clusterIP"]] if spec.get("clusterIP") else [])
    cells = [
        _meta(svc).get("name", ""),
        spec.get("type") or "ClusterIP",
        cluster_ips[0] if cluster_ips else "<none>",
        _service_external_ip(svc),
        _port_string(spec.get("ports")) or "<none>",
        _age(svc, now),
        format_labels(spec.get("selector")),
    ]
    return cells, None


def _join_host_port(host: str, port: int) -> str:
    if ":" in host:
        return f"[{host}]:{port}"
    return f"{host}:{port}"


def _format_endpoints(ep: dict) -> str:
    subsets = ep.get("subsets") or []
    if not subsets:
        return "<none>"
    shown: list[str] = []
    limit = 3
    more = False
    count = 0
    for ss in subsets:
        addresses = ss.get("addresses") or []
        ports = ss.get("ports") or []
        if not ports:
            # headless service without ports
            count += len(addresses)
            for addr in addresses:
                if len(shown) == limit:
                    more = True
                    break
                shown.append(addr.get("ip") or "")
            continue
        for port in ports:
            count += len(addresses)
            for addr in addresses:
                if len(shown) == limit:
                    more = True
                    break
                shown.append(_join_host_port(addr.get("ip") or "", _int(port.get("port"))))
    text = ",".join(shown)
    if more:
        return f"{text} + {count - limit} more..."
    return text


def _print_endpoints(ep: dict, now: float) -> Row:
    return [_meta(ep).get("name", ""), _format_endpoints(ep), _age(ep, now)], None


# Go's strings.TrimSpace (unicode.IsSpace)
_GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"


def _core_event(ev: dict) -> dict:
    """An events.k8s.io/v1 Event in core/v1 shape, as the API server converts it."""
    if str(ev.get("apiVersion", "")).startswith("events.k8s.io/") or (
        "involvedObject" not in ev and ("regarding" in ev or "note" in ev or "deprecatedSource" in ev)
    ):
        return {
            "metadata": ev.get("metadata") or {},
            "involvedObject": ev.get("regarding") or {},
            "message": ev.get("note") or "",
            "source": ev.get("deprecatedSource") or {},
            "firstTimestamp": ev.get("deprecatedFirstTimestamp"),
            "lastTimestamp": ev.get("deprecatedLastTimestamp"),
            "count": ev.get("deprecatedCount") or 0,
            "series": ev.get("series"),
            "eventTime": ev.get("eventTime"),
            "type": ev.get("type") or "",
            "reason": ev.get("reason") or "",
            "reportingComponent": ev.get("reportingController") or "",
            "reportingInstance": ev.get("reportingInstance") or "",
        }
    return ev


def _print_event(ev: dict, now: float) -> Row:
    ev = _core_event(ev)
    first = _parse_time(ev.get("firstTimestamp"))
    first_seen = _since(first, now) if first != _ZERO else translate_timestamp_since(ev.get("eventTime"), now)
    last = _parse_time(ev.get("lastTimestamp"))
    last_seen = _since(last, now) if last != _ZERO else first_seen

    count = _int(ev.get("count"))
    series = ev.get("series")
    if series is not None:
        last_seen = translate_timestamp_since(series.get("lastObservedTime"), now)
        count = _int(series.get("count"))
    elif count == 0:
        count = 1  # singleton events have no count in the new API

    involved = ev.get("involvedObject") or {}
    kind = (involved.get("kind") or "").lower()
    target = f"{kind}/{involved['name']}" if involved.get("name") else kind

    source = ev.get("source") or {}
    component = source.get("component") or ev.get("reportingComponent") or ev.get("reportingController") or ""
    instance = source.get("host") or ev.get("reportingInstance") or ""
    source_str = f"{component}, {instance}" if instance else component

    cells = [
        last_seen,
        ev.get("type") or "",
        ev.get("reason") or "",
        target,
        involved.get("fieldPath") or "",
        source_str,
        (ev.get("message") or "").strip(_GO_SPACE),
        first_seen,
        count,
        _meta(ev).get("name", ""),
    ]
    return cells, None


def _print_configmap(cm: dict, now: float) -> Row:
    n = len(cm.get("data") or {}) + len(cm.get("binaryData") or {})
    return [_meta(cm).get("name", ""), n, _age(cm, now)], None


def _print_lease(lease: dict, now: float) -> Row:
    holder = (lease.get("spec") or {}).get("holderIdentity") or ""
    return [_meta(lease).get("name", ""), holder, _age(lease, now)], None


def _print_default(obj: dict, now: float) -> Row:
    created = _parse_time(_meta(obj).get("creationTimestamp"))
    if created == _ZERO:
        stamp = "0001-01-01T00:00:00Z"
    else:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(math.floor(created)))
    return [_meta(obj).get("name", ""), stamp], None


_PRINTERS: dict[str, Callable[[dict, float], Row]] = {
    "Pod": _print_pod,
    "Node": _print_node,
    "Namespace": _print_namespace,
    "Deployment": _print_deployment,
    "ReplicaSet": _print_replicaset,
    "Service": _print_service,
    "Endpoints": _print_endpoints,
    "Event": _print_event,
    "ConfigMap": _print_configmap,
    "Lease": _print_lease,
}


# ---------------------------------------------------------------------------
# The Table
# ---------------------------------------------------------------------------

_INCLUDE = {"none": "None", "metadata": "Metadata", "object": "Object", "": "Metadata"}


def _row_object(obj: dict, include: str) -> dict | None:
    if include == "None":
        return None
    if include == "Object":
        return obj
    return {
        "kind": "PartialObjectMetadata",
        "apiVersion": TABLE_API_VERSION,
        "metadata": dict(_meta(obj)),
    }


def table(
    kind: str,
    objects: list[dict],
    *,
    now: float,
    include_object: str = "Metadata",
    resource_version: str = "",
    continue_token: str = "",
    remaining: int | None = None,
) -> dict:
    """A ``meta.k8s.io/v1`` Table of ``objects`` (all of ``kind``), as kube-apiserver prints them.

    ``include_object`` is the ``includeObject`` query parameter: ``None`` (rows
    carry ``object: null``), ``Metadata`` (a PartialObjectMetadata, which
    kubectl reads for ``-A`` and ``--show-labels``) or ``Object`` (the object
    itself).  ``continue_token`` and ``remaining`` fill the ListMeta of a
    paginated list.
    """
    include = _INCLUDE.get((include_object or "").lower())
    if include is None:
        raise ValueError(f"includeObject must be None, Metadata or Object, not {include_object!r}")
    name = _normalize_kind(kind)
    printer = _PRINTERS.get(name, _print_default)

    metadata: dict[str, Any] = {"resourceVersion": resource_version}
    if continue_token:
        metadata["continue"] = continue_token
    if remaining is not None:
        metadata["remainingItemCount"] = remaining

    rows = []
    for obj in objects:
        cells, conditions = printer(obj, now)
        row: dict[str, Any] = {"cells": cells}
        if conditions:
            row["conditions"] = conditions
        row["object"] = _row_object(obj, include)
        rows.append(row)

    return {
        "kind": "Table",
        "apiVersion": TABLE_API_VERSION,
        "metadata": metadata,
        "columnDefinitions": column_definitions(name),
        "rows": rows,
    }
