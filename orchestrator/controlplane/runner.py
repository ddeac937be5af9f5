"""Run components: each a loop over the clusters it serves, stoppable per cluster.

A component only acts on a cluster while etcd and kube-apiserver are up (it waits
otherwise, as real components retry against an unreachable API server) and while its
own switch in the cluster is on. Its memory is a cache: stopping it forgets that
memory, and starting it again rebuilds it from the store. The node agents wait out an API
outage with their memory (the machines keep running); the simulated clients need no API.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid

from django.db import close_old_connections

from orchestrator.models import Cluster
from orchestrator.store import notify, watch
from orchestrator.store.errors import Unavailable

from . import clock, leader, stepping

log = logging.getLogger(__name__)

MAX_WAIT = 0.25  # wall seconds between passes when nothing wakes the runner earlier


class Component:
    """A Kubernetes component. Subclasses implement `tick` for one cluster."""

    name = ""
    switch: str | None = None  # the cluster.components key that starts and stops it
    leader_elect = False
    housekeeping = False  # True: invisible upkeep that presenter stepping does not hold
    # While etcd or kube-apiserver is down a component cannot talk to the cluster: it stops and
    # forgets (starting again from a fresh list, as a restarted controller does) unless it
    # `waits_out_outages` (keeps its memory: the node agents' rules and caches stay on the
    # machines) or does not `need_api` at all (the simulated clients).
    needs_api = True
    waits_out_outages = False

    def __init__(self) -> None:
        self.memory: dict[int, dict] = {}

    def state(self, cluster: Cluster) -> dict:
        return self.memory.setdefault(cluster.pk, {})

    def reset(self, cluster_id: int) -> None:
        self.memory.pop(cluster_id, None)

    def tick(self, cluster: Cluster) -> float | None:
        """Do the work that is due; return simulated seconds until timed work is next due."""
        raise NotImplementedError


def api_up(cluster: Cluster) -> bool:
    return cluster.component_running("etcd") and cluster.component_running("kube-apiserver")


def runnable(cluster: Cluster, component: Component) -> bool:
    if component.needs_api and not api_up(cluster):
        return False
    return component.switch is None or cluster.component_running(component.switch)


class Runner:
    """Drive components over every cluster, in a thread or step by step (tests)."""

    def __init__(self, components: list[Component], *, identity: str | None = None, clusters: list[str] | None = None):
        self.components = components
        self.identity = identity or f"{socket.gethostname()}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        self.cluster_names = clusters
        self._backoff: dict[tuple[str, int], tuple[float, float]] = {}
        self._leases: dict[tuple[str, int], dict] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.sim_wait: float | None = None

    def clusters(self) -> list[Cluster]:
        qs = Cluster.objects.all()
        if self.cluster_names:
            qs = qs.filter(name__in=self.cluster_names)
        return list(qs)

    def step(self) -> float:
        """Run one pass over every cluster; return how long (wall seconds) to wait before the next."""
        wait = MAX_WAIT
        self.sim_wait = None  # simulated seconds until the earliest timed work (for tests)
        live = set()
        for cluster in self.clusters():
            live.add(cluster.pk)
            stepped, next_work = False, None
            for component in self.components:
                delay, wrote = self._tick(component, cluster)
                stepped = stepped or wrote
                if delay is not None:
                    wait = min(wait, clock.wall_delay(cluster, delay))
                    self.sim_wait = delay if self.sim_wait is None else min(self.sim_wait, delay)
                    if not component.housekeeping:
                        next_work = delay if next_work is None else min(next_work, delay)
            if cluster.stepping and not stepped and stepping.advance_to_work(cluster, next_work):
                wait = 0.0
        for component in self.components:
            for cluster_id in list(component.memory):
                if cluster_id not in live:
                    component.reset(cluster_id)
        return max(wait, 0.0)

    def _tick(self, component: Component, cluster: Cluster) -> tuple[float | None, bool]:
        """Run one component on one cluster; return its delay and whether it took a step."""
        key = (component.name, cluster.pk)
        if not runnable(cluster, component):
            if api_up(cluster) or not component.waits_out_outages:
                component.reset(cluster.pk)
            self._leases.pop(key, None)
            return None, False
        now = time.monotonic()
        failures, until = self._backoff.get(key, (0, 0.0))
        if now < until:
            return None, False
        if component.leader_elect and not leader.acquire_or_renew(
            cluster=cluster, component=component.name, identity=self.identity, memo=self._leases.setdefault(key, {})
        ):
            component.reset(cluster.pk)
            return None, False
        held = cluster.stepping and not component.housekeeping
        if held and not stepping.claim(cluster):
            return None, False
        before = watch.current_revision(cluster) if held else 0
        delay, took = None, False
        try:
            delay = component.tick(cluster)
            self._backoff.pop(key, None)
        except Unavailable:
            pass
        except Exception:
            failures += 1
            pause = min(0.1 * 2**failures, 30.0)
            log.exception("%s failed on cluster %s; retrying in %.1fs", component.name, cluster.name, pause)
            self._backoff[key] = (failures, now + pause)
            component.reset(cluster.pk)
        finally:
            if held:
                took = stepping.wrote_a_step(cluster, before, watch.current_revision(cluster))
                (stepping.count_taken if took else stepping.give_back)(cluster)
        return delay, took

    # -- threads ----------------------------------------------------------------------
    def run(self) -> None:
        while not self._stop.is_set():
            generation = notify.generation()
            try:
                wait = self.step()
            except Exception:
                log.exception("runner pass failed")
                wait = 1.0
            finally:
                close_old_connections()
            if wait > 0:
                notify.wait_any(generation, timeout=wait)

    def start(self, name: str = "") -> "Runner":
        self._thread = threading.Thread(target=self.run, name=name or "+".join(c.name for c in self.components), daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        notify.wake_all()
        if self._thread is not None:
            self._thread.join(timeout)
