"""The teacher overview with a whole class (issue 12): 31 clusters on one 1920x1080 screen without
scrolling, the unhealthy ones standing out. The clusters are real: the demo and 30 learners' clusters
created through the control API on a playground of their own, two with a worker switched off, one with
kube-apiserver stopped; the overview polls the server's own summaries."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.live import LiveServer, wait_for

pytestmark = pytest.mark.browser

OUTSIDE = """() => [...document.querySelectorAll('.thumb')].filter((t) => { const r = t.getBoundingClientRect();
  return r.left < 0 || r.top < 0 || r.right > innerWidth + 0.5 || r.bottom > innerHeight + 0.5; }).map((t) => t.dataset.cluster)"""

LEARNERS = 30
DEGRADED = ("learner-05", "learner-18")
DOWN = "learner-24"


@pytest.fixture(scope="module")
def classroom(tmp_path_factory):
    """A playground holding 31 clusters: `demo` and learner-01 … learner-30, each with a small deployment
    (kept light: 2 replicas); the degraded and down ones as a class would break them."""
    server = LiveServer(tmp_path_factory.mktemp("classroom")).start()
    try:
        for i in range(1, LEARNERS + 1):
            name = f"learner-{i:02d}"
            code, body = server.json("POST", "/clusters/", {"name": name})
            assert code == 201, body
        for i in range(1, LEARNERS + 1):
            name = f"learner-{i:02d}"
            code, out = server.json("POST", f"/clusters/{name}/apis/apps/v1/namespaces/default/deployments", {
                "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
                "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                         "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "nginx:1.25"}]}}}})
            assert code == 201, out

        def levels():
            code, body = server.json("GET", "/teacher/overview.json")
            assert code == 200, body
            return {c["name"]: c for c in body["clusters"]}

        def settled():
            clusters = levels()
            return len(clusters) == LEARNERS + 1 and all(
                c["health"]["level"] == "healthy" and c["counts"]["pods"]["running"] == (2 if n != "demo" else c["counts"]["pods"]["running"])
                for n, c in clusters.items())

        wait_for(settled, 120, "31 healthy clusters with their pods running", interval=0.5)
        for name in DEGRADED:
            code, out = server.json("POST", f"/clusters/{name}/playground/nodes/worker-2/power", {"on": False})
            assert code == 200, out
        code, out = server.json("POST", f"/clusters/{DOWN}/playground/components/kube-apiserver/power", {"on": False})
        assert code == 200, out
        wait_for(lambda: all(levels()[n]["health"]["level"] == "degraded" for n in DEGRADED) and levels()[DOWN]["health"]["level"] == "down",
                 60, "two degraded clusters and one down", interval=0.5)
        yield server
    finally:
        server.stop()


def test_31_clusters_fit_one_1920x1080_screen_and_problems_stand_out(page, classroom, artifacts):
    server = classroom
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(server.url + "/teacher/")
    expect(page.locator(".thumb")).to_have_count(31, timeout=10000)
    expect(page.locator("#totals")).to_have_text("31 clusters · 28 healthy · 2 degraded · 1 down")
    # Real summaries: every card shows its cluster's four machines; a switched-off worker shows as such.
    expect(page.locator(".thumb .mini-node")).to_have_count(31 * 4)
    for name in DEGRADED:
        expect(page.locator(f'.thumb[data-cluster="{name}"] .mini-node.off')).to_have_count(1)
    expect(page.locator(f'.thumb[data-cluster="{DOWN}"] .mini-components li.off')).to_have_count(1)
    page.wait_for_function(f"({OUTSIDE})().length === 0", timeout=8000)
    scroll = page.evaluate("(() => { const m = document.querySelector('#overview-main'); return [m.scrollHeight, m.clientHeight, document.documentElement.scrollHeight, innerHeight]; })()")
    assert scroll[0] <= scroll[1] + 1 and scroll[2] <= scroll[3] + 1, scroll
    zoom = float(page.locator("#thumbs").get_attribute("data-zoom") or 1)
    assert zoom >= 0.75, f"the cards are drawn at {zoom:.2f}: too small to read"

    def look(name):
        return page.locator(f'.thumb[data-cluster="{name}"]').evaluate("""(t) => { const s = getComputedStyle(t);
            const v = getComputedStyle(t.querySelector('.verdict'));
            return {border: parseFloat(s.borderTopWidth), style: s.borderTopStyle, background: s.backgroundColor, verdictBg: v.backgroundColor}; }""")

    healthy, degraded, down = look("learner-01"), look(DEGRADED[0]), look(DOWN)
    assert healthy["border"] <= 1.5 and healthy["background"] == "rgb(255, 255, 255)", healthy
    for problem in (degraded, down):
        assert problem["border"] >= 4, problem
        assert problem["background"] != healthy["background"] and problem["verdictBg"] != healthy["verdictBg"], problem
    assert degraded["style"] == "dashed" and down["style"] == "double"  # they differ in black and white too
    page.screenshot(path=str(artifacts / "teacher-overview-31.png"))
    # Enter on a card opens its cluster (keyboard as before).
    link = page.locator(f'.thumb[data-cluster="{DOWN}"] .thumb-link')
    link.focus()
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/clusters/{DOWN}/playground/")
