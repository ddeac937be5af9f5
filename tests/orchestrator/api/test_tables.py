"""Tests for orchestrator.api.tables: the server-side printing behind ``kubectl get``.

Run with:  python -m pytest -p no:django tests/orchestrator/api/test_tables.py -q

Expected cells follow kube-apiserver's printers (pkg/printers/internalversion
printPod, printNode, ...) and apimachinery's duration.HumanDuration.  The
tests marked ``kubectl`` serve our Tables from a throwaway HTTP server
(table_stub.py) to the real kubectl 1.33 and check what it prints, which
proves kubectl accepts them: header, priority-1 columns only with ``-o wide``,
NAMESPACE (``-A``) and LABELS (``--show-labels``) read from the row's
PartialObjectMetadata.
"""
from __future__ import annotations

import copy
import os
import re
import time

import pytest

from orchestrator.api.tables import (
    column_definitions,
    format_label_selector,
    format_labels,
    human_duration,
    pod_status,
    table,
    translate_timestamp_since,
)
from tests.orchestrator.api.table_stub import KUBECTL, run_kubectl, serve

NOW = 1_700_000_000.0


def ago(seconds: float, micro: bool = False) -> str:
    """RFC 3339 timestamp ``seconds`` before NOW (MicroTime form when ``micro``)."""
    t = NOW - seconds
    base = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(int(t // 1)))
    if micro:
        return f"{base}.{int(round((t % 1) * 1e6)):06d}Z"
    return base + "Z"


def cells(kind: str, obj: dict) -> list:
    return table(kind, [obj], now=NOW)["rows"][0]["cells"]


# ---------------------------------------------------------------------------
# HumanDuration and timestamps
# ---------------------------------------------------------------------------

DURATIONS = [
    (0, "0s"),
    (0.9, "0s"),
    (-0.5, "0s"),
    (-1.9, "0s"),
    (-2, "<invalid>"),
    (-3600, "<invalid>"),
    (1, "1s"),
    (45, "45s"),
    (119.9, "119s"),
    (120, "2m"),
    (200, "3m20s"),
    (599, "9m59s"),
    (600, "10m"),
    (659, "10m"),
    (179 * 60 + 59, "179m"),
    (3 * 3600, "3h"),
    (5 * 3600 + 3 * 60, "5h3m"),
    (7 * 3600 + 59 * 60 + 59, "7h59m"),
    (8 * 3600, "8h"),
    (47 * 3600 + 3599, "47h"),
    (48 * 3600, "2d"),
    (3 * 86400 + 4 * 3600, "3d4h"),
    (7 * 86400 + 23 * 3600, "7d23h"),
    (8 * 86400, "8d"),
    (729 * 86400, "729d"),
    (730 * 86400, "2y"),
    ((2 * 365 + 3) * 86400, "2y3d"),
    ((7 * 365 + 364) * 86400, "7y364d"),
    (8 * 365 * 86400, "8y"),
    (30 * 365 * 86400, "30y"),
]


@pytest.mark.parametrize("seconds,expected", DURATIONS, ids=[f"{s}s->{e}" for s, e in DURATIONS])
def test_human_duration(seconds, expected):
    assert human_duration(seconds) == expected


TIMESTAMPS = [
    ("missing", None, "<unknown>"),
    ("empty", "", "<unknown>"),
    ("go-zero-time", "0001-01-01T00:00:00Z", "<unknown>"),
    ("garbage", "yesterday", "<unknown>"),
    ("rfc3339", ago(200), "3m20s"),
    ("microtime", ago(45.25, micro=True), "45s"),
    ("offset", time.strftime("%Y-%m-%dT%H:%M:%S+02:00", time.gmtime(NOW - 600 + 7200)), "10m"),
    ("skew-1s", ago(-1), "0s"),
    ("future", ago(-30), "<invalid>"),
]


@pytest.mark.parametrize("value,expected", [c[1:] for c in TIMESTAMPS], ids=[c[0] for c in TIMESTAMPS])
def test_translate_timestamp_since(value, expected):
    assert translate_timestamp_since(value, NOW) == expected


# ---------------------------------------------------------------------------
# Labels and selectors
# ---------------------------------------------------------------------------

LABELS = [
    ("none", None, "<none>"),
    ("empty", {}, "<none>"),
    ("sorted", {"tier": "fe", "app": "web"}, "app=web,tier=fe"),
    ("empty-value", {"node-role.kubernetes.io/control-plane": ""}, "node-role.kubernetes.io/control-plane="),
]


@pytest.mark.parametrize("labels,expected", [c[1:] for c in LABELS], ids=[c[0] for c in LABELS])
def test_format_labels(labels, expected):
    assert format_labels(labels) == expected


SELECTORS = [
    ("nil", None, "<none>"),
    ("empty", {}, "<none>"),
    ("match-labels", {"matchLabels": {"b": "2", "a": "1"}}, "a=1,b=2"),
    ("in-sorted", {"matchExpressions": [{"key": "env", "operator": "In", "values": ["prod", "dev"]}]},
     "env in (dev,prod)"),
    ("notin-one", {"matchExpressions": [{"key": "env", "operator": "NotIn", "values": ["x"]}]}, "env notin (x)"),
    ("exists", {"matchExpressions": [{"key": "gpu", "operator": "Exists"}]}, "gpu"),
    ("does-not-exist", {"matchExpressions": [{"key": "gpu", "operator": "DoesNotExist"}]}, "!gpu"),
    ("mixed-sorted-by-key",
     {"matchLabels": {"z": "1"}, "matchExpressions": [{"key": "a", "operator": "Exists"}]}, "a,z=1"),
    ("bad-operator", {"matchExpressions": [{"key": "a", "operator": "Gt", "values": ["1"]}]}, "<error>"),
    ("in-without-values", {"matchExpressions": [{"key": "a", "operator": "In", "values": []}]}, "<error>"),
    ("invalid-value", {"matchLabels": {"a": "not valid!"}}, "<error>"),
]


@pytest.mark.parametrize("selector,expected", [c[1:] for c in SELECTORS], ids=[c[0] for c in SELECTORS])
def test_format_label_selector(selector, expected):
    assert format_label_selector(selector) == expected


# ---------------------------------------------------------------------------
# Column definitions
# ---------------------------------------------------------------------------

COLUMNS = [
    ("Pod", [("Name", 0), ("Ready", 0), ("Status", 0), ("Restarts", 0), ("Age", 0), ("IP", 1), ("Node", 1),
             ("Nominated Node", 1), ("Readiness Gates", 1)]),
    ("Node", [("Name", 0), ("Status", 0), ("Roles", 0), ("Age", 0), ("Version", 0), ("Internal-IP", 1),
              ("External-IP", 1), ("OS-Image", 1), ("Kernel-Version", 1), ("Container-Runtime", 1)]),
    ("Namespace", [("Name", 0), ("Status", 0), ("Age", 0)]),
    ("Deployment", [("Name", 0), ("Ready", 0), ("Up-to-date", 0), ("Available", 0), ("Age", 0),
                    ("Containers", 1), ("Images", 1), ("Selector", 1)]),
    ("ReplicaSet", [("Name", 0), ("Desired", 0), ("Current", 0), ("Ready", 0), ("Age", 0), ("Containers", 1),
                    ("Images", 1), ("Selector", 1)]),
    ("Service", [("Name", 0), ("Type", 0), ("Cluster-IP", 0), ("External-IP", 0), ("Port(s)", 0), ("Age", 0),
                 ("Selector", 1)]),
    ("Endpoints", [("Name", 0), ("Endpoints", 0), ("Age", 0)]),
    ("Event", [("Last Seen", 0), ("Type", 0), ("Reason", 0), ("Object", 0), ("Subobject", 1), ("Source", 1),
               ("Message", 0), ("First Seen", 1), ("Count", 1), ("Name", 1)]),
    ("ConfigMap", [("Name", 0), ("Data", 0), ("Age", 0)]),
    ("Lease", [("Name", 0), ("Holder", 0), ("Age", 0)]),
]


@pytest.mark.parametrize("kind,expected", COLUMNS, ids=[k for k, _ in COLUMNS])
def test_column_definitions(kind, expected):
    cols = column_definitions(kind)
    assert [(c["name"], c["priority"]) for c in cols] == expected
    for c in cols:
        assert set(c) == {"name", "type", "format", "description", "priority"}
        assert c["format"] == ("name" if c["name"] == "Name" else "")
        assert c["type"] in ("string", "integer")
        assert c["description"]


COLUMN_TYPES = [
    ("Pod", "Restarts", "string"),
    ("ReplicaSet", "Desired", "integer"),
    ("Deployment", "Up-to-date", "string"),
    ("Event", "Count", "string"),
]


@pytest.mark.parametrize("kind,column,type_", COLUMN_TYPES, ids=[f"{k}-{c}" for k, c, _ in COLUMN_TYPES])
def test_column_types(kind, column, type_):
    assert {c["name"]: c["type"] for c in column_definitions(kind)}[column] == type_


def test_column_definitions_are_fresh_copies():
    column_definitions("Pod")[0]["name"] = "changed"
    assert column_definitions("Pod")[0]["name"] == "Name"


def test_events_k8s_io_kind_uses_event_columns():
    assert column_definitions("Event.events.k8s.io") == column_definitions("Event")


# ---------------------------------------------------------------------------
# Pod: READY, STATUS, RESTARTS
# ---------------------------------------------------------------------------


def running(started=600):
    return {"running": {"startedAt": ago(started)}}


def waiting(reason, message=""):
    return {"waiting": {"reason": reason, **({"message": message} if message else {})}}


def terminated(exit_code=0, reason="", finished=60, signal=0):
    t = {"exitCode": exit_code, "startedAt": ago(finished + 5), "finishedAt": ago(finished)}
    if reason:
        t["reason"] = reason
    if signal:
        t["signal"] = signal
    return {"terminated": t}


def cstatus(name="app", state=None, ready=False, restarts=0, last=None, started=None):
    s = {"name": name, "image": "nginx", "ready": ready, "restartCount": restarts,
         "state": state if state is not None else {"waiting": {"reason": "ContainerCreating"}},
         "lastState": last or {}}
    if started is not None:
        s["started"] = started
    return s


def make_pod(containers=("app",), init=(), sidecars=(), statuses=None, init_statuses=None, phase="Running",
             conditions=None, deleting=False, reason=None, **extra_status):
    spec = {"containers": [{"name": n, "image": "nginx"} for n in containers]}
    init_specs = [{"name": n, "image": "busybox"} for n in init]
    init_specs += [{"name": n, "image": "envoy", "restartPolicy": "Always"} for n in sidecars]
    if init_specs:
        spec["initContainers"] = init_specs
    status = {"phase": phase}
    if conditions is not None:
        status["conditions"] = conditions
    if statuses is not None:
        status["containerStatuses"] = statuses
    if init_statuses is not None:
        status["initContainerStatuses"] = init_statuses
    if reason:
        status["reason"] = reason
    status.update(extra_status)
    meta = {"name": "p", "namespace": "default", "creationTimestamp": ago(3600)}
    if deleting:
        meta["deletionTimestamp"] = ago(-30)
        meta["deletionGracePeriodSeconds"] = 30
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec, "status": status}


READY = [{"type": "Initialized", "status": "True"}, {"type": "Ready", "status": "True"},
         {"type": "ContainersReady", "status": "True"}, {"type": "PodScheduled", "status": "True"}]
NOT_READY = [{"type": "Initialized", "status": "True"}, {"type": "Ready", "status": "False"},
             {"type": "PodScheduled", "status": "True"}]
INIT_PENDING = [{"type": "Initialized", "status": "False"}, {"type": "PodScheduled", "status": "True"}]

POD_CASES = [
    ("pending-unscheduled",
     make_pod(phase="Pending", conditions=[{"type": "PodScheduled", "status": "False", "reason": "Unschedulable"}]),
     ["0/1", "Pending", "0"]),
    ("scheduling-gated",
     make_pod(phase="Pending", conditions=[{"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}]),
     ["0/1", "SchedulingGated", "0"]),
    ("container-creating",
     make_pod(phase="Pending", conditions=NOT_READY, statuses=[cstatus(state=waiting("ContainerCreating"))]),
     ["0/1", "ContainerCreating", "0"]),
    ("err-image-pull",
     make_pod(phase="Pending", conditions=NOT_READY, statuses=[cstatus(state=waiting("ErrImagePull", "pull"))]),
     ["0/1", "ErrImagePull", "0"]),
    ("image-pull-backoff",
     make_pod(phase="Pending", conditions=NOT_READY, statuses=[cstatus(state=waiting("ImagePullBackOff"))]),
     ["0/1", "ImagePullBackOff", "0"]),
    ("running-ready",
     make_pod(conditions=READY, statuses=[cstatus(state=running(), ready=True)]),
     ["1/1", "Running", "0"]),
    ("running-not-ready",
     make_pod(conditions=NOT_READY, statuses=[cstatus(state=running(), ready=False)]),
     ["0/1", "Running", "0"]),
    ("two-containers-one-ready",
     make_pod(containers=("a", "b"), conditions=NOT_READY,
              statuses=[cstatus("a", running(), ready=True), cstatus("b", running(), ready=False)]),
     ["1/2", "Running", "0"]),
    ("crash-loop-backoff",
     make_pod(conditions=NOT_READY, statuses=[cstatus(state=waiting("CrashLoopBackOff"), restarts=4,
                                                      last=terminated(1, "Error", finished=130))]),
     ["0/1", "CrashLoopBackOff", "4 (2m10s ago)"]),
    ("restarted-and-running",
     make_pod(conditions=READY, statuses=[cstatus(state=running(), ready=True, restarts=5,
                                                  last=terminated(137, "OOMKilled", finished=300))]),
     ["1/1", "Running", "5 (5m ago)"]),
    ("restarts-without-last-state",
     make_pod(conditions=READY, statuses=[cstatus(state=running(), ready=True, restarts=2)]),
     ["1/1", "Running", "2"]),
    ("last-restart-is-newest-termination",
     make_pod(containers=("a", "b"), conditions=READY,
              statuses=[cstatus("a", running(), True, 1, terminated(1, "Error", finished=7200)),
                        cstatus("b", running(), True, 2, terminated(1, "Error", finished=45))]),
     ["2/2", "Running", "3 (45s ago)"]),
    ("completed",
     make_pod(phase="Succeeded", conditions=[{"type": "Ready", "status": "False", "reason": "PodCompleted"}],
              statuses=[cstatus(state=terminated(0, "Completed"))]),
     ["0/1", "Completed", "0"]),
    ("error",
     make_pod(phase="Failed", statuses=[cstatus(state=terminated(1, "Error"))]),
     ["0/1", "Error", "0"]),
    ("terminated-no-reason-exit-code",
     make_pod(phase="Failed", statuses=[cstatus(state=terminated(137))]),
     ["0/1", "ExitCode:137", "0"]),
    ("terminated-no-reason-signal",
     make_pod(phase="Failed", statuses=[cstatus(state=terminated(0, signal=9))]),
     ["0/1", "Signal:9", "0"]),
    ("completed-but-one-running-ready",
     make_pod(containers=("a", "b"), conditions=READY,
              statuses=[cstatus("a", terminated(0, "Completed")), cstatus("b", running(), ready=True)]),
     ["1/2", "Running", "0"]),
    ("completed-but-one-running-not-ready",
     make_pod(containers=("a", "b"), conditions=NOT_READY,
              statuses=[cstatus("a", terminated(0, "Completed")), cstatus("b", running(), ready=True)]),
     ["1/2", "NotReady", "0"]),
    ("first-container-reason-wins",
     make_pod(containers=("a", "b"), conditions=NOT_READY,
              statuses=[cstatus("a", waiting("CrashLoopBackOff")), cstatus("b", waiting("ErrImagePull"))]),
     ["0/2", "CrashLoopBackOff", "0"]),
    ("evicted",
     make_pod(phase="Failed", reason="Evicted", message="The node was low on resource: memory.",
              statuses=[cstatus(state=terminated(137, "ContainerStatusUnknown"))]),
     ["0/1", "ContainerStatusUnknown", "0"]),
    ("status-reason-without-statuses",
     make_pod(phase="Failed", reason="Evicted"),
     ["0/1", "Evicted", "0"]),
    ("init-waiting-first",
     make_pod(init=("i1", "i2"), phase="Pending", conditions=INIT_PENDING,
              init_statuses=[cstatus("i1", waiting("PodInitializing")), cstatus("i2", waiting("PodInitializing"))],
              statuses=[cstatus(state=waiting("PodInitializing"))]),
     ["0/1", "Init:0/2", "0"]),
    ("init-running-second",
     make_pod(init=("i1", "i2"), phase="Pending", conditions=INIT_PENDING,
              init_statuses=[cstatus("i1", terminated(0, "Completed")), cstatus("i2", running())],
              statuses=[cstatus(state=waiting("PodInitializing"))]),
     ["0/1", "Init:1/2", "0"]),
    ("init-crash-loop",
     make_pod(init=("i1",), phase="Pending", conditions=INIT_PENDING,
              init_statuses=[cstatus("i1", waiting("CrashLoopBackOff"), restarts=3,
                                     last=terminated(1, "Error", finished=20))],
              statuses=[cstatus(state=waiting("PodInitializing"))]),
     ["0/1", "Init:CrashLoopBackOff", "3 (20s ago)"]),
    ("init-error",
     make_pod(init=("i1",), phase="Failed", conditions=INIT_PENDING,
              init_statuses=[cstatus("i1", terminated(1, "Error"))],
              statuses=[cstatus(state=waiting("PodInitializing"))]),
     ["0/1", "Init:Error", "0"]),
    ("init-exit-code",
     make_pod(init=("i1",), phase="Pending", conditions=INIT_PENDING,
              init_statuses=[cstatus("i1", terminated(2))], statuses=[]),
     ["0/1", "Init:ExitCode:2", "0"]),
    ("init-signal",
     make_pod(init=("i1",), phase="Pending", conditions=INIT_PENDING,
              init_statuses=[cstatus("i1", terminated(0, signal=15))], statuses=[]),
     # exit code 0 counts as done even with a signal: the next check is the main containers
     ["0/1", "Pending", "0"]),
    ("init-signal-nonzero-exit",
     make_pod(init=("i1",), phase="Pending", conditions=INIT_PENDING,
              init_statuses=[cstatus("i1", terminated(143, signal=15))], statuses=[]),
     ["0/1", "Init:Signal:15", "0"]),
    ("init-image-pull",
     make_pod(init=("i1",), phase="Pending", conditions=INIT_PENDING,
              init_statuses=[cstatus("i1", waiting("ErrImagePull"))], statuses=[]),
     ["0/1", "Init:ErrImagePull", "0"]),
    ("init-done-main-running",
     make_pod(init=("i1",), conditions=READY,
              init_statuses=[cstatus("i1", terminated(0, "Completed"), restarts=1,
                                     last=terminated(1, "Error", finished=900))],
              statuses=[cstatus(state=running(), ready=True)]),
     # restarts of finished regular init containers are not counted once initialized
     ["1/1", "Running", "0"]),
    ("sidecar-started-ready",
     make_pod(sidecars=("proxy",), conditions=READY,
              init_statuses=[cstatus("proxy", running(), ready=True, started=True, restarts=1,
                                     last=terminated(1, "Error", finished=400))],
              statuses=[cstatus(state=running(), ready=True)]),
     ["2/2", "Running", "1 (6m40s ago)"]),
    ("sidecar-starting",
     make_pod(sidecars=("proxy",), phase="Pending", conditions=INIT_PENDING,
              init_statuses=[cstatus("proxy", running(), ready=False, started=False)],
              statuses=[cstatus(state=waiting("PodInitializing"))]),
     ["0/2", "Init:0/1", "0"]),
    ("terminating",
     make_pod(conditions=READY, deleting=True, statuses=[cstatus(state=running(), ready=True)]),
     ["1/1", "Terminating", "0"]),
    ("terminating-completed-stays-completed",
     make_pod(phase="Succeeded", deleting=True, statuses=[cstatus(state=terminated(0, "Completed"))]),
     ["0/1", "Completed", "0"]),
    ("terminating-failed-stays-error",
     make_pod(phase="Failed", deleting=True, statuses=[cstatus(state=terminated(1, "Error"))]),
     ["0/1", "Error", "0"]),
    ("node-lost-unknown",
     make_pod(conditions=READY, deleting=True, reason="NodeLost", statuses=[cstatus(state=running(), ready=True)]),
     ["1/1", "Unknown", "0"]),
    ("node-lost-not-deleting",
     make_pod(phase="Unknown", reason="NodeLost", statuses=[cstatus(state=running(), ready=True)]),
     ["1/1", "NodeLost", "0"]),
]


@pytest.mark.parametrize("pod,expected", [c[1:] for c in POD_CASES], ids=[c[0] for c in POD_CASES])
def test_pod_ready_status_restarts(pod, expected):
    row = cells("Pod", pod)
    assert row[0] == "p"
    assert row[1:4] == expected
    assert row[4] == "60m"
    assert pod_status(pod) == expected[1]


POD_WIDE = [
    ("unscheduled", {}, {}, ["<none>", "<none>", "<none>", "<none>"]),
    ("pod-ip", {"nodeName": "worker-1"}, {"podIP": "10.244.1.7"}, ["10.244.1.7", "worker-1", "<none>", "<none>"]),
    ("pod-ips-first", {"nodeName": "w"}, {"podIP": "10.0.0.1", "podIPs": [{"ip": "10.0.0.1"}, {"ip": "fd00::1"}]},
     ["10.0.0.1", "w", "<none>", "<none>"]),
    ("nominated", {}, {"nominatedNodeName": "worker-2"}, ["<none>", "<none>", "worker-2", "<none>"]),
    ("readiness-gates",
     {"readinessGates": [{"conditionType": "example.com/a"}, {"conditionType": "example.com/b"}]},
     {"conditions": [{"type": "example.com/a", "status": "True"}, {"type": "example.com/b", "status": "False"}]},
     ["<none>", "<none>", "<none>", "1/2"]),
    ("readiness-gate-missing-condition", {"readinessGates": [{"conditionType": "x"}]}, {},
     ["<none>", "<none>", "<none>", "0/1"]),
]


@pytest.mark.parametrize("spec,status,expected", [c[1:] for c in POD_WIDE], ids=[c[0] for c in POD_WIDE])
def test_pod_wide_cells(spec, status, expected):
    pod = make_pod(phase="Pending")
    pod["spec"].update(spec)
    pod["status"].update(status)
    assert cells("Pod", pod)[5:] == expected


# ---------------------------------------------------------------------------
# Node
# ---------------------------------------------------------------------------


def make_node(ready="True", unschedulable=False, labels=None, conditions=None, addresses=None, info=None):
    if conditions is None:
        conditions = [
            {"type": "MemoryPressure", "status": "False"},
            {"type": "DiskPressure", "status": "False"},
            {"type": "PIDPressure", "status": "False"},
        ]
        if ready is not None:
            conditions.append({"type": "Ready", "status": ready, "reason": "KubeletReady"})
    node = {
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": "worker-1", "labels": labels if labels is not None else
                     {"kubernetes.io/hostname": "worker-1", "kubernetes.io/os": "linux"},
                     "creationTimestamp": ago(3 * 86400 + 4 * 3600 + 59)},
        "spec": {},
        "status": {
            "conditions": conditions,
            "addresses": addresses if addresses is not None else
            [{"type": "InternalIP", "address": "172.18.0.3"}, {"type": "Hostname", "address": "worker-1"}],
            "nodeInfo": info if info is not None else {
                "kubeletVersion": "v1.33.1", "osImage": "Debian GNU/Linux 12 (bookworm)",
                "kernelVersion": "6.1.0-18-amd64", "containerRuntimeVersion": "containerd://1.7.13"},
        },
    }
    if unschedulable:
        node["spec"]["unschedulable"] = True
    return node


NODE_CASES = [
    ("ready", make_node(), ["Ready", "<none>"]),
    ("not-ready", make_node(ready="False"), ["NotReady", "<none>"]),
    ("ready-unknown-is-not-ready", make_node(ready="Unknown"), ["NotReady", "<none>"]),
    ("no-conditions", make_node(conditions=[]), ["Unknown", "<none>"]),
    ("no-ready-condition", make_node(ready=None), ["Unknown", "<none>"]),
    ("cordoned", make_node(unschedulable=True), ["Ready,SchedulingDisabled", "<none>"]),
    ("not-ready-cordoned", make_node(ready="False", unschedulable=True), ["NotReady,SchedulingDisabled", "<none>"]),
    ("unknown-cordoned", make_node(conditions=[], unschedulable=True), ["Unknown,SchedulingDisabled", "<none>"]),
    ("control-plane", make_node(labels={"node-role.kubernetes.io/control-plane": ""}), ["Ready", "control-plane"]),
    ("roles-sorted-and-legacy",
     make_node(labels={"node-role.kubernetes.io/worker": "", "kubernetes.io/role": "infra",
                       "node-role.kubernetes.io/": "x", "node-role.kubernetes.io/gpu": "true"}),
     ["Ready", "gpu,infra,worker"]),
    ("legacy-empty-role", make_node(labels={"kubernetes.io/role": ""}), ["Ready", "<none>"]),
]


@pytest.mark.parametrize("node,expected", [c[1:] for c in NODE_CASES], ids=[c[0] for c in NODE_CASES])
def test_node_status_and_roles(node, expected):
    row = cells("Node", node)
    assert row[0] == "worker-1"
    assert row[1:3] == expected
    assert row[3:5] == ["3d4h", "v1.33.1"]


NODE_WIDE = [
    ("internal-only", None, None,
     ["172.18.0.3", "<none>", "Debian GNU/Linux 12 (bookworm)", "6.1.0-18-amd64", "containerd://1.7.13"]),
    ("external", [{"type": "ExternalIP", "address": "34.1.2.3"}, {"type": "InternalIP", "address": "10.0.0.2"},
                  {"type": "InternalIP", "address": "10.0.0.9"}], None,
     ["10.0.0.2", "34.1.2.3", "Debian GNU/Linux 12 (bookworm)", "6.1.0-18-amd64", "containerd://1.7.13"]),
    ("no-info", [], {}, ["<none>", "<none>", "<unknown>", "<unknown>", "<unknown>"]),
]


@pytest.mark.parametrize("addresses,info,expected", [c[1:] for c in NODE_WIDE], ids=[c[0] for c in NODE_WIDE])
def test_node_wide_cells(addresses, info, expected):
    row = cells("Node", make_node(addresses=addresses, info=info))
    assert row[5:] == expected
    if info == {}:
        assert row[4] == ""


# ---------------------------------------------------------------------------
# Workloads
# ---------------------------------------------------------------------------


def make_deployment(replicas=3, status=None, selector=None, containers=(("web", "nginx:1.27"),)):
    spec = {
        "selector": selector if selector is not None else {"matchLabels": {"app": "web"}},
        "template": {"metadata": {"labels": {"app": "web"}},
                     "spec": {"containers": [{"name": n, "image": i} for n, i in containers]}},
    }
    if replicas is not None:
        spec["replicas"] = replicas
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "default", "creationTimestamp": ago(200)},
            "spec": spec, "status": status if status is not None else {}}


DEPLOYMENT_CASES = [
    ("fresh", make_deployment(), ["web", "0/3", 0, 0, "3m20s", "web", "nginx:1.27", "app=web"]),
    ("rolled-out",
     make_deployment(status={"replicas": 3, "readyReplicas": 3, "updatedReplicas": 3, "availableReplicas": 3}),
     ["web", "3/3", 3, 3, "3m20s", "web", "nginx:1.27", "app=web"]),
    ("rolling",
     make_deployment(status={"replicas": 4, "readyReplicas": 2, "updatedReplicas": 1, "availableReplicas": 2}),
     ["web", "2/3", 1, 2, "3m20s", "web", "nginx:1.27", "app=web"]),
    ("scaled-to-zero", make_deployment(replicas=0), ["web", "0/0", 0, 0, "3m20s", "web", "nginx:1.27", "app=web"]),
    ("replicas-defaulted", make_deployment(replicas=None),
     ["web", "0/1", 0, 0, "3m20s", "web", "nginx:1.27", "app=web"]),
    ("two-containers-expressions",
     make_deployment(containers=(("web", "nginx"), ("log", "busybox:1.36")),
                     selector={"matchLabels": {"app": "web"},
                               "matchExpressions": [{"key": "tier", "operator": "In", "values": ["fe", "be"]}]}),
     ["web", "0/3", 0, 0, "3m20s", "web,log", "nginx,busybox:1.36", "app=web,tier in (be,fe)"]),
    ("empty-selector", make_deployment(selector={}), ["web", "0/3", 0, 0, "3m20s", "web", "nginx:1.27", ""]),
    ("invalid-selector",
     make_deployment(selector={"matchExpressions": [{"key": "a", "operator": "Bogus"}]}),
     ["web", "0/3", 0, 0, "3m20s", "web", "nginx:1.27", "<invalid>"]),
]


@pytest.mark.parametrize("obj,expected", [c[1:] for c in DEPLOYMENT_CASES], ids=[c[0] for c in DEPLOYMENT_CASES])
def test_deployment_cells(obj, expected):
    assert cells("Deployment", obj) == expected


def make_replicaset(replicas=3, status=None, selector=None):
    rs = make_deployment(replicas=replicas, status=status, selector=selector)
    rs["kind"] = "ReplicaSet"
    rs["metadata"]["name"] = "web-7d4b9c8f5"
    return rs


REPLICASET_CASES = [
    ("desired-only", make_replicaset(), ["web-7d4b9c8f5", 3, 0, 0, "3m20s", "web", "nginx:1.27", "app=web"]),
    ("ready", make_replicaset(status={"replicas": 3, "readyReplicas": 2}),
     ["web-7d4b9c8f5", 3, 3, 2, "3m20s", "web", "nginx:1.27", "app=web"]),
    ("old-scaled-down", make_replicaset(replicas=0, status={"replicas": 0}),
     ["web-7d4b9c8f5", 0, 0, 0, "3m20s", "web", "nginx:1.27", "app=web"]),
    ("empty-selector", make_replicaset(selector={}),
     ["web-7d4b9c8f5", 3, 0, 0, "3m20s", "web", "nginx:1.27", "<none>"]),
    ("bad-selector", make_replicaset(selector={"matchExpressions": [{"key": "a", "operator": "Bogus"}]}),
     ["web-7d4b9c8f5", 3, 0, 0, "3m20s", "web", "nginx:1.27", "<error>"]),
]


@pytest.mark.parametrize("obj,expected", [c[1:] for c in REPLICASET_CASES], ids=[c[0] for c in REPLICASET_CASES])
def test_replicaset_cells(obj, expected):
    assert cells("ReplicaSet", obj) == expected


# ---------------------------------------------------------------------------
# Service and Endpoints
# ---------------------------------------------------------------------------


def make_service(spec, status=None):
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "web", "namespace": "default", "creationTimestamp": ago(600)},
            "spec": spec, "status": status or {"loadBalancer": {}}}


