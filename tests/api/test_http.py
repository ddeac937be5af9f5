"""The Kubernetes API over plain HTTP: discovery, errors, watches and subresources."""
import json
import socket
import time

import pytest

from tests.live import wait_for

DEPLOY = {
    "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
    "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
             "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "nginx:1.25"}]}}},
}


@pytest.fixture
def base(cluster_name):
    return f"/clusters/{cluster_name}"


def revision(server, base) -> int:
    return int(server.json("GET", f"{base}/api/v1/namespaces")[1]["metadata"]["resourceVersion"])


def test_aggregated_discovery_echoes_the_version_it_serves(server, base):
    accept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"
    code, raw, headers = server.request("GET", f"{base}/apis", headers={"Accept": accept})
    assert code == 200
    assert headers["Content-Type"] == "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
    groups = {g["metadata"]["name"]: g for g in json.loads(raw)["items"]}
    apps = {r["resource"]: r for r in groups["apps"]["versions"][0]["resources"]}
    assert apps["deployments"]["shortNames"] == ["deploy"] and apps["deployments"]["categories"] == ["all"]
    assert {s["subresource"] for s in apps["deployments"]["subresources"]} == {"status", "scale"}
    code, raw, headers = server.request("GET", f"{base}/api", headers={"Accept": accept.replace("v=v2;", "v=v2beta1;")})
    assert headers["Content-Type"].startswith("application/json;g=apidiscovery.k8s.io;v=v2beta1")
    legacy = server.json("GET", f"{base}/api/v1")[1]
    assert "pods/eviction" in [r["name"] for r in legacy["resources"]]


@pytest.mark.parametrize(
    "method, path, body, content_type, code, reason",
    [
        ("POST", "/apis/apps/v1/namespaces/default/deployments", b"{not json", "application/json", 400, "BadRequest"),
        ("POST", "/apis/apps/v1/namespaces/default/deployments", b"kind: [unclosed", "application/yaml", 400, "BadRequest"),
        ("POST", "/apis/apps/v1/namespaces/default/deployments", json.dumps({**DEPLOY, "kind": "ReplicaSet"}).encode(), "application/json", 400, "BadRequest"),
        ("POST", "/apis/apps/v1/namespaces/default/deployments", json.dumps({**DEPLOY, "metadata": {"name": "web", "namespace": "other"}}).encode(), "application/json", 400, "BadRequest"),
        ("POST", "/apis/apps/v1/namespaces/default/deployments?fieldValidation=Strict", json.dumps({**DEPLOY, "spec": {**DEPLOY["spec"], "replicass": 2}}).encode(), "application/json", 400, "BadRequest"),
        ("POST", "/apis/apps/v1/namespaces/default/deployments", json.dumps({**DEPLOY, "metadata": {"name": "Bad_Name"}}).encode(), "application/json", 422, "Invalid"),
        ("POST", "/apis/apps/v1/namespaces/default/deployments", json.dumps({**DEPLOY, "metadata": {"name": "web", "labels": {"a": "b c"}}}).encode(), "application/json", 422, "Invalid"),
        ("POST", "/apis/apps/v1/namespaces/default/deployments", json.dumps({**DEPLOY, "spec": {**DEPLOY["spec"], "replicas": -2}}).encode(), "application/json", 422, "Invalid"),
        ("POST", "/apis/apps/v1/namespaces/default/deployments", b"<xml/>", "application/xml", 415, "UnsupportedMediaType"),
        ("POST", "/apis/apps/v1/namespaces/default/statefulsets", json.dumps(DEPLOY).encode(), "application/json", 404, "NotFound"),
        ("POST", "/apis/apps/v1/namespaces/nowhere/deployments", json.dumps(DEPLOY).encode(), "application/json", 404, "NotFound"),
        ("PUT", "/apis/apps/v1/namespaces/default/deployments", json.dumps(DEPLOY).encode(), "application/json", 405, "MethodNotAllowed"),
        ("POST", "/apis/apps/v1/namespaces/default/deployments", b"x" * (10 * 1024 * 1024), "application/json", 413, "RequestEntityTooLarge"),
    ],
    ids=["malformed-json", "malformed-yaml", "kind-disagrees-with-url", "namespace-disagrees-with-url", "unknown-field-strict",
         "invalid-name", "invalid-label", "negative-replicas", "unsupported-media-type", "unknown-resource", "missing-namespace",
         "method-not-allowed", "10-MB-body"],
)
def test_bad_input_gets_a_status_and_changes_nothing(server, base, method, path, body, content_type, code, reason):
    status, raw, _ = server.request(method, base + path, body, headers={"Content-Type": content_type})
    payload = json.loads(raw)
    assert (status, payload["kind"], payload["code"], payload["reason"]) == (code, "Status", code, reason), payload
    assert payload["message"]
    assert server.json("GET", f"{base}/apis/apps/v1/deployments")[1]["items"] == []
    assert server.json("GET", f"{base}/apis/apps/v1/replicasets")[1]["items"] == []


