"""Tests of the scheduling cycle, the failure message and the registry."""

from __future__ import annotations

from collections import Counter

import pytest

from orchestrator.scheduler.framework import (
    MAX_NODE_SCORE,
    NodeInfo,
    NodeResult,
    Status,
    default_normalize_score,
    failure_message,
    feasible_nodes_to_find,
    schedule_one,
    workload_key,
)
from orchestrator.scheduler.registry import REGISTRY, default_plugins

GiB = 1024**3


def make_node(name: str, *, cpu: str = "4", memory: str = "8Gi", taints: list | None = None, **spec: object) -> dict:
    allocatable = {"cpu": cpu, "memory": memory, "pods": "110"}
    return {
        "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name}},
        "spec": {"taints": taints or [], **spec},
        "status": {"allocatable": allocatable, "conditions": [{"type": "Ready", "status": "True"}]},
    }


def make_pod(name: str = "pod", *, cpu: str | None = None, memory: str | None = None, owner: str | None = None, phase: str = "Pending") -> dict:
    requests = {k: v for k, v in (("cpu", cpu), ("memory", memory)) if v is not None}
    metadata: dict = {"name": name, "namespace": "default"}
    if owner:
        metadata["ownerReferences"] = [{"kind": "ReplicaSet", "name": owner, "uid": f"uid-{owner}", "controller": True}]
    return {
        "metadata": metadata,
        "spec": {"containers": [{"name": "app", "resources": {"requests": requests}}]},
        "status": {"phase": phase},
    }


CONTROL_PLANE_TAINT = {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}


# ---------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    "scores, reverse, expected",
    [
        ({"a": 0, "b": 0}, False, {"a": 0, "b": 0}),
        ({"a": 0, "b": 0}, True, {"a": 100, "b": 100}),
        ({"a": 1, "b": 2, "c": 3}, False, {"a": 33, "b": 66, "c": 100}),
        ({"a": 1, "b": 2, "c": 3}, True, {"a": 67, "b": 34, "c": 0}),
        ({}, False, {}),
    ],
    ids=["all-zero", "all-zero-reversed", "scaled", "scaled-reversed", "empty"],
)
def test_default_normalize_score(scores: dict, reverse: bool, expected: dict) -> None:
    default_normalize_score(scores, reverse=reverse)
    assert scores == expected


@pytest.mark.parametrize(
    "pod, key",
    [
        (make_pod(owner="web"), "uid-web"),
        (make_pod(), None),
        ({"metadata": {"ownerReferences": [{"kind": "ReplicaSet", "uid": "u1"}]}}, None),
        ({"metadata": {"ownerReferences": [{"uid": "u1"}, {"uid": "u2", "controller": True}]}}, "u2"),
        ({}, None),
    ],
    ids=["controller-owner", "no-owner", "owner-not-controller", "picks-the-controller", "bare-dict"],
)
def test_workload_key(pod: dict, key: str | None) -> None:
    assert workload_key(pod) == key


def test_node_info_allocatable_and_add_pod() -> None:
    info = NodeInfo(name="n1", node=make_node("n1", cpu="3500m", memory="6Gi"))
    assert (info.allocatable_cpu_m, info.allocatable_memory, info.allocatable_pods) == (3500, 6 * GiB, 110)
    info.add_pod(make_pod(cpu="250m", memory="128Mi", owner="web"))
    info.add_pod(make_pod(owner="web"))
    info.add_pod(make_pod())
    assert (info.requested_cpu_m, info.requested_memory, info.pod_count) == (250, 128 * 1024**2, 3)
    assert info.workload_pods == {"uid-web": 2}


def test_node_info_allocatable_falls_back_to_capacity_and_default_pods() -> None:
    node = {"metadata": {"name": "n"}, "status": {"capacity": {"cpu": "2", "memory": "1Gi"}}}
    info = NodeInfo(name="n", node=node)
    assert (info.allocatable_cpu_m, info.allocatable_memory, info.allocatable_pods) == (2000, GiB, 110)


def test_node_info_from_node_skips_finished_pods() -> None:
    pods = [
        make_pod(cpu="1", phase="Running"),
        make_pod(cpu="1", phase="Succeeded"),
        make_pod(cpu="1", phase="Failed"),
        make_pod(cpu="1"),
    ]
    info = NodeInfo.from_node(make_node("n1"), pods)
    assert (info.name, info.requested_cpu_m, info.pod_count) == ("n1", 2000, 2)


@pytest.mark.parametrize(
    "num_nodes, reasons_per_node, message",
    [
        (0, [], "no nodes available to schedule pods"),
        (
            4,
            [["node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }"], ["Insufficient cpu"], ["Insufficient cpu"], ["Insufficient cpu"]],
            "0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 Insufficient cpu.",
        ),
        (
            2,
            [["Insufficient cpu", "Insufficient memory"], ["Insufficient memory"]],
            "0/2 nodes are available: 1 Insufficient cpu, 2 Insufficient memory.",
        ),
        (
            12,
            [["node(s) were unschedulable"]] * 10 + [["Too many pods"]] * 2,
            "0/12 nodes are available: 10 node(s) were unschedulable, 2 Too many pods.",
        ),
    ],
    ids=["no-nodes", "taint-and-cpu", "node-with-two-reasons", "sorted-as-strings"],
)
def test_failure_message(num_nodes: int, reasons_per_node: list, message: str) -> None:
    results = [NodeResult(node=f"n{i}", feasible=False, reasons=r) for i, r in enumerate(reasons_per_node)]
    assert failure_message(num_nodes, results) == message


