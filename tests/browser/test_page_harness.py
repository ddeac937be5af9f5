"""The cluster page against a scripted live feed: rendering, the protocol, actions, keyboard."""
from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from tests.browser import views as v
from tests.browser.harness import Harness, status

pytestmark = pytest.mark.browser
REV = 500


def open_demo(page, **snap_kw):
    demo = v.demo_cluster()
    first = v.snapshot(REV, demo["machines"], demo["objects"], **snap_kw)
    harness = Harness(page, on_connect=lambda h, ws: ws.send(json.dumps(first)))
    harness.open()
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=10000)
    return harness, demo


def test_snapshot_draws_nodes_pods_tray_and_services(page, artifacts):
    harness, demo = open_demo(page)
    topo = page.locator("#topology")
    expect(topo.locator(".node")).to_have_count(4)
    expect(page.locator("#cp-nodes .node[data-node=control-plane]")).to_be_visible()
    expect(topo.locator(".node[data-node=worker-1]")).to_have_attribute("data-status", "Ready")
    expect(topo.locator(".node[data-node=worker-3]")).to_have_class(re.compile(r"\boff\b"))
    expect(topo.locator(".node[data-node=worker-3]")).to_have_attribute("data-status", "Unknown")
    expect(topo.locator(".node[data-node=worker-2]")).to_have_class(re.compile(r"\bcordoned\b"))
    expect(topo.locator(".node[data-node=worker-1] .pod[data-key]")).to_have_count(6)
    expect(topo.locator('.pod[data-key="default/web-7d9f8c6b5-x7k2p"]')).to_have_attribute("data-state", "ready")
    expect(topo.locator('.pod[data-key="default/api-5c4bd6f7-a1b2c"]')).to_have_attribute("data-state", "crash")
    expect(topo.locator('.pod[data-key="default/web-7d9f8c6b5-q1w2e"]')).to_have_attribute("data-state", "terminating")
    tray = page.locator("#pending-tray")
    expect(tray.locator('.pod[data-key="default/web-7d9f8c6b5-z8v7b"]')).to_be_visible()
    expect(tray).to_contain_text("Insufficient cpu")
    expect(page.locator("#tray-count")).to_have_text("1")
    expect(page.locator('.service[data-key="default/web"]')).to_contain_text("3 ready endpoints")
    expect(page.locator(".component.running")).to_have_count(4)
    expect(page.locator("#timeline-list li")).to_have_count(4)
    page.wait_for_function("document.querySelectorAll('#service-links path').length === 1")
    page.screenshot(path=str(artifacts / "harness-topology.png"))


def test_deltas_move_pods_and_change_nodes_without_reload(page):
    harness, demo = open_demo(page)
    page.evaluate("window.__marker = 1")
    pending = demo["pods"][4]
    bound = dict(pending, node="worker-1", phase="Pending", status="ContainerCreating", pendingReason="")
    harness.send(v.delta(REV, REV + 3, upserts=[bound], deletes=[demo["pods"][3]]))
    chip = page.locator(f'#topology .node[data-node=worker-1] .pod[data-key="{pending["key"]}"]')
    expect(chip).to_have_attribute("data-state", "creating")
    expect(page.locator(f'#topology .pod[data-key="{demo["pods"][3]["key"]}"]')).to_have_count(0)
    expect(page.locator("#tray-count")).to_have_text("0")
    worker1 = dict(demo["nodes"][1], ready="False")
    machines = [dict(m, powered=m["name"] != "worker-1") for m in demo["machines"]]
    harness.send(v.delta(REV + 3, REV + 4, upserts=[worker1], machines=machines))
    card = page.locator("#topology .node[data-node=worker-1]")
    expect(card).to_have_attribute("data-status", "NotReady")
    expect(card).to_have_attribute("data-powered", "false")
    expect(card.locator("[data-act=power]")).to_have_text("Power on")
    assert page.evaluate("window.__marker") == 1, "the page reloaded"


