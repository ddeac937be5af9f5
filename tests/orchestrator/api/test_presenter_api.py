"""The presenter controls' HTTP API: hold, step, read the steps back, and refusals."""
import pytest

from orchestrator.models import Cluster
from tests.e2e.helpers import create_deployment, nodes_ready, running_pods


def post(client, path, body):
    return client.post(path, body, content_type="application/json")


def test_hold_step_and_resume_over_http(cluster, sim, client):
    sim.run_until(lambda: nodes_ready(cluster), within=10, what="four Ready nodes")
    base = "/clusters/demo/playground/stepping"
    held = post(client, base, {"stepping": True}).json()
    assert held["stepping"] is True and held["allowance"] == held["taken"] == 0
    mark = held["revision"]
    create_deployment(cluster, replicas=2)
    for _ in range(5):
        sim.runner.step()
    assert "deployment-controller" not in [s["actor"] for s in client.get(f"{base}?after={mark}").json()["steps"]]

    granted = post(client, f"{base}/step", {"count": 1}).json()
    assert granted["allowance"] == 1
    for _ in range(10):
        sim.runner.step()
    state = client.get(f"{base}?after={mark}").json()
    assert (state["allowance"], state["taken"]) == (0, 1)
    steps = state["steps"]
    assert [s["actor"] for s in steps][-1] == "deployment-controller"
    assert any(b["reason"] == "ScalingReplicaSet" for b in steps[-1]["because"])
    assert steps[-1]["writes"][0]["kind"] == "ReplicaSet"

    resumed = post(client, base, {"stepping": False}).json()
    assert resumed["stepping"] is False
    assert not Cluster.objects.get(pk=cluster.pk).clock_paused


@pytest.mark.parametrize("path,body,message", [
    ("stepping", {"stepping": "yes"}, 'body must be {"stepping": true}'),
    ("stepping", {"stepping": True, "extra": 1}, 'body must be {"stepping": true}'),
    ("stepping/step", {"count": 1}, "pause it for stepping first"),
    ("stepping/step", {"steps": 1}, "unknown fields: steps"),
])
def test_bad_requests_are_refused_with_a_status_and_change_nothing(cluster, client, path, body, message):
    before = Cluster.objects.get(pk=cluster.pk)
    response = post(client, f"/clusters/demo/playground/{path}", body)
    assert response.status_code == 400
    status = response.json()
    assert status["kind"] == "Status" and message in status["message"]
    after = Cluster.objects.get(pk=cluster.pk)
    assert (after.stepping, after.step_allowance, after.clock_paused) == (before.stepping, before.step_allowance, before.clock_paused)


def test_bad_count_and_unknown_cluster(cluster, client):
    post(client, "/clusters/demo/playground/stepping", {"stepping": True})
    response = post(client, "/clusters/demo/playground/stepping/step", {"count": 0})
    assert response.status_code == 400 and "count must be" in response.json()["message"]
    assert Cluster.objects.get(pk=cluster.pk).step_allowance == 0
    assert client.get("/clusters/demo/playground/stepping?after=x").status_code == 400
    missing = client.get("/clusters/nope/playground/stepping")
    assert missing.status_code == 404 and missing.json()["reason"] == "NotFound"
