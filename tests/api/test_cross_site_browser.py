"""A page on another site tries to power a node off through a learner's browser (issue 13, CSRF).

The classic forgery: an auto-submitted form with ``enctype="text/plain"`` whose body is valid JSON
(no preflight, the learner's cookies go along for the same site), and a ``fetch`` in no-cors mode.
Both are refused by the playground (Origin check) and the node stays on; the playground's own page
still powers it off (it sends its CSRF token).
"""
from __future__ import annotations

import http.server
import os
import threading

import pytest

from tests.live import free_port, wait_for
from tests.live_cluster import LiveCluster

CHROMIUM = "/usr/bin/chromium"
playwright = pytest.importorskip("playwright.sync_api")
if not os.path.exists(CHROMIUM):
    pytest.skip(f"{CHROMIUM} is missing", allow_module_level=True)

EVIL = """<!doctype html><html><body>
<form id="f" method="POST" enctype="text/plain" action="{target}">
  <input name='{{"on": false, "x": "' value='"}}'>
</form>
</body></html>"""
FORGED_FETCH = """fetch("{target}", {{method: "POST", mode: "no-cors", credentials: "include", body: JSON.stringify({{on: false}})}})
  .then((r) => r.type)"""


@pytest.fixture
def evil_site():
    """Another origin (another port) serving the forging page."""
    pages = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get(self.path, "").encode()
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield pages, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def powered(cluster: LiveCluster, node: str) -> bool:
    return next(n for n in cluster.state()["nodes"] if n["name"] == node)["powered"]


def test_another_sites_page_cannot_power_a_node_off(server, evil_site):
    pages, evil = evil_site
    cluster = LiveCluster.create(server)
    target = f"{server.url}/clusters/{cluster.name}/playground/nodes/worker-1/power"
    pages["/"] = EVIL.format(target=target)
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_context().new_page()
            page.goto(server.url + "/")  # the learner has been to the playground: cookies are set
            page.goto(evil + "/")
            with page.expect_response(target) as fetched:
                assert page.evaluate(FORGED_FETCH.format(target=target)) == "opaque"
            assert fetched.value.status == 403
            with page.expect_response(target) as posted:
                page.evaluate("document.getElementById('f').submit()")
            assert posted.value.status == 403
            assert "cross-site request refused" in posted.value.text()
            assert powered(cluster, "worker-1"), "the forged requests powered the node off"
            # the playground's own page, with its token, still can
            page.goto(f"{server.url}/clusters/{cluster.name}/playground/")
            token = page.evaluate("document.querySelector('meta[name=csrf-token]').content")
            status = page.evaluate(f"""fetch("{target}", {{method: "POST", headers: {{"Content-Type": "application/json",
                "X-CSRFToken": "{token}"}}, body: JSON.stringify({{on: false}})}}).then((r) => r.status)""")
            assert status == 200
            assert not powered(cluster, "worker-1")
        finally:
            browser.close()
            cluster.delete()