def test_a_gap_asks_for_a_resync_and_the_snapshot_replaces_state(page):
    harness, demo = open_demo(page)
    extra = v.pod("late", node="worker-2")
    harness.send(v.delta(REV + 5, REV + 6, upserts=[extra]))  # REV..REV+5 never arrived
    page.wait_for_function("window.playground.feed.stats.gaps === 1")
    assert harness.received[-1] == {"type": "resync"}
    expect(page.locator('#topology .pod[data-key="default/late"]')).to_have_count(0)
    harness.send(v.snapshot(REV + 6, demo["machines"], [o for o in demo["objects"] if o["kind"] != "Service"] + [extra]))
    expect(page.locator('#topology .pod[data-key="default/late"]')).to_have_count(1)
    expect(page.locator("#topology .service")).to_have_count(0)
    harness.send(v.delta(REV + 6, REV + 7, deletes=[extra]))
    expect(page.locator('#topology .pod[data-key="default/late"]')).to_have_count(0)


def test_a_dropped_socket_reconnects_and_resyncs(page):
    harness, demo = open_demo(page)
    page.evaluate("window.playground.feed.socket.close()")
    expect(page.locator("#conn")).not_to_have_attribute("data-state", "live", timeout=5000)
    page.wait_for_function("window.playground.feed.stats.connects === 2", timeout=10000)
    page.wait_for_function("window.playground.feed.stats.resyncs >= 1")
    assert {"type": "resync"} in harness.received
    moved = dict(demo["pods"][0], node="worker-2")
    harness.send(v.snapshot(REV + 20, demo["machines"], [o if o is not demo["pods"][0] else moved for o in demo["objects"]]))
    expect(page.locator("#conn")).to_have_attribute("data-state", "live")
    expect(page.locator(f'#topology .node[data-node=worker-2] .pod[data-key="{moved["key"]}"]')).to_have_count(1)


def test_power_off_by_click_posts_and_a_refusal_shows_its_message(page):
    harness, demo = open_demo(page)
    harness.respond("POST", "/playground/nodes/worker-1/power", 200, {"name": "worker-1", "powered": False})
    page.locator("#topology .node[data-node=worker-1] [data-act=power]").click()
    expect(page.locator(".toast").last).to_contain_text("worker-1 powered off")
    assert ("POST", "/clusters/demo/playground/nodes/worker-1/power", {"on": False}) in harness.requests
    harness.respond("POST", "/playground/components/kube-scheduler/power", 503,
                    status(503, "ServiceUnavailable", "etcd is stopped: the API server cannot write"))
    page.locator('button[data-component="kube-scheduler"]').click()
    expect(page.locator(".toast-error")).to_contain_text("etcd is stopped: the API server cannot write")


def test_yaml_errors_show_at_their_line_and_field(page):
    harness, demo = open_demo(page)
    causes = [{"field": "spec.replicas", "message": "Invalid value: \"three\": must be an integer", "reason": "FieldValueInvalid", "line": 7},
              {"field": "metadata.name", "message": "Required value", "reason": "FieldValueRequired", "line": 27}]
    harness.respond("POST", "/playground/apply", 422, status(422, "Invalid", "Deployment.apps \"hello\" is invalid", causes))
    page.locator("#open-yaml").click()
    editor = page.locator("#yaml-text")
    expect(editor).to_be_focused()
    editor.fill(editor.input_value().replace("replicas: 3", "replicas: three"))
    page.locator("#yaml-apply").click()
    expect(page.locator("#yaml-errors")).to_contain_text("is invalid")
    expect(page.locator('#yaml-gutter .gl[data-line="7"]')).to_have_class("gl err")
    expect(page.locator('#yaml-mirror .ml[data-line="7"] .inline-err')).to_contain_text("spec.replicas: Invalid value")
    expect(page.locator('#yaml-mirror .ml[data-line="27"] .inline-err')).to_contain_text("metadata.name")
    expect(page.locator('#yaml-mirror .ml.err')).to_have_count(2)
    expect(page.locator("#dlg-yaml")).to_have_attribute("open", "")
    page.locator('#yaml-errors [data-line="7"]').click()
    assert page.evaluate("document.activeElement.id") == "yaml-text"


