"""The kinds the store holds and how the API names them."""
from __future__ import annotations

from dataclasses import dataclass

from orchestrator import models


@dataclass(frozen=True)
class KindInfo:
    kind: str
    model: type
    api_version: str  # "v1" or "group/version"
    plural: str
    namespaced: bool
    short_names: tuple[str, ...] = ()
    status_subresource: bool = False
    # Kinds whose metadata.generation moves with spec changes (others keep 1).
    tracks_generation: bool = False

    @property
    def group(self) -> str:
        return self.api_version.rpartition("/")[0]

    @property
    def singular(self) -> str:
        return self.kind.lower()


KINDS: dict[str, KindInfo] = {
    info.kind: info
    for info in (
        KindInfo("Namespace", models.Namespace, "v1", "namespaces", False, ("ns",), True),
        KindInfo("Node", models.Node, "v1", "nodes", False, ("no",), True),
        KindInfo("Pod", models.Pod, "v1", "pods", True, ("po",), True, True),
        KindInfo("Service", models.Service, "v1", "services", True, ("svc",), True),
        KindInfo("Endpoints", models.Endpoints, "v1", "endpoints", True, ("ep",)),
        KindInfo("Event", models.Event, "v1", "events", True, ("ev",)),
        KindInfo("ConfigMap", models.ConfigMap, "v1", "configmaps", True, ("cm",)),
        KindInfo("Lease", models.Lease, "coordination.k8s.io/v1", "leases", True),
        KindInfo("Deployment", models.Deployment, "apps/v1", "deployments", True, ("deploy",), True, True),
        KindInfo("ReplicaSet", models.ReplicaSet, "apps/v1", "replicasets", True, ("rs",), True, True),
    )
}
