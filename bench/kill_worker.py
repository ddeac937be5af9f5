#!/usr/bin/env python
"""Measure the kill-a-worker scenario in real (wall) time.

Starts the control plane and node agents in this process, exactly as `manage.py
playground` does, on a fresh SQLite store in a temporary folder (or DATABASE_URL when
--use-database-url is given), with a cluster in the chosen timing profile at clock speed
1. It deploys 6 replicas, powers off the worker that holds the most of them, and prints
when each step of the recovery happened, next to the delays the profile configures.

    python bench/kill_worker.py [--profile classroom|kubernetes] [--replicas 6] [--runs 1]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def setup(use_database_url: bool) -> None:
    if not use_database_url:
        os.environ.pop("DATABASE_URL", None)
        os.environ["PLAYGROUND_VAR_DIR"] = tempfile.mkdtemp(prefix="playground-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "playground.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def wait(predicate, timeout: float, what: str) -> float:
    """Poll until predicate() is true; return the wall time it became true."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return time.monotonic()
        time.sleep(0.02)
    raise SystemExit(f"timed out waiting for {what}")


def one_run(name: str, profile_name: str, replicas: int) -> dict:
    from orchestrator import launcher
    from orchestrator.controlplane.clusters import cluster_create
    from orchestrator.controlplane.profiles import profile_for
    from orchestrator.models import Machine, Node, Pod
    from orchestrator.nodes.machines import machine_power
    from orchestrator.store.services import object_create

    cluster = cluster_create(name=name, profile=profile_name)
    profile = profile_for(profile_name)
    runners = launcher.start(launcher.control_plane_runners([name]) + launcher.node_runners([name]))
    try:
        wait(lambda: Node.objects.filter(cluster=cluster, ready="True").count() == 4, 60, "nodes Ready")
        object_create(cluster=cluster, kind="Deployment", obj={
            "metadata": {"name": "web", "namespace": "default"},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                     "template": {"metadata": {"labels": {"app": "web"}},
                                  "spec": {"containers": [{"name": "web", "image": "nginx:1.25"}]}}},
        })

        def ready_pods(exclude: str = ""):
            return [p for p in Pod.objects.filter(cluster=cluster, labels__app="web", deletion_timestamp__isnull=True, phase="Running")
                    if p.node_name != exclude and any(c.get("type") == "Ready" and c.get("status") == "True" for c in p.status.get("conditions") or [])]

        wait(lambda: len(ready_pods()) == replicas, 120, "all replicas Running")
        victim_name = Counter(p.node_name for p in ready_pods()).most_common(1)[0][0]
        doomed = [p.name for p in ready_pods() if p.node_name == victim_name]
        time.sleep(profile.lease_renew_interval)  # let a heartbeat land, so the count starts from a typical moment
        t0 = time.monotonic()
        machine_power(machine=Machine.objects.get(cluster=cluster, name=victim_name), on=False)
        t_not_ready = wait(lambda: Node.objects.get(cluster=cluster, name=victim_name).ready != "True", 600, "NotReady")
        t_tainted = wait(lambda: any(t.get("effect") == "NoExecute" for t in Node.objects.get(cluster=cluster, name=victim_name).spec.get("taints") or []), 600, "taint")
        t_evicted = wait(lambda: all(Pod.objects.get(cluster=cluster, name=n).deletion_timestamp for n in doomed), 900, "eviction")
        t_recovered = wait(lambda: len(ready_pods(exclude=victim_name)) == replicas, 900, "recovery")
        return {
            "victim": victim_name,
            "pods on victim": len(doomed),
            "NotReady": t_not_ready - t0,
            "tainted": t_tainted - t0,
            "evicted": t_evicted - t0,
            "recovered": t_recovered - t0,
        }
    finally:
        launcher.stop(runners)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", default="classroom", choices=["classroom", "kubernetes"])
    parser.add_argument("--replicas", type=int, default=6)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--use-database-url", action="store_true", help="use DATABASE_URL instead of a temporary SQLite file")
    args = parser.parse_args()
    setup(args.use_database_url)
    from orchestrator.controlplane.profiles import profile_for

    profile = profile_for(args.profile)
    results = [one_run(f"bench-{i}-{int(time.time())}", args.profile, args.replicas) for i in range(args.runs)]
    configured = profile.node_monitor_grace + profile.default_toleration_seconds + profile.container_start
    print(f"kill-a-worker, profile {args.profile}, clock speed 1, {args.replicas} replicas, {args.runs} run(s)")
    print(f"configured: node monitor grace {profile.node_monitor_grace:g} s + toleration {profile.default_toleration_seconds:g} s"
          f" + container start {profile.container_start:g} s = {configured:g} s"
          f" (heartbeats every {profile.lease_renew_interval:g} s, image already cached on the other workers)")
    for key in ("NotReady", "tainted", "evicted", "recovered"):
        values = [r[key] for r in results]
        print(f"  power-off -> {key:<10} median {statistics.median(values):6.2f} s   (runs: {', '.join(f'{v:.2f}' for v in values)})")
    print(f"  pods on the killed worker: {', '.join(str(r['pods on victim']) for r in results)}")


if __name__ == "__main__":
    main()
