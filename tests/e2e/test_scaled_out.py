"""Scaled out: PostgreSQL and Redis, two control-plane processes and a node-agent process.

Only the holder of a component's Lease acts; when it dies the other copy takes the Lease
over and the cluster carries on.
"""
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PG = "postgres://postgres@127.0.0.1:5432/{db}"
pytestmark = pytest.mark.postgres


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"{what} not reached within {timeout} s")


@pytest.fixture
def database():
    psycopg = pytest.importorskip("psycopg")
    name = f"playground_scaled_{uuid.uuid4().hex[:8]}"
    try:
        admin = psycopg.connect(PG.format(db="postgres"), autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL is not reachable on 127.0.0.1:5432: {exc}")
    admin.execute(f'CREATE DATABASE "{name}"')
    yield name
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture
def env(database, tmp_path):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.skip(f"Redis is not reachable on 127.0.0.1:6379: {exc}")
    environment = dict(os.environ, DATABASE_URL=PG.format(db=database), REDIS_URL="redis://127.0.0.1:6379/3",
                       PLAYGROUND_VAR_DIR=str(tmp_path), LOG_LEVEL="WARNING")
    return environment


def manage(env, *args, check=True):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=check, timeout=120)


def shell(env, code: str) -> str:
    return manage(env, "shell", "-c", code).stdout.strip()


def query(env, sql: str):
    import psycopg

    with psycopg.connect(env["DATABASE_URL"]) as conn:
        return conn.execute(sql).fetchall()


def test_a_second_control_plane_takes_over_when_the_leader_dies(env):
    manage(env, "migrate", "-v0")
    manage(env, "cluster", "create", "demo")
    procs = {}
    try:
        for name, command in (("cp-a", "controlplane"), ("cp-b", "controlplane"), ("nodes", "nodes")):
            procs[name] = subprocess.Popen([sys.executable, "manage.py", command], cwd=ROOT, env=env,
                                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wait_for(lambda: query(env, "select count(*) from orchestrator_node where ready = 'True'")[0][0] == 4, 60, "four Ready nodes")

        def holder(component: str) -> str:
            rows = query(env, f"select spec->>'holderIdentity', spec->>'leaseTransitions' from orchestrator_lease where namespace = 'kube-system' and name = '{component}'")
            return rows[0] if rows else None

        identity, transitions = wait_for(lambda: holder("kube-controller-manager"), 30, "a controller-manager leader")
        pid = int(identity.split("_")[-2])
        leader = next(n for n, p in procs.items() if p.pid == pid)
        assert leader in ("cp-a", "cp-b")
        procs[leader].send_signal(signal.SIGKILL)
        procs[leader].wait(10)

        shell(env, (
            "from orchestrator.controlplane.clusters import cluster_get;"
            "from orchestrator.store.services import object_create;"
            "object_create(cluster=cluster_get('demo'), kind='Deployment', obj={'metadata': {'name': 'web', 'namespace': 'default'},"
            "'spec': {'replicas': 3, 'selector': {'matchLabels': {'app': 'web'}}, 'template': {'metadata': {'labels': {'app': 'web'}},"
            "'spec': {'containers': [{'name': 'web', 'image': 'nginx:1.25'}]}}}})"
        ))
        running = "select count(*) from orchestrator_pod where labels->>'app' = 'web' and phase = 'Running'"
        wait_for(lambda: query(env, running)[0][0] == 3, 90, "3 pods running after the failover")
        new_identity, new_transitions = holder("kube-controller-manager")
        assert new_identity != identity
        assert int(new_transitions) == int(transitions or 0) + 1
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
        for proc in procs.values():
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