# ---------------------------------------------------------------- registry


def test_registry_and_default_plugins() -> None:
    plugins = default_plugins()
    assert [p.name for p in plugins if hasattr(p, "filter")] == [
        "NodeUnschedulable",
        "NodeName",
        "NodeReady",
        "TaintToleration",
        "NodeAffinity",
        "NodeResourcesFit",
    ]
    assert {p.name: p.weight for p in plugins if hasattr(p, "score")} == {
        "TaintToleration": 3,
        "NodeAffinity": 2,
        "NodeResourcesLeastAllocated": 1,
        "PodTopologySpread": 2,
    }
    assert set(REGISTRY) == {p.name for p in plugins}
    assert all(REGISTRY[p.name] is type(p) for p in plugins)
    assert default_plugins()[0] is not plugins[0]


# ---------------------------------------------------------------- schedule_one


def test_no_nodes() -> None:
    result = schedule_one(make_pod(), [])
    assert (result.node_name, result.message, result.nodes) == (None, "no nodes available to schedule pods", [])


def test_picks_least_allocated_node() -> None:
    busy = NodeInfo(name="busy", node=make_node("busy"), requested_cpu_m=3000, requested_memory=6 * GiB, pod_count=3)
    half = NodeInfo(name="half", node=make_node("half"), requested_cpu_m=2000, requested_memory=4 * GiB, pod_count=2)
    idle = NodeInfo(name="idle", node=make_node("idle"))
    result = schedule_one(make_pod(cpu="500m", memory="512Mi"), [busy, half, idle])
    assert result.node_name == "idle"
    assert result.message == ""
    by_node = {r.node: r for r in result.nodes}
    assert by_node["idle"].scores["NodeResourcesLeastAllocated"] > by_node["half"].scores["NodeResourcesLeastAllocated"]
    assert by_node["half"].scores["NodeResourcesLeastAllocated"] > by_node["busy"].scores["NodeResourcesLeastAllocated"]


def test_ties_are_broken_by_node_name() -> None:
    infos = [NodeInfo(name=n, node=make_node(n)) for n in ("node-c", "node-a", "node-b")]
    assert schedule_one(make_pod(cpu="100m"), infos).node_name == "node-a"


@pytest.mark.parametrize("cpu", ["200m", None], ids=["with-requests", "best-effort"])
def test_spreads_a_workload_over_nodes(cpu: str | None) -> None:
    infos = [NodeInfo(name=n, node=make_node(n)) for n in ("node-a", "node-b", "node-c")]
    placed = []
    for i in range(6):
        pod = make_pod(f"web-{i}", cpu=cpu, owner="web")
        result = schedule_one(pod, infos)
        assert result.node_name is not None
        next(info for info in infos if info.name == result.node_name).add_pod(pod)
        placed.append(result.node_name)
    assert Counter(placed) == {"node-a": 2, "node-b": 2, "node-c": 2}
    assert [info.workload_pods for info in infos] == [{"uid-web": 2}] * 3


def test_control_plane_taint_and_insufficient_cpu_message() -> None:
    infos = [NodeInfo(name="control-plane", node=make_node("control-plane", taints=[CONTROL_PLANE_TAINT]))]
    infos += [
        NodeInfo(name=f"worker-{i}", node=make_node(f"worker-{i}", cpu="2"), requested_cpu_m=1500, pod_count=1)
        for i in (1, 2, 3)
    ]
    result = schedule_one(make_pod(cpu="1"), infos)
    assert result.node_name is None
    assert result.message == (
        "0/4 nodes are available: 1 node(s) had untolerated taint "
        "{node-role.kubernetes.io/control-plane: }, 3 Insufficient cpu."
    )
    by_node = {r.node: r for r in result.nodes}
    assert by_node["control-plane"].rejected_by == "TaintToleration"
    assert by_node["worker-2"].rejected_by == "NodeResourcesFit"
    assert by_node["worker-2"].reasons == ["Insufficient cpu"]


