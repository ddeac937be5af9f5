"""The cluster page against a real playground: the live feed, actions by click, recovery."""
from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from tests.live import wait_for

pytestmark = pytest.mark.browser

# Everything the picture says about the cluster, keyed so two pages can be compared.
PICTURE = """() => {
  const out = {};
  for (const card of document.querySelectorAll('#topology .node')) {
    out['node:' + card.dataset.node] = [card.dataset.status, card.dataset.powered, card.classList.contains('cordoned')].join('|');
  }
  for (const chip of document.querySelectorAll('#topology .pod[data-key]')) {
    const card = chip.closest('.node');
    out['pod:' + chip.dataset.key] = [card ? card.dataset.node : 'pending', chip.dataset.state, chip.dataset.status].join('|');
  }
  for (const svc of document.querySelectorAll('#topology .service[data-key]')) out['svc:' + svc.dataset.key] = svc.dataset.endpoints;
  for (const comp of document.querySelectorAll('#components .component')) out['comp:' + comp.dataset.component] = comp.className;
  return out;
}"""


def open_page(context, cluster):
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.js_errors = errors
    page.goto(cluster.page_url)
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=15000)
    page.evaluate("window.__loaded_once = true")
    return page


def chips(page, prefix: str, extra: str = ""):
    return page.locator(f'#topology .pod[data-key^="{prefix}"]{extra}')


def test_page_shows_the_clusters_nodes_and_pods(page, live_cluster):
    live_cluster.create_deployment("web", 3)
    page.goto(live_cluster.page_url)
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=15000)
    expect(page.locator("#cp-nodes .node")).to_have_count(1)
    expect(page.locator("#workers .node")).to_have_count(3)
    expect(page.locator("#workers .node[data-status=Ready]")).to_have_count(3, timeout=15000)
    expect(page.locator(".component.running")).to_have_count(4)
    expect(chips(page, "default/web-", "[data-state=ready]")).to_have_count(3, timeout=30000)
    expect(page.locator("#workers .node .pod[data-key^='default/web-']")).to_have_count(3)


def test_a_worker_killed_by_click_goes_unknown_and_its_pods_come_back_elsewhere(page, live_cluster, artifacts):
    live_cluster.clock(speed=4)
    live_cluster.create_deployment("web", 6)
    page.goto(live_cluster.page_url)
    expect(chips(page, "default/web-", "[data-state=ready]")).to_have_count(6, timeout=30000)
    page.evaluate("window.__marker = 'same page'")
    victim = page.evaluate("""() => [...document.querySelectorAll('#workers .node')]
        .map((n) => [n.dataset.node, n.querySelectorAll('.pod[data-key]').length]).sort((a, b) => b[1] - a[1])[0][0]""")
    card = page.locator(f'#workers .node[data-node="{victim}"]')
    card.locator("[data-act=power]").click()
    expect(card).to_have_attribute("data-powered", "false", timeout=10000)
    expect(page.locator(".toast").last).to_contain_text(f"{victim} powered off")
    expect(card).to_have_attribute("data-status", re.compile("Unknown|NotReady"), timeout=30000)
    survivors = page.locator(f'#workers .node:not([data-node="{victim}"]) .pod[data-key^="default/web-"][data-state=ready]')
    expect(survivors).to_have_count(6, timeout=60000)
    assert page.evaluate("window.__marker") == "same page", "the page was reloaded"
    page.wait_for_function("document.querySelectorAll('#flight-layer .ghost').length === 0")
    page.screenshot(path=str(artifacts / "topology.png"))


def test_scaling_by_click_adds_pod_chips(page, live_cluster):
    live_cluster.create_deployment("web", 2)
    page.goto(live_cluster.page_url)
    expect(chips(page, "default/web-")).to_have_count(2, timeout=30000)
    page.locator('[data-view="ownership"]').click()
    page.locator('#owner-tree [data-select-kind="Deployment"][data-select-key="default/web"]').click()
    expect(page.locator("#details-title")).to_have_text("Deployment default/web")
    page.locator("#scale-input").fill("5")
    page.locator("#details-actions button[type=submit]", has_text="Scale").click()
    expect(page.locator(".toast").last).to_contain_text("to 5 replicas")
    expect(page.locator('#owner-tree .o-dep[data-key="default/web"] .pod')).to_have_count(5, timeout=30000)
    page.locator('[data-view="topology"]').click()
    expect(chips(page, "default/web-")).to_have_count(5, timeout=30000)
    page.locator('#owner-tree').wait_for(state="hidden")


BAD_YAML = """apiVersion: v1
kind: Service
metadata:
  name: yaml-svc
spec:
  selector:
    app: yaml-dep
  ports:
  - port: 80
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: yaml-dep
spec:
  replicas: three
  selector:
    matchLabels:
      app: yaml-dep
  template:
    metadata:
      labels:
        app: yaml-dep
    spec:
      containers:
      - name: web
        image: nginx:1.25
"""


