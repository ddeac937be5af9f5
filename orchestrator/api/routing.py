"""Map a Kubernetes API path (below /clusters/C/) to what it names."""
from __future__ import annotations

from dataclasses import dataclass

from .resources import Resource, find


@dataclass(frozen=True)
class Route:
    target: str  # "version" | "api" | "apis" | "group" | "resources" | "openapi-v2" | "openapi-v3" | "object" | "collection"
    group: str = ""
    version: str = ""
    resource: Resource | None = None
    namespace: str = ""
    name: str = ""
    subresource: str = ""
    extra: str = ""


def route(path: str) -> Route | None:
    """Return the Route for `path` (no leading slash), or None when nothing is there."""
    parts = [p for p in path.strip("/").split("/") if p]
    if parts == ["version"]:
        return Route("version")
    if parts[:1] == ["openapi"]:
        if parts == ["openapi", "v2"]:
            return Route("openapi-v2")
        if parts[:2] == ["openapi", "v3"]:
            return Route("openapi-v3", extra="/".join(parts[2:]))
        return None
    if parts == ["api"]:
        return Route("api")
    if parts == ["apis"]:
        return Route("apis")
    if parts[:1] == ["api"]:
        group, version, rest = "", parts[1], parts[2:]
    elif parts[:1] == ["apis"] and len(parts) >= 2:
        if len(parts) == 2:
            return Route("group", group=parts[1])
        group, version, rest = parts[1], parts[2], parts[3:]
    else:
        return None
    if not rest:
        return Route("resources", group=group, version=version)
    namespace = ""
    if rest[0] == "namespaces" and len(rest) >= 3 and find(group, version, rest[2]) is not None and find(group, version, rest[2]).namespaced:
        namespace, rest = rest[1], rest[2:]
    resource = find(group, version, rest[0])
    if resource is None or len(rest) > 3:
        return None
    if resource.namespaced and not namespace and len(rest) > 1:
        return None
    if len(rest) == 1:
        return Route("collection", group, version, resource, namespace)
    subresource = rest[2] if len(rest) == 3 else ""
    if subresource and subresource not in resource.subresources:
        return None
    return Route("object", group, version, resource, namespace, rest[1], subresource)
