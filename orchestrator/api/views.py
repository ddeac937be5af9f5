"""The Kubernetes API of each cluster, served under /clusters/<cluster>/.

Thin: parse the path and the request, call `handlers` (in a worker thread) or stream a
watch, and turn refusals into Status responses.
"""
from __future__ import annotations

import asyncio
import json
import logging

from asgiref.sync import sync_to_async
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.views.decorators.csrf import csrf_exempt

from orchestrator.controlplane.clusters import cluster_get
from orchestrator.store.errors import MethodNotAllowed, NotFound, StoreError

from . import discovery, handlers, negotiation, openapi, origin
from . import watch as watch_stream
from .routing import Route, route

JSON = "application/json"
log = logging.getLogger(__name__)


def status_response(error: StoreError) -> HttpResponse:
    body = error.status()
    response = JsonResponse(body, status=body.get("code", error.code))
    if error.retry_after is not None:
        response["Retry-After"] = str(error.retry_after)
    return response


def json_response(body: dict, status: int = 200, warnings: list[str] | None = None, content_type: str = JSON) -> HttpResponse:
    response = HttpResponse(json.dumps(body, separators=(",", ":")), status=status, content_type=content_type)
    for warning in warnings or []:
        response.headers.setdefault("Warning", "")
        text = '299 - "' + warning.replace('"', '\\"') + '"'
        response.headers["Warning"] = f"{response.headers['Warning']}, {text}" if response.headers["Warning"] else text
    return response


def _params(request: HttpRequest) -> dict:
    return {key: request.GET.get(key) for key in request.GET}


def _discovery(request: HttpRequest, r: Route) -> HttpResponse:
    accept = request.headers.get("Accept", "")
    if r.target == "version":
        return json_response(discovery.version_info())
    if r.target in ("api", "apis"):
        version = negotiation.discovery_version(accept)
        if version:
            content_type = f"application/json;g=apidiscovery.k8s.io;v={version};as=APIGroupDiscoveryList"
            return json_response(discovery.aggregated(r.target == "api", version), content_type=content_type)
        return json_response(discovery.api_versions() if r.target == "api" else discovery.api_group_list())
    if r.target == "group":
        body = discovery.api_group(r.group)
    else:
        body = discovery.resource_list(r.group, r.version)
    if body is None:
        raise NotFound("the server could not find the requested resource")
    return json_response(body)


def _openapi(request: HttpRequest, r: Route) -> HttpResponse:
    if r.target == "openapi-v2":
        if "protobuf" in request.headers.get("Accept", ""):
            return HttpResponse(openapi.v2_protobuf(), content_type=openapi.V2_PROTOBUF_CONTENT_TYPE)
        return HttpResponse(openapi.v2_json(), content_type=JSON)
    if not r.extra:
        prefix = request.path[: request.path.index("/openapi/v3")]
        return json_response(openapi.v3_index(prefix))
    document = openapi.v3_document(r.extra)
    if document is None:
        raise NotFound("the server could not find the requested resource")
    return json_response(document)


def _build_request(request: HttpRequest, cluster, r: Route) -> handlers.ApiRequest:
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        length = 0
    if length > negotiation.MAX_BODY:
        raise negotiation.too_large()
    try:
        body = request.body if request.method in ("POST", "PUT", "PATCH", "DELETE") else b""
    except RequestDataTooBig as exc:
        raise negotiation.too_large() from exc
    return handlers.ApiRequest(
        cluster=cluster,
        resource=r.resource,
        namespace=r.namespace,
        name=r.name,
        subresource=r.subresource,
        params=_params(request),
        accept=request.headers.get("Accept", ""),
        content_type=request.headers.get("Content-Type", ""),
        body=body,
        method=request.method,
        user_agent=request.headers.get("User-Agent", ""),
    )


def _verb(method: str, r: Route, params: dict) -> str:
    if r.target == "collection":
        if method == "GET":
            return "watch" if params.get("watch") in ("1", "true") else "list"
        return {"POST": "create", "DELETE": "deletecollection"}.get(method, "")
    if r.subresource in ("eviction", "binding"):
        return "create" if method == "POST" else ""
    if r.subresource == "log":
        return "get" if method == "GET" else ""
    return {"GET": "get", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}.get(method, "")


def _allowed(r: Route, verb: str) -> bool:
    if not verb:
        return False
    if r.subresource:
        return verb in r.resource.subresources[r.subresource][3] or (verb == "create" and r.subresource in ("eviction", "binding"))
    return verb in r.resource.verbs


def _handle(req: handlers.ApiRequest, verb: str) -> tuple[int, dict]:
    handlers.ensure_available(req.cluster)
    if verb == "list":
        return 200, handlers.list_(req)
    if verb == "get":
        return 200, handlers.as_table_if_asked(req, handlers.get(req))
    if verb == "create":
        if req.subresource == "eviction":
            return handlers.evict(req)
        if req.subresource == "binding":
            return handlers.bind(req)
        return handlers.create(req)
    if verb == "update":
        return handlers.update(req)
    if verb == "patch":
        return handlers.patch(req)
    if verb == "delete":
        return handlers.delete(req)
    if verb == "deletecollection":
        return handlers.delete_collection(req)
    raise MethodNotAllowed("the server does not allow this method on the requested resource")


