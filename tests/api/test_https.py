"""The Kubernetes API over HTTPS with tokens, as a class uses it: a real playground serving TLS with
its own certificate authority and anonymous access off, driven by the real kubectl, the official
Python client and plain requests; learners change only their own clusters, read everyone's, and a
teacher does everything."""
from __future__ import annotations

import http.client
import json
import os
import secrets
import shutil
import ssl
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from orchestrator.api.auth import learner_name
from tests.live import ROOT, LiveServer, free_port, kubectl_binary, wait_for

KUBECTL_VERSIONS = ("1.27", "1.33")
ALICE = secrets.token_urlsafe(32)
BOB = secrets.token_urlsafe(32)
CONFIGMAPS = "/api/v1/namespaces/default/configmaps"


def _env(var_dir: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "PLAYGROUND_URL")}
    env.update(PLAYGROUND_VAR_DIR=str(var_dir), LOG_LEVEL="WARNING", **extra)
    return env


class HttpsServer(LiveServer):
    """`manage.py playground --tls` on loopback with PLAYGROUND_ANONYMOUS=false: what a class gets."""

    def __init__(self, var_dir: Path):
        super().__init__(var_dir)
        self.url = f"https://127.0.0.1:{self.port}"
        self.ca = var_dir / "tls" / "ca.crt"

    def start(self) -> "HttpsServer":
        self.proc = subprocess.Popen(
            [sys.executable, "manage.py", "playground", "--port", str(self.port), "--tls"],
            cwd=ROOT, env=_env(self.var_dir, PLAYGROUND_ANONYMOUS="false"), stdout=self.log.open("w"), stderr=subprocess.STDOUT)
        wait_for(lambda: self.ca.exists() and self.request("GET", "/healthz")[0] == 200, 60, "the playground's HTTPS server")
        return self

    def request(self, method, path, body=None, headers=None):
        data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=headers or {})
        if data is not None:
            request.add_header("Content-Type", "application/json")
        context = ssl.create_default_context(cafile=str(self.ca))
        try:
            with urllib.request.urlopen(request, timeout=30, context=context) as response:
                return response.status, response.read(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read(), dict(error.headers)

    def manage(self, *args: str) -> subprocess.CompletedProcess:
        result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=_env(self.var_dir),
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        return result


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def https(tmp_path_factory):
    server = HttpsServer(tmp_path_factory.mktemp("https")).start()
    for name, token in (("alice", ALICE), ("bob", BOB)):
        code, body = server.json("POST", "/clusters/", {"name": name}, bearer(token))
        assert code == 201, body
    token = server.manage("teacher", "tina", "--password", "a-long-password").stdout.strip().splitlines()[-1]
    server.teacher = token.removeprefix("token: ")
    yield server
    server.stop()


def kubeconfig(server: HttpsServer, cluster: str, token: str, tmp_path: Path) -> Path:
    """The kubeconfig a learner downloads for `cluster` with their token."""
    code, raw, _ = server.request("GET", f"/clusters/{cluster}/playground/kubeconfig", None, bearer(token))
    assert code == 200, raw
    path = tmp_path / f"{cluster}-{learner_name(token)}.kubeconfig"
    path.write_bytes(raw)
    return path


def test_the_server_says_it_serves_https_without_anonymous_access(https):
    log = https.log.read_text()
    assert f"Kubernetes Playground: https://127.0.0.1:{https.port}/" in log
    assert "Anonymous access off" in log
    assert oct(os.stat(https.var_dir / "tls" / "ca.key").st_mode & 0o777) == "0o600"


def test_plain_http_is_not_served(https):
    connection = http.client.HTTPConnection("127.0.0.1", https.port, timeout=10)
    with pytest.raises((http.client.HTTPException, ConnectionError)):
        connection.request("GET", "/clusters/demo/api/v1/namespaces")
        connection.getresponse().read()


def test_a_request_without_a_token_is_refused(https):
    code, body = https.json("GET", f"/clusters/alice{CONFIGMAPS}")
    assert code == 401
    assert body == {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": "Unauthorized",
                    "reason": "Unauthorized", "code": 401}
    code, body = https.json("POST", f"/clusters/alice{CONFIGMAPS}", {"metadata": {"name": "anon"}})
    assert code == 401
    assert https.json("GET", f"/clusters/alice{CONFIGMAPS}", None, bearer("not a token"))[0] == 401


def test_the_kubeconfig_carries_the_authority_and_the_learners_token(https, tmp_path):
    config = yaml.safe_load(kubeconfig(https, "alice", ALICE, tmp_path).read_text())
    import base64

    entry = config["clusters"][0]["cluster"]
    assert entry["server"] == f"{https.url}/clusters/alice"
    assert base64.b64decode(entry["certificate-authority-data"]) == https.ca.read_bytes()
    assert config["users"][0]["user"] == {"token": ALICE}


@pytest.fixture(params=KUBECTL_VERSIONS, ids=[f"kubectl-{v}" for v in KUBECTL_VERSIONS])
def kubectl(request):
    binary = kubectl_binary(request.param)
    if binary is None:
        pytest.skip(f"kubectl {request.param} is not installed on this machine")

    def run(config: Path, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([binary, "--kubeconfig", str(config), *args], capture_output=True, text=True, timeout=60,
                              stdin=subprocess.DEVNULL)
    return run


def test_kubectl_over_https_with_tokens(https, kubectl, tmp_path):
    mine, theirs = kubeconfig(https, "alice", ALICE, tmp_path), kubeconfig(https, "bob", ALICE, tmp_path)
    name = f"cm-{secrets.token_hex(3)}"
    result = kubectl(mine, "create", "configmap", name, "--from-literal=k=v")
    assert result.returncode == 0, result.stderr
    assert name in kubectl(mine, "get", "configmaps", "-o", "name").stdout

    # another learner's cluster: read, yes; change, no, in kube-apiserver's words
    assert kubectl(theirs, "get", "namespaces").returncode == 0
    refused = kubectl(theirs, "create", "configmap", name)
    assert refused.returncode != 0
    assert (f'configmaps is forbidden: User "{learner_name(ALICE)}" cannot create resource '
            f'"configmaps" in API group "" in the namespace "default"') in refused.stderr
    assert "NotFound" in kubectl(theirs, "get", "configmap", name).stderr

    # without a token (kubectl then asks for a user name, as against any cluster), or with a bad one
    for user, words in (({}, "error"), ({"token": "not-a-token"}, "error: You must be logged in to the server (Unauthorized)")):
        other = tmp_path / "other.kubeconfig"
        config = yaml.safe_load(mine.read_text())
        config["users"][0]["user"] = user
        other.write_text(yaml.safe_dump(config))
        result = kubectl(other, "get", "configmaps")
        assert result.returncode != 0 and words in result.stderr and name not in result.stdout, result

    # the teacher's kubeconfig, made on the server's machine, changes anyone's cluster
    teacher = tmp_path / "teacher.kubeconfig"
    teacher.write_text(https.manage("kubeconfig", "bob", "--teacher", "tina", "--server", https.url).stdout)
    result = kubectl(teacher, "create", "configmap", name)
    assert result.returncode == 0, result.stderr
    refused = kubectl(theirs, "delete", "configmap", name)
    assert (f'Error from server (Forbidden): configmaps "{name}" is forbidden: User "{learner_name(ALICE)}" cannot delete '
            f'resource "configmaps" in API group "" in the namespace "default"') in refused.stderr
    assert kubectl(teacher, "delete", "configmap", name).returncode == 0
    assert kubectl(mine, "delete", "configmap", name).returncode == 0


def test_the_official_client_over_https_with_tokens(https, tmp_path):
    from kubernetes import client, config

    def api(path: Path) -> client.CoreV1Api:
        return client.CoreV1Api(config.new_client_from_config(config_file=str(path)))

    mine, theirs = api(kubeconfig(https, "bob", BOB, tmp_path)), api(kubeconfig(https, "alice", BOB, tmp_path))
    name = f"py-{secrets.token_hex(3)}"
    mine.create_namespaced_config_map("default", client.V1ConfigMap(metadata=client.V1ObjectMeta(name=name)))
    assert name in [c.metadata.name for c in mine.list_namespaced_config_map("default").items]
    assert "default" in [n.metadata.name for n in theirs.list_namespace().items]
    with pytest.raises(client.ApiException) as refused:
        theirs.create_namespaced_config_map("default", client.V1ConfigMap(metadata=client.V1ObjectMeta(name=name)))
    assert refused.value.status == 403
    status = json.loads(refused.value.body)
    assert status["reason"] == "Forbidden"
    assert status["message"] == (f'configmaps is forbidden: User "{learner_name(BOB)}" cannot create resource "configmaps" '
                                 'in API group "" in the namespace "default"')


def test_a_teacher_resets_and_removes_a_learners_cluster(https):
    code, body = https.json("POST", "/clusters/", {"name": "carol"}, bearer(ALICE))
    assert code == 201, body
    code, body = https.json("POST", "/clusters/carol/playground/reset", {}, bearer(BOB))
    assert code == 403 and "belongs to another learner" in body["message"]
    code, body = https.json("POST", "/clusters/carol/playground/reset", {}, bearer(https.teacher))
    assert code == 200, body
    assert https.json("DELETE", "/clusters/carol/", None, bearer(BOB))[0] == 403
    assert https.json("DELETE", "/clusters/carol/", None, bearer(https.teacher))[0] == 200
    assert https.json("GET", "/clusters/carol/playground/state", None, bearer(ALICE))[0] == 404


NODE_CLIENT = """
const k8s = require(process.env.CLIENT_NODE);
const kc = new k8s.KubeConfig(); kc.loadFromFile(process.argv[2]);
const core = kc.makeApiClient(k8s.CoreV1Api);
(async () => {
  const namespaces = await core.listNamespace();
  console.log(JSON.stringify({namespaces: namespaces.items.map(n => n.metadata.name)}));
  try { await core.createNamespacedConfigMap({namespace: 'default', body: {metadata: {name: process.argv[3]}}}); console.log(JSON.stringify({created: true})); }
  catch (e) { console.log(JSON.stringify({code: e.code, body: String(e.body)})); }
})();
"""


def test_the_javascript_client_over_https_with_tokens(https, tmp_path):
    """@kubernetes/client-node as installed by npm; set PLAYGROUND_TEST_CLIENT_NODE to its folder
    (node_modules/@kubernetes/client-node): the tests run offline and install nothing."""
    folder = os.environ.get("PLAYGROUND_TEST_CLIENT_NODE", "")
    if not folder or not Path(folder).is_dir() or shutil.which("node") is None:
        pytest.skip("PLAYGROUND_TEST_CLIENT_NODE does not name an installed @kubernetes/client-node")
    script = tmp_path / "client.js"
    script.write_text(NODE_CLIENT)

    def run(config: Path) -> list[dict]:
        result = subprocess.run(["node", str(script), str(config), f"js-{secrets.token_hex(3)}"], capture_output=True, text=True,
                                timeout=60, env={**os.environ, "CLIENT_NODE": str(Path(folder).resolve())})
        assert result.returncode == 0, result.stderr
        return [json.loads(line) for line in result.stdout.splitlines()]

    own = run(kubeconfig(https, "alice", ALICE, tmp_path))
    assert "default" in own[0]["namespaces"] and own[1] == {"created": True}
    other = run(kubeconfig(https, "bob", ALICE, tmp_path))
    assert "default" in other[0]["namespaces"] and other[1]["code"] == 403
    assert "configmaps is forbidden" in other[1]["body"]


def test_a_loopback_server_says_it_serves_plain_http_with_anonymous_access(server):
    """The README's command, unchanged: plain HTTP on loopback, anonymous requests allowed, and said so."""
    log = server.log.read_text()
    assert f"Kubernetes Playground: http://127.0.0.1:{server.port}/" in log
    assert "Plain HTTP on loopback: only this machine can connect." in log
    assert "Anonymous access allowed (loopback: only this machine can connect)." in log
    code, body = server.json("GET", "/clusters/")
    assert code == 200, body


def test_plain_http_beyond_loopback_is_refused_at_start(tmp_path):
    result = subprocess.run([sys.executable, "manage.py", "playground", "--host", "0.0.0.0", "--port", str(free_port()), "--no-tls"],
                            cwd=ROOT, env=_env(tmp_path), capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "plain HTTP is served only on loopback" in result.stderr
    assert not (tmp_path / "playground.sqlite3").exists(), "refused before anything was started"
