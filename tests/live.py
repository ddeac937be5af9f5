"""A playground running in its own process, for tests that talk to it over HTTP."""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KUBECTL_DIR = Path("/usr/lib/google-cloud-sdk/bin")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout: float, what: str, interval: float = 0.1):
    """Poll `predicate` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            result = predicate()
        except Exception as exc:  # the condition may not be checkable yet
            last_error = exc
            result = None
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"{what} not reached within {timeout} s" + (f" (last error: {last_error!r})" if last_error else ""))


class LiveServer:
    def __init__(self, var_dir: Path, env: dict | None = None):
        self.var_dir = var_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = env or {}
        self.proc: subprocess.Popen | None = None
        self.log = var_dir / "server.log"

    def start(self) -> "LiveServer":
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        # One server holds every cluster the whole suite makes (hundreds), unlike a classroom's.
        env.update(PLAYGROUND_VAR_DIR=str(self.var_dir), LOG_LEVEL="WARNING", PLAYGROUND_MAX_CLUSTERS="2000", **self.env)
        self.proc = subprocess.Popen(
            [sys.executable, "manage.py", "playground", "--port", str(self.port)],
            cwd=ROOT, env=env, stdout=self.log.open("w"), stderr=subprocess.STDOUT,
        )
        wait_for(lambda: self.request("GET", "/healthz")[0] == 200, 60, "the playground web server")
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def request(self, method: str, path: str, body=None, headers: dict | None = None) -> tuple[int, bytes, dict]:
        data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=headers or {})
        if data is not None and "Content-Type" not in (headers or {}):
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read(), dict(error.headers)

    def json(self, method: str, path: str, body=None, headers: dict | None = None) -> tuple[int, dict]:
        code, raw, _ = self.request(method, path, body, headers)
        return code, json.loads(raw) if raw else {}


def kubectl_binary(version: str) -> str | None:
    """Return the path of kubectl `version` (e.g. "1.27") on this machine, or None."""
    candidate = KUBECTL_DIR / f"kubectl.{version}"
    if candidate.exists():
        return str(candidate)
    found = shutil.which(f"kubectl.{version}")
    return found
