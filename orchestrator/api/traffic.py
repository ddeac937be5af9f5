"""The playground control API of the simulated traffic through a Service.

GET/POST /clusters/<c>/playground/traffic: read or set the switch
({"service": "ns/name", "rate": N, "port": P, "on": bool}); GET .../traffic/stats?seconds=N:
the last N simulated seconds per second and per pod (see orchestrator/traffic/stats.py).
"""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from orchestrator.controlplane.clusters import cluster_get
from orchestrator.store.errors import BadRequest
from orchestrator.traffic.config import FIELDS, traffic_get, traffic_set
from orchestrator.traffic.stats import traffic_stats

from .control import _body, _guard
from .views import json_response


@_guard
@require_http_methods(["GET", "POST"])
def traffic(request: HttpRequest, cluster: str) -> HttpResponse:
    c = cluster_get(cluster)
    if request.method == "GET":
        return json_response(traffic_get(c))
    body = _body(request)
    unknown = set(body) - set(FIELDS)
    if unknown:
        raise BadRequest(f"unknown traffic fields: {', '.join(sorted(unknown))} (expected {', '.join(FIELDS)})")
    return json_response(traffic_set(cluster=c, service=body.get("service"), rate=body.get("rate"), port=body.get("port"), on=body.get("on", True)))


@_guard
@require_http_methods(["GET"])
def traffic_stats_view(request: HttpRequest, cluster: str) -> HttpResponse:
    raw = request.GET.get("seconds", "120")
    seconds = int(raw) if raw.isdigit() else -1
    return json_response(traffic_stats(cluster=cluster_get(cluster), seconds=seconds))
