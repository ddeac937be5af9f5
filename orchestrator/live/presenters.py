"""Compact views of objects for the browser (docs/live-protocol.md)."""
from __future__ import annotations

from orchestrator import quantity
from orchestrator.api.tables import pod_status

KINDS_SHOWN = ("Namespace", "Node", "Pod", "Service", "Endpoints", "Deployment", "ReplicaSet", "Event")


def _base(obj: dict) -> dict:
    meta = obj.get("metadata") or {}
    namespace = meta.get("namespace", "")
    return {
        "kind": obj.get("kind"),
        "key": f"{namespace}/{meta.get('name')}" if namespace else meta.get("name"),
        "name": meta.get("name"),
        "namespace": namespace,
        "uid": meta.get("uid"),
        "resourceVersion": meta.get("resourceVersion"),
        "labels": meta.get("labels") or {},
        "created": meta.get("creationTimestamp"),
    }


def _owner(obj: dict) -> dict | None:
    ref = next((r for r in (obj.get("metadata") or {}).get("ownerReferences") or [] if r.get("controller")), None)
    return {"kind": ref.get("kind"), "name": ref.get("name"), "uid": ref.get("uid")} if ref else None


def node(obj: dict) -> dict:
    status = obj.get("status") or {}
    ready = next((c.get("status") for c in status.get("conditions") or [] if c.get("type") == "Ready"), "Unknown")
    allocatable = status.get("allocatable") or {}
    labels = (obj.get("metadata") or {}).get("labels") or {}
    return {
        **_base(obj),
        "ready": ready,
        "unschedulable": bool((obj.get("spec") or {}).get("unschedulable")),
        "taints": [{"key": t.get("key"), "value": t.get("value", ""), "effect": t.get("effect")} for t in (obj.get("spec") or {}).get("taints") or []],
        "roles": sorted(k.split("/", 1)[1] for k in labels if k.startswith("node-role.kubernetes.io/")),
        "runtime": (status.get("nodeInfo") or {}).get("containerRuntimeVersion", ""),
        "allocatable": {
            "cpu_m": quantity.parse_cpu_millis(allocatable.get("cpu", "0")),
            "memory": quantity.parse_memory_bytes(allocatable.get("memory", "0")),
            "pods": int(allocatable.get("pods", 0) or 0),
        },
        "ip": next((a.get("address") for a in status.get("addresses") or [] if a.get("type") == "InternalIP"), ""),
    }


def pod(obj: dict) -> dict:
    status = obj.get("status") or {}
    spec = obj.get("spec") or {}
    statuses = {s.get("name"): s for s in status.get("containerStatuses") or []}
    containers = []
    for container in spec.get("containers") or []:
        s = statuses.get(container.get("name"), {})
        state = s.get("state") or {}
        which = next(iter(state), "waiting")
        containers.append({
            "name": container.get("name"), "image": container.get("image"), "state": which,
            "reason": (state.get(which) or {}).get("reason", ""), "ready": bool(s.get("ready")), "restarts": s.get("restartCount", 0),
        })
    scheduled = next((c for c in status.get("conditions") or [] if c.get("type") == "PodScheduled"), {})
    ready_count = sum(1 for c in containers if c["ready"])
    return {
        **_base(obj),
        "node": spec.get("nodeName", ""),
        "phase": status.get("phase", "Pending"),
        "status": pod_status(obj),
        "ready": any(c.get("type") == "Ready" and c.get("status") == "True" for c in status.get("conditions") or []),
        "readyText": f"{ready_count}/{len(containers)}",
        "restarts": sum(c["restarts"] for c in containers),
        "ip": status.get("podIP", ""),
        "owner": _owner(obj),
        "deleting": bool((obj.get("metadata") or {}).get("deletionTimestamp")),
        "pendingReason": scheduled.get("message", "") if scheduled.get("status") == "False" else "",
        "containers": containers,
        "requests": dict(zip(("cpu_m", "memory"), quantity.pod_requests(spec))),
    }


def service(obj: dict) -> dict:
    spec = obj.get("spec") or {}
    return {
        **_base(obj),
        "type": spec.get("type", "ClusterIP"),
        "clusterIP": spec.get("clusterIP", ""),
        "ports": [f"{p.get('port')}/{p.get('protocol', 'TCP')}" for p in spec.get("ports") or []],
        "selector": spec.get("selector") or {},
    }


def endpoints(obj: dict) -> dict:
    meta = obj.get("metadata") or {}
    pods = []
    for subset in obj.get("subsets") or []:
        for address in subset.get("addresses") or []:
            ref = address.get("targetRef") or {}
            if ref.get("kind") == "Pod":
                pods.append(f"{ref.get('namespace', meta.get('namespace'))}/{ref.get('name')}")
    return {**_base(obj), "endpoints": sorted(set(pods))}


def deployment(obj: dict) -> dict:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    containers = ((spec.get("template") or {}).get("spec") or {}).get("containers") or [{}]
    return {
        **_base(obj),
        "replicas": spec.get("replicas", 1),
        "ready": status.get("readyReplicas", 0),
        "updated": status.get("updatedReplicas", 0),
        "available": status.get("availableReplicas", 0),
        "image": containers[0].get("image", ""),
        "revision": ((obj.get("metadata") or {}).get("annotations") or {}).get("deployment.kubernetes.io/revision", ""),
        "strategy": (spec.get("strategy") or {}).get("type", "RollingUpdate"),
    }


def replicaset(obj: dict) -> dict:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    containers = ((spec.get("template") or {}).get("spec") or {}).get("containers") or [{}]
    return {
        **_base(obj),
        "owner": _owner(obj),
        "replicas": spec.get("replicas", 0),
        "ready": status.get("readyReplicas", 0),
        "revision": ((obj.get("metadata") or {}).get("annotations") or {}).get("deployment.kubernetes.io/revision", ""),
        "image": containers[0].get("image", ""),
    }


def event(obj: dict) -> dict:
    involved = obj.get("involvedObject") or {}
    return {
        **_base(obj),
        "type": obj.get("type", "Normal"),
        "reason": obj.get("reason", ""),
        "message": obj.get("message", ""),
        "object": {k: involved.get(k) for k in ("kind", "name", "namespace", "uid")},
        "count": obj.get("count", 1),
        "last": obj.get("lastTimestamp") or obj.get("eventTime") or (obj.get("metadata") or {}).get("creationTimestamp"),
        "source": (obj.get("source") or {}).get("component", ""),
    }


def namespace(obj: dict) -> dict:
    return {**_base(obj), "phase": (obj.get("status") or {}).get("phase", "Active")}


PRESENTERS = {
    "Node": node, "Pod": pod, "Service": service, "Endpoints": endpoints, "Deployment": deployment,
    "ReplicaSet": replicaset, "Event": event, "Namespace": namespace,
}


def present(obj: dict) -> dict | None:
    presenter = PRESENTERS.get(obj.get("kind"))
    return presenter(obj) if presenter else None
