"""The kubelet: registers its node, renews the node Lease, and runs the pods bound to it.

One `Kubelet` pass serves every powered machine of a cluster: their heartbeats in one batch
(a thousand Lease renewals are one transaction and one UPDATE), their pods in a few more. A machine's containers live in its Sandbox
rows (the container runtime's memory); each holds, per container, the stage it is in
and when it next changes, so a pass only touches pods with something due.
"""
from __future__ import annotations

import json
import random
from datetime import datetime, timezone

from django.db.models import Min

from orchestrator.controlplane.profiles import Profile
from orchestrator.models import Lease, Machine, Node, Pod, Sandbox
from orchestrator.store.kinds import KINDS
from orchestrator.store.serialize import format_micro_time, format_time, parse_time, to_dict
from orchestrator.store.services import Batch

from . import node_status, runtime

LOG_LINES = 200  # per container, as a small node keeps a bounded log


def append_logs(c: dict, entries: list) -> None:
    """Append [timestamp, line] entries to a container's log, keeping its last LOG_LINES.

    `written` counts every line this container instance ever logged, so a follower can
    tell how many are new even after the oldest were dropped."""
    c["written"] = c.get("written", len(c.get("logs", []))) + len(entries)
    c["logs"] = [*c.get("logs", []), *entries][-LOG_LINES:]


def _stamp(seconds: float) -> str:
    return format_time(datetime.fromtimestamp(seconds, tz=timezone.utc))


