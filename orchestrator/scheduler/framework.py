"""A small scheduling framework modelled on kube-scheduler's.

One scheduling cycle runs every filter plugin against every node, scores the
nodes that pass with every score plugin, normalizes each plugin's scores to
0..MAX_NODE_SCORE, weights and sums them, and picks the highest total.  When
no node passes, the result carries the FailedScheduling message worded as
kube-scheduler words it.
"""

from __future__ import annotations

import enum
import functools
import json
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Protocol

from orchestrator.quantity import (
    parse_cpu_millis,
    parse_memory_bytes,
    parse_quantity,
    pod_requests,
)

MAX_NODE_SCORE = 100
DEFAULT_MAX_PODS = 110
NO_NODES_MESSAGE = "no nodes available to schedule pods"
NO_NODES_AVAILABLE_FORMAT = "0/{} nodes are available"

CycleState = dict


class Code(enum.Enum):
    SUCCESS = "Success"
    UNSCHEDULABLE = "Unschedulable"
    # Preemption could not help: evicting pods never fixes e.g. a taint.
    UNSCHEDULABLE_AND_UNRESOLVABLE = "UnschedulableAndUnresolvable"


@dataclass
class Status:
    code: Code
    reasons: list[str] = field(default_factory=list)
    plugin: str = ""

    @classmethod
    def success(cls) -> Status:
        """Return a successful status (one shared instance: a filter passes a million times on a big cluster)."""
        return _SUCCESS

    @classmethod
    def unschedulable(cls, *reasons: str) -> Status:
        """Return a status that preemption might resolve (e.g. resources)."""
        return cls(Code.UNSCHEDULABLE, list(reasons))

    @classmethod
    def unresolvable(cls, *reasons: str) -> Status:
        """Return a status that preemption cannot resolve (e.g. taints, labels)."""
        return cls(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, list(reasons))

    def is_success(self) -> bool:
        """Tell whether the plugin let the pod through."""
        return self.code is Code.SUCCESS


_SUCCESS = Status(Code.SUCCESS)


def workload_key(pod: dict) -> str | None:
    """Return the uid of the pod's controller ownerReference, else None."""
    for ref in (pod.get("metadata") or {}).get("ownerReferences") or []:
        if ref.get("controller"):
            return ref.get("uid") or None
    return None


