"""Bugs a teacher met at the projector (issue 12), each against the harness page: the pod's logs,
the Copy buttons of "Connect kubectl", a YAML syntax error, "null" in a lesson step."""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.browser import views as v
from tests.browser.contrast import low_contrast
from tests.browser.harness import Harness, status

pytestmark = pytest.mark.browser
REV = 500


def open_demo(page, **kw):
    demo = v.demo_cluster()
    first = v.snapshot(REV, demo["machines"], demo["objects"])
    harness = Harness(page, on_connect=lambda h, ws: ws.send(json.dumps(first)))
    for args in kw.get("responses", []):
        harness.respond(*args)
    harness.open()
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=10000)
    return harness, demo


def lesson_state(step_message: str = "", hint: str = "Click the power button on worker-1's card.") -> dict:
    step = {"index": 0, "title": "Pull the plug on worker-1", "explanation": "The machine loses power.", "hint": hint,
            "action": {"kind": "power_off", "label": "Power off worker-1"}, "conditions": ["node worker-1 powered off"],
            "status": "current", "done": None, "skipped": False, "acted": None, "message": step_message, "took": None}
    later = dict(step, index=1, title="The node controller notices", hint="kubectl get nodes -w", action=None, status="todo")
    return {"active": True, "name": "kill-a-node", "title": "Kill a node and watch recovery", "summary": "Six pods.",
            "profile": "classroom", "source": "built-in", "phase": "steps", "current": 0,
            "started": {"revision": 8, "sim_time": 1000.0, "wall_time": 1000.0},
            "setup": {"conditions": [], "done": {"revision": 9, "sim_time": 1001.0, "wall_time": 1001.0}, "skipped": False},
            "steps": [step, later],
            "checks": [{"condition": "node worker-1 powered off", "satisfied": False, "detail": "powered on"}]}


def test_the_logs_tab_names_each_container_and_shows_its_lines(page):
    harness, demo = open_demo(page)
    pod = demo["pods"][0]
    harness.respond("GET", f"/playground/objects/Pod/default/{pod['name']}", 200, {
        "object": {"kind": "Pod"}, "yaml": "kind: Pod\n", "events": [], "scheduling": None,
        # operations.object_details: {container name: [lines]}
        "logs": {"web": ["10.244.2.1 - GET / 200", "10.244.2.1 - GET /health 200"], "sidecar": []},
    })
    page.locator(f'#topology .pod[data-key="{pod["key"]}"]').click()
    page.locator('#details-tabs [data-tab="logs"]').click()
    body = page.locator("#details-body")
    expect(body.locator('[data-container="web"] pre.logs')).to_have_text("10.244.2.1 - GET / 200\n10.244.2.1 - GET /health 200")
    expect(body.locator('[data-container="web"] .log-container')).to_have_text("container web")
    expect(body.locator('[data-container="sidecar"] pre.logs')).to_have_text("(empty)")
    expect(body).not_to_contain_text("undefined")


def test_a_pod_without_a_sandbox_says_it_has_no_logs(page):
    harness, demo = open_demo(page)
    pod = demo["pods"][0]
    harness.respond("GET", f"/playground/objects/Pod/default/{pod['name']}", 200, {
        "object": {"kind": "Pod"}, "yaml": "kind: Pod\n", "events": [], "scheduling": None, "logs": None})
    page.locator(f'#topology .pod[data-key="{pod["key"]}"]').click()
    page.locator('#details-tabs [data-tab="logs"]').click()
    expect(page.locator("#details-body")).to_contain_text("No logs")
    expect(page.locator("#details-body")).not_to_contain_text("undefined")


@pytest.mark.parametrize("presentation", [False, True])
def test_the_copy_buttons_of_connect_kubectl_are_legible(page, presentation):
    open_demo(page)
    if presentation:
        page.locator("#toggle-presentation").click()
    page.locator("#more-menu summary").click()
    page.locator("#open-connect").click()
    buttons = page.locator("#dlg-connect .copy-line button")
    expect(buttons).to_have_count(2)
    expect(buttons.first).to_have_text("Copy")
    assert low_contrast(page, "#dlg-connect .copy-line button") == []
    assert low_contrast(page, "#dlg-connect .copy-line code") == []


def test_a_yaml_syntax_error_is_said_once_at_its_line(page):
    harness, _ = open_demo(page)
    problem = "mapping values are not allowed here"
    harness.respond("POST", "/playground/apply", 422, status(422, "Invalid", f"YAML error on line 18: {problem}",
                    [{"field": "", "message": f"YAML error: {problem}", "reason": "FieldValueInvalid", "line": 18}]))
    page.locator("#open-yaml").click()
    page.locator("#yaml-text").fill("\n".join(f"a{i}: 1" for i in range(1, 18)) + "\nb: c: d\n")
    page.locator("#yaml-apply").click()
    errors = page.locator("#yaml-errors")
    expect(errors).to_be_visible()
    text = errors.inner_text()
    assert text.count(problem) == 1, text
    expect(errors.locator(".cause")).to_have_text(f"line 18 · YAML error: {problem}")
    expect(page.locator('#yaml-gutter .gl[data-line="18"]')).to_have_class("gl err")


def test_a_refusal_without_causes_still_shows_its_message(page):
    harness, _ = open_demo(page)
    harness.respond("POST", "/playground/apply", 409, status(409, "Conflict", "the object has been modified"))
    page.locator("#open-yaml").click()
    page.locator("#yaml-text").fill("kind: Pod\n")
    page.locator("#yaml-apply").click()
    expect(page.locator("#yaml-errors .error-message")).to_have_text("the object has been modified")


@pytest.mark.parametrize("message", ["", "worker-1 powered off"])
def test_a_lesson_step_never_shows_null(page, message):
    open_demo(page, responses=[("GET", "/playground/scenario", 200, lesson_state(step_message=message))])
    page.locator("#toggle-classroom").click()
    step = page.locator("#panel-scenario .sc-step.current")
    expect(step.locator(".sc-hint")).to_have_text("Try: Click the power button on worker-1's card.")
    expect(step.locator(".sc-do")).to_have_text("Do it: Power off worker-1")
    assert "null" not in step.inner_text()
    if message:
        expect(step.locator(".sc-message")).to_have_text(f"Done: {message}")
    else:
        expect(step.locator(".sc-message")).to_have_count(0)


def test_starting_lessons_logs_no_traceback_from_the_components(server, live_cluster):
    """A lesson resets its cluster (delete and create again): the components running it must not log
    `Cluster.DoesNotExist` tracebacks for the old row."""
    from tests.live import wait_for

    start = server.log.stat().st_size
    for _ in range(3):
        code, body = server.json("POST", f"{live_cluster.base}/playground/scenario", {"name": "kill-a-node"})
        assert code == 201, body
        wait_for(live_cluster.nodes_ready, 30, "four Ready nodes after the reset")
    with server.log.open() as log:
        log.seek(start)
        text = log.read()
    assert "DoesNotExist" not in text, text[-3000:]