SERVICE_CASES = [
    ("cluster-ip",
     make_service({"type": "ClusterIP", "clusterIP": "10.96.12.7", "clusterIPs": ["10.96.12.7"],
                   "ports": [{"port": 80, "protocol": "TCP", "targetPort": 8080}], "selector": {"app": "web"}}),
     ["web", "ClusterIP", "10.96.12.7", "<none>", "80/TCP", "10m", "app=web"]),
    ("multi-port",
     make_service({"type": "ClusterIP", "clusterIPs": ["10.96.0.10"],
                   "ports": [{"name": "dns", "port": 53, "protocol": "UDP"},
                             {"name": "dns-tcp", "port": 53, "protocol": "TCP"},
                             {"name": "metrics", "port": 9153, "protocol": "TCP"}],
                   "selector": {"k8s-app": "kube-dns"}}),
     ["web", "ClusterIP", "10.96.0.10", "<none>", "53/UDP,53/TCP,9153/TCP", "10m", "k8s-app=kube-dns"]),
    ("node-port",
     make_service({"type": "NodePort", "clusterIPs": ["10.96.1.2"],
                   "ports": [{"port": 80, "nodePort": 30080, "protocol": "TCP"}], "selector": {"app": "web"}}),
     ["web", "NodePort", "10.96.1.2", "<none>", "80:30080/TCP", "10m", "app=web"]),
    ("headless-no-selector",
     make_service({"type": "ClusterIP", "clusterIP": "None", "clusterIPs": ["None"], "ports": []}),
     ["web", "ClusterIP", "None", "<none>", "<none>", "10m", "<none>"]),
    ("external-ips",
     make_service({"type": "ClusterIP", "clusterIPs": ["10.96.1.3"], "externalIPs": ["1.2.3.4", "5.6.7.8"],
                   "ports": [{"port": 443, "protocol": "TCP"}]}),
     ["web", "ClusterIP", "10.96.1.3", "1.2.3.4,5.6.7.8", "443/TCP", "10m", "<none>"]),
    ("load-balancer-pending",
     make_service({"type": "LoadBalancer", "clusterIPs": ["10.96.1.4"],
                   "ports": [{"port": 80, "nodePort": 31000, "protocol": "TCP"}]}),
     ["web", "LoadBalancer", "10.96.1.4", "<pending>", "80:31000/TCP", "10m", "<none>"]),
    ("load-balancer-ingress-sorted-unclipped",
     make_service({"type": "LoadBalancer", "clusterIPs": ["10.96.1.5"],
                   "ports": [{"port": 80, "nodePort": 31001, "protocol": "TCP"}]},
                  {"loadBalancer": {"ingress": [{"ip": "203.0.113.9"}, {"hostname": "lb.example.com"},
                                                {"ip": "203.0.113.10"}, {"ip": "203.0.113.9"}]}}),
     ["web", "LoadBalancer", "10.96.1.5", "203.0.113.10,203.0.113.9,lb.example.com", "80:31001/TCP", "10m",
      "<none>"]),
    ("load-balancer-plus-external-ips",
     make_service({"type": "LoadBalancer", "clusterIPs": ["10.96.1.6"], "externalIPs": ["9.9.9.9"],
                   "ports": [{"port": 80, "nodePort": 31002, "protocol": "TCP"}]},
                  {"loadBalancer": {"ingress": [{"ip": "203.0.113.1"}]}}),
     ["web", "LoadBalancer", "10.96.1.6", "203.0.113.1,9.9.9.9", "80:31002/TCP", "10m", "<none>"]),
    ("external-name",
     make_service({"type": "ExternalName", "externalName": "db.example.com"}),
     ["web", "ExternalName", "<none>", "db.example.com", "<none>", "10m", "<none>"]),
    ("sctp", make_service({"type": "ClusterIP", "clusterIPs": ["10.96.1.7"], "ports": [{"port": 9, "protocol": "SCTP"}]}),
     ["web", "ClusterIP", "10.96.1.7", "<none>", "9/SCTP", "10m", "<none>"]),
]


