"""Scale: nodes added to demo one request at a time, a big Deployment on them, the page drawing it."""
from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from bench import harness

NAME = "scale"
FIGURES = ["add-nodes", "replicas-running", "topology-fps"]
ABOUT = ("N workers added to demo through the control API one POST after another; nginx pulled onto every worker "
         "(one pod per node by spec.nodeName, then deleted) so no measured pod pulls; `kubectl apply` of one "
         "Deployment, timed until its status counts every replica Ready; then the page in headless Chromium, "
         "frames per second while the Deployment is scaled up and down every 0.5 s")
CHROMIUM = "/usr/bin/chromium"


def run(pg: harness.Playground, sizes, report) -> None:
    client = pg.client()
    harness.wait_nodes_ready(client, "demo", 4, sizes.ready_limit)
    names = [f"node-{i + 1:03d}" for i in range(sizes.scale_nodes)]
    took = harness.add_nodes(client, "demo", names, sizes.add_limit)
    ready = harness.wait_nodes_ready(client, "demo", 4 + len(names), sizes.ready_limit)
    report.add("add-nodes", took, f"{len(names)} POSTs one after another; all Ready {ready:.1f} s after the last",
               ready_after_s=ready)
    report.step(f"{len(names)} nodes added in {took:.1f} s, all Ready {ready:.1f} s later")
    if not report.wants("replicas-running", "topology-fps"):
        return
    t = harness.warm_images(client, "demo", ["worker-1", "worker-2", "worker-3", *names], sizes.running_limit)
    report.step(f"nginx present on every worker ({t:.1f} s)")

    manifest = pg.var_dir / "scale.json"
    manifest.write_text(json.dumps(harness.deployment("scale", sizes.scale_replicas)))
    kubeconfig = pg.kubeconfig("demo")
    t0 = time.monotonic()
    seconds, done = harness.kubectl(kubeconfig, "apply", "-f", str(manifest))
    if done.returncode != 0:
        raise RuntimeError(f"kubectl apply: {done.stderr.strip()}")
    path = "/clusters/demo/apis/apps/v1/namespaces/default/deployments/scale"

    def running():
        status = client.ok("GET", path).get("status", {})
        ready = status.get("readyReplicas") or 0
        return ready >= sizes.scale_replicas, f"{ready:,} of {sizes.scale_replicas:,} replicas Ready ({status.get('replicas') or 0:,} created)"
    try:
        harness.wait_until(running, sizes.running_limit, interval=0.2)
        took = time.monotonic() - t0
        report.add("replicas-running", took, f"kubectl apply answered in {seconds:.1f} s", apply_s=seconds)
        report.step(f"apply -> {sizes.scale_replicas} Ready: {took:.1f} s")
    except harness.NotReached as missed:
        report.miss("replicas-running", str(missed))
        report.step(f"apply: not reached, {missed}")
    if report.wants("topology-fps"):
        topology(pg, client, sizes, report)


def topology(pg: harness.Playground, client: harness.Client, sizes, report) -> None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        report.miss("topology-fps", "playwright is not installed")
        return
    if not Path(CHROMIUM).exists():
        report.miss("topology-fps", f"{CHROMIUM} is missing")
        return
    from bench.topology_fps import fps, open_page

    churn = Churn(client, sizes.scale_replicas)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 720})
            page, load = open_page(context, f"{pg.url}/clusters/demo/playground/")
            chips = page.evaluate("document.querySelectorAll('#topology .pod[data-key]').length")
            idle = fps(page, sizes.fps_seconds)
            report.step(f"page drawn in {load:.1f} s ({chips} pod chips); idle {idle['fps']:.1f} fps")
            churn.start()
            try:
                busy = fps(page, sizes.fps_seconds)
            finally:
                churn.stop()
        finally:
            browser.close()
    report.add("topology-fps", busy["fps"], f"{chips} pod chips drawn; {churn.writes} scale writes in {sizes.fps_seconds:g} s; "
               f"idle {idle['fps']:.1f} fps; longest render {busy['max_render_ms']:.0f} ms",
               idle_fps=idle["fps"], load_s=load, chips=chips, max_render_ms=busy["max_render_ms"])
    report.step(f"churning: {busy['fps']:.1f} fps")


class Churn(threading.Thread):
    """Scale the Deployment down by a tenth and back up, every 0.5 s, until stopped."""

    def __init__(self, client: harness.Client, replicas: int):
        super().__init__(daemon=True)
        self.client, self.replicas = client, replicas
        self.stopping = threading.Event()
        self.writes = 0

    def run(self) -> None:
        low = True
        path = "/clusters/demo/apis/apps/v1/namespaces/default/deployments/scale/scale"
        while not self.stopping.wait(0.5):
            size = self.replicas - self.replicas // 10 if low else self.replicas
            low = not low
            try:
                if self.client.json("PATCH", path, {"spec": {"replicas": size}}, harness.MERGE)[0] == 200:
                    self.writes += 1
            except OSError:
                continue

    def stop(self) -> None:
        self.stopping.set()
        self.join()
