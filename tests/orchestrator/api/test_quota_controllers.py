"""The pods quota against the controllers (issue 13, item 2): a ReplicaSet past the quota
creates what fits, says why in a FailedCreate event as Kubernetes' ReplicaSet controller does,
and the rest of the cluster goes on; room made later is filled."""
from __future__ import annotations

import pytest
from django.test import override_settings

from orchestrator.models import Event, Pod
from orchestrator.store.services import object_create, object_delete
from tests.e2e.helpers import deployment, nodes_ready

pytestmark = pytest.mark.django_db


def live_pods(cluster) -> int:
    return Pod.objects.filter(cluster=cluster, deletion_timestamp__isnull=True).count()


@override_settings(PLAYGROUND_MAX_PODS=5)
def test_a_replicaset_past_the_pods_quota_creates_what_fits_and_says_why(cluster, sim):
    sim.run_until(lambda: nodes_ready(cluster), within=10)
    object_create(cluster=cluster, kind="Deployment", obj=deployment("web", replicas=8))
    sim.run_until(lambda: live_pods(cluster) == 5, within=30, what="five pods")
    failed = sim.run_until(lambda: Event.objects.filter(cluster=cluster, reason="FailedCreate").first(), within=30, what="a FailedCreate event")
    assert failed.extra["type"] == "Warning"
    assert "exceeded quota: playground, requested: pods=1, used: pods=5, limited: pods=5" in failed.extra["message"]
    assert failed.extra["message"].startswith('Error creating: pods "web-')
    sim.settle(5)
    assert live_pods(cluster) == 5
    object_create(cluster=cluster, kind="Deployment", obj=deployment("other", replicas=0))  # the cluster still takes writes
    victim = Pod.objects.filter(cluster=cluster).first()
    object_delete(cluster=cluster, kind="Pod", namespace="default", name=victim.name, grace_period_seconds=0)
    sim.run_until(lambda: live_pods(cluster) == 5 and not Pod.objects.filter(cluster=cluster, name=victim.name).exists(),
                  within=60, what="the freed room filled again")
