"""The playground control API: clusters, machines, components, the clock, kubeconfigs.

JSON in and out; refusals are Kubernetes-style Status objects. Used by the pages and by
scripts (see the README's "Playground control API").
"""
from __future__ import annotations

import math

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from orchestrator import quantity
from orchestrator.controlplane import clock, clusters
from orchestrator.controlplane.profiles import PROFILES
from orchestrator.models import Cluster, Machine, Node
from orchestrator.nodes import machines
from orchestrator.store import quotas
from orchestrator.store.errors import BadRequest, FieldErrors, RequestEntityTooLarge, StoreError

from orchestrator import manifests, operations
from orchestrator.learners import learner_token

from . import origin, parsing
from . import auth
from .kubeconfig import kubeconfig_for_request
from .views import api_root, json_response, status_response


MAX_ADVANCE = 366 * 24 * 3600  # the clock jumps ahead at most a year at a time
MAX_MACHINE_CPU_M = 1024 * 1000  # a simulated machine has at most 1024 cores
MAX_MACHINE_MEMORY = 64 * 1024**4  # and 64Ti of memory


def raw_body(request: HttpRequest) -> bytes:
    """The request body, refused (413) past the API's 3 MiB limit."""
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        length = 0
    too_large = RequestEntityTooLarge(f"Request entity too large: limit is {parsing.MAX_BODY}")
    if length > parsing.MAX_BODY:
        raise too_large
    try:
        raw = request.body
    except RequestDataTooBig as exc:
        raise too_large from exc
    if len(raw) > parsing.MAX_BODY:
        raise too_large
    return raw


def _body(request: HttpRequest) -> dict:
    raw = raw_body(request)
    if not raw.strip():
        return {}
    try:
        body = parsing.load_json(raw)
    except ValueError as exc:
        raise BadRequest(f"request body is not valid JSON: {exc}") from exc
    if not isinstance(body, dict):
        raise BadRequest("request body must be a JSON object")
    return body


def cluster_summary(cluster: Cluster, learner: str = "") -> dict:
    """The cluster as the control API shows it; `owned`: only its learner may remove it,
    `yours`: the asking learner (token `learner`) is that learner. Tokens are never shown."""
    nodes = {n.name: n.ready for n in Node.objects.filter(cluster=cluster)}
    return {
        "name": cluster.name,
        "profile": cluster.profile,
        "owned": bool(cluster.owner),
        "yours": bool(cluster.owner) and cluster.owner == learner,
        "revision": cluster.revision,
        "components": cluster.components,
        "clock": clock_state(cluster),
        "nodes": [machine_summary(m, nodes.get(m.name)) for m in Machine.objects.filter(cluster=cluster)],
        "server": f"/clusters/{cluster.name}",
    }


def machine_summary(machine: Machine, ready: str | None) -> dict:
    return {
        "name": machine.name, "role": machine.role, "runtime": machine.runtime, "powered": machine.powered,
        "cpu": quantity.format_cpu_millis(machine.cpu_m), "memory": quantity.format_memory_bytes(machine.memory),
        "pods": machine.max_pods, "ready": ready or "Unregistered",
    }


def clock_state(cluster: Cluster) -> dict:
    return {"now": clock.sim_now(cluster).isoformat(), "speed": cluster.clock_speed, "paused": cluster.clock_paused,
            "profile": cluster.profile, "profiles": {name: p.as_dict() for name, p in PROFILES.items()}}


def _guard(view):
    """Answer refusals as Status objects; changes must pass the cross-site check (origin.py)."""
    def wrapped(request, *args, **kwargs):
        try:
            origin.check(request)
            return view(request, *args, **kwargs)
        except StoreError as error:
            return status_response(error)
        except ValueError as error:
            return status_response(BadRequest(str(error)))
    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return csrf_exempt(wrapped)


@_guard
@require_http_methods(["GET", "POST"])
def cluster_collection(request: HttpRequest) -> HttpResponse:
    """List clusters, or create one; a browser's learner token becomes the new cluster's owner."""
    learner = learner_token(request)
    if request.method == "GET":
        return json_response({"clusters": [cluster_summary(c, learner) for c in Cluster.objects.all()]})
    body = _body(request)
    profile = body.get("profile")
    cluster = clusters.cluster_create(name=str(body.get("name", "")), profile=None if profile is None else str(profile), owner=learner)
    return json_response(cluster_summary(cluster, learner), status=201)


