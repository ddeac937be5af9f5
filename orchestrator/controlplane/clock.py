"""The simulated clock of a cluster.

Simulated time runs at `clock_speed` times wall time and stands still while paused.
Its state lives in the Cluster row, so every process reads the same time.
"""
from __future__ import annotations

import time
from datetime import datetime, timezone

from django.db import transaction

from orchestrator.models import Cluster
from orchestrator.store import notify


def sim_seconds(cluster: Cluster, *, wall: float | None = None) -> float:
    """Return the cluster's simulated time as seconds since the epoch."""
    if cluster.clock_paused:
        return cluster.clock_sim_anchor
    wall = time.time() if wall is None else wall
    return cluster.clock_sim_anchor + (wall - cluster.clock_wall_anchor) * cluster.clock_speed


def sim_now(cluster: Cluster) -> datetime:
    return datetime.fromtimestamp(sim_seconds(cluster), tz=timezone.utc)


def wall_delay(cluster: Cluster, sim_delay: float) -> float:
    """Return how many wall seconds `sim_delay` simulated seconds take now (inf when paused)."""
    if cluster.clock_paused or cluster.clock_speed <= 0:
        return float("inf")
    return sim_delay / cluster.clock_speed


def clock_start(cluster: Cluster) -> None:
    """Anchor a new cluster's clock at the present (not saved)."""
    now = time.time()
    cluster.clock_sim_anchor = now
    cluster.clock_wall_anchor = now


MAX_SPEED = 1000


def speed_problem(speed: float) -> str | None:
    """What is wrong with `speed` as a clock speed, or None."""
    return None if 0 < speed <= MAX_SPEED else f"clock speed must be greater than 0 and at most {MAX_SPEED}"


def clock_set(*, cluster: Cluster, speed: float | None = None, paused: bool | None = None, advance: float = 0.0) -> Cluster:
    """Change speed, pause or jump ahead `advance` simulated seconds, keeping time continuous."""
    problem = None if speed is None else speed_problem(speed)
    if problem:
        raise ValueError(problem)
    if advance < 0:
        raise ValueError("the clock cannot go backwards")
    now = time.time()
    cluster.clock_sim_anchor = sim_seconds(cluster, wall=now) + advance
    cluster.clock_wall_anchor = now
    if speed is not None:
        cluster.clock_speed = float(speed)
    if paused is not None:
        cluster.clock_paused = paused
    Cluster.objects.filter(pk=cluster.pk).update(
        clock_sim_anchor=cluster.clock_sim_anchor,
        clock_wall_anchor=cluster.clock_wall_anchor,
        clock_speed=cluster.clock_speed,
        clock_paused=cluster.clock_paused,
    )
    transaction.on_commit(lambda: notify.cluster_changed(cluster.pk))
    return cluster