def test_invalid_objects_name_the_field_in_the_causes(server, base):
    code, body = server.json("POST", f"{base}/apis/apps/v1/namespaces/default/deployments", {**DEPLOY, "spec": {**DEPLOY["spec"], "replicas": -2}})
    assert code == 422
    assert body["details"]["causes"] == [{"reason": "FieldValueInvalid", "message": "Invalid value: -2: must be greater than or equal to 0", "field": "spec.replicas"}]
    assert body["message"].startswith('Deployment.apps "web" is invalid: spec.replicas') or body["message"].startswith('Deployment "web" is invalid')


def test_changing_a_deployment_selector_is_refused(server, base):
    assert server.json("POST", f"{base}/apis/apps/v1/namespaces/default/deployments", DEPLOY)[0] == 201
    changed = server.json("GET", f"{base}/apis/apps/v1/namespaces/default/deployments/web")[1]
    del changed["metadata"]["resourceVersion"]  # an unconditional update: the controllers write meanwhile
    changed["spec"]["selector"] = {"matchLabels": {"app": "other"}}
    changed["spec"]["template"]["metadata"]["labels"] = {"app": "other"}
    code, body = server.json("PUT", f"{base}/apis/apps/v1/namespaces/default/deployments/web", changed)
    assert code == 422 and "field is immutable" in body["message"]
    assert server.json("GET", f"{base}/apis/apps/v1/namespaces/default/deployments/web")[1]["spec"]["selector"] == {"matchLabels": {"app": "web"}}


def test_a_stopped_api_server_answers_503_until_it_is_back(server, base):
    assert server.json("POST", f"{base}/playground/components/kube-apiserver/power", {"on": False})[0] == 200
    code, body = server.json("GET", f"{base}/api/v1/pods")
    assert (code, body["reason"]) == (503, "ServiceUnavailable")
    code, body = server.json("POST", f"{base}/api/v1/namespaces/default/configmaps", {"metadata": {"name": "x"}})
    assert code == 503
    assert server.json("POST", f"{base}/playground/components/kube-apiserver/power", {"on": True})[0] == 200
    assert server.json("GET", f"{base}/api/v1/namespaces/default/configmaps/x")[0] == 404
    assert server.json("POST", f"{base}/api/v1/namespaces/default/configmaps", {"metadata": {"name": "x"}})[0] == 201


def test_a_watch_from_a_compacted_revision_is_410_gone(server, base):
    code, raw, _ = server.request("GET", f"{base}/api/v1/pods?watch=1&resourceVersion=0&timeoutSeconds=1")
    assert code == 200
    server.json("POST", f"{base}/api/v1/namespaces/default/configmaps", {"metadata": {"name": "c"}})
    # the playground keeps the whole log of a young cluster; revision -1 is before its start
    code, raw, _ = server.request("GET", f"{base}/api/v1/pods?watch=1&resourceVersion=-5&timeoutSeconds=2")
    events = [json.loads(line) for line in raw.decode().splitlines() if line]
    assert events and events[-1]["type"] == "ERROR"
    assert (events[-1]["object"]["code"], events[-1]["object"]["reason"]) == (410, "Expired")


