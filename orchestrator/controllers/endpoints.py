"""The endpoints controller: each Service's Endpoints list the pods behind its selector."""
from __future__ import annotations

from orchestrator.models import Pod, Revision, Service
from orchestrator.store.kinds import KINDS
from orchestrator.store.serialize import to_dict
from orchestrator.store.validation import selector_matches

from .base import Context, Controller, split_key
from .podutil import is_ready


def _target_port(port: dict, pod: Pod):
    target = port.get("targetPort", port.get("port"))
    if isinstance(target, int):
        return target
    for container in pod.spec.get("containers") or []:
        for cport in container.get("ports") or []:
            if cport.get("name") == target:
                return cport.get("containerPort")
    return None


def desired_subsets(service: Service, pods: list[Pod]) -> list[dict]:
    """Group the pods' addresses by the ports they resolve to, as Kubernetes' Endpoints do."""
    groups: dict[tuple, dict] = {}
    for pod in sorted(pods, key=lambda p: p.status.get("podIP", "")):
        ip = pod.status.get("podIP")
        if not ip or pod.deletion_timestamp is not None or pod.phase in ("Succeeded", "Failed"):
            continue
        ports = []
        for port in service.spec.get("ports") or []:
            number = _target_port(port, pod)
            if number is None:
                continue
            entry = {"port": number, "protocol": port.get("protocol", "TCP")}
            if port.get("name"):
                entry["name"] = port["name"]
            ports.append(entry)
        if not ports:
            continue
        key = tuple(sorted((p.get("name", ""), p["port"], p["protocol"]) for p in ports))
        group = groups.setdefault(key, {"addresses": [], "notReadyAddresses": [], "ports": ports})
        address = {
            "ip": ip,
            "nodeName": pod.node_name,
            "targetRef": {"kind": "Pod", "namespace": pod.namespace, "name": pod.name, "uid": str(pod.uid)},
        }
        ready = is_ready(pod.status) or service.spec.get("publishNotReadyAddresses")
        group["addresses" if ready else "notReadyAddresses"].append(address)
    subsets = []
    for group in groups.values():
        subset = {k: v for k, v in group.items() if v}
        if subset.get("addresses") or subset.get("notReadyAddresses"):
            subsets.append(subset)
    return subsets


class EndpointsController(Controller):
    name = "endpoints"
    component = "endpoint-controller"
    watches = ("Service", "Pod")

    def keys_for(self, ctx: Context, entry: Revision) -> list[str]:
        selectors = ctx.memory.setdefault("selectors", {})  # namespace -> {service: selector}, read once, then kept from the log
        if entry.kind == "Service":
            selectors.pop(entry.namespace, None)
            return [f"{entry.namespace}/{entry.name}"]
        if entry.namespace not in selectors:
            selectors[entry.namespace] = dict(Service.objects.filter(cluster=ctx.cluster, namespace=entry.namespace).values_list("name", "spec__selector"))
        labels = (entry.object.get("metadata") or {}).get("labels") or {}
        return [
            f"{entry.namespace}/{name}" for name, selector in selectors[entry.namespace].items()
            if selector and selector_matches({"matchLabels": selector}, labels)
        ]

    def sync(self, ctx: Context, key: str) -> float | None:
        namespace, name = split_key(key)
        service = ctx.batch.row("Service", namespace, name)
        current = ctx.batch.row("Endpoints", namespace, name)
        if service is None or service.deletion_timestamp is not None:
            if current is not None:
                ctx.batch.delete("Endpoints", namespace, name)
            return None
        selector = service.spec.get("selector")
        if not selector:
            return None  # a Service without a selector has hand-made Endpoints
        pods = [
            p for p in Pod.objects.filter(cluster=ctx.cluster, namespace=namespace).exclude(node_name="")
            if selector_matches({"matchLabels": selector}, p.labels)
        ]
        subsets = desired_subsets(service, pods)
        labels = dict(service.labels)
        if current is None:
            ctx.batch.create("Endpoints", {"metadata": {"name": name, "namespace": namespace, "labels": labels}, **({"subsets": subsets} if subsets else {})})
            return None
        obj = to_dict(KINDS["Endpoints"], current)
        if obj.get("subsets", []) != subsets or (obj["metadata"].get("labels") or {}) != labels:
            obj["subsets"] = subsets
            obj["metadata"]["labels"] = labels
            if not subsets:
                obj.pop("subsets")
            ctx.batch.update("Endpoints", obj)
        return None