@_guard
@require_http_methods(["GET", "DELETE"])
def cluster_detail(request: HttpRequest, cluster: str) -> HttpResponse:
    if request.method == "GET":
        return api_root(request, cluster)
    clusters.cluster_delete(cluster=clusters.cluster_get(cluster), learner=None if auth.is_teacher(request) else learner_token(request))
    return json_response({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": {"name": cluster, "kind": "clusters"}})


@_guard
@require_http_methods(["GET"])
def cluster_state(request: HttpRequest, cluster: str) -> HttpResponse:
    return json_response(cluster_summary(clusters.cluster_get(cluster)))


@_guard
@require_http_methods(["GET", "POST"])
def nodes(request: HttpRequest, cluster: str) -> HttpResponse:
    c = clusters.cluster_get(cluster)
    if request.method == "GET":
        ready = {n.name: n.ready for n in Node.objects.filter(cluster=c)}
        return json_response({"nodes": [machine_summary(m, ready.get(m.name)) for m in Machine.objects.filter(cluster=c)]})
    body = _body(request)
    name = body.get("name") or _next_worker_name(c)
    quotas.check_machines(c, str(name))
    cpu = quantity.parse_cpu_millis(body.get("cpu", "2"))
    memory = quantity.parse_memory_bytes(body.get("memory", "4Gi"))
    if cpu > MAX_MACHINE_CPU_M or memory > MAX_MACHINE_MEMORY:
        errs = FieldErrors()
        if cpu > MAX_MACHINE_CPU_M:
            errs.add("cpu", f"Invalid value: {json_text(body.get('cpu'))}: must be at most {quantity.format_cpu_millis(MAX_MACHINE_CPU_M)}")
        if memory > MAX_MACHINE_MEMORY:
            errs.add("memory", f"Invalid value: {json_text(body.get('memory'))}: must be at most {quantity.format_memory_bytes(MAX_MACHINE_MEMORY)}")
        errs.raise_if_any("Machine", str(name))
    pods = body.get("pods", 110)
    if isinstance(pods, bool) or not isinstance(pods, int):
        raise BadRequest(f"pods must be a whole number, not {json_text(pods)}")
    machine = machines.machine_add(cluster=c, name=str(name), runtime=str(body.get("runtime", "containerd")),
                                   role=str(body.get("role", "worker")), cpu_m=cpu, memory=memory, max_pods=pods)
    return json_response(machine_summary(machine, None), status=201)


def _next_worker_name(cluster: Cluster) -> str:
    names = set(Machine.objects.filter(cluster=cluster).values_list("name", flat=True))
    n = 1
    while f"worker-{n}" in names:
        n += 1
    return f"worker-{n}"


def json_text(value) -> str:
    text = str(value) if not isinstance(value, str) else f'"{value}"'
    return text if len(text) <= 40 else text[:40] + "…"


def _on(body: dict) -> bool:
    if not isinstance(body.get("on"), bool):
        raise BadRequest('body must be {"on": true} or {"on": false}')
    return body["on"]


@_guard
@require_http_methods(["POST"])
def node_power(request: HttpRequest, cluster: str, node: str) -> HttpResponse:
    c = clusters.cluster_get(cluster)
    machine = machines.machine_power(machine=machines.machine_get(cluster=c, name=node), on=_on(_body(request)))
    ready = Node.objects.filter(cluster=c, name=node).values_list("ready", flat=True).first()
    return json_response(machine_summary(machine, ready))


@_guard
@require_http_methods(["GET"])
def components(request: HttpRequest, cluster: str) -> HttpResponse:
    return json_response({"components": clusters.cluster_get(cluster).components})


@_guard
@require_http_methods(["POST"])
def component_power(request: HttpRequest, cluster: str, component: str) -> HttpResponse:
    c = clusters.component_set(cluster=clusters.cluster_get(cluster), component=component, running=_on(_body(request)))
    return json_response({"components": c.components})


@_guard
@require_http_methods(["GET", "POST"])
def clock_view(request: HttpRequest, cluster: str) -> HttpResponse:
    c = clusters.cluster_get(cluster)
    if request.method == "POST":
        body = _body(request)
        unknown = set(body) - {"speed", "paused", "advance", "profile"}
        if unknown:
            raise BadRequest(f"unknown clock fields: {', '.join(sorted(unknown))} (expected speed, paused, advance, profile)")
        if "profile" in body:
            clusters.profile_set(cluster=c, profile=str(body["profile"]))
        speed = body.get("speed")
        if speed is not None and (isinstance(speed, bool) or not isinstance(speed, (int, float)) or not math.isfinite(speed)):
            raise BadRequest("speed must be a number")
        paused = body.get("paused")
        if paused is not None and not isinstance(paused, bool):
            raise BadRequest("paused must be true or false")
        advance = body.get("advance", 0)
        if isinstance(advance, bool) or not isinstance(advance, (int, float)) or not math.isfinite(advance):
            raise BadRequest("advance must be a number of seconds")
        if advance > MAX_ADVANCE:
            raise BadRequest(f"advance must be at most {MAX_ADVANCE} seconds (a year)")
        clock.clock_set(cluster=c, speed=speed, paused=paused, advance=float(advance))
    return json_response(clock_state(c))


@_guard
@require_http_methods(["GET"])
def kubeconfig_view(request: HttpRequest, cluster: str) -> HttpResponse:
    c = clusters.cluster_get(cluster)
    response = HttpResponse(kubeconfig_for_request(c.name, request), content_type="application/yaml")
    response["Content-Disposition"] = f'attachment; filename="kubeconfig-{c.name}.yaml"'
    return response


@_guard
@require_http_methods(["POST"])
def node_drain(request: HttpRequest, cluster: str, node: str) -> HttpResponse:
    return json_response({"evicted": operations.node_drain(cluster=clusters.cluster_get(cluster), node=node)})


@_guard
@require_http_methods(["POST"])
def apply(request: HttpRequest, cluster: str) -> HttpResponse:
    """Apply a multi-document YAML manifest ({"yaml": "..."}); all or nothing."""
    body = _body(request)
    if not isinstance(body.get("yaml"), str):
        raise BadRequest('body must be {"yaml": "<manifest>"}')
    applied = manifests.apply_manifest(cluster=clusters.cluster_get(cluster), text=body["yaml"], namespace=str(body.get("namespace") or "default"))
    return json_response({"applied": applied})


@_guard
@require_http_methods(["GET"])
def object_details(request: HttpRequest, cluster: str, kind: str, namespace: str, name: str) -> HttpResponse:
    details = operations.object_details(cluster=clusters.cluster_get(cluster), kind=kind, namespace="" if namespace == "-" else namespace, name=name)
    return json_response(details)


@_guard
@require_http_methods(["POST"])
def reset(request: HttpRequest, cluster: str) -> HttpResponse:
    return json_response(cluster_summary(clusters.cluster_reset(cluster=clusters.cluster_get(cluster))))