@pytest.mark.parametrize("svc,expected", [c[1:] for c in SERVICE_CASES], ids=[c[0] for c in SERVICE_CASES])
def test_service_cells(svc, expected):
    assert cells("Service", svc) == expected


def make_endpoints(subsets):
    ep = {"apiVersion": "v1", "kind": "Endpoints",
          "metadata": {"name": "web", "namespace": "default", "creationTimestamp": ago(45)}}
    if subsets is not None:
        ep["subsets"] = subsets
    return ep


def addrs(*ips):
    return [{"ip": ip} for ip in ips]


ENDPOINTS_CASES = [
    ("no-subsets", None, "<none>"),
    ("empty-subsets", [], "<none>"),
    ("only-not-ready", [{"notReadyAddresses": addrs("10.0.0.1"), "ports": [{"port": 80}]}], ""),
    ("one", [{"addresses": addrs("10.244.1.5"), "ports": [{"port": 8080, "protocol": "TCP"}]}], "10.244.1.5:8080"),
    ("three", [{"addresses": addrs("10.0.0.1", "10.0.0.2", "10.0.0.3"), "ports": [{"port": 80}]}],
     "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80"),
    ("five-more", [{"addresses": addrs("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5"),
                    "ports": [{"port": 80}]}],
     "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 2 more..."),
    ("two-ports-count-both", [{"addresses": addrs("10.0.0.1", "10.0.0.2"),
                               "ports": [{"name": "http", "port": 80}, {"name": "https", "port": 443}]}],
     "10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more..."),
    ("headless-no-ports", [{"addresses": addrs("10.0.0.1", "10.0.0.2")}], "10.0.0.1,10.0.0.2"),
    ("ipv6", [{"addresses": addrs("fd00::5"), "ports": [{"port": 80}]}], "[fd00::5]:80"),
    ("several-subsets", [{"addresses": addrs("10.0.0.1"), "ports": [{"port": 80}]},
                         {"addresses": addrs("10.0.1.1", "10.0.1.2", "10.0.1.3"), "ports": [{"port": 81}]}],
     "10.0.0.1:80,10.0.1.1:81,10.0.1.2:81 + 1 more..."),
]


