"""A kubeconfig that points kubectl at one cluster of the playground."""
from __future__ import annotations

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


def kubeconfig(cluster: str, server: str) -> str:
    """Return kubeconfig YAML for `cluster`; `server` is the playground's base URL."""
    name = f"playground-{cluster}"
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": name, "cluster": {"server": f"{server.rstrip('/')}/clusters/{cluster}"}}],
        "contexts": [{"name": name, "context": {"cluster": name, "user": name, "namespace": "default"}}],
        "current-context": name,
        "users": [{"name": name, "user": {}}],
        "preferences": {},
    }
    return yaml.safe_dump(config, sort_keys=False)
