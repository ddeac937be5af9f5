"""The first visit (issue 12): the landing page says what the playground is and offers three ways in —
the demo cluster, a lesson in one click, one's own cluster — and the two kubectl lines for the
address it is served from."""
from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
BUILT_IN = sorted(p.stem for p in (Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))


def test_the_landing_page_explains_itself_in_one_screen(page, server, artifacts):
    page.goto(server.url + "/")
    expect(page.locator(".intro")).to_contain_text("machines are simulated")
    expect(page.locator(".intro .lead")).to_contain_text("kubectl")
    demo = page.locator("#open-demo")
    expect(demo).to_have_attribute("href", "/clusters/demo/playground/")
    lessons = page.locator("#lesson-list .lesson-link")
    expect(lessons).to_have_count(len(BUILT_IN))
    assert sorted(lessons.evaluate_all("(links) => links.map((a) => a.dataset.lesson)")) == BUILT_IN
    expect(page.locator("#kubectl-curl")).to_have_text(f"curl -o kubeconfig {server.url}/clusters/demo/playground/kubeconfig")
    expect(page.locator("#kubectl-get")).to_have_text("KUBECONFIG=$PWD/kubeconfig kubectl get nodes")
    expect(page.locator(".kubectl")).to_contain_text(f"--server {server.url}")
    # The intro, the three ways in and the kubectl lines are on the first screen (1280x720).
    for selector in (".intro", "#open-demo", "#lesson-list", "#create-cluster button[type=submit]", "#kubectl-get"):
        expect(page.locator(selector)).to_be_in_viewport(ratio=1)
    page.screenshot(path=str(artifacts / "landing.png"))
    page.set_viewport_size({"width": 1920, "height": 1080})
    for selector in (".intro", "#open-demo", "#lesson-list", "#create-cluster button[type=submit]", "#kubectl-get"):
        expect(page.locator(selector)).to_be_in_viewport(ratio=1)
    page.screenshot(path=str(artifacts / "landing-1920.png"))


def test_open_the_demo_cluster(page, server, artifacts):
    from tests.browser.test_projector import assert_fits

    page.goto(server.url + "/")
    page.locator("#open-demo").click()
    expect(page).to_have_url(f"{server.url}/clusters/demo/playground/")
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=15000)
    expect(page.locator("#topology .node")).to_have_count(4, timeout=15000)
    assert_fits(page, "the demo cluster opened from the landing page", artifacts, "landing-open-demo.png")


def test_a_lesson_starts_in_one_click(page, server, artifacts):
    page.goto(server.url + "/")
    page.locator('#lesson-list .lesson-link[data-lesson="scheduler-down"]').click()
    expect(page.locator("#classroom")).to_be_visible(timeout=15000)
    expect(page.locator("#scenario-run")).to_be_visible(timeout=20000)
    expect(page.locator("#scenario-run h2")).to_have_text("The scheduler is down")
    expect(page).to_have_url(f"{server.url}/clusters/demo/playground/")  # a reload does not reset again
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=20000)
    page.screenshot(path=str(artifacts / "landing-lesson-started.png"))


def test_create_your_own_cluster_from_the_landing_page(page, server, artifacts):
    name = f"mine-{uuid.uuid4().hex[:6]}"
    page.goto(server.url + "/")
    page.get_by_label("Name").fill(name)
    page.get_by_role("button", name="Create", exact=True).click()
    expect(page).to_have_url(f"{server.url}/clusters/{name}/playground/", timeout=15000)
    expect(page.locator("#topology .node")).to_have_count(4, timeout=15000)
    page.screenshot(path=str(artifacts / "landing-own-cluster.png"))
    # Back on the landing page, lessons and kubectl now point at the learner's own cluster.
    page.goto(server.url + "/")
    expect(page.locator("#kubectl-curl")).to_contain_text(f"/clusters/{name}/playground/kubeconfig")
    expect(page.locator('#lesson-list .lesson-link[data-lesson="kill-a-node"]')).to_have_attribute(
        "href", f"/clusters/{name}/playground/?lesson=kill-a-node")
    server.request("DELETE", f"/clusters/{name}/")
