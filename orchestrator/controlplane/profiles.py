"""Timing profiles: every delay in the simulation comes from one of these.

`kubernetes` holds Kubernetes' real defaults; `classroom` shortens the waits that make
a lesson drag (the node monitor grace period, the eviction toleration) while keeping
their order and their meaning.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Profile:
    name: str
    # kubelet
    lease_duration: float  # node Lease spec.leaseDurationSeconds
    lease_renew_interval: float  # how often the kubelet renews it
    image_pull_min: float
    image_pull_max: float
    container_start: float  # from image present to container running
    container_stop: float  # a container that handles SIGTERM stops after this
    crash_after: float  # a crashing container exits this long after starting
    backoff_base: float  # CrashLoopBackOff: base, doubling up to backoff_max
    backoff_max: float
    # control plane
    node_monitor_period: float
    node_monitor_grace: float  # NotReady/Unknown after this long without a heartbeat
    default_toleration_seconds: int  # not-ready/unreachable tolerations added to pods
    resync_period: float

    def as_dict(self) -> dict:
        return asdict(self)


PROFILES: dict[str, Profile] = {
    "classroom": Profile(
        name="classroom",
        lease_duration=6,
        lease_renew_interval=1,
        image_pull_min=1,
        image_pull_max=3,
        container_start=0.5,
        container_stop=1,
        crash_after=2,
        backoff_base=2,
        backoff_max=60,
        node_monitor_period=0.5,
        node_monitor_grace=6,
        default_toleration_seconds=5,
        resync_period=10,
    ),
    "kubernetes": Profile(
        name="kubernetes",
        lease_duration=40,
        lease_renew_interval=10,
        image_pull_min=2,
        image_pull_max=8,
        container_start=1,
        container_stop=2,
        crash_after=3,
        backoff_base=10,
        backoff_max=300,
        node_monitor_period=5,
        node_monitor_grace=40,
        default_toleration_seconds=300,
        resync_period=30,
    ),
}


def profile_for(name: str) -> Profile:
    return PROFILES.get(name, PROFILES["classroom"])
