"""The traffic panel against a real playground: switch traffic on by click, watch the chart move,
see the failures while a worker with endpoints is dead, and per-pod bars."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.live import wait_for

pytestmark = pytest.mark.browser


def expose(cluster, name: str) -> None:
    body = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name},
            "spec": {"selector": {"app": name}, "ports": [{"port": 80, "targetPort": 80}]}}
    code, out = cluster.server.json("POST", f"{cluster.base}/api/v1/namespaces/default/services", body)
    assert code == 201, out


def last_second(page) -> str:
    return page.locator("#traffic-chart").get_attribute("data-last-t") or ""


def test_switching_traffic_on_moves_the_chart_and_a_dead_worker_shows_as_failures(page, live_cluster):
    live_cluster.create_deployment("web", 6)
    expose(live_cluster, "web")
    wait_for(lambda: live_cluster.running_ready("app=web", 6), 30, "6 ready web pods")
    page.goto(live_cluster.page_url)
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=15000)

    page.locator("#toggle-classroom").click()
    page.locator("#tab-cr-traffic").click()
    expect(page.locator("#traffic-service option[value='default/web']")).to_have_count(1)
    page.locator("#traffic-service").select_option("default/web")
    page.locator("#traffic-rate").fill("12")
    page.locator("#traffic-rate").press("Tab")  # the switch is next in the keyboard order
    expect(page.locator("#traffic-toggle")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#traffic-toggle")).to_have_attribute("aria-pressed", "true", timeout=10000)
    expect(page.locator("#traffic-toggle")).to_have_text("Stop traffic")

    # The chart moves: a new second arrives, then another.
    expect(page.locator("#traffic-chart .second")).not_to_have_count(0, timeout=10000)
    first = last_second(page)
    wait_for(lambda: last_second(page) not in ("", first), 10, "the chart to move on a second")
    expect(page.locator("#traffic-status")).to_contain_text("Sending 12 requests a second to default/web")
    expect(page.locator("#traffic-status")).to_contain_text("100% succeeded")
    expect(page.locator("#traffic-pods .traffic-pod")).to_have_count(6, timeout=10000)
    assert page.locator("#traffic-chart rect.failed").count() == 0

    # Kill a worker that runs endpoints: hatched (failed) bars appear, with their cause.
    code, out = live_cluster.server.json("POST", f"{live_cluster.base}/playground/nodes/worker-2/power", {"on": False})
    assert code == 200, out
    expect(page.locator("#traffic-chart rect.failed").first).to_be_attached(timeout=15000)
    expect(page.locator("#traffic-pods")).to_contain_text("timed out (node down)")
    assert float(page.locator("#panel-traffic").get_attribute("data-success-rate")) < 1.0

    # After the endpoints controller drops the dead node's pods, every second succeeds again.
    expect(page.locator("#traffic-status")).to_contain_text("Last second: 12 ok, 0 failed", timeout=30000)

    page.locator("#traffic-toggle").click()
    expect(page.locator("#traffic-toggle")).to_have_attribute("aria-pressed", "false", timeout=10000)
    expect(page.locator("#traffic-status")).to_contain_text("Stopped. Last sent to default/web")


def test_a_bad_rate_is_refused_with_its_reason_beside_the_form(page, live_cluster):
    expose(live_cluster, "web")
    page.goto(live_cluster.page_url)
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=15000)
    page.locator("#toggle-classroom").click()
    page.locator("#tab-cr-traffic").click()
    expect(page.locator("#traffic-service option[value='default/web']")).to_have_count(1)
    page.locator("#traffic-rate").fill("5000")
    page.locator("#traffic-toggle").click()
    expect(page.locator("#panel-traffic .form-error")).to_contain_text("rate: Invalid value: 5000: must be a whole number of requests a second from 1 to 1000")
    expect(page.locator("#traffic-toggle")).to_have_attribute("aria-pressed", "false")
    assert live_cluster.get("/playground/traffic") == (200, {"on": False, "service": None, "port": None, "rate": None})
