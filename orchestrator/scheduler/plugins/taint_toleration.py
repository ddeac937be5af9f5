"""TaintToleration: keep pods off nodes whose taints they do not tolerate."""

from __future__ import annotations

from orchestrator.scheduler.framework import (
    CycleState,
    NodeInfo,
    Status,
    default_normalize_score,
)

# Only these effects keep a new pod off a node; PreferNoSchedule merely scores.
DO_NOT_SCHEDULE_EFFECTS = ("NoSchedule", "NoExecute")


def tolerates(toleration: dict, taint: dict) -> bool:
    """Tell whether one toleration tolerates one taint (v1 Toleration.ToleratesTaint)."""
    effect = toleration.get("effect") or ""
    if effect and effect != taint.get("effect"):
        return False
    key = toleration.get("key") or ""
    # An empty key only makes sense with Exists: it matches every taint.
    if key and key != taint.get("key"):
        return False
    operator = toleration.get("operator") or "Equal"
    if operator == "Exists":
        return True
    if operator == "Equal":
        return (toleration.get("value") or "") == (taint.get("value") or "")
    return False


def tolerations_tolerate(tolerations: list[dict], taint: dict) -> bool:
    """Tell whether any of the tolerations tolerates the taint."""
    return any(tolerates(t, taint) for t in tolerations)


def pod_tolerations(pod: dict) -> list[dict]:
    """Return the pod's tolerations (possibly empty)."""
    return (pod.get("spec") or {}).get("tolerations") or []


def node_taints(node: dict) -> list[dict]:
    """Return the node's taints (possibly empty)."""
    return (node.get("spec") or {}).get("taints") or []


def find_untolerated_taint(taints: list[dict], tolerations: list[dict]) -> dict | None:
    """Return the first NoSchedule/NoExecute taint no toleration tolerates, else None."""
    for taint in taints:
        if taint.get("effect") in DO_NOT_SCHEDULE_EFFECTS and not tolerations_tolerate(
            tolerations, taint
        ):
            return taint
    return None


class TaintToleration:
    name = "TaintToleration"

    def __init__(self, weight: int = 1) -> None:
        self.weight = weight

    def filter(self, state: CycleState, pod: dict, node_info: NodeInfo) -> Status:
        """Reject the node if it has a NoSchedule/NoExecute taint the pod does not tolerate."""
        taint = find_untolerated_taint(node_taints(node_info.node), pod_tolerations(pod))
        if taint is None:
            return Status.success()
        key, value = taint.get("key", ""), taint.get("value") or ""
        return Status.unresolvable(f"node(s) had untolerated taint {{{key}: {value}}}")

    def score(self, state: CycleState, pod: dict, node_info: NodeInfo) -> int:
        """Count the node's PreferNoSchedule taints the pod does not tolerate."""
        # Only tolerations that cover PreferNoSchedule (or every effect) count.
        tolerations = [
            t
            for t in pod_tolerations(pod)
            if (t.get("effect") or "PreferNoSchedule") == "PreferNoSchedule"
        ]
        return sum(
            1
            for taint in node_taints(node_info.node)
            if taint.get("effect") == "PreferNoSchedule"
            and not tolerations_tolerate(tolerations, taint)
        )

    def normalize_scores(self, state: CycleState, pod: dict, scores: dict[str, int]) -> None:
        """Turn counts into scores where fewer intolerable taints is better."""
        default_normalize_score(scores, reverse=True)
