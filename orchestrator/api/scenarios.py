"""The control API of guided scenarios (orchestrator/scenarios/): list, start, check, act, move on, leave.

    GET    /clusters/<c>/playground/scenarios        {"scenarios": [...], "errors": [...], "active": name|null}
    POST   /clusters/<c>/playground/scenario         {"name": ...}: reset the cluster and set the scenario up
    GET    /clusters/<c>/playground/scenario         the run: steps, their status and timings, current checks
    POST   /clusters/<c>/playground/scenario/action  do the current step's action: {"message", "scenario"}
    POST   /clusters/<c>/playground/scenario/next    move on to the next step (skipping this one if not done)
    DELETE /clusters/<c>/playground/scenario         leave the scenario; the cluster stays as it is
"""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from orchestrator.controlplane import clusters
from orchestrator.scenarios import runner
from orchestrator.scenarios.loader import load_all
from orchestrator.store.errors import BadRequest

from .control import _body, _guard
from .views import json_response


def listing_body(active: str | None) -> dict:
    """The listing as the page reads it: valid scenarios, then the refused files with their problem."""
    listing = load_all()
    return {
        "scenarios": [s.summary_dict() for s in listing.scenarios],
        "errors": [e.as_dict() for e in listing.errors],
        "active": active,
    }


@_guard
@require_http_methods(["GET"])
def scenario_list(request: HttpRequest, cluster: str) -> HttpResponse:
    c = clusters.cluster_get(cluster)
    return json_response(listing_body((c.scenario or {}).get("name")))


@_guard
@require_http_methods(["GET", "POST", "DELETE"])
def scenario(request: HttpRequest, cluster: str) -> HttpResponse:
    c = clusters.cluster_get(cluster)
    if request.method == "GET":
        return json_response(runner.scenario_check(cluster=c))
    if request.method == "DELETE":
        runner.scenario_leave(cluster=c)
        return json_response({"active": False})
    body = _body(request)
    unknown = set(body) - {"name"}
    if unknown:
        raise BadRequest(f"unknown fields: {', '.join(sorted(unknown))} (expected name)")
    if not isinstance(body.get("name"), str) or not body["name"]:
        raise BadRequest('body must be {"name": "<scenario>"}')
    c = runner.scenario_start(cluster=c, name=body["name"])
    return json_response(runner.scenario_check(cluster=c), status=201)


@_guard
@require_http_methods(["POST"])
def scenario_action(request: HttpRequest, cluster: str) -> HttpResponse:
    return json_response(runner.scenario_action(cluster=clusters.cluster_get(cluster)))


@_guard
@require_http_methods(["POST"])
def scenario_next(request: HttpRequest, cluster: str) -> HttpResponse:
    return json_response(runner.scenario_next(cluster=clusters.cluster_get(cluster)))
