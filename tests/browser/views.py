"""Views as the live feed sends them (docs/live-protocol.md), for feeding harness pages."""
from __future__ import annotations

import itertools
import uuid

GI = 1024**3
MI = 1024**2
_rv = itertools.count(100)


def _meta(kind: str, name: str, namespace: str = "", labels: dict | None = None, uid: str | None = None) -> dict:
    return {
        "kind": kind, "key": f"{namespace}/{name}" if namespace else name, "name": name, "namespace": namespace,
        "uid": uid or str(uuid.uuid4()), "resourceVersion": str(next(_rv)), "labels": labels or {},
        "created": "2026-11-26T10:00:00+00:00",
    }


def machine(name: str, role: str = "worker", runtime: str = "containerd", powered: bool = True,
            cpu: str = "2", memory: str = "4Gi", pods: int = 110) -> dict:
    return {"name": name, "role": role, "runtime": runtime, "powered": powered, "cpu": cpu, "memory": memory, "pods": pods}


def node(name: str, ready: str = "True", unschedulable: bool = False, taints: list | None = None,
         cpu_m: int = 2000, memory: int = 4 * GI, pods: int = 110, requested: tuple = (0, 0, 0),
         runtime: str = "containerd://1.7.13", roles: list | None = None, index: int = 1) -> dict:
    view = _meta("Node", name, labels={"kubernetes.io/hostname": name})
    view.update(ready=ready, unschedulable=unschedulable, taints=taints or [], roles=roles or [], runtime=runtime,
                allocatable={"cpu_m": cpu_m, "memory": memory, "pods": pods},
                requested={"cpu_m": requested[0], "memory": requested[1], "pods": requested[2]},
                ip=f"192.168.49.{index + 1}")
    return view


def pod(name: str, namespace: str = "default", node: str = "", phase: str = "Running", status: str = "Running",
        ready: bool = True, owner: dict | None = None, deleting: bool = False, pending_reason: str = "",
        restarts: int = 0, image: str = "nginx:1.25", labels: dict | None = None, uid: str | None = None) -> dict:
    view = _meta("Pod", name, namespace, labels=labels, uid=uid)
    state = "running" if phase == "Running" else "terminated" if phase in ("Succeeded", "Failed") else "waiting"
    view.update(node=node, phase=phase, status=status, ready=ready, readyText="1/1" if ready else "0/1",
                restarts=restarts, ip="10.244.1.5" if node else "", owner=owner, deleting=deleting,
                pendingReason=pending_reason,
                containers=[{"name": "web", "image": image, "state": state,
                             "reason": "" if state == "running" else status, "ready": ready, "restarts": restarts}])
    return view


def deployment(name: str, namespace: str = "default", replicas: int = 3, ready: int | None = None,
               image: str = "nginx:1.25", uid: str | None = None) -> dict:
    view = _meta("Deployment", name, namespace, labels={"app": name}, uid=uid)
    ready = replicas if ready is None else ready
    view.update(replicas=replicas, ready=ready, updated=replicas, available=ready, image=image, revision=1,
                strategy="RollingUpdate")
    return view


def replicaset(name: str, owner: dict, namespace: str = "default", replicas: int = 3, ready: int | None = None,
               image: str = "nginx:1.25", revision: int = 1, uid: str | None = None) -> dict:
    view = _meta("ReplicaSet", name, namespace, uid=uid)
    view.update(owner={"kind": "Deployment", "name": owner["name"], "uid": owner["uid"]}, replicas=replicas,
                ready=replicas if ready is None else ready, revision=revision, image=image)
    return view


def service(name: str, namespace: str = "default", selector: dict | None = None, endpoints: list | None = None) -> dict:
    view = _meta("Service", name, namespace)
    view.update(type="ClusterIP", clusterIP="10.96.0.20", ports=["80/TCP"], selector=selector or {"app": name},
                endpoints=endpoints or [])
    return view


def event(reason: str, message: str, obj: dict, type_: str = "Normal", last: str = "2026-11-26T10:00:05+00:00",
          count: int = 1, source: str = "kubelet") -> dict:
    name = f"{obj['name']}.{uuid.uuid4().hex[:10]}"
    view = _meta("Event", name, obj.get("namespace", "") or "default")
    view.update(type=type_, reason=reason, message=message, count=count, last=last, source=source,
                object={"kind": obj["kind"], "name": obj["name"], "namespace": obj.get("namespace", ""), "uid": obj["uid"]})
    return view


def namespace(name: str) -> dict:
    view = _meta("Namespace", name)
    view["phase"] = "Active"
    return view


def cluster(name: str = "demo", components: dict | None = None, speed: float = 1.0, paused: bool = False) -> dict:
    running = {c: True for c in ("etcd", "kube-apiserver", "kube-scheduler", "kube-controller-manager")}
    running.update(components or {})
    return {"name": name, "profile": "classroom", "components": running,
            "clock": {"now": "2026-11-26T10:00:00+00:00", "speed": speed, "paused": paused}}


def snapshot(revision: int, machines: list, objects: list, **cluster_kw) -> dict:
    return {"type": "snapshot", "revision": revision, "cluster": cluster(**cluster_kw), "machines": machines, "objects": objects}


def delta(start: int, end: int, upserts: list = (), deletes: list = (), **extra) -> dict:
    changes = [{"op": "upsert", "object": v} for v in upserts]
    changes += [{"op": "delete", "kind": v["kind"], "key": v["key"]} for v in deletes]
    frame = {"type": "delta", "from": start, "to": end, "changes": changes}
    frame.update(extra)
    return frame


