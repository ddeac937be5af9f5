"""What the kubelet reports: its Node object and the status of each pod it runs."""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone

from orchestrator import quantity
from orchestrator.models import Machine, Sandbox
from orchestrator.store.serialize import format_time

from . import runtime

CONTROL_PLANE_ROLE = "node-role.kubernetes.io/control-plane"


def node_ip(machine: Machine) -> str:
    return f"172.18.0.{machine.index + 2}"


def _conditions(now: str, previous: list | None) -> list[dict]:
    wanted = [
        ("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
        ("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
        ("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
        ("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
    ]
    old = {c.get("type"): c for c in previous or []}
    conditions = []
    for kind, status, reason, message in wanted:
        before = old.get(kind, {})
        moved = before.get("status") != status
        conditions.append({
            "type": kind, "status": status, "lastHeartbeatTime": now,
            "lastTransitionTime": now if moved else before.get("lastTransitionTime", now),
            "reason": reason, "message": message,
        })
    return conditions


def status(machine: Machine, when: datetime, previous: dict | None = None) -> dict:
    now = format_time(when)
    capacity = {
        "cpu": quantity.format_cpu_millis(machine.cpu_m),
        "memory": quantity.format_memory_bytes(machine.memory),
        "pods": str(machine.max_pods),
        "ephemeral-storage": "100Gi",
    }
    boot = hashlib.sha256(f"{machine.name}/{machine.booted_at}".encode()).hexdigest()
    machine_id = hashlib.md5(machine.name.encode()).hexdigest()
    return {
        "capacity": capacity,
        "allocatable": dict(capacity),
        "conditions": _conditions(now, (previous or {}).get("conditions")),
        "addresses": [{"type": "InternalIP", "address": node_ip(machine)}, {"type": "Hostname", "address": machine.name}],
        "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
        "nodeInfo": {
            "machineID": machine_id,
            "systemUUID": f"{machine_id[:8]}-{machine_id[8:12]}-{machine_id[12:16]}-{machine_id[16:20]}-{machine_id[20:32]}",
            "bootID": f"{boot[:8]}-{boot[8:12]}-{boot[12:16]}-{boot[16:20]}-{boot[20:32]}",
            "kernelVersion": "6.8.0-playground",
            "osImage": "Debian GNU/Linux 12 (bookworm)",
            "containerRuntimeVersion": runtime.RUNTIME_VERSIONS.get(machine.runtime, machine.runtime),
            "kubeletVersion": runtime.KUBELET_VERSION,
            "kubeProxyVersion": runtime.KUBELET_VERSION,
            "operatingSystem": "linux",
            "architecture": "amd64",
        },
        "images": [{"names": [runtime.image_id(i), runtime.normalized_image(i)], "sizeBytes": 50_000_000} for i in machine.images],
    }


def node_object(machine: Machine, when: datetime) -> dict:
    labels = {
        "kubernetes.io/hostname": machine.name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "beta.kubernetes.io/arch": "amd64",
    }
    spec = {"podCIDR": f"10.244.{machine.index}.0/24", "podCIDRs": [f"10.244.{machine.index}.0/24"]}
    if machine.role == "control-plane":
        labels[CONTROL_PLANE_ROLE] = ""
        spec["taints"] = [{"key": CONTROL_PLANE_ROLE, "effect": "NoSchedule"}]
    return {
        "metadata": {
            "name": machine.name,
            "labels": labels,
            "annotations": {"node.alpha.kubernetes.io/ttl": "0", "volumes.kubernetes.io/controller-managed-attach-detach": "true"},
        },
        "spec": spec,
        "status": status(machine, when),
    }


def _container_status(container: dict, c: dict, now: float) -> dict:
    stage = c.get("stage", "creating")
    image = container.get("image", "")
    entry = {"name": container["name"], "image": runtime.normalized_image(image), "imageID": "", "ready": False, "restartCount": c.get("restarts", 0), "started": False}
    if stage == "running":
        entry.update(
            state={"running": {"startedAt": format_time(datetime.fromtimestamp(c["started"], tz=timezone.utc))}},
            ready=c.get("ready_at", 0) <= now, started=True, containerID=c["id"], imageID=runtime.image_id(image),
        )
    elif stage == "terminated":
        entry.update(state=c.get("last", {}), containerID=c.get("id", ""), imageID=runtime.image_id(image))
    elif stage in ("backoff", "pull-backoff"):
        entry["state"] = {"waiting": {"reason": c.get("reason", "CrashLoopBackOff"), "message": c.get("message", "")}}
        if c.get("id"):
            entry.update(containerID=c["id"], imageID=runtime.image_id(image))
    else:
        entry["state"] = {"waiting": {"reason": "ContainerCreating"}}
    if c.get("last") and stage != "terminated":
        entry["lastState"] = c["last"]
    else:
        entry["lastState"] = {}
    return entry


def pod_status(pod: dict, sandbox: Sandbox, machine: Machine, now: float) -> dict:
    """Compute a pod's status from what its containers are doing."""
    old = pod.get("status") or {}
    stamp = format_time(datetime.fromtimestamp(now, tz=timezone.utc))
    containers = pod["spec"].get("containers") or []
    states = sandbox.state.get("containers", {})
    statuses = [_container_status(c, states.get(c["name"], {}), now) for c in containers]
    stages = [states.get(c["name"], {}).get("stage", "creating") for c in containers]
    if all(s == "terminated" for s in stages):
        codes = [states[c["name"]].get("last", {}).get("terminated", {}).get("exitCode", 0) for c in containers]
        phase = "Succeeded" if all(code == 0 for code in codes) else "Failed"
    elif any(s in ("running", "backoff") or (s == "terminated") for s in stages) or any(states.get(c["name"], {}).get("id") for c in containers):
        phase = "Running"
    else:
        phase = "Pending"
    ready = all(st["ready"] for st in statuses) and phase == "Running"
    not_ready = [st["name"] for st in statuses if not st["ready"]]
    old_conditions = {c.get("type"): c for c in old.get("conditions") or []}

    def cond(kind: str, ok: bool, reason: str = "", message: str = "") -> dict:
        value = "True" if ok else "False"
        before = old_conditions.get(kind, {})
        entry = {"type": kind, "status": value, "lastProbeTime": None,
                 "lastTransitionTime": before.get("lastTransitionTime", stamp) if before.get("status") == value else stamp}
        if not ok and reason:
            entry.update(reason=reason, message=message)
        return entry

    reason = "PodCompleted" if phase in ("Succeeded", "Failed") else "ContainersNotReady"
    message = "" if reason == "PodCompleted" else f"containers with unready status: [{' '.join(not_ready)}]"
    conditions = [
        cond("PodReadyToStartContainers", phase != "Succeeded" and phase != "Failed"),
        cond("Initialized", True),
        cond("Ready", ready, reason, message),
        cond("ContainersReady", ready, reason, message),
        old_conditions.get("PodScheduled") or cond("PodScheduled", True),
    ]
    started = old.get("startTime") or format_time(datetime.fromtimestamp(sandbox.state.get("started", now), tz=timezone.utc))
    status = {
        "phase": phase,
        "conditions": conditions,
        "hostIP": node_ip(machine),
        "hostIPs": [{"ip": node_ip(machine)}],
        "podIP": sandbox.pod_ip,
        "podIPs": [{"ip": sandbox.pod_ip}],
        "startTime": started,
        "containerStatuses": statuses,
        "qosClass": old.get("qosClass", "BestEffort"),
    }
    return status
