"""NodeAffinity: nodeSelector and node affinity, required (filter) and preferred (score)."""

from __future__ import annotations

import re

from orchestrator.scheduler.framework import (
    CycleState,
    NodeInfo,
    Status,
    default_normalize_score,
)

ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector"

_INTEGER_RE = re.compile(r"^[+-]?[0-9]+$")


class InvalidSelector(ValueError):
    """A requirement the API would reject; the term holding it matches nothing."""


def _integer(value: object) -> int | None:
    """Parse a base-10 integer as Go's strconv.ParseInt would, else None."""
    text = str(value)
    return int(text) if _INTEGER_RE.match(text) else None


def _label_requirement_matches(requirement: dict, labels: dict) -> bool:
    """Tell whether node labels satisfy one matchExpressions requirement."""
    key = requirement.get("key", "")
    operator = requirement.get("operator")
    values = requirement.get("values") or []
    present = key in labels
    if operator in ("In", "NotIn"):
        if not values:
            raise InvalidSelector(f"values for {operator!r} must be non-empty")
        inside = present and labels[key] in values
        return inside if operator == "In" else not inside
    if operator in ("Exists", "DoesNotExist"):
        if values:
            raise InvalidSelector(f"values for {operator!r} must be empty")
        return present if operator == "Exists" else not present
    if operator in ("Gt", "Lt"):
        bound = _integer(values[0]) if len(values) == 1 else None
        if bound is None:
            raise InvalidSelector(f"{operator!r} needs exactly one integer value")
        # A missing or non-integer label value never compares.
        actual = _integer(labels[key]) if present else None
        if actual is None:
            return False
        return actual > bound if operator == "Gt" else actual < bound
    raise InvalidSelector(f"{operator!r} is not a valid node selector operator")


def _field_requirement_matches(requirement: dict, node_name: str) -> bool:
    """Tell whether the node's fields satisfy one matchFields requirement."""
    operator = requirement.get("operator")
    values = requirement.get("values") or []
    # The API only supports metadata.name, with In/NotIn and a single value.
    if requirement.get("key") != "metadata.name":
        raise InvalidSelector(f"{requirement.get('key')!r} is not a supported field")
    if operator not in ("In", "NotIn") or len(values) != 1:
        raise InvalidSelector(f"{operator!r} needs exactly one value for a field")
    return (node_name == values[0]) == (operator == "In")


def term_matches(term: dict, node: dict) -> bool:
    """Tell whether a node matches a nodeSelectorTerm (requirements ANDed).

    An empty term, or one with an invalid requirement, matches no node.
    """
    expressions = term.get("matchExpressions") or []
    fields = term.get("matchFields") or []
    if not expressions and not fields:
        return False
    metadata = node.get("metadata") or {}
    labels = metadata.get("labels") or {}
    try:
        return all(_label_requirement_matches(r, labels) for r in expressions) and all(
            _field_requirement_matches(r, metadata.get("name", "")) for r in fields
        )
    except InvalidSelector:
        return False


def _node_affinity(pod: dict) -> dict:
    return ((pod.get("spec") or {}).get("affinity") or {}).get("nodeAffinity") or {}


def required_matches(pod: dict, node: dict) -> bool:
    """Tell whether a node satisfies the pod's nodeSelector and required node affinity."""
    selector = (pod.get("spec") or {}).get("nodeSelector") or {}
    labels = (node.get("metadata") or {}).get("labels") or {}
    if any(labels.get(k) != v for k, v in selector.items()):
        return False
    required = _node_affinity(pod).get("requiredDuringSchedulingIgnoredDuringExecution")
    if required is None:
        return True
    # Terms are ORed; an empty list of terms matches nothing.
    return any(term_matches(t, node) for t in required.get("nodeSelectorTerms") or [])


class NodeAffinity:
    name = "NodeAffinity"

    def __init__(self, weight: int = 1) -> None:
        self.weight = weight

    def filter(self, state: CycleState, pod: dict, node_info: NodeInfo) -> Status:
        """Reject a node that misses the pod's nodeSelector or required affinity."""
        if required_matches(pod, node_info.node):
            return Status.success()
        return Status.unresolvable(ERR_REASON_POD)

    def score(self, state: CycleState, pod: dict, node_info: NodeInfo) -> int:
        """Sum the weights of the preferred terms the node matches."""
        preferred = _node_affinity(pod).get("preferredDuringSchedulingIgnoredDuringExecution")
        return sum(
            term.get("weight", 0)
            for term in preferred or []
            if term.get("weight") and term_matches(term.get("preference") or {}, node_info.node)
        )

    def normalize_scores(self, state: CycleState, pod: dict, scores: dict[str, int]) -> None:
        """Scale the summed weights to 0..MAX_NODE_SCORE."""
        default_normalize_score(scores)
