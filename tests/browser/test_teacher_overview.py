"""The teacher overview with a whole class (issue 12): 31 clusters on one 1920x1080 screen without
scrolling, the unhealthy ones standing out. The summaries are the server's own, for 31 names."""
from __future__ import annotations

import copy
import json

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

OUTSIDE = """() => [...document.querySelectorAll('.thumb')].filter((t) => { const r = t.getBoundingClientRect();
  return r.left < 0 || r.top < 0 || r.right > innerWidth + 0.5 || r.bottom > innerHeight + 0.5; }).map((t) => t.dataset.cluster)"""


def classroom(server, count: int = 31) -> list[dict]:
    """`count` summaries shaped as the server makes them: two degraded, one down, the rest healthy."""
    code, body = server.json("GET", "/teacher/overview.json")
    assert code == 200
    real = next(c for c in body["clusters"] if c["name"] == "demo")
    out = []
    for i in range(count):
        c = copy.deepcopy(real)
        c["name"] = f"learner-{i + 1:02d}"
        c["links"] = {**c["links"], "page": f"/clusters/{c['name']}/playground/"}
        for node in c["nodes"]:
            node.update(powered=True, status="Ready")
        c["components"] = {name: True for name in c["components"]}
        c["health"] = {"level": "healthy", "text": "healthy", "problems": []}
        if i in (4, 17):
            c["nodes"][2].update(powered=False, status="Unknown")
            c["health"] = {"level": "degraded", "text": f"degraded: {c['nodes'][2]['name']} NotReady (powered off)", "problems": ["x"]}
        if i == 23:
            c["components"]["kube-apiserver"] = False
            c["health"] = {"level": "down", "text": "down: kube-apiserver stopped", "problems": ["x"]}
        out.append(c)
    return out


def test_31_clusters_fit_one_1920x1080_screen_and_problems_stand_out(page, server, artifacts):
    clusters = classroom(server)
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.route(f"{server.url}/teacher/overview.json",
               lambda route: route.fulfill(status=200, content_type="application/json", body=json.dumps({"clusters": clusters})))
    page.goto(server.url + "/teacher/")
    expect(page.locator(".thumb")).to_have_count(31, timeout=10000)
    expect(page.locator("#totals")).to_have_text("31 clusters · 28 healthy · 2 degraded · 1 down")
    page.wait_for_function(f"({OUTSIDE})().length === 0", timeout=8000)
    scroll = page.evaluate("(() => { const m = document.querySelector('#overview-main'); return [m.scrollHeight, m.clientHeight, document.documentElement.scrollHeight, innerHeight]; })()")
    assert scroll[0] <= scroll[1] + 1 and scroll[2] <= scroll[3] + 1, scroll
    zoom = float(page.locator("#thumbs").get_attribute("data-zoom") or 1)
    assert zoom >= 0.75, f"the cards are drawn at {zoom:.2f}: too small to read"

    def look(name):
        return page.locator(f'.thumb[data-cluster="{name}"]').evaluate("""(t) => { const s = getComputedStyle(t);
            const v = getComputedStyle(t.querySelector('.verdict'));
            return {border: parseFloat(s.borderTopWidth), style: s.borderTopStyle, background: s.backgroundColor, verdictBg: v.backgroundColor}; }""")

    healthy, degraded, down = look("learner-01"), look("learner-05"), look("learner-24")
    assert healthy["border"] <= 1.5 and healthy["background"] == "rgb(255, 255, 255)", healthy
    for problem in (degraded, down):
        assert problem["border"] >= 4, problem
        assert problem["background"] != healthy["background"] and problem["verdictBg"] != healthy["verdictBg"], problem
    assert degraded["style"] == "dashed" and down["style"] == "double"  # they differ in black and white too
    page.screenshot(path=str(artifacts / "teacher-overview-31.png"))
    # Enter on a card opens its cluster (keyboard as before).
    page.locator('.thumb[data-cluster="learner-24"] .thumb-link').focus()
    expect(page.locator('.thumb[data-cluster="learner-24"] .thumb-link')).to_be_focused()
