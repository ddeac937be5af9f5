"""A cluster per learner: the learner cookie, owned clusters, and who may remove them."""
from __future__ import annotations

import json

import pytest

from orchestrator.controlplane.clusters import cluster_create
from orchestrator.learners import COOKIE
from orchestrator.models import Cluster

pytestmark = pytest.mark.django_db

ALICE = "alice-token-0123456789abcdefghij"
BOB = "bob-token-0123456789abcdefghijklm"


def as_learner(client, token: str | None):
    client.cookies.clear()
    if token is not None:
        client.cookies[COOKIE] = token
    return client


def create(client, name: str, **body):
    return client.post("/clusters/", json.dumps({"name": name, **body}), content_type="application/json")


def delete(client, name: str):
    return client.delete(f"/clusters/{name}/")


def test_a_first_visit_gets_a_long_lived_private_learner_cookie(client):
    response = client.get("/")
    cookie = response.cookies[COOKIE]
    assert len(cookie.value) >= 32
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) >= 365 * 24 * 3600
    again = client.get("/")
    assert COOKIE not in again.cookies, "a known learner keeps the token it has"
    other = as_learner(client.__class__(), None).get("/")
    assert other.cookies[COOKIE].value != cookie.value


def test_a_forged_cookie_is_replaced_and_never_stored(client):
    as_learner(client, "x; not a token")
    response = client.get("/")
    assert response.cookies[COOKIE].value != "x; not a token"
    as_learner(client, "short")
    assert create(client, "forged").status_code == 201
    assert Cluster.objects.get(name="forged").owner == ""


def test_a_cluster_created_by_a_learner_is_theirs(client):
    response = create(as_learner(client, ALICE), "alice")
    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["owned"], body["yours"]) == ("alice", True, True)
    assert Cluster.objects.get(name="alice").owner == ALICE
    listed = {c["name"]: c for c in as_learner(client, BOB).get("/clusters/").json()["clusters"]}
    assert (listed["alice"]["owned"], listed["alice"]["yours"]) == (True, False)
    assert ALICE not in client.get("/clusters/").content.decode(), "tokens are never shown"


def test_another_learner_cannot_remove_it(client):
    create(as_learner(client, ALICE), "alice")
    for token in (BOB, None):
        response = delete(as_learner(client, token), "alice")
        assert response.status_code == 403
        status = response.json()
        assert (status["kind"], status["status"], status["reason"], status["code"]) == ("Status", "Failure", "Forbidden", 403)
        assert status["message"] == 'cluster "alice" belongs to another learner'
        assert status["details"] == {"name": "alice", "kind": "clusters"}
    assert Cluster.objects.filter(name="alice").exists()


def test_the_owner_removes_their_cluster(client):
    create(as_learner(client, ALICE), "alice")
    response = delete(client, "alice")
    assert response.status_code == 200
    assert response.json()["status"] == "Success"
    assert not Cluster.objects.filter(name="alice").exists()


@pytest.mark.parametrize("token", [None, BOB], ids=["api-client", "learner"])
def test_clusters_without_owner_stay_removable_by_anyone(client, token):
    as_learner(client, None)
    assert create(client, "shared").status_code == 201
    assert Cluster.objects.get(name="shared").owner == ""
    cluster_create(name="demo")
    for name in ("shared", "demo"):
        assert delete(as_learner(client, token), name).status_code == 200
    assert not Cluster.objects.exists()


def test_a_reset_keeps_the_owner(client):
    create(as_learner(client, ALICE), "alice")
    assert client.post("/clusters/alice/playground/reset").status_code == 200
    assert Cluster.objects.get(name="alice").owner == ALICE


def test_an_invalid_name_is_refused_with_the_kubernetes_wording_and_creates_nothing(client):
    response = create(as_learner(client, ALICE), "Bad_Name")
    assert response.status_code == 422
    status = response.json()
    assert status["reason"] == "Invalid"
    cause = status["details"]["causes"][0]
    assert cause["field"] == "name"
    assert cause["message"].startswith('Invalid value: "Bad_Name": a lowercase RFC 1123 label must consist of')
    assert not Cluster.objects.exists()


def test_a_taken_name_is_409_and_leaves_the_first_owner(client):
    create(as_learner(client, ALICE), "alice")
    response = create(as_learner(client, BOB), "alice")
    assert response.status_code == 409
    status = response.json()
    assert (status["reason"], status["message"]) == ("AlreadyExists", 'cluster "alice" already exists')
    assert Cluster.objects.get(name="alice").owner == ALICE


def test_an_unknown_profile_names_the_field(client):
    response = create(as_learner(client, ALICE), "alice", profile="turbo")
    assert response.status_code == 422
    cause = response.json()["details"]["causes"][0]
    assert cause["field"] == "profile" and "turbo" in cause["message"]
    assert not Cluster.objects.exists()


def test_removing_a_missing_cluster_is_404(client):
    response = delete(as_learner(client, ALICE), "ghost")
    assert response.status_code == 404
    assert response.json()["message"] == 'cluster "ghost" not found'


def test_the_landing_page_lists_clusters_with_links_and_offers_removal_of_your_own(client):
    create(as_learner(client, ALICE), "alice")
    create(as_learner(client, BOB), "bob")
    cluster_create(name="demo")
    html = as_learner(client, ALICE).get("/").content.decode()
    for name in ("alice", "bob", "demo"):
        assert f'href="/clusters/{name}/playground/"' in html
        assert f'href="/clusters/{name}/playground/kubeconfig"' in html
    assert 'data-remove="alice"' in html
    assert 'data-remove="bob"' not in html and 'data-remove="demo"' not in html
    assert 'href="/teacher/"' in html
    assert ALICE not in html and BOB not in html
