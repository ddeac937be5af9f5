"""Reads the end-to-end tests wait on."""
from __future__ import annotations

from orchestrator.models import Deployment, Node, Pod
from orchestrator.store.services import object_create


def deployment(name: str = "web", replicas: int = 6, image: str = "nginx:1.25", **spec) -> dict:
    return {
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": name, "image": image, "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}}}]},
            },
            **spec,
        },
    }


def create_deployment(cluster, **kwargs) -> dict:
    return object_create(cluster=cluster, kind="Deployment", obj=deployment(**kwargs))


def live_pods(cluster, app: str):
    return [p for p in Pod.objects.filter(cluster=cluster, labels__app=app) if p.deletion_timestamp is None]


def running_pods(cluster, app: str):
    return [p for p in live_pods(cluster, app) if p.phase == "Running" and _ready(p)]


def _ready(pod) -> bool:
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in pod.status.get("conditions") or [])


def nodes_ready(cluster, count: int = 4) -> bool:
    return Node.objects.filter(cluster=cluster, ready="True").count() == count


def deployment_status(cluster, name: str = "web") -> dict:
    return Deployment.objects.get(cluster=cluster, namespace="default", name=name).status
