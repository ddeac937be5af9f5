"""Replay on the cluster page against a real playground: scrub back, read-only, play, back to live."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.live import wait_for

pytestmark = pytest.mark.browser


def chips(page, prefix: str, extra: str = ""):
    return page.locator(f'#topology .pod[data-key^="{prefix}"]{extra}')


def scrub_to(page, revision: int) -> None:
    """Drag the scrubber to `revision` (a range input: set its value and let it fire as a drag does)."""
    page.locator("#replay-scrubber").evaluate(
        """(el, value) => { el.value = String(value); el.dispatchEvent(new Event('input', {bubbles: true}));
                            el.dispatchEvent(new Event('change', {bubbles: true})); }""", revision)


def test_scrubbing_back_before_a_deployment_hides_its_pods_read_only_and_live_brings_them_back(page, live_cluster, artifacts):
    page.goto(live_cluster.page_url)
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=15000)
    expect(page.locator("#workers .node[data-status=Ready]")).to_have_count(3, timeout=15000)
    before = live_cluster.state()["revision"]
    live_cluster.create_deployment("web", 3)
    expect(chips(page, "default/web-", "[data-state=ready]")).to_have_count(3, timeout=30000)

    page.locator("#toggle-classroom").click()
    page.locator("#tab-cr-replay").click()
    scrubber = page.locator("#replay-scrubber")
    expect(scrubber).to_have_attribute("min", re.compile(r"\d+"))
    page.wait_for_function("Number(document.querySelector('#replay-scrubber').max) > %d" % before)
    scrub_to(page, before)

    banner = page.locator("#replay-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text(re.compile(rf"Replay: \d\d:\d\d:\d\d, rev {before} — read-only"))
    expect(chips(page, "default/web-")).to_have_count(0)
    expect(page.locator("#workers .node")).to_have_count(3)
    assert page.evaluate("window.playground.store.revision") == before
    expect(page.locator("#replay-at")).to_contain_text(f"rev {before}")
    expect(page.locator("#replay-at")).to_contain_text(re.compile(r"\d+ s ago"))
    # The header's clock shows the past's time as a replay, with nothing to pause.
    expect(page.locator("#sim-time")).to_have_text(re.compile(r"^\d\d:\d\d:\d\d \(replay\)$"))
    expect(page.locator("#clock-pause")).to_be_disabled()

    # Read-only: an action is refused with a readable message and changes nothing.
    card = page.locator("#workers .node").first
    node = card.get_attribute("data-node")
    card.locator("[data-act=power]").click()
    expect(page.locator(".toast-error").last).to_contain_text("Replay is read-only")
    assert next(n for n in live_cluster.state()["nodes"] if n["name"] == node)["powered"] is True

    # The live feed is held: frames keep arriving but the picture stays in the past.
    live_cluster.scale("web", 4)
    frames = page.evaluate("window.playground.feed.stats.frames")
    page.wait_for_function(f"window.playground.feed.stats.frames > {frames + 2}", timeout=15000)
    assert page.evaluate("window.playground.store.revision") == before
    expect(chips(page, "default/web-")).to_have_count(0)
    page.screenshot(path=str(artifacts / "replay.png"))

    # Playing forward at 4x brings the deployment's pods in as they came, still read-only.
    page.locator(".replay-speed", has_text="4×").click()
    page.locator("#replay-play").click()
    expect(chips(page, "default/web-")).not_to_have_count(0, timeout=30000)
    expect(banner).to_be_visible()

    page.locator("#replay-live").click()
    expect(banner).to_be_hidden()
    expect(page.locator("#clock-pause")).to_be_enabled()
    expect(page.locator("#sim-time")).not_to_contain_text("replay")
    wait_for(lambda: live_cluster.running_ready("app=web", 4), 60, "4 ready pods")
    expect(chips(page, "default/web-", "[data-state=ready]")).to_have_count(4, timeout=30000)
    live = live_cluster.state()["revision"]
    page.wait_for_function(f"window.playground.store.revision >= {live}", timeout=15000)
    # Actions work again.
    card.locator("[data-act=cordon]").click()
    expect(page.locator(".toast").last).to_contain_text("cordoned")


def test_export_and_import_from_the_replay_panel(page, live_cluster, server):
    live_cluster.create_deployment("web", 2)
    page.goto(live_cluster.page_url)
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=15000)
    page.locator("#toggle-classroom").click()
    page.locator("#tab-cr-replay").click()
    with page.expect_download() as download:
        page.locator("#replay-export").click()
    text = open(download.value.path()).read()
    assert "kind: PlaygroundCluster" in text and "name: web" in text

    page.locator("#replay-import-open").click()
    copy = f"{live_cluster.name}-copy"
    page.locator("#replay-import-name").fill(copy)
    page.locator("#replay-import-text").fill(text.replace("kind: Deployment", "kind: Deploymint"))
    page.locator("#replay-import [type=submit]").click()
    error = page.locator("#replay-import .form-error")
    expect(error).to_contain_text('no matches for kind "Deploymint"')
    expect(error).to_contain_text(re.compile(r"line \d+: kind"))
    assert server.json("GET", f"/clusters/{copy}/playground/state")[0] == 404

    page.locator("#replay-import-text").fill(text)
    page.locator("#replay-import [type=submit]").click()
    expect(page.locator("#replay-import .replay-done")).to_contain_text(f"Cluster {copy} created with 1 object")
    try:
        code, state = server.json("GET", f"/clusters/{copy}/playground/state")
        assert code == 200 and len(state["nodes"]) == 4
    finally:
        server.request("DELETE", f"/clusters/{copy}/")
