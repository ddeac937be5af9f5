"""A big cluster in one process: N nodes idle, pending pods bound, then 30 pods per node."""
from __future__ import annotations

import math
import statistics
import time

from bench import harness

NAME = "thousand"
FIGURES = ["nodes-idle-cpu", "nodes-idle-rss", "nodes-idle-late", "bind-rate", "big-not-ready", "big-rss", "kubectl-get-pods", "kubectl-get-pods-whole"]
ABOUT = ("N workers added to demo through the control API (4 requests at a time), all Ready, idle window "
         "(CPU, RSS, NodeNotReady events); kube-scheduler stopped through the components API, Deployments of up to "
         "1,000 replicas applied until every pod exists Pending, scheduler started, timed until no pod lacks "
         "spec.nodeName; more Deployments until the cluster holds the big pod count, all Ready; `kubectl get pods -A`")
PER_DEPLOYMENT = 1000
DEPLOYMENTS = "/clusters/demo/apis/apps/v1/namespaces/default/deployments"
UNBOUND = "/clusters/demo/api/v1/pods?fieldSelector=spec.nodeName%3D"


def run(pg: harness.Playground, sizes, report) -> None:
    client = pg.client()
    harness.wait_nodes_ready(client, "demo", 4, sizes.ready_limit)
    names = [f"n-{i + 1:04d}" for i in range(sizes.big_nodes)]
    took = harness.add_nodes(client, "demo", names, sizes.add_limit, threads=4)
    ready = harness.wait_nodes_ready(client, "demo", 4 + len(names), sizes.ready_limit)
    report.step(f"{len(names):,} nodes added in {took:.1f} s (4 at a time), all Ready {ready:.1f} s later")
    report.info.update(add_nodes_s=took, nodes_ready_s=ready)
    if report.wants("nodes-idle-cpu", "nodes-idle-rss", "nodes-idle-late"):
        idle(pg, client, sizes, report, len(names) + 4)
    if not report.wants("bind-rate", "big-not-ready", "big-rss", "kubectl-get-pods", "kubectl-get-pods-whole"):
        return

    harness.set_component(client, "demo", "kube-scheduler", False)
    t0 = time.monotonic()
    create_deployments(client, "bind", sizes.bind_pods)

    def all_pending():
        created, _, _ = harness.deployments_ready(client, "demo")
        return created >= sizes.bind_pods, f"{created:,} of {sizes.bind_pods:,} pods created (scheduler stopped)"
    harness.wait_until(all_pending, sizes.create_limit, interval=1.0)
    unbound = len(client.ok("GET", UNBOUND)["items"])
    report.info.update(pending_created_s=time.monotonic() - t0)
    report.step(f"{unbound:,} pods Pending without a node after {time.monotonic() - t0:.1f} s")

    harness.set_component(client, "demo", "kube-scheduler", True)
    t0 = time.monotonic()

    def all_bound():
        left = client.ok("GET", UNBOUND + "&limit=1")["items"]
        return not left, "binding"
    try:
        took = harness.wait_until(all_bound, sizes.bind_limit, interval=0.1)
        report.add("bind-rate", unbound / took, f"{unbound:,} pods bound in {took:.1f} s after kube-scheduler was started",
                   pods=unbound, seconds=took)
        report.step(f"{unbound:,} bound in {took:.1f} s: {unbound / took:,.0f} pods/s")
    except harness.NotReached:
        elapsed = time.monotonic() - t0
        left = len(client.ok("GET", UNBOUND)["items"])
        bound = unbound - left
        report.miss("bind-rate", f"{bound:,} of {unbound:,} bound after {elapsed:.0f} s ({bound / elapsed:,.1f} pods/s)",
                    partial_rate=bound / elapsed)
        report.step(f"binding not reached: {bound:,} of {unbound:,} after {elapsed:.0f} s")
        # The rest needs the pods on nodes: skip it rather than wait for it, but list what there is.
        reached = f"binding did not finish: {bound:,} of {unbound:,} bound after {elapsed:.0f} s"
        if report.wants("kubectl-get-pods", "kubectl-get-pods-whole"):
            get_pods(pg, sizes, report, reached)
        report.close("not reached", reached)
        return

    if not report.wants("big-not-ready", "big-rss", "kubectl-get-pods", "kubectl-get-pods-whole"):
        return
    big(pg, client, sizes, report, len(names) + 4)


