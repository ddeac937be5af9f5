"""Facts about pods that several controllers need."""
from __future__ import annotations

from orchestrator.store.serialize import parse_time


def condition(obj_status: dict, kind: str) -> dict | None:
    return next((c for c in obj_status.get("conditions") or [] if c.get("type") == kind), None)


def is_ready(status: dict) -> bool:
    ready = condition(status, "Ready")
    return bool(ready and ready.get("status") == "True")


def available_at(status: dict, min_ready_seconds: int) -> float | None:
    """Return the simulated time the pod becomes available (ready for minReadySeconds), or None."""
    ready = condition(status, "Ready")
    if not ready or ready.get("status") != "True":
        return None
    since = parse_time(ready.get("lastTransitionTime"))
    return (since.timestamp() if since else 0.0) + min_ready_seconds


def is_available(status: dict, min_ready_seconds: int, now: float) -> bool:
    at = available_at(status, min_ready_seconds)
    return at is not None and at <= now


def owner_reference(owner: dict, *, block: bool = True) -> dict:
    """Return a controller ownerReference pointing at `owner`."""
    meta = owner["metadata"]
    return {
        "apiVersion": owner["apiVersion"],
        "kind": owner["kind"],
        "name": meta["name"],
        "uid": meta["uid"],
        "controller": True,
        "blockOwnerDeletion": block,
    }
