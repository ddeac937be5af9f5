"""Playground processes for the bench, and the tools that drive and measure them.

`Playground` starts a fresh playground from a checkout (this one or `--repo`): embedded (one
`manage.py playground` process, SQLite, in-memory channel layer) or scaled out (`playground
--no-components`, `controlplane` and `nodes` on a new PostgreSQL database and Redis). Each one
gets a temporary PLAYGROUND_VAR_DIR and a free port, and is stopped with Ctrl-C (SIGINT).
"""
from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import stats

ROOT = Path(__file__).resolve().parents[1]
POSTGRES = "postgres://postgres@127.0.0.1:5432/{db}"
REDIS = "redis://127.0.0.1:6379/{db}"
CLK_TCK = os.sysconf("SC_CLK_TCK")
NGINX = "nginx:1.25"


class NotReached(Exception):
    """A step did not finish within its time limit; the message says how far it got."""


class Playground:
    def __init__(self, repo: Path = ROOT, scaled_out: bool = False, redis_db: int = 14):
        self.repo = Path(repo)
        self.scaled_out = scaled_out
        self.redis_db = redis_db
        self.var_dir = Path(tempfile.mkdtemp(prefix="playground-bench-"))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.procs: dict[str, subprocess.Popen] = {}
        self.database = ""
        self._logs = []

    # -- life cycle ---------------------------------------------------------------------
    def start(self, timeout: float = 120) -> "Playground":
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")}
        env.update(PLAYGROUND_VAR_DIR=str(self.var_dir), LOG_LEVEL="WARNING", PYTHONUNBUFFERED="1")
        if not self.scaled_out:
            self._spawn("playground", ["playground", "--port", str(self.port)], env)
            self.wait_healthy(timeout)
            return self
        self.database = f"playground_bench_{uuid.uuid4().hex[:8]}"
        with _postgres_admin() as admin:
            admin.execute(f'CREATE DATABASE "{self.database}"')
        _redis_flush(self.redis_db)
        env.update(DATABASE_URL=POSTGRES.format(db=self.database), REDIS_URL=REDIS.format(db=self.redis_db))
        # The web process migrates the new database and creates `demo`; the components follow.
        self._spawn("web", ["playground", "--no-components", "--port", str(self.port)], env)
        self.wait_healthy(timeout)
        self._spawn("controlplane", ["controlplane"], env)
        self._spawn("nodes", ["nodes"], env)
        return self

    def _spawn(self, role: str, args: list[str], env: dict) -> None:
        log = (self.var_dir / f"{role}.log").open("w")
        self._logs.append(log)
        self.procs[role] = subprocess.Popen([sys.executable, "manage.py", *args], cwd=self.repo, env=env,
                                            stdout=log, stderr=subprocess.STDOUT)

    def wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        client = Client(self.url, timeout=5)
        while time.monotonic() < deadline:
            for role, proc in self.procs.items():
                if proc.poll() is not None:
                    raise RuntimeError(f"the playground's {role} process exited with {proc.returncode}: {self.log_tail(role)}")
            try:
                if client.request("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"the playground did not answer /healthz within {timeout:.0f} s: {self.log_tail()}")

    def stop(self) -> list[str]:
        """Ctrl-C every process, kill those still running 10 s later; return the roles killed."""
        killed = []
        for proc in reversed(list(self.procs.values())):
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
        for role, proc in self.procs.items():
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                killed.append(role)
        for log in self._logs:
            log.close()
        if self.database:
            try:
                with _postgres_admin() as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
            except Exception as error:  # leave it; the report goes on
                print(f"  (could not drop database {self.database}: {error})", flush=True)
        shutil.rmtree(self.var_dir, ignore_errors=True)
        return killed

    def __enter__(self) -> "Playground":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def log_tail(self, role: str | None = None, lines: int = 15) -> str:
        roles = [role] if role else list(self.procs)
        out = []
        for r in roles:
            path = self.var_dir / f"{r}.log"
            if path.exists():
                out.append(f"[{r}] " + " | ".join(path.read_text(errors="replace").splitlines()[-lines:]))
        return "\n".join(out)

    def alive(self) -> bool:
        return all(p.poll() is None for p in self.procs.values())

    # -- measuring ----------------------------------------------------------------------
    @property
    def pids(self) -> dict[str, int]:
        return {role: p.pid for role, p in self.procs.items()}

    def cpu_ticks(self) -> dict[str, int]:
        return {role: stats.stat_cpu_ticks(Path(f"/proc/{pid}/stat").read_text()) for role, pid in self.pids.items()}

    def memory_mb(self, field: str = "VmRSS") -> dict[str, float]:
        """Resident memory (VmRSS) or its peak (VmHWM) of each process, in MB (10^6 bytes)."""
        return {role: stats.status_kib(Path(f"/proc/{pid}/status").read_text(), field) * 1024 / 1e6
                for role, pid in self.pids.items()}

    def cpu_window(self, seconds: float) -> dict[str, float]:
        """CPU of each process over the next `seconds`, in % of one core; `total` sums them."""
        before, t0 = self.cpu_ticks(), time.monotonic()
        time.sleep(seconds)
        after, wall = self.cpu_ticks(), time.monotonic() - t0
        usage = {role: stats.cpu_percent(before[role], after[role], wall, CLK_TCK) for role in before}
        usage["total"] = sum(usage.values())
        return usage

    def describe(self) -> str:
        if self.scaled_out:
            return f"scaled out: web + controlplane + nodes on PostgreSQL {self.database}, Redis db {self.redis_db}"
        return "embedded: one `manage.py playground` process, SQLite, in-memory channel layer"

    # -- tools --------------------------------------------------------------------------
    def client(self, timeout: float = 60) -> "Client":
        return Client(self.url, timeout=timeout)

    def kubeconfig(self, cluster: str) -> Path:
        path = self.var_dir / f"kubeconfig-{cluster}"
        code, raw, _ = self.client().request("GET", f"/clusters/{cluster}/playground/kubeconfig")
        if code != 200:
            raise RuntimeError(f"kubeconfig of {cluster}: {code} {raw[:200]!r}")
        path.write_bytes(raw)
        return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _postgres_admin:
    """A connection to the server's `postgres` database, for CREATE / DROP DATABASE."""

    def __enter__(self):
        import psycopg

        self.connection = psycopg.connect(POSTGRES.format(db="postgres"), autocommit=True, connect_timeout=5)
        return self.connection

    def __exit__(self, *exc):
        self.connection.close()


def _redis_flush(db: int) -> None:
    import redis

    redis.Redis.from_url(REDIS.format(db=db), socket_connect_timeout=3).flushdb()


class Client:
    """HTTP/1.1 with keep-alive (http.client), one connection per thread, JSON in and out."""

    def __init__(self, url: str, timeout: float = 60):
        parsed = urllib.parse.urlsplit(url)
        self.host, self.port, self.timeout = parsed.hostname, parsed.port, timeout
        self.local = threading.local()

    def _connection(self) -> http.client.HTTPConnection:
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = self.local.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return conn

    def request(self, method: str, path: str, body=None, headers: dict | None = None) -> tuple[int, bytes, dict]:
        data = None if body is None else body if isinstance(body, bytes) else json.dumps(body).encode()
        headers = dict(headers or {})
        if data is not None:
            headers.setdefault("Content-Type", "application/json")
        for attempt in (1, 2):
            conn = self._connection()
            try:
                conn.request(method, path, body=data, headers=headers)
                response = conn.getresponse()
                raw = response.read()
                return response.status, raw, dict(response.headers)
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError, http.client.CannotSendRequest):
                # A keep-alive connection the server closed: open a new one, once.
                conn.close()
                self.local.conn = None
                if attempt == 2:
                    raise
            except OSError:
                conn.close()
                self.local.conn = None
                raise
        raise AssertionError("unreachable")

    def json(self, method: str, path: str, body=None, headers: dict | None = None) -> tuple[int, dict]:
        code, raw, _ = self.request(method, path, body, headers)
        try:
            return code, json.loads(raw) if raw else {}
        except ValueError:
            return code, {"raw": raw[:300].decode(errors="replace")}

    def ok(self, method: str, path: str, body=None, headers: dict | None = None, tries: int = 5, accept=(200, 201)) -> dict:
        """A request that must succeed; retried while the server is busy (timeouts, 429, 5xx).
        A retried create answered 409 already went through."""
        last = ""
        for attempt in range(tries):
            try:
                code, out = self.json(method, path, body, headers)
            except OSError as error:
                last = f"no answer: {error}"
                time.sleep(1 + attempt)
                continue
            if code in accept or (code == 409 and attempt > 0 and method == "POST"):
                return out
            last = f"{code} {json.dumps(out)[:300]}"
            if code in (429, 500, 502, 503, 504):
                time.sleep(1 + attempt)
                continue
            break
        raise RuntimeError(f"{method} {path}: {last}")


