"""Shared by the commands that run components: run runners until Ctrl-C."""
from __future__ import annotations

import signal
import threading

from orchestrator import launcher


def run_until_interrupted(runners, stdout) -> None:
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    launcher.start(runners)
    stdout.write("running; press Ctrl-C to stop")
    try:
        stop.wait()
    finally:
        stdout.write("stopping...")
        launcher.stop(runners)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
