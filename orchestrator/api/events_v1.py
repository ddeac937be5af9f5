"""events.k8s.io/v1 Events: the same stored Events as core/v1, in the newer shape."""
from __future__ import annotations

import copy

RENAMES = (  # (core/v1 field, events.k8s.io/v1 field)
    ("involvedObject", "regarding"),
    ("related", "related"),
    ("message", "note"),
    ("reason", "reason"),
    ("type", "type"),
    ("action", "action"),
    ("series", "series"),
    ("eventTime", "eventTime"),
    ("reportingComponent", "reportingController"),
    ("reportingInstance", "reportingInstance"),
    ("source", "deprecatedSource"),
    ("firstTimestamp", "deprecatedFirstTimestamp"),
    ("lastTimestamp", "deprecatedLastTimestamp"),
    ("count", "deprecatedCount"),
)


def from_core(obj: dict) -> dict:
    out = {"apiVersion": "events.k8s.io/v1", "kind": "Event", "metadata": copy.deepcopy(obj["metadata"])}
    for core, new in RENAMES:
        if obj.get(core) not in (None, "", {}):
            out[new] = copy.deepcopy(obj[core])
    out.setdefault("eventTime", None)
    return out


def to_core(obj: dict) -> dict:
    out = {"apiVersion": "v1", "kind": "Event", "metadata": copy.deepcopy(obj.get("metadata") or {})}
    for core, new in RENAMES:
        if obj.get(new) not in (None, "", {}):
            out[core] = copy.deepcopy(obj[new])
    return out
