"""Who may do what (orchestrator/api/auth.py): learners change only their own clusters, everyone
reads, teachers do everything, anonymous requests only from loopback; refusals in Kubernetes' words."""
from __future__ import annotations

import io
import json

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.core.management import call_command

from orchestrator.api import auth
from orchestrator.controlplane.clusters import cluster_create
from orchestrator.learners import COOKIE
from orchestrator.models import Cluster, ConfigMap, Machine

pytestmark = pytest.mark.django_db(transaction=True)  # the API serves from worker threads

ALICE = "alice-token-0123456789abcdefghij"
BOB = "bob-token-0123456789abcdefghijklm"
REMOTE = {"REMOTE_ADDR": "192.0.2.10"}  # a machine of the class: not loopback
CONFIGMAPS = "/api/v1/namespaces/default/configmaps"


@pytest.fixture
def classroom(db):
    """alice's and bob's clusters, and the unowned `demo`."""
    return {"alice": cluster_create(name="alice", owner=ALICE), "bob": cluster_create(name="bob", owner=BOB),
            "demo": cluster_create(name="demo")}


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def call(client, method: str, path: str, body=None, **extra):
    data = json.dumps(body) if body is not None else ""
    response = getattr(client, method.lower())(path, data, content_type="application/json", **extra)
    return response.status_code, (response.json() if response.content and response["Content-Type"].startswith("application/json") else response.content)


def configmap(name: str) -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"k": "v"}}


def configmaps(cluster: str) -> set[str]:
    return set(ConfigMap.objects.filter(cluster__name=cluster).values_list("name", flat=True))


@pytest.fixture
def teacher(db):
    user = get_user_model().objects.create_user("tina", password="a-long-password", is_staff=True)
    return user


# ---------------------------------------------------------------- no credentials
def test_loopback_requests_without_credentials_may_do_everything_as_before(client, classroom):
    code, body = call(client, "POST", f"/clusters/bob{CONFIGMAPS}", configmap("from-loopback"))
    assert code == 201, body
    assert call(client, "POST", "/clusters/demo/playground/nodes/worker-1/power", {"on": False})[0] == 200


def test_a_request_from_another_machine_without_credentials_is_unauthorized(client, classroom):
    for method, path, body in [("GET", f"/clusters/demo{CONFIGMAPS}", None), ("POST", f"/clusters/demo{CONFIGMAPS}", configmap("x")),
                               ("GET", "/clusters/demo/api", None), ("GET", "/clusters/", None),
                               ("POST", "/clusters/", {"name": "eve"}), ("POST", "/clusters/demo/playground/reset", None)]:
        code, status = call(client, method, path, body, **REMOTE)
        assert code == 401, (method, path, status)
        assert status["kind"] == "Status" and status["reason"] == "Unauthorized" and status["code"] == 401
    assert call(client, "GET", f"/clusters/demo{CONFIGMAPS}", **REMOTE)[1]["message"] == "Unauthorized"
    assert configmaps("demo") == set() and not Cluster.objects.filter(name="eve").exists()


def test_pages_stay_open_and_give_a_learner_cookie(client, classroom):
    response = client.get("/clusters/demo/playground/", **REMOTE)
    assert response.status_code == 200
    assert auth.is_learner_token(response.cookies[COOKIE].value)
    assert client.get("/healthz", **REMOTE).status_code == 200


def test_anonymous_access_can_be_turned_off_on_loopback(client, classroom, monkeypatch):
    monkeypatch.setenv(auth.ANONYMOUS_ENV, "false")
    assert call(client, "GET", f"/clusters/demo{CONFIGMAPS}")[0] == 401


def test_a_server_listening_beyond_loopback_refuses_anonymous_even_from_loopback(client, classroom):
    auth.configure(listens_on_loopback_only=False)
    try:
        assert call(client, "GET", f"/clusters/demo{CONFIGMAPS}")[0] == 401
    finally:
        auth.configure(listens_on_loopback_only=True)
    assert call(client, "GET", f"/clusters/demo{CONFIGMAPS}")[0] == 200


