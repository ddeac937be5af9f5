"""Table tests for each scheduler plugin, one table per plugin."""

from __future__ import annotations

import pytest

from orchestrator.scheduler.framework import MAX_NODE_SCORE, Code, NodeInfo
from orchestrator.scheduler.plugins import (
    NodeAffinity,
    NodeName,
    NodeReady,
    NodeResourcesFit,
    NodeResourcesLeastAllocated,
    NodeUnschedulable,
    PodTopologySpread,
    TaintToleration,
)
from orchestrator.scheduler.plugins.least_allocated import least_requested_score
from orchestrator.scheduler.plugins.taint_toleration import tolerates

GiB = 1024**3
MiB = 1024**2


def make_node(
    name: str = "node-1",
    *,
    cpu: str = "4",
    memory: str = "8Gi",
    pods: str | None = "110",
    labels: dict | None = None,
    taints: list | None = None,
    unschedulable: bool = False,
    ready: str | None = "True",
) -> dict:
    allocatable = {"cpu": cpu, "memory": memory}
    if pods is not None:
        allocatable["pods"] = pods
    conditions = [] if ready is None else [{"type": "Ready", "status": ready}]
    spec: dict = {"taints": taints or []}
    if unschedulable:
        spec["unschedulable"] = True
    return {
        "metadata": {"name": name, "labels": labels or {}},
        "spec": spec,
        "status": {"allocatable": allocatable, "capacity": dict(allocatable), "conditions": conditions},
    }


