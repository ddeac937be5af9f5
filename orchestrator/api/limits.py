"""Limits on requests: a rate per client (429) and a deadline per request (504).

``RequestLimitsMiddleware`` (in settings.MIDDLEWARE, after static files) applies both to every
HTTP request of the playground -- the Kubernetes API, the control API and the pages:

* **Rate**: a token bucket per client address, ``PLAYGROUND_RATE_LIMIT`` requests a second
  with bursts of ``PLAYGROUND_RATE_BURST``. Past it the answer is kube-apiserver's: 429
  TooManyRequests, ``Too many requests, please try again later.``, with ``Retry-After``
  (kubectl and client-go wait that long and retry by themselves). Addresses in
  ``PLAYGROUND_RATE_LIMIT_EXEMPT`` (loopback by default: the teacher's own laptop, its
  scripts and the benchmark) are not limited. Buckets live in each web process's memory.
* **Workers**: a client (not exempt) may have at most ``PLAYGROUND_MAX_INFLIGHT_PER_CLIENT``
  requests in progress at once (watches and followed logs not counted), so one learner's slow
  requests cannot take every worker thread from the others; past it, the same 429 (Retry-After:
  1), as kube-apiserver's max-in-flight limit answers.
* **Deadline**: a request that has not answered after ``PLAYGROUND_REQUEST_TIMEOUT`` seconds
  is answered 504 Timeout, ``Timeout: request did not complete within 1m0s``, as
  kube-apiserver's timeout filter answers. Long-running requests (watches, followed logs)
  are exempt, as there. The deadline also travels with the request into its worker thread
  (a context variable): work that checks it (:func:`check_deadline`: the YAML and JSON
  checks of parsing.py, the walk of a list, and -- on SQLite -- every query, through the
  connection's progress handler) stops there, so the thread is freed, not left running
  for nobody.

Plain module: the middleware is a thin shell around :class:`RateLimiter` and the deadline
helpers, which the tests drive directly.
"""
from __future__ import annotations

import asyncio
import contextvars
import math
import threading
import time

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.http import JsonResponse

from orchestrator.store.errors import StoreError

DEFAULTS = {
    "PLAYGROUND_RATE_LIMIT": 50.0,
    "PLAYGROUND_RATE_BURST": 200,
    "PLAYGROUND_RATE_LIMIT_EXEMPT": ("127.0.0.1", "::1"),
    "PLAYGROUND_REQUEST_TIMEOUT": 60.0,
    "PLAYGROUND_MAX_INFLIGHT_PER_CLIENT": 4,
}
_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("playground_request_deadline", default=None)


def setting(name: str):
    return getattr(settings, name, DEFAULTS[name])


class TooManyRequests(StoreError):
    code = 429
    reason = "TooManyRequests"


class Timeout(StoreError):
    code = 504
    reason = "Timeout"


def go_duration(seconds: float) -> str:
    """Go's time.Duration String(): 60 -> "1m0s", 0.25 -> "250ms", 90.5 -> "1m30.5s"."""
    if seconds < 1:
        millis = seconds * 1000
        return f"{millis:g}ms"
    minutes, rest = divmod(seconds, 60)
    hours, minutes = divmod(int(minutes), 60)
    text = f"{rest:g}s"
    if hours:
        return f"{hours}h{minutes}m{text}"
    if minutes:
        return f"{minutes}m{text}"
    return text


def timeout_error(seconds: float) -> Timeout:
    return Timeout(f"Timeout: request did not complete within {go_duration(seconds)}", retry_after=0)


# -- the rate ----------------------------------------------------------------------------------------
class RateLimiter:
    """Token buckets by key; `clock` is injectable for tests."""

    def __init__(self, rate: float, burst: int, clock=time.monotonic):
        self.rate = float(rate)
        self.burst = max(1, int(burst))
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, at)
        self._lock = threading.Lock()

    def take(self, key: str) -> float | None:
        """Take one token; None when allowed, else the seconds until the next one."""
        now = self.clock()
        with self._lock:
            tokens, at = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - at) * self.rate)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                if len(self._buckets) > 10000:
                    self._prune(now)
                return None
            self._buckets[key] = (tokens, now)
            return (1 - tokens) / self.rate if self.rate > 0 else 3600.0

    def _prune(self, now: float) -> None:
        full = self.burst / self.rate if self.rate > 0 else math.inf
        for key, (_, at) in list(self._buckets.items()):
            if now - at > full:
                del self._buckets[key]


def too_many(wait: float) -> TooManyRequests:
    seconds = max(1, math.ceil(wait))
    return TooManyRequests("Too many requests, please try again later.", retry_after=seconds)


