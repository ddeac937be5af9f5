#!/usr/bin/env python
"""Measure the browser's cluster page on a big, churning cluster.

Starts a playground process on a temporary SQLite store (or uses --url), builds a cluster
of NODES workers (POST .../playground/nodes with `pods: PODS_PER_NODE`) running PODS pods
in DEPLOYMENTS deployments at clock speed 10, opens the page in Debian's Chromium
(headless, through Playwright) and, while a background thread keeps scaling deployments
up and down, prints:

- the page's frames per second (requestAnimationFrame counted over --seconds), idle and
  while pods churn, with the page's own render time per frame;
- the delay from an API write to the page showing it: cordon / uncordon of a probe node
  (PATCH spec.unschedulable), measured from just before the request to the end of the
  animation frame that drew it, median and p95 over --changes writes, for 1 page and for
  --pages pages open at once (all on this machine, sharing its cores with the server).

With --synthetic the page runs alone on a scripted feed (same protocol, no server), which
isolates the drawing from the server's own load.

    python bench/topology_fps.py [--synthetic] [--nodes 100] [--pods-per-node 30] [--pods 3000]
        [--deployments 30] [--changes 200] [--pages 20] [--seconds 10] [--profile kubernetes]
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.live import LiveServer, wait_for  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CLUSTER = "bench"
MERGE = {"Content-Type": "application/merge-patch+json"}
FPS_JS = """(seconds) => new Promise((resolve) => {
  let frames = 0;
  const start = performance.now();
  const tick = (now) => {
    frames += 1;
    if (now - start < seconds * 1000) requestAnimationFrame(tick);
    else resolve({ fps: frames / ((now - start) / 1000), frames });
  };
  requestAnimationFrame(tick);
})"""


class Churn(threading.Thread):
    """Scale random deployments up and down (around their starting size) until stopped."""

    def __init__(self, server: LiveServer, deployments: list[str], per: int, interval: float):
        super().__init__(daemon=True)
        self.server, self.deployments, self.per, self.interval = server, deployments, per, interval
        self.stopping = threading.Event()
        self.writes = 0
        self.rng = random.Random(7)

    def run(self) -> None:
        while not self.stopping.wait(self.interval):
            name = self.rng.choice(self.deployments)
            replicas = max(0, self.per + self.rng.randint(-self.per // 3, self.per // 3))
            try:
                code, _ = self.server.json("PATCH", f"/clusters/{CLUSTER}/apis/apps/v1/namespaces/default/deployments/{name}/scale",
                                           {"spec": {"replicas": replicas}}, MERGE)
            except OSError:
                continue
            if code == 200:
                self.writes += 1

    def stop(self) -> None:
        self.stopping.set()
        self.join()


def call(server: LiveServer, method: str, path: str, body=None, headers=None, ok=(200, 201), tries: int = 10):
    """Make a request, retrying while the server is too busy to answer within the client's timeout.

    A retried create that already went through answers 409, which counts as done.
    """
    for attempt in range(tries):
        try:
            code, out = server.json(method, path, body, headers)
        except OSError as error:  # timeout or reset while the server is saturated
            print(f"  ({method} {path}: {error}; retrying)", flush=True)
            time.sleep(2 + attempt)
            continue
        if code in ok or (code == 409 and attempt > 0 and method == "POST"):
            return code, out
        if code in (429, 503, 504):
            time.sleep(1 + attempt)
            continue
        raise SystemExit(f"{method} {path} answered {code}: {out}")
    raise SystemExit(f"{method} {path}: no answer after {tries} tries")


def build_cluster(server: LiveServer, args) -> list[str]:
    call(server, "POST", "/clusters/", {"name": CLUSTER, "profile": args.profile})
    call(server, "POST", f"/clusters/{CLUSTER}/playground/clock", {"speed": 10, "profile": args.profile})
    started = time.monotonic()
    for _ in range(args.nodes):
        call(server, "POST", f"/clusters/{CLUSTER}/playground/nodes",
             {"runtime": "containerd", "cpu": "16", "memory": "64Gi", "pods": args.pods_per_node}, tries=1)
    call(server, "POST", f"/clusters/{CLUSTER}/playground/nodes",
         {"name": "probe", "runtime": "containerd", "cpu": "1", "memory": "1Gi", "pods": 1})
    per = args.pods // args.deployments
    names = []
    for d in range(args.deployments):
        name = f"app-{d:02d}"
        labels = {"app": name}
        manifest = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "labels": labels},
                    "spec": {"replicas": per, "selector": {"matchLabels": labels},
                             "template": {"metadata": {"labels": labels},
                                          "spec": {"containers": [{"name": "web", "image": "nginx:1.25"}]}}}}
        call(server, "POST", f"/clusters/{CLUSTER}/apis/apps/v1/namespaces/default/deployments", manifest)
        names.append(name)

    def running() -> int:
        _, pods = call(server, "GET", f"/clusters/{CLUSTER}/api/v1/pods?fieldSelector=status.phase%3DRunning")
        return len(pods["items"])

    total = per * args.deployments
    wait_for(lambda: running() >= total, 1800, f"{total} running pods", interval=2)
    print(f"cluster: {args.nodes} workers + 3 default + probe, {total} pods Running "
          f"after {time.monotonic() - started:.0f} s (clock x10, {args.profile} timing)", flush=True)
    return names


def open_page(context, url: str):
    page = context.new_page()
    t0 = time.monotonic()
    page.goto(url)
    try:
        page.wait_for_function("window.playground && window.playground.stats.frames >= 1 && "
                               "document.querySelector('#conn').dataset.state === 'live'", timeout=300000)
    except Exception:
        print("page did not go live:", page.evaluate("""() => JSON.stringify({
            state: document.querySelector('#conn').dataset.state, why: document.querySelector('#conn').title,
            feed: window.playground && window.playground.feed.stats, render: window.playground && window.playground.stats})"""))
        raise
    return page, time.monotonic() - t0


def fps(page, seconds: float) -> dict:
    page.evaluate("window.playground.stats.maxFrameMs = 0; window.__framesBefore = window.playground.stats.frames")
    result = page.evaluate(FPS_JS, seconds)
    result["render_frames"] = page.evaluate("window.playground.stats.frames - window.__framesBefore")
    result["max_render_ms"] = page.evaluate("window.playground.stats.maxFrameMs")
    return result


def latency(server: LiveServer, pages: list, changes: int) -> tuple[list[float], list[float], list[float], int]:
    """Cordon / uncordon the probe node `changes` times.

    Return the ms from the request to each page's frame that drew it, the ms of that spent in
    the page (from the websocket frame's arrival to the end of the drawing frame), the ms the
    write itself took to be answered, and the number of writes the server did not answer in time.
    """
    delays: list[float] = []
    in_page: list[float] = []
    answered: list[float] = []
    failed = 0
    for _ in range(changes):
        _, node = call(server, "GET", f"/clusters/{CLUSTER}/api/v1/nodes/probe")
        state = not bool(node.get("spec", {}).get("unschedulable"))
        for page in pages:
            page.evaluate("""(want) => {
                window.__probe = null;
                window.playground.whenRendered((s) => { const n = s.get('Node', 'probe'); return !!n && !!n.unschedulable === want; })
                  .then((at) => { window.__probe = [at, window.playground.feed.receivedAt]; }, () => { window.__probe = -1; });
            }""", state)
        sent = time.time() * 1000
        try:
            code, body = server.json("PATCH", f"/clusters/{CLUSTER}/api/v1/nodes/probe", {"spec": {"unschedulable": state}}, MERGE)
        except OSError:
            code, body = 0, "no answer within the client's 30 s"
        if code != 200:
            failed += 1
            print(f"  (write refused or unanswered: {code} {str(body)[:120]})", flush=True)
            continue
        answered.append(time.time() * 1000 - sent)
        for page in pages:
            page.wait_for_function("window.__probe !== null", timeout=120000, polling=20)
            probe = page.evaluate("window.__probe")
            if probe != -1:
                delays.append(probe[0] - sent)
                in_page.append(probe[0] - probe[1])
    return delays, in_page, answered, failed


def summary(delays: list[float]) -> str:
    if not delays:
        return "no samples"
    ordered = sorted(delays)
    p95 = ordered[max(0, int(round(0.95 * len(ordered))) - 1)]
    return f"median {statistics.median(ordered):.0f} ms, p95 {p95:.0f} ms, max {ordered[-1]:.0f} ms over {len(ordered)} samples"


def synthetic(args) -> None:
    """The page alone: a scripted feed (no server) of NODES x PODS_PER_NODE running pods."""
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "playground.settings")
    os.environ.setdefault("PLAYGROUND_VAR_DIR", tempfile.mkdtemp(prefix="playground-bench-"))
    import django

    django.setup()
    from playwright.sync_api import sync_playwright

    from tests.browser import views as v
    from tests.browser.harness import Harness

    big = v.big_cluster(args.nodes, args.pods_per_node, args.deployments)
    first = v.snapshot(1, big["machines"], big["objects"])
    print(f"synthetic feed: {args.nodes} workers, {len(big['pods'])} pods, snapshot {len(json.dumps(first)) / 1024:.0f} KiB", flush=True)
    rng = random.Random(1)
    states = [("Running", "Running", True), ("Running", "Running", False), ("Pending", "ContainerCreating", False)]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        harness = Harness(page, on_connect=lambda h, ws: ws.send(json.dumps(first)))
        t0 = time.monotonic()
        harness.open()
        page.wait_for_function("window.playground && window.playground.stats.frames >= 1", timeout=60000)
        print(f"drawn {time.monotonic() - t0:.2f} s after navigation, first frame "
              f"{page.evaluate('window.playground.stats.maxFrameMs'):.0f} ms", flush=True)
        print(f"idle: {fps(page, args.seconds)['fps']:.1f} fps", flush=True)
        revision = [1]
        for per_frame in (30, 100, 300):
            pods = big["pods"]
            stop = threading.Event()

            def feed():
                while not stop.is_set():
                    changes = []
                    for _ in range(per_frame):
                        i = rng.randrange(len(pods))
                        phase, status, ready = rng.choice(states)
                        node = pods[i]["node"] if rng.random() < 0.9 else f"worker-{rng.randrange(args.nodes) + 1}"
                        pods[i] = dict(pods[i], phase=phase, status=status, ready=ready, node=node)
                        changes.append(pods[i])
                    frames.append(v.delta(revision[0], revision[0] + 1, upserts=changes))
                    revision[0] += 1
                    stop.wait(0.1)

            frames: list[dict] = []
            thread = threading.Thread(target=feed, daemon=True)
            thread.start()
            # Playwright's objects belong to this thread: it forwards what the feeder made.
            page.evaluate("window.playground.stats.maxFrameMs = 0")
            page.evaluate("""(seconds) => { window.__fps = null; let n = 0; const t0 = performance.now();
                const tick = (now) => { n += 1; if (now - t0 < seconds * 1000) requestAnimationFrame(tick); else window.__fps = n / ((now - t0) / 1000); };
                requestAnimationFrame(tick); }""", args.seconds)
            end = time.monotonic() + args.seconds
            while time.monotonic() < end:
                while frames:
                    harness.send(frames.pop(0))
                page.wait_for_timeout(20)
            stop.set()
            thread.join()
            while frames:
                harness.send(frames.pop(0))
            page.wait_for_function("window.__fps !== null")
            page.wait_for_function(f"window.playground.stats.renderedRevision === {revision[0]}")
            print(f"churn, {per_frame} pod changes per delta at 10 deltas/s: {page.evaluate('window.__fps'):.1f} fps, "
                  f"longest render {page.evaluate('window.playground.stats.maxFrameMs'):.0f} ms", flush=True)
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nodes", type=int, default=100)
    parser.add_argument("--pods-per-node", type=int, default=30)
    parser.add_argument("--pods", type=int, default=3000)
    parser.add_argument("--deployments", type=int, default=30)
    parser.add_argument("--changes", type=int, default=200)
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0)
    # At clock x10 the classroom profile's 6 s node grace period is 0.6 s of wall time: on a
    # loaded 2-core machine heartbeats miss it and the cluster starts evicting, which measures
    # the server, not the page. Kubernetes' own delays keep the cluster steady while it churns.
    parser.add_argument("--profile", default="kubernetes", choices=["kubernetes", "classroom"])
    parser.add_argument("--synthetic", action="store_true", help="the page alone, fed by a scripted feed (no server)")
    parser.add_argument("--churn-interval", type=float, default=0.5, help="seconds between two scale writes")
    args = parser.parse_args()

    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise SystemExit("playwright is missing: pip install playwright==1.65.2")
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing: apt-get install -y chromium")
    if args.synthetic:
        synthetic(args)
        return

    server = LiveServer(Path(tempfile.mkdtemp(prefix="playground-bench-"))).start()
    print(f"playground: {server.url} (log {server.log})", flush=True)
    try:
        names = build_cluster(server, args)
        per = args.pods // args.deployments
        url = f"{server.url}/clusters/{CLUSTER}/playground/"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM,
                                        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            context = browser.new_context(viewport={"width": 1280, "height": 720})
            page, load = open_page(context, url)
            chips = page.evaluate("document.querySelectorAll('#topology .pod[data-key]').length")
            first = page.evaluate("window.playground.stats.maxFrameMs")
            snapshot_kb = page.evaluate("window.playground.feed.stats.bytes") / 1024
            print(f"page: loaded and drawn in {load:.2f} s ({chips} pod chips, snapshot {snapshot_kb:.0f} KiB, "
                  f"first frame {first:.0f} ms)", flush=True)

            idle = fps(page, args.seconds)
            print(f"1 page, idle:  {idle['fps']:.1f} fps, {idle['render_frames']} render frames, "
                  f"longest render {idle['max_render_ms']:.0f} ms", flush=True)
            churn = Churn(server, names, per, args.churn_interval)
            churn.start()
            try:
                before = json.loads(page.evaluate("JSON.stringify(window.playground.feed.stats)"))
                busy = fps(page, args.seconds)
                after = json.loads(page.evaluate("JSON.stringify(window.playground.feed.stats)"))
                print(f"1 page, churn: {busy['fps']:.1f} fps, {busy['render_frames']} render frames, "
                      f"longest render {busy['max_render_ms']:.0f} ms, {after['deltas'] - before['deltas']} deltas "
                      f"({(after['bytes'] - before['bytes']) / 1024 / args.seconds:.0f} KiB/s) from {churn.writes} scale writes so far",
                      flush=True)

                delays, in_page, answered, failed = latency(server, [page], args.changes)
                print(f"write -> drawn, 1 page (churning): {summary(delays)}; the write answered: {summary(answered)}; "
                      f"in the page (frame arrival -> drawn): {summary(in_page)}; {failed} writes unanswered", flush=True)

                pages = [page]
                for _ in range(args.pages - 1):
                    pages.append(open_page(context, url)[0])
                visible = sum(p.evaluate("document.visibilityState === 'visible'") for p in pages)
                many = fps(pages[-1], args.seconds)
                print(f"{args.pages} pages, churn: {many['fps']:.1f} fps on the last page opened "
                      f"({visible} of {len(pages)} pages report themselves visible)", flush=True)
                delays, in_page, answered, failed = latency(server, pages, args.changes)
                print(f"write -> drawn, {args.pages} pages (churning): {summary(delays)}; the write answered: "
                      f"{summary(answered)}; in the page: {summary(in_page)}; {failed} writes unanswered", flush=True)
            finally:
                churn.stop()
            browser.close()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
