"""Many pages open on one cluster: every write must reach all of them."""
from __future__ import annotations

import statistics

from bench import harness, stats

NAME = "pages"
FIGURES = ["live-pages-p95"]
ABOUT = "N pages (websockets) open on demo; pods created one at a time, POST -> the frame naming it on every page"


def run(pg: harness.Playground, sizes, report) -> None:
    client = pg.client()
    harness.wait_nodes_ready(client, "demo", 4, sizes.ready_limit)
    sockets = harness.open_sockets(pg.url, ["demo"] * sizes.pages, sizes.ready_limit)
    try:
        report.step(f"{len(sockets)} pages open on demo")
        delays, missed, writes = harness.probe_pages(client, [("demo", sockets)], sizes.page_writes, sizes)
    finally:
        for s in sockets:
            s.close()
    if not delays:
        raise harness.NotReached(f"no write reached the pages within {sizes.write_limit:g} s")
    p95, median = stats.percentile(delays, 0.95), statistics.median(delays)
    note = f"median {median:.0f} ms, {len(delays)} samples ({writes} writes x {len(sockets)} pages)"
    if missed or writes < sizes.page_writes:
        report.miss("live-pages-p95", note + f"; {missed} frames never arrived within {sizes.write_limit:g} s, "
                    f"{writes} of {sizes.page_writes} writes within {sizes.writes_limit:g} s", p95)
    else:
        report.add("live-pages-p95", p95, note, median_ms=median, max_ms=max(delays), samples=len(delays))
    report.step(f"write -> {len(sockets)} pages: p95 {p95:.0f} ms, {note}")