def test_watch_streams_changes_in_order_with_bookmarks_and_ends_at_the_timeout(server, base):
    rv = revision(server, base)
    for name in ("a", "b"):
        server.json("POST", f"{base}/api/v1/namespaces/default/configmaps", {"metadata": {"name": name}, "data": {"k": "1"}})
    server.request("DELETE", f"{base}/api/v1/namespaces/default/configmaps/a")
    start = time.monotonic()
    code, raw, _ = server.request("GET", f"{base}/api/v1/namespaces/default/configmaps?watch=1&resourceVersion={rv}&timeoutSeconds=2")
    assert 1.5 < time.monotonic() - start < 10
    events = [json.loads(line) for line in raw.decode().splitlines() if line]
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [("ADDED", "a"), ("ADDED", "b"), ("DELETED", "a")]


def test_many_idle_watches_are_served_without_a_thread_each(server, base):
    port = int(server.url.rsplit(":", 1)[1])
    sockets = []
    try:
        for _ in range(200):
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(f"GET {base}/api/v1/namespaces/default/configmaps?watch=1&timeoutSeconds=60 HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            sockets.append(s)
        start = time.monotonic()
        code, body = server.json("GET", f"{base}/api/v1/namespaces")
        assert code == 200 and time.monotonic() - start < 5
        code, _ = server.json("POST", f"{base}/api/v1/namespaces/default/configmaps", {"metadata": {"name": "ping"}})
        assert code == 201
        sockets[0].settimeout(10)
        received = b""
        while b"ping" not in received:
            received += sockets[0].recv(65536)
    finally:
        for s in sockets:
            s.close()


def test_eviction_scale_and_log_subresources(server, base):
    server.json("POST", f"{base}/apis/apps/v1/namespaces/default/deployments", DEPLOY)

    def pod():
        items = server.json("GET", f"{base}/api/v1/namespaces/default/pods?labelSelector=app%3Dweb")[1]["items"]
        running = [p for p in items if p["status"].get("phase") == "Running" and not p["metadata"].get("deletionTimestamp")]
        return running[0]["metadata"]["name"] if running else None

    name = wait_for(pod, 30, "a running pod")
    code, raw, headers = server.request("GET", f"{base}/api/v1/namespaces/default/pods/{name}/log?tailLines=1&timestamps=true")
    assert code == 200 and headers["Content-Type"].startswith("text/plain")
    assert len(raw.decode().splitlines()) == 1 and raw.decode()[:4].isdigit()
    code, body = server.json("GET", f"{base}/api/v1/namespaces/default/pods/{name}/log?container=nope")
    assert code == 400
    code, scale = server.json("GET", f"{base}/apis/apps/v1/namespaces/default/deployments/web/scale")
    assert (scale["kind"], scale["spec"]["replicas"], scale["status"]["selector"]) == ("Scale", 1, "app=web")
    scale["spec"]["replicas"] = -1
    assert server.json("PUT", f"{base}/apis/apps/v1/namespaces/default/deployments/web/scale", scale)[0] == 422
    code, body = server.json("POST", f"{base}/api/v1/namespaces/default/pods/{name}/eviction",
                             {"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": name, "namespace": "default"}})
    assert (code, body["status"]) == (201, "Success")
    assert server.json("GET", f"{base}/api/v1/namespaces/default/pods/{name}")[1]["metadata"].get("deletionTimestamp")
    wait_for(lambda: pod() not in (None, name), 30, "a replacement pod")


