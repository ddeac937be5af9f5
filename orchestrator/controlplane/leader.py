"""Leader election through Lease objects, as kube-scheduler and kube-controller-manager do it.

Several processes may run the same component; only the holder of the component's Lease in
kube-system acts. A holder that stops renewing loses it after `LEASE_SECONDS` of wall
time (scaled into simulated time, so a fast clock does not expire a live leader).
"""
from __future__ import annotations

import time

from orchestrator.models import Cluster
from orchestrator.store.errors import StoreError
from orchestrator.store.serialize import format_micro_time, parse_time
from orchestrator.store.services import Batch

LEASE_SECONDS = 15
RENEW_SECONDS = 2


def _holds(spec: dict, identity: str) -> bool:
    return spec.get("holderIdentity") == identity


def acquire_or_renew(*, cluster: Cluster, component: str, identity: str, memo: dict) -> bool:
    """Return whether `identity` leads `component` in the cluster, renewing the Lease as needed.

    `memo` remembers the last renewal so a leader writes at most every RENEW_SECONDS.
    """
    now = time.time()
    if memo.get("leader") and now - memo.get("renewed", 0) < RENEW_SECONDS:
        return True
    try:
        with Batch(cluster, component=component) as batch:
            batch.lock()
            row = batch.row("Lease", "kube-system", component)
            stamp = format_micro_time(batch.now)
            if row is None:
                batch.create("Lease", {
                    "metadata": {"name": component, "namespace": "kube-system"},
                    "spec": {"holderIdentity": identity, "leaseDurationSeconds": LEASE_SECONDS, "acquireTime": stamp, "renewTime": stamp, "leaseTransitions": 0},
                })
            else:
                spec = dict(row.spec)
                renewed = parse_time(spec.get("renewTime"))
                limit = spec.get("leaseDurationSeconds", LEASE_SECONDS) * max(1.0, cluster.clock_speed)
                expired = renewed is None or (batch.now - renewed).total_seconds() > limit
                if not _holds(spec, identity) and not expired:
                    memo["leader"] = False
                    return False
                if not _holds(spec, identity):
                    spec["leaseTransitions"] = int(spec.get("leaseTransitions", 0)) + 1
                    spec["acquireTime"] = stamp
                spec.update(holderIdentity=identity, renewTime=stamp, leaseDurationSeconds=LEASE_SECONDS)
                batch.update("Lease", {"metadata": {"name": component, "namespace": "kube-system", "resourceVersion": str(row.resource_version)}, "spec": spec})
    except StoreError:
        memo["leader"] = False
        return False
    memo.update(leader=True, renewed=now)
    return True