def test_records_every_node_outcome() -> None:
    infos = [
        NodeInfo(name="cordoned", node=make_node("cordoned", unschedulable=True)),
        NodeInfo(name="tainted", node=make_node("tainted", taints=[{"key": "gpu", "value": "true", "effect": "NoExecute"}])),
        NodeInfo(name="small", node=make_node("small", cpu="500m")),
        NodeInfo(name="good", node=make_node("good")),
        NodeInfo(name="better", node=make_node("better", cpu="8", memory="16Gi")),
    ]
    result = schedule_one(make_pod(cpu="1"), infos)
    assert result.node_name == "better"
    assert [r.node for r in result.nodes] == ["cordoned", "tainted", "small", "good", "better"]
    outcome = {r.node: (r.feasible, r.rejected_by, r.reasons) for r in result.nodes}
    assert outcome == {
        "cordoned": (False, "NodeUnschedulable", ["node(s) were unschedulable"]),
        "tainted": (False, "TaintToleration", ["node(s) had untolerated taint {gpu: true}"]),
        "small": (False, "NodeResourcesFit", ["Insufficient cpu"]),
        "good": (True, None, []),
        "better": (True, None, []),
    }
    for r in result.nodes:
        if r.feasible:
            assert set(r.scores) == {"TaintToleration", "NodeAffinity", "NodeResourcesLeastAllocated", "PodTopologySpread"}
            assert r.total == sum(r.scores.values())
            assert r.scores["TaintToleration"] == 3 * MAX_NODE_SCORE
        else:
            assert (r.scores, r.total) == ({}, 0)


def test_first_rejecting_filter_wins_per_node() -> None:
    # Cordoned, tainted and too small at once: only the first filter speaks.
    node = make_node("n1", cpu="100m", unschedulable=True, taints=[CONTROL_PLANE_TAINT])
    result = schedule_one(make_pod(cpu="1"), [NodeInfo(name="n1", node=node)])
    assert result.message == "0/1 nodes are available: 1 node(s) were unschedulable."
    assert result.nodes[0].rejected_by == "NodeUnschedulable"


def test_weighted_preferences_can_beat_free_resources() -> None:
    pod = make_pod(cpu="100m")
    pod["spec"]["affinity"] = {
        "nodeAffinity": {
            "preferredDuringSchedulingIgnoredDuringExecution": [
                {"weight": 50, "preference": {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["busy"]}]}}
            ]
        }
    }
    infos = [
        NodeInfo(name="busy", node=make_node("busy"), requested_cpu_m=2000, requested_memory=4 * GiB),
        NodeInfo(name="idle", node=make_node("idle")),
    ]
    result = schedule_one(pod, infos)
    assert result.node_name == "busy"
    assert {r.node: r.scores["NodeAffinity"] for r in result.nodes} == {"busy": 200, "idle": 0}


def test_pod_with_node_name_goes_there() -> None:
    pod = make_pod(cpu="100m")
    pod["spec"]["nodeName"] = "node-b"
    infos = [NodeInfo(name=n, node=make_node(n)) for n in ("node-a", "node-b")]
    result = schedule_one(pod, infos)
    assert result.node_name == "node-b"
    assert result.nodes[0].reasons == ["node(s) didn't match the requested node name"]


def test_custom_plugins_and_weights() -> None:
    class RejectOdd:
        name = "RejectOdd"

        def filter(self, state, pod, node_info):
            if int(node_info.name[-1]) % 2:
                return Status.unschedulable("node(s) were odd")
            return Status.success()

    class PreferHigh:
        name = "PreferHigh"
        weight = 5

        def score(self, state, pod, node_info):
            state.setdefault("seen", []).append(node_info.name)
            return int(node_info.name[-1])

    infos = [NodeInfo(name=f"n{i}", node=make_node(f"n{i}")) for i in range(1, 6)]
    plugins = [RejectOdd(), PreferHigh()]
    result = schedule_one(make_pod(), infos, plugins)
    assert result.node_name == "n4"
    assert {r.node: r.total for r in result.nodes if r.feasible} == {"n2": 10, "n4": 20}
    assert [r.rejected_by for r in result.nodes] == ["RejectOdd", None, "RejectOdd", None, "RejectOdd"]

    failed = schedule_one(make_pod(), infos[:1], plugins)
    assert failed.message == "0/1 nodes are available: 1 node(s) were odd."


@pytest.mark.parametrize("nodes, wanted", [(4, 4), (99, 99), (100, 100), (200, 100), (1000, 420), (5000, 500), (100000, 5000)])
def test_feasible_nodes_to_find_follows_kube_scheduler(nodes: int, wanted: int) -> None:
    assert feasible_nodes_to_find(nodes) == wanted


def test_with_a_pass_cache_a_big_cluster_is_searched_in_turns_and_alike_pods_share_node_verdicts() -> None:
    infos = [NodeInfo.from_node(make_node(f"node-{i:03d}")) for i in range(200)]
    cache: dict = {}
    first = schedule_one(make_pod("a", cpu="100m", owner="web"), infos, default_plugins(), cache=cache)
    second = schedule_one(make_pod("b", cpu="100m", owner="web"), infos, default_plugins(), cache=cache)
    assert [n.node for n in first.nodes] == [f"node-{i:03d}" for i in range(100)]  # stops at 100 feasible
    assert [n.node for n in second.nodes] == [f"node-{i:03d}" for i in range(100, 200)]  # the next pod goes on
    assert first.node_name in {n.node for n in first.nodes} and second.node_name in {n.node for n in second.nodes}
    # Without the cache (a single decision), every node is filtered and can say why.
    assert len(schedule_one(make_pod("c", cpu="100m"), infos, default_plugins()).nodes) == 200
