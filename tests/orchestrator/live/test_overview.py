"""The teacher's overview: each cluster's nodes, pods as states, counts and health verdict."""
from __future__ import annotations

import json

import pytest

from orchestrator.controlplane.clusters import cluster_create, component_set
from orchestrator.live.overview import clusters_overview
from orchestrator.models import Machine, Node
from orchestrator.nodes.machines import machine_power
from orchestrator.store import services
from tests.e2e.helpers import create_deployment, live_pods, nodes_ready, running_pods

pytestmark = pytest.mark.django_db


def summary(name: str = "demo") -> dict:
    return next(c for c in clusters_overview() if c["name"] == name)


@pytest.fixture
def ready(cluster, sim):
    sim.run_until(lambda: nodes_ready(cluster), within=10, what="four Ready nodes")
    return sim


def test_a_healthy_cluster_draws_its_nodes_with_their_pods(cluster, ready):
    create_deployment(cluster, replicas=3)
    ready.run_until(lambda: len(running_pods(cluster, "web")) == 3, within=30, what="3 running pods")
    s = summary()
    assert s["health"] == {"level": "healthy", "text": "healthy", "problems": []}
    assert s["counts"] == {"nodes": {"ready": 4, "total": 4},
                           "pods": {"running": 3, "pending": 0, "failing": 0, "terminating": 0, "succeeded": 0}}
    assert s["components"] == {"etcd": True, "kube-apiserver": True, "kube-scheduler": True, "kube-controller-manager": True}
    assert [(n["name"], n["role"], n["status"], n["powered"]) for n in s["nodes"]] == [
        ("control-plane", "control-plane", "Ready", True), ("worker-1", "worker", "Ready", True),
        ("worker-2", "worker", "Ready", True), ("worker-3", "worker", "Ready", True)]
    dots = [p for n in s["nodes"] for p in n["pods"]]
    assert sorted(p["name"] for p in dots) == sorted(f"default/{p.name}" for p in running_pods(cluster, "web"))
    assert {p["state"] for p in dots} == {"ready"}
    assert s["pending"] == []
    assert s["links"] == {"page": "/clusters/demo/playground/", "kubeconfig": "/clusters/demo/playground/kubeconfig"}


def test_a_powered_off_worker_degrades_the_cluster_then_shows_not_ready(cluster, ready):
    machine_power(machine=Machine.objects.get(cluster=cluster, name="worker-2"), on=False)
    s = summary()
    assert s["health"]["text"] == "degraded: worker-2 powered off"
    worker2 = next(n for n in s["nodes"] if n["name"] == "worker-2")
    assert (worker2["powered"], worker2["status"]) == (False, "Ready")  # the control plane has not noticed yet
    ready.run_until(lambda: Node.objects.get(cluster=cluster, name="worker-2").ready == "Unknown", within=15, what="worker-2 Unknown")
    s = summary()
    assert s["health"] == {"level": "degraded", "text": "degraded: worker-2 NotReady (powered off)",
                           "problems": ["worker-2 NotReady (powered off)"]}
    assert s["counts"]["nodes"] == {"ready": 3, "total": 4}
    assert next(n for n in s["nodes"] if n["name"] == "worker-2")["status"] == "Unknown"


def test_a_stopped_scheduler_leaves_pods_pending_in_the_tray(cluster, ready):
    component_set(cluster=cluster, component="kube-scheduler", running=False)
    create_deployment(cluster, replicas=2)
    ready.run_until(lambda: len(live_pods(cluster, "web")) == 2, within=10, what="2 pods created")
    s = summary()
    assert s["health"]["text"] == "degraded: kube-scheduler stopped"
    assert s["components"]["kube-scheduler"] is False
    assert s["counts"]["pods"]["pending"] == 2
    assert [p["state"] for p in s["pending"]] == ["pending", "pending"]


