"""The control API of the traffic stream: switching it, refusing bad settings, reading its stats."""
from __future__ import annotations

import json

import pytest

from orchestrator.models import TrafficSample
from orchestrator.store.services import object_create

from .conftest import web_service

URL = "/clusters/demo/playground/traffic"


def post(client, body, url=URL):
    raw = body if isinstance(body, str) else json.dumps(body)
    return client.post(url, raw, content_type="application/json")


@pytest.fixture
def served(cluster):
    web_service(cluster)
    return cluster


def test_switch_on_read_back_and_switch_off(served, client):
    assert client.get(URL).json() == {"on": False, "service": None, "port": None, "rate": None}
    response = post(client, {"service": "default/web", "rate": 20, "on": True})
    assert response.status_code == 200, response.content
    assert response.json() == {"on": True, "service": "default/web", "port": 80, "rate": 20}
    served.refresh_from_db()
    assert served.traffic == {"service": "default/web", "port": 80, "rate": 20}
    assert client.get(URL).json()["on"] is True
    assert post(client, {"on": False}).json() == {"on": False, "service": None, "port": None, "rate": None}
    served.refresh_from_db()
    assert served.traffic == {}


def test_a_name_without_namespace_means_default_and_a_named_port_is_accepted(served, client):
    web_service(served, name="multi", ports=[{"name": "http", "port": 80}, {"name": "admin", "port": 9000}])
    response = post(client, {"service": "multi", "rate": 3, "port": 9000, "on": True})
    assert response.status_code == 200, response.content
    assert response.json() == {"on": True, "service": "default/multi", "port": 9000, "rate": 3}


def field_causes(response) -> dict:
    return {c["field"]: c["message"] for c in response.json()["details"]["causes"]}


@pytest.mark.parametrize("body, code, expected", [
    ({"service": "default/nope", "rate": 5, "on": True}, 404, 'services "nope" not found'),
    ({"service": "team/web", "rate": 5, "on": True}, 404, 'services "web" not found'),
    ({"service": "default/web", "rate": 5, "on": True, "speed": 2}, 400, "unknown traffic fields: speed"),
    ({"service": "default/kubernetes", "rate": 5, "on": True}, 400, "has no selector"),
    ({"service": "default/headless", "rate": 5, "on": True}, 400, "is headless"),
    ("[1, 2]", 400, "request body must be a JSON object"),
    ("{nope", 400, "request body is not valid JSON"),
])
def test_bad_settings_are_refused_and_change_nothing(served, client, body, code, expected):
    web_service(served, name="headless", clusterIP="None")
    post(client, {"service": "default/web", "rate": 7, "on": True})
    response = post(client, body)
    assert response.status_code == code, response.content
    assert expected in response.json()["message"]
    served.refresh_from_db()
    assert served.traffic == {"service": "default/web", "port": 80, "rate": 7}


@pytest.mark.parametrize("body, causes", [
    ({"service": "default/web", "rate": 0, "on": True}, {"rate": "Invalid value: 0: must be a whole number of requests a second from 1 to 1000"}),
    ({"service": "default/web", "rate": "fast", "on": True}, {"rate": 'Invalid value: "fast": must be a whole number of requests a second from 1 to 1000'}),
    ({"service": "default/web", "rate": 2.5, "on": True}, {"rate": "Invalid value: 2.5: must be a whole number of requests a second from 1 to 1000"}),
    ({"service": "default/web", "on": True}, {"rate": "Required value"}),
    ({"rate": 5, "on": True}, {"service": "Required value"}),
    ({"service": "a/b/c", "rate": 5, "on": True}, {"service": 'Invalid value: "a/b/c": must be "namespace/name" or "name"'}),
    ({"service": "default/web", "rate": 5, "on": "yes"}, {"on": 'Invalid value: "yes": must be true or false'}),
    ({"service": "default/web", "rate": 5, "port": 8080, "on": True}, {"port": "Invalid value: 8080: service default/web has no port 8080 (ports: 80)"}),
    ({"service": "default/web", "rate": 5000, "port": "x", "on": True}, {
        "rate": "Invalid value: 5000: must be a whole number of requests a second from 1 to 1000",
        "port": 'Invalid value: "x": must be a port number'}),
])
def test_invalid_fields_are_named_in_a_422(served, client, body, causes):
    response = post(client, body)
    assert response.status_code == 422, response.content
    assert response.json()["reason"] == "Invalid"
    assert field_causes(response) == causes
    served.refresh_from_db()
    assert served.traffic == {}


def test_unknown_cluster_is_404(db, client):
    response = client.get("/clusters/ghost/playground/traffic")
    assert response.status_code == 404
    assert response.json()["message"] == 'cluster "ghost" not found'


def test_stats_report_series_pods_and_success_rate(served, client):
    post(client, {"service": "default/web", "rate": 4, "on": True})
    now = int(client.get(URL + "/stats").json()["now"])
    TrafficSample.objects.bulk_create([
        TrafficSample(cluster=served, service="default/web", t=now - 200, ok=4, failed=0, pods={"default/a": {"ok": 4, "failed": 0, "reasons": {}, "node": "worker-1"}}),
        TrafficSample(cluster=served, service="default/web", t=now - 1, ok=3, failed=1, reasons={"timeout": 1},
                      pods={"default/a": {"ok": 3, "failed": 0, "reasons": {}, "node": "worker-1"},
                            "default/b": {"ok": 0, "failed": 1, "reasons": {"timeout": 1}, "node": "worker-2"}}),
        TrafficSample(cluster=served, service="default/web", t=now, ok=4, failed=0, pods={"default/a": {"ok": 4, "failed": 0, "reasons": {}, "node": "worker-1"}}),
    ])
    body = client.get(URL + "/stats?seconds=120").json()
    assert body["service"] == "default/web" and body["on"] is True and body["rate"] == 4 and body["seconds"] == 120
    assert body["series"] == [
        {"t": now - 1, "ok": 3, "failed": 1, "reasons": {"timeout": 1}},
        {"t": now, "ok": 4, "failed": 0, "reasons": {}},
    ]
    assert body["pods"] == {
        "default/a": {"ok": 7, "failed": 0, "reasons": {}, "node": "worker-1"},
        "default/b": {"ok": 0, "failed": 1, "reasons": {"timeout": 1}, "node": "worker-2"},
    }
    assert body["successRate"] == 7 / 8
    assert body["reasons"] == {"timeout": 1}
    assert len(client.get(URL + "/stats?seconds=600").json()["series"]) == 3


@pytest.mark.parametrize("query", ["seconds=0", "seconds=601", "seconds=soon"])
def test_stats_refuse_a_bad_window(served, client, query):
    response = client.get(f"{URL}/stats?{query}")
    assert response.status_code == 400
    assert "seconds must be a whole number from 1 to 600" in response.json()["message"]


def test_stats_before_any_traffic_are_empty(served, client):
    body = client.get(URL + "/stats").json()
    assert body["service"] is None and body["series"] == [] and body["pods"] == {} and body["successRate"] is None


def test_traffic_follows_the_service_namespace(served, client):
    object_create(cluster=served, kind="Namespace", obj={"metadata": {"name": "team"}})
    object_create(cluster=served, kind="Service", obj={
        "metadata": {"name": "api", "namespace": "team"},
        "spec": {"selector": {"app": "api"}, "ports": [{"port": 8080}]},
    })
    response = post(client, {"service": "team/api", "rate": 2, "on": True})
    assert response.json() == {"on": True, "service": "team/api", "port": 8080, "rate": 2}