def is_terminal(pod: dict) -> bool:
    """Tell whether a pod has finished and no longer holds node resources."""
    return (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")


@dataclass
class NodeInfo:
    name: str
    node: dict
    requested_cpu_m: int = 0
    requested_memory: int = 0
    pod_count: int = 0
    workload_pods: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_node(cls, node: dict, pods: Iterable[dict] = ()) -> NodeInfo:
        """Build the NodeInfo of a node from the pods bound to it, skipping finished ones."""
        info = cls(name=(node.get("metadata") or {}).get("name", ""), node=node)
        for pod in pods:
            if not is_terminal(pod):
                info.add_pod(pod)
        return info

    def _allocatable(self, resource: str) -> Any:
        # Allocatable is what the scheduler uses; a node that only reports
        # capacity (hand-written test nodes) falls back to it.
        status = self.node.get("status") or {}
        for section in ("allocatable", "capacity"):
            value = (status.get(section) or {}).get(resource)
            if value is not None:
                return value
        return None

    # Read once per NodeInfo (a snapshot of one node): every filter and score of every pod asks.
    @functools.cached_property
    def allocatable_cpu_m(self) -> int:
        value = self._allocatable("cpu")
        return 0 if value is None else parse_cpu_millis(value)

    @functools.cached_property
    def allocatable_memory(self) -> int:
        value = self._allocatable("memory")
        return 0 if value is None else parse_memory_bytes(value)

    @functools.cached_property
    def allocatable_pods(self) -> int:
        value = self._allocatable("pods")
        return DEFAULT_MAX_PODS if value is None else math.ceil(parse_quantity(value))

    def add_pod(self, pod: dict) -> None:
        """Account a pod bound to this node: its requests, the pod count and its workload."""
        cpu, memory = pod_requests(pod.get("spec") or {})
        self.account(cpu, memory, workload_key(pod), 1)

    def account(self, cpu_m: int, memory: int, workload: str | None, sign: int) -> None:
        """Add (sign 1) or take away (-1) one pod's requests, its slot and its workload's count."""
        self.requested_cpu_m += sign * cpu_m
        self.requested_memory += sign * memory
        self.pod_count += sign
        if workload is not None:
            count = self.workload_pods.get(workload, 0) + sign
            if count:
                self.workload_pods[workload] = count
            else:
                self.workload_pods.pop(workload, None)


class FilterPlugin(Protocol):
    name: str

    def filter(self, state: CycleState, pod: dict, node_info: NodeInfo) -> Status: ...


class ScorePlugin(Protocol):
    """A score plugin; it may also define normalize_scores(state, pod, scores)
    to rescale the raw scores in place, and a ``weight`` (default 1)."""

    name: str

    def score(self, state: CycleState, pod: dict, node_info: NodeInfo) -> int: ...


@dataclass
class NodeResult:
    node: str
    feasible: bool
    rejected_by: str | None = None
    reasons: list[str] = field(default_factory=list)
    scores: dict[str, int] = field(default_factory=dict)
    total: int = 0


@dataclass
class ScheduleResult:
    node_name: str | None
    message: str
    nodes: list[NodeResult] = field(default_factory=list)


def default_normalize_score(scores: dict[str, int], reverse: bool = False) -> None:
    """Scale scores in place from 0..max(scores) to 0..MAX_NODE_SCORE, optionally reversed.

    Mirrors kube-scheduler's DefaultNormalizeScore, including its integer division
    and the all-zero case (all 0, or all MAX_NODE_SCORE when reversed).
    """
    highest = max(scores.values(), default=0)
    for node, score in scores.items():
        scaled = MAX_NODE_SCORE * score // highest if highest else 0
        scores[node] = MAX_NODE_SCORE - scaled if reverse else scaled


def failure_message(num_nodes: int, results: Iterable[NodeResult]) -> str:
    """Word a FailedScheduling message: a sorted histogram of every node's reasons."""
    if num_nodes == 0:
        return NO_NODES_MESSAGE
    histogram = Counter(reason for result in results for reason in result.reasons)
    # Sorted as plain strings like sortReasonsHistogram, so "10 x" sorts before "2 y".
    parts = sorted(f"{count} {reason}" for reason, count in histogram.items())
    message = NO_NODES_AVAILABLE_FORMAT.format(num_nodes) + ":"
    if parts:
        message += " " + ", ".join(parts) + "."
    return message


def _run_filters(
    filters: list[Any], state: CycleState, pod: dict, info: NodeInfo
) -> NodeResult:
    """Run filters in order on one node and record the first rejection."""
    for plugin in filters:
        status = plugin.filter(state, pod, info)
        if not status.is_success():
            status.plugin = status.plugin or plugin.name
            return NodeResult(
                node=info.name,
                feasible=False,
                rejected_by=status.plugin,
                reasons=list(status.reasons),
            )
    return NodeResult(node=info.name, feasible=True)


MIN_FEASIBLE_NODES_TO_FIND = 100
NEXT_START = "~next-start"  # in a pass's cache: the node the next pod's search starts at


def feasible_nodes_to_find(num_nodes: int) -> int:
    """How many feasible nodes kube-scheduler looks for before it stops filtering (its adaptive
    percentageOfNodesToScore): every node up to 100, then 50% less 1% per 125 nodes, at least 5%."""
    if num_nodes < MIN_FEASIBLE_NODES_TO_FIND:
        return num_nodes
    percentage = max(50 - num_nodes // 125, 5)
    return max(num_nodes * percentage // 100, MIN_FEASIBLE_NODES_TO_FIND)


def equivalence_key(pod: dict) -> str:
    """What the plugins that look only at the node read of a pod: pods with the same key (the
    replicas of one workload) get the same answers from them on the same node snapshot."""
    spec = pod.get("spec") or {}
    affinity = (spec.get("affinity") or {}).get("nodeAffinity")
    return json.dumps([spec.get("nodeName"), spec.get("nodeSelector"), affinity, spec.get("tolerations")], sort_keys=True)


def schedule_one(
    pod: dict, node_infos: list[NodeInfo], plugins: list | None = None, *, cache: dict | None = None
) -> ScheduleResult:
    """Pick a node for the pod, recording every node's filter and score outcome.

    `cache` (one dict per pass over one node snapshot) keeps the verdicts and raw scores of the
    plugins that read only the node (not marked `dynamic`), per equivalence class of pods: the
    second replica of a Deployment reruns only resource fit, least allocated and spread. With it,
    as kube-scheduler does, filtering stops once `feasible_nodes_to_find` nodes passed, and the
    next pod's search starts where this one's ended (every node gets its turn)."""
    if plugins is None:
        # Imported here because the registry imports the plugins, which import us.
        from orchestrator.scheduler.registry import default_plugins

        plugins = default_plugins()
    if not node_infos:
        return ScheduleResult(node_name=None, message=NO_NODES_MESSAGE, nodes=[])

    state: CycleState = {}
    filters = [p for p in plugins if hasattr(p, "filter")]
    scorers = [p for p in plugins if hasattr(p, "score")]
    static = [p for p in filters if not getattr(p, "dynamic", False)]
    if cache is not None and filters[:len(static)] == static:  # node-only filters first: their verdicts keep
        key = equivalence_key(pod)
        verdicts = cache.get(key)
        if verdicts is None:
            verdicts = cache[key] = {}
        dynamic = filters[len(static):]
        wanted, count = feasible_nodes_to_find(len(node_infos)), len(node_infos)
        start = cache.get(NEXT_START, 0) % count
        results, found, evaluated = [], 0, []
        for i in range(count):
            info = node_infos[(start + i) % count]
            evaluated.append(info)
            verdict = verdicts.get(info.name)
            if verdict is None:
                verdict = verdicts[info.name] = _run_filters(static, state, pod, info)
            if verdict.feasible:
                for plugin in dynamic:  # _run_filters inlined: this runs for every node of every pod
                    status = plugin.filter(state, pod, info)
                    if status is not _SUCCESS and not status.is_success():
                        result = NodeResult(node=info.name, feasible=False, rejected_by=status.plugin or plugin.name, reasons=list(status.reasons))
                        break
                else:
                    result = NodeResult(node=info.name, feasible=True)
            else:
                result = verdict
            results.append(result)
            if result.feasible:
                found += 1
                if found >= wanted:
                    break
        cache[NEXT_START] = (start + len(results)) % count
        node_infos = evaluated
    else:
        # Every node is filtered (kube-scheduler may stop early on big clusters) so
        # each one can say why it was rejected.
        results = [_run_filters(filters, state, pod, info) for info in node_infos]
    feasible = [
        (info, result) for info, result in zip(node_infos, results) if result.feasible
    ]
    if not feasible:
        return ScheduleResult(
            node_name=None,
            message=failure_message(len(node_infos), results),
            nodes=results,
        )

    for plugin in scorers:
        score = plugin.score
        if cache is not None and not getattr(plugin, "dynamic", False):
            key = (equivalence_key(pod), plugin.name)
            raw = cache.get(key)
            if raw is None:
                raw = cache[key] = {}
            for info, _ in feasible:
                if info.name not in raw:
                    raw[info.name] = score(state, pod, info)
            scores = {info.name: raw[info.name] for info, _ in feasible}
        else:
            scores = {info.name: score(state, pod, info) for info, _ in feasible}
        normalize = getattr(plugin, "normalize_scores", None)
        if normalize is not None:
            normalize(state, pod, scores)
        weight, name = getattr(plugin, "weight", 1), plugin.name
        for info, result in feasible:
            value = scores[info.name] * weight
            result.scores[name] = value
            result.total += value

    # kube-scheduler breaks ties at random; by name keeps runs repeatable.
    best = min(feasible, key=lambda pair: (-pair[1].total, pair[0].name))
    return ScheduleResult(node_name=best[0].name, message="", nodes=results)