def test_details_show_why_a_pod_is_pending(page):
    harness, demo = open_demo(page)
    pending = demo["pods"][4]
    harness.respond("GET", f"/playground/objects/Pod/default/{pending['name']}", 200, {
        "object": {"kind": "Pod"}, "yaml": "apiVersion: v1\nkind: Pod\n", "events": [],
        "scheduling": {"node": "", "message": pending["pendingReason"], "nodes": [
            {"node": "worker-1", "feasible": False, "rejected_by": "NodeResourcesFit", "reasons": ["Insufficient cpu"], "scores": {}, "total": None},
            {"node": "worker-2", "feasible": False, "rejected_by": "NodeUnschedulable", "reasons": ["node(s) were unschedulable"], "scores": {}, "total": None},
        ]},
    })
    page.locator(f'#pending-tray .pod[data-key="{pending["key"]}"]').click()
    expect(page.locator("#details")).to_be_visible()
    expect(page.locator("#details-body")).to_contain_text("Why pending")
    page.locator('#details-tabs [data-tab="scheduling"]').click()
    expect(page.locator('#details-body .sched li[data-node="worker-1"]')).to_contain_text("NodeResourcesFit Insufficient cpu")
    expect(page.locator('#details-body .sched li[data-node="worker-2"]')).to_contain_text("NodeUnschedulable")


def test_at_projector_width_the_details_open_over_the_classroom_drawer(page):
    """At 1280x720 the picture keeps the width it has beside the drawer when a pod's details open."""
    open_demo(page)
    page.locator("#toggle-classroom").click()
    drawer = page.locator("#classroom")
    expect(drawer).to_be_visible()
    beside_drawer = page.locator(".views-area").bounding_box()["width"]
    page.locator("#topology .node[data-node=worker-1] .pod[data-key]").first.click()
    details = page.locator("#details")
    expect(details).to_be_visible()
    assert page.locator(".views-area").bounding_box()["width"] == beside_drawer
    box, under = details.bounding_box(), drawer.bounding_box()
    assert (box["x"], box["width"]) == (under["x"], under["width"]), (box, under)
    page.keyboard.press("Escape")
    expect(details).to_be_hidden()
    expect(drawer).to_be_visible()
    # Wide screens have room for both side by side.
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.locator("#topology .node[data-node=worker-1] .pod[data-key]").first.click()
    expect(details).to_be_visible()
    under = drawer.bounding_box()
    assert details.bounding_box()["x"] >= under["x"] + under["width"] - 1, "no overlap"


def test_keyboard_reaches_nodes_pods_and_actions(page):
    harness, demo = open_demo(page)
    card = page.locator("#topology .node[data-node=worker-1]")
    card.focus()
    page.keyboard.press("ArrowDown")
    first = page.evaluate("document.activeElement.dataset.key")
    assert first and first.startswith("default/")
    page.keyboard.press("ArrowRight")
    second = page.evaluate("document.activeElement.dataset.key")
    assert second != first
    page.keyboard.press("Enter")
    expect(page.locator("#details-title")).to_have_text(f"Pod {second}")
    page.keyboard.press("Escape")
    expect(page.locator("#details")).to_be_hidden()
    card.focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.act") == "power"


def test_presentation_mode_and_ownership_view(page, artifacts):
    harness, demo = open_demo(page)
    page.locator("#toggle-presentation").click()
    expect(page.locator("body")).to_have_class(re.compile("presentation"))
    page.screenshot(path=str(artifacts / "harness-presentation.png"))
    page.locator("#toggle-presentation").click()
    page.locator('[data-view="ownership"]').click()
    tree = page.locator("#owner-tree")
    expect(tree.locator(f'.o-dep[data-key="default/web"] .o-rs[data-key="{demo["web_rs"]["key"]}"] .pod')).to_have_count(6)
    expect(page.locator("#owner-services")).to_contain_text("default/web")
    page.screenshot(path=str(artifacts / "harness-ownership.png"))


