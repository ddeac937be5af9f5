"""Black and white (issue 12): every state of the picture reads without colour. A projector that washes out
colours, a grey-scale print or a colour-blind learner still tells a Ready node from a NotReady one and a
Running pod from a Pending, Terminating, evicted or failed one: by a shape, a border style, a pattern or
words, not by the hue alone. Checked with every state colour made the same, and saved as grey-scale
screenshots at 1280x720."""
from __future__ import annotations

import base64
import json

import pytest
from playwright.sync_api import expect

from tests.browser import views as v

pytestmark = pytest.mark.browser

# Every state colour the same (black on white): what still tells the states apart is not colour.
ONE_COLOUR = """
#topology .pod, #topology .pod * { --c: #000 !important; }
#topology .pod { background-color: #fff !important; opacity: 1 !important; filter: none !important; }
#topology .node { border-color: #000 !important; background-color: #fff !important; color: #000 !important; }
#topology .node-status, #topology .node-power { background-color: #fff !important; color: #000 !important; border-color: #000 !important; }
#topology .service, #topology .component { border-color: #000 !important; background-color: #fff !important; color: #000 !important; }
"""

POD_STATES = {
    # state: pod view fields
    "ready": {},
    "running": {"ready": False},
    "pending": {"phase": "Pending", "status": "Pending", "ready": False, "node": ""},
    "creating": {"phase": "Pending", "status": "ContainerCreating", "ready": False},
    "terminating": {"deleting": True, "status": "Terminating"},
    "crash": {"status": "CrashLoopBackOff", "ready": False, "restarts": 3},
    "imgerr": {"phase": "Pending", "status": "ImagePullBackOff", "ready": False},
    "failed": {"phase": "Failed", "status": "Error", "ready": False},
    "evicted": {"phase": "Failed", "status": "Evicted", "ready": False},
    "succeeded": {"phase": "Succeeded", "status": "Completed", "ready": False},
}


def every_state() -> dict:
    """A node in each state (Ready, NotReady, Unknown and powered off, off but not yet noticed), a pod in each
    state, a Service with endpoints and one without, a stopped component."""
    machines = [v.machine("control-plane", role="control-plane"), v.machine("worker-1"), v.machine("worker-2"),
                v.machine("worker-3", powered=False), v.machine("worker-4", powered=False)]
    nodes = [v.node("control-plane", roles=["control-plane"], index=0), v.node("worker-1", index=1),
             v.node("worker-2", ready="False", index=2), v.node("worker-3", ready="Unknown", index=3),
             v.node("worker-4", index=4)]
    pods = []
    for i, (state, fields) in enumerate(POD_STATES.items()):
        kw = {"node": "worker-1", **fields}
        pods.append(v.pod(f"p{i}-{state}", **kw))
    web = v.service("web", selector={"app": "web"}, endpoints=[pods[0]["key"]])
    empty = v.service("api", selector={"app": "api"}, endpoints=[])
    return {"machines": machines, "objects": [v.namespace("default"), *nodes, *pods, web, empty]}


def open_page(page, width=1280, height=720):
    from tests.browser.harness import Harness

    page.set_viewport_size({"width": width, "height": height})
    cluster = every_state()
    first = v.snapshot(500, cluster["machines"], cluster["objects"], components={"kube-scheduler": False})
    harness = Harness(page, on_connect=lambda h, ws: ws.send(json.dumps(first)))
    harness.open()
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=10000)
    expect(page.locator("#topology .pod[data-key]")).to_have_count(len(POD_STATES), timeout=10000)
    return harness


SHAPES = """async (images) => {
  const load = (src) => new Promise((ok, fail) => { const i = new Image(); i.onload = () => ok(i); i.onerror = fail; i.src = src; });
  const out = [];
  for (const src of images) {
    const img = await load(src);
    const c = document.createElement('canvas'); c.width = 24; c.height = 24;
    const g = c.getContext('2d'); g.fillStyle = '#fff'; g.fillRect(0, 0, 24, 24); g.drawImage(img, 0, 0, 24, 24);
    const d = g.getImageData(0, 0, 24, 24).data; const lum = [];
    for (let p = 0; p < d.length; p += 4) lum.push(Math.round(0.299 * d[p] + 0.587 * d[p + 1] + 0.114 * d[p + 2]));
    out.push(lum);
  }
  return out;
}"""


def shapes(page, locators) -> list[list[int]]:
    """Each element's picture, scaled to 24x24 grey levels."""
    images = ["data:image/png;base64," + base64.b64encode(loc.screenshot(animations="disabled")).decode() for loc in locators]
    return page.evaluate(SHAPES, images)


def difference(a: list[int], b: list[int]) -> float:
    return sum(abs(x - y) for x, y in zip(a, b)) / len(a)


def assert_all_differ(names, pictures, what):
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            d = difference(pictures[i], pictures[j])
            assert d >= 6, f"{what}: {names[i]} and {names[j]} look alike without colour (mean difference {d:.1f} of 255)"


