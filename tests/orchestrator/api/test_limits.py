"""Limits on requests (issue 13, item 2): a rate per client answered 429 with Retry-After, and a
deadline per request answered 504 that also stops the work of its worker thread."""
from __future__ import annotations

import json
import threading

import pytest
from django.db import OperationalError, connection
from django.test import AsyncClient, Client, override_settings

from orchestrator.api import handlers, limits
from orchestrator.controlplane.clusters import cluster_create
from orchestrator.models import Cluster, Revision


def test_go_durations():
    assert [limits.go_duration(s) for s in (60, 0.5, 30, 90.5, 3600)] == ["1m0s", "500ms", "30s", "1m30.5s", "1h0m0s"]


def test_token_bucket_refills_at_its_rate():
    now = [100.0]
    limiter = limits.RateLimiter(rate=2, burst=3, clock=lambda: now[0])
    assert [limiter.take("a") for _ in range(3)] == [None, None, None]
    assert limiter.take("a") == pytest.approx(0.5)
    assert limiter.take("b") is None, "another client has its own bucket"
    now[0] += 0.5
    assert limiter.take("a") is None
    assert limiter.take("a") == pytest.approx(0.5)


def test_retry_after_is_whole_seconds_and_at_least_one():
    assert limits.too_many(0.01).retry_after == 1
    assert limits.too_many(2.2).retry_after == 3


@pytest.mark.django_db
@override_settings(PLAYGROUND_RATE_LIMIT=0.001, PLAYGROUND_RATE_BURST=3)
def test_a_client_past_its_rate_gets_429_with_retry_after():
    cluster_create(name="demo")
    learner = Client(REMOTE_ADDR="10.0.0.7")
    for _ in range(3):  # answered (whoever may see it: authorization is not this test's business), not limited
        assert learner.get("/clusters/demo/playground/state").status_code != 429
    before = (sorted(Cluster.objects.values_list("name", "revision")), Revision.objects.count())
    response = learner.post("/clusters/", json.dumps({"name": "alice"}), content_type="application/json")
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    body = response.json()
    assert (body["kind"], body["reason"], body["code"], body["message"]) == ("Status", "TooManyRequests", 429, "Too many requests, please try again later.")
    assert body["details"]["retryAfterSeconds"] == int(response["Retry-After"])
    assert (sorted(Cluster.objects.values_list("name", "revision")), Revision.objects.count()) == before
    assert Client(REMOTE_ADDR="10.0.0.8").get("/clusters/").status_code != 429, "other learners go on"
    assert Client(REMOTE_ADDR="127.0.0.1").get("/clusters/").status_code == 200, "the teacher's laptop is not limited"


@pytest.mark.django_db
@override_settings(PLAYGROUND_RATE_LIMIT=0.001, PLAYGROUND_RATE_BURST=1, PLAYGROUND_RATE_LIMIT_EXEMPT=())
def test_loopback_is_limited_when_not_exempt():
    local = Client(REMOTE_ADDR="127.0.0.1")
    assert local.get("/healthz").status_code == 200
    assert local.get("/healthz").status_code == 429


