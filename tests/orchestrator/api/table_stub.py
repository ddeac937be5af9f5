"""A throwaway Kubernetes API server for checking Tables against the real kubectl.

It answers ``/version``, legacy discovery (``/api``, ``/apis``, ``/api/v1``,
``/apis/<group>/<version>``) for the kinds the playground serves, and list
requests from a dict of canned bodies keyed by path.  Nothing else: any other
path is a 404 Status.  Every request is logged (method, path, query, Accept)
so tests can check what kubectl asked for.

    with serve({"/api/v1/namespaces/default/pods": table_dict}) as stub:
        out = run_kubectl(stub.url, "get", "pods", "-o", "wide")
"""
from __future__ import annotations

import contextlib
import json
import os
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator
from urllib.parse import parse_qs, urlsplit

KUBECTL = "/usr/lib/google-cloud-sdk/bin/kubectl.1.33"

# (group, version, [(plural, kind, namespaced, shortNames)])
API_RESOURCES = [
    ("", "v1", [
        ("namespaces", "Namespace", False, ["ns"]),
        ("nodes", "Node", False, ["no"]),
        ("pods", "Pod", True, ["po"]),
        ("services", "Service", True, ["svc"]),
        ("endpoints", "Endpoints", True, ["ep"]),
        ("events", "Event", True, ["ev"]),
        ("configmaps", "ConfigMap", True, ["cm"]),
    ]),
    ("apps", "v1", [
        ("deployments", "Deployment", True, ["deploy"]),
        ("replicasets", "ReplicaSet", True, ["rs"]),
    ]),
    ("coordination.k8s.io", "v1", [
        ("leases", "Lease", True, []),
    ]),
    ("events.k8s.io", "v1", [
        ("events", "Event", True, ["ev"]),
    ]),
]

_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]


def _resource_list(group: str, version: str, resources: list) -> dict:
    gv = f"{group}/{version}" if group else version
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": gv,
        "resources": [
            {
                "name": plural,
                "singularName": kind.lower(),
                "namespaced": namespaced,
                "kind": kind,
                "verbs": _VERBS,
                **({"shortNames": short} if short else {}),
            }
            for plural, kind, namespaced, short in resources
        ],
    }


def _discovery() -> dict[str, dict]:
    docs: dict[str, dict] = {
        "/version": {
            "major": "1", "minor": "33", "gitVersion": "v1.33.1", "gitCommit": "stub",
            "gitTreeState": "clean", "buildDate": "2025-01-01T00:00:00Z", "goVersion": "go1.24",
            "compiler": "gc", "platform": "linux/amd64",
        },
        "/api": {
            "kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}],
        },
    }
    groups = []
    for group, version, resources in API_RESOURCES:
        if group:
            gv = {"groupVersion": f"{group}/{version}", "version": version}
            groups.append({"name": group, "versions": [gv], "preferredVersion": gv})
            docs[f"/apis/{group}/{version}"] = _resource_list(group, version, resources)
        else:
            docs[f"/api/{version}"] = _resource_list(group, version, resources)
    docs["/apis"] = {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}
    return docs


@dataclass
class Request:
    method: str
    path: str
    query: dict
    accept: str


@dataclass
class Stub:
    url: str
    routes: dict[str, dict]
    requests: list[Request] = field(default_factory=list)

    def lists(self) -> list[Request]:
        """The requests that were not discovery."""
        discovery = _discovery()
        return [r for r in self.requests if r.path not in discovery]


def _handler(stub: Stub, docs: dict[str, dict]):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):  # quiet
            pass

        def _send(self, code: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):  # noqa: N802
            parts = urlsplit(self.path)
            stub.requests.append(
                Request("GET", parts.path, parse_qs(parts.query), self.headers.get("Accept", ""))
            )
            body = stub.routes.get(parts.path) or docs.get(parts.path)
            if body is None:
                self._send(404, {
                    "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                    "message": f"the server could not find the requested resource ({parts.path})",
                    "reason": "NotFound", "code": 404,
                })
                return
            self._send(200, body)

    return Handler


@contextlib.contextmanager
def serve(routes: dict[str, dict]) -> Iterator[Stub]:
    """Serve ``routes`` (path -> JSON body) plus discovery on 127.0.0.1, a free port, in a thread."""
    stub = Stub(url="", routes=routes)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(stub, _discovery()))
    server.daemon_threads = True
    stub.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def run_kubectl(server_url: str, *args: str, kubectl: str = KUBECTL) -> str:
    """Run kubectl against ``server_url`` with no kubeconfig and a private cache; return stdout."""
    with tempfile.TemporaryDirectory() as home:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": home,
            "KUBECONFIG": os.path.join(home, "no-kubeconfig"),
        }
        proc = subprocess.run(
            [kubectl, "--server", server_url, "--cache-dir", os.path.join(home, "cache"),
             "--request-timeout", "20s", *args],
            env=env, capture_output=True, text=True, timeout=60,
        )
    if proc.returncode != 0:
        raise AssertionError(f"kubectl {' '.join(args)} failed ({proc.returncode}): {proc.stderr}")
    return proc.stdout