def test_namespace_filter_hides_other_namespaces_everywhere(page):
    harness, demo = open_demo(page)
    page.locator("#ns-filter").select_option("team-a")
    expect(page.locator('#topology .pod[data-key="team-a/other"]')).to_be_visible()
    expect(page.locator('#topology .pod[data-key="default/web-7d9f8c6b5-x7k2p"]')).to_be_hidden()
    expect(page.locator('#topology .service[data-key="default/web"]')).to_be_hidden()
    expect(page.locator("#tray-count")).to_have_text("0")
    expect(page.locator("#timeline-list li")).to_have_count(0)
    page.locator("#ns-filter").select_option("")
    expect(page.locator("#timeline-list li")).to_have_count(4)


def test_an_event_links_to_its_object(page):
    harness, demo = open_demo(page)
    crash = demo["pods"][6]
    harness.respond("GET", f"/playground/objects/Pod/default/{crash['name']}", 200, {"object": {}, "yaml": "", "events": []})
    page.locator("#timeline-list button", has_text=crash["name"]).click()
    expect(page.locator("#details-title")).to_have_text(f"Pod {crash['key']}")
    expect(page.locator(f'#topology .pod[data-key="{crash["key"]}"]')).to_have_class(re.compile(r"\bselected\b"))


def test_forms_send_their_requests_and_keep_refusals_in_the_dialog(page):
    harness, demo = open_demo(page)
    harness.respond("POST", "/playground/nodes", 201, {"name": "worker-4", "runtime": "cri-o", "cpu": "4", "memory": "8Gi"})
    page.locator("#more-menu summary").click()
    page.locator("#open-add-node").click()
    page.locator("#an-runtime").select_option("cri-o")
    page.locator("#an-cpu").fill("4")
    page.locator("#an-memory").fill("8Gi")
    page.locator("#dlg-add-node button[type=submit]").click()
    expect(page.locator("#dlg-add-node")).not_to_have_attribute("open", "")
    assert ("POST", "/clusters/demo/playground/nodes", {"runtime": "cri-o", "cpu": "4", "memory": "8Gi", "pods": 110}) in harness.requests

    harness.respond("POST", "/apis/apps/v1/namespaces/default/deployments", 409,
                    status(409, "AlreadyExists", 'deployments.apps "web" already exists'))
    page.locator("#open-deploy").click()
    page.locator("#nd-name").fill("web")
    page.locator("#dlg-deploy button[type=submit]").click()
    expect(page.locator("#dlg-deploy .form-error")).to_contain_text('deployments.apps "web" already exists')
    expect(page.locator("#dlg-deploy")).to_have_attribute("open", "")
    sent = [b for m, p, b in harness.requests if p.endswith("/deployments")][-1]
    assert sent["spec"]["template"]["spec"]["containers"] == [{"name": "nginx", "image": "nginx:1.25"}]
    assert sent["spec"]["replicas"] == 3
    page.keyboard.press("Escape")

    harness.respond("POST", "/playground/nodes/worker-1/drain", 200, {"evicted": ["default/web-7d9f8c6b5-x7k2p", "default/web-7d9f8c6b5-m2n8q"]})
    page.locator("#topology .node[data-node=worker-1] [data-act=drain]").click()
    expect(page.locator(".toast").last).to_contain_text("2 pods evicted")


def test_a_big_cluster_draws_and_follows_deltas(page):
    big = v.big_cluster(100, 30, 30)
    first = v.snapshot(REV, big["machines"], big["objects"])
    harness = Harness(page, on_connect=lambda h, ws: ws.send(json.dumps(first)))
    harness.open()
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=20000)
    expect(page.locator("#workers .node")).to_have_count(100)
    expect(page.locator("#topology .pod[data-key]")).to_have_count(3000)
    expect(page.locator("#topology")).to_have_class(re.compile(r"\bdots\b"))
    moved = [dict(p, node="worker-100") for p in big["pods"][:5]]
    gone = big["pods"][100:300]
    harness.send(v.delta(REV, REV + 1, upserts=moved, deletes=gone))
    expect(page.locator("#topology .pod[data-key]")).to_have_count(2800)
    expect(page.locator("#workers .node[data-node=worker-100] .pod[data-key]")).to_have_count(35)
    stats = page.evaluate("window.playground.stats")
    print(f"big cluster: first frame {stats['maxFrameMs']:.0f} ms, last frame {stats['lastFrameMs']:.0f} ms")
