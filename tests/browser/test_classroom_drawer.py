"""The drawer and the toolbar at the projector (issue 12): the toolbar is one row at 1280 px, the
current lesson step's "Do it" is in view, toasts never cover a control, and starting a lesson
says "setting up the lesson…" instead of flashing "reconnecting"."""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.browser import views as v
from tests.browser.harness import Harness

pytestmark = pytest.mark.browser
REV = 500
LONG = ("The node lifecycle controller in kube-controller-manager checks the Leases; after the node monitor grace "
        "period without a renewal it sets the node's Ready condition to Unknown, marks its pods not ready and taints it. ") * 3

# Visible controls whose box a toast overlaps: [] when none.
TOAST_OVER_CONTROLS = """() => {
  const hit = (a, b) => a.left < b.right - 0.5 && a.right > b.left + 0.5 && a.top < b.bottom - 0.5 && a.bottom > b.top + 0.5;
  const toasts = [...document.querySelectorAll('.toast')].map((t) => t.getBoundingClientRect());
  const out = [];
  for (const c of document.querySelectorAll('button, select, input, textarea, a[href], summary, [role=button], [tabindex="0"]')) {
    if (c.closest('.toast') || !c.getClientRects().length) continue;
    // The part of the control one can see: clipped by the panels that scroll it.
    const b = c.getBoundingClientRect();
    const r = {left: b.left, top: b.top, right: b.right, bottom: b.bottom};
    for (let e = c.parentElement; e; e = e.parentElement) {
      if (getComputedStyle(e).overflow === 'visible') continue;
      const p = e.getBoundingClientRect();
      r.left = Math.max(r.left, p.left); r.top = Math.max(r.top, p.top); r.right = Math.min(r.right, p.right); r.bottom = Math.min(r.bottom, p.bottom);
    }
    if (r.right - r.left < 1 || r.bottom - r.top < 1) continue;
    for (const t of toasts) if (hit(t, r)) out.push(c.id || c.textContent.trim().slice(0, 30) || c.tagName);
  }
  return out;
}"""


def open_demo(page, width=1280, height=720, presentation=True, responses=()):
    page.set_viewport_size({"width": width, "height": height})
    demo = v.demo_cluster()
    first = v.snapshot(REV, demo["machines"], demo["objects"])
    harness = Harness(page, on_connect=lambda h, ws: ws.send(json.dumps(first)))
    for args in responses:
        harness.respond(*args)
    harness.open()
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=10000)
    if presentation:
        page.locator("#toggle-presentation").click()
    return harness, demo


def lesson(current: int, steps: int = 4) -> dict:
    items = []
    for i in range(steps):
        status = "done" if i < current else "current" if i == current else "todo"
        items.append({"index": i, "title": f"Step {i + 1} of the lesson", "explanation": LONG, "hint": "kubectl get nodes -w",
                      "action": {"kind": "power_on", "label": "Power on worker-1"} if i == current else None,
                      "conditions": ["node worker-1 Ready"], "status": status,
                      "done": {"revision": 10 + i, "sim_time": 1000.0 + i, "wall_time": 1000.0 + i} if i < current else None,
                      "skipped": False, "acted": None, "message": "", "took": {"sim": 6.0, "wall": 6.1} if i < current else None})
    return {"active": True, "name": "kill-a-node", "title": "Kill a node and watch recovery", "summary": LONG,
            "profile": "classroom", "source": "built-in", "phase": "steps", "current": current,
            "started": {"revision": 8, "sim_time": 999.0, "wall_time": 999.0},
            "setup": {"conditions": [], "done": {"revision": 9, "sim_time": 999.5, "wall_time": 999.5}, "skipped": False},
            "steps": items, "checks": [{"condition": "node worker-1 Ready", "satisfied": False, "detail": "Unknown"}]}


def inside(box: dict, area: dict) -> bool:
    return (box["x"] >= area["x"] - 0.5 and box["y"] >= area["y"] - 0.5
            and box["x"] + box["width"] <= area["x"] + area["width"] + 0.5 and box["y"] + box["height"] <= area["y"] + area["height"] + 0.5)