def test_bad_yaml_shows_the_error_at_its_line_and_applies_nothing(page, live_cluster):
    page.goto(live_cluster.page_url)
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=15000)
    page.locator("#open-yaml").click()
    page.locator("#yaml-text").fill(BAD_YAML)
    page.locator("#yaml-apply").click()
    errors = page.locator("#yaml-errors")
    expect(errors).to_be_visible(timeout=10000)
    expect(errors).to_contain_text("spec.replicas")
    expect(page.locator('#yaml-gutter .gl[data-line="16"]')).to_have_class("gl err")
    expect(page.locator('#yaml-mirror .ml[data-line="16"] .inline-err')).to_contain_text("spec.replicas")
    expect(page.locator("#dlg-yaml")).to_have_attribute("open", "")
    assert live_cluster.get("/api/v1/namespaces/default/services/yaml-svc")[0] == 404
    assert live_cluster.get("/apis/apps/v1/namespaces/default/deployments/yaml-dep")[0] == 404
    expect(page.locator('#topology .service[data-key="default/yaml-svc"]')).to_have_count(0)


def test_a_deployment_made_through_the_kubernetes_api_appears_without_reload(page, live_cluster):
    page.goto(live_cluster.page_url)
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=15000)
    page.evaluate("window.__marker = 'same page'")
    live_cluster.create_deployment("api-made", 4)
    expect(chips(page, "default/api-made-")).to_have_count(4, timeout=30000)
    expect(chips(page, "default/api-made-", "[data-state=ready]")).to_have_count(4, timeout=30000)
    assert page.evaluate("window.__marker") == "same page"


def same_revision_pictures(pages, timeout=60):
    """Read every page's picture with the revision it shows (in one evaluate, so the two agree)
    until all pages show the same revision; return the pictures."""

    def read():
        shown = [p.evaluate(f"[window.playground.stats.renderedRevision, ({PICTURE})()]") for p in pages]
        revisions = {revision for revision, _ in shown}
        return [picture for _, picture in shown] if len(revisions) == 1 else None

    return wait_for(read, timeout, "the pages at one revision", interval=0.05)


def test_two_open_pages_stay_identical_after_a_burst_of_changes(context, live_cluster):
    live_cluster.clock(speed=4)
    first, second = open_page(context, live_cluster), open_page(context, live_cluster)
    live_cluster.create_deployment("burst", 5)
    live_cluster.create_deployment("other", 2)
    for replicas in (9, 3, 12, 7):
        live_cluster.scale("burst", replicas)
    for pod in live_cluster.pods(selector="app=other"):
        live_cluster.server.request("DELETE", f"{live_cluster.base}/api/v1/namespaces/default/pods/{pod['metadata']['name']}")
    live_cluster.server.json("PATCH", f"{live_cluster.base}/api/v1/nodes/worker-2", {"spec": {"unschedulable": True}},
                             {"Content-Type": "application/merge-patch+json"})
    wait_for(lambda: live_cluster.running_ready("app=burst", 7), 60, "seven ready burst pods")
    live_cluster.server.json("POST", f"{live_cluster.base}/playground/components/kube-scheduler/power", {"on": False})
    live_cluster.scale("other", 4)
    wait_for(lambda: len(live_cluster.pods(selector="app=other")) == 4, 30, "four pods of 'other'")
    live_cluster.clock(paused=True)  # fewer writes: the picture stands still
    a, b = same_revision_pictures([first, second])
    assert a == b
    assert sum(1 for k in a if k.startswith("pod:default/burst-")) == 7
    assert any(v.startswith("pending|") for k, v in a.items() if k.startswith("pod:default/other-")), "unscheduled pods sit in the tray"
    # A page that starts now from a snapshot draws the same picture as the two that followed deltas.
    fresh = open_page(context, live_cluster)
    a, c = same_revision_pictures([first, fresh])
    assert c == a
    for p in (first, second, fresh):
        assert not p.js_errors, p.js_errors


def test_a_dropped_websocket_reconnects_and_catches_up(page, live_cluster):
    page.goto(live_cluster.page_url)
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=15000)
    page.evaluate("window.__marker = 'same page'")
    # Hold the reconnect back for a few seconds so the changes below happen while the page is away.
    page.evaluate("window.playground.feed.delay = 4000; window.playground.feed.socket.close()")
    expect(page.locator("#conn")).to_have_attribute("data-state", "reconnecting", timeout=5000)
    live_cluster.create_deployment("while-away", 3)
    live_cluster.server.json("PATCH", f"{live_cluster.base}/api/v1/nodes/worker-3", {"spec": {"unschedulable": True}},
                             {"Content-Type": "application/merge-patch+json"})
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=20000)
    expect(chips(page, "default/while-away-")).to_have_count(3, timeout=30000)
    expect(page.locator('#workers .node[data-node="worker-3"]')).to_have_class(re.compile(r"\bcordoned\b"))
    stats = json.loads(page.evaluate("JSON.stringify(window.playground.feed.stats)"))
    assert stats["connects"] == 2 and stats["snapshots"] >= 2, stats
    assert page.evaluate("window.__marker") == "same page"