def idle(pg, client, sizes, report, nodes: int) -> None:
    time.sleep(sizes.settle)
    before = not_ready_events(client)
    usage = pg.cpu_window(sizes.idle_window)
    late = not_ready_events(client) - before
    ready, registered = harness.ready_nodes(client, "demo")
    rss = pg.memory_mb()
    total_rss = sum(rss.values())
    report.add("nodes-idle-cpu", usage["total"], f"{nodes:,} nodes, over {sizes.idle_window:g} s", per_process=usage)
    report.add("nodes-idle-rss", total_rss, "sum over the processes" if len(rss) > 1 else "", per_process=rss)
    report.add("nodes-idle-late", late + (nodes - ready),
               f"{late} NodeNotReady events in the window, {nodes - ready} of {nodes:,} nodes not Ready at its end",
               events=late, not_ready=nodes - ready)
    report.step(f"idle: {usage['total']:.1f}% of a core, {total_rss:,.0f} MB, {late} NodeNotReady events, "
                f"{ready:,} of {nodes:,} Ready")


def not_ready_events(client) -> int:
    items = client.ok("GET", "/clusters/demo/api/v1/events?fieldSelector=reason%3DNodeNotReady")["items"]
    return sum(e.get("count") or 1 for e in items)


def create_deployments(client, prefix: str, pods: int) -> None:
    for d in range(math.ceil(pods / PER_DEPLOYMENT)):
        replicas = min(PER_DEPLOYMENT, pods - d * PER_DEPLOYMENT)
        client.ok("POST", DEPLOYMENTS, harness.deployment(f"{prefix}-{d:02d}", replicas))


def big(pg, client, sizes, report, nodes: int) -> None:
    t0 = time.monotonic()
    create_deployments(client, "big", sizes.big_pods - sizes.bind_pods)

    def all_running():
        created, ready, desired = harness.deployments_ready(client, "demo")
        return ready >= sizes.big_pods, f"{ready:,} of {sizes.big_pods:,} pods Ready ({created:,} created)"
    reached = ""
    try:
        took = harness.wait_until(all_running, sizes.running_limit, interval=1.0)
        report.info.update(big_ready_s=took)
        report.step(f"{sizes.big_pods:,} pods Ready {took:.1f} s after the last Deployments were created")
    except harness.NotReached as missed:
        reached = str(missed)
        report.step(f"big cluster not reached: {missed}")
    ready, _ = harness.ready_nodes(client, "demo")
    rss = pg.memory_mb()
    peak = pg.memory_mb("VmHWM")
    if reached:
        report.miss("big-not-ready", reached, nodes - ready)
        report.miss("big-rss", reached, sum(rss.values()))
    else:
        report.add("big-not-ready", nodes - ready, f"{ready:,} of {nodes:,} nodes Ready with every pod Running")
        report.add("big-rss", sum(rss.values()), f"peak {sum(peak.values()):,.0f} MB", per_process=rss, peak=peak)
    if report.wants("kubectl-get-pods", "kubectl-get-pods-whole"):
        get_pods(pg, sizes, report, reached)


def get_pods(pg, sizes, report, reached: str) -> None:
    """`kubectl get pods -A`, timed, as kubectl pages it by default (500 pods a request; client-go
    then holds requests to 5 a second after a burst of 10, whatever the server) and in one
    request (`--chunk-size=0`); only partial figures when the cluster is not complete (`reached`)."""
    kubeconfig = pg.kubeconfig("demo")
    for key, extra in (("kubectl-get-pods", ()), ("kubectl-get-pods-whole", ("--chunk-size=0",))):
        if not report.wants(key):
            continue
        times, lines = [], 0
        for _ in range(sizes.kubectl_runs):
            seconds, done = harness.kubectl(kubeconfig, "get", "pods", "-A", *extra, timeout=300)
            if done.returncode != 0:
                raise RuntimeError(f"kubectl get pods -A {' '.join(extra)}: {done.stderr.strip()[:300]}")
            times.append(seconds)
            lines = len(done.stdout.splitlines()) - 1
        median = statistics.median(times)
        pages = max(1, -(-lines // 500)) if not extra else 1
        note = f"{lines:,} pods listed in {pages} request(s); runs {', '.join(f'{t:.2f}' for t in times)} s"
        if reached:
            report.miss(key, f"{note}; the cluster was not complete: {reached}", median)
        else:
            report.add(key, median, note, pods=lines, runs_s=times)
        report.step(f"kubectl get pods -A {' '.join(extra)}: median {median:.2f} s ({lines:,} pods)")
