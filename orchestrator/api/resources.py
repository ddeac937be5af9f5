"""The resources the API serves: where each lives in the URL space and what it allows."""
from __future__ import annotations

from dataclasses import dataclass, field

from orchestrator.store.kinds import KINDS, KindInfo

ALL_VERBS = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")


@dataclass(frozen=True)
class Resource:
    plural: str
    kind: str  # the response kind
    group: str
    version: str
    namespaced: bool
    store_kind: str  # the store kind behind it
    verbs: tuple[str, ...] = ALL_VERBS
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    subresources: dict[str, tuple[str, str, str, tuple[str, ...]]] = field(default_factory=dict)  # name -> (group, version, kind, verbs)

    @property
    def group_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def info(self) -> KindInfo:
        return KINDS[self.store_kind]

    @property
    def singular(self) -> str:
        return self.kind.lower()


STATUS = ("get", "patch", "update")
SCALE = ("autoscaling", "v1", "Scale", ("get", "patch", "update"))


def _core(plural, kind, namespaced, short=(), categories=(), sub=None, verbs=ALL_VERBS, store_kind=None):
    return Resource(plural, kind, "", "v1", namespaced, store_kind or kind, verbs, short, categories, sub or {})


RESOURCES: list[Resource] = [
    _core("namespaces", "Namespace", False, ("ns",), sub={"status": ("", "v1", "Namespace", STATUS)},
          verbs=("create", "delete", "get", "list", "patch", "update", "watch")),
    _core("nodes", "Node", False, ("no",), sub={"status": ("", "v1", "Node", STATUS)}),
    _core("pods", "Pod", True, ("po",), ("all",), sub={
        "status": ("", "v1", "Pod", STATUS),
        "log": ("", "v1", "Pod", ("get",)),
        "eviction": ("policy", "v1", "Eviction", ("create",)),
        "binding": ("", "v1", "Binding", ("create",)),
    }),
    _core("services", "Service", True, ("svc",), ("all",), sub={"status": ("", "v1", "Service", STATUS)},
          verbs=("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")),
    _core("endpoints", "Endpoints", True, ("ep",)),
    _core("events", "Event", True, ("ev",)),
    _core("configmaps", "ConfigMap", True, ("cm",)),
    _core("bindings", "Binding", True, verbs=("create",), store_kind="Pod"),
    Resource("deployments", "Deployment", "apps", "v1", True, "Deployment", ALL_VERBS, ("deploy",), ("all",), {
        "status": ("apps", "v1", "Deployment", STATUS), "scale": SCALE}),
    Resource("replicasets", "ReplicaSet", "apps", "v1", True, "ReplicaSet", ALL_VERBS, ("rs",), ("all",), {
        "status": ("apps", "v1", "ReplicaSet", STATUS), "scale": SCALE}),
    Resource("leases", "Lease", "coordination.k8s.io", "v1", True, "Lease"),
    Resource("events", "Event", "events.k8s.io", "v1", True, "Event", ALL_VERBS, ("ev",)),
]

GROUPS: dict[str, list[str]] = {}
for _r in RESOURCES:
    GROUPS.setdefault(_r.group, [])
    if _r.version not in GROUPS[_r.group]:
        GROUPS[_r.group].append(_r.version)
# Groups served only for their subresources' kinds (Eviction, Scale) appear in discovery too.
EXTRA_GROUPS = {"policy": ["v1"], "autoscaling": ["v1"]}


def resources_in(group: str, version: str) -> list[Resource]:
    return [r for r in RESOURCES if r.group == group and r.version == version]


def find(group: str, version: str, plural: str) -> Resource | None:
    return next((r for r in resources_in(group, version) if r.plural == plural), None)