class Kubelet:
    def __init__(self, *, batch: Batch, now: float, profile: Profile, memory: dict):
        self.batch = batch
        self.cluster = batch.cluster
        self.now = now
        self.profile = profile
        self.memory = memory  # boot ids seen, nodes and Leases as last written
        self.waits: list[float] = []  # simulated seconds until each pod's next change
        self.lease_wait = profile.lease_renew_interval

    # -- node -----------------------------------------------------------------------
    def heartbeat(self, machines: list[Machine]) -> None:
        """Register the nodes of `machines` that need it and renew their Leases when due.

        What the kubelets last wrote stays in memory (`nodes`, `leases`): a running node is
        read again only after someone else wrote it (see `forget_nodes`), and the renewals
        that are due are written together.
        """
        booted = self.memory.setdefault("booted", {})
        known = self.memory.setdefault("nodes", {})  # node name -> uid, while the kubelet knows it Ready
        fresh = [m for m in machines if booted.get(m.name) != m.booted_at]
        unknown = [m.name for m in machines if m.name not in known or m in fresh]
        nodes = {n.name: n for n in Node.objects.filter(cluster=self.cluster, name__in=unknown)} if unknown else {}
        for machine in machines:
            if machine.name in unknown:
                node = self._register(machine, nodes.get(machine.name), machine in fresh)
                known[machine.name] = node["metadata"]["uid"]
            booted[machine.name] = machine.booted_at
        self._renew_leases(machines)

    def forget_nodes(self, names) -> None:
        """Someone wrote these Nodes: read them again on the next pass (and post Ready if needed)."""
        known = self.memory.setdefault("nodes", {})
        for name in names:
            known.pop(name, None)

    def pods(self, machines: list[Machine], *, fresh: list[Machine], resync: bool) -> float | None:
        """One pass over the pods of `machines`; `resync` also reconciles each machine's
        sandboxes with the pods bound to it (periodically, as the kubelet's housekeeping), as
        a fresh boot does. Return simulated seconds until a pod has something due."""
        self._resync_machines(fresh)
        self._pods(machines)
        if resync:
            self._resync_machines(machines)
        later = Sandbox.objects.filter(cluster=self.cluster, machine__in=machines, next_at__gt=self.now).aggregate(at=Min("next_at"))["at"]
        if later is not None:
            self.waits.append(later - self.now)  # the sandboxes not due in this pass
        return max(min(self.waits), 0.0) if self.waits else None

    def _register(self, machine: Machine, node: Node | None, fresh_boot: bool) -> dict:
        if node is None:
            obj = self.batch.create("Node", node_status.node_object(machine, self.batch.now))
            self.batch.event(obj, "Starting", "Starting kubelet.", component="kubelet", host=machine.name)
            self.batch.event(obj, "NodeReady", f"Node {machine.name} status is now: NodeReady", component="kubelet", host=machine.name)
            return obj
        obj = to_dict(KINDS["Node"], node)
        if fresh_boot:
            self.batch.event(obj, "Starting", "Starting kubelet.", component="kubelet", host=machine.name)
        if node.ready != "True" or fresh_boot:
            obj["status"] = node_status.status(machine, self.batch.now, previous=obj.get("status"))
            obj = self.batch.update_status("Node", obj)
            if node.ready != "True":
                self.batch.event(obj, "NodeReady", f"Node {machine.name} status is now: NodeReady", component="kubelet", host=machine.name)
        return obj

    def _renew_leases(self, machines: list[Machine]) -> float:
        """Renew the node Leases that are due, all in one write; return seconds until the next is due."""
        leases = self.memory.setdefault("leases", {})  # node name -> (Lease as last written, renewed at)
        interval = self.profile.lease_renew_interval
        due = [m for m in machines if m.name not in leases or self.now - leases[m.name][1] >= interval]
        stamp = format_micro_time(self.batch.now)
        if due:
            for obj in self.batch.renew_node_leases([leases[m.name][0] for m in due if m.name in leases], stamp):
                leases[obj["metadata"]["name"]] = (obj, self.now)
            self._write_leases([m for m in due if m.name not in leases or leases[m.name][1] != self.now])
        waits = [leases[m.name][1] + interval - self.now for m in machines if m.name in leases]
        self.lease_wait = max(min(waits, default=interval), 0.0)
        return self.lease_wait

    def _write_leases(self, machines: list[Machine]) -> None:
        """Create or renew the Leases not renewed from memory (first pass, or changed by someone else)."""
        if not machines:
            return
        leases = self.memory["leases"]
        names = [m.name for m in machines]
        rows = {lease.name: lease for lease in Lease.objects.filter(cluster=self.cluster, namespace="kube-node-lease", name__in=names)}
        stamp = format_micro_time(self.batch.now)
        for machine in machines:
            lease = rows.get(machine.name)
            if lease is None:
                obj = self.batch.create("Lease", {
                    "metadata": {
                        "name": machine.name, "namespace": "kube-node-lease",
                        "ownerReferences": [{"apiVersion": "v1", "kind": "Node", "name": machine.name, "uid": self.memory["nodes"][machine.name]}],
                    },
                    "spec": {"holderIdentity": machine.name, "leaseDurationSeconds": int(self.profile.lease_duration), "renewTime": stamp},
                })
                leases[machine.name] = (obj, self.now)
                continue
            obj = to_dict(KINDS["Lease"], lease)
            renewed = parse_time(lease.spec.get("renewTime"))
            if renewed is not None and self.now - renewed.timestamp() < self.profile.lease_renew_interval:
                leases[machine.name] = (obj, renewed.timestamp())  # renewed lately (before a restart of this process)
                continue
            obj["spec"].update(holderIdentity=machine.name, renewTime=stamp, leaseDurationSeconds=int(self.profile.lease_duration))
            leases[machine.name] = (self.batch.update("Lease", obj), self.now)

    # -- pods -------------------------------------------------------------------------
    def _pods(self, machines: list[Machine]) -> None:
        by_name = {m.name: m for m in machines}
        by_id = {m.pk: m for m in machines}
        names = list(by_name)
        sandboxes = {s.pod_uid: s for s in Sandbox.objects.filter(cluster=self.cluster, machine__in=machines, next_at__lte=self.now)}
        # Pending pods by uid and node first (no row decoded): most of them wait on their sandbox.
        placed = {str(uid): node for uid, node in Pod.objects.filter(
            cluster=self.cluster, node_name__in=names, phase="Pending", deletion_timestamp__isnull=True).values_list("uid", "node_name")}
        deleting = {str(p.uid): p for p in Pod.objects.filter(cluster=self.cluster, node_name__in=names, deletion_timestamp__isnull=False)}
        placed.update((uid, p.node_name) for uid, p in deleting.items())
        missing = [uid for uid in placed if uid not in sandboxes]
        sandboxes.update({s.pod_uid: s for s in Sandbox.objects.filter(cluster=self.cluster, pod_uid__in=missing)})

        def on_its_machine(uid: str, sandbox: Sandbox) -> bool:
            machine = by_id.get(sandbox.machine_id)
            return machine is not None and machine.name == placed.get(uid)

        waiting = {uid for uid, s in sandboxes.items()
                   if uid not in deleting and s.next_at is not None and s.next_at > self.now and on_its_machine(uid, s)}
        wanted = [uid for uid in placed if uid not in waiting and uid not in deleting] + [uid for uid in sandboxes if uid not in placed]
        pods = {str(p.uid): p for p in Pod.objects.filter(cluster=self.cluster, uid__in=wanted)}
        pods.update(deleting)
        for uid, sandbox in list(sandboxes.items()):
            machine = by_id.get(sandbox.machine_id)
            node = pods[uid].node_name if uid in pods else placed.get(uid)
            if node is None or machine is None or node != machine.name:
                sandbox.delete()  # the pod is gone or moved: kill its containers
                sandboxes.pop(uid)
        for uid in waiting:
            self.waits.append(sandboxes[uid].next_at - self.now)  # nothing due yet; its status is current
        for uid, pod in pods.items():
            machine = by_name.get(pod.node_name)
            sandbox = sandboxes.get(uid)
            if machine is not None:
                self._sync_pod(machine, pod, sandbox)

    def _resync_machines(self, machines: list[Machine]) -> None:
        """Start sandboxes for live pods that have none (after a boot) and drop orphans."""
        if not machines:
            return
        live: dict[str, dict[str, Pod]] = {m.name: {} for m in machines}
        for pod in Pod.objects.filter(cluster=self.cluster, node_name__in=list(live)).exclude(phase__in=("Succeeded", "Failed")):
            live[pod.node_name][str(pod.uid)] = pod
        have: dict[int, set] = {m.pk: set() for m in machines}
        names = {m.pk: m.name for m in machines}
        for sandbox in Sandbox.objects.filter(machine__in=machines).only("id", "machine_id", "pod_uid"):
            if sandbox.pod_uid not in live[names[sandbox.machine_id]]:
                sandbox.delete()
            else:
                have[sandbox.machine_id].add(sandbox.pod_uid)
        for machine in machines:
            for uid, pod in live[machine.name].items():
                if uid not in have[machine.pk]:
                    self._sync_pod(machine, pod, None)

    def _sync_pod(self, machine: Machine, pod: Pod, sandbox: Sandbox | None) -> None:
        obj = to_dict(KINDS["Pod"], pod)
        if pod.deletion_timestamp is not None:
            self._terminate(machine, pod, obj, sandbox)
            return
        if pod.phase in ("Succeeded", "Failed"):
            return
        if sandbox is None:
            sandbox = self._create_sandbox(machine, pod, obj)
        before = (json.dumps(sandbox.state, sort_keys=True), sandbox.next_at)
        state = sandbox.state
        for container in obj["spec"].get("containers") or []:
            self._advance(machine, obj, state, container)
        self._save(sandbox, obj, machine, before, row=pod)

    def _create_sandbox(self, machine: Machine, pod: Pod, obj: dict) -> Sandbox:
        used = set(Sandbox.objects.filter(machine=machine).values_list("pod_ip", flat=True))
        host = next((h for h in range(2, 255) if f"10.244.{machine.index}.{h}" not in used), 254)
        pull_until = self.now
        cached = set(machine.images)
        containers = {}
        previous = {c.get("name"): c.get("restartCount", 0) for c in pod.status.get("containerStatuses") or []}
        for container in obj["spec"].get("containers") or []:
            image = container.get("image", "")
            needs_pull = container.get("imagePullPolicy") == "Always" or image not in cached
            if needs_pull:
                self._event(obj, machine, container, "Pulling", f'Pulling image "{image}"')
                pull_until += random.uniform(self.profile.image_pull_min, self.profile.image_pull_max)
            containers[container["name"]] = {
                "stage": "creating", "at": pull_until + self.profile.container_start, "pulled": needs_pull,
                "pull_seconds": round(pull_until - self.now, 3), "restarts": previous.get(container["name"], 0),
                "logs": [], "previous_logs": [],
            }
        sandbox = Sandbox.objects.create(
            cluster=self.cluster, machine=machine, pod_uid=str(pod.uid), namespace=pod.namespace, name=pod.name,
            pod_ip=f"10.244.{machine.index}.{host}", state={"containers": containers, "started": self.now},
        )
        return sandbox

    def _advance(self, machine: Machine, pod: dict, state: dict, container: dict) -> None:
        c = state["containers"].setdefault(container["name"], {"stage": "creating", "at": self.now, "restarts": 0, "logs": [], "previous_logs": []})
        if c.get("at") is None or c["at"] > self.now:
            return
        image = container.get("image", "")
        if c["stage"] in ("creating", "pull-backoff"):
            if runtime.pull_fails(image):
                c["failures"] = c.get("failures", 0) + 1
                self._event(pod, machine, container, "Failed", f'Failed to pull image "{image}": rpc error: code = NotFound desc = failed to pull and unpack image "{runtime.normalized_image(image)}": not found', "Warning")
                self._event(pod, machine, container, "BackOff", f'Back-off pulling image "{image}"')
                c.update(stage="pull-backoff", reason="ImagePullBackOff" if c["failures"] > 1 else "ErrImagePull",
                         message=f'Back-off pulling image "{image}"', at=self.now + self._backoff(c["failures"]))
                return
            if c.get("pulled"):
                self._event(pod, machine, container, "Pulled", f'Successfully pulled image "{image}" in {c.get("pull_seconds", 0)}s')
                if image not in machine.images:
                    machine.images = [*machine.images, image]
                    machine.save(update_fields=["images"])
            else:
                self._event(pod, machine, container, "Pulled", f'Container image "{image}" already present on machine')
            self._start(machine, pod, c, container)
        elif c["stage"] == "running":
            action, code = runtime.behaviour(container)
            c["last"] = {"terminated": {
                "exitCode": code, "reason": "Completed" if code == 0 else "Error",
                "startedAt": _stamp(c["started"]), "finishedAt": _stamp(self.now), "containerID": c["id"],
            }}
            self._log(c, "exited with code %d" % code if code else "completed")
            policy = pod["spec"].get("restartPolicy", "Always")
            if policy == "Always" or (policy == "OnFailure" and code != 0):
                c["restarts"] += 1
                c.update(stage="backoff", at=self.now + self._backoff(c["restarts"]), reason="CrashLoopBackOff",
                         message=f"back-off {int(self._backoff(c['restarts']))}s restarting failed container={container['name']} pod={pod['metadata']['name']}_{pod['metadata']['namespace']}({pod['metadata']['uid']})")
                self._event(pod, machine, container, "BackOff", f"Back-off restarting failed container {container['name']} in pod {pod['metadata']['name']}_{pod['metadata']['namespace']}({pod['metadata']['uid']})", "Warning")
            else:
                c.update(stage="terminated", at=None)
        elif c["stage"] == "backoff":
            self._event(pod, machine, container, "Pulled", f'Container image "{image}" already present on machine')
            self._start(machine, pod, c, container)

    def _start(self, machine: Machine, pod: dict, c: dict, container: dict) -> None:
        c["id"] = runtime.container_id(machine.runtime, pod["metadata"]["uid"], container["name"], c["restarts"])
        self._event(pod, machine, container, "Created", f"Created container {container['name']}")
        self._event(pod, machine, container, "Started", f"Started container {container['name']}")
        if c.get("logs"):
            c["previous_logs"] = c["logs"]
        c["logs"] = []
        c["written"] = 0
        for line in runtime.startup_lines(container):
            self._log(c, line)
        action, _ = runtime.behaviour(container)
        probe = container.get("readinessProbe") or {}
        c.update(stage="running", started=self.now, reason="", message="",
                 ready_at=self.now + float(probe.get("initialDelaySeconds", 0)),
                 at=self.now + self.profile.crash_after if action != "run" else None)

    def _backoff(self, count: int) -> float:
        return min(self.profile.backoff_base * 2 ** max(count - 1, 0), self.profile.backoff_max)

    def _log(self, c: dict, line: str) -> None:
        append_logs(c, [[format_micro_time(self.batch.now), line]])

    def _event(self, pod: dict, machine: Machine, container: dict, reason: str, message: str, type: str = "Normal") -> None:
        self.batch.event(pod, reason, message, type=type, component="kubelet", host=machine.name, field_path=f"spec.containers{{{container['name']}}}")

    def _save(self, sandbox: Sandbox, pod: dict, machine: Machine, before: tuple, *, row: Pod | None = None) -> None:
        times = [c["at"] for c in sandbox.state["containers"].values() if c.get("at") is not None]
        running = [c for c in sandbox.state["containers"].values() if c["stage"] == "running" and c.get("ready_at", 0) > self.now]
        times += [c["ready_at"] for c in running]
        sandbox.next_at = min(times) if times else None
        if sandbox.next_at is not None:
            self.waits.append(sandbox.next_at - self.now)
        if (json.dumps(sandbox.state, sort_keys=True), sandbox.next_at) != before:
            sandbox.save(update_fields=["state", "next_at"])
        status = node_status.pod_status(pod, sandbox, machine, self.now)
        if status != pod.get("status"):
            pod["status"] = status
            self.batch.update_status("Pod", pod, row=row)  # the row read in this batch: no second read

    def _terminate(self, machine: Machine, pod: Pod, obj: dict, sandbox: Sandbox | None) -> None:
        """Stop a deleted pod's containers, then remove the pod for good."""
        if sandbox is None or pod.phase in ("Succeeded", "Failed"):
            if sandbox is not None:
                sandbox.delete()
            self.batch.delete("Pod", pod.namespace, pod.name, grace_period_seconds=0)
            return
        state = sandbox.state
        if "stopping_until" not in state:
            grace = pod.deletion_grace_period_seconds or 0
            for container in obj["spec"].get("containers") or []:
                if state["containers"].get(container["name"], {}).get("stage") == "running":
                    self._event(obj, machine, container, "Killing", f"Stopping container {container['name']}")
            state["stopping_until"] = self.now + min(self.profile.container_stop, grace)
            sandbox.next_at = state["stopping_until"]
            sandbox.save()
            self.waits.append(sandbox.next_at - self.now)
            return
        if state["stopping_until"] <= self.now:
            sandbox.delete()
            self.batch.delete("Pod", pod.namespace, pod.name, grace_period_seconds=0)
        else:
            self.waits.append(state["stopping_until"] - self.now)