@pytest.mark.parametrize("subsets,expected", [c[1:] for c in ENDPOINTS_CASES], ids=[c[0] for c in ENDPOINTS_CASES])
def test_endpoints_cells(subsets, expected):
    assert cells("Endpoints", make_endpoints(subsets)) == ["web", expected, "45s"]


# ---------------------------------------------------------------------------
# Events
# ---------------------------------------------------------------------------


def core_event(**fields):
    ev = {"apiVersion": "v1", "kind": "Event",
          "metadata": {"name": "web-1.17a2b3c4d5e6f7a8", "namespace": "default", "creationTimestamp": ago(300)},
          "involvedObject": {"kind": "Pod", "namespace": "default", "name": "web-1", "uid": "u1",
                             "apiVersion": "v1", "fieldPath": "spec.containers{web}"},
          "reason": "Pulled", "message": "Successfully pulled image \"nginx\" in 1.2s\n",
          "source": {"component": "kubelet", "host": "worker-1"},
          "firstTimestamp": ago(300), "lastTimestamp": ago(30), "count": 4, "type": "Normal",
          "eventTime": None, "reportingComponent": "kubelet", "reportingInstance": "worker-1"}
    ev.update(fields)
    return ev


def new_event(**fields):
    ev = {"apiVersion": "events.k8s.io/v1", "kind": "Event",
          "metadata": {"name": "web.17a2", "namespace": "default", "creationTimestamp": ago(90)},
          "eventTime": ago(90, micro=True), "reportingController": "default-scheduler",
          "reportingInstance": "default-scheduler-control-plane", "action": "Binding", "reason": "Scheduled",
          "regarding": {"kind": "Pod", "namespace": "default", "name": "web-1", "apiVersion": "v1"},
          "note": "Successfully assigned default/web-1 to worker-1", "type": "Normal"}
    ev.update(fields)
    return ev


