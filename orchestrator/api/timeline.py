"""The failure timeline over HTTP: recent incidents, and one incident's steps and countdowns.

The countdowns are fast-forwarded with the clock endpoint (POST playground/clock {"advance": s}).
"""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from orchestrator.controlplane import clusters
from orchestrator.history import timeline
from orchestrator.store.errors import BadRequest

from .control import _guard
from .views import json_response


def _number(raw: str, what: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise BadRequest(f'{what} must be a whole number, not "{raw}"') from None


@_guard
@require_http_methods(["GET"])
def incidents(request: HttpRequest, cluster: str) -> HttpResponse:
    """GET ?limit=N (1..100, default 20): {"incidents": [summary, ...]}, newest first."""
    c = clusters.cluster_get(cluster)
    limit = _number(request.GET.get("limit", str(timeline.DEFAULT_LIMIT)), "limit")
    return json_response({"incidents": timeline.incidents(c, limit=limit)})


@_guard
@require_http_methods(["GET"])
def incident(request: HttpRequest, cluster: str, revision: str) -> HttpResponse:
    """GET: the incident starting at `revision`, with its steps, countdowns and the simulated time now."""
    c = clusters.cluster_get(cluster)
    return json_response(timeline.incident(c, _number(revision, "the incident's revision")))
