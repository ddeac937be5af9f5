"""A cluster of its own on the test's playground, with the API calls the tests make."""
from __future__ import annotations

import itertools
import uuid

from tests.live import LiveServer, wait_for

_counter = itertools.count()
MERGE = {"Content-Type": "application/merge-patch+json"}


class LiveCluster:
    def __init__(self, server: LiveServer, name: str):
        self.server = server
        self.name = name
        self.base = f"/clusters/{name}"
        self.page_url = f"{server.url}/clusters/{name}/playground/"

    @classmethod
    def create(cls, server: LiveServer) -> "LiveCluster":
        name = f"b{next(_counter)}-{uuid.uuid4().hex[:6]}"
        code, body = server.json("POST", "/clusters/", {"name": name})
        assert code == 201, body
        cluster = cls(server, name)
        wait_for(cluster.nodes_ready, 30, "four Ready nodes")
        return cluster

    def delete(self) -> None:
        self.server.request("DELETE", f"{self.base}/")

    # -- playground state
    def state(self) -> dict:
        code, body = self.server.json("GET", f"{self.base}/playground/state")
        assert code == 200, body
        return body

    def nodes_ready(self) -> bool:
        return all(n["ready"] == "True" for n in self.state()["nodes"])

    def clock(self, **fields) -> dict:
        code, body = self.server.json("POST", f"{self.base}/playground/clock", fields)
        assert code == 200, body
        return body

    # -- Kubernetes API
    def create_deployment(self, name: str, replicas: int, image: str = "nginx:1.25", namespace: str = "default") -> dict:
        labels = {"app": name}
        body = {
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "labels": labels},
            "spec": {"replicas": replicas, "selector": {"matchLabels": labels},
                     "template": {"metadata": {"labels": labels}, "spec": {"containers": [{"name": "web", "image": image}]}}},
        }
        code, out = self.server.json("POST", f"{self.base}/apis/apps/v1/namespaces/{namespace}/deployments", body)
        assert code == 201, out
        return out

    def scale(self, name: str, replicas: int, namespace: str = "default") -> None:
        code, out = self.server.json("PATCH", f"{self.base}/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale",
                                     {"spec": {"replicas": replicas}}, MERGE)
        assert code == 200, out

    def pods(self, namespace: str = "default", selector: str = "") -> list[dict]:
        query = f"?labelSelector={selector}" if selector else ""
        code, out = self.server.json("GET", f"{self.base}/api/v1/namespaces/{namespace}/pods{query}")
        assert code == 200, out
        return out["items"]

    def get(self, path: str) -> tuple[int, dict]:
        return self.server.json("GET", f"{self.base}{path}")

    def running_ready(self, selector: str, count: int) -> bool:
        pods = [p for p in self.pods(selector=selector) if not p["metadata"].get("deletionTimestamp")]
        ready = [p for p in pods if any(c["type"] == "Ready" and c["status"] == "True" for c in p["status"].get("conditions", []))]
        return len(pods) == count and len(ready) == count