EVENT_CASES = [
    ("core-repeated", core_event(),
     ["30s", "Normal", "Pulled", "pod/web-1", "spec.containers{web}", "kubelet, worker-1",
      "Successfully pulled image \"nginx\" in 1.2s", "5m", 4, "web-1.17a2b3c4d5e6f7a8"]),
    ("core-no-last-timestamp", core_event(lastTimestamp=None, count=1),
     ["5m", "Normal", "Pulled", "pod/web-1", "spec.containers{web}", "kubelet, worker-1",
      "Successfully pulled image \"nginx\" in 1.2s", "5m", 1, "web-1.17a2b3c4d5e6f7a8"]),
    ("core-event-time-only-count-zero",
     core_event(firstTimestamp=None, lastTimestamp=None, count=0, eventTime=ago(12, micro=True), source={},
                reportingComponent="default-scheduler", reportingInstance=""),
     ["12s", "Normal", "Pulled", "pod/web-1", "spec.containers{web}", "default-scheduler",
      "Successfully pulled image \"nginx\" in 1.2s", "12s", 1, "web-1.17a2b3c4d5e6f7a8"]),
    ("core-series", core_event(series={"count": 7, "lastObservedTime": ago(8, micro=True)}),
     ["8s", "Normal", "Pulled", "pod/web-1", "spec.containers{web}", "kubelet, worker-1",
      "Successfully pulled image \"nginx\" in 1.2s", "5m", 7, "web-1.17a2b3c4d5e6f7a8"]),
    ("core-no-timestamps-at-all", core_event(firstTimestamp=None, lastTimestamp=None, eventTime=None),
     ["<unknown>", "Normal", "Pulled", "pod/web-1", "spec.containers{web}", "kubelet, worker-1",
      "Successfully pulled image \"nginx\" in 1.2s", "<unknown>", 4, "web-1.17a2b3c4d5e6f7a8"]),
    ("core-cluster-object-warning",
     core_event(involvedObject={"kind": "Node", "name": "worker-2"}, type="Warning", reason="NodeNotReady",
                message="  Node worker-2 status is now: NodeNotReady  ", source={"component": "node-controller"},
                reportingComponent="", reportingInstance=""),
     ["30s", "Warning", "NodeNotReady", "node/worker-2", "", "node-controller",
      "Node worker-2 status is now: NodeNotReady", "5m", 4, "web-1.17a2b3c4d5e6f7a8"]),
    ("core-unnamed-object", core_event(involvedObject={"kind": "ReplicaSet"}),
     ["30s", "Normal", "Pulled", "replicaset", "", "kubelet, worker-1",
      "Successfully pulled image \"nginx\" in 1.2s", "5m", 4, "web-1.17a2b3c4d5e6f7a8"]),
    ("events-k8s-io-singleton", new_event(),
     ["90s", "Normal", "Scheduled", "pod/web-1", "", "default-scheduler, default-scheduler-control-plane",
      "Successfully assigned default/web-1 to worker-1", "90s", 1, "web.17a2"]),
    ("events-k8s-io-series",
     new_event(series={"count": 3, "lastObservedTime": ago(20, micro=True)},
               regarding={"kind": "Deployment", "name": "web", "fieldPath": ""}, reason="ScalingReplicaSet"),
     ["20s", "Normal", "ScalingReplicaSet", "deployment/web", "", "default-scheduler, default-scheduler-control-plane",
      "Successfully assigned default/web-1 to worker-1", "90s", 3, "web.17a2"]),
    ("events-k8s-io-deprecated-fields",
     new_event(deprecatedSource={"component": "kubelet", "host": "worker-3"}, deprecatedFirstTimestamp=ago(4000),
               deprecatedLastTimestamp=ago(70), deprecatedCount=9),
     ["70s", "Normal", "Scheduled", "pod/web-1", "", "kubelet, worker-3",
      "Successfully assigned default/web-1 to worker-1", "66m", 9, "web.17a2"]),
]


