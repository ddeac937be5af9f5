"""Looks (issue 12): every piece of text on the cluster page, the landing page and the teacher
overview meets WCAG AA contrast, in normal and presentation mode."""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.browser import views as v
from tests.browser.contrast import aa_failures
from tests.browser.harness import Harness
from tests.browser.test_classroom_drawer import lesson

pytestmark = pytest.mark.browser
REV = 500


@pytest.mark.parametrize("presentation", [False, True], ids=["normal", "presentation"])
def test_the_cluster_page_meets_aa(page, presentation):
    demo = v.demo_cluster()
    first = v.snapshot(REV, demo["machines"], demo["objects"])
    harness = Harness(page, on_connect=lambda h, ws: ws.send(json.dumps(first)))
    harness.respond("GET", "/playground/scenario", 200, lesson(1))
    harness.open()
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=10000)
    if presentation:
        page.locator("#toggle-presentation").click()
    assert aa_failures(page) == []
    page.locator("#toggle-classroom").click()
    expect(page.locator("#panel-scenario .sc-step.current")).to_be_visible()
    assert aa_failures(page) == []
    page.locator("#workers .pod[data-key]").first.click()
    expect(page.locator("#details")).to_be_visible()
    assert aa_failures(page) == []
    page.locator("#more-menu summary").click()
    assert aa_failures(page, "#more-menu") == []


def test_the_landing_page_and_the_overview_meet_aa(page, server):
    page.goto(server.url + "/")
    expect(page.locator("#open-demo")).to_be_visible()
    assert aa_failures(page) == []
    page.goto(server.url + "/teacher/")
    expect(page.locator(".thumb").first).to_be_visible()
    assert aa_failures(page) == []