@pytest.mark.parametrize("presentation", [False, True], ids=["normal", "presentation"])
def test_the_toolbar_is_one_row_at_1280(page, presentation):
    open_demo(page, presentation=presentation)
    items = page.evaluate("""() => [...document.querySelectorAll('.bar-row.tools > *')].filter((e) => e.getClientRects().length)
        .map((e) => { const r = e.getBoundingClientRect(); return {id: e.id || e.className, top: r.top, bottom: r.bottom, right: r.right}; })""")
    tops = {round(i["top"] + (i["bottom"] - i["top"]) / 2) for i in items}
    assert max(tops) - min(tops) <= 4, items
    assert all(i["right"] <= 1280 for i in items), items
    # The rarely used actions are one click away, in the More menu.
    page.locator("#more-menu summary").click()
    expect(page.locator("#open-reset")).to_be_visible()
    expect(page.locator("#open-add-node")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#open-reset")).to_be_hidden()


@pytest.mark.parametrize("viewport", [(1280, 720), (1920, 1080)], ids=lambda v: f"{v[0]}x{v[1]}")
@pytest.mark.parametrize("current", [0, 3])
def test_the_current_steps_do_it_is_in_view(page, current, artifacts, viewport):
    width, height = viewport
    open_demo(page, width, height, responses=[("GET", "/playground/scenario", 200, lesson(current))])
    page.locator("#toggle-classroom").click()
    do_it = page.locator("#panel-scenario .sc-step.current .sc-do")
    expect(do_it).to_have_text("Do it: Power on worker-1")
    panel = page.locator("#panel-scenario").bounding_box()
    page.wait_for_function("""() => { const b = document.querySelector('#panel-scenario .sc-step.current .sc-do').getBoundingClientRect();
        const p = document.querySelector('#panel-scenario').getBoundingClientRect();
        return b.top >= p.top && b.bottom <= p.bottom && b.bottom <= innerHeight; }""", timeout=5000)
    assert inside(do_it.bounding_box(), panel)
    expect(page.locator("#panel-scenario .sc-step.current .sc-step-title")).to_be_in_viewport()
    page.screenshot(path=str(artifacts / f"drawer-do-it-step{current + 1}{'' if width == 1280 else f'-{width}x{height}'}.png"))


@pytest.mark.parametrize("viewport", [(1280, 720), (1920, 1080)], ids=lambda v: f"{v[0]}x{v[1]}")
def test_toasts_never_cover_a_control(page, artifacts, viewport):
    width, height = viewport
    harness, _ = open_demo(page, width, height, responses=[
        ("POST", "/playground/nodes/worker-1/power", 200, {"name": "worker-1", "powered": False}),
        ("POST", "/playground/nodes/worker-2/cordon", 200, {}),
        ("GET", "/playground/scenario", 200, lesson(1)),
    ])
    page.locator("#toggle-classroom").click()
    for _ in range(3):
        page.locator("#topology .node[data-node=worker-1] [data-act=power]").click()
        page.locator('button[data-component="kube-scheduler"]').click()  # refused by the harness: an error toast
    expect(page.locator(".toast")).to_have_count(2)
    expect(page.locator(".toast-error").first).to_be_visible()
    assert page.evaluate(TOAST_OVER_CONTROLS) == []
    page.locator("#timeline-toggle").click()  # with the Events hidden the toasts keep to their bar
    assert page.evaluate(TOAST_OVER_CONTROLS) == []
    page.screenshot(path=str(artifacts / ("toasts.png" if width == 1280 else f"toasts-{width}x{height}.png")))


RECORD_CONN = """() => { window.__conn = []; const conn = document.querySelector('#conn');
    new MutationObserver(() => window.__conn.push(conn.dataset.state + ':' + document.querySelector('#conn-text').textContent.trim()))
      .observe(conn, {attributes: true, childList: true, subtree: true, characterData: true}); }"""


def test_a_planned_reset_that_drops_the_socket_says_setting_up(page):
    """The server drops the page's socket while it resets the cluster for a lesson (scripted here)."""
    demo = v.demo_cluster()
    first = v.snapshot(REV, demo["machines"], demo["objects"])
    harness = Harness(page, on_connect=lambda h, ws: ws.send(json.dumps(first)))
    listing = {"scenarios": [{"name": "kill-a-node", "title": "Kill a node", "summary": "x", "steps": 4, "source": "built-in"}], "errors": []}
    harness.respond("GET", "/playground/scenario", 200, {"active": False})
    harness.respond("GET", "/playground/scenarios", 200, listing)

    def start(body):
        harness.sockets[-1].close(code=4404, reason="cluster reset")
        harness.respond("GET", "/playground/scenario", 200, lesson(0))
        return lesson(0)

    harness.respond("POST", "/playground/scenario", 201, start)
    harness.open()
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=10000)
    page.evaluate(RECORD_CONN)
    page.locator("#toggle-classroom").click()
    page.locator('#scenario-list .sc-start[data-name="kill-a-node"]').click()
    expect(page.locator("#scenario-run")).to_be_visible()
    page.wait_for_function("window.__conn.some((s) => s.startsWith('resetting'))", timeout=5000)
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=10000)
    seen = page.evaluate("window.__conn")
    assert "resetting:setting up the lesson…" in seen, seen
    assert not [s for s in seen if s.startswith("reconnecting") or s.startswith("error")], seen
    assert len(harness.sockets) == 2


def test_starting_a_lesson_says_setting_up_not_reconnecting(page, live_cluster, artifacts):
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(live_cluster.page_url)
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=15000)
    page.evaluate(RECORD_CONN)
    page.locator("#toggle-classroom").click()
    page.locator('#scenario-list .sc-start[data-name="kill-a-node"]').click()
    expect(page.locator("#scenario-run")).to_be_visible(timeout=20000)
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=20000)
    expect(page.locator("#topology .node")).to_have_count(4, timeout=20000)
    seen = page.evaluate("window.__conn")
    assert not [s for s in seen if s.startswith("reconnecting") or s.startswith("error")], seen
    page.screenshot(path=str(artifacts / "lesson-started.png"))