def rs_pod(rs: dict, suffix: str, node: str, **kw) -> dict:
    return pod(f"{rs['name']}-{suffix}", rs["namespace"], node=node,
               owner={"kind": "ReplicaSet", "name": rs["name"], "uid": rs["uid"]}, labels={"app": rs["name"].rsplit("-", 1)[0]}, **kw)


def demo_cluster() -> dict:
    """The picture a class sees after a few minutes: a deployment behind a service, a
    crash-looping pod, pods pending on a cordoned, tainted cluster, one worker powered off."""
    machines = [machine("control-plane", role="control-plane"), machine("worker-1", runtime="docker"),
                machine("worker-2"), machine("worker-3", runtime="cri-o", powered=False)]
    nodes = [
        node("control-plane", roles=["control-plane"], taints=[{"key": "node-role.kubernetes.io/control-plane", "value": "", "effect": "NoSchedule"}], index=0),
        node("worker-1", runtime="docker://24.0.7", requested=(1300, 1536 * MI, 4), index=1),
        node("worker-2", requested=(700, 640 * MI, 3), unschedulable=True,
             taints=[{"key": "node.kubernetes.io/unschedulable", "value": "", "effect": "NoSchedule"}], index=2),
        node("worker-3", ready="Unknown", runtime="cri-o://1.29.1", requested=(400, 256 * MI, 2), index=3,
             taints=[{"key": "node.kubernetes.io/unreachable", "value": "", "effect": "NoExecute"}]),
    ]
    web = deployment("web", replicas=5, ready=3)
    web_rs = replicaset("web-7d9f8c6b5", web, replicas=5, ready=3)
    api = deployment("api", replicas=2, ready=1, image="playground/crash:1")
    api_rs = replicaset("api-5c4bd6f7", api, replicas=2, ready=1, image="playground/crash:1")
    pods = [
        rs_pod(web_rs, "x7k2p", "worker-1"),
        rs_pod(web_rs, "m2n8q", "worker-1"),
        rs_pod(web_rs, "c9d4r", "worker-2"),
        rs_pod(web_rs, "q1w2e", "worker-3", deleting=True, status="Terminating"),
        rs_pod(web_rs, "z8v7b", "", phase="Pending", status="Pending", ready=False,
               pending_reason="0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 1 node(s) were unschedulable, 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, 1 Insufficient cpu."),
        rs_pod(web_rs, "h5j6k", "worker-1", phase="Pending", status="ContainerCreating", ready=False),
        rs_pod(api_rs, "a1b2c", "worker-2", status="CrashLoopBackOff", ready=False, restarts=4, image="playground/crash:1"),
        rs_pod(api_rs, "d3e4f", "worker-1", status="Running", ready=False, image="playground/crash:1"),
        pod("batch-once", node="worker-2", phase="Succeeded", status="Completed", ready=False, image="busybox"),
        pod("broken-image", node="worker-1", phase="Pending", status="ImagePullBackOff", ready=False, image="doesnotexist:1"),
        pod("job-fail", namespace="team-a", node="worker-2", phase="Failed", status="Error", ready=False),
        pod("other", namespace="team-a", node="worker-1"),
    ]
    svc = service("web", endpoints=[pods[0]["key"], pods[1]["key"], pods[2]["key"]])
    events = [
        event("Scheduled", "Successfully assigned default/web-7d9f8c6b5-x7k2p to worker-1", pods[0], source="default-scheduler", last="2026-11-26T10:00:01+00:00"),
        event("FailedScheduling", pods[4]["pendingReason"], pods[4], type_="Warning", source="default-scheduler", last="2026-11-26T10:00:07+00:00", count=3),
        event("BackOff", "Back-off restarting failed container web in pod api-5c4bd6f7-a1b2c", pods[6], type_="Warning", last="2026-11-26T10:00:06+00:00", count=4),
        event("NodeNotReady", "Node worker-3 status is now: NodeNotReady", nodes[3], type_="Normal", source="node-controller", last="2026-11-26T10:00:04+00:00"),
    ]
    objects = [namespace("default"), namespace("team-a"), *nodes, web, web_rs, api, api_rs, *pods, svc, *events]
    return {"machines": machines, "objects": objects, "pods": pods, "nodes": nodes, "web": web, "web_rs": web_rs, "service": svc}


def big_cluster(nodes: int = 100, pods_per_node: int = 30, deployments: int = 30) -> dict:
    """A cluster of `nodes` workers with `pods_per_node` running pods each, spread over deployments."""
    machines = [machine("control-plane", role="control-plane")]
    objects = [namespace("default"), node("control-plane", roles=["control-plane"], index=0)]
    sets = []
    for d in range(deployments):
        dep = deployment(f"app{d:02d}", replicas=nodes * pods_per_node // deployments)
        rs = replicaset(f"app{d:02d}-6f7c9d", dep, replicas=dep["replicas"])
        sets.append(rs)
        objects += [dep, rs]
    pods = []
    for n in range(nodes):
        name = f"worker-{n + 1}"
        machines.append(machine(name, cpu="16", memory="64Gi", pods=pods_per_node + 10))
        objects.append(node(name, cpu_m=16000, memory=64 * GI, pods=pods_per_node + 10,
                            requested=(100 * pods_per_node, 64 * MI * pods_per_node, pods_per_node), index=n + 1))
        for p in range(pods_per_node):
            rs = sets[(n * pods_per_node + p) % deployments]
            pods.append(rs_pod(rs, f"{n:03d}{p:02d}", name))
    objects += pods
    return {"machines": machines, "objects": objects, "pods": pods, "sets": sets}
