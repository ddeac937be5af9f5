"""A cluster serving `web`: 6 nginx replicas over 3 workers behind Service default/web."""
from __future__ import annotations

import pytest

from orchestrator.models import Endpoints
from orchestrator.store.services import object_create
from tests.e2e.helpers import create_deployment, nodes_ready, running_pods


def web_service(cluster, name="web", **spec) -> dict:
    return object_create(cluster=cluster, kind="Service", obj={
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"selector": {"app": "web"}, "ports": [{"name": "http", "port": 80, "targetPort": 80}], **spec},
    })


def ready_addresses(cluster, name="web") -> list[dict]:
    endpoints = Endpoints.objects.filter(cluster=cluster, namespace="default", name=name).first()
    return [a for s in (endpoints.extra.get("subsets") or [] if endpoints else []) for a in s.get("addresses") or []]


def settle(sim, seconds: float) -> None:
    """Let `seconds` pass, then run every component once more at the present moment, so the
    traffic of the second the clock just entered is counted before the test reads it."""
    sim.settle(seconds)
    sim.step()


@pytest.fixture
def web(cluster, sim):
    """Six Ready `web` pods, two per worker, all listed as ready endpoints of Service web."""
    sim.run_until(lambda: nodes_ready(cluster), within=10, what="four Ready nodes")
    create_deployment(cluster, replicas=6)
    web_service(cluster)
    sim.run_until(lambda: len(running_pods(cluster, "web")) == 6, within=30, what="6 running pods")
    sim.run_until(lambda: len(ready_addresses(cluster)) == 6, within=5, what="6 ready endpoints")
    return cluster
