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

from django.db import connection

from orchestrator.models import Cluster
from orchestrator.store import notify, watch
from orchestrator.store.errors import Unavailable

from . import clock, leader, stepping

log = logging.getLogger(__name__)

MAX_WAIT = 0.25  # wall seconds: the shortest wait a component's timed work is rounded to at a fast clock
POLL = 0.5  # wall seconds between looks at the clusters' rows (switches, clock, machines changed elsewhere)
IDLE_RECHECK = 10.0  # wall seconds after which a component with no timed work is ticked anyway
COALESCE = 0.1  # wall seconds: timed work due this soon is done in the pass at hand (one wake-up, not several)


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
    # The kinds whose commits wake it (None: every commit). Timed work it returns from `tick`
    # wakes it too, and so does any change to its cluster's row or machines.
    follows: tuple[str, ...] | None = None

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
    """Drive components over every cluster, in a thread or step by step (tests).

    `step()` ticks every component on every cluster (what tests drive). The thread does less:
    it ticks a component on a cluster only when a commit there wrote a kind it follows, when the
    timed work it asked for is due, or when the cluster's row changed; otherwise it sleeps. An
    idle cluster costs its timed work, not a pass per commit of every other cluster.
    """

    def __init__(self, components: list[Component], *, identity: str | None = None, clusters: list[str] | None = None, elect: bool = True):
        self.components = components
        self.identity = identity or f"{socket.gethostname()}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        self.cluster_names = clusters
        self.elect = elect  # False: the only process running these components needs no leader Lease
        self._backoff: dict[tuple[str, int], tuple[float, float]] = {}
        self._leases: dict[tuple[str, int], dict] = {}
        self._due: dict[tuple[str, int], float] = {}  # wall time each component is next due per cluster
        self._rows: dict[int, tuple] = {}  # what each cluster's row looked like at the last pass
        self._listed: tuple[float, list[Cluster]] | None = None  # the cluster rows, and when they were read
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.sim_wait: float | None = None

    def clusters(self) -> list[Cluster]:
        qs = Cluster.objects.defer("scenario", "allocations")  # what components need of the row, not the lesson's state
        if self.cluster_names:
            qs = qs.filter(name__in=self.cluster_names)
        return list(qs)

    def _clusters_for(self, dirty: dict[int, set[str]] | None, now: float) -> list[Cluster]:
        """The cluster rows for a pass: read afresh for a full pass, every POLL seconds, and when a
        cluster changed outside the log or is new; otherwise those of the last read."""
        if (
            dirty is None or self._listed is None or now - self._listed[0] >= POLL
            or any(notify.EVERYTHING in kinds for kinds in dirty.values())
            or not set(dirty) <= {c.pk for c in self._listed[1]}
        ):
            self._listed = (now, self.clusters())
        return self._listed[1]

    def kinds(self) -> set[str] | None:
        """The kinds whose commits wake this runner (None: every kind)."""
        if any(c.follows is None for c in self.components):
            return None
        return {kind for c in self.components for kind in c.follows}

    def step(self, dirty: dict[int, set[str]] | None = None) -> float:
        """Run one pass; return how long (wall seconds) to wait before the next.

        Without `dirty` every component ticks on every cluster. With it (the thread's passes),
        only those woken by a commit of a kind they follow, by their timed work or by a change
        of the cluster's row."""
        wait = MAX_WAIT if dirty is None else POLL
        self.sim_wait = None  # simulated seconds until the earliest timed work (for tests)
        live = set()
        now = time.monotonic()
        for cluster in self._clusters_for(dirty, now):
            live.add(cluster.pk)
            row = _row_state(cluster)
            # A changed row, or a revision this process was not told of (a write by another
            # process with no channel layer between them), makes every component look again.
            changed = self._rows.get(cluster.pk) != row or notify.latest(cluster.pk) < cluster.revision
            self._rows[cluster.pk] = row
            kinds = None if dirty is None or changed or cluster.stepping else dirty.get(cluster.pk, set())
            stepped, next_work = False, None
            for component in self.components:
                key = (component.name, cluster.pk)
                if kinds is not None and not _woken(component, kinds) and now + COALESCE < self._due.get(key, 0.0):
                    delay = None
                else:
                    cluster.woken_by = kinds  # what woke this pass (None: look at everything), for a component's caches
                    try:
                        delay, wrote = self._tick(component, cluster)
                    except Cluster.DoesNotExist:  # removed (or reset) during the pass: nothing left to do
                        component.reset(cluster.pk)
                        delay, wrote = None, False
                    stepped = stepped or wrote
                    self._due[key] = self._next_look(component, cluster, key, now, delay)
                if delay is not None:
                    self.sim_wait = delay if self.sim_wait is None else min(self.sim_wait, delay)
                    if not component.housekeeping:
                        next_work = delay if next_work is None else min(next_work, delay)
                wait = min(wait, self._due.get(key, now) - now)
            if cluster.stepping and not stepped and stepping.advance_to_work(cluster, next_work):
                wait = 0.0
        for component in self.components:
            for cluster_id in list(component.memory):
                if cluster_id not in live:
                    component.reset(cluster_id)
        for key in [k for k in self._due if k[1] not in live]:
            del self._due[key]
        for cluster_id in [c for c in self._rows if c not in live]:
            del self._rows[cluster_id]
        return max(wait, 0.0)

    def _next_look(self, component: Component, cluster: Cluster, key: tuple[str, int], now: float, delay: float | None) -> float:
        """When (wall time) to tick the component on the cluster again without being woken."""
        due = now + (IDLE_RECHECK if delay is None else clock.wall_delay(cluster, delay))
        if key in self._backoff:  # failed: try again when its back-off ends
            due = min(due, self._backoff[key][1])
        if self.elect and component.leader_elect:
            due = min(due, now + leader.RENEW_SECONDS)  # the leader renews its Lease; a standby looks whether it lapsed
        return due

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
        if self.elect and component.leader_elect and not leader.acquire_or_renew(
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
        except Cluster.DoesNotExist:
            raise  # the cluster went away during the pass: `step` forgets it quietly
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
        subscription = notify.Subscription(self.kinds())
        try:
            while not self._stop.is_set():
                try:
                    wait = self.step(subscription.take())
                except Exception:
                    log.exception("runner pass failed")
                    wait = 1.0
                    connection.close()  # a broken connection is opened afresh on the next pass
                if wait > 0:
                    subscription.wait(wait)
        finally:
            subscription.close()
            connection.close()

    def start(self, name: str = "") -> "Runner":
        self._thread = threading.Thread(target=self.run, name=name or "+".join(c.name for c in self.components), daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        notify.wake_all()
        if self._thread is not None:
            self._thread.join(timeout)


def _row_state(cluster: Cluster) -> tuple:
    """What, in a cluster's row, should make every component look again when it changes."""
    return (
        cluster.components, cluster.clock_paused, cluster.clock_speed, cluster.clock_sim_anchor, cluster.clock_wall_anchor,
        cluster.stepping, cluster.step_allowance, cluster.profile, cluster.traffic,
    )


def _woken(component: Component, kinds: set[str]) -> bool:
    if notify.EVERYTHING in kinds:
        return True
    return bool(kinds) and (component.follows is None or not kinds.isdisjoint(component.follows))
