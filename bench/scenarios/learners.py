"""A classroom: one cluster per learner, idle, then each learner's page following their cluster."""
from __future__ import annotations

import statistics
import time

from bench import harness, stats

NAME = "learners"
FIGURES = ["learners-idle-cpu", "live-learners-median", "live-learners-p95"]
ABOUT = ("N learner clusters created through the control API (4 machines each) beside demo: idle CPU, "
         "then one page (websocket) per cluster and pods created round-robin, POST -> frame on that cluster's page")


def run(pg: harness.Playground, sizes, report) -> None:
    client = pg.client()
    names = [f"learner-{i + 1:02d}" for i in range(sizes.learners)]
    t0 = time.monotonic()
    done, errors = harness.parallel(names, lambda n: client.ok("POST", "/clusters/", {"name": n}, accept=(201,)),
                                    2, t0 + sizes.add_limit)
    if done < len(names):
        raise harness.NotReached(f"{done} of {len(names)} clusters created after {time.monotonic() - t0:.0f} s {errors[:1]}")
    report.step(f"{len(names)} clusters created in {time.monotonic() - t0:.1f} s")

    def all_ready():
        ready = sum(harness.ready_nodes(client, n)[0] for n in names)
        return ready >= 4 * len(names), f"{ready} of {4 * len(names)} learner nodes Ready"
    t = harness.wait_until(all_ready, sizes.ready_limit, interval=1.0)
    report.step(f"all learner nodes Ready after {t:.1f} s more; settling {sizes.settle:g} s")
    time.sleep(sizes.settle)
    if report.wants("learners-idle-cpu"):
        usage = pg.cpu_window(sizes.idle_window)
        report.add("learners-idle-cpu", usage["total"], f"{len(names)} learner clusters + demo, {4 * (len(names) + 1)} nodes, "
                   f"over {sizes.idle_window:g} s", per_process=usage, rss_mb=pg.memory_mb())
        report.step(f"idle: {usage['total']:.1f}% of a core")
    if not report.wants("live-learners-median", "live-learners-p95"):
        return
    sockets = harness.open_sockets(pg.url, names, sizes.ready_limit)
    try:
        report.step(f"{len(sockets)} pages open (one websocket per cluster)")
        delays, missed, writes = harness.probe_pages(client, [(name, [s]) for name, s in zip(names, sockets)], sizes.learner_writes, sizes)
    finally:
        for s in sockets:
            s.close()
    note = f"{len(delays)} samples from {writes} pod creations" + (f", {missed} frames never arrived" if missed else "")
    if writes < sizes.learner_writes:
        note += f"; only {writes} of {sizes.learner_writes} writes within {sizes.writes_limit:g} s"
    if not delays:
        raise harness.NotReached(f"no write reached its page within {sizes.write_limit:g} s")
    median, p95 = statistics.median(delays), stats.percentile(delays, 0.95)
    add = report.add if not missed and writes == sizes.learner_writes else report.miss
    add("live-learners-median", median, note, samples=len(delays), missed=missed)
    add("live-learners-p95", p95, note, samples=len(delays), missed=missed, max_ms=max(delays))
    report.step(f"write -> page: median {median:.0f} ms, p95 {p95:.0f} ms ({note})")
