"""A kubeconfig that points kubectl at one cluster of the playground."""
from __future__ import annotations

import yaml


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
