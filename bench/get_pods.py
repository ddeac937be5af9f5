#!/usr/bin/env python
"""Measure `kubectl get pods -A` on a cluster with thousands of pods.

Starts a playground process on a temporary SQLite store, adds workers to a cluster,
deploys PODS pods (all of them Running), then times `kubectl get pods -A` (server-side
printing, the default) and `-o json`, for each kubectl version given.

    python bench/get_pods.py [--pods 3000] [--workers 30] [--runs 5] [--kubectl 1.27 --kubectl 1.33]
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.live import LiveServer, kubectl_binary, wait_for  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pods", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=30)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--kubectl", action="append", help="kubectl version(s) to time (default 1.27 and 1.33)")
    args = parser.parse_args()
    versions = args.kubectl or ["1.27", "1.33"]
    server = LiveServer(Path(tempfile.mkdtemp(prefix="playground-bench-"))).start()
    try:
        code, body = server.json("POST", "/clusters/", {"name": "bench"})
        assert code == 201, body
        server.json("POST", "/clusters/bench/playground/clock", {"speed": 10})
        for i in range(4, args.workers + 1):
            code, body = server.json("POST", "/clusters/bench/playground/nodes", {"name": f"worker-{i}", "cpu": "16", "memory": "64Gi", "pods": 110})
            assert code == 201, body
        per = 300
        started = time.monotonic()
        for d in range((args.pods + per - 1) // per):
            replicas = min(per, args.pods - d * per)
            manifest = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": f"app-{d}"},
                        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": f"app-{d}"}},
                                 "template": {"metadata": {"labels": {"app": f"app-{d}"}},
                                              "spec": {"containers": [{"name": "web", "image": "nginx:1.25"}]}}}}
            code, body = server.json("POST", "/clusters/bench/apis/apps/v1/namespaces/default/deployments", manifest)
            assert code == 201, body

        def running() -> int:
            _, pods = server.json("GET", "/clusters/bench/api/v1/pods?fieldSelector=status.phase%3DRunning")
            return len(pods["items"])

        wait_for(lambda: running() >= args.pods, 1800, f"{args.pods} running pods", interval=2)
        print(f"{args.pods} pods Running on {args.workers} workers after {time.monotonic() - started:.1f} s (clock x10)")
        server.json("POST", "/clusters/bench/playground/clock", {"speed": 1})
        kubeconfig = Path(server.var_dir) / "kubeconfig"
        kubeconfig.write_bytes(server.request("GET", "/clusters/bench/playground/kubeconfig")[1])
        for version in versions:
            binary = kubectl_binary(version)
            if binary is None:
                print(f"kubectl {version}: not installed, skipped")
                continue
            for label, extra in (("get pods -A", []), ("get pods -A -o json", ["-o", "json"])):
                times = []
                for _ in range(args.runs):
                    t0 = time.monotonic()
                    out = subprocess.run([binary, "--kubeconfig", str(kubeconfig), "get", "pods", "-A", *extra], capture_output=True, text=True, check=True)
                    times.append(time.monotonic() - t0)
                lines = len(out.stdout.splitlines()) - 1 if not extra else len(json.loads(out.stdout)["items"])
                print(f"kubectl {version} {label}: median {statistics.median(times):.2f} s, min {min(times):.2f} s over {args.runs} runs ({lines} pods)")
        t0 = time.monotonic()
        code, raw, _ = server.request("GET", "/clusters/bench/api/v1/pods")
        print(f"raw GET /api/v1/pods: {time.monotonic() - t0:.2f} s, {len(raw) / 1e6:.1f} MB")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
