"""Who may do what, in the page, on a playground served to a class (HTTPS, tokens): a learner watching
another learner's cluster is told why a click changes nothing; a logged-in teacher may change it."""
from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import expect

from tests.api.test_https import HttpsServer, bearer
from tests.live import wait_for

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def https(tmp_path_factory):
    server = HttpsServer(tmp_path_factory.mktemp("https-page")).start()
    server.manage("teacher", "tina", "--password", "a-long-password")
    yield server
    server.stop()


@pytest.fixture
def bobs_cluster(https):
    token, name = secrets.token_urlsafe(32), f"bob-{secrets.token_hex(3)}"
    code, body = https.json("POST", "/clusters/", {"name": name}, bearer(token))
    assert code == 201, body
    return name, token


def open_cluster(context, https, name):
    page = context.new_page()
    page.goto(f"{https.url}/clusters/{name}/playground/")
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=15000)
    expect(page.locator("#workers .node[data-status=Ready]")).to_have_count(3, timeout=30000)
    return page


def powered(https, name: str, node: str, token: str) -> bool:
    code, body = https.json("GET", f"/clusters/{name}/playground/nodes", None, bearer(token))
    assert code == 200, body
    return next(n["powered"] for n in body["nodes"] if n["name"] == node)


def test_a_learner_watches_another_learners_cluster_and_is_told_why_a_click_changes_nothing(browser, https, bobs_cluster):
    name, bob = bobs_cluster
    context = browser.new_context(viewport={"width": 1280, "height": 720}, ignore_https_errors=True)
    try:
        page = open_cluster(context, https, name)  # reading: yes, the picture is live
        card = page.locator('#workers .node[data-node="worker-1"]')
        card.locator("[data-act=power]").click()
        toast = page.locator(".toast").last
        expect(toast).to_contain_text(f'cannot change cluster "{name}": it belongs to another learner')
        expect(toast).to_contain_text("only its learner or a teacher may change it")
        expect(card).to_have_attribute("data-powered", "true")
        assert powered(https, name, "worker-1", bob) is True
    finally:
        context.close()


def test_a_teacher_logged_in_changes_any_cluster_from_the_page(browser, https, bobs_cluster):
    name, bob = bobs_cluster
    context = browser.new_context(viewport={"width": 1280, "height": 720}, ignore_https_errors=True)
    try:
        login = context.new_page()
        login.goto(f"{https.url}/admin/login/?next=/teacher/")
        login.locator("#id_username").fill("tina")
        login.locator("#id_password").fill("a-long-password")
        login.locator("input[type=submit]").click()
        expect(login).to_have_url(f"{https.url}/teacher/")
        page = open_cluster(context, https, name)
        card = page.locator('#workers .node[data-node="worker-2"]')
        card.locator("[data-act=power]").click()
        expect(card).to_have_attribute("data-powered", "false", timeout=10000)
        wait_for(lambda: powered(https, name, "worker-2", bob) is False, 10, "worker-2 powered off by the teacher")
    finally:
        context.close()
