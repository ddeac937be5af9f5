"""A cluster page without a server: Playwright serves the rendered template and the static
files, plays the live feed's side of the websocket, and answers the JSON endpoints.

Tests of the page's own logic (rendering, the protocol's gap and reconnect handling, the
feedback of actions) run against it quickly and deterministically.
"""
from __future__ import annotations

import json
import mimetypes
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[2]
ORIGIN = "http://playground.test"
CLUSTER = "demo"
PAGE_PATH = f"/clusters/{CLUSTER}/playground/"
WS_PATH = f"/ws/clusters/{CLUSTER}/"


def render_page() -> str:
    from django.template.loader import render_to_string

    return render_to_string("orchestrator/cluster.html", {
        "cluster": SimpleNamespace(name=CLUSTER, profile="classroom"), "ws_path": WS_PATH,
    })


def status(code: int, reason: str, message: str, causes: list | None = None) -> dict:
    body = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message,
            "reason": reason, "code": code}
    if causes is not None:
        body["details"] = {"causes": causes}
    return body


class Harness:
    """One page on a fake playground: `feed` plays the server's side of the socket."""

    def __init__(self, page, on_connect=None):
        self.page = page
        self.html = render_page()
        self.sockets = []
        self.received: list[dict] = []  # frames the page sent
        self.requests: list[tuple[str, str, object]] = []  # (method, path, json body) of API calls
        self.responses: dict[tuple[str, str], tuple[int, object]] = {}
        self.on_connect = on_connect
        page.route(f"{ORIGIN}/**", self._serve)
        page.route_web_socket(f"ws://playground.test{WS_PATH}", self._socket)

    # -- HTTP
    def respond(self, method: str, path: str, code: int, body) -> None:
        """Answer `method path` (path below /clusters/demo) with `code` and JSON `body`."""
        self.responses[(method, f"/clusters/{CLUSTER}{path}")] = (code, body)

    def _serve(self, route):
        request = route.request
        path = urlparse(request.url).path
        if path == PAGE_PATH:
            return route.fulfill(status=200, content_type="text/html; charset=utf-8", body=self.html)
        if path.startswith("/static/"):
            file = (ROOT / "static" / path[len("/static/"):]).resolve()
            if ROOT / "static" in file.parents and file.is_file():
                ctype = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
                if file.suffix == ".js":
                    ctype = "text/javascript"
                return route.fulfill(status=200, content_type=ctype, body=file.read_bytes())
            return route.fulfill(status=404, body="not found")
        body = None
        if request.post_data:
            try:
                body = json.loads(request.post_data)
            except ValueError:
                body = request.post_data
        self.requests.append((request.method, path, body))
        code, answer = self.responses.get((request.method, path), (404, status(404, "NotFound", f"no mock for {request.method} {path}")))
        if callable(answer):
            answer = answer(body)
        return route.fulfill(status=code, content_type="application/json", body=json.dumps(answer))

    # -- websocket
    def _socket(self, ws):
        self.sockets.append(ws)
        ws.on_message(lambda message: self.received.append(json.loads(message)))
        if self.on_connect:
            self.on_connect(self, ws)

    def send(self, frame: dict) -> None:
        self.sockets[-1].send(json.dumps(frame))

    def open(self):
        self.page.goto(ORIGIN + PAGE_PATH)
        return self
