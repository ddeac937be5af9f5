"""The demo cluster as it starts: its idle cost, then single-object GETs against it."""
from __future__ import annotations

import statistics
import time

from bench import harness, stats

NAME = "demo"
FIGURES = ["demo-idle-cpu", "get-object"]
ABOUT = "the demo cluster (control plane + 3 workers): idle CPU over a window, then single-object GET latency"


def run(pg: harness.Playground, sizes, report) -> None:
    client = pg.client()
    t = harness.wait_nodes_ready(client, "demo", 4, sizes.ready_limit)
    report.step(f"demo: 4 nodes Ready after {t:.1f} s; settling {sizes.settle:g} s")
    time.sleep(sizes.settle)
    if report.wants("demo-idle-cpu"):
        usage = pg.cpu_window(sizes.idle_window)
        report.add("demo-idle-cpu", usage["total"], f"over {sizes.idle_window:g} s", per_process=usage,
                   rss_mb=pg.memory_mb())
        report.step(f"idle: {usage['total']:.1f}% of a core over {sizes.idle_window:g} s")
    if report.wants("get-object"):
        client.ok("POST", "/clusters/demo/api/v1/namespaces/default/pods", harness.pod("probe"))
        path = "/clusters/demo/api/v1/namespaces/default/pods/probe"
        client.ok("GET", path)  # the connection is open and warm
        times = []
        for _ in range(sizes.gets):
            t0 = time.perf_counter()
            code, _, _ = client.request("GET", path)
            times.append((time.perf_counter() - t0) * 1000)
            if code != 200:
                raise RuntimeError(f"GET {path} answered {code}")
        median = statistics.median(times)
        report.add("get-object", median, f"GET a pod, {sizes.gets} times on one keep-alive connection; "
                   f"p95 {stats.percentile(times, 0.95):.1f} ms", p95_ms=stats.percentile(times, 0.95), min_ms=min(times))
        report.step(f"GET pod: median {median:.2f} ms over {sizes.gets}")
