"""A throwaway API server for running the real kubectl against our OpenAPI.

It serves just what kubectl needs before it talks about objects:

* ``/version``;
* legacy discovery: ``/api`` (APIVersions), ``/apis`` (APIGroupList),
  ``/api/v1`` and ``/apis/<group>/<version>`` (APIResourceList), built from
  ``openapi.RESOURCES``.  kubectl 1.27+ first asks for aggregated discovery
  (``Accept: application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,
  ...,application/json``); answering with plain ``application/json`` makes
  it fall back to these per-group documents;
* ``/openapi/v2`` (protobuf when asked for, JSON otherwise), ``/openapi/v3``
  and ``/openapi/v3/<group-version>`` from ``orchestrator.api.openapi``.

Writes are answered like a tiny kube-apiserver would: the body is checked
with ``field_validation`` according to the ``fieldValidation`` query
parameter (Strict: 400 BadRequest Status; Warn: ``Warning`` headers), then
echoed back as the created object.  GETs of single objects are 404, so
``kubectl apply`` creates.

Every request is recorded in ``StubServer.requests`` (method, path, query,
Accept, Content-Type, body), which is how the tests find out what each
kubectl version asks for.  The server listens on 127.0.0.1, on a free port,
in a daemon thread; use it as a context manager.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from orchestrator.api import field_validation, openapi

KUBECTL_DIR = "/usr/lib/google-cloud-sdk/bin"


def kubectl_path(version: str) -> str | None:
    """Path of ``kubectl.<version>`` (e.g. ``1.27``) if it is installed."""
    path = os.path.join(KUBECTL_DIR, f"kubectl.{version}")
    return path if os.access(path, os.X_OK) else None


@dataclass
class Recorded:
    method: str
    path: str  # without the server's prefix; the full path for a request outside it
    query: dict
    accept: str
    content_type: str
    body: bytes
    raw_path: str = ""  # as received, prefix included
    status: int = 0


def _api_resource_list(group_version: str) -> dict:
    resources = []
    for r in openapi.RESOURCES:
        if r.group_version != group_version:
            continue
        resources.append({
            "name": r.plural,
            "singularName": r.kind.lower(),
            "namespaced": r.namespaced,
            "kind": r.kind,
            "verbs": list(r.verbs),
        })
        for sub in r.subresources:
            entry = {
                "name": f"{r.plural}/{sub.name}",
                "singularName": "",
                "namespaced": r.namespaced,
                "kind": sub.kind,
                "verbs": list(sub.verbs),
            }
            if (sub.group, sub.version) != (r.group, r.version):
                entry["group"], entry["version"] = sub.group, sub.version
            resources.append(entry)
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version, "resources": resources}


def _api_group_list() -> dict:
    groups: dict[str, list[str]] = {}
    for r in openapi.RESOURCES:
        if r.group:
            versions = groups.setdefault(r.group, [])
            if r.version not in versions:
                versions.append(r.version)
    items = []
    for name, versions in sorted(groups.items()):
        gvs = [{"groupVersion": f"{name}/{v}", "version": v} for v in versions]
        items.append({"name": name, "versions": gvs, "preferredVersion": gvs[0]})
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": items}


def _status(code: int, reason: str, message: str) -> dict:
    return {
        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": message, "reason": reason, "code": code,
    }


class StubServer:
    """``with StubServer() as s: s.url, s.kubeconfig(tmp_path), s.requests``.

    ``prefix`` mounts everything under a path (``/clusters/demo``), as a
    server behind a path-routing proxy would be; ``v3_index_prefix`` is
    what goes before the ``serverRelativeURL`` s of ``/openapi/v3``.
    ``advertise_field_validation=False`` serves OpenAPI whose operations do
    not name the ``fieldValidation`` parameter, as an old server's: kubectl
    then validates on the client side instead.
    """

    def __init__(self, prefix: str = "", v3_index_prefix: str | None = None,
                 advertise_field_validation: bool = True):
        self.prefix = prefix.rstrip("/")
        self.v3_index_prefix = self.prefix if v3_index_prefix is None else v3_index_prefix
        self.advertise_field_validation = advertise_field_validation
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle
    def __enter__(self) -> "StubServer":
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _handle(self):
                stub._serve(self)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}{self.prefix}"

    def kubeconfig(self, directory) -> str:
        """Write a kubeconfig for this server into ``directory``; return its path."""
        path = os.path.join(str(directory), "kubeconfig")
        config = {
            "apiVersion": "v1", "kind": "Config", "current-context": "stub",
            "clusters": [{"name": "stub", "cluster": {"server": self.url}}],
            "users": [{"name": "stub", "user": {}}],
            "contexts": [{"name": "stub", "context": {"cluster": "stub", "user": "stub", "namespace": "default"}}],
        }
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(config, fh)
        return path

    def run_kubectl(self, binary: str, args: list[str], directory, stdin: str | None = None,
                    timeout: float = 60) -> subprocess.CompletedProcess:
        """Run kubectl against this server with a private cache and HOME in ``directory``."""
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(directory),
            "KUBECONFIG": self.kubeconfig(directory),
        }
        cmd = [binary, "--cache-dir", os.path.join(str(directory), "cache"), *args]
        return subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=timeout, env=env)

    def openapi_requests(self) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.path.startswith("/openapi")]

    # -- documents
    def _v2(self, proto: bool) -> bytes:
        if self.advertise_field_validation:
            return openapi.v2_protobuf() if proto else openapi.v2_json()
        doc = _without_field_validation(openapi.v2_document())
        return openapi.encode_v2_protobuf(doc) if proto else json.dumps(doc).encode()

    def _v3(self, gv: str) -> bytes | None:
        if self.advertise_field_validation:
            return openapi.v3_json(gv)
        doc = openapi.v3_document(gv)
        return None if doc is None else json.dumps(_without_field_validation(doc)).encode()

    # -- request handling
    def _serve(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        path = parts.path
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else b""
        raw_path = path
        inside = not self.prefix or path == self.prefix or path.startswith(self.prefix + "/")
        if self.prefix and inside:
            path = path[len(self.prefix):] or "/"
        record = Recorded(
            h.command, path, query, h.headers.get("Accept", ""), h.headers.get("Content-Type", ""), body, raw_path,
        )
        with self._lock:
            self.requests.append(record)
        if not inside:
            record.status = 404
            return self._send(h, 404, _status(404, "NotFound", f"the server could not find {raw_path}"))

        if h.command == "GET":
            doc = self._get_document(path, h.headers.get("Accept", ""))
            if doc is not None:
                record.status, content_type, data = doc
                return self._send_bytes(h, record.status, content_type, data)
            record.status = 404
            return self._send(h, 404, _status(404, "NotFound", "the server could not find the requested resource"))
        if h.command in ("POST", "PUT", "PATCH"):
            return self._write(h, path, query, body)
        return self._send(h, 405, _status(405, "MethodNotAllowed", "the server does not allow this method"))

    def _get_document(self, path: str, accept: str):
        if path == "/version":
            info = {"major": "1", "minor": "37", "gitVersion": "v1.37.0", "platform": "linux/amd64"}
            return 200, "application/json", json.dumps(info).encode()
        if path == "/api":
            versions = {"kind": "APIVersions", "versions": ["v1"],
                        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]}
            return 200, "application/json", json.dumps(versions).encode()
        if path == "/apis":
            return 200, "application/json", json.dumps(_api_group_list()).encode()
        if path == "/api/v1" or (path.startswith("/apis/") and path.count("/") == 3):
            gv = path[len("/api/"):] if path.startswith("/api/") else path[len("/apis/"):]
            listing = _api_resource_list(gv)
            if listing["resources"]:
                return 200, "application/json", json.dumps(listing).encode()
            return None
        if path == "/openapi/v2":
            negotiated = openapi.v2_for_accept(accept)
            if negotiated is None:
                return 406, "application/json", json.dumps(_status(406, "NotAcceptable", "")).encode()
            content_type = negotiated[0]
            return 200, content_type, self._v2(proto=content_type != "application/json")
        if path == "/openapi/v3":
            return 200, "application/json", json.dumps(openapi.v3_index(self.v3_index_prefix)).encode()
        if path.startswith("/openapi/v3/"):
            data = self._v3(path[len("/openapi/v3/"):])
            if data is not None:
                return 200, "application/json", data
        return None

    def _write(self, h, path: str, query: dict, body: bytes) -> None:
        content_type = h.headers.get("Content-Type", "")
        try:
            if "yaml" in content_type:
                import yaml

                obj = yaml.safe_load(body)
            else:
                obj = json.loads(body or b"{}")
        except Exception as exc:  # noqa: BLE001 - a stub
            return self._send(h, 400, _status(400, "BadRequest", str(exc)))
        if not isinstance(obj, dict):
            return self._send(h, 400, _status(400, "BadRequest", "body is not an object"))
        api_version, kind = obj.get("apiVersion", ""), obj.get("kind", "")
        mode = query.get("fieldValidation", "Warn")
        headers = []
        if h.command in ("POST", "PUT") and api_version and kind and mode in ("Strict", "Warn"):
            problems = field_validation.unknown_and_duplicate_fields(
                (api_version, kind), body, yaml_body="yaml" in content_type
            )
            if problems and mode == "Strict":
                message = field_validation.cannot_be_handled_message(api_version, kind, problems)
                return self._send(h, 400, _status(400, "BadRequest", message))
            headers = [("Warning", field_validation.warning_header(p)) for p in problems]
        status = 201 if h.command == "POST" else 200
        obj.setdefault("metadata", {}).setdefault("namespace", "default")
        return self._send(h, status, obj, headers)

    def _send(self, h, status: int, obj: dict, headers=()) -> None:
        self._send_bytes(h, status, "application/json", json.dumps(obj).encode(), headers)

    @staticmethod
    def _send_bytes(h, status: int, content_type: str, data: bytes, headers=()) -> None:
        h.send_response(status)
        h.send_header("Content-Type", content_type)
        h.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            h.send_header(name, value)
        h.end_headers()
        h.wfile.write(data)


def _without_field_validation(doc):
    """A copy of an OpenAPI document whose operations do not name fieldValidation."""
    if isinstance(doc, dict):
        out = {}
        for key, value in doc.items():
            if key == "parameters" and isinstance(value, list):
                value = [p for p in value if not (isinstance(p, dict) and p.get("name") == "fieldValidation")]
            out[key] = _without_field_validation(value)
        return out
    if isinstance(doc, list):
        return [_without_field_validation(v) for v in doc]
    return doc