def test_unschedulable_and_crashing_pods_are_named_in_the_verdict(cluster, ready):
    big = {"metadata": {"name": "huge", "namespace": "default"},
           "spec": {"containers": [{"name": "c", "image": "nginx:1.25", "resources": {"requests": {"cpu": "64"}}}]}}
    services.object_create(cluster=cluster, kind="Pod", obj=big)
    create_deployment(cluster, name="api", replicas=2, image="playground/crash:1")
    ready.run_until(lambda: summary()["counts"]["pods"]["failing"] == 2, within=30, what="2 crashing pods")
    ready.run_until(lambda: "1 pod unschedulable" in summary()["health"]["problems"], within=10, what="huge unschedulable")
    s = summary()
    assert s["health"]["text"] == "degraded: 2 pods failing, 1 pod unschedulable"
    assert {p["state"] for n in s["nodes"] for p in n["pods"]} == {"crash"}
    assert s["pending"] == [{"name": "default/huge", "state": "pending", "status": "Pending"}]


def test_a_stopped_api_server_means_the_cluster_is_down(cluster, ready):
    component_set(cluster=cluster, component="kube-apiserver", running=False)
    s = summary()
    assert s["health"]["level"] == "down"
    assert s["health"]["text"] == "down: kube-apiserver stopped"


def test_a_cluster_still_registering_its_nodes_says_so(db):
    cluster_create(name="fresh")
    s = summary("fresh")
    assert s["counts"]["nodes"] == {"ready": 0, "total": 4}
    assert s["health"] == {"level": "starting", "text": "starting: 4 nodes registering", "problems": ["4 nodes registering"]}
    assert {n["status"] for n in s["nodes"]} == {""}
    machine_power(machine=Machine.objects.get(cluster__name="fresh", name="worker-3"), on=False)
    assert summary("fresh")["health"]["text"] == "degraded: worker-3 powered off, 3 nodes registering"


def test_a_long_list_of_problems_is_cut_short_in_the_text(cluster, ready):
    for name in ("worker-1", "worker-2", "worker-3"):
        machine_power(machine=Machine.objects.get(cluster=cluster, name=name), on=False)
    component_set(cluster=cluster, component="kube-scheduler", running=False)
    s = summary()
    assert s["health"]["text"] == "degraded: kube-scheduler stopped, worker-1 powered off, worker-2 powered off and 1 more"
    assert s["health"]["problems"][-1] == "worker-3 powered off"


def test_the_summary_costs_the_same_few_queries_for_any_number_of_clusters(db, django_assert_num_queries):
    cluster_create(name="a")
    with django_assert_num_queries(4):
        assert len(clusters_overview()) == 1
    for name in ("b", "c", "d", "e"):
        cluster_create(name=name)
    with django_assert_num_queries(4):
        assert [c["name"] for c in clusters_overview()] == ["a", "b", "c", "d", "e"]


def test_the_json_endpoint_lists_every_cluster_and_no_learner_token(client, cluster):
    cluster_create(name="alice", owner="alice-token-0123456789abcdefghij")
    response = client.get("/teacher/overview.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert [c["name"] for c in body["clusters"]] == ["alice", "demo"]
    assert "alice-token" not in json.dumps(body)


def test_the_teacher_page_links_every_cluster(client, cluster):
    html = client.get("/teacher/").content.decode()
    assert 'href="/clusters/demo/playground/"' in html
    assert 'id="overview-data"' in html


@pytest.mark.parametrize("phase, status, state", [
    ("Failed", "Evicted", "evicted"), ("Failed", "Error", "failed"), ("Succeeded", "Completed", "succeeded"),
    ("Running", "CrashLoopBackOff", "crash"), ("Pending", "ImagePullBackOff", "imgerr"),
])
def test_pod_states_are_the_cluster_pages_states(phase, status, state):
    from orchestrator.live.overview import COUNTED, pod_state

    assert pod_state(phase=phase, node="worker-1", deleting=False, ready=False, status=status) == state
    assert COUNTED[state] == ("succeeded" if state == "succeeded" else "failing")
