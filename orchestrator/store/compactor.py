"""etcd's housekeeping: compact the revision log and expire old Events."""
from __future__ import annotations

from datetime import timedelta

from django.conf import settings

from orchestrator.controlplane import clock
from orchestrator.controlplane.runner import Component
from orchestrator.models import Cluster, Event

from . import watch
from .services import Batch

EVENT_TTL = timedelta(hours=1)  # kube-apiserver's default --event-ttl
EXPIRE_PER_PASS = 500
EVERY = 5.0  # simulated seconds between passes


class Compactor(Component):
    name = "etcd-compactor"
    switch = "etcd"
    housekeeping = True
    follows = ()  # its own timer

    def tick(self, cluster: Cluster) -> float | None:
        state = self.state(cluster)
        now = clock.sim_seconds(cluster)
        if now < state.get("next", 0):
            return state["next"] - now
        state["next"] = now + EVERY
        watch.compact(cluster=cluster, retain=settings.PLAYGROUND_REVISION_RETAIN)
        horizon = clock.sim_now(cluster) - EVENT_TTL
        expired = list(Event.objects.filter(cluster=cluster, creation_timestamp__lt=horizon).values_list("namespace", "name")[:EXPIRE_PER_PASS])
        if expired:
            with Batch(cluster, component="etcd") as batch:
                for namespace, name in expired:
                    batch.delete("Event", namespace, name)
        return EVERY