def test_label_and_field_selectors_and_pagination(server, base):
    for i in range(5):
        server.json("POST", f"{base}/api/v1/namespaces/default/configmaps", {"metadata": {"name": f"c{i}", "labels": {"n": str(i), "even": str(i % 2 == 0).lower()}}})
    names = lambda body: [i["metadata"]["name"] for i in body["items"]]  # noqa: E731
    assert names(server.json("GET", f"{base}/api/v1/configmaps?labelSelector=even%3Dtrue")[1]) == ["c0", "c2", "c4"]
    assert names(server.json("GET", f"{base}/api/v1/configmaps?labelSelector=n+in+(1,3),even!%3Dtrue")[1]) == ["c1", "c3"]
    assert names(server.json("GET", f"{base}/api/v1/namespaces/default/configmaps?fieldSelector=metadata.name%3Dc3")[1]) == ["c3"]
    code, body = server.json("GET", f"{base}/api/v1/configmaps?fieldSelector=spec.nope%3D1")
    assert code == 400
    page = server.json("GET", f"{base}/api/v1/namespaces/default/configmaps?limit=2&labelSelector=n")[1]
    assert names(page) == ["c0", "c1"] and page["metadata"]["continue"]
    rest = server.json("GET", f"{base}/api/v1/namespaces/default/configmaps?limit=10&labelSelector=n&continue={page['metadata']['continue']}")[1]
    assert names(rest) == ["c2", "c3", "c4"] and "continue" not in rest["metadata"]


def test_control_api_refuses_bad_input_with_statuses(server, base):
    code, body = server.json("POST", f"{base}/playground/nodes", {"name": "worker-9", "runtime": "rkt"})
    assert (code, body["reason"]) == (422, "Invalid") and "runtime" in body["message"]
    assert server.json("POST", f"{base}/playground/nodes/ghost/power", {"on": False})[0] == 404
    assert server.json("POST", f"{base}/playground/nodes/worker-1/power", {"on": "no"})[0] == 400
    assert server.json("POST", f"{base}/playground/components/kube-proxy/power", {"on": False})[0] == 400
    assert server.json("POST", f"{base}/playground/clock", {"speed": -1})[0] == 400
    assert server.json("POST", f"{base}/playground/clock", {"profile": "fast"})[0] == 400
    assert server.json("POST", "/clusters/", {"name": "Not Valid"})[0] == 422
    code, body = server.json("POST", f"{base}/playground/nodes", {"name": "worker-4", "runtime": "cri-o", "cpu": "4", "memory": "8Gi"})
    assert code == 201 and body["runtime"] == "cri-o"
    wait_for(lambda: server.json("GET", f"{base}/api/v1/nodes/worker-4")[0] == 200, 10, "worker-4 registered")
    code, body = server.json("POST", f"{base}/playground/clock", {"speed": 2, "paused": True})
    assert (code, body["speed"], body["paused"]) == (200, 2, True)


def test_ui_endpoints_apply_drain_details_and_reset(server, base):
    manifest = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: -1\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - {name: web, image: 'nginx:1.25'}\n"
    code, body = server.json("POST", f"{base}/playground/apply", {"yaml": manifest})
    assert code == 422 and body["details"]["causes"][0]["line"] == 6
    assert server.json("GET", f"{base}/apis/apps/v1/deployments")[1]["items"] == []
    code, body = server.json("POST", f"{base}/playground/apply", {"yaml": manifest.replace("replicas: -1", "replicas: 2")})
    assert (code, body["applied"][0]["action"]) == (200, "created")

    def placed():
        pods = server.json("GET", f"{base}/api/v1/namespaces/default/pods?labelSelector=app%3Dweb")[1]["items"]
        return [p for p in pods if p["status"].get("phase") == "Running"] if len(pods) == 2 else None

    pods = wait_for(lambda: len(placed() or []) == 2 and placed(), 30, "2 running pods")
    node = pods[0]["spec"]["nodeName"]
    code, body = server.json("POST", f"{base}/playground/nodes/{node}/drain")
    assert code == 200 and f"default/{pods[0]['metadata']['name']}" in body["evicted"]
    assert server.json("GET", f"{base}/api/v1/nodes/{node}")[1]["spec"]["unschedulable"] is True
    code, details = server.json("GET", f"{base}/playground/objects/Pod/default/{pods[0]['metadata']['name']}")
    assert code == 200 and "kind: Pod" in details["yaml"] and details["scheduling"]["node"] == node
    assert {e["reason"] for e in details["events"]} >= {"Scheduled", "Started"}
    assert server.json("GET", f"{base}/playground/objects/Pod/default/ghost")[0] == 404
    code, body = server.json("POST", f"{base}/playground/reset")
    assert code == 200
    assert server.json("GET", f"{base}/apis/apps/v1/deployments")[1]["items"] == []
