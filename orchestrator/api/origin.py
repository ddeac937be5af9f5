"""Cross-site request forgery: which changes a browser may send on a learner's behalf.

A page on another site can make a learner's browser POST to the playground (a form, or a
``fetch`` in no-cors mode): without a check, ``<form action="http://teacher:8000/clusters/
demo/playground/nodes/worker-1/power">`` on any page powers a node off. The rule, for every
request that may change something (not GET, HEAD, OPTIONS or TRACE) on the control API and
the Kubernetes API:

1. A request naming its ``Origin`` must come from the playground's own origin (scheme and
   host as the request addressed it) or one of ``CSRF_TRUSTED_ORIGINS``. Browsers send
   ``Origin`` on every cross-origin request and on every POST, so a forged request names
   the other site, or ``null``.
2. Without ``Origin``, a browser's ``Sec-Fetch-Site: cross-site`` refuses it too.
3. A browser's request carrying cookies (the learner token, a session: what a browser sends
   on its own, whoever made the page) must also carry Django's CSRF token (``X-CSRFToken``
   header, the value the page got in ``<meta name="csrf-token">``), checked by Django's
   CsrfViewMiddleware. A browser is told by what no page can change: its ``Mozilla/``
   User-Agent, or the ``Sec-Fetch-*``, ``Origin`` or ``Referer`` headers it adds.

kubectl, the Kubernetes clients, curl and scripts send no ``Origin`` and are not browsers
(with or without a learner cookie): rules 1 to 3 leave them alone. Refusals are 403
Forbidden Status objects.
"""
from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import CsrfViewMiddleware

from orchestrator.store.errors import Forbidden

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


class _Rejected:
    def __init__(self, reason: str):
        self.reason = reason


class _TokenCheck(CsrfViewMiddleware):
    """Django's CSRF check, answering with the reason instead of a page."""

    def _reject(self, request, reason):
        return _Rejected(reason)


def _view() -> None:  # stands for the view: Django's check looks for a csrf_exempt mark on it
    return None


def _own_origin(request: HttpRequest) -> str | None:
    try:
        host = request.get_host()
    except Exception:  # DisallowedHost: no origin is ours then
        return None
    return f"{'https' if request.is_secure() else 'http'}://{host}"


def origin_allowed(request: HttpRequest, origin: str) -> bool:
    return origin == _own_origin(request) or origin in getattr(settings, "CSRF_TRUSTED_ORIGINS", ())


def from_browser(request: HttpRequest) -> bool:
    headers = request.headers
    return (headers.get("User-Agent", "").startswith("Mozilla/") or "Origin" in headers or "Referer" in headers
            or any(name.lower().startswith("sec-fetch-") for name in headers))


def refusal(request: HttpRequest) -> Forbidden | None:
    """The Forbidden to answer `request` with, or None when it may go on."""
    if request.method in SAFE_METHODS:
        return None
    origin = request.headers.get("Origin")
    if origin is not None:
        if not origin_allowed(request, origin):
            return Forbidden(f"cross-site request refused: Origin {origin} is not {_own_origin(request) or 'this server'} "
                             "(CSRF check failed)")
    elif request.headers.get("Sec-Fetch-Site") == "cross-site":
        return Forbidden("cross-site request refused: Sec-Fetch-Site is cross-site (CSRF check failed)")
    if not request.COOKIES or not from_browser(request):
        return None  # no browser's ambient credentials: kubectl, clients, scripts
    rejected = _TokenCheck(lambda r: None).process_view(request, _view, (), {})
    if isinstance(rejected, _Rejected):
        return Forbidden(f"CSRF check failed: {rejected.reason} Reload the page and try again.")
    return None


def check(request: HttpRequest) -> None:
    """Raise the Forbidden of :func:`refusal`, if any."""
    error = refusal(request)
    if error is not None:
        raise error
