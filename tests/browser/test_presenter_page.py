"""Presenter controls on the page: hold the cluster, step it, and read each step's writer and cause."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.live import wait_for

pytestmark = pytest.mark.browser


def test_a_held_cluster_moves_only_when_the_teacher_steps(page, live_cluster):
    page.goto(live_cluster.page_url)
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=15000)
    page.locator("#toggle-classroom").click()
    page.locator("#tab-cr-presenter").click()
    page.locator("#step-hold").click()
    expect(page.locator("#step-hold")).to_have_attribute("aria-pressed", "true", timeout=10000)
    expect(page.locator("#panel-presenter .step-status")).to_contain_text("Held")

    live_cluster.create_deployment("web", 2)
    # The API write lands, but no controller acts while the cluster is held.
    expect(page.locator("#step-list")).to_contain_text("Deployment default/web")
    chips = page.locator('#topology .pod[data-key^="default/web-"]')
    expect(chips).to_have_count(0)

    # Step until the ReplicaSet controller has created the pods: they appear unscheduled, and stay so
    # (the scheduler's step has not been granted).
    def stepping():
        code, state = live_cluster.get("/playground/stepping")
        assert code == 200, state
        return state

    for _ in range(8):
        taken = stepping()["taken"]
        page.locator("#step-one").click()
        # The allowance drops as soon as a component claims the step; `taken` counts it once its writes are in.
        wait_for(lambda: stepping()["taken"] == taken + 1, 10, "the granted step taken")
        if "replicaset-controller" in [s["actor"] for s in stepping()["steps"]]:
            break
    steps = page.locator("#step-list")
    expect(steps).to_contain_text("deployment-controller")
    expect(steps).to_contain_text("ScalingReplicaSet")
    expect(steps).to_contain_text("replicaset-controller")
    expect(chips).to_have_count(2, timeout=10000)
    expect(page.locator('#pending-tray .pod[data-key^="default/web-"]')).to_have_count(2)

    # Clicking a write selects its object in the picture.
    page.locator("#step-list button.link", has_text="ReplicaSet default/web-").first.click()
    expect(page.locator("#details")).to_be_visible()
    expect(page.locator("#details-title")).to_contain_text("web-")
    # At 1280 wide the details cover the drawer; closing them shows the steps again.
    page.locator("#details-close").click()
    expect(page.locator("#step-list")).to_be_visible()

    page.locator("#step-hold").click()
    expect(page.locator("#step-hold")).to_have_attribute("aria-pressed", "false", timeout=10000)
    expect(page.locator('#workers .pod[data-key^="default/web-"][data-state=ready]')).to_have_count(2, timeout=30000)
