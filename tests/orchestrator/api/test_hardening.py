"""Bad input on the control API, the YAML editor, imports and scenario files; quotas; the
cross-site check (issue 13, items 1, 2 and the CSRF part of 5).

Every bad input: the status code, the message, the store unchanged and the server answering
right after. The Kubernetes API over a real process is in tests/api/test_hardening.py.
"""
from __future__ import annotations

import json
import time

import pytest
from django.test import Client, override_settings

from orchestrator.api import parsing
from orchestrator.controlplane.clusters import cluster_create
from orchestrator.models import Cluster, Machine, Revision
from orchestrator.scenarios.loader import load_all
from orchestrator.store.errors import Forbidden
from orchestrator.store.services import Batch

pytestmark = pytest.mark.django_db

LAUGHS = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{chr(97 + i)}: &{chr(97 + i)} [" + ",".join([f"*{chr(96 + i)}"] * 9) + "]" for i in range(1, 9)]
)
LAUGHS_CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lol\n  annotations:\n" + "\n".join(
    "    " + line for line in LAUGHS.splitlines()) + "\n"
DEEP_JSON = b'{"name":' * 20000 + b'"x"' + b"}" * 20000
DEPLOYMENT_YAML = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: {replicas}
  selector:
    matchLabels: {{app: web}}
  template:
    metadata:
      labels: {{app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.25
"""


def store_state() -> tuple:
    """Everything a refused request must leave as it was: clusters, their revisions, machines."""
    clusters = sorted(Cluster.objects.values_list("name", "revision", "clock_sim_anchor", "clock_speed"))
    machines = sorted(Machine.objects.values_list("cluster__name", "name", "powered", "cpu_m", "memory", "max_pods"))
    return clusters, machines, Revision.objects.count()


def still_answers(client) -> None:
    assert client.get("/clusters/").status_code == 200
    assert client.get("/clusters/demo/playground/state").status_code == 200


def refused(client, method: str, path: str, body, code: int, message: str, content_type: str = "application/json", **headers):
    before = store_state()
    started = time.monotonic()
    response = getattr(client, method.lower())(path, body, content_type=content_type, **headers)
    assert time.monotonic() - started < 5, "a refusal must be quick"
    answer = response.json()
    assert (response.status_code, answer["kind"], answer["code"]) == (code, "Status", code), answer
    assert message in answer["message"], answer["message"]
    assert store_state() == before, "a refused request changed the store"
    still_answers(client)
    return answer


# -- the control API ---------------------------------------------------------------------------
CONTROL_BAD = [
    ("POST", "/clusters/", DEEP_JSON, 400, "exceeded max depth of 100"),
    ("POST", "/clusters/", b'{"name": ' + b"[" * 20000 + b"]" * 20000 + b"}", 400, "exceeded max depth of 100"),
    ("POST", "/clusters/", json.dumps({"name": "x" * 10}).encode() + b" " * (3 * 1024 * 1024), 413, "Request entity too large: limit is 3145728"),
    ("POST", "/clusters/", b"[1, 2]", 400, "request body must be a JSON object"),
    ("POST", "/clusters/", json.dumps({"name": "Not_A_Name"}).encode(), 422, 'Cluster "Not_A_Name" is invalid: name: Invalid value'),
    ("POST", "/clusters/", json.dumps({"name": "ok", "profile": {"x": 1}}).encode(), 422, "profile: Unsupported value"),
    ("POST", "/clusters/", json.dumps({"name": ["a"]}).encode(), 422, "name: Invalid value"),
    ("POST", "/clusters/demo/playground/nodes", json.dumps({"name": "w9", "pods": 10**12}).encode(), 422, "pods: Invalid value: 1000000000000: must be between 1 and 1000"),
    ("POST", "/clusters/demo/playground/nodes", json.dumps({"name": "w9", "pods": "many"}).encode(), 400, 'pods must be a whole number, not "many"'),
    ("POST", "/clusters/demo/playground/nodes", json.dumps({"name": "w9", "cpu": "1e999999999"}).encode(), 400, "unable to parse quantity's suffix"),
    ("POST", "/clusters/demo/playground/nodes", json.dumps({"name": "w9", "cpu": "1e30"}).encode(), 422, "cpu: Invalid value"),
    ("POST", "/clusters/demo/playground/nodes", json.dumps({"name": "w9", "memory": "1Ei"}).encode(), 422, "memory: Invalid value"),
    ("POST", "/clusters/demo/playground/nodes", json.dumps({"name": "w9", "memory": "-4Gi"}).encode(), 422, "memory: Invalid value"),
    ("POST", "/clusters/demo/playground/nodes", json.dumps({"name": "Bad_Name"}).encode(), 422, 'name: Invalid value: "Bad_Name"'),
    ("POST", "/clusters/demo/playground/nodes", json.dumps({"name": "w9", "runtime": "rkt"}).encode(), 422, 'runtime: Unsupported value: "rkt"'),
    ("POST", "/clusters/demo/playground/nodes/worker-1/power", json.dumps({"on": "no"}).encode(), 400, 'body must be {"on": true} or {"on": false}'),
    ("POST", "/clusters/demo/playground/nodes/worker-9/power", json.dumps({"on": False}).encode(), 404, 'machine "worker-9" not found'),
    ("POST", "/clusters/demo/playground/components/kube-dns/power", json.dumps({"on": False}).encode(), 400, 'unknown component "kube-dns"'),
    ("POST", "/clusters/demo/playground/clock", b'{"speed": NaN}', 400, "speed must be a number"),
    ("POST", "/clusters/demo/playground/clock", b'{"speed": Infinity}', 400, "speed must be a number"),
    ("POST", "/clusters/demo/playground/clock", json.dumps({"speed": 10**9}).encode(), 400, "clock speed must be greater than 0"),
    ("POST", "/clusters/demo/playground/clock", b'{"advance": NaN}', 400, "advance must be a number of seconds"),
    ("POST", "/clusters/demo/playground/clock", json.dumps({"advance": 1e308}).encode(), 400, "advance must be at most"),
    ("POST", "/clusters/demo/playground/clock", json.dumps({"advance": -5}).encode(), 400, "the clock cannot go backwards"),
    ("POST", "/clusters/demo/playground/stepping/step", json.dumps({"count": 10**9}).encode(), 400, "count must be a whole number from 1 to"),
    ("POST", "/clusters/demo/playground/traffic", json.dumps({"service": "default/kubernetes", "rate": 10**12}).encode(), 422, "rate: Invalid value"),
    ("POST", "/clusters/demo/playground/scenario", json.dumps({"name": {"$gt": ""}}).encode(), 400, 'body must be {"name": "<scenario>"}'),
    ("GET", "/clusters/demo/playground/history/99999999999999999999999", None, 400, None),
    ("GET", "/clusters/demo/playground/incidents?limit=999999999999", None, 400, None),
]
CONTROL_IDS = ["deep-json-object", "deep-json-array", "over-3-MiB", "not-an-object", "bad-cluster-name", "profile-object",
               "cluster-name-list", "node-pods-10^12", "node-pods-string", "cpu-exponent-10^9", "cpu-1e30", "memory-1Ei",
               "memory-negative", "node-bad-name", "node-bad-runtime", "power-on-string", "power-unknown-node",
               "unknown-component", "clock-speed-NaN", "clock-speed-Infinity", "clock-speed-10^9", "clock-advance-NaN",
               "clock-advance-1e308", "clock-advance-negative", "step-count-10^9", "traffic-rate-10^12", "scenario-name-object",
               "history-revision-huge", "incidents-limit-huge"]


@pytest.mark.parametrize("method, path, body, code, message", CONTROL_BAD, ids=CONTROL_IDS)
def test_control_api_refuses_bad_input(client, cluster, method, path, body, code, message):
    if method == "GET":
        before = store_state()
        response = client.get(path)
        answer = response.json()
        assert response.status_code in (code, 404, 410) and answer["kind"] == "Status", answer
        assert store_state() == before
        still_answers(client)
        return
    if "stepping/step" in path:
        client.post("/clusters/demo/playground/stepping", {"stepping": True}, content_type="application/json")
    refused(client, method, path, body, code, message or "")


def test_a_quantity_with_a_huge_exponent_is_refused_at_once():
    from orchestrator import quantity

    started = time.monotonic()
    with pytest.raises(ValueError, match="unable to parse quantity's suffix"):
        quantity.parse_cpu_millis("1e999999999")
    assert time.monotonic() - started < 1
    assert quantity.parse_memory_bytes("1e3") == 1000


# -- the page's YAML editor (apply) -------------------------------------------------------------
APPLY_BAD = [
    (LAUGHS_CONFIGMAP, "yaml: document contains excessive aliasing", 1),
    ("a: &a [*a]\n", "yaml: anchor 'a' value contains itself", 1),
    ("x: " + "[" * 20000 + "]" * 20000 + "\n", "yaml: exceeded max depth of 100", 1),
    ("---\n".join(["apiVersion: v1\nkind: Namespace\nmetadata: {name: n}\n"] * 10001), "more than 10000 documents", 1),
    ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata: {a: '" + "x" * (3 * 1024 * 1024) + "'}\n", "Request entity too large", 1),
    (DEPLOYMENT_YAML.format(replicas=2**31), "cannot unmarshal number 2147483648 into Go struct field DeploymentSpec.spec.replicas of type int32", 6),
    (DEPLOYMENT_YAML.format(replicas='"3"'), "cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32", 6),
    ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: 12\n", "cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string", 4),
    ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: nginx\n    resources:\n      requests: {cpu: 1e30}\n",
     "must be less than or equal to 9223372036854775807", 9),
    ("apiVersion: v1\nkind: Namespace\nmetadata: {name: ok}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports:\n  - port: 70000\n",
     "must be between 1 and 65535, inclusive", 10),
]
APPLY_IDS = ["billion-laughs", "recursive-alias", "20000-deep", "10001-documents", "over-3-MiB", "replicas-2^31", "replicas-string",
             "name-number", "cpu-1e30", "second-document-bad-port"]


@pytest.mark.parametrize("text, message, line", APPLY_BAD, ids=APPLY_IDS)
def test_yaml_editor_refuses_bad_manifests_whole(client, cluster, text, message, line):
    body = json.dumps({"yaml": text})
    if len(body) > parsing.MAX_BODY:  # the editor's own body limit answers first
        refused(client, "POST", "/clusters/demo/playground/apply", body, 413, "Request entity too large")
        return
    answer = refused(client, "POST", "/clusters/demo/playground/apply", body, 422, message)
    assert answer["details"]["causes"][0]["line"] == line, answer["details"]["causes"]


# -- importing an export as a new cluster -------------------------------------------------------
def test_import_refuses_a_billion_laughs_and_creates_no_cluster(client, cluster):
    text = "apiVersion: playground/v1\nkind: PlaygroundCluster\n---\n" + LAUGHS_CONFIGMAP
    refused(client, "POST", "/clusters/import?name=copy", text, 422, "excessive aliasing", content_type="application/yaml")
    assert not Cluster.objects.filter(name="copy").exists()


def test_import_refuses_a_body_over_3_mib(client, cluster):
    refused(client, "POST", "/clusters/import?name=copy", "#" * (3 * 1024 * 1024 + 1), 413, "Request entity too large",
            content_type="application/yaml")


# -- teachers' scenario files ---------------------------------------------------------------------
@pytest.mark.parametrize("text, problem", [
    (LAUGHS, "refused: yaml: document contains excessive aliasing"),
    ("title: " + "[" * 20000 + "]" * 20000, "refused: yaml: exceeded max depth of 100"),
    ("title: &a [*a]", "refused: yaml: anchor 'a' value contains itself"),
], ids=["billion-laughs", "20000-deep", "recursive-alias"])
def test_a_hostile_scenario_file_is_listed_as_refused_at_once(tmp_path, settings, text, problem):
    (tmp_path / "bomb.yaml").write_text(text)
    settings.PLAYGROUND_SCENARIOS_DIR = str(tmp_path)
    started = time.monotonic()
    listing = load_all()
    assert time.monotonic() - started < 5
    errors = [e for e in listing.errors if e.file.endswith("bomb.yaml")]
    assert len(errors) == 1 and problem in errors[0].problem, [e.as_dict() for e in listing.errors]
    assert listing.scenarios, "the other lessons are still listed"


# -- quotas ---------------------------------------------------------------------------------------
@override_settings(PLAYGROUND_MAX_CLUSTERS=1)
def test_clusters_per_server(client, cluster):
    answer = refused(client, "POST", "/clusters/", json.dumps({"name": "alice"}), 403,
                     'clusters "alice" is forbidden: exceeded quota: playground, requested: clusters=1, used: clusters=1, limited: clusters=1')
    assert answer["reason"] == "Forbidden"


@override_settings(PLAYGROUND_MAX_NODES=4)
def test_nodes_per_cluster(client, cluster):
    refused(client, "POST", "/clusters/demo/playground/nodes", json.dumps({"name": "worker-4"}), 403,
            'nodes "worker-4" is forbidden: exceeded quota: playground, requested: nodes=1, used: nodes=4, limited: nodes=4')


def _pod(name: str) -> dict:
    return {"metadata": {"name": name, "namespace": "default"}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}}


@override_settings(PLAYGROUND_MAX_PODS=2)
def test_pods_per_cluster_counted_within_a_batch(cluster):
    with Batch(cluster, component="test") as batch:
        batch.create("Pod", _pod("a"))
        batch.create("Pod", _pod("b"))
    before = store_state()
    with pytest.raises(Forbidden, match=r'pods "c" is forbidden: exceeded quota: playground, requested: pods=1, used: pods=2, limited: pods=2'):
        with Batch(cluster, component="test") as batch:
            batch.create("Pod", _pod("c"))
    assert store_state() == before


@override_settings(PLAYGROUND_MAX_REPLICAS=10)
def test_replicas_per_workload(client, cluster):
    refused(client, "POST", "/clusters/demo/playground/apply", json.dumps({"yaml": DEPLOYMENT_YAML.format(replicas=11)}), 403,
            'deployments.apps "web" is forbidden: exceeded quota: playground, requested: replicas=11, limited: replicas=10')
    assert client.post("/clusters/demo/playground/apply", {"yaml": DEPLOYMENT_YAML.format(replicas=10)},
                       content_type="application/json").status_code == 200
    refused(client, "POST", "/clusters/demo/playground/apply", json.dumps({"yaml": DEPLOYMENT_YAML.format(replicas=12)}), 403,
            "requested: replicas=12, limited: replicas=10")


@override_settings(PLAYGROUND_MAX_OBJECTS=2)
def test_objects_of_one_kind_per_cluster(client, cluster):
    config = "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{n}}}\n"
    for n in range(2):
        assert client.post("/clusters/demo/playground/apply", {"yaml": config.format(n=n)}, content_type="application/json").status_code == 200
    refused(client, "POST", "/clusters/demo/playground/apply", json.dumps({"yaml": config.format(n=2)}), 403,
            'configmaps "c2" is forbidden: exceeded quota: playground, requested: configmaps=1, used: configmaps=2, limited: configmaps=2')


# -- cross-site requests (CSRF) -------------------------------------------------------------------
POWER = "/clusters/demo/playground/nodes/worker-1/power"
OFF = json.dumps({"on": False})


def powered() -> bool:
    return Machine.objects.get(cluster__name="demo", name="worker-1").powered


def test_a_cross_site_post_cannot_power_a_node_off(client, cluster):
    refused(client, "POST", POWER, OFF, 403, "cross-site request refused: Origin https://evil.example is not http://testserver",
            HTTP_ORIGIN="https://evil.example")
    refused(client, "POST", POWER, OFF, 403, "cross-site request refused", HTTP_ORIGIN="null")
    refused(client, "POST", POWER, OFF, 403, "Sec-Fetch-Site is cross-site", HTTP_SEC_FETCH_SITE="cross-site")
    assert powered()


def test_a_cross_site_form_cannot_remove_a_cluster_or_change_the_kubernetes_api(client, cluster):
    refused(client, "DELETE", "/clusters/demo/", "", 403, "cross-site request refused", HTTP_ORIGIN="http://evil.example")
    assert Cluster.objects.filter(name="demo").exists()
    response = client.post("/clusters/demo/api/v1/namespaces", json.dumps({"metadata": {"name": "x"}}), content_type="application/json",
                           HTTP_ORIGIN="http://evil.example")
    assert response.status_code == 403 and "cross-site request refused" in response.json()["message"]


BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0"


def test_a_browser_request_with_cookies_needs_the_csrf_token():
    cluster_create(name="demo")
    browser = Client(enforce_csrf_checks=True, HTTP_USER_AGENT=BROWSER)
    page = browser.get("/clusters/demo/playground/")
    token = page.content.decode().split('name="csrf-token" content="')[1].split('"')[0]
    assert browser.cookies.get("csrftoken"), "the page hands out the CSRF cookie"
    refused(browser, "POST", POWER, OFF, 403, "CSRF check failed: CSRF token missing.", HTTP_ORIGIN="http://testserver")
    refused(browser, "POST", POWER, OFF, 403, "CSRF check failed", HTTP_X_CSRFTOKEN="x" * 64)
    assert powered()
    response = browser.post(POWER, OFF, content_type="application/json", HTTP_ORIGIN="http://testserver", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200, response.json()
    assert not powered()


def test_kubectl_and_scripts_without_cookies_or_origin_still_work():
    cluster_create(name="demo")
    script = Client(enforce_csrf_checks=True, HTTP_USER_AGENT="kubectl/v1.33.0 (linux/amd64) kubernetes/abc")
    response = script.post(POWER, OFF, content_type="application/json")
    assert response.status_code == 200, response.json()
    assert not powered()
    assert script.post("/clusters/", {"name": "alice"}, content_type="application/json").status_code == 201


def test_a_script_with_a_learner_cookie_is_not_a_browser():
    from orchestrator.learners import COOKIE

    cluster_create(name="demo")
    script = Client(enforce_csrf_checks=True, HTTP_USER_AGENT="Python-urllib/3.11")
    script.cookies[COOKIE] = "alice-token-0123456789abcdefghij"
    response = script.post("/clusters/", {"name": "alice"}, content_type="application/json")
    assert response.status_code == 201 and response.json()["yours"]
    browser = Client(enforce_csrf_checks=True, HTTP_USER_AGENT=BROWSER)
    browser.cookies[COOKIE] = "alice-token-0123456789abcdefghij"
    refused(browser, "DELETE", "/clusters/alice/", "", 403, "CSRF check failed: CSRF cookie not set.")


def test_the_pages_send_the_token_with_every_change():
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    api = (root / "static/js/playground/api.js").read_text()
    assert '"X-CSRFToken"' in api and 'meta[name="csrf-token"]' in api
    landing = (root / "static/js/landing.js").read_text()
    assert landing.count('"X-CSRFToken": csrfToken()') == 2
    for page in ("index", "cluster", "teacher"):
        assert '<meta name="csrf-token" content="{{ csrf_token }}">' in (root / f"templates/orchestrator/{page}.html").read_text()


# -- protobuf bodies ------------------------------------------------------------------------------
def _field(number: int, payload: bytes) -> bytes:
    def varint(n: int) -> bytes:
        out = bytearray()
        while True:
            byte, n = n & 0x7F, n >> 7
            out.append(byte | (0x80 if n else 0))
            if not n:
                return bytes(out)

    return varint(number << 3 | 2) + varint(len(payload)) + payload


def test_a_protobuf_envelope_wrapping_deep_json_is_refused():
    from orchestrator.api import protobuf

    type_meta = _field(1, b"v1") + _field(2, b"ConfigMap")
    deep = b'{"data":' * 20000 + b"{}" + b"}" * 20000
    body = protobuf.MAGIC + _field(1, type_meta) + _field(2, deep) + _field(4, b"application/json")
    started = time.monotonic()
    with pytest.raises(protobuf.ProtobufError, match="invalid JSON in ConfigMap raw: exceeded max depth of 100"):
        protobuf.decode(body)
    assert time.monotonic() - started < 1