@pytest.mark.parametrize("header", ["Bearer not-a-token", "Bearer ", "Basic YWxpY2U6cGFzcw==", "Bearer teacher.1.0123456789abcdef0123456789abcdef01234567"])
def test_a_bad_token_is_unauthorized_even_on_loopback(client, classroom, header):
    code, status = call(client, "GET", f"/clusters/demo{CONFIGMAPS}", HTTP_AUTHORIZATION=header)
    assert (code, status["reason"], status["message"]) == (401, "Unauthorized", "Unauthorized")


# ---------------------------------------------------------------- learners
def test_a_learner_reads_every_cluster(client, classroom):
    call(client, "POST", f"/clusters/bob{CONFIGMAPS}", configmap("bobs"))  # from loopback
    code, body = call(client, "GET", f"/clusters/bob{CONFIGMAPS}", **bearer(ALICE), **REMOTE)
    assert code == 200 and [i["metadata"]["name"] for i in body["items"]] == ["bobs"]
    assert call(client, "GET", "/clusters/bob/api/v1/namespaces/kube-system", **bearer(ALICE), **REMOTE)[0] == 200
    assert call(client, "GET", "/clusters/bob/playground/state", **bearer(ALICE), **REMOTE)[0] == 200
    assert call(client, "GET", "/clusters/", **bearer(ALICE), **REMOTE)[0] == 200


def test_a_learner_changes_their_own_cluster(client, classroom):
    code, body = call(client, "POST", f"/clusters/alice{CONFIGMAPS}", configmap("mine"), **bearer(ALICE), **REMOTE)
    assert code == 201, body
    assert call(client, "DELETE", f"/clusters/alice{CONFIGMAPS}/mine", **bearer(ALICE), **REMOTE)[0] == 200
    assert call(client, "POST", "/clusters/alice/playground/nodes/worker-1/power", {"on": False}, **bearer(ALICE), **REMOTE)[0] == 200
    assert Machine.objects.get(cluster__name="alice", name="worker-1").powered is False


def test_a_learners_token_is_refused_on_another_learners_cluster_in_kubernetes_words(client, classroom):
    user = auth.learner_name(ALICE)
    code, status = call(client, "POST", f"/clusters/bob{CONFIGMAPS}", configmap("intruder"), **bearer(ALICE), **REMOTE)
    assert code == 403
    assert status == {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "reason": "Forbidden", "code": 403,
                      "message": f'configmaps is forbidden: User "{user}" cannot create resource "configmaps" in API group "" in the namespace "default"',
                      "details": {"kind": "configmaps"}}
    assert configmaps("bob") == set()

    call(client, "POST", f"/clusters/bob{CONFIGMAPS}", configmap("bobs"))
    code, status = call(client, "DELETE", f"/clusters/bob{CONFIGMAPS}/bobs", **bearer(ALICE), **REMOTE)
    assert code == 403
    assert status["message"] == f'configmaps "bobs" is forbidden: User "{user}" cannot delete resource "configmaps" in API group "" in the namespace "default"'
    assert status["details"] == {"name": "bobs", "kind": "configmaps"}
    assert configmaps("bob") == {"bobs"}

    code, status = call(client, "POST", "/clusters/bob/apis/apps/v1/namespaces/default/deployments", {}, **bearer(ALICE), **REMOTE)
    assert status["message"] == f'deployments.apps is forbidden: User "{user}" cannot create resource "deployments" in API group "apps" in the namespace "default"'
    assert status["details"] == {"group": "apps", "kind": "deployments"}
    code, status = call(client, "DELETE", "/clusters/bob/api/v1/nodes/worker-1", **bearer(ALICE), **REMOTE)
    assert status["message"] == f'nodes "worker-1" is forbidden: User "{user}" cannot delete resource "nodes" in API group "" at the cluster scope'
    code, status = call(client, "PATCH", "/clusters/bob/api/v1/namespaces/default/pods/web/status", {}, **bearer(ALICE), **REMOTE)
    assert status["message"] == f'pods "web" is forbidden: User "{user}" cannot patch resource "pods/status" in API group "" in the namespace "default"'
    code, status = call(client, "DELETE", "/clusters/bob/api/v1/namespaces/default", **bearer(ALICE), **REMOTE)
    assert status["message"] == f'namespaces "default" is forbidden: User "{user}" cannot delete resource "namespaces" in API group "" in the namespace "default"'