def make_pod(
    name: str = "pod",
    *,
    cpu: str | None = None,
    memory: str | None = None,
    owner: str | None = None,
    **spec: object,
) -> dict:
    requests = {k: v for k, v in (("cpu", cpu), ("memory", memory)) if v is not None}
    metadata: dict = {"name": name, "namespace": "default"}
    if owner:
        metadata["ownerReferences"] = [
            {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": owner, "uid": f"uid-{owner}", "controller": True}
        ]
    container = {"name": "app", "image": "nginx", "resources": {"requests": requests} if requests else {}}
    return {"metadata": metadata, "spec": {"containers": [container], **spec}, "status": {"phase": "Pending"}}


def info(node: dict, **fields: object) -> NodeInfo:
    return NodeInfo(name=node["metadata"]["name"], node=node, **fields)


def taint(key: str, value: str = "", effect: str = "NoSchedule") -> dict:
    t = {"key": key, "effect": effect}
    if value:
        t["value"] = value
    return t


# ---------------------------------------------------------------- NodeUnschedulable

@pytest.mark.parametrize(
    "node, pod, ok",
    [
        (make_node(), make_pod(), True),
        (make_node(unschedulable=True), make_pod(), False),
        (
            make_node(unschedulable=True),
            make_pod(tolerations=[{"key": "node.kubernetes.io/unschedulable", "operator": "Exists", "effect": "NoSchedule"}]),
            True,
        ),
        (make_node(unschedulable=True), make_pod(tolerations=[{"operator": "Exists"}]), True),
        (
            make_node(unschedulable=True),
            make_pod(tolerations=[{"key": "node.kubernetes.io/unschedulable", "operator": "Exists", "effect": "NoExecute"}]),
            False,
        ),
    ],
    ids=["schedulable", "cordoned", "tolerates-unschedulable-taint", "tolerates-everything", "wrong-effect-toleration"],
)
def test_node_unschedulable(node: dict, pod: dict, ok: bool) -> None:
    status = NodeUnschedulable().filter({}, pod, info(node))
    assert status.is_success() is ok
    if not ok:
        assert status.reasons == ["node(s) were unschedulable"]
        assert status.code is Code.UNSCHEDULABLE_AND_UNRESOLVABLE


# ---------------------------------------------------------------- NodeName

@pytest.mark.parametrize(
    "pod_node_name, node_name, ok",
    [(None, "node-1", True), ("", "node-1", True), ("node-1", "node-1", True), ("node-2", "node-1", False)],
    ids=["unset", "empty", "same-node", "other-node"],
)
def test_node_name(pod_node_name: str | None, node_name: str, ok: bool) -> None:
    pod = make_pod() if pod_node_name is None else make_pod(nodeName=pod_node_name)
    status = NodeName().filter({}, pod, info(make_node(node_name)))
    assert status.is_success() is ok
    if not ok:
        assert status.reasons == ["node(s) didn't match the requested node name"]


# ---------------------------------------------------------------- NodeReady

@pytest.mark.parametrize(
    "ready, ok",
    [("True", True), ("False", False), ("Unknown", False), (None, False)],
    ids=["ready", "not-ready", "unknown", "no-ready-condition"],
)
def test_node_ready(ready: str | None, ok: bool) -> None:
    status = NodeReady().filter({}, make_pod(), info(make_node(ready=ready)))
    assert status.is_success() is ok
    if not ok:
        assert status.reasons == ["node(s) were not ready"]


def test_node_ready_ignores_other_conditions() -> None:
    node = make_node()
    node["status"]["conditions"].insert(0, {"type": "MemoryPressure", "status": "True"})
    assert NodeReady().filter({}, make_pod(), info(node)).is_success()


# ---------------------------------------------------------------- TaintToleration: matching

@pytest.mark.parametrize(
    "toleration, node_taint, ok",
    [
        ({"key": "a", "operator": "Equal", "value": "x", "effect": "NoSchedule"}, taint("a", "x"), True),
        ({"key": "a", "value": "x"}, taint("a", "x"), True),
        ({"key": "a", "operator": "Equal", "value": "y"}, taint("a", "x"), False),
        ({"key": "a", "operator": "Equal"}, taint("a"), True),
        ({"key": "a", "operator": "Exists"}, taint("a", "anything"), True),
        ({"key": "b", "operator": "Exists"}, taint("a"), False),
        ({"operator": "Exists"}, taint("whatever", "v", "NoExecute"), True),
        ({"key": "a", "operator": "Exists", "effect": "NoExecute"}, taint("a"), False),
        ({"key": "a", "operator": "Exists", "effect": "NoSchedule"}, taint("a"), True),
        ({"key": "a", "operator": "Bogus"}, taint("a"), False),
    ],
    ids=[
        "equal-same-value",
        "operator-defaults-to-equal",
        "equal-other-value",
        "equal-empty-values",
        "exists-any-value",
        "exists-other-key",
        "empty-key-exists-tolerates-all",
        "effect-mismatch",
        "effect-match",
        "unknown-operator",
    ],
)
def test_tolerates(toleration: dict, node_taint: dict, ok: bool) -> None:
    assert tolerates(toleration, node_taint) is ok


# ---------------------------------------------------------------- TaintToleration: filter

CONTROL_PLANE = taint("node-role.kubernetes.io/control-plane")


@pytest.mark.parametrize(
    "taints, tolerations, reason",
    [
        ([], [], None),
        ([CONTROL_PLANE], [], "node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }"),
        ([CONTROL_PLANE], [{"key": "node-role.kubernetes.io/control-plane", "operator": "Exists", "effect": "NoSchedule"}], None),
        ([taint("dedicated", "gpu", "NoExecute")], [], "node(s) had untolerated taint {dedicated: gpu}"),
        ([taint("dedicated", "gpu", "PreferNoSchedule")], [], None),
        (
            [taint("a", "1"), taint("b", "2")],
            [{"key": "a", "operator": "Exists"}],
            "node(s) had untolerated taint {b: 2}",
        ),
        ([taint("a", "1"), taint("b", "2")], [], "node(s) had untolerated taint {a: 1}"),
        ([taint("a"), taint("b", effect="NoExecute")], [{"operator": "Exists"}], None),
        ([taint("node.kubernetes.io/not-ready")], [], "node(s) had untolerated taint {node.kubernetes.io/not-ready: }"),
    ],
    ids=[
        "no-taints",
        "control-plane-untolerated",
        "control-plane-tolerated",
        "noexecute-untolerated",
        "prefer-no-schedule-does-not-filter",
        "first-untolerated-is-reported",
        "first-of-two-reported",
        "exists-tolerates-all",
        "not-ready-taint",
    ],
)
def test_taint_toleration_filter(taints: list, tolerations: list, reason: str | None) -> None:
    status = TaintToleration().filter({}, make_pod(tolerations=tolerations), info(make_node(taints=taints)))
    if reason is None:
        assert status.is_success()
    else:
        assert status.reasons == [reason]
        assert status.code is Code.UNSCHEDULABLE_AND_UNRESOLVABLE


# ---------------------------------------------------------------- TaintToleration: score

SOFT_A = taint("a", "1", "PreferNoSchedule")
SOFT_B = taint("b", "2", "PreferNoSchedule")


@pytest.mark.parametrize(
    "taints_by_node, tolerations, expected",
    [
        ({"n1": [], "n2": []}, [], {"n1": 100, "n2": 100}),
        ({"n1": [], "n2": [SOFT_A]}, [], {"n1": 100, "n2": 0}),
        ({"n1": [SOFT_A], "n2": [SOFT_A, SOFT_B], "n3": []}, [], {"n1": 50, "n2": 0, "n3": 100}),
        ({"n1": [SOFT_A], "n2": []}, [{"key": "a", "operator": "Exists", "effect": "PreferNoSchedule"}], {"n1": 100, "n2": 100}),
        ({"n1": [SOFT_A], "n2": []}, [{"key": "a", "operator": "Exists"}], {"n1": 100, "n2": 100}),
        # A toleration for another effect does not cover PreferNoSchedule.
        ({"n1": [SOFT_A], "n2": []}, [{"key": "a", "operator": "Exists", "effect": "NoSchedule"}], {"n1": 0, "n2": 100}),
        # NoSchedule taints are the filter's business, not the score's.
        ({"n1": [taint("hard")], "n2": []}, [], {"n1": 100, "n2": 100}),
    ],
    ids=[
        "no-taints-all-max",
        "one-soft-taint",
        "proportional",
        "tolerated-soft-taint",
        "empty-effect-toleration-covers-soft",
        "noschedule-toleration-does-not-cover-soft",
        "hard-taints-not-counted",
    ],
)
def test_taint_toleration_score(taints_by_node: dict, tolerations: list, expected: dict) -> None:
    plugin = TaintToleration()
    pod = make_pod(tolerations=tolerations)
    scores = {name: plugin.score({}, pod, info(make_node(name, taints=t))) for name, t in taints_by_node.items()}
    plugin.normalize_scores({}, pod, scores)
    assert scores == expected


# ---------------------------------------------------------------- NodeAffinity: filter

def required(*terms: dict) -> dict:
    return {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": list(terms)}}}}


def expr(key: str, operator: str, *values: str) -> dict:
    e: dict = {"key": key, "operator": operator}
    if values:
        e["values"] = list(values)
    return e


LABELS = {"disktype": "ssd", "zone": "a", "cores": "8"}


@pytest.mark.parametrize(
    "spec, ok",
    [
        ({}, True),
        ({"nodeSelector": {"disktype": "ssd"}}, True),
        ({"nodeSelector": {"disktype": "hdd"}}, False),
        ({"nodeSelector": {"disktype": "ssd", "zone": "b"}}, False),
        ({"nodeSelector": {"gpu": "true"}}, False),
        (required({"matchExpressions": [expr("zone", "In", "a", "b")]}), True),
        (required({"matchExpressions": [expr("zone", "In", "b", "c")]}), False),
        (required({"matchExpressions": [expr("zone", "NotIn", "b")]}), True),
        (required({"matchExpressions": [expr("zone", "NotIn", "a")]}), False),
        (required({"matchExpressions": [expr("missing", "NotIn", "a")]}), True),
        (required({"matchExpressions": [expr("disktype", "Exists")]}), True),
        (required({"matchExpressions": [expr("gpu", "Exists")]}), False),
        (required({"matchExpressions": [expr("gpu", "DoesNotExist")]}), True),
        (required({"matchExpressions": [expr("disktype", "DoesNotExist")]}), False),
        (required({"matchExpressions": [expr("cores", "Gt", "4")]}), True),
        (required({"matchExpressions": [expr("cores", "Gt", "8")]}), False),
        (required({"matchExpressions": [expr("cores", "Lt", "16")]}), True),
        (required({"matchExpressions": [expr("zone", "Gt", "1")]}), False),
        (required({"matchExpressions": [expr("missing", "Lt", "1")]}), False),
        (required({"matchExpressions": [expr("cores", "Gt", "four")]}), False),
        (required({"matchExpressions": [expr("zone", "In")]}), False),
        (required({"matchExpressions": [expr("zone", "Exists", "a")]}), False),
        (required({"matchExpressions": [expr("zone", "Near", "a")]}), False),
        (required({"matchExpressions": [expr("zone", "In", "a"), expr("disktype", "In", "hdd")]}), False),
        (required({"matchExpressions": [expr("zone", "In", "b")]}, {"matchExpressions": [expr("disktype", "In", "ssd")]}), True),
        (required({"matchFields": [expr("metadata.name", "In", "node-1")]}), True),
        (required({"matchFields": [expr("metadata.name", "In", "node-2")]}), False),
        (required({"matchFields": [expr("metadata.name", "NotIn", "node-2")]}), True),
        (required({"matchFields": [expr("metadata.name", "In", "node-1", "node-2")]}), False),
        (required({"matchFields": [expr("metadata.name", "In", "node-1")], "matchExpressions": [expr("zone", "In", "b")]}), False),
        (required({}), False),
        (required(), False),
        ({"nodeSelector": {"zone": "b"}, **required({"matchExpressions": [expr("zone", "In", "a")]})}, False),
        ({"nodeSelector": {"zone": "a"}, **required({"matchExpressions": [expr("zone", "In", "a")]})}, True),
    ],
    ids=[
        "no-constraints",
        "selector-match",
        "selector-value-mismatch",
        "selector-all-labels-needed",
        "selector-missing-label",
        "in-match",
        "in-no-match",
        "notin-match",
        "notin-no-match",
        "notin-missing-label-matches",
        "exists",
        "exists-missing",
        "does-not-exist",
        "does-not-exist-present",
        "gt-match",
        "gt-equal-no-match",
        "lt-match",
        "gt-non-integer-label",
        "lt-missing-label",
        "gt-non-integer-value-invalid",
        "in-without-values-invalid",
        "exists-with-values-invalid",
        "unknown-operator-invalid",
        "expressions-are-anded",
        "terms-are-ored",
        "match-fields-name-in",
        "match-fields-name-not-in-list",
        "match-fields-name-notin",
        "match-fields-two-values-invalid",
        "fields-and-expressions-anded",
        "empty-term-matches-nothing",
        "no-terms-matches-nothing",
        "selector-and-affinity-both-needed",
        "selector-and-affinity-both-match",
    ],
)
def test_node_affinity_filter(spec: dict, ok: bool) -> None:
    status = NodeAffinity().filter({}, make_pod(**spec), info(make_node("node-1", labels=LABELS)))
    assert status.is_success() is ok
    if not ok:
        assert status.reasons == ["node(s) didn't match Pod's node affinity/selector"]
        assert status.code is Code.UNSCHEDULABLE_AND_UNRESOLVABLE


# ---------------------------------------------------------------- NodeAffinity: score

def preferred(*terms: tuple[int, dict]) -> dict:
    return {
        "affinity": {
            "nodeAffinity": {
                "preferredDuringSchedulingIgnoredDuringExecution": [
                    {"weight": w, "preference": p} for w, p in terms
                ]
            }
        }
    }


NODE_LABELS = {"n1": {"zone": "a", "disktype": "ssd"}, "n2": {"zone": "b", "disktype": "ssd"}, "n3": {"zone": "c"}}


@pytest.mark.parametrize(
    "spec, raw, normalized",
    [
        ({}, {"n1": 0, "n2": 0, "n3": 0}, {"n1": 0, "n2": 0, "n3": 0}),
        (
            preferred((10, {"matchExpressions": [expr("zone", "In", "a")]})),
            {"n1": 10, "n2": 0, "n3": 0},
            {"n1": 100, "n2": 0, "n3": 0},
        ),
        (
            preferred(
                (80, {"matchExpressions": [expr("zone", "In", "a")]}),
                (20, {"matchExpressions": [expr("disktype", "In", "ssd")]}),
            ),
            {"n1": 100, "n2": 20, "n3": 0},
            {"n1": 100, "n2": 20, "n3": 0},
        ),
        (
            preferred((3, {"matchExpressions": [expr("disktype", "Exists")]}), (1, {"matchFields": [expr("metadata.name", "In", "n3")]})),
            {"n1": 3, "n2": 3, "n3": 1},
            {"n1": 100, "n2": 100, "n3": 33},
        ),
        (preferred((5, {})), {"n1": 0, "n2": 0, "n3": 0}, {"n1": 0, "n2": 0, "n3": 0}),
        (
            preferred((0, {"matchExpressions": [expr("zone", "In", "a")]})),
            {"n1": 0, "n2": 0, "n3": 0},
            {"n1": 0, "n2": 0, "n3": 0},
        ),
    ],
    ids=["no-preferences", "single-term", "weights-add-up", "integer-division", "empty-preference-ignored", "zero-weight-ignored"],
)
def test_node_affinity_score(spec: dict, raw: dict, normalized: dict) -> None:
    plugin = NodeAffinity()
    pod = make_pod(**spec)
    scores = {name: plugin.score({}, pod, info(make_node(name, labels=labels))) for name, labels in NODE_LABELS.items()}
    assert scores == raw
    plugin.normalize_scores({}, pod, scores)
    assert scores == normalized


# ---------------------------------------------------------------- NodeResourcesFit

@pytest.mark.parametrize(
    "pod, node, used, reasons",
    [
        (make_pod(cpu="1", memory="1Gi"), make_node(cpu="2", memory="2Gi"), {}, []),
        (make_pod(cpu="2", memory="2Gi"), make_node(cpu="2", memory="2Gi"), {}, []),
        (make_pod(cpu="2001m"), make_node(cpu="2"), {}, ["Insufficient cpu"]),
        (make_pod(cpu="500m"), make_node(cpu="2"), {"requested_cpu_m": 1600}, ["Insufficient cpu"]),
        (make_pod(memory="1Gi"), make_node(memory="2Gi"), {"requested_memory": GiB + 1}, ["Insufficient memory"]),
        (
            make_pod(cpu="3", memory="3Gi"),
            make_node(cpu="2", memory="2Gi", pods="1"),
            {"pod_count": 1},
            ["Too many pods", "Insufficient cpu", "Insufficient memory"],
        ),
        (make_pod(), make_node(pods="3"), {"pod_count": 3}, ["Too many pods"]),
        (make_pod(), make_node(pods="3"), {"pod_count": 2}, []),
        (make_pod(), make_node(cpu="1"), {"requested_cpu_m": 5000}, []),
        (make_pod(), make_node(pods=None), {"pod_count": 109}, []),
        (make_pod(), make_node(pods=None), {"pod_count": 110}, ["Too many pods"]),
        (
            {"spec": {"containers": [{"name": "c", "resources": {"limits": {"cpu": "3"}}}]}},
            make_node(cpu="2"),
            {},
            ["Insufficient cpu"],
        ),
        (
            {"spec": {"containers": [{"name": "c", "resources": {"requests": {"cpu": "1"}}}], "initContainers": [{"name": "i", "resources": {"requests": {"cpu": "3"}}}]}},
            make_node(cpu="2"),
            {},
            ["Insufficient cpu"],
        ),
        (
            {"spec": {"containers": [{"name": "c", "resources": {"requests": {"cpu": "1500m"}}}], "overhead": {"cpu": "600m"}}},
            make_node(cpu="2"),
            {},
            ["Insufficient cpu"],
        ),
    ],
    ids=[
        "fits",
        "fits-exactly",
        "insufficient-cpu",
        "insufficient-cpu-after-existing-pods",
        "insufficient-memory",
        "all-three-reasons",
        "request-less-pod-still-takes-a-slot",
        "last-pod-slot",
        "zero-request-fits-overcommitted-node",
        "pods-default-110-room",
        "pods-default-110-full",
        "limits-become-requests",
        "init-container-peak",
        "overhead-counts",
    ],
)
def test_node_resources_fit(pod: dict, node: dict, used: dict, reasons: list) -> None:
    status = NodeResourcesFit().filter({}, pod, info(node, **used))
    assert status.reasons == reasons
    assert status.is_success() is (not reasons)
    if reasons:
        assert status.code is Code.UNSCHEDULABLE


# ---------------------------------------------------------------- NodeResourcesLeastAllocated

@pytest.mark.parametrize(
    "requested, capacity, expected",
    [(0, 1000, 100), (250, 1000, 75), (1000, 1000, 0), (1500, 1000, 0), (10, 0, 0), (1, 3, 66)],
    ids=["empty", "quarter-used", "full", "overcommitted", "no-capacity", "rounds-down"],
)
def test_least_requested_score(requested: int, capacity: int, expected: int) -> None:
    assert least_requested_score(requested, capacity) == expected


@pytest.mark.parametrize(
    "pod, node, used, expected",
    [
        (make_pod(cpu="1", memory="2Gi"), make_node(cpu="4", memory="8Gi"), {}, 75),
        (make_pod(cpu="1", memory="2Gi"), make_node(cpu="4", memory="8Gi"), {"requested_cpu_m": 2000, "requested_memory": 2 * GiB}, 37),
        (make_pod(cpu="2", memory="1Gi"), make_node(cpu="4", memory="4Gi"), {}, 62),
        # No requests: scored as 100m / 200Mi, like kube-scheduler's non-zero defaults.
        (make_pod(), make_node(cpu="1", memory="1000Mi"), {}, 85),
        (make_pod(cpu="4", memory="8Gi"), make_node(cpu="4", memory="8Gi"), {}, 0),
    ],
    ids=["empty-node", "half-used-node", "cpu-and-memory-averaged", "request-less-pod-non-zero-defaults", "fills-node"],
)
def test_least_allocated_score(pod: dict, node: dict, used: dict, expected: int) -> None:
    assert NodeResourcesLeastAllocated().score({}, pod, info(node, **used)) == expected


# ---------------------------------------------------------------- PodTopologySpread

@pytest.mark.parametrize(
    "owner, workload_pods_by_node, expected",
    [
        ("web", {"n1": {}, "n2": {}, "n3": {}}, {"n1": 100, "n2": 100, "n3": 100}),
        ("web", {"n1": {"uid-web": 1}, "n2": {}, "n3": {}}, {"n1": 0, "n2": 100, "n3": 100}),
        ("web", {"n1": {"uid-web": 2}, "n2": {"uid-web": 2}, "n3": {"uid-web": 1}}, {"n1": 50, "n2": 50, "n3": 100}),
        ("web", {"n1": {"uid-web": 3}, "n2": {"uid-web": 1}, "n3": {}}, {"n1": 0, "n2": 66, "n3": 100}),
        ("web", {"n1": {"uid-db": 5}, "n2": {}}, {"n1": 100, "n2": 100}),
        (None, {"n1": {"uid-web": 5}, "n2": {}}, {"n1": 100, "n2": 100}),
    ],
    ids=["nothing-placed-yet", "avoid-node-with-sibling", "equal-counts-tie", "proportional", "other-workload-ignored", "pod-without-controller"],
)
def test_pod_topology_spread(owner: str | None, workload_pods_by_node: dict, expected: dict) -> None:
    plugin = PodTopologySpread()
    pod = make_pod(owner=owner)
    scores = {
        name: plugin.score({}, pod, info(make_node(name), workload_pods=dict(counts)))
        for name, counts in workload_pods_by_node.items()
    }
    plugin.normalize_scores({}, pod, scores)
    assert scores == expected
    assert all(0 <= s <= MAX_NODE_SCORE for s in scores.values())
