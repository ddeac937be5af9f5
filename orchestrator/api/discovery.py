"""Discovery documents: legacy (/api, /apis, /api/v1, /apis/G/V) and aggregated (apidiscovery v2, v2beta1).

kubectl asks for the aggregated form first; the response's Content-Type must echo the
version served or kubectl silently finds no resources.
"""
from __future__ import annotations

import hashlib

from orchestrator.kubelet.runtime import KUBELET_VERSION

from .resources import EXTRA_GROUPS, GROUPS, Resource, resources_in

SERVER_ADDRESS = "0.0.0.0:6443"


def version_info() -> dict:
    major, minor, _ = KUBELET_VERSION.lstrip("v").split(".")
    return {
        "major": major, "minor": minor, "gitVersion": KUBELET_VERSION, "gitCommit": "playground",
        "gitTreeState": "clean", "buildDate": "2026-01-01T00:00:00Z", "goVersion": "go1.22.0",
        "compiler": "gc", "platform": "linux/amd64",
    }


def _hash(r: Resource) -> str:
    return hashlib.sha256(f"{r.group_version}/{r.plural}".encode()).digest()[:8].hex()


def api_versions() -> dict:
    return {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": SERVER_ADDRESS}]}


def _all_groups() -> dict[str, list[str]]:
    groups = {g: v for g, v in GROUPS.items() if g}
    for g, versions in EXTRA_GROUPS.items():
        groups.setdefault(g, versions)
    return groups


def api_group_list() -> dict:
    groups = []
    for name, versions in _all_groups().items():
        entries = [{"groupVersion": f"{name}/{v}", "version": v} for v in versions]
        groups.append({"name": name, "versions": entries, "preferredVersion": entries[0]})
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}


def api_group(group: str) -> dict | None:
    versions = _all_groups().get(group)
    if not versions:
        return None
    entries = [{"groupVersion": f"{group}/{v}", "version": v} for v in versions]
    return {"kind": "APIGroup", "apiVersion": "v1", "name": group, "versions": entries, "preferredVersion": entries[0]}


def resource_list(group: str, version: str) -> dict | None:
    gv = f"{group}/{version}" if group else version
    if group and version not in _all_groups().get(group, []):
        return None
    if not group and version != "v1":
        return None
    items = []
    for r in resources_in(group, version):
        entry = {"name": r.plural, "singularName": r.singular, "namespaced": r.namespaced, "kind": r.kind, "verbs": list(r.verbs)}
        if r.short_names:
            entry["shortNames"] = list(r.short_names)
        if r.categories:
            entry["categories"] = list(r.categories)
        if r.plural != "bindings":
            entry["storageVersionHash"] = _hash(r)
        items.append(entry)
        for sub, (sgroup, sversion, skind, verbs) in r.subresources.items():
            sub_entry = {"name": f"{r.plural}/{sub}", "singularName": "", "namespaced": r.namespaced, "kind": skind, "verbs": list(verbs)}
            if sgroup != group or sversion != version:
                sub_entry.update(group=sgroup, version=sversion)
            items.append(sub_entry)
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": items}


def _discovery_resource(r: Resource) -> dict:
    entry = {
        "resource": r.plural,
        "responseKind": {"group": r.group, "version": r.version, "kind": r.kind},
        "scope": "Namespaced" if r.namespaced else "Cluster",
        "singularResource": r.singular,
        "verbs": list(r.verbs),
    }
    if r.short_names:
        entry["shortNames"] = list(r.short_names)
    if r.categories:
        entry["categories"] = list(r.categories)
    subs = [
        {"subresource": sub, "responseKind": {"group": g, "version": v, "kind": k}, "verbs": list(verbs)}
        for sub, (g, v, k, verbs) in r.subresources.items()
    ]
    if subs:
        entry["subresources"] = subs
    return entry


def aggregated(legacy: bool, discovery_version: str) -> dict:
    """Return the APIGroupDiscoveryList for /api (legacy) or /apis."""
    if legacy:
        groups = [("", ["v1"])]
    else:
        groups = list(_all_groups().items())
    items = []
    for name, versions in groups:
        version_entries = []
        for version in versions:
            version_entries.append({
                "version": version,
                "resources": [_discovery_resource(r) for r in resources_in(name, version)],
                "freshness": "Current",
            })
        items.append({"metadata": {"name": name, "creationTimestamp": None}, "versions": version_entries})
    return {"kind": "APIGroupDiscoveryList", "apiVersion": f"apidiscovery.k8s.io/{discovery_version}", "metadata": {}, "items": items}