DISCOVERY_TARGETS = ("version", "api", "apis", "group", "resources", "openapi-v2", "openapi-v3")


def _serve(request: HttpRequest, cluster: str, r: Route, verb: str) -> tuple[int, dict, list]:
    """A plain request (not a watch, a log or discovery), whole in one worker thread."""
    req = _build_request(request, cluster_get(cluster), r)
    code, body = _handle(req, verb)
    return code, body, req.warnings


def _plain_verb(request: HttpRequest, r: Route | None) -> str | None:
    """The verb of a request `_serve` can answer in one go, else None."""
    if r is None or r.target in DISCOVERY_TARGETS or r.subresource == "log":
        return None
    try:
        verb = _verb(request.method, r, _params(request))
    except Exception:  # answered, in the usual order, by the general path
        return None
    return verb if verb != "watch" and _allowed(r, verb) else None


@csrf_exempt
async def kube_api(request: HttpRequest, cluster: str, path: str = "") -> HttpResponse:
    """Serve one Kubernetes API request of the cluster."""
    try:
        origin.check(request)  # a browser's cross-site change is refused; kubectl sends no Origin nor cookies
        r = route(path)
        verb = _plain_verb(request, r)
        if verb is not None:  # the common case: one hop to a worker thread (and its open connection)
            code, body, warnings = await sync_to_async(_serve, thread_sensitive=False)(request, cluster, r, verb)
            return json_response(body, status=code, warnings=warnings)
        cluster_obj = await sync_to_async(cluster_get)(cluster)
        if r is None:
            raise NotFound("the server could not find the requested resource")
        if r.target in DISCOVERY_TARGETS:
            await sync_to_async(handlers.ensure_available)(cluster_obj)
            if request.method != "GET":
                raise MethodNotAllowed("the server does not allow this method on the requested resource")
            if r.target.startswith("openapi"):
                return await sync_to_async(_openapi, thread_sensitive=False)(request, r)
            return _discovery(request, r)
        params = _params(request)
        verb = _verb(request.method, r, params)
        if not _allowed(r, verb):
            raise MethodNotAllowed("the server does not allow this method on the requested resource")
        req = await sync_to_async(_build_request)(request, cluster_obj, r)
        if verb == "watch":
            await sync_to_async(handlers.ensure_available)(cluster_obj)
            return StreamingHttpResponse(watch_stream.stream(req), content_type=JSON)
        if r.subresource == "log":
            return await _logs(req)
        code, body = await sync_to_async(_handle, thread_sensitive=False)(req, verb)
        return json_response(body, status=code, warnings=req.warnings)
    except StoreError as error:
        return status_response(error)
    except Exception as exc:  # a bug: answer as kube-apiserver does, with a 500 Status
        log.exception("internal error serving %s %s", request.method, request.path)
        return status_response(StoreError(f"Internal error occurred: {exc}"))


async def _logs(req: handlers.ApiRequest) -> HttpResponse:
    await sync_to_async(handlers.ensure_available)(req.cluster)
    lines, info = await sync_to_async(handlers.log_lines)(req)
    if req.params.get("follow") not in ("true", "1"):
        return HttpResponse("".join(lines), content_type="text/plain")

    async def follow():
        for line in lines:
            yield line.encode()
        seen = info["count"]
        from orchestrator.store import notify

        waiter = notify.AsyncWaiter(req.cluster.pk)
        try:
            while True:
                await waiter.wait(1.0)
                try:
                    current, now = await sync_to_async(handlers.log_lines, thread_sensitive=False)(
                        handlers.ApiRequest(cluster=req.cluster, resource=req.resource, namespace=req.namespace, name=req.name,
                                            params={**req.params, "tailLines": ""}))
                except StoreError:
                    return
                if now["uid"] != info["uid"]:
                    return
                if now["count"] < seen:  # the container restarted: its log starts again
                    seen = 0
                fresh = now["count"] - seen  # the log keeps its last lines only: count from its end
                for line in current[len(current) - min(fresh, len(current)):] if fresh > 0 else ():
                    yield line.encode()
                seen = now["count"]
        except asyncio.CancelledError:
            raise
        finally:
            waiter.close()

    return StreamingHttpResponse(follow(), content_type="text/plain")


@csrf_exempt
def api_root(request: HttpRequest, cluster: str) -> HttpResponse:
    try:
        cluster_get(cluster)
    except StoreError as error:
        return status_response(error)
    paths = ["/api", "/api/v1", "/apis", "/openapi/v2", "/openapi/v3", "/version"]
    paths += [f"/apis/{g['name']}" for g in discovery.api_group_list()["groups"]]
    return json_response({"paths": sorted(paths)})
