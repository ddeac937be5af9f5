"""The recovery banner for the other incidents (issue 12): a stopped component coming back and a
rollout completing, scripted against the harness page (the node-lost banner runs live in
test_projector.py). What ended before the page opened is not announced."""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.browser import views as v
from tests.browser.harness import Harness

pytestmark = pytest.mark.browser
REV = 500


def incident(start: int, type_: str, title: str, subject: dict, outcome: dict | None) -> dict:
    return {"start_revision": start, "type": type_, "title": title, "subject": subject, "sim_time": 1000.0 + start,
            "wall_time": 1000.0 + start, "actor": "playground", "countdowns": [], "steps": [], "done": outcome is not None,
            "outcome": outcome, "truncated": False, "revision": start + 5, "now_sim": 1010.0 + start,
            "clock": {"paused": False, "speed": 1.0}}


@pytest.mark.parametrize("case", ["component", "rollout"])
def test_the_banner_tells_the_end_of_an_incident_seen_live(page, case):
    old = incident(100, "node-lost", "worker-1 lost power", {"kind": "Node", "name": "worker-1"},
                   {"type": "recovered", "label": "recovered in 9.0 s", "sim_seconds": 9.0, "wall_seconds": 9.1})
    if case == "component":
        new = incident(200, "component-stopped", "kube-scheduler stopped", {"kind": "Component", "name": "kube-scheduler"}, None)
        ended = {"type": "settled", "label": "caught up 0.4 s after the restart (12.0 s after the stop)", "sim_seconds": 12.0, "wall_seconds": 12.1}
        text = "kube-scheduler is back · caught up 0.4 s after the restart (12.0 s after the stop)"
    else:
        new = incident(200, "rollout", "Deployment web: nginx:1.25 → nginx:1.26", {"kind": "Deployment", "namespace": "default", "name": "web"}, None)
        ended = {"type": "complete", "label": "rollout complete in 14.2 s", "sim_seconds": 14.2, "wall_seconds": 14.3}
        text = "Deployment web: nginx:1.25 → nginx:1.26 · rollout complete in 14.2 s"
    listing = {"incidents": [old]}
    details = {100: old, 200: new}

    demo = v.demo_cluster()
    first = v.snapshot(REV, demo["machines"], demo["objects"])
    harness = Harness(page, on_connect=lambda h, ws: ws.send(json.dumps(first)))
    harness.respond("GET", "/playground/incidents", 200, lambda body: listing)
    harness.respond("GET", "/playground/incidents/100", 200, lambda body: details[100])
    harness.respond("GET", "/playground/incidents/200", 200, lambda body: details[200])
    harness.open()
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=10000)
    banner = page.locator("#story-banner")
    page.wait_for_function("window.playground && window.playground.feed.stats.snapshots >= 1")
    expect(banner).to_be_hidden()  # the old incident ended before the page opened

    # The incident starts (a frame moves the components), runs, then ends while the page watches.
    listing["incidents"] = [new, old]
    harness.send(v.delta(REV, REV + 1, cluster=v.cluster(components={"kube-scheduler": False})))
    expect(banner).to_be_hidden()
    details[200] = dict(new, done=True, outcome=ended)
    expect(banner).to_be_visible(timeout=5000)
    expect(banner.locator(".story-text")).to_have_text(text)
    expect(banner.locator(".story-delays")).to_have_text(f"{ended['wall_seconds']:.1f} s on the wall clock")
    banner.locator(".story-close").click()
    expect(banner).to_be_hidden()