@pytest.mark.parametrize("event,expected", [c[1:] for c in EVENT_CASES], ids=[c[0] for c in EVENT_CASES])
def test_event_cells(event, expected):
    assert cells("Event", event) == expected


# ---------------------------------------------------------------------------
# Namespace, ConfigMap, Lease
# ---------------------------------------------------------------------------

SIMPLE_CASES = [
    ("namespace-active", "Namespace",
     {"metadata": {"name": "default", "creationTimestamp": ago(8 * 86400)}, "status": {"phase": "Active"}},
     ["default", "Active", "8d"]),
    ("namespace-terminating", "Namespace",
     {"metadata": {"name": "old", "creationTimestamp": ago(60), "deletionTimestamp": ago(1)},
      "status": {"phase": "Terminating"}},
     ["old", "Terminating", "60s"]),
    ("configmap-data-and-binary", "ConfigMap",
     {"metadata": {"name": "cfg", "creationTimestamp": ago(4 * 3600)}, "data": {"a": "1", "b": "2"},
      "binaryData": {"c": "AA=="}},
     ["cfg", 3, "4h"]),
    ("configmap-empty", "ConfigMap", {"metadata": {"name": "empty", "creationTimestamp": ago(5)}}, ["empty", 0, "5s"]),
    ("lease-held", "Lease",
     {"metadata": {"name": "worker-1", "namespace": "kube-node-lease", "creationTimestamp": ago(86400)},
      "spec": {"holderIdentity": "worker-1", "leaseDurationSeconds": 40, "renewTime": ago(1, micro=True)}},
     ["worker-1", "worker-1", "24h"]),
    ("lease-unheld", "Lease", {"metadata": {"name": "kube-scheduler", "creationTimestamp": ago(100)}, "spec": {}},
     ["kube-scheduler", "", "100s"]),
    ("no-creation-timestamp", "ConfigMap", {"metadata": {"name": "x"}}, ["x", 0, "<unknown>"]),
]