# -- cluster set-up helpers, all through the HTTP APIs ----------------------------------
MERGE = {"Content-Type": "application/merge-patch+json"}


def deployment(name: str, replicas: int, image: str = NGINX, node_selector: dict | None = None) -> dict:
    spec = {"containers": [{"name": "web", "image": image}]}
    if node_selector:
        spec["nodeSelector"] = node_selector
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "labels": {"app": name}},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}}, "spec": spec}}}


def pod(name: str, node: str = "", app: str = "bench", image: str = NGINX) -> dict:
    spec: dict = {"containers": [{"name": "web", "image": image}]}
    if node:
        spec["nodeName"] = node
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": {"app": app}}, "spec": spec}


def parallel(items: list, work, threads: int, deadline: float) -> tuple[int, list[str]]:
    """Run work(item) over items on `threads` threads until `deadline` (monotonic); return how
    many succeeded and the first errors. Items not started by the deadline are skipped."""
    done = 0
    errors: list[str] = []
    lock = threading.Lock()

    def one(item):
        nonlocal done
        if time.monotonic() > deadline:
            return
        try:
            work(item)
        except Exception as error:  # counted and reported, the others go on
            with lock:
                if len(errors) < 5:
                    errors.append(str(error)[:300])
            return
        with lock:
            done += 1

    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(one, items))
    return done, errors


