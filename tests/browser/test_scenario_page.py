"""The lesson panel against a real playground: "Kill a node and watch recovery" clicked
through from the list to its end, with the checks and the picture following."""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.lessons import BUILT_IN

pytestmark = pytest.mark.browser


def current_step(page, index: int):
    return page.locator(f'#scenario-steps .sc-step[data-index="{index}"][data-status="current"]')


def test_kill_a_node_lesson_clicked_through_to_its_end(page, live_cluster, artifacts):
    page.goto(live_cluster.page_url)
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=15000)
    page.locator("#toggle-classroom").click()
    panel = page.locator("#panel-scenario")
    expect(panel).to_be_visible()
    expect(panel.locator("#scenario-list .sc-start")).to_have_count(len(BUILT_IN))
    expect(panel.locator("#scenario-errors")).to_have_count(0)

    panel.locator('#scenario-list .sc-start[data-name="kill-a-node"]').click()
    run = panel.locator("#scenario-run")
    expect(run).to_have_attribute("data-phase", "setup", timeout=15000)
    expect(page.locator(".toast", has_text='Lesson "Kill a node and watch recovery" set up').first).to_be_visible(timeout=15000)
    expect(run).to_have_attribute("data-phase", "steps", timeout=60000)
    expect(page.locator('#topology .pod[data-key^="default/web-"][data-state=ready]')).to_have_count(6, timeout=15000)

    step = current_step(page, 0)
    expect(step).to_contain_text("Pull the plug on worker-1")
    expect(step.locator(".sc-checks li")).to_have_text(["…not yet: node worker-1 powered off — now: powered on"])
    step.locator(".sc-do").click()
    expect(page.locator(".toast", has_text="worker-1 powered off").first).to_be_visible(timeout=15000)
    expect(page.locator('#workers .node[data-node="worker-1"]')).to_have_attribute("data-powered", "false", timeout=10000)

    step = current_step(page, 1)
    expect(step).to_be_visible(timeout=10000)
    expect(step.locator(".sc-do")).to_have_count(0)  # watched, not done
    expect(step.locator(".sc-hint code")).to_have_text("kubectl get nodes -w")
    expect(current_step(page, 2)).to_be_visible(timeout=30000)
    expect(page.locator('#workers .node[data-node="worker-1"]')).to_have_attribute("data-status", "Unknown", timeout=15000)
    expect(page.locator('#scenario-steps .sc-step[data-index="1"] .sc-mark')).to_have_text("done", timeout=15000)

    step = current_step(page, 3)
    expect(step).to_be_visible(timeout=40000)
    survivors = page.locator('#workers .node:not([data-node="worker-1"]) .pod[data-key^="default/web-"][data-state=ready]')
    expect(survivors).to_have_count(6, timeout=15000)
    button = step.locator(".sc-do")
    expect(button).to_have_text("Do it: Power on worker-1")
    button.focus()  # keyboard reachable: Enter presses it
    page.keyboard.press("Enter")

    expect(run).to_have_attribute("data-phase", "finished", timeout=30000)
    expect(run.locator(".sc-finished")).to_contain_text("Lesson complete in")
    expect(run).not_to_contain_text("null")
    expect(run.locator(".sc-step.done")).to_have_count(4)
    expect(page.locator('#workers .node[data-node="worker-1"]')).to_have_attribute("data-status", "Ready", timeout=10000)
    expect(page.locator('#workers .node[data-node="worker-1"] .pod[data-key^="default/web-"]')).to_have_count(0, timeout=15000)
    page.screenshot(path=str(artifacts / "scenario-kill-a-node.png"))

    code, state = live_cluster.get("/playground/scenario")
    assert code == 200 and state["phase"] == "finished"
    timings = {s["title"]: s["took"] for s in state["steps"]}
    (artifacts / "scenario-kill-a-node-timings.json").write_text(json.dumps(timings, indent=2))
    # In simulated time the control plane waited out the grace period (6 s, counted from the last heartbeat,
    # renewed every second) before NotReady, then the toleration (5 s; the taint's timeAdded is kept to
    # whole seconds) before the evictions that the replacements follow.
    noticed = timings["Pull the plug on worker-1"]["sim"] + timings["The node controller notices the silence"]["sim"]
    assert noticed >= 5, timings
    assert timings["The pods are evicted and replaced"]["sim"] >= 4, timings

    # Reset scenario starts the lesson again from a fresh cluster; "Other lessons" goes back to the list.
    run.locator("#scenario-reset").click()
    expect(run).to_have_attribute("data-phase", "setup", timeout=15000)
    expect(run.locator(".sc-step.done")).to_have_count(0)
    run.locator("#scenario-leave").click()
    expect(panel.locator("#scenario-list .sc-start")).to_have_count(len(BUILT_IN))
    expect(page.locator(".toast", has_text="Left the lesson").first).to_be_visible(timeout=15000)


def test_the_list_shows_a_teachers_lesson_and_the_files_with_problems(page, tmp_path, settings):
    """The page served by the harness, answering with the listing the API makes of a teacher's folder."""
    from orchestrator.api.scenarios import listing_body
    from tests.browser.harness import Harness

    settings.PLAYGROUND_SCENARIOS_DIR = str(tmp_path)
    (tmp_path / "my-lesson.yaml").write_text(
        "title: My lesson\nsummary: Mine.\nsteps:\n  - title: a\n    explanation: b\n    done: [{component: {name: etcd, running: true}}]\n")
    (tmp_path / "typo.yaml").write_text("title: Typo\nsummary: x\nstepz: []\n")
    listing = listing_body(None)
    harness = Harness(page)
    harness.respond("GET", "/playground/scenario", 200, {"active": False})
    harness.respond("GET", "/playground/scenarios", 200, listing)
    harness.open()
    page.locator("#toggle-classroom").click()
    panel = page.locator("#panel-scenario")
    expect(panel.locator("#scenario-list .sc-start")).to_have_count(len(BUILT_IN) + 1)
    expect(panel.locator('#scenario-list .sc-start[data-name="my-lesson"]')).to_contain_text("My lesson · 1 step · your own")
    expect(panel.locator("#scenario-errors li")).to_have_text(
        [f'{tmp_path}/typo.yaml line 3: unknown key "stepz" in the scenario; did you mean "steps"?'])
    panel.locator('#scenario-list .sc-start[data-name="kill-a-node"]').focus()
    page.keyboard.press("Tab")
    expect(panel.locator('#scenario-list .sc-start[data-name="scheduler-down"]')).to_be_focused()
