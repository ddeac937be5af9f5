"""A learner's cluster from the landing page, and the teacher's overview, against a real playground."""
from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def cluster_names(server) -> set[str]:
    code, body = server.json("GET", "/clusters/")
    assert code == 200
    return {c["name"] for c in body["clusters"]}


def test_a_learner_creates_a_cluster_sees_it_in_the_overview_and_removes_it(page, server, artifacts):
    name = f"learner-{uuid.uuid4().hex[:6]}"
    page.goto(server.url + "/")
    page.get_by_label("Name").fill(name)
    page.get_by_role("button", name="Create").click()
    expect(page).to_have_url(f"{server.url}/clusters/{name}/playground/", timeout=15000)
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=15000)
    expect(page.locator("#workers .node[data-status=Ready]")).to_have_count(3, timeout=30000)

    page.goto(server.url + "/")
    page.get_by_role("link", name=re.compile("Teacher overview")).click()
    thumb = page.locator(f'.thumb[data-cluster="{name}"]')
    expect(thumb.locator(".mini-node")).to_have_count(4)
    expect(thumb.locator(".verdict")).to_have_text("healthy", timeout=15000)
    expect(thumb.locator(".mini-node.ready")).to_have_count(4)
    expect(thumb.locator(".mini-components li.on")).to_have_count(4)
    expect(thumb.locator(".counts")).to_contain_text("nodes 4/4 ready")

    # live: a worker powered off through the control API shows without a reload
    page.evaluate("window.__same = true")
    code, _ = server.json("POST", f"/clusters/{name}/playground/nodes/worker-2/power", {"on": False})
    assert code == 200
    expect(thumb.locator(".verdict")).to_have_text("degraded: worker-2 powered off", timeout=5000)
    expect(thumb.locator('.mini-node[data-node="worker-2"]')).to_have_class(re.compile(r"\boff\b"))
    assert page.evaluate("window.__same") is True
    page.screenshot(path=str(artifacts / "teacher-overview.png"))
    thumb.locator(".thumb-link").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{server.url}/clusters/{name}/playground/")

    page.goto(server.url + "/")
    row = page.locator(f'.cluster-row[data-cluster="{name}"]')
    expect(row.locator(".yours-badge")).to_be_visible()
    row.get_by_role("button", name=f"Remove {name}…").click()
    dialog = page.locator("#remove-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(f"Remove cluster {name}?")
    dialog.get_by_role("button", name="Keep it").click()
    expect(dialog).to_be_hidden()
    assert name in cluster_names(server)
    row.get_by_role("button", name=f"Remove {name}…").click()
    dialog.get_by_role("button", name="Remove", exact=True).click()
    expect(row).to_have_count(0)
    expect(page.locator("#list-status")).to_have_text(f"✓ Cluster {name} removed")
    assert name not in cluster_names(server)


def test_a_bad_name_shows_the_error_next_to_the_field_and_creates_nothing(page, server):
    before = cluster_names(server)
    page.goto(server.url + "/")
    page.get_by_label("Name").fill("Bad_Name")
    page.get_by_role("button", name="Create").click()
    error = page.locator("#cc-name-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text('Invalid value: "Bad_Name": a lowercase RFC 1123 label must consist of')
    expect(page.get_by_label("Name")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Name")).to_be_focused()
    assert page.url == server.url + "/"
    assert cluster_names(server) == before


def test_a_taken_name_says_so_next_to_the_field(page, server, live_cluster):
    page.goto(server.url + "/")
    page.get_by_label("Name").fill(live_cluster.name)
    page.get_by_role("button", name="Create").click()
    expect(page.locator("#cc-name-error")).to_have_text(f'cluster "{live_cluster.name}" already exists: choose another name')
    expect(page.locator(f'.cluster-row[data-cluster="{live_cluster.name}"] [data-remove]')).to_have_count(0)


def test_another_learners_cluster_cannot_be_removed(browser, server):
    name = f"mine-{uuid.uuid4().hex[:6]}"
    owner = browser.new_context(viewport={"width": 1280, "height": 720})
    other = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        mine = owner.new_page()
        mine.goto(server.url + "/")
        mine.get_by_label("Name").fill(name)
        mine.get_by_role("button", name="Create").click()
        expect(mine).to_have_url(re.compile(f"/clusters/{name}/playground/$"), timeout=15000)
        theirs = other.new_page()
        theirs.goto(server.url + "/")
        row = theirs.locator(f'.cluster-row[data-cluster="{name}"]')
        expect(row).to_be_visible()
        expect(row.locator("[data-remove]")).to_have_count(0)
        expect(row.locator(".yours-badge")).to_have_count(0)
        # even asked directly, with the other learner's cookie, the server refuses
        token = "document.querySelector('meta[name=csrf-token]').content"
        status = theirs.evaluate(f"fetch('/clusters/{name}/', {{method: 'DELETE', headers: {{'X-CSRFToken': {token}}}}}).then((r) => r.json())")
        assert (status["code"], status["message"]) == (403, f'cluster "{name}" belongs to another learner')
        assert name in cluster_names(server)
    finally:
        server.request("DELETE", f"/clusters/{name}/", None, {"Cookie": owner.cookies()[0]["name"] + "=" + owner.cookies()[0]["value"]})
        owner.close()
        other.close()
