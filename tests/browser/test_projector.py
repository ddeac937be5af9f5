"""The classroom at the projector (issue 12): the demo cluster's picture fits the screen at 1280x720
and 1920x1080, in presentation mode or not, with the Classroom drawer and the details open or not,
before, during and after a worker is killed. Geometry is asserted, and screenshots are saved."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# Every node card and pod chip of the picture outside the visible topology area (or the window):
# [] when the whole cluster is on screen without scrolling.
OUTSIDE = """() => {
  const area = document.querySelector('#topology').getBoundingClientRect();
  const box = { left: Math.max(area.left, 0), top: Math.max(area.top, 0),
                right: Math.min(area.right, innerWidth), bottom: Math.min(area.bottom, innerHeight) };
  const out = [];
  for (const el of document.querySelectorAll('#topology .node, #topology .pod[data-key], #topology .component')) {
    if (!el.getClientRects().length) continue;
    const r = el.getBoundingClientRect();
    if (r.left < box.left - 0.5 || r.top < box.top - 0.5 || r.right > box.right + 0.5 || r.bottom > box.bottom + 0.5) {
      out.push(`${el.dataset.node || el.dataset.key || el.dataset.component}: ${[r.left, r.top, r.right, r.bottom].map(Math.round)} outside ${[box.left, box.top, box.right, box.bottom].map(Math.round)}`);
    }
  }
  const t = document.querySelector('#topology');
  if (t.scrollHeight > t.clientHeight + 1 || t.scrollWidth > t.clientWidth + 1) out.push(`the picture scrolls: ${t.scrollWidth}x${t.scrollHeight} in ${t.clientWidth}x${t.clientHeight}`);
  return out;
}"""

# The topology area is not covered by the details panel nor the drawer.
COVERED = """() => {
  const area = document.querySelector('#topology').getBoundingClientRect();
  return [...document.querySelectorAll('#details:not([hidden]), #classroom:not([hidden])')]
    .map((el) => el.getBoundingClientRect()).filter((r) => r.left < area.right - 1 && r.right > area.left + 1
      && r.top < area.bottom - 1 && r.bottom > area.top + 1).length;
}"""

VIEWPORTS = [(1280, 720), (1920, 1080)]


def assert_fits(page, what: str, artifacts=None, name: str | None = None):
    """Wait (with a deadline) until the whole cluster lies inside the topology area; fail naming what does not."""
    try:
        page.wait_for_function(f"({OUTSIDE})().length === 0", timeout=8000)
    except PlaywrightTimeout:
        pytest.fail(f"{what}: not fully on screen: {page.evaluate(OUTSIDE)}")
    assert page.evaluate(COVERED) == 0, f"{what}: a panel covers the picture"
    if artifacts is not None and name:
        page.screenshot(path=str(artifacts / name))


def set_presentation(page, on: bool):
    button = page.locator("#toggle-presentation")
    if (button.get_attribute("aria-pressed") == "true") != on:
        button.click()
    expect(button).to_have_attribute("aria-pressed", "true" if on else "false")


def set_drawer(page, on: bool):
    drawer = page.locator("#classroom")
    if drawer.is_visible() != on:
        page.locator("#toggle-classroom").click()
    expect(drawer).to_be_visible() if on else expect(drawer).to_be_hidden()


def set_details(page, on: bool):
    details = page.locator("#details")
    if on and not details.is_visible():
        page.locator("#workers .pod[data-key]").first.click()
        expect(details).to_be_visible()
    if not on and details.is_visible():
        page.locator("#details-close").click()
        expect(details).to_be_hidden()


def web_with_service(cluster, replicas: int = 6):
    cluster.create_deployment("web", replicas)
    code, out = cluster.server.json("POST", f"{cluster.base}/api/v1/namespaces/default/services",
                                    {"metadata": {"name": "web"}, "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}})
    assert code == 201, out


def open_cluster(page, cluster, width: int, height: int):
    page.set_viewport_size({"width": width, "height": height})
    page.goto(cluster.page_url)
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=15000)


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: f"{v[0]}x{v[1]}")
def test_the_demo_cluster_fits_in_every_mode(page, live_cluster, artifacts, viewport):
    width, height = viewport
    web_with_service(live_cluster)
    open_cluster(page, live_cluster, width, height)
    expect(page.locator('#workers .pod[data-key^="default/web-"][data-state=ready]')).to_have_count(6, timeout=30000)
    expect(page.locator("#topology .node")).to_have_count(4)
    for presentation in (False, True):
        set_presentation(page, presentation)
        for drawer in (False, True):
            set_drawer(page, drawer)
            for details in (False, True):
                set_details(page, details)
                what = f"{width}x{height} presentation={presentation} drawer={drawer} details={details}"
                name = f"fit-{width}x{height}-{'present' if presentation else 'normal'}-{'drawer' if drawer else 'nodrawer'}-{'details' if details else 'nodetails'}.png"
                assert_fits(page, what, artifacts, name)
    # Hiding the Events gives their height to the picture (no blank band): it grows.
    set_details(page, False)
    set_drawer(page, False)
    before = page.locator("#topology").bounding_box()["height"]
    page.locator("#timeline-toggle").click()
    expect(page.locator("#timeline-toggle")).to_have_attribute("aria-expanded", "false")
    page.wait_for_function(f"document.querySelector('#topology').getBoundingClientRect().height > {before} + 40")
    assert_fits(page, f"{width}x{height} events hidden")
    zoom = float(page.locator(".canvas").get_attribute("data-zoom"))
    assert zoom >= 0.6, f"the picture is drawn at {zoom:.2f}: too small to read"


def assert_fits_with_every_panel(page, what: str, artifacts, prefix: str):
    """The whole cluster on screen with the drawer and the details each open or closed (then as before)."""
    drawer_was = page.locator("#classroom").is_visible()
    for drawer in (False, True):
        set_drawer(page, drawer)
        for details in (False, True):
            set_details(page, details)
            assert_fits(page, f"{what}, drawer={drawer} details={details}", artifacts,
                        f"{prefix}-{'drawer' if drawer else 'nodrawer'}-{'details' if details else 'nodetails'}.png")
    set_details(page, False)
    set_drawer(page, drawer_was)


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: f"{v[0]}x{v[1]}")
def test_killing_a_worker_keeps_the_whole_cluster_on_screen(page, live_cluster, artifacts, viewport):
    """Presentation mode, the Classroom drawer open on the Timeline: before, during, after.
    The countdowns run on the dead node's card; a banner tells the recovery when it is over.
    During the kill the clock is held while the drawer and the details are opened and closed."""
    width, height = viewport
    shot = "projector" if (width, height) == (1280, 720) else f"projector-{width}x{height}"
    web_with_service(live_cluster)
    open_cluster(page, live_cluster, width, height)
    set_presentation(page, True)
    expect(page.locator('#workers .pod[data-key^="default/web-"][data-state=ready]')).to_have_count(6, timeout=30000)
    assert_fits(page, "before the kill", artifacts, f"{shot}-1-before-kill.png")
    assert_fits_with_every_panel(page, "before the kill", artifacts, f"{shot}-1-before")
    set_drawer(page, True)
    page.locator("#tab-cr-recovery").click()
    assert_fits(page, "before the kill, drawer open", artifacts, f"{shot}-1b-before-kill-drawer.png")
    columns = page.evaluate(COLUMNS)

    victim = page.evaluate("""() => [...document.querySelectorAll('#workers .node')]
        .map((n) => [n.dataset.node, n.querySelectorAll('.pod[data-key]').length]).sort((a, b) => b[1] - a[1])[0][0]""")
    card = page.locator(f'#workers .node[data-node="{victim}"]')
    card.locator("[data-act=power]").click()
    expect(card).to_have_attribute("data-powered", "false", timeout=10000)
    countdown = card.locator(".node-countdown")
    expect(countdown.locator(".nc-text")).to_have_text(re.compile(r"NotReady in \d+\.\d s"), timeout=6000)
    expect(countdown.locator(".nc-detail")).to_have_text("grace period 6 s")
    assert_fits(page, "just after the kill", artifacts, f"{shot}-2-killed.png")
    # The countdown made the dead node's card taller: the cards keep their places (no reflow mid-story).
    assert page.evaluate(COLUMNS) == columns, "the cards were rearranged when the countdown appeared"
    live_cluster.clock(paused=True)
    assert_fits_with_every_panel(page, "just after the kill", artifacts, f"{shot}-2-killed")
    page.evaluate("new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
    columns = page.evaluate(COLUMNS)
    expect(countdown.locator(".nc-text")).to_have_text(re.compile(r"NotReady in \d+\.\d s"))
    live_cluster.clock(paused=False)
    expect(card).to_have_attribute("data-status", re.compile("Unknown|NotReady"), timeout=30000)
    expect(countdown.locator(".nc-text")).to_have_text(re.compile(r"2 pods evicted in \d+\.\d s"), timeout=6000)
    expect(countdown.locator(".nc-detail")).to_have_text("toleration 5 s")
    assert_fits(page, "the node is Unknown", artifacts, f"{shot}-3-unknown.png")
    assert page.evaluate(COLUMNS) == columns, "the cards were rearranged when the node went Unknown"
    live_cluster.clock(paused=True)
    assert_fits_with_every_panel(page, "the node is Unknown", artifacts, f"{shot}-3-unknown")
    # The Timeline's countdown boxes never cover its list, however far it is scrolled.
    page.locator("#tab-cr-recovery").click()
    page.locator("#panel-recovery").evaluate("(p) => { p.scrollTop = p.scrollHeight; }")
    covered = page.evaluate("""() => { const t = document.querySelector('#rc-timers').getBoundingClientRect();
        return [...document.querySelectorAll('#rc-steps .rc-step')].map((s) => s.getBoundingClientRect())
          .filter((r) => r.top < t.bottom - 1 && r.bottom > t.top + 1 && t.height > 0).length; }""")
    assert covered == 0, "the countdowns cover the Timeline's steps"
    set_details(page, True)  # a pod's details over the drawer, while the pods are evicted
    assert_fits(page, "the node is Unknown, details open", artifacts, f"{shot}-3b-unknown-details.png")
    set_details(page, False)
    live_cluster.clock(paused=False)

    survivors = page.locator(f'#workers .node:not([data-node="{victim}"]) .pod[data-key^="default/web-"][data-state=ready]')
    expect(survivors).to_have_count(6, timeout=60000)
    banner = page.locator("#story-banner")
    expect(banner).to_be_visible(timeout=30000)
    expect(banner.locator(".story-text")).to_have_text(re.compile(rf"^{victim} lost · 6/6 replicas back in \d+\.\d s$"))
    expect(banner.locator(".story-delays")).to_contain_text("configured: grace period 6 s + toleration 5 s")
    expect(countdown).to_have_count(0)
    page.wait_for_function("document.querySelectorAll('#flight-layer .ghost').length === 0")
    assert_fits(page, "after the recovery", artifacts, f"{shot}-4-recovered.png")
    # The banner is inside the window and does not cover the picture's nodes.
    box = banner.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= height and box["x"] + box["width"] <= width, box
    assert_fits_with_every_panel(page, "after the recovery", artifacts, f"{shot}-4-recovered")
    expect(banner).to_be_visible()
    set_drawer(page, False)
    assert_fits(page, "after the recovery, drawer closed", artifacts, f"{shot}-5-recovered-nodrawer.png")
    banner.locator(".story-close").click()
    expect(banner).to_be_hidden()


def open_harness(page, cluster: dict, width: int, height: int):
    import json

    from tests.browser import views as v
    from tests.browser.harness import Harness

    page.set_viewport_size({"width": width, "height": height})
    first = v.snapshot(500, cluster["machines"], cluster["objects"])
    harness = Harness(page, on_connect=lambda h, ws: ws.send(json.dumps(first)))
    harness.open()
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=10000)
    return harness


def test_a_larger_cluster_compacts_to_fit(page, artifacts):
    """12 workers with 12 pods each at 1280x720 in presentation mode: chips lose their names, all fits."""
    from tests.browser import views as v

    open_harness(page, v.big_cluster(nodes=12, pods_per_node=12, deployments=4), 1280, 720)
    set_presentation(page, True)
    expect(page.locator("#topology .node")).to_have_count(13)
    expect(page.locator("#topology")).to_have_class(re.compile(r"\bdots\b"), timeout=5000)
    assert_fits(page, "12 workers, 144 pods", artifacts, "fit-12-workers.png")
    # Asked for names, the picture keeps them: smaller, but never below the legible minimum (then it scrolls).
    page.locator("#more-menu summary").click()
    page.locator("#density").select_option("names")
    expect(page.locator("#topology")).not_to_have_class(re.compile(r"\bdots\b"))
    page.wait_for_function("Number(document.querySelector('.canvas').dataset.zoom) < 0.7", timeout=5000)
    assert float(page.locator(".canvas").get_attribute("data-zoom")) >= 0.45


TALLY = """() => [...document.querySelectorAll('#workers .node')].map((n) => {
  const tally = n.querySelector('.pod-tally'); const r = tally.getBoundingClientRect();
  return { node: n.dataset.node, count: Number(tally.dataset.count), shown: r.height > 0 && r.width > 0,
           text: [...tally.querySelectorAll('.tally-item')].map((i) => i.dataset.state + ':' + i.textContent).join(','),
           clipped: [...tally.querySelectorAll('.tally-item, .tally-item .pl')].some((i) => i.scrollWidth > i.clientWidth + 1
             || !i.getClientRects().length),
           name: (() => { const e = n.querySelector('.node-name'); return e.scrollWidth <= e.clientWidth + 1; })(),
           chips: [...n.querySelectorAll('.pod[data-key]')].filter((c) => c.getClientRects().length).length,
           pods: n.querySelectorAll('.pod[data-key]').length }; })"""


@pytest.mark.parametrize("size", [(25, 12), (30, 10), (100, 30)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_larger_clusters_compact_rather_than_overflow(page, artifacts, size):
    """25 and 30 workers with a few hundred pods, and 100 workers with 3,000 pods, at 1280x720 in presentation
    mode: the picture compacts (shapes, then counts per node) and everything stays on screen without scrolling."""
    from tests.browser import views as v

    nodes, per_node = size
    open_harness(page, v.big_cluster(nodes=nodes, pods_per_node=per_node, deployments=10), 1280, 720)
    set_presentation(page, True)
    expect(page.locator("#topology .node")).to_have_count(nodes + 1, timeout=20000)
    assert_fits(page, f"{nodes} workers, {nodes * per_node} pods", artifacts, f"fit-{nodes}-workers-{nodes * per_node}-pods.png")
    zoom = float(page.locator(".canvas").get_attribute("data-zoom"))
    assert zoom >= 0.6, f"{nodes} workers drawn at {zoom:.2f}: too small to read"
    topology = page.locator("#topology")
    if nodes >= 100:
        # High density: every node shows counts per state instead of chips, and the counts add up.
        expect(topology).to_have_class(re.compile(r"\bcounts\b"))
        for card in page.evaluate(TALLY):
            assert card["shown"] and card["chips"] == 0 and not card["clipped"] and card["name"], card
            assert card["count"] == card["pods"] == per_node and card["text"] == f"ready:{per_node}", card
        # The counts are legible: as tall as a chip at the legible zoom at least.
        height = page.locator("#workers .node .tally-item").first.bounding_box()["height"]
        assert height >= 12, f"a count is {height:.1f} px tall"
    else:
        expect(topology).to_have_class(re.compile(r"\b(dots|counts)\b"))


def test_a_cluster_past_the_fitting_limit_compacts_and_scrolls(page):
    """200 workers do not fit any screen at a legible size: counts per node, at full size, and the picture scrolls."""
    from tests.browser import views as v

    open_harness(page, v.big_cluster(nodes=200, pods_per_node=5), 1280, 720)
    expect(page.locator("#topology .node")).to_have_count(201, timeout=20000)
    expect(page.locator("#topology")).to_have_class(re.compile(r"\bcounts\b"))
    page.wait_for_function("document.querySelector('.canvas').dataset.zoom === '1'", timeout=10000)
    assert page.evaluate("document.querySelector('#topology').scrollHeight > document.querySelector('#topology').clientHeight")


COLUMNS = """() => { const cards = [...document.querySelectorAll('#workers .node')];
  return cards.filter((c) => c.offsetTop === cards[0].offsetTop).length; }"""


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: f"{v[0]}x{v[1]}")
@pytest.mark.parametrize("panel", ["none", "details"])
def test_a_card_that_grows_does_not_rearrange_the_picture(page, artifacts, viewport, panel):
    """A worker dies: its card grows (powered off, taints) while the class watches. The other cards stay in
    their columns (the picture shrinks a little instead), and everything stays on screen."""
    from tests.browser import views as v

    width, height = viewport
    machines = [v.machine("control-plane", role="control-plane"), v.machine("worker-1", runtime="docker"),
                v.machine("worker-2"), v.machine("worker-3", runtime="cri-o")]
    nodes = [v.node("control-plane", roles=["control-plane"], index=0,
                    taints=[{"key": "node-role.kubernetes.io/control-plane", "value": "", "effect": "NoSchedule"}])]
    nodes += [v.node(f"worker-{i}", index=i) for i in (1, 2, 3)]
    web = v.deployment("web", replicas=6)
    rs = v.replicaset("web-64dd8444f4", web, replicas=6)
    pods = [v.rs_pod(rs, f"p{i}x{i}q", f"worker-{i % 3 + 1}") for i in range(6)]
    svc = v.service("web", endpoints=[p["key"] for p in pods])
    harness = open_harness(page, {"machines": machines, "objects": [v.namespace("default"), *nodes, web, rs, *pods, svc]}, width, height)
    set_presentation(page, True)
    if panel == "details":
        set_details(page, True)
    assert_fits(page, "before")
    before = page.evaluate(COLUMNS)
    machines[1] = v.machine("worker-1", runtime="docker", powered=False)
    dead = v.node("worker-1", ready="Unknown", index=1, taints=[
        {"key": "node.kubernetes.io/unreachable", "value": "", "effect": "NoSchedule"},
        {"key": "node.kubernetes.io/unreachable", "value": "", "effect": "NoExecute"}])
    harness.send(v.delta(500, 501, upserts=[dead], machines=machines))
    expect(page.locator('#workers .node[data-node="worker-1"]')).to_have_attribute("data-status", "Unknown")
    assert_fits(page, "the dead worker's card grew", artifacts, f"grow-{width}x{height}-{panel}.png")
    page.evaluate("new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")  # the fit has run
    assert_fits(page, "the dead worker's card grew")
    assert page.evaluate(COLUMNS) == before, "the cards were rearranged"


def test_the_kill_a_node_lesson_at_a_720p_projector(page, live_cluster, artifacts):
    """A teacher at a 1280x720 projector in presentation mode runs "Kill a node" from the Lesson tab: before,
    during and after the kill the whole cluster, the current step and its Do it are on screen, and the
    banner tells the recovery."""
    def step_in_view(index: int):
        step = page.locator(f'#scenario-steps .sc-step[data-index="{index}"][data-status="current"]')
        expect(step).to_be_visible(timeout=60000)
        page.wait_for_function("""(i) => { const s = document.querySelector(`#scenario-steps .sc-step[data-index="${i}"]`);
            const p = document.querySelector('#panel-scenario').getBoundingClientRect(); const r = s.getBoundingClientRect();
            const title = s.querySelector('.sc-step-title').getBoundingClientRect(); const b = s.querySelector('.sc-do');
            const inside = (x) => x.top >= p.top - 0.5 && x.bottom <= Math.min(p.bottom, innerHeight) + 0.5;
            return inside(title) && (!b || inside(b.getBoundingClientRect())); }""", arg=index, timeout=8000)
        return step

    open_cluster(page, live_cluster, 1280, 720)
    set_presentation(page, True)
    page.goto(live_cluster.page_url + "?lesson=kill-a-node")
    expect(page.locator("#scenario-run")).to_have_attribute("data-phase", "steps", timeout=60000)
    expect(page.locator("body")).to_have_class(re.compile(r"\bpresentation\b"))  # the mode is kept across the reload
    expect(page.locator('#workers .pod[data-key^="default/web-"][data-state=ready]')).to_have_count(6, timeout=30000)
    step = step_in_view(0)
    assert_fits(page, "the lesson set up", artifacts, "lesson-1-before-kill.png")
    step.locator(".sc-do").click()
    card = page.locator('#workers .node[data-node="worker-1"]')
    expect(card).to_have_attribute("data-powered", "false", timeout=10000)
    expect(card.locator(".node-countdown .nc-text")).to_have_text(re.compile(r"NotReady in \d+\.\d s"), timeout=6000)
    step_in_view(1)
    assert_fits(page, "the lesson, worker-1 killed", artifacts, "lesson-2-killed.png")
    expect(card.locator(".node-countdown .nc-text")).to_have_text(re.compile(r"pods? evicted in \d+\.\d s"), timeout=30000)
    step_in_view(2)
    assert_fits(page, "the lesson, worker-1 Unknown", artifacts, "lesson-3-unknown.png")
    step = step_in_view(3)
    banner = page.locator("#story-banner")
    expect(banner.locator(".story-text")).to_have_text(re.compile(r"^worker-1 lost · 6/6 replicas back in \d+\.\d s$"), timeout=30000)
    page.wait_for_function("document.querySelectorAll('#flight-layer .ghost').length === 0")
    assert_fits(page, "the lesson, recovered", artifacts, "lesson-4-recovered.png")
    step.locator(".sc-do").click()
    expect(page.locator("#scenario-run")).to_have_attribute("data-phase", "finished", timeout=30000)
    expect(card).to_have_attribute("data-status", "Ready", timeout=15000)
    expect(page.locator("#scenario-run .sc-finished")).to_be_in_viewport()
    assert_fits(page, "the lesson, finished", artifacts, "lesson-5-finished.png")