@pytest.mark.parametrize("density", ["dots", "names"])
def test_every_pod_state_has_a_shape_besides_its_colour(page, artifacts, density):
    open_page(page)
    page.locator("#more-menu summary").click()
    page.locator("#density").select_option(density)
    page.keyboard.press("Escape")
    page.add_style_tag(content=ONE_COLOUR + "#topology .pod .pl { visibility: hidden; }")
    chips = [page.locator(f'#topology .pod[data-key="default/p{i}-{state}"]') for i, state in enumerate(POD_STATES)]
    for chip, state in zip(chips, POD_STATES):
        expect(chip).to_have_attribute("data-state", state)
        box = chip.bounding_box()
        assert box and box["width"] >= 10 and box["height"] >= 10, f"{state}: chip {box}"
    # With the names hidden and one colour for all, every state's chip still looks different from every other.
    assert_all_differ(list(POD_STATES), shapes(page, chips), f"pod chips ({density})")
    page.locator("#pending-tray").screenshot(path=str(artifacts / f"bw-one-colour-pending-{density}.png"))
    page.locator('#workers .node[data-node="worker-1"]').screenshot(path=str(artifacts / f"bw-one-colour-pods-{density}.png"))


def test_the_legend_shows_every_state_by_its_shape(page):
    open_page(page)
    page.add_style_tag(content=ONE_COLOUR + ".legend .pod, .legend .pod * { --c: #000 !important; } .legend .pod { background-color: #fff !important; opacity: 1 !important; }")
    legend = page.locator(".legend .pod:not(.backs)")
    states = [c.split(" ")[1][3:] for c in legend.evaluate_all("(els) => els.map((e) => e.className)")]
    assert set(POD_STATES) <= set(states), states
    expect(legend.first).to_be_visible()
    assert_all_differ(states, shapes(page, [legend.nth(i) for i in range(legend.count())]), "the legend")


def test_nodes_services_and_components_read_without_colour(page, artifacts):
    open_page(page)
    page.add_style_tag(content=ONE_COLOUR)

    def look(selector):
        return page.locator(selector).evaluate("""(el) => { const s = getComputedStyle(el);
            const badge = el.querySelector('.node-status, .svc-eps, .comp-state');
            const glyph = badge ? getComputedStyle(badge, '::before').content.replace(/^"|"$/g, '').replace('none', '') : '';
            return { border: s.borderTopStyle + ' ' + Math.round(parseFloat(s.borderTopWidth)),
                     text: badge ? (glyph + badge.innerText).trim() : '',
                     shown: badge ? badge.getBoundingClientRect().width > 0 : false }; }""")

    nodes = {name: look(f'#topology .node[data-node="{name}"]') for name in ("worker-1", "worker-2", "worker-3", "worker-4")}
    # Each node state has its own words with a glyph, visible on the card, and its own border style.
    assert {n: (nodes[n]["text"], nodes[n]["shown"]) for n in nodes} == {
        "worker-1": ("✓ Ready", True), "worker-2": ("✗ NotReady", True), "worker-3": ("? Unknown", True), "worker-4": ("✓ Ready", True)}
    assert len({nodes[n]["border"] for n in ("worker-1", "worker-2", "worker-3")}) == 3, nodes
    # Powered off shows in words, whether or not the control plane noticed.
    for name in ("worker-3", "worker-4"):
        power = page.locator(f'#topology .node[data-node="{name}"] .node-power')
        expect(power).to_be_visible()
        expect(power).to_have_text("powered off")
    expect(page.locator('#topology .node[data-node="worker-1"] .node-power')).to_be_hidden()
    # A Service without endpoints: dashed, and says so.
    web, api = look('#topology .service[data-key="default/web"]'), look('#topology .service[data-key="default/api"]')
    assert web["border"] != api["border"] and "no ready endpoints" in api["text"] and "1 ready endpoint" in web["text"], (web, api)
    # A stopped component: another border and the word.
    running, stopped = look('#topology .component[data-component="etcd"]'), look('#topology .component[data-component="kube-scheduler"]')
    assert running["border"] != stopped["border"] and stopped["text"].lower() == "stopped" and running["text"] == "running", (running, stopped)
    page.screenshot(path=str(artifacts / "bw-one-colour-1280x720.png"))


def test_grayscale_screenshots_of_the_projector(page, artifacts):
    """The picture at 1280x720 in presentation mode, as a grey-scale projector shows it (saved to look at)."""
    open_page(page)
    page.locator("#toggle-presentation").click()
    expect(page.locator("#toggle-presentation")).to_have_attribute("aria-pressed", "true")
    page.add_style_tag(content="html { filter: grayscale(1); }")
    page.wait_for_function("getComputedStyle(document.documentElement).filter.includes('grayscale')")
    page.screenshot(path=str(artifacts / "bw-grayscale-presentation-1280x720.png"))
    page.locator('#workers .node[data-node="worker-1"]').screenshot(path=str(artifacts / "bw-grayscale-pods.png"))


@pytest.mark.parametrize("presentation", [False, True], ids=["normal", "presentation"])
def test_every_state_meets_aa_contrast(page, presentation):
    """A powered-off node the control plane still believes Ready, a NotReady, an Unknown one, each pod state."""
    from tests.browser.contrast import aa_failures

    open_page(page)
    if presentation:
        page.locator("#toggle-presentation").click()
        expect(page.locator("#toggle-presentation")).to_have_attribute("aria-pressed", "true")
    assert aa_failures(page, "#topology") == []
