"""The traffic generator: simulated clients sending a steady stream of requests to a Service.

Clients sit on the powered worker nodes (the rate is shared out evenly among them): a node
that is off runs no clients, so every request counted was really sent, and the failures the
chart shows are those of the cluster's routing, not of dead clients. Each request goes through
its node's kube-proxy table (the `KubeProxy` of the node agents, as stale as that table is) to
one of the Service's endpoints, picked at random as iptables mode does, and then across the pod
network to the node whose podCIDR holds the endpoint's IP. It succeeds only if the pod there
really serves: a Sandbox at that IP, on a powered machine, whose serving container runs and is
ready. Otherwise it fails:
- "timeout": the endpoint's node is powered off; nothing answers the connection;
- "refused": the node is up but nothing serves at that IP (container not running or not ready
  yet, being stopped, or gone);
- "no endpoints": the node's table has no endpoint for the Service (kube-proxy rejects it);
- "unresolved": the Service no longer exists (its name does not resolve).

One tick per simulated second (fewer at a fast clock): each second's requests are routed in
memory and counted in one `TrafficSample` row; served requests go into the pods' logs
(access_log.py). When the clock jumps, the seconds in between are sampled at once (against the
present state), at most HISTORY_SECONDS of them; older samples are pruned. The stream follows
the data plane, not the control plane: while etcd or kube-apiserver is stopped the clients keep
sending through the rules each node's kube-proxy had, and the containers keep serving.
"""
from __future__ import annotations

import ipaddress
import math
import random
from collections import Counter, defaultdict

from orchestrator.controlplane import clock
from orchestrator.controlplane.runner import MAX_WAIT, Component
from orchestrator.kubelet.node_status import node_ip
from orchestrator.models import Cluster, Machine, Node, Pod, Sandbox, Service, TrafficSample
from orchestrator.proxy.kube_proxy import KubeProxy

from . import access_log

HISTORY_SECONDS = 600  # samples kept per cluster: the last ten simulated minutes


class TrafficGenerator(Component):
    """Runs beside NodeAgents (same runner, same thread) and routes through its proxy tables."""

    name = "traffic"
    housekeeping = True  # writes no API objects: presenter stepping neither holds it nor waits for it
    needs_api = False  # the clients are not Kubernetes components: they send while the API is down
    follows = ()  # its own timer: one round per simulated second

    def __init__(self, proxy: KubeProxy) -> None:
        super().__init__()
        self.proxy = proxy

    def tick(self, cluster: Cluster) -> float | None:
        config = cluster.traffic or {}
        state = self.state(cluster)
        # The tables exist only in the process that runs this cluster's node agents (the leader).
        if not config or cluster.pk not in self.proxy.tables:
            state.clear()
            return None
        now = clock.sim_seconds(cluster)
        second = math.floor(now)
        if state.get("config") != config:  # switched on or changed: start counting from here
            state.clear()
            state.update(config=config, last=second)
        seconds = range(max(state["last"] + 1, second - HISTORY_SECONDS + 1), second + 1)
        if seconds:
            Round(self.proxy, cluster, config).run(seconds)
            TrafficSample.objects.filter(cluster=cluster, t__lte=second - HISTORY_SECONDS).delete()
            state["last"] = second
        # Wake for the next second, but at a fast clock no more often than the runner's own pass.
        return second + max(1, math.ceil(cluster.clock_speed * MAX_WAIT)) - now


