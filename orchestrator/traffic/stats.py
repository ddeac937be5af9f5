"""The traffic chart's data: the last seconds of a cluster's request stream, per second and per pod."""
from __future__ import annotations

import math
from collections import Counter

from orchestrator.controlplane import clock
from orchestrator.models import Cluster, TrafficSample
from orchestrator.store.errors import BadRequest

from .generator import HISTORY_SECONDS


def traffic_stats(*, cluster: Cluster, seconds: int = 120) -> dict:
    """The samples of the last `seconds` simulated seconds of the Service traffic goes to (or last
    went to, when off): {"service", "on", "rate", "now", "seconds", "series": [{"t", "ok", "failed",
    "reasons"}], "pods": {"ns/name": {"ok", "failed", "reasons", "node"}}, "reasons", "successRate"}.
    `t` and `now` are simulated seconds since the epoch; successRate is ok/(ok+failed), None when
    nothing was sent."""
    if isinstance(seconds, bool) or not isinstance(seconds, int) or not 1 <= seconds <= HISTORY_SECONDS:
        raise BadRequest(f"seconds must be a whole number from 1 to {HISTORY_SECONDS}")
    config = cluster.traffic or {}
    now = math.floor(clock.sim_seconds(cluster))
    samples = TrafficSample.objects.filter(cluster=cluster)
    service = config.get("service") or samples.order_by("-t").values_list("service", flat=True).first()
    rows = list(samples.filter(service=service, t__gt=now - seconds, t__lte=now).order_by("t")) if service else []
    pods: dict[str, dict] = {}
    reasons: Counter = Counter()
    for row in rows:
        reasons.update(row.reasons)
        for key, counts in row.pods.items():
            entry = pods.setdefault(key, {"ok": 0, "failed": 0, "reasons": Counter(), "node": ""})
            entry["ok"] += counts.get("ok", 0)
            entry["failed"] += counts.get("failed", 0)
            entry["reasons"].update(counts.get("reasons") or {})
            entry["node"] = counts.get("node") or entry["node"]
    ok = sum(r.ok for r in rows)
    total = ok + sum(r.failed for r in rows)
    return {
        "service": service, "on": bool(config), "rate": config.get("rate"), "now": now, "seconds": seconds,
        "series": [{"t": r.t, "ok": r.ok, "failed": r.failed, "reasons": r.reasons} for r in rows],
        "pods": pods, "reasons": dict(reasons), "successRate": ok / total if total else None,
    }