@pytest.mark.parametrize("kind,obj,expected", [c[1:] for c in SIMPLE_CASES], ids=[c[0] for c in SIMPLE_CASES])
def test_simple_cells(kind, obj, expected):
    assert cells(kind, obj) == expected


# ---------------------------------------------------------------------------
# The Table object
# ---------------------------------------------------------------------------

EVERY_KIND = [
    ("Pod", make_pod(conditions=READY, statuses=[cstatus(state=running(), ready=True)])),
    ("Node", make_node()),
    ("Namespace", {"metadata": {"name": "default", "creationTimestamp": ago(10)}, "status": {"phase": "Active"}}),
    ("Deployment", make_deployment()),
    ("ReplicaSet", make_replicaset()),
    ("Service", SERVICE_CASES[0][1]),
    ("Endpoints", make_endpoints(ENDPOINTS_CASES[3][1])),
    ("Event", core_event()),
    ("ConfigMap", SIMPLE_CASES[2][2]),
    ("Lease", SIMPLE_CASES[4][2]),
]


@pytest.mark.parametrize("kind,obj", EVERY_KIND, ids=[k for k, _ in EVERY_KIND])
def test_one_cell_per_column(kind, obj):
    t = table(kind, [obj, obj], now=NOW)
    assert len(t["rows"]) == 2
    for row in t["rows"]:
        assert len(row["cells"]) == len(t["columnDefinitions"])
        for cell, col in zip(row["cells"], t["columnDefinitions"]):
            assert isinstance(cell, int if col["type"] == "integer" else (str, int))


INCLUDE_CASES = [
    ("default-metadata", {}, "meta"),
    ("metadata", {"include_object": "Metadata"}, "meta"),
    ("empty-means-metadata", {"include_object": ""}, "meta"),
    ("object", {"include_object": "Object"}, "object"),
    ("none", {"include_object": "None"}, None),
]


@pytest.mark.parametrize("kwargs,expected", [c[1:] for c in INCLUDE_CASES], ids=[c[0] for c in INCLUDE_CASES])
def test_row_object(kwargs, expected):
    pod = make_pod(conditions=READY, statuses=[cstatus(state=running(), ready=True)])
    pod["metadata"]["labels"] = {"app": "web"}
    before = copy.deepcopy(pod)
    row = table("Pod", [pod], now=NOW, **kwargs)["rows"][0]
    assert "object" in row
    if expected == "meta":
        assert row["object"] == {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                                 "metadata": pod["metadata"]}
    elif expected == "object":
        assert row["object"] == pod
    else:
        assert row["object"] is None
    assert pod == before


def test_invalid_include_object():
    with pytest.raises(ValueError):
        table("Pod", [], now=NOW, include_object="Everything")


LIST_META_CASES = [
    ("plain", {"resource_version": "1234"}, {"resourceVersion": "1234"}),
    ("paginated", {"resource_version": "77", "continue_token": "abc", "remaining": 12},
     {"resourceVersion": "77", "continue": "abc", "remainingItemCount": 12}),
    ("last-page-zero-remaining", {"resource_version": "77", "remaining": 0},
     {"resourceVersion": "77", "remainingItemCount": 0}),
]


@pytest.mark.parametrize("kwargs,expected", [c[1:] for c in LIST_META_CASES], ids=[c[0] for c in LIST_META_CASES])
def test_table_envelope(kwargs, expected):
    t = table("ConfigMap", [], now=NOW, **kwargs)
    assert t["kind"] == "Table"
    assert t["apiVersion"] == "meta.k8s.io/v1"
    assert t["metadata"] == expected
    assert t["rows"] == []
    assert t["columnDefinitions"] == column_definitions("ConfigMap")


ROW_CONDITION_CASES = [
    ("running", "Running", None),
    ("succeeded", "Succeeded", [{"type": "Completed", "status": "True", "reason": "Succeeded",
                                 "message": "The pod has completed successfully."}]),
    ("failed", "Failed", [{"type": "Completed", "status": "True", "reason": "Failed", "message": "The pod failed."}]),
]


@pytest.mark.parametrize("phase,expected", [c[1:] for c in ROW_CONDITION_CASES], ids=[c[0] for c in ROW_CONDITION_CASES])
def test_pod_row_conditions(phase, expected):
    row = table("Pod", [make_pod(phase=phase)], now=NOW)["rows"][0]
    assert row.get("conditions") == expected


def test_unknown_kind_falls_back_to_default_convertor():
    t = table("Secret", [{"metadata": {"name": "s", "creationTimestamp": "2023-11-14T22:13:20Z"}}], now=NOW)
    assert [c["name"] for c in t["columnDefinitions"]] == ["Name", "Created At"]
    assert t["rows"][0]["cells"] == ["s", "2023-11-14T22:13:20Z"]


# ---------------------------------------------------------------------------
# The real kubectl reading our Tables
# ---------------------------------------------------------------------------

needs_kubectl = pytest.mark.skipif(not os.access(KUBECTL, os.X_OK), reason=f"{KUBECTL} not installed")


def printed(text: str) -> list[list[str]]:
    """kubectl's aligned output as rows of cells (columns are at least 3 spaces apart)."""
    return [re.split(r" {3,}", line.rstrip()) for line in text.splitlines() if line.strip()]


def _kubectl_pods():
    web = make_pod(conditions=READY, statuses=[cstatus(state=running(), ready=True, restarts=5,
                                                       last=terminated(1, "Error", finished=300))])
    web["metadata"].update(name="web-1", labels={"app": "web", "tier": "fe"},
                           creationTimestamp=ago(5 * 3600 + 180))
    web["spec"]["nodeName"] = "worker-1"
    web["status"]["podIP"] = "10.244.1.5"
    web["status"]["podIPs"] = [{"ip": "10.244.1.5"}]
    job = make_pod(init=("setup",), phase="Pending", conditions=INIT_PENDING,
                   init_statuses=[cstatus("setup", waiting("CrashLoopBackOff"), restarts=2,
                                          last=terminated(1, "Error", finished=20))],
                   statuses=[cstatus(state=waiting("PodInitializing"))])
    job["metadata"].update(name="batch-x", namespace="jobs", creationTimestamp=ago(45))
    job["spec"]["nodeName"] = "worker-2"
    job["spec"]["readinessGates"] = [{"conditionType": "example.com/ready"}]
    return [web, job]