class Round:
    """The requests of one or more consecutive seconds, routed against the present state."""

    def __init__(self, proxy: KubeProxy, cluster: Cluster, config: dict) -> None:
        self.proxy = proxy
        self.cluster = cluster
        self.key = config["service"]
        self.port = int(config["port"])
        self.rate = int(config["rate"])
        self.namespace = self.key.split("/")[0]
        # What the pod network holds at each endpoint address (filled by _network).
        self.host: dict[str, Machine | None] = {}  # endpoint IP -> machine of the node whose podCIDR holds it
        self.sandboxes: dict[int, Sandbox] = {}
        self.at_ip: dict[str, Sandbox] = {}
        self.specs: dict[str, dict] = {}  # pod uid -> pod spec

    def run(self, seconds: range) -> None:
        machines = {m.name: m for m in Machine.objects.filter(cluster=self.cluster)}
        clients = [m for m in machines.values() if m.powered and m.role == "worker"]
        service = Service.objects.filter(cluster=self.cluster, namespace=self.namespace, name=self.key.split("/")[1]).first()
        rule = self._rule(service)
        backends = {m.name: self.proxy.table(self.cluster.pk, m.name).get(rule) or [] for m in clients} if rule else {}
        self._network(machines, {b for table in backends.values() for b in table})
        samples, served = [], defaultdict(list)
        for second in seconds:
            samples.append(self._second(second, clients, backends, service is not None, served))
        access_log.write(served, self.sandboxes)
        TrafficSample.objects.bulk_create(samples, ignore_conflicts=True)

    def _rule(self, service: Service | None) -> tuple[str, int, str] | None:
        """The kube-proxy table key (cluster IP, port, protocol) of the Service's port."""
        if service is None:
            return None
        port = next((p for p in service.spec.get("ports") or [] if int(p.get("port", 0)) == self.port), {})
        return (service.spec.get("clusterIP", ""), self.port, port.get("protocol", "TCP"))

    def _network(self, machines: dict[str, Machine], backends: set) -> None:
        """What is at each endpoint address: the node whose podCIDR holds it and the Sandbox there."""
        cidrs = []
        for name, spec in Node.objects.filter(cluster=self.cluster).values_list("name", "spec"):
            for cidr in (spec or {}).get("podCIDRs") or []:
                cidrs.append((ipaddress.ip_network(cidr), machines.get(name)))
        for ip, _, _ in backends:
            address = ipaddress.ip_address(ip)
            self.host[ip] = next((m for net, m in cidrs if address in net), None)
        ips = [ip for ip, m in self.host.items() if m is not None and m.powered]
        self.sandboxes = {s.pk: s for s in Sandbox.objects.filter(cluster=self.cluster, pod_ip__in=ips, machine__powered=True)}
        self.at_ip = {s.pod_ip: s for s in self.sandboxes.values()}
        specs = dict(Pod.objects.filter(cluster=self.cluster, uid__in=[s.pod_uid for s in self.sandboxes.values()]).values_list("uid", "spec"))
        self.specs = {str(uid): spec for uid, spec in specs.items()}

    def _outcome(self, backend: tuple[str, int, str], second: int) -> tuple[str, Sandbox | None, str]:
        """("ok", sandbox, container) or (failure reason, sandbox or None, "") for a request to `backend`."""
        ip, target_port, _ = backend
        machine = self.host.get(ip)
        if machine is None or not machine.powered:
            return "timeout", None, ""
        sandbox = self.at_ip.get(ip)
        if sandbox is None or "stopping_until" in sandbox.state:
            return "refused", sandbox, ""
        container = _serving_container(self.specs.get(sandbox.pod_uid) or {}, target_port)
        c = sandbox.state.get("containers", {}).get(container) or {}
        if c.get("stage") != "running" or c.get("ready_at", 0) > second:
            return "refused", sandbox, ""
        return "ok", sandbox, container

    def _second(self, second: int, clients: list[Machine], backends: dict, resolved: bool, served: dict) -> TrafficSample:
        sample = TrafficSample(cluster=self.cluster, service=self.key, t=second, reasons={}, pods={})
        outcomes: dict[tuple, tuple] = {}
        reasons: Counter = Counter()
        by_pod: dict[tuple, Counter] = defaultdict(Counter)  # (sandbox id, container) -> client IP -> served
        for client, count in zip(clients, _shares(self.rate, len(clients), second)):
            table = backends.get(client.name) or []
            if not resolved or not table:
                reasons["unresolved" if not resolved else "no endpoints"] += count
                continue
            source = node_ip(client)
            # As KubeProxy.route picks, `count` at once; then counted per endpoint, not per request.
            for backend, n in Counter(random.choices(table, k=count)).items():
                if backend not in outcomes:
                    outcomes[backend] = self._outcome(backend, second)
                result, sandbox, container = outcomes[backend]
                entry = self._pod_entry(sample, backend, sandbox if result == "ok" else None)
                if result == "ok":
                    entry["ok"] += n
                    by_pod[(sandbox.pk, container)][source] += n
                else:
                    entry["failed"] += n
                    entry["reasons"][result] = entry["reasons"].get(result, 0) + n
                    reasons[result] += n
        for key, sources in by_pod.items():
            served[key].extend(access_log.lines_for(second, sources))
        sample.failed = sum(reasons.values())
        sample.ok = sum(sum(sources.values()) for sources in by_pod.values())
        sample.reasons = dict(reasons)
        return sample

    def _pod_entry(self, sample: TrafficSample, backend: tuple, server: Sandbox | None) -> dict:
        """The sample's counts of the pod that served (`server`), else of the endpoint's pod."""
        ip, _, name = backend
        key = f"{server.namespace}/{server.name}" if server is not None else f"{self.namespace}/{name}"
        machine = self.host.get(ip)
        return sample.pods.setdefault(key, {"ok": 0, "failed": 0, "reasons": {}, "node": machine.name if machine else ""})


def _shares(rate: int, clients: int, second: int) -> list[int]:
    """Share `rate` requests among `clients` evenly, the remainder going round from second to second."""
    if not clients:
        return []
    base, extra = divmod(rate, clients)
    return [base + (1 if (i - second) % clients < extra else 0) for i in range(clients)]


def _serving_container(spec: dict, port: int) -> str:
    """The container that listens on `port`: the one declaring it, else the pod's first."""
    containers = spec.get("containers") or []
    for container in containers:
        if any(p.get("containerPort") == port for p in container.get("ports") or []):
            return container["name"]
    return containers[0]["name"] if containers else ""