@pytest.fixture
def slow_pods(monkeypatch):
    """Listing pods works until its deadline stops it; `finished` is set when the worker is free."""
    finished = threading.Event()
    outcome = {}
    real = handlers.list_

    def list_(req):
        if req.resource.plural != "pods":
            return real(req)
        import time

        started = time.monotonic()
        try:
            while time.monotonic() - started < 10:  # without a deadline the test fails, it does not hang
                limits.check_deadline()
                finished.wait(0.01)
            raise AssertionError("no deadline stopped the request")
        except limits.Timeout as stop:
            outcome["stopped"] = stop
            raise
        finally:
            finished.set()

    monkeypatch.setattr(handlers, "list_", list_)
    return finished, outcome


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
@override_settings(PLAYGROUND_REQUEST_TIMEOUT=0.5)
async def test_a_request_past_its_deadline_is_answered_504_and_frees_its_worker(slow_pods):
    from asgiref.sync import sync_to_async

    finished, outcome = slow_pods
    await sync_to_async(cluster_create)(name="demo")
    client = AsyncClient()
    response = await client.get("/clusters/demo/api/v1/namespaces/default/pods")
    assert response.status_code == 504
    body = response.json()
    assert (body["kind"], body["reason"], body["code"]) == ("Status", "Timeout", 504)
    assert body["message"] == "Timeout: request did not complete within 500ms"
    assert await sync_to_async(finished.wait)(5), "the worker thread stopped at its deadline"
    assert isinstance(outcome["stopped"], limits.Timeout)
    assert (await client.get("/clusters/demo/api/v1/namespaces")).status_code == 200


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
@override_settings(PLAYGROUND_REQUEST_TIMEOUT=0.5)
async def test_watches_are_not_cut(slow_pods):
    from asgiref.sync import sync_to_async

    await sync_to_async(cluster_create)(name="demo")
    response = await AsyncClient().get("/clusters/demo/api/v1/namespaces?watch=true&timeoutSeconds=1")
    assert response.status_code == 200


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the progress handler is SQLite's")
def test_a_query_past_the_deadline_is_interrupted():
    """A query that would run for minutes stops soon after the request's deadline."""
    import time

    token = limits._deadline.set(time.monotonic() + 0.3)
    try:
        limits.check_deadline()
        with pytest.raises(OperationalError, match="interrupted"):
            with connection.cursor() as cursor:
                cursor.execute("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10000000000) SELECT count(*) FROM c")
    finally:
        limits._deadline.reset(token)
    with connection.cursor() as cursor:  # outside a request nothing is cut
        cursor.execute("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000) SELECT count(*) FROM c")
        assert cursor.fetchone() == (100000,)


@pytest.mark.asyncio
@override_settings(PLAYGROUND_MAX_INFLIGHT_PER_CLIENT=2, PLAYGROUND_REQUEST_TIMEOUT=30)
async def test_one_client_cannot_take_every_worker():
    """Two slow requests of one learner in progress: their third is 429, another learner is served,
    and the slots come back when the slow ones end."""
    import asyncio

    from django.http import HttpResponse
    from django.test import RequestFactory

    release, both_in = asyncio.Event(), asyncio.Event()
    entered = []

    async def view(request):
        entered.append(request.path)
        if request.path == "/slow":
            if entered.count("/slow") == 2:
                both_in.set()
            await release.wait()
        return HttpResponse("ok")

    middleware = limits.RequestLimitsMiddleware(view)
    factory = RequestFactory()
    slow = [asyncio.ensure_future(middleware(factory.get("/slow", REMOTE_ADDR="10.0.0.9"))) for _ in range(2)]
    await asyncio.wait_for(both_in.wait(), 5)  # both in progress, waiting for `release`
    third = await middleware(factory.get("/fast", REMOTE_ADDR="10.0.0.9"))
    assert third.status_code == 429 and third["Retry-After"] == "1"
    assert json.loads(third.content)["message"] == "Too many requests, please try again later."
    assert (await middleware(factory.get("/fast", REMOTE_ADDR="10.0.0.10"))).status_code == 200, "another learner is served"
    assert (await middleware(factory.get("/fast", REMOTE_ADDR="127.0.0.1"))).status_code == 200, "loopback is exempt"
    assert (await middleware(factory.get("/watch", {"watch": "true"}, REMOTE_ADDR="10.0.0.9"))).status_code == 200, "watches are not counted"
    release.set()
    assert [r.status_code for r in await asyncio.gather(*slow)] == [200, 200]
    assert (await middleware(factory.get("/fast", REMOTE_ADDR="10.0.0.9"))).status_code == 200, "the slots are given back"
    assert middleware.inflight == {}
