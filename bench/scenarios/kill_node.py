"""Power off a node holding many pods; time until every replica is Ready on the other nodes."""
from __future__ import annotations

import time

from bench import harness

NAME = "kill-node"
FIGURES = ["kill-node-beyond"]
ABOUT = ("demo plus a node `victim` and two spare workers, nginx pulled on every worker first; a Deployment placed "
         "wholly on victim (the others cordoned meanwhile), then victim powered off through the control API: wall "
         "time until all replicas are Ready elsewhere, minus node_monitor_grace + default_toleration_seconds + container_start")


def run(pg: harness.Playground, sizes, report) -> None:
    client = pg.client()
    replicas = sizes.kill_pods
    harness.add_nodes(client, "demo", ["victim"], sizes.add_limit, pods=replicas + 10)
    harness.add_nodes(client, "demo", ["spare-1", "spare-2"], sizes.add_limit, pods=max(110, replicas))
    workers = ["worker-1", "worker-2", "worker-3", "spare-1", "spare-2"]
    harness.wait_nodes_ready(client, "demo", 7, sizes.ready_limit)
    t = harness.warm_images(client, "demo", workers + ["victim"], sizes.running_limit)
    report.step(f"7 nodes Ready, nginx present on every worker ({t:.1f} s)")
    nodes = "/clusters/demo/api/v1/nodes"
    for w in workers:
        client.ok("PATCH", f"{nodes}/{w}", {"spec": {"unschedulable": True}}, harness.MERGE)
    client.ok("POST", "/clusters/demo/apis/apps/v1/namespaces/default/deployments", harness.deployment("kill", replicas))

    def all_ready():
        _, ready, _ = harness.deployments_ready(client, "demo")
        return ready >= replicas, f"{ready:,} of {replicas:,} replicas Ready on victim"
    t = harness.wait_until(all_ready, sizes.running_limit, interval=0.5)
    for w in workers:
        client.ok("PATCH", f"{nodes}/{w}", {"spec": {"unschedulable": False}}, harness.MERGE)
    report.step(f"{replicas} replicas Ready on victim after {t:.1f} s; the other workers uncordoned")

    clock = client.ok("GET", "/clusters/demo/playground/clock")
    profile = clock["profiles"][clock["profile"]]
    configured = profile["node_monitor_grace"] + profile["default_toleration_seconds"] + profile["container_start"]
    speed = clock.get("speed") or 1
    configured_wall = configured / speed
    time.sleep(profile["lease_renew_interval"] / speed)  # a heartbeat has just landed, as in bench/kill_worker.py

    pods = "/clusters/demo/api/v1/namespaces/default/pods?labelSelector=app%3Dkill"
    marks: dict[str, float] = {}
    t0 = time.monotonic()
    client.ok("POST", "/clusters/demo/playground/nodes/victim/power", {"on": False})

    def recovered():
        if "NotReady" not in marks:
            _, node = client.json("GET", f"{nodes}/victim")
            if not harness.node_ready(node):
                marks["NotReady"] = time.monotonic() - t0
        items = client.ok("GET", pods)["items"]
        elsewhere = sum(1 for p in items if p["spec"].get("nodeName") not in (None, "", "victim")
                        and not p["metadata"].get("deletionTimestamp") and harness.pod_ready(p))
        return elsewhere >= replicas, f"{elsewhere:,} of {replicas:,} replicas Ready elsewhere"
    try:
        took = harness.wait_until(recovered, configured_wall + sizes.running_limit, interval=0.1)
    except harness.NotReached as missed:
        report.miss("kill-node-beyond", f"{missed} (configured delays {configured:g} s)")
        return
    beyond = took - configured_wall
    report.add("kill-node-beyond", beyond,
               f"recovered {took:.1f} s after power-off; configured {configured:g} s (profile {profile['name']}, "
               f"clock x{speed:g}); NotReady seen at {marks.get('NotReady', float('nan')):.1f} s",
               recovered_s=took, configured_s=configured, not_ready_s=marks.get("NotReady"), profile=profile["name"])
    report.step(f"power-off -> all Ready elsewhere {took:.1f} s = configured {configured_wall:g} s + {beyond:.2f} s")