def test_the_learner_cookie_is_the_same_learner_as_the_token(client, classroom):
    client.cookies[COOKIE] = ALICE
    assert call(client, "POST", f"/clusters/alice{CONFIGMAPS}", configmap("by-cookie"), **REMOTE)[0] == 201
    code, status = call(client, "POST", "/clusters/bob/playground/nodes/worker-1/power", {"on": False}, **REMOTE)
    assert code == 403
    assert status["message"] == (f'clusters "bob" is forbidden: User "{auth.learner_name(ALICE)}" cannot change cluster "bob": '
                                 "it belongs to another learner; only its learner or a teacher may change it, anyone may watch it")
    assert Machine.objects.get(cluster__name="bob", name="worker-1").powered is True
    for path in ("/clusters/bob/playground/reset", "/clusters/bob/playground/clock", "/clusters/bob/playground/apply"):
        assert call(client, "POST", path, {}, **REMOTE)[0] == 403, path
    code, status = call(client, "DELETE", "/clusters/bob/", **REMOTE)
    assert code == 403 and 'cannot remove cluster "bob"' in status["message"]
    assert Cluster.objects.filter(name="bob").exists()


def test_an_unowned_cluster_is_changed_only_by_a_teacher(client, classroom):
    code, status = call(client, "POST", "/clusters/demo/playground/components/kube-scheduler/power", {"on": False}, **bearer(ALICE), **REMOTE)
    assert code == 403
    assert "it belongs to no learner; only a teacher may change it, anyone may watch it" in status["message"]
    assert call(client, "GET", "/clusters/demo/playground/components", **bearer(ALICE), **REMOTE)[0] == 200


def test_a_learner_token_creates_a_cluster_of_their_own(client, classroom):
    code, body = call(client, "POST", "/clusters/", {"name": "alice-2"}, **bearer(ALICE), **REMOTE)
    assert code == 201, body
    assert body["yours"] is True and Cluster.objects.get(name="alice-2").owner == ALICE
    assert call(client, "POST", f"/clusters/alice-2{CONFIGMAPS}", configmap("c"), **bearer(ALICE), **REMOTE)[0] == 201
    assert call(client, "POST", f"/clusters/alice-2{CONFIGMAPS}", configmap("c"), **bearer(BOB), **REMOTE)[0] == 403


def test_a_missing_cluster_is_still_not_found(client, classroom):
    code, status = call(client, "POST", f"/clusters/nosuch{CONFIGMAPS}", configmap("x"), **bearer(ALICE), **REMOTE)
    assert code == 404, status


# ---------------------------------------------------------------- teachers
def test_a_teachers_token_may_do_everything(client, classroom, teacher):
    token = {**bearer(auth.teacher_token(teacher)), **REMOTE}
    assert call(client, "POST", f"/clusters/bob{CONFIGMAPS}", configmap("t"), **token)[0] == 201
    assert call(client, "POST", "/clusters/demo/playground/nodes/worker-2/power", {"on": False}, **token)[0] == 200
    code, body = call(client, "POST", "/clusters/alice/playground/reset", {}, **token)
    assert code == 200, body
    code, body = call(client, "DELETE", "/clusters/bob/", **token)
    assert code == 200, body
    assert not Cluster.objects.filter(name="bob").exists()


def test_a_teachers_session_may_do_everything_in_the_pages(client, classroom, teacher):
    client.force_login(teacher)
    assert call(client, "POST", "/clusters/alice/playground/nodes/worker-1/power", {"on": False}, **REMOTE)[0] == 200
    assert call(client, "DELETE", "/clusters/alice/", **REMOTE)[0] == 200
    assert not Cluster.objects.filter(name="alice").exists()


