"""Presenter controls over HTTP: hold a cluster for stepping, grant steps, read the steps back."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from orchestrator.controlplane import clusters, stepping
from orchestrator.store.errors import BadRequest

from .control import _body, _guard
from .views import json_response


def _state(cluster, after: int) -> dict:
    cluster.refresh_from_db()
    return {
        "stepping": cluster.stepping, "allowance": cluster.step_allowance, "taken": cluster.steps_taken,
        "revision": cluster.revision,
        "steps": stepping.steps_since(cluster=cluster, after=after),
    }


def _after(request: HttpRequest) -> int:
    raw = request.GET.get("after", "0")
    try:
        after = int(raw)
    except ValueError:
        raise BadRequest(f'after must be a revision number, not "{raw}"') from None
    if after < 0:
        raise BadRequest("after must be 0 or more")
    return after


@_guard
@require_http_methods(["GET", "POST"])
def stepping_view(request: HttpRequest, cluster: str) -> HttpResponse:
    """GET: whether the cluster is held and its recent steps; POST {"stepping": bool}: hold or resume."""
    c = clusters.cluster_get(cluster)
    if request.method == "POST":
        body = _body(request)
        if set(body) != {"stepping"} or not isinstance(body["stepping"], bool):
            raise BadRequest('body must be {"stepping": true} or {"stepping": false}')
        stepping.stepping_set(cluster=c, on=body["stepping"])
    return json_response(_state(c, _after(request)))


@_guard
@require_http_methods(["POST"])
def step_view(request: HttpRequest, cluster: str) -> HttpResponse:
    """POST {"count": n} (default 1): let the held cluster take n more steps."""
    c = clusters.cluster_get(cluster)
    body = _body(request)
    unknown = set(body) - {"count"}
    if unknown:
        raise BadRequest(f"unknown fields: {', '.join(sorted(unknown))} (expected count)")
    stepping.step_grant(cluster=c, count=body.get("count", 1))
    return json_response(_state(c, _after(request)))
