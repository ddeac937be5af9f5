"""The one-command start, Ctrl-C, and a restart that resumes the same cluster."""
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = predicate()
        except (OSError, sqlite3.Error):
            result = None
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"{what} not reached within {timeout} s")


def query(db: Path, sql: str):
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
        return conn.execute(sql).fetchall()


class Playground:
    def __init__(self, var_dir: Path):
        self.var_dir = var_dir
        self.port = free_port()
        self.proc = None

    def start(self):
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        env["PLAYGROUND_VAR_DIR"] = str(self.var_dir)
        self.proc = subprocess.Popen(
            [sys.executable, "manage.py", "playground", "--port", str(self.port)],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        wait_for(lambda: urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1).status == 200, 60, "the web server")

    def interrupt(self) -> tuple[int, str]:
        self.proc.send_signal(signal.SIGINT)
        out, _ = self.proc.communicate(timeout=30)
        return self.proc.returncode, out

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()


@pytest.fixture
def playground(tmp_path):
    p = Playground(tmp_path)
    yield p
    p.kill()


def test_one_command_starts_the_demo_cluster_and_a_restart_resumes_it(playground):
    db = playground.var_dir / "playground.sqlite3"
    playground.start()
    ready = "select count(*) from orchestrator_node where ready = 'True'"
    wait_for(lambda: query(db, ready)[0][0] == 4, 30, "four Ready nodes")
    page = urllib.request.urlopen(f"http://127.0.0.1:{playground.port}/", timeout=5).read().decode()
    assert "/clusters/demo/playground/" in page  # the landing page links the demo cluster's picture
    overview = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{playground.port}/teacher/overview.json", timeout=5).read())
    demo = next(c for c in overview["clusters"] if c["name"] == "demo")
    assert [n["name"] for n in demo["nodes"]] == ["control-plane", "worker-1", "worker-2", "worker-3"]
    code, out = playground.interrupt()
    assert code == 0, out
    namespaces = query(db, "select name, uid, resource_version from orchestrator_namespace order by name")
    nodes = query(db, "select name, uid from orchestrator_node order by name")
    revision = query(db, "select revision from orchestrator_cluster where name = 'demo'")[0][0]
    assert [n[0] for n in namespaces] == ["default", "kube-node-lease", "kube-public", "kube-system"]

    playground.start()
    wait_for(lambda: query(db, "select revision from orchestrator_cluster where name = 'demo'")[0][0] > revision, 30, "new writes")
    assert query(db, "select count(*) from orchestrator_cluster")[0][0] == 1
    assert query(db, "select name, uid, resource_version from orchestrator_namespace order by name") == namespaces
    assert query(db, "select name, uid from orchestrator_node order by name") == nodes
    assert query(db, "select min(revision) from orchestrator_revision")[0][0] == 1
    wait_for(lambda: query(db, ready)[0][0] == 4, 30, "four Ready nodes after the restart")
    code, out = playground.interrupt()
    assert code == 0, out