# -- the deadline --------------------------------------------------------------------------------------
def long_running(request) -> bool:
    """Watches and followed logs run as long as their client wants, as in kube-apiserver."""
    get = request.GET
    return get.get("watch") in ("1", "true") or get.get("follow") in ("1", "true") or "/watch/" in request.path


def check_deadline() -> None:
    """Raise Timeout when the current request is past its deadline (a no-op outside requests)."""
    deadline = _deadline.get()
    if deadline is not None and time.monotonic() > deadline:
        raise timeout_error(setting("PLAYGROUND_REQUEST_TIMEOUT"))
    _guard_queries()


def past_deadline() -> bool:
    deadline = _deadline.get()
    return deadline is not None and time.monotonic() > deadline


_guarded = threading.local()


def _guard_queries() -> None:
    """On SQLite, let the connection of this thread abandon a query of a request past its deadline."""
    if _deadline.get() is None:
        return
    try:
        asyncio.get_running_loop()
        return  # the event loop's thread runs no queries
    except RuntimeError:
        pass
    try:
        from django.db import connection

        if connection.vendor != "sqlite":
            return
        connection.ensure_connection()
        raw = connection.connection
    except Exception:
        return
    if raw is None or getattr(_guarded, "raw", None) is raw:
        return
    raw.set_progress_handler(lambda: 1 if past_deadline() else 0, 10000)
    _guarded.raw = raw


# -- the middleware -------------------------------------------------------------------------------------
def _response(error: StoreError) -> JsonResponse:
    body = error.status()
    response = JsonResponse(body, status=error.code)
    if error.retry_after:
        response["Retry-After"] = str(error.retry_after)
    return response


class RequestLimitsMiddleware:
    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)
        self.limiter = RateLimiter(setting("PLAYGROUND_RATE_LIMIT"), setting("PLAYGROUND_RATE_BURST"))
        self.inflight: dict[str, int] = {}
        self._inflight_lock = threading.Lock()

    def _limited(self, request) -> str | None:
        """The client's address when limits apply to it, else None."""
        address = request.META.get("REMOTE_ADDR", "")
        return None if address in setting("PLAYGROUND_RATE_LIMIT_EXEMPT") else address

    def _enter(self, address: str | None, request) -> bool:
        """Count one more request in flight for the client; False past its share of the workers."""
        most = int(setting("PLAYGROUND_MAX_INFLIGHT_PER_CLIENT"))
        if address is None or most <= 0 or long_running(request):
            return True
        with self._inflight_lock:
            if self.inflight.get(address, 0) >= most:
                return False
            self.inflight[address] = self.inflight.get(address, 0) + 1
        request._playground_inflight = address
        return True

    def _leave(self, request) -> None:
        address = getattr(request, "_playground_inflight", None)
        if address is None:
            return
        with self._inflight_lock:
            left = self.inflight.get(address, 1) - 1
            if left > 0:
                self.inflight[address] = left
            else:
                self.inflight.pop(address, None)

    def _refusal(self, request):
        address = self._limited(request)
        if address is None or setting("PLAYGROUND_RATE_LIMIT") <= 0:
            return None
        if (self.limiter.rate, self.limiter.burst) != (float(setting("PLAYGROUND_RATE_LIMIT")), int(setting("PLAYGROUND_RATE_BURST"))):
            self.limiter = RateLimiter(setting("PLAYGROUND_RATE_LIMIT"), setting("PLAYGROUND_RATE_BURST"))
        wait = self.limiter.take(address)
        return None if wait is None else _response(too_many(wait))

    def _admit(self, request):
        """The 429 for a client past its rate or its share of the workers, else None (it is then in flight)."""
        refusal = self._refusal(request)
        if refusal is not None:
            return refusal
        if not self._enter(self._limited(request), request):
            return _response(too_many(1))
        return None

    def __call__(self, request):
        if self.is_async:
            return self.__acall__(request)
        refusal = self._admit(request)
        if refusal is not None:
            return refusal
        try:
            return self.get_response(request)
        finally:
            self._leave(request)

    async def __acall__(self, request):
        refusal = self._admit(request)
        if refusal is not None:
            return refusal
        try:
            seconds = float(setting("PLAYGROUND_REQUEST_TIMEOUT"))
            if seconds <= 0 or long_running(request):
                return await self.get_response(request)
            token = _deadline.set(time.monotonic() + seconds)
            try:
                return await asyncio.wait_for(self.get_response(request), seconds)
            except asyncio.TimeoutError:
                return _response(timeout_error(seconds))
            finally:
                _deadline.reset(token)
        finally:
            self._leave(request)
