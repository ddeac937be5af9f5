"""What a serving pod's log shows of the requests it answered, nginx style.

The lines go where the kubelet keeps its containers' logs (the Sandbox state, capped at the
kubelet's LOG_LINES), so `kubectl logs` and the page show them. Up to EACH_LINE_UP_TO requests a
second a pod logs one line per request, from the client node's IP; above that it logs one
summary line a second, so a high rate cannot flood the capped log with identical lines.
"""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone

from orchestrator.kubelet.kubelet import append_logs
from orchestrator.models import Sandbox
from orchestrator.store.serialize import format_micro_time

EACH_LINE_UP_TO = 10
REQUEST = '"GET / HTTP/1.1" 200'
BODY_BYTES = 615  # nginx's welcome page
USER_AGENT = "curl/8.5.0"


def _when(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=timezone.utc)


def _nginx_time(seconds: float) -> str:
    return _when(seconds).strftime("%d/%b/%Y:%H:%M:%S +0000")


def lines_for(second: int, clients: Counter) -> list[list[str]]:
    """The [timestamp, line] entries for the requests one pod served in the second ending at `second`,
    `clients` counting them by client IP."""
    total = sum(clients.values())
    if total > EACH_LINE_UP_TO:
        sources = ", ".join(f"{ip} ({n})" for ip, n in sorted(clients.items()))
        return [[format_micro_time(_when(second)), f"[{_nginx_time(second)}] {total} requests {REQUEST} in 1s from {sources}"]]
    ips = [ip for ip, n in sorted(clients.items()) for _ in range(n)]
    entries = []
    for i, ip in enumerate(ips):
        at = second - 1 + (i + 0.5) / total  # spread over the second
        entries.append([format_micro_time(_when(at)), f'{ip} - - [{_nginx_time(at)}] {REQUEST} {BODY_BYTES} "-" "{USER_AGENT}"'])
    return entries


def write(served: dict[tuple[int, str], list], sandboxes: dict[int, Sandbox]) -> None:
    """Append each (sandbox id, container)'s entries to its log, in one UPDATE for all sandboxes."""
    touched = {}
    for (sandbox_id, container), entries in served.items():
        sandbox = sandboxes[sandbox_id]
        state = sandbox.state.get("containers", {}).get(container)
        if state is not None and entries:
            append_logs(state, entries)
            touched[sandbox_id] = sandbox
    if touched:
        Sandbox.objects.bulk_update(list(touched.values()), ["state"])
