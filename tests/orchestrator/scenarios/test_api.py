"""The scenario control API: listing, start, check, action, next, leave, and its refusals."""
from __future__ import annotations

import json
import textwrap

import pytest

from orchestrator.models import Cluster, Deployment, Machine
from orchestrator.store.services import object_create
from tests.e2e.helpers import deployment
from tests.lessons import BUILT_IN
from tests.sim import Simulation

BASE = "/clusters/demo/playground"


def call(client, method, path, body=None, raw=None):
    data = raw if raw is not None else (json.dumps(body) if body is not None else "")
    response = getattr(client, method.lower())(BASE + path, data=data, content_type="application/json")
    return response.status_code, response.json()


def test_listing_shows_the_built_ins_and_the_malformed_files(client, cluster, tmp_path, settings):
    settings.PLAYGROUND_SCENARIOS_DIR = str(tmp_path)
    (tmp_path / "mine.yaml").write_text("title: Mine\nsummary: x\nsteps:\n  - title: a\n    explanation: b\n    done: []\n")
    code, body = call(client, "GET", "/scenarios")
    assert code == 200
    assert body["active"] is None
    assert body["scenarios"][0] == {"name": "kill-a-node", "title": "Kill a node and watch recovery", "profile": "classroom",
                                    "summary": body["scenarios"][0]["summary"], "steps": 4, "source": "built-in",
                                    "file": "scenarios/kill-a-node.yaml"}
    assert len(body["scenarios"]) == len(BUILT_IN)
    [error] = body["errors"]
    assert error["line"] == 6 and error["problem"] == '"done" of step 1 must not be empty'
    assert error["message"] == f"{tmp_path}/mine.yaml, line 6: \"done\" of step 1 must not be empty"


@pytest.mark.parametrize("body, raw, code, message", [
    ({"name": "no-such-lesson"}, None, 404, 'scenario "no-such-lesson" not found'),
    ({}, None, 400, 'body must be {"name": "<scenario>"}'),
    ({"name": 3}, None, 400, 'body must be {"name": "<scenario>"}'),
    ({"name": "kill-a-node", "speed": 2}, None, 400, "unknown fields: speed (expected name)"),
    (None, "{not json", 400, "request body is not valid JSON"),
])
def test_bad_starts_are_refused_and_change_nothing(client, cluster, body, raw, code, message):
    object_create(cluster=cluster, kind="Deployment", obj=deployment(name="mine", replicas=1))
    status, out = call(client, "POST", "/scenario", body, raw)
    assert status == code
    assert out["kind"] == "Status" and message in out["message"]
    assert Cluster.objects.get(name="demo").pk == cluster.pk
    assert Deployment.objects.filter(cluster=cluster, name="mine").exists()
    assert call(client, "GET", "/scenario") == (200, {"active": False})


def test_a_scenario_whose_manifest_kubernetes_refuses_does_not_reset_the_cluster(client, cluster, tmp_path, settings):
    settings.PLAYGROUND_SCENARIOS_DIR = str(tmp_path)
    (tmp_path / "negative.yaml").write_text(textwrap.dedent("""\
        title: Negative
        summary: A deployment Kubernetes refuses.
        setup:
          manifests: |
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              replicas: -1
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec: {containers: [{name: web, image: nginx}]}
        steps:
          - title: a
            explanation: b
            done: [{pods: {selector: app=web, ready: 1}}]
        """))
    object_create(cluster=cluster, kind="Deployment", obj=deployment(name="mine", replicas=1))
    status, out = call(client, "POST", "/scenario", {"name": "negative"})
    assert status == 422
    assert out["details"]["causes"][0]["field"] == "spec.replicas"
    assert Cluster.objects.get(name="demo").pk == cluster.pk
    assert Deployment.objects.filter(cluster=cluster, name="mine").exists()


def test_a_scenario_run_through_the_api(client, cluster):
    object_create(cluster=cluster, kind="Deployment", obj=deployment(name="mine", replicas=1))
    status, run = call(client, "POST", "/scenario", {"name": "kill-a-node"})
    assert status == 201
    new = Cluster.objects.get(name="demo")
    assert new.pk != cluster.pk and not Deployment.objects.filter(cluster=new, name="mine").exists()
    assert (run["phase"], run["current"], [s["status"] for s in run["steps"]]) == ("setup", None, ["todo"] * 4)
    assert run["setup"]["conditions"] == ["6 pods of app=web Ready, on at least 3 nodes", "service web sends traffic to 6 ready pods"]
    assert run["steps"][0]["action"] == {"kind": "power_off", "label": "Power off worker-1"}
    assert run["steps"][1]["hint"] == "kubectl get nodes -w"

    status, out = call(client, "POST", "/scenario/action")
    assert status == 400 and "still being set up: wait until 6 pods of app=web Ready" in out["message"]

    sim = Simulation(new)
    run = sim.run_until(lambda: (r := call(client, "GET", "/scenario")[1])["phase"] == "steps" and r, within=60, what="set up")
    assert run["current"] == 0
    assert run["checks"] == [{"condition": "node worker-1 powered off", "satisfied": False, "detail": "powered on"}]
    assert call(client, "GET", "/scenarios")[1]["active"] == "kill-a-node"

    status, out = call(client, "POST", "/scenario/action")
    assert status == 200 and out["message"] == "worker-1 powered off"
    assert out["scenario"]["current"] == 1
    assert out["scenario"]["steps"][0]["status"] == "done" and out["scenario"]["steps"][0]["acted"]["revision"] > 0
    assert not Machine.objects.get(cluster=new, name="worker-1").powered
    checks = out["scenario"]["checks"]
    assert [c["satisfied"] for c in checks] == [False, False]
    assert checks[0]["detail"] == "Ready=True, taints: none"

    status, out = call(client, "POST", "/scenario/action")
    assert status == 400 and out["message"].startswith('step 2 ("The node controller notices the silence") has no action')

    status, run = call(client, "POST", "/scenario/next")
    assert status == 200 and run["current"] == 2
    assert run["steps"][1]["status"] == "done" and run["steps"][1]["skipped"] is True

    assert call(client, "DELETE", "/scenario") == (200, {"active": False})
    assert call(client, "GET", "/scenario") == (200, {"active": False})
    status, out = call(client, "POST", "/scenario/next")
    assert status == 400 and out["message"] == 'no scenario is running in cluster "demo": start one first'
    assert not Machine.objects.get(cluster=new, name="worker-1").powered  # leaving keeps the cluster as it is


def test_methods_and_unknown_clusters(client, cluster):
    assert client.put(BASE + "/scenario").status_code == 405
    assert client.get(BASE + "/scenario/action").status_code == 405
    response = client.get("/clusters/nope/playground/scenario")
    assert response.status_code == 404 and response.json()["message"] == 'cluster "nope" not found'
