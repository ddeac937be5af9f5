"""The replay, export and import endpoints, as the page and scripts call them."""
from __future__ import annotations

import json

import yaml

from orchestrator.models import Cluster, Machine
from orchestrator.nodes.machines import machine_power
from orchestrator.store import services, watch
from tests.e2e.helpers import create_deployment, nodes_ready, running_pods


def get(client, path):
    response = client.get(path)
    return response.status_code, json.loads(response.content)


def test_history_range_snapshot_and_deltas_in_the_live_protocol(client, cluster, sim):
    sim.run_until(lambda: nodes_ready(cluster), within=10, what="four Ready nodes")
    before = watch.current_revision(cluster)
    create_deployment(cluster, replicas=2)
    sim.run_until(lambda: len(running_pods(cluster, "web")) == 2, within=30, what="2 running pods")
    machine_power(machine=Machine.objects.get(cluster=cluster, name="worker-1"), on=False)
    after = watch.current_revision(cluster)

    code, history = get(client, "/clusters/demo/playground/history")
    assert code == 200
    assert history["oldest"]["revision"] == 1 and history["newest"]["revision"] == after
    assert history["points"][-1][0] == after

    code, then = get(client, f"/clusters/demo/playground/history/{before}")
    assert code == 200 and then["type"] == "snapshot" and then["revision"] == before
    assert not [v for v in then["objects"] if v["kind"] in ("Pod", "Deployment")]
    assert {v["key"] for v in then["objects"] if v["kind"] == "Node"} == {"control-plane", "worker-1", "worker-2", "worker-3"}

    code, played = get(client, f"/clusters/demo/playground/history/{before}/{after}")
    assert code == 200 and played["from"] == before and played["to"] == after
    frames = played["frames"]
    assert frames[0]["from"] == before and frames[-1]["to"] == after
    assert all(a["to"] == b["from"] for a, b in zip(frames, frames[1:]))
    upserts = [c["object"] for f in frames for c in f["changes"] if c["op"] == "upsert"]
    assert {o["key"] for o in upserts if o["kind"] == "Deployment"} == {"default/web"}
    assert len({o["key"] for o in upserts if o["kind"] == "Pod"}) == 2
    assert [m["powered"] for m in frames[-1]["machines"] if m["name"] == "worker-1"] == [False]


def test_history_refusals_are_statuses(client, cluster):
    current = watch.current_revision(cluster)
    code, body = get(client, f"/clusters/demo/playground/history/{current + 1}")
    assert (code, body["reason"]) == (400, "BadRequest")
    assert body["message"] == f"revision {current + 1} has not happened yet: the cluster is at revision {current}"
    code, body = get(client, "/clusters/demo/playground/history/yesterday")
    assert (code, body["message"]) == (400, 'revision must be a revision number, not "yesterday"')
    code, body = get(client, "/clusters/demo/playground/history?window=soon")
    assert code == 400 and "window" in body["message"]
    for i in range(4):
        services.object_create(cluster=cluster, kind="ConfigMap", obj={"metadata": {"name": f"c{i}", "namespace": "default"}})
    horizon = watch.compact(cluster=cluster, retain=2)
    code, body = get(client, f"/clusters/demo/playground/history/{horizon - 1}")
    assert (code, body["reason"]) == (410, "Expired")
    assert f"the history starts at revision {horizon}" in body["message"]
    code, body = get(client, f"/clusters/demo/playground/history/{horizon - 1}/{horizon}")
    assert code == 410
    code, body = get(client, "/clusters/nowhere/playground/history")
    assert code == 404


def test_export_and_import_over_http(client, cluster):
    services.object_create(cluster=cluster, kind="ConfigMap", obj={"metadata": {"name": "settings", "namespace": "default"}, "data": {"a": "1"}})
    response = client.get("/clusters/demo/playground/export")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/yaml")
    assert 'filename="cluster-demo.yaml"' in response["Content-Disposition"]
    text = response.content.decode()
    documents = list(yaml.safe_load_all(text))
    assert [d["kind"] for d in documents] == ["PlaygroundCluster", "ConfigMap"]

    response = client.post("/clusters/import?name=copy", data=text, content_type="application/yaml")
    assert response.status_code == 201, response.content
    body = json.loads(response.content)
    assert body["name"] == "copy" and body["imported"] == [{"kind": "ConfigMap", "namespace": "default", "name": "settings", "action": "created"}]
    assert [n["name"] for n in body["nodes"]] == ["control-plane", "worker-1", "worker-2", "worker-3"]

    response = client.post("/clusters/import", data={"name": "copy2", "yaml": text}, content_type="application/json")
    assert response.status_code == 201, response.content
    copied = list(yaml.safe_load_all(client.get("/clusters/copy2/playground/export").content))
    assert copied[1:] == documents[1:]


def test_a_refused_import_over_http_names_the_line_and_creates_nothing(client, cluster):
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n---\napiVersion: v1\nkind: Widget\nmetadata:\n  name: w\n"
    response = client.post("/clusters/import?name=copy", data=text, content_type="application/yaml")
    assert response.status_code == 422
    body = json.loads(response.content)
    assert body["kind"] == "Status" and body["message"] == 'line 6: no matches for kind "Widget" in version "v1"'
    assert body["details"]["causes"][0] == {"reason": "FieldValueNotSupported", "message": 'no matches for kind "Widget" in version "v1"', "field": "kind", "line": 7}
    assert list(Cluster.objects.values_list("name", flat=True)) == ["demo"]

    response = client.post("/clusters/import", data={"yaml": 5}, content_type="application/json")
    assert response.status_code == 400 and "body must be" in json.loads(response.content)["message"]
    response = client.post("/clusters/import?name=demo", data=text.split("---")[0], content_type="application/yaml")
    assert response.status_code == 409
    assert json.loads(response.content)["message"] == 'cluster "demo" already exists'
    assert list(Cluster.objects.values_list("name", flat=True)) == ["demo"]