def test_a_session_of_a_user_who_is_not_staff_is_no_teacher(client, classroom):
    user = get_user_model().objects.create_user("sam", password="a-long-password")
    client.force_login(user)
    assert call(client, "POST", "/clusters/alice/playground/reset", {}, **REMOTE)[0] == 401
    client.cookies[COOKIE] = BOB
    assert call(client, "POST", "/clusters/alice/playground/reset", {}, **REMOTE)[0] == 403


def test_a_teachers_token_stops_working_when_the_password_changes_or_staff_is_taken_away(client, classroom, teacher):
    old = auth.teacher_token(teacher)
    teacher.set_password("another-long-password")
    teacher.save()
    assert call(client, "GET", f"/clusters/demo{CONFIGMAPS}", **bearer(old))[0] == 401
    current = auth.teacher_token(teacher)
    assert call(client, "GET", f"/clusters/demo{CONFIGMAPS}", **bearer(current))[0] == 200
    call_command("teacher", "tina", "--remove", stdout=io.StringIO())
    assert call(client, "GET", f"/clusters/demo{CONFIGMAPS}", **bearer(current))[0] == 401


def test_the_teacher_command_makes_a_staff_user_and_prints_a_working_token(client, classroom):
    out = io.StringIO()
    call_command("teacher", "tom", "--password", "a-long-password", stdout=out)
    user = get_user_model().objects.get(username="tom")
    assert user.is_staff and user.check_password("a-long-password")
    token = out.getvalue().strip().splitlines()[-1].removeprefix("token: ")
    assert token == auth.teacher_token(user)
    assert call(client, "DELETE", "/clusters/bob/", **bearer(token), **REMOTE)[0] == 200
    only = io.StringIO()
    call_command("teacher", "tom", "--token", stdout=only)
    assert only.getvalue().strip() == token


# ---------------------------------------------------------------- kubeconfigs carry the caller's token
def kubeconfig_of(client, cluster: str, **extra) -> dict:
    response = client.get(f"/clusters/{cluster}/playground/kubeconfig", **extra)
    assert response.status_code == 200, response.content
    return yaml.safe_load(response.content)


def test_a_learners_kubeconfig_carries_their_token(client, classroom):
    client.cookies[COOKIE] = ALICE
    config = kubeconfig_of(client, "bob", **REMOTE)
    assert config["users"][0]["user"] == {"token": ALICE}
    assert config["clusters"][0]["cluster"] == {"server": "http://testserver/clusters/bob"}


def test_a_teachers_kubeconfig_carries_a_teachers_token(client, classroom, teacher):
    client.force_login(teacher)
    token = kubeconfig_of(client, "bob", **REMOTE)["users"][0]["user"]["token"]
    assert auth.teacher_from_token(token).name == "tina"


def test_a_kubeconfig_served_over_https_carries_the_certificate_authority(client, classroom, settings, tmp_path):
    import base64

    from orchestrator.api import tls

    settings.VAR_DIR = tmp_path
    tls.ensure_server_certificate("127.0.0.1")
    config = kubeconfig_of(client, "alice", secure=True, **bearer(ALICE))
    entry = config["clusters"][0]["cluster"]
    assert entry["server"] == "https://testserver/clusters/alice"
    assert base64.b64decode(entry["certificate-authority-data"]) == (tmp_path / "tls" / "ca.crt").read_bytes()
    assert config["users"][0]["user"] == {"token": ALICE}


def test_the_landing_pages_curl_line_speaks_for_the_learner_over_https():
    from orchestrator.learners import landing

    clusters = [{"name": "demo"}, {"name": "alice"}]
    plain = landing(learner=ALICE, base_url="http://127.0.0.1:8000/", clusters=clusters, yours={"alice"})["kubectl"]
    assert plain["curl"] == "curl -o kubeconfig http://127.0.0.1:8000/clusters/alice/playground/kubeconfig"
    served = landing(learner=ALICE, base_url="https://10.0.0.5:8443/", clusters=clusters, yours={"alice"})["kubectl"]
    assert served["curl"] == f"curl -k -H 'Authorization: Bearer {ALICE}' -o kubeconfig https://10.0.0.5:8443/clusters/alice/playground/kubeconfig"