KUBECTL_CASES = [
    ("pods", "Pod", _kubectl_pods, "/api/v1/namespaces/default/pods", ["get", "pods"], [
        ["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
        ["web-1", "1/1", "Running", "5 (5m ago)", "5h3m"],
        ["batch-x", "0/1", "Init:CrashLoopBackOff", "2 (20s ago)", "45s"],
    ]),
    ("pods-wide", "Pod", _kubectl_pods, "/api/v1/namespaces/default/pods", ["get", "pods", "-o", "wide"], [
        ["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED NODE", "READINESS GATES"],
        ["web-1", "1/1", "Running", "5 (5m ago)", "5h3m", "10.244.1.5", "worker-1", "<none>", "<none>"],
        ["batch-x", "0/1", "Init:CrashLoopBackOff", "2 (20s ago)", "45s", "<none>", "worker-2", "<none>", "0/1"],
    ]),
    ("pods-all-namespaces-labels", "Pod", _kubectl_pods, "/api/v1/pods", ["get", "pods", "-A", "--show-labels"], [
        ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE", "LABELS"],
        ["default", "web-1", "1/1", "Running", "5 (5m ago)", "5h3m", "app=web,tier=fe"],
        ["jobs", "batch-x", "0/1", "Init:CrashLoopBackOff", "2 (20s ago)", "45s", "<none>"],
    ]),
    ("nodes-wide", "Node",
     lambda: [make_node(labels={"node-role.kubernetes.io/control-plane": ""}),
              make_node(ready="False", unschedulable=True) | {"metadata": {"name": "worker-2",
                                                                            "creationTimestamp": ago(600)}}],
     "/api/v1/nodes", ["get", "nodes", "-o", "wide"], [
         ["NAME", "STATUS", "ROLES", "AGE", "VERSION", "INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION",
          "CONTAINER-RUNTIME"],
         ["worker-1", "Ready", "control-plane", "3d4h", "v1.33.1", "172.18.0.3", "<none>",
          "Debian GNU/Linux 12 (bookworm)", "6.1.0-18-amd64", "containerd://1.7.13"],
         ["worker-2", "NotReady,SchedulingDisabled", "<none>", "10m", "v1.33.1", "172.18.0.3", "<none>",
          "Debian GNU/Linux 12 (bookworm)", "6.1.0-18-amd64", "containerd://1.7.13"],
     ]),
    ("namespaces", "Namespace", lambda: [EVERY_KIND[2][1]], "/api/v1/namespaces", ["get", "ns"], [
        ["NAME", "STATUS", "AGE"], ["default", "Active", "10s"],
    ]),
    ("deployments-wide", "Deployment",
     lambda: [make_deployment(status={"readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 2})],
     "/apis/apps/v1/namespaces/default/deployments", ["get", "deploy", "-o", "wide"], [
         ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"],
         ["web", "2/3", "3", "2", "3m20s", "web", "nginx:1.27", "app=web"],
     ]),
    ("replicasets", "ReplicaSet", lambda: [make_replicaset(status={"replicas": 3, "readyReplicas": 1})],
     "/apis/apps/v1/namespaces/default/replicasets", ["get", "rs"], [
         ["NAME", "DESIRED", "CURRENT", "READY", "AGE"], ["web-7d4b9c8f5", "3", "3", "1", "3m20s"],
     ]),
    ("services-wide", "Service", lambda: [SERVICE_CASES[0][1], SERVICE_CASES[2][1] | {"metadata": {
        "name": "web-np", "namespace": "default", "creationTimestamp": ago(600)}}],
     "/api/v1/namespaces/default/services", ["get", "svc", "-o", "wide"], [
         ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE", "SELECTOR"],
         ["web", "ClusterIP", "10.96.12.7", "<none>", "80/TCP", "10m", "app=web"],
         ["web-np", "NodePort", "10.96.1.2", "<none>", "80:30080/TCP", "10m", "app=web"],
     ]),
    ("endpoints", "Endpoints", lambda: [make_endpoints(ENDPOINTS_CASES[5][1])],
     "/api/v1/namespaces/default/endpoints", ["get", "endpoints"], [
         ["NAME", "ENDPOINTS", "AGE"], ["web", "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 2 more...", "45s"],
     ]),
    ("events", "Event", lambda: [core_event()], "/api/v1/namespaces/default/events", ["get", "events"], [
        ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"],
        ["30s", "Normal", "Pulled", "pod/web-1", "Successfully pulled image \"nginx\" in 1.2s"],
    ]),
    ("events-wide", "Event", lambda: [core_event()], "/api/v1/namespaces/default/events",
     ["get", "events", "-o", "wide"], [
         ["LAST SEEN", "TYPE", "REASON", "OBJECT", "SUBOBJECT", "SOURCE", "MESSAGE", "FIRST SEEN", "COUNT", "NAME"],
         ["30s", "Normal", "Pulled", "pod/web-1", "spec.containers{web}", "kubelet, worker-1",
          "Successfully pulled image \"nginx\" in 1.2s", "5m", "4", "web-1.17a2b3c4d5e6f7a8"],
     ]),
    ("events-k8s-io", "Event", lambda: [new_event()], "/apis/events.k8s.io/v1/namespaces/default/events",
     ["get", "events.events.k8s.io"], [
         ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"],
         ["90s", "Normal", "Scheduled", "pod/web-1", "Successfully assigned default/web-1 to worker-1"],
     ]),
    ("configmaps", "ConfigMap", lambda: [SIMPLE_CASES[2][2]], "/api/v1/namespaces/default/configmaps",
     ["get", "cm"], [["NAME", "DATA", "AGE"], ["cfg", "3", "4h"]]),
    ("leases", "Lease", lambda: [SIMPLE_CASES[4][2]], "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases",
     ["get", "leases", "-n", "kube-node-lease"], [["NAME", "HOLDER", "AGE"], ["worker-1", "worker-1", "24h"]]),
]


@needs_kubectl
@pytest.mark.kubectl
@pytest.mark.parametrize("kind,objects,path,args,expected", [c[1:] for c in KUBECTL_CASES],
                         ids=[c[0] for c in KUBECTL_CASES])
def test_kubectl_prints_our_table(kind, objects, path, args, expected):
    body = table(kind, objects(), now=NOW, resource_version="42")
    with serve({path: body}) as stub:
        out = run_kubectl(stub.url, *args)
    assert printed(out) == expected
    lists = stub.lists()
    assert [r.path for r in lists] == [path]
    assert "as=Table;v=v1;g=meta.k8s.io" in lists[0].accept


@needs_kubectl
@pytest.mark.kubectl
def test_kubectl_single_object_get():
    pod = _kubectl_pods()[0]
    with serve({"/api/v1/namespaces/default/pods/web-1": table("Pod", [pod], now=NOW)}) as stub:
        out = run_kubectl(stub.url, "get", "pod", "web-1", "--no-headers")
    assert printed(out) == [["web-1", "1/1", "Running", "5 (5m ago)", "5h3m"]]