def add_nodes(client: Client, cluster: str, names: list[str], limit: float, threads: int = 1,
              pods: int = 110, cpu: str = "16", memory: str = "64Gi") -> float:
    """Add machines through the control API; return the wall seconds until every POST was answered."""
    t0 = time.monotonic()
    body = {"runtime": "containerd", "cpu": cpu, "memory": memory, "pods": pods}
    done, errors = parallel(names, lambda n: client.ok("POST", f"/clusters/{cluster}/playground/nodes", dict(body, name=n), accept=(201,)),
                            threads, t0 + limit)
    elapsed = time.monotonic() - t0
    if done < len(names):
        raise NotReached(f"{done:,} of {len(names):,} nodes added after {elapsed:.0f} s" + (f" ({errors[0]})" if errors else ""))
    return elapsed


def ready_nodes(client: Client, cluster: str) -> tuple[int, int]:
    """(nodes Ready, nodes registered) as the Kubernetes API lists them."""
    items = client.ok("GET", f"/clusters/{cluster}/api/v1/nodes")["items"]
    ready = sum(1 for n in items if node_ready(n))
    return ready, len(items)


def node_ready(node: dict) -> bool:
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in node.get("status", {}).get("conditions") or [])


def pod_ready(p: dict) -> bool:
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in p.get("status", {}).get("conditions") or [])


def wait_until(check, limit: float, interval: float = 0.25):
    """Call check() until it returns (True, progress) or `limit` seconds pass; return the seconds
    it took. On timeout raise NotReached with the last progress text."""
    t0 = time.monotonic()
    progress = "nothing checked"
    while True:
        try:
            done, progress = check()
        except OSError as error:  # the server too busy to answer in time: keep waiting
            done, progress = False, f"{progress} (last check: {error})"
        elapsed = time.monotonic() - t0
        if done:
            return elapsed
        if elapsed > limit:
            raise NotReached(f"{progress} after {elapsed:.0f} s")
        time.sleep(interval)


def wait_nodes_ready(client: Client, cluster: str, count: int, limit: float) -> float:
    def check():
        ready, registered = ready_nodes(client, cluster)
        return ready >= count, f"{ready:,} of {count:,} nodes Ready ({registered:,} registered)"
    return wait_until(check, limit, interval=1.0)


def deployments_ready(client: Client, cluster: str, namespace: str = "default") -> tuple[int, int, int]:
    """(pods created, ready, desired) summed over the namespace's Deployments, from their status."""
    items = client.ok("GET", f"/clusters/{cluster}/apis/apps/v1/namespaces/{namespace}/deployments")["items"]
    created = sum(d.get("status", {}).get("replicas") or 0 for d in items)
    ready = sum(d.get("status", {}).get("readyReplicas") or 0 for d in items)
    desired = sum(d.get("spec", {}).get("replicas") or 0 for d in items)
    return created, ready, desired


def set_component(client: Client, cluster: str, component: str, on: bool) -> None:
    client.ok("POST", f"/clusters/{cluster}/playground/components/{component}/power", {"on": on})


def warm_images(client: Client, cluster: str, nodes: list[str], limit: float, threads: int = 4) -> float:
    """Pull nginx onto every node once, so the measured pods start with the image present.

    One pod per node, placed with spec.nodeName (no scheduler), then deleted. The machine's
    runtime keeps the image, as a real node's does."""
    t0 = time.monotonic()
    names = {node: f"warm-{i}" for i, node in enumerate(nodes)}
    base = f"/clusters/{cluster}/api/v1/namespaces/default/pods"
    parallel(list(names.items()), lambda item: client.ok("POST", base, pod(item[1], node=item[0], app="warm")), threads, t0 + limit)

    def check():
        items = client.ok("GET", f"{base}?labelSelector=app%3Dwarm")["items"]
        running = sum(1 for p in items if p.get("status", {}).get("phase") == "Running")
        return running >= len(nodes), f"image pulled on {running:,} of {len(nodes):,} nodes"
    wait_until(check, limit - (time.monotonic() - t0), interval=1.0)
    client.ok("DELETE", f"{base}?labelSelector=app%3Dwarm")

    def gone():
        left = len(client.ok("GET", f"{base}?labelSelector=app%3Dwarm")["items"])
        return left == 0, f"{left:,} warm-up pods still terminating"
    wait_until(gone, 120, interval=1.0)
    return time.monotonic() - t0


