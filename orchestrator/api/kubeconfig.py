"""A kubeconfig that points kubectl at one cluster of the playground."""
from __future__ import annotations

import base64
import os

import yaml

DEFAULT_SERVER = "http://127.0.0.1:8000"
SERVER_ENV = "PLAYGROUND_URL"


def server_url(explicit: str | None = None) -> tuple[str, bool]:
    """The playground's base URL for a kubeconfig made outside a request: `explicit` (--server),
    else $PLAYGROUND_URL, else the default address of `manage.py playground`. Returns (url, guessed)."""
    for value in (explicit, os.environ.get(SERVER_ENV)):
        if value and value.strip():
            return value.strip().rstrip("/"), False
    return DEFAULT_SERVER, True


def kubeconfig(cluster: str, server: str, *, token: str = "", ca_pem: bytes | None = None) -> str:
    """Return kubeconfig YAML for `cluster`; `server` is the playground's base URL. `token` is the
    bearer token it sends (a learner's or a teacher's, see orchestrator/api/auth.py); `ca_pem` the
    playground's certificate authority, carried when the server is https."""
    name = f"playground-{cluster}"
    entry = {"server": f"{server.rstrip('/')}/clusters/{cluster}"}
    if ca_pem and server.startswith("https:"):
        entry["certificate-authority-data"] = base64.b64encode(ca_pem).decode()
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": name, "cluster": entry}],
        "contexts": [{"name": name, "context": {"cluster": name, "user": name, "namespace": "default"}}],
        "current-context": name,
        "users": [{"name": name, "user": {"token": token} if token else {}}],
        "preferences": {},
    }
    return yaml.safe_dump(config, sort_keys=False)


def kubeconfig_for_request(cluster: str, request) -> str:
    """The kubeconfig a page or a script downloads: the address it asked at, the caller's own
    token (a learner's cookie or token, a teacher's token or session) and, over https, the CA."""
    from . import auth, tls

    server = request.build_absolute_uri("/")
    return kubeconfig(cluster, server, token=auth.credentials(request),
                      ca_pem=tls.ca_pem() if server.startswith("https:") else None)
