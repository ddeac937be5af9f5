"""Replay, export and import over HTTP (thin views over orchestrator/history/).

GET  /clusters/C/playground/history[?window=S]   the replayable range and its time index
GET  /clusters/C/playground/history/R            a live-protocol snapshot at revision R
GET  /clusters/C/playground/history/F/T          live-protocol delta frames from F to T
GET  /clusters/C/playground/export               the cluster as multi-document YAML
POST /clusters/import[?name=NEW]                 a new cluster from such YAML (raw body, or {"name", "yaml"})
"""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from orchestrator.controlplane import clusters
from orchestrator.history import export, playback, replay
from orchestrator.learners import learner_token
from orchestrator.store.errors import BadRequest

from .control import _body, _guard, cluster_summary, raw_body
from .views import json_response


def _revision(raw: str, what: str = "revision") -> int:
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f'{what} must be a revision number, not "{raw}"') from None
    if value < 0:
        raise BadRequest(f"{what} must be 0 or more")
    return value


@_guard
@require_http_methods(["GET"])
def history_range(request: HttpRequest, cluster: str) -> HttpResponse:
    raw = request.GET.get("window")
    try:
        window = float(raw) if raw else None
    except ValueError:
        raise BadRequest(f'window must be a number of simulated seconds, not "{raw}"') from None
    if window is not None and window <= 0:
        raise BadRequest("window must be more than 0 seconds")
    return json_response(replay.history_range(clusters.cluster_get(cluster), window=window))


@_guard
@require_http_methods(["GET"])
def history_at(request: HttpRequest, cluster: str, revision: str) -> HttpResponse:
    return json_response(playback.snapshot_at(clusters.cluster_get(cluster), _revision(revision)))


@_guard
@require_http_methods(["GET"])
def history_between(request: HttpRequest, cluster: str, start: str, end: str) -> HttpResponse:
    c = clusters.cluster_get(cluster)
    return json_response(playback.deltas_between(c, _revision(start, "from revision"), _revision(end, "to revision")))


@_guard
@require_http_methods(["GET"])
def export_view(request: HttpRequest, cluster: str) -> HttpResponse:
    c = clusters.cluster_get(cluster)
    response = HttpResponse(export.export_yaml(c), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cluster-{c.name}.yaml"'
    return response


@_guard
@require_http_methods(["POST"])
def import_view(request: HttpRequest) -> HttpResponse:
    """Create a cluster from an export: the YAML as the body, or JSON {"name": ..., "yaml": ...}."""
    name = request.GET.get("name")
    if request.content_type == "application/json":
        body = _body(request)
        if not isinstance(body.get("yaml"), str):
            raise BadRequest('body must be {"name": "<new cluster>", "yaml": "<exported cluster>"}')
        name, text = body.get("name") or name, body["yaml"]
    else:
        try:
            text = raw_body(request).decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest("the body must be YAML text in UTF-8") from None
    learner = learner_token(request)
    cluster, applied = export.import_cluster(text=text, name=str(name) if name else None, owner=learner)
    return json_response({**cluster_summary(cluster, learner), "imported": applied}, status=201)