def kubectl(kubeconfig: Path, *args: str, timeout: float = 120) -> tuple[float, subprocess.CompletedProcess]:
    """Run the real kubectl; return its wall seconds and the finished process."""
    binary = shutil.which("kubectl")
    if binary is None:
        raise RuntimeError("kubectl is not on PATH")
    t0 = time.monotonic()
    done = subprocess.run([binary, "--kubeconfig", str(kubeconfig), *args], capture_output=True, text=True, timeout=timeout)
    return time.monotonic() - t0, done


# -- the live page's websocket ----------------------------------------------------------
class LiveSocket:
    """One open page's feed (`/ws/clusters/NAME/`), read on a thread of its own.

    `expect(text)` arms it: the arrival time (monotonic) of the first frame whose raw text
    contains `text` is kept in `arrived[text]`. Frames are not parsed: the probe is found in the
    text, so a big cluster's frames cost the reader little."""

    def __init__(self, base_url: str, cluster: str, timeout: float = 120):
        import websocket  # websocket-client

        ws_url = base_url.replace("http://", "ws://") + f"/ws/clusters/{cluster}/"
        self.ws = websocket.create_connection(ws_url, origin=base_url, timeout=timeout, enable_multithread=True)
        self.ws.settimeout(None)
        self.lock = threading.Lock()
        self.watching: set[str] = set()
        self.arrived: dict[str, float] = {}
        self.frames = 0
        self.snapshot = threading.Event()
        self.closed = False
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        while not self.closed:
            try:
                text = self.ws.recv()
            except Exception:
                break
            now = time.monotonic()
            if not isinstance(text, str):
                continue
            self.frames += 1
            if not self.snapshot.is_set() and '"snapshot"' in text[:40]:
                self.snapshot.set()
            with self.lock:
                for probe in [p for p in self.watching if p in text]:
                    self.watching.discard(probe)
                    self.arrived[probe] = now

    def expect(self, text: str) -> None:
        with self.lock:
            self.watching.add(text)

    def close(self) -> None:
        self.closed = True
        try:
            self.ws.close()
        except Exception:
            pass


def open_sockets(base_url: str, clusters: list[str], limit: float) -> list[LiveSocket]:
    """One socket per entry of `clusters` (repeat a name for several pages), each past its snapshot."""
    sockets = []
    t0 = time.monotonic()
    try:
        for name in clusters:
            sockets.append(LiveSocket(base_url, name, timeout=max(5.0, limit)))
        for s in sockets:
            if not s.snapshot.wait(max(0.1, limit - (time.monotonic() - t0))):
                raise NotReached(f"{sum(x.snapshot.is_set() for x in sockets)} of {len(clusters)} pages got their snapshot "
                                 f"after {time.monotonic() - t0:.0f} s")
    except Exception:
        for s in sockets:
            s.close()
        raise
    return sockets


def probe_pages(client: Client, targets: list[tuple[str, list[LiveSocket]]], count: int, sizes) -> tuple[list[float], int, int]:
    """Create `count` probe pods one at a time, the i-th in the i-th target's cluster (round robin),
    each awaited on that target's sockets, within `sizes.writes_limit`; return the delays (ms), the
    frames that never arrived and how many writes were made."""
    delays, missed, writes = [], 0, 0
    stop_at = time.monotonic() + sizes.writes_limit
    for i in range(count):
        if time.monotonic() > stop_at:
            break
        writes += 1
        cluster, sockets = targets[i % len(targets)]
        got, lost = write_to_pages(client, cluster, sockets, f"probe-{i}", sizes.write_limit)
        delays += got
        missed += lost
    return delays, missed, writes


def write_to_pages(client: Client, cluster: str, sockets: list[LiveSocket], name: str, limit: float) -> tuple[list[float], int]:
    """Create pod `name` in `cluster` and wait for it on every socket; return the delays (ms) from
    just before the POST to each socket's frame naming it, and the number of sockets it never reached."""
    probe = f'"default/{name}"'
    for s in sockets:
        s.expect(probe)
    sent = time.monotonic()
    client.ok("POST", f"/clusters/{cluster}/api/v1/namespaces/default/pods", pod(name, app="probe"))
    deadline = sent + limit
    while time.monotonic() < deadline and not all(probe in s.arrived for s in sockets):
        time.sleep(0.002)
    delays = [(s.arrived[probe] - sent) * 1000 for s in sockets if probe in s.arrived]
    for s in sockets:
        with s.lock:
            s.watching.discard(probe)
    return delays, len(sockets) - len(delays)
