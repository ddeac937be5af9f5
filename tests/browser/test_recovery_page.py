"""The failure timeline on the page: a worker switched off by click, its recovery told step by step."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_worker_switched_off_by_click_shows_its_recovery_live(page, live_cluster, artifacts):
    live_cluster.create_deployment("web", 6)
    code, out = live_cluster.server.json("POST", f"{live_cluster.base}/api/v1/namespaces/default/services",
                                         {"metadata": {"name": "web"}, "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}})
    assert code == 201, out
    page.goto(live_cluster.page_url)
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=15000)
    expect(page.locator('#workers .pod[data-key^="default/web-"][data-state=ready]')).to_have_count(6, timeout=30000)

    page.locator("#toggle-classroom").click()
    page.locator("#tab-cr-recovery").click()
    panel = page.locator("#panel-recovery")
    expect(panel).to_contain_text("Nothing has happened yet")

    victim = page.evaluate("""() => [...document.querySelectorAll('#workers .node')]
        .map((n) => [n.dataset.node, n.querySelectorAll('.pod[data-key]').length]).sort((a, b) => b[1] - a[1])[0][0]""")
    page.locator(f'#workers .node[data-node="{victim}"] [data-act=power]').click()

    # The incident appears on its own: the last heartbeat, the power cut, the grace period running.
    expect(page.locator("#rc-title")).to_have_text(f"{victim} lost power", timeout=10000)
    steps = page.locator("#rc-steps .rc-step")
    expect(steps.nth(0)).to_contain_text(f"Last heartbeat from {victim}")
    expect(steps.nth(1)).to_contain_text(f"{victim} switched off")
    expect(steps.nth(1)).to_contain_text("+0.0 s sim")
    grace = page.locator(".rc-timer", has_text="Node monitor grace period")
    expect(grace.locator(".rc-left")).to_have_text(re.compile(r"\d+\.\d s left"))
    first_left = float(grace.locator(".rc-left").inner_text().split()[0])
    expect(grace.locator(".rc-left")).not_to_have_text(f"{first_left:.1f} s left", timeout=5000)  # it runs

    # Fast-forward the grace period from the keyboard: NotReady and the taint follow.
    button = grace.locator(".rc-ff")
    button.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#rc-steps .rc-step[data-type=not-ready]")).to_contain_text(f"{victim} is NotReady", timeout=15000)
    expect(page.locator("#rc-steps .rc-step[data-type=taint]")).to_contain_text("node.kubernetes.io/unreachable:NoExecute")
    expect(grace.locator(".rc-left")).to_have_text("done")
    # Only the silent node went NotReady: the jump did not outrun the live nodes' heartbeats.
    expect(page.locator("#rc-steps .rc-step[data-type=endpoints]").first).to_contain_text("removed (4 ready)", timeout=10000)

    # Then the tolerations run out (fast-forwarded by click): evictions, replacements, recovery.
    toleration = page.locator(".rc-timer", has_text="Toleration of node.kubernetes.io/unreachable")
    expect(toleration).to_contain_text("2 pods evicted")
    page.locator("#classroom").screenshot(path=str(artifacts / "recovery-countdowns.png"))
    toleration.locator(".rc-ff").click()
    expect(page.locator("#rc-steps .rc-step[data-type=evicted]")).to_have_count(2, timeout=15000)
    expect(page.locator("#rc-steps .rc-step[data-type=created]")).to_have_count(2, timeout=15000)
    expect(page.locator("#rc-steps .rc-step[data-type=ready]")).to_have_count(2, timeout=30000)
    expect(page.locator("#rc-steps .rc-step[data-type=endpoints]").last).to_contain_text("added (6 ready)", timeout=15000)
    expect(page.locator("#rc-outcome")).to_have_text(re.compile(r"recovered in \d+\.\d s · \d+\.\d s on the wall clock"), timeout=15000)
    expect(page.locator("#rc-steps .rc-step").last).to_contain_text("recovered in")

    # The steps are in the order they happened and each links to its object.
    revisions = [int(re.search(r"rev (\d+)", t).group(1)) for t in steps.all_inner_texts()]
    assert revisions == sorted(revisions)
    page.locator("#rc-steps .rc-step[data-type=created] button.link").first.click()
    expect(page.locator("#details")).to_be_visible()
    expect(page.locator("#details-title")).to_contain_text("web-")
    page.screenshot(path=str(artifacts / "recovery.png"))
