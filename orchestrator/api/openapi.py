"""The OpenAPI documents the playground's API server publishes.

kubectl needs them: ``apply``, ``create -f``, ``replace`` and ``edit``
download OpenAPI for validation (and fail without it unless
``--validate=false``), ``explain`` prints from it, and ``apply`` reads the
patch strategies of lists from it.

* ``/openapi/v2`` -- swagger 2.0.  kubectl (all versions up to at least
  1.33) asks for it with ``Accept:
  application/com.github.proto-openapi.spec.v2@v1.0+protobuf`` and does not
  fall back to JSON: answer with :func:`v2_protobuf` and ``Content-Type:
  application/com.github.proto-openapi.spec.v2.v1.0+protobuf`` (a dot, not
  "@": client-go cannot parse the "@" form back).  :func:`v2_for_accept`
  does that negotiation.
  What kubectl requests (observed with the real binaries against
  ``tests/orchestrator/api/kubectl_stub.py``):

  =================  ======================================================
  kubectl 1.27       ``GET /openapi/v2`` (protobuf Accept above) for
                     apply/create/replace/edit and explain, then
                     ``GET /openapi/v3`` (``Accept: application/json, */*``)
                     and ``GET /openapi/v3/apis/apps/v1?hash=...``
                     (``Accept: application/json``): explain prints from v3,
                     writes check there that PATCH takes ``fieldValidation``.
  kubectl 1.33       ``GET /openapi/v3`` and ``/openapi/v3/<gv>?hash=...``
                     only; ``/openapi/v2`` (protobuf) just when the server
                     does not advertise ``fieldValidation`` and kubectl has
                     to validate on the client side.
  =================  ======================================================

* ``/openapi/v3`` -- :func:`v3_index`, a JSON index of the group-versions;
  ``/openapi/v3/<group-version>`` (``api/v1``, ``apis/apps/v1``, ...) --
  :func:`v3_json` / :func:`v3_document`, OpenAPI 3.0 with
  ``components.schemas``.  The index links every document with a
  ``?hash=`` of its content (:func:`v3_hash`, upper-case hex SHA-512 like
  kube-apiserver); the hash changes only when the document does, so a
  server may answer such URLs with ``Cache-Control: public, immutable``
  and an ``ETag`` of ``"<hash>"``.

The schemas are Kubernetes' own (see ``gen_openapi_schema.py``): the
definitions reachable from the served kinds, read from the committed
``openapi_definitions.json.gz``.  The paths are built here from
:data:`RESOURCES`, in kube-apiserver's shape: every PATCH/PUT/POST names
the ``fieldValidation`` query parameter, which tells kubectl that the
server validates fields itself -- kubectl then skips its client-side schema
check and sends ``fieldValidation=Strict`` (see ``field_validation.py``).

Everything is computed once and cached.  No Django imports.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import os
import struct
from dataclasses import dataclass, field

DATA_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "openapi_definitions.json.gz")

# What kubectl puts in Accept for /openapi/v2 (the "deprecated" spelling with
# "@", which Go's mime parser cannot parse back) ...
V2_PROTOBUF_ACCEPT = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"
# ... the spelling kube-apiserver also accepts, and sends back as
# Content-Type: client-go fails with "mime: unexpected content after media
# subtype" if the response carries the "@" form.
V2_PROTOBUF_CONTENT_TYPE = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"

META = "io.k8s.apimachinery.pkg.apis.meta.v1."


# --------------------------------------------------------------------------
# What is served


@dataclass(frozen=True)
class Subresource:
    """A subresource and the kind its requests and responses carry."""

    name: str
    group: str
    version: str
    kind: str
    verbs: tuple[str, ...]


@dataclass(frozen=True)
class Resource:
    group: str  # "" for the core group
    version: str
    plural: str
    kind: str
    namespaced: bool
    verbs: tuple[str, ...]
    subresources: tuple[Subresource, ...] = field(default=())

    @property
    def group_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def prefix(self) -> str:
        """URL prefix and OpenAPI v3 document name without the slash: api/v1, apis/apps/v1."""
        return f"apis/{self.group}/{self.version}" if self.group else f"api/{self.version}"


ALL_VERBS = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")
STATUS = ("get", "patch", "update")


def _status(group: str, version: str, kind: str) -> Subresource:
    return Subresource("status", group, version, kind, STATUS)


SCALE = Subresource("scale", "autoscaling", "v1", "Scale", STATUS)

RESOURCES: tuple[Resource, ...] = (
    Resource("", "v1", "bindings", "Binding", True, ("create",)),
    Resource("", "v1", "configmaps", "ConfigMap", True, ALL_VERBS),
    Resource("", "v1", "endpoints", "Endpoints", True, ALL_VERBS),
    Resource("", "v1", "events", "Event", True, ALL_VERBS),
    Resource(
        "", "v1", "namespaces", "Namespace", False,
        ("create", "delete", "get", "list", "patch", "update", "watch"),
        (_status("", "v1", "Namespace"),),
    ),
    Resource("", "v1", "nodes", "Node", False, ALL_VERBS, (_status("", "v1", "Node"),)),
    Resource(
        "", "v1", "pods", "Pod", True, ALL_VERBS,
        (
            Subresource("binding", "", "v1", "Binding", ("create",)),
            Subresource("eviction", "policy", "v1", "Eviction", ("create",)),
            _status("", "v1", "Pod"),
        ),
    ),
    Resource("", "v1", "services", "Service", True, ALL_VERBS, (_status("", "v1", "Service"),)),
    Resource("apps", "v1", "deployments", "Deployment", True, ALL_VERBS, (SCALE, _status("apps", "v1", "Deployment"))),
    Resource("apps", "v1", "replicasets", "ReplicaSet", True, ALL_VERBS, (SCALE, _status("apps", "v1", "ReplicaSet"))),
    Resource("coordination.k8s.io", "v1", "leases", "Lease", True, ALL_VERBS),
    Resource("events.k8s.io", "v1", "events", "Event", True, ALL_VERBS),
)


# --------------------------------------------------------------------------
# Definitions


@functools.lru_cache(maxsize=None)
def _data() -> dict:
    with gzip.open(DATA_FILE, "rb") as fh:
        return json.loads(fh.read().decode("utf-8"))


def kubernetes_version() -> str:
    """The Kubernetes release the schemas come from, e.g. ``1.37.0``."""
    return _data()["kubernetesVersion"]


def definitions() -> dict:
    """All OpenAPI v2 definitions, by name (``io.k8s.api.apps.v1.Deployment``).

    Shared and cached: callers must not modify it.
    """
    return _data()["definitions"]


@functools.lru_cache(maxsize=None)
def _gvk_index() -> dict:
    index: dict[tuple[str, str, str], str] = {}
    for name, schema in sorted(definitions().items()):
        for gvk in schema.get("x-kubernetes-group-version-kind", []):
            index.setdefault((gvk["group"], gvk["version"], gvk["kind"]), name)
    return index


def definition_name(api_version: str, kind: str) -> str | None:
    """Name of the definition of ``kind`` in ``api_version`` (``apps/v1``, ``v1``), if published."""
    group, _, version = api_version.rpartition("/")
    return _gvk_index().get((group, version, kind))


def _definition_for(group: str, version: str, kind: str) -> str:
    name = _gvk_index().get((group, version, kind))
    if name is None:
        raise KeyError(f"no OpenAPI definition for {group}/{version} {kind}")
    return name


def referenced_definitions(root) -> list[str]:
    """Names of the definitions a schema (or a whole document) refers to, transitively, sorted."""
    defs = definitions()
    seen: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                name = ref.rsplit("/", 1)[-1]
                if name not in seen:
                    seen.add(name)
                    walk(defs[name])
            for value in node.values():
                if isinstance(value, (dict, list)):
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(root)
    return sorted(seen)


# --------------------------------------------------------------------------
# Paths (the v2 form; v3 is derived from it)

_JSON_MEDIA = ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"]
_WATCH_MEDIA = _JSON_MEDIA + ["application/json;stream=watch", "application/vnd.kubernetes.protobuf;stream=watch"]
_PATCH_MEDIA = [
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
    "application/apply-patch+yaml",
]


def _query(name: str, description: str, type_: str = "string") -> dict:
    return {"description": description, "in": "query", "name": name, "type": type_, "uniqueItems": True}


_PARAMS = {
    "pretty": _query("pretty", "If 'true', then the output is pretty printed."),
    "dryRun": _query(
        "dryRun",
        "When present, indicates that modifications should not be persisted. Valid values are: "
        "All (process the request fully without persisting it).",
    ),
    "fieldManager": _query(
        "fieldManager",
        "Name of the actor making these changes, recorded in managedFields. "
        "Required for apply requests (application/apply-patch+yaml).",
    ),
    "fieldValidation": _query(
        "fieldValidation",
        "How the server treats unknown and duplicate fields in the request body: "
        "Ignore (drop them silently), Warn (drop them and return a Warning header for each) "
        "or Strict (fail the request with BadRequest listing them).",
    ),
    "force": _query(
        "force",
        "Force is going to \"force\" Apply requests: re-acquire fields owned by other managers. "
        "Must be unset for non-apply patch requests.",
        "boolean",
    ),
    "allowWatchBookmarks": _query("allowWatchBookmarks", "Request watch events of type BOOKMARK.", "boolean"),
    "continue": _query("continue", "The continue token returned by a previous list call, to get the next chunk."),
    "fieldSelector": _query("fieldSelector", "Restrict the returned objects by their fields. Defaults to everything."),
    "labelSelector": _query("labelSelector", "Restrict the returned objects by their labels. Defaults to everything."),
    "limit": _query("limit", "Maximum number of objects to return in one list call; more are reachable with continue.", "integer"),
    "resourceVersion": _query("resourceVersion", "Constrains which resource versions the request may be served from."),
    "resourceVersionMatch": _query("resourceVersionMatch", "How resourceVersion applies to list calls: Exact or NotOlderThan."),
    "sendInitialEvents": _query("sendInitialEvents", "Start a watch with synthetic events for the current state.", "boolean"),
    "timeoutSeconds": _query("timeoutSeconds", "Timeout for the list/watch call.", "integer"),
    "watch": _query("watch", "Watch for changes to the described resources and return them as a stream of events.", "boolean"),
    "gracePeriodSeconds": _query(
        "gracePeriodSeconds", "Seconds before the object should be deleted; zero means delete immediately.", "integer"
    ),
    "orphanDependents": _query(
        "orphanDependents", "Deprecated: use propagationPolicy. Whether dependents are orphaned.", "boolean"
    ),
    "propagationPolicy": _query(
        "propagationPolicy", "Whether and how garbage collection is performed: Orphan, Background or Foreground."
    ),
    "ignoreStoreReadErrorWithClusterBreakingPotential": _query(
        "ignoreStoreReadErrorWithClusterBreakingPotential",
        "Delete an object whose stored data can no longer be read. Unsafe.",
        "boolean",
    ),
}

_LIST_PARAMS = (
    "allowWatchBookmarks", "continue", "fieldSelector", "labelSelector", "limit",
    "resourceVersion", "resourceVersionMatch", "sendInitialEvents", "timeoutSeconds", "watch",
)
_WRITE_PARAMS = ("dryRun", "fieldManager", "fieldValidation")
_DELETE_PARAMS = (
    "dryRun", "gracePeriodSeconds", "ignoreStoreReadErrorWithClusterBreakingPotential",
    "orphanDependents", "propagationPolicy",
)
_DELETECOLLECTION_PARAMS = (
    "continue", "dryRun", "fieldSelector", "gracePeriodSeconds", "ignoreStoreReadErrorWithClusterBreakingPotential",
    "labelSelector", "limit", "orphanDependents", "propagationPolicy", "resourceVersion", "resourceVersionMatch",
    "sendInitialEvents", "timeoutSeconds",
)


def _ref(name: str) -> dict:
    return {"$ref": "#/definitions/" + name}


def _body(name: str) -> dict:
    return {"in": "body", "name": "body", "required": True, "schema": _ref(name)}


def _responses(name: str, codes: tuple[str, ...]) -> dict:
    text = {"200": "OK", "201": "Created", "202": "Accepted"}
    out = {code: {"description": text[code], "schema": _ref(name)} for code in codes}
    out["401"] = {"description": "Unauthorized"}
    return out


def _camel(text: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in text.replace("-", ".").split(".") if part)


def _op_group(group: str) -> str:
    """The group as kube-apiserver spells it in operation ids and tags: Core, Apps, Coordination, Events."""
    return _camel(group.split(".")[0]) if group else "Core"


def _operation(
    action: str,
    verb_word: str,
    resource: Resource,
    kind_group: str,
    kind_version: str,
    kind: str,
    id_suffix: str,
    description: str,
    params: tuple[str, ...] = (),
    body: str | None = None,
    response: str | None = None,
    codes: tuple[str, ...] = ("200",),
    consumes: list[str] | None = None,
    produces: list[str] | None = None,
) -> dict:
    group_word = _op_group(resource.group)
    op: dict = {
        "consumes": consumes or ["*/*"],
        "description": description,
        "operationId": f"{verb_word}{group_word}{_camel(resource.version)}{id_suffix}",
        "produces": produces or list(_JSON_MEDIA),
        "responses": _responses(response, codes) if response else {"401": {"description": "Unauthorized"}},
        "schemes": ["https"],
        "tags": [f"{group_word.lower()}_{resource.version}"],
        "x-kubernetes-action": action,
        "x-kubernetes-group-version-kind": {"group": kind_group, "kind": kind, "version": kind_version},
    }
    parameters = []
    if body:
        parameters.append(_body(body))
    parameters.extend(dict(_PARAMS[p]) for p in params)
    if parameters:
        op["parameters"] = parameters
    return op


def _path_params(namespaced: bool, named_kind: str | None) -> list[dict]:
    params = []
    if named_kind:
        params.append({
            "description": f"name of the {named_kind}", "in": "path", "name": "name",
            "required": True, "type": "string", "uniqueItems": True,
        })
    if namespaced:
        params.append({
            "description": "object name and auth scope, such as for teams and projects", "in": "path",
            "name": "namespace", "required": True, "type": "string", "uniqueItems": True,
        })
    params.append(dict(_PARAMS["pretty"]))
    return params


def _resource_paths(r: Resource) -> dict[str, dict]:
    """kube-apiserver's paths for one resource (the deprecated /watch/ paths left out)."""
    model = _definition_for(r.group, r.version, r.kind)
    list_model = definition_name(r.group_version, r.kind + "List")
    status = META + "Status"
    delete_options = META + "DeleteOptions"
    patch = META + "Patch"
    ns_word = "Namespaced" if r.namespaced else ""
    base = f"/{r.prefix}/namespaces/{{namespace}}/{r.plural}" if r.namespaced else f"/{r.prefix}/{r.plural}"
    paths: dict[str, dict] = {}
    kind_of = (r.group, r.version, r.kind)

    collection: dict = {}
    if "list" in r.verbs and list_model:
        collection["get"] = _operation(
            "list", "list", r, *kind_of, f"{ns_word}{r.kind}",
            f"list or watch objects of kind {r.kind}", _LIST_PARAMS, response=list_model,
            produces=list(_WATCH_MEDIA),
        )
    if "create" in r.verbs:
        collection["post"] = _operation(
            "post", "create", r, *kind_of, f"{ns_word}{r.kind}", f"create a {r.kind}",
            _WRITE_PARAMS, body=model, response=model, codes=("200", "201", "202"),
        )
    if "deletecollection" in r.verbs:
        collection["delete"] = _operation(
            "deletecollection", "delete", r, *kind_of, f"Collection{ns_word}{r.kind}",
            f"delete collection of {r.kind}", _DELETECOLLECTION_PARAMS, body=delete_options, response=status,
        )
    if collection:
        collection["parameters"] = _path_params(r.namespaced, None)
        paths[base] = collection

    item: dict = {}
    if "delete" in r.verbs:
        item["delete"] = _operation(
            "delete", "delete", r, *kind_of, f"{ns_word}{r.kind}", f"delete a {r.kind}",
            _DELETE_PARAMS, body=delete_options, response=status, codes=("200", "202"),
        )
    if "get" in r.verbs:
        item["get"] = _operation(
            "get", "read", r, *kind_of, f"{ns_word}{r.kind}", f"read the specified {r.kind}", response=model,
        )
    if "patch" in r.verbs:
        item["patch"] = _operation(
            "patch", "patch", r, *kind_of, f"{ns_word}{r.kind}", f"partially update the specified {r.kind}",
            _WRITE_PARAMS + ("force",), body=patch, response=model, codes=("200", "201"),
            consumes=list(_PATCH_MEDIA),
        )
    if "update" in r.verbs:
        item["put"] = _operation(
            "put", "replace", r, *kind_of, f"{ns_word}{r.kind}", f"replace the specified {r.kind}",
            _WRITE_PARAMS, body=model, response=model, codes=("200", "201"),
        )
    if item:
        item["parameters"] = _path_params(r.namespaced, r.kind)
        paths[f"{base}/{{name}}"] = item

    if r.namespaced and "list" in r.verbs and list_model:
        paths[f"/{r.prefix}/{r.plural}"] = {
            "get": _operation(
                "list", "list", r, *kind_of, f"{r.kind}ForAllNamespaces",
                f"list or watch objects of kind {r.kind}", _LIST_PARAMS, response=list_model,
                produces=list(_WATCH_MEDIA),
            ),
            "parameters": [dict(_PARAMS["pretty"])],
        }

    for sub in r.subresources:
        sub_model = _definition_for(sub.group, sub.version, sub.kind)
        sub_kind = (sub.group, sub.version, sub.kind)
        suffix = f"{ns_word}{r.kind}{_camel(sub.name)}"
        ops: dict = {}
        if "get" in sub.verbs:
            ops["get"] = _operation(
                "get", "read", r, *sub_kind, suffix, f"read {sub.name} of the specified {r.kind}",
                response=sub_model,
            )
        if "patch" in sub.verbs:
            ops["patch"] = _operation(
                "patch", "patch", r, *sub_kind, suffix, f"partially update {sub.name} of the specified {r.kind}",
                _WRITE_PARAMS + ("force",), body=patch, response=sub_model, codes=("200", "201"),
                consumes=list(_PATCH_MEDIA),
            )
        if "update" in sub.verbs:
            ops["put"] = _operation(
                "put", "replace", r, *sub_kind, suffix, f"replace {sub.name} of the specified {r.kind}",
                _WRITE_PARAMS, body=sub_model, response=sub_model, codes=("200", "201"),
            )
        if "create" in sub.verbs:
            ops["post"] = _operation(
                "post", "create", r, *sub_kind, suffix, f"create {sub.name} of a {r.kind}",
                _WRITE_PARAMS, body=sub_model, response=sub_model, codes=("200", "201", "202"),
            )
        ops["parameters"] = _path_params(r.namespaced, sub.kind if sub.name in ("binding", "eviction") else r.kind)
        paths[f"{base}/{{name}}/{sub.name}"] = ops
    return paths


@functools.lru_cache(maxsize=None)
def _paths() -> dict[str, dict]:
    paths: dict[str, dict] = {}
    for r in RESOURCES:
        paths.update(_resource_paths(r))
    return dict(sorted(paths.items()))


def group_versions() -> list[str]:
    """The OpenAPI v3 document names: ``api/v1``, ``apis/apps/v1``, ..."""
    return sorted({r.prefix for r in RESOURCES})


# --------------------------------------------------------------------------
# OpenAPI v2


@functools.lru_cache(maxsize=None)
def _v2_document() -> dict:
    paths = _paths()
    return {
        "swagger": "2.0",
        "info": {"title": "Kubernetes", "version": "v" + kubernetes_version()},
        "paths": paths,
        "definitions": {name: definitions()[name] for name in sorted(definitions())},
    }


def v2_document() -> dict:
    """The swagger 2.0 document (shared and cached: do not modify)."""
    return _v2_document()


@functools.lru_cache(maxsize=None)
def v2_json() -> bytes:
    """``/openapi/v2`` as JSON (``application/json``)."""
    return _dumps(v2_document())


@functools.lru_cache(maxsize=None)
def v2_protobuf() -> bytes:
    """``/openapi/v2`` as gnostic's ``openapi.v2.Document`` protobuf message.

    Content-Type :data:`V2_PROTOBUF_MEDIA_TYPE`; this is what kubectl asks for.
    """
    return _pb_document(v2_document())


def v2_etag() -> str:
    """Upper-case hex SHA-512 of :func:`v2_json`, kube-apiserver's ETag form (send it quoted)."""
    return _v2_etag()


@functools.lru_cache(maxsize=None)
def _v2_etag() -> str:
    return hashlib.sha512(v2_json()).hexdigest().upper()


def _accept_clauses(accept: str) -> list[tuple[str, str]]:
    """(type, subtype) of an Accept header's media ranges, best first (q=0 dropped)."""
    clauses = []
    for position, part in enumerate((accept or "*/*").split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q <= 0:
            continue
        type_, _, subtype = media.partition("/")
        clauses.append((-q, position, type_, subtype or "*"))
    clauses.sort()
    return [(t, st) for _, _, t, st in clauses]


def _negotiate(accept: str, offers: list[tuple[str, str]]) -> str | None:
    """The first offered media type (``type/subtype``) the Accept header admits, like goautoneg."""
    for type_, subtype in _accept_clauses(accept):
        for offer in offers:
            o_type, o_sub = offer
            if type_ in ("*", o_type) and subtype in ("*", o_sub):
                return f"{o_type}/{o_sub}"
    return None


def v2_for_accept(accept: str) -> tuple[str, bytes] | None:
    """(Content-Type, body) of ``/openapi/v2`` for a request's Accept header; None means 406.

    JSON for ``application/json`` and wildcards, protobuf for either spelling
    of the protobuf media type (answered with :data:`V2_PROTOBUF_CONTENT_TYPE`).
    """
    chosen = _negotiate(accept, [
        ("application", "json"),
        ("application", V2_PROTOBUF_ACCEPT.split("/", 1)[1]),
        ("application", V2_PROTOBUF_CONTENT_TYPE.split("/", 1)[1]),
    ])
    if chosen is None:
        return None
    if chosen == "application/json":
        return "application/json", v2_json()
    return V2_PROTOBUF_CONTENT_TYPE, v2_protobuf()


def encode_v2_protobuf(doc: dict) -> bytes:
    """Encode any swagger 2.0 document (in the shape of :func:`v2_document`) as gnostic protobuf."""
    return _pb_document(doc)


def _dumps(doc) -> bytes:
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


# --------------------------------------------------------------------------
# OpenAPI v3


def _v3_schema(schema):
    """A v2 schema in OpenAPI 3.0 form, as kube-apiserver publishes it.

    References move to ``#/components/schemas/``; a reference with sibling
    keys (a property's description) is wrapped in ``allOf``, since 3.0
    ignores the siblings of ``$ref``.
    """
    if not isinstance(schema, dict):
        return schema
    out = {}
    for key, value in schema.items():
        if key == "$ref":
            continue
        if key == "properties":
            out[key] = {name: _v3_schema(sub) for name, sub in value.items()}
        elif key in ("items", "additionalProperties") and isinstance(value, dict):
            out[key] = _v3_schema(value)
        else:
            out[key] = value
    ref = schema.get("$ref")
    if ref is not None:
        target = "#/components/schemas/" + ref.rsplit("/", 1)[-1]
        if out:
            out["allOf"] = [{"$ref": target}]
        else:
            out["$ref"] = target
    return out


def _v3_parameter(param: dict) -> dict:
    out = {"name": param["name"], "in": param["in"], "description": param.get("description", "")}
    if param.get("required"):
        out["required"] = True
    schema = {"type": param.get("type", "string")}
    if param.get("uniqueItems"):
        schema["uniqueItems"] = True
    out["schema"] = schema
    return out


def _v3_content(media: list[str], schema: dict) -> dict:
    return {m: {"schema": _v3_schema(schema)} for m in media}


def _v3_operation(op: dict) -> dict:
    out: dict = {
        "description": op["description"],
        "operationId": op["operationId"],
        "tags": list(op["tags"]),
    }
    params = []
    for p in op.get("parameters", []):
        if p["in"] == "body":
            out["requestBody"] = {"content": _v3_content(op["consumes"], p["schema"]), "required": True}
        else:
            params.append(_v3_parameter(p))
    if params:
        out["parameters"] = params
    responses = {}
    for code, resp in op["responses"].items():
        entry = {"description": resp["description"]}
        if "schema" in resp:
            entry["content"] = _v3_content(op["produces"], resp["schema"])
        responses[code] = entry
    out["responses"] = responses
    for key, value in op.items():
        if key.startswith("x-"):
            out[key] = value
    return out


# In OpenAPI v3 kube-apiserver publishes the two primitive unions as oneOf
# (their OpenAPIV3OneOfTypes), without a "type"; kubectl explain then shows
# them as <IntOrString> and <Quantity> rather than <string>.
_V3_ONE_OF = {
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString": ["integer", "string"],
    "io.k8s.apimachinery.pkg.api.resource.Quantity": ["string", "number"],
}


def _v3_definition(name: str) -> dict:
    schema = _v3_schema(definitions()[name])
    if name in _V3_ONE_OF:
        schema = {k: v for k, v in schema.items() if k != "type"}
        schema["oneOf"] = [{"type": t} for t in _V3_ONE_OF[name]]
    return schema


@functools.lru_cache(maxsize=None)
def _v3_documents() -> dict[str, dict]:
    docs = {}
    for gv in group_versions():
        paths = {}
        for url, item in _paths().items():
            if not url.startswith(f"/{gv}/"):
                continue
            converted = {}
            for key, value in item.items():
                if key == "parameters":
                    converted["parameters"] = [_v3_parameter(p) for p in value]
                else:
                    converted[key] = _v3_operation(value)
            paths[url] = converted
        names = referenced_definitions(list(_paths()[u] for u in _paths() if u.startswith(f"/{gv}/")))
        docs[gv] = {
            "openapi": "3.0.0",
            "info": {"title": "Kubernetes", "version": "v" + kubernetes_version()},
            "paths": paths,
            "components": {"schemas": {name: _v3_definition(name) for name in names}},
        }
    return docs


def v3_document(group_version: str) -> dict | None:
    """The OpenAPI 3.0 document of ``api/v1``, ``apis/apps/v1``, ...; None if not served.

    Shared and cached: do not modify.
    """
    return _v3_documents().get(group_version.strip("/"))


@functools.lru_cache(maxsize=None)
def _v3_json(group_version: str) -> bytes | None:
    doc = v3_document(group_version)
    return None if doc is None else _dumps(doc)


def v3_json(group_version: str) -> bytes | None:
    """``/openapi/v3/<group_version>`` as JSON bytes (``application/json``); None if not served."""
    return _v3_json(group_version.strip("/"))


def v3_hash(group_version: str) -> str | None:
    """Content hash of a v3 document: upper-case hex SHA-512 of :func:`v3_json`."""
    return _v3_hash(group_version.strip("/"))


@functools.lru_cache(maxsize=None)
def _v3_hash(group_version: str) -> str | None:
    data = _v3_json(group_version)
    return None if data is None else hashlib.sha512(data).hexdigest().upper()


def v3_index(prefix: str = "") -> dict:
    """``/openapi/v3``: ``{"paths": {"api/v1": {"serverRelativeURL": ...}, ...}}``.

    ``prefix`` is put before each ``serverRelativeURL`` (``/openapi/v3/...``).
    kube-apiserver publishes them unprefixed.  For a server mounted under a
    path (kubeconfig ``server: http://host/clusters/demo``) kubectl 1.27 to
    1.33 reach the document either way -- client-go adds the kubeconfig's
    path when the URL lacks it -- so the prefix only matters to clients that
    take serverRelativeURL literally.
    """
    prefix = prefix.rstrip("/")
    return {
        "paths": {
            gv: {"serverRelativeURL": f"{prefix}/openapi/v3/{gv}?hash={v3_hash(gv)}"}
            for gv in group_versions()
        }
    }


# --------------------------------------------------------------------------
# Protobuf: gnostic's openapi.v2 messages (github.com/google/gnostic-models,
# openapiv2/OpenAPIv2.proto), encoded by hand on the wire format.  Only the
# fields our documents use are encoded; anything else is an error, so a new
# keyword in the data cannot be dropped silently.


def _varint(n: int) -> bytes:
    if n < 0:
        n += 1 << 64
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _key(number: int, wire: int) -> bytes:
    return _varint((number << 3) | wire)


def _len(number: int, payload: bytes) -> bytes:
    return _key(number, 2) + _varint(len(payload)) + payload


def _str(number: int, text: str) -> bytes:
    return _len(number, text.encode("utf-8")) if text else b""


def _bool(number: int, value: bool) -> bytes:
    return _key(number, 0) + b"\x01" if value else b""


def _int(number: int, value: int) -> bytes:
    return _key(number, 0) + _varint(int(value)) if value else b""


def _double(number: int, value: float) -> bytes:
    return _key(number, 1) + struct.pack("<d", float(value)) if value else b""


def _pb_any(value) -> bytes:
    # Any { google.protobuf.Any value = 1; string yaml = 2; }.  Readers
    # (kube-openapi, cli-runtime) YAML-decode the text; JSON is valid YAML.
    return _str(2, json.dumps(value, sort_keys=True, ensure_ascii=False))


def _pb_named_any(name: str, value) -> bytes:
    return _str(1, name) + _len(2, _pb_any(value))


def _pb_extensions(number: int, obj: dict) -> bytes:
    return b"".join(_len(number, _pb_named_any(k, v)) for k, v in obj.items() if k.startswith("x-"))


# Schema fields: keyword -> (field number, encoder)
_SCHEMA_SCALARS = {
    "$ref": (1, _str),
    "format": (2, _str),
    "title": (3, _str),
    "description": (4, _str),
    "multipleOf": (6, _double),
    "maximum": (7, _double),
    "exclusiveMaximum": (8, _bool),
    "minimum": (9, _double),
    "exclusiveMinimum": (10, _bool),
    "maxLength": (11, _int),
    "minLength": (12, _int),
    "pattern": (13, _str),
    "maxItems": (14, _int),
    "minItems": (15, _int),
    "uniqueItems": (16, _bool),
    "maxProperties": (17, _int),
    "minProperties": (18, _int),
    "discriminator": (26, _str),
    "readOnly": (27, _bool),
}


def _pb_schema(schema: dict) -> bytes:
    out = bytearray()
    for key, value in schema.items():
        if key in _SCHEMA_SCALARS:
            number, enc = _SCHEMA_SCALARS[key]
            out += enc(number, value)
        elif key == "default":
            out += _len(5, _pb_any(value))
        elif key == "required":
            for name in value:
                out += _len(19, name.encode("utf-8"))
        elif key == "enum":
            for item in value:
                out += _len(20, _pb_any(item))
        elif key == "additionalProperties":
            # AdditionalPropertiesItem { oneof { Schema schema = 1; bool boolean = 2; } }
            if isinstance(value, bool):
                inner = _key(2, 0) + (b"\x01" if value else b"\x00")
            else:
                inner = _len(1, _pb_schema(value))
            out += _len(21, inner)
        elif key == "type":
            # TypeItem { repeated string value = 1; }
            types = [value] if isinstance(value, str) else list(value)
            out += _len(22, b"".join(_len(1, t.encode("utf-8")) for t in types))
        elif key == "items":
            # ItemsItem { repeated Schema schema = 1; }
            items = value if isinstance(value, list) else [value]
            out += _len(23, b"".join(_len(1, _pb_schema(s)) for s in items))
        elif key == "allOf":
            for sub in value:
                out += _len(24, _pb_schema(sub))
        elif key == "properties":
            # Properties { repeated NamedSchema additional_properties = 1; }
            named = b"".join(_len(1, _str(1, n) + _len(2, _pb_schema(s))) for n, s in value.items())
            out += _len(25, named)
        elif key == "example":
            out += _len(30, _pb_any(value))
        elif key.startswith("x-"):
            out += _len(31, _pb_named_any(key, value))
        else:
            raise ValueError(f"cannot encode schema keyword {key!r}")
    return bytes(out)


def _pb_parameter(param: dict) -> bytes:
    """ParametersItem { oneof { Parameter parameter = 1; JsonReference json_reference = 2; } }."""
    if "$ref" in param:
        return _len(2, _str(1, param["$ref"]) + _str(2, param.get("description", "")))
    where = param["in"]
    if where == "body":
        # BodyParameter { description 1, name 2, in 3, required 4, schema 5 }
        body = (
            _str(1, param.get("description", "")) + _str(2, param["name"]) + _str(3, "body")
            + _bool(4, param.get("required", False)) + _len(5, _pb_schema(param["schema"]))
        )
        parameter = _len(1, body)
    else:
        # NonBodyParameter { header 1, form_data 2, query 3, path 4 }; the
        # *SubSchema messages share their first fields: required 1, in 2,
        # description 3, name 4; then type/format/.../unique_items differ.
        common = (
            _bool(1, param.get("required", False)) + _str(2, where)
            + _str(3, param.get("description", "")) + _str(4, param["name"])
        )
        if where == "query":
            # allow_empty_value 5, type 6, format 7, ..., unique_items 20
            sub = common + _str(6, param.get("type", "")) + _str(7, param.get("format", ""))
            sub += _bool(20, param.get("uniqueItems", False))
            choice = 3
        elif where == "path":
            # type 5, format 6, ..., unique_items 19
            sub = common + _str(5, param.get("type", "")) + _str(6, param.get("format", ""))
            sub += _bool(19, param.get("uniqueItems", False))
            choice = 4
        elif where == "header":
            sub = common + _str(5, param.get("type", "")) + _str(6, param.get("format", ""))
            sub += _bool(19, param.get("uniqueItems", False))
            choice = 1
        else:
            raise ValueError(f"cannot encode a parameter in {where!r}")
        parameter = _len(2, _len(choice, sub))
    return _len(1, parameter)


def _pb_operation(op: dict) -> bytes:
    out = bytearray()
    for tag in op.get("tags", []):
        out += _len(1, tag.encode("utf-8"))
    out += _str(2, op.get("summary", ""))
    out += _str(3, op.get("description", ""))
    out += _str(5, op.get("operationId", ""))
    for media in op.get("produces", []):
        out += _len(6, media.encode("utf-8"))
    for media in op.get("consumes", []):
        out += _len(7, media.encode("utf-8"))
    for param in op.get("parameters", []):
        out += _len(8, _pb_parameter(param))
    # Responses { repeated NamedResponseValue response_code = 1; }
    # NamedResponseValue { name 1, ResponseValue value 2 }; ResponseValue { Response response = 1 }
    # Response { description 1, SchemaItem schema 2 }; SchemaItem { Schema schema = 1 }
    codes = bytearray()
    for code, resp in op.get("responses", {}).items():
        response = _str(1, resp.get("description", ""))
        if "schema" in resp:
            response += _len(2, _len(1, _pb_schema(resp["schema"])))
        codes += _len(1, _str(1, code) + _len(2, _len(1, response)))
    out += _len(9, bytes(codes))
    for scheme in op.get("schemes", []):
        out += _len(10, scheme.encode("utf-8"))
    out += _bool(11, op.get("deprecated", False))
    out += _pb_extensions(13, op)
    return bytes(out)


_PATH_ITEM_OPS = {"get": 2, "put": 3, "post": 4, "delete": 5, "options": 6, "head": 7, "patch": 8}


def _pb_path_item(item: dict) -> bytes:
    out = bytearray()
    for method in ("get", "put", "post", "delete", "options", "head", "patch"):
        if method in item:
            out += _len(_PATH_ITEM_OPS[method], _pb_operation(item[method]))
    for param in item.get("parameters", []):
        out += _len(9, _pb_parameter(param))
    out += _pb_extensions(10, item)
    return bytes(out)


def _pb_document(doc: dict) -> bytes:
    out = bytearray()
    out += _str(1, doc["swagger"])
    info = doc.get("info", {})
    out += _len(2, _str(1, info.get("title", "")) + _str(2, info.get("version", "")) + _str(3, info.get("description", "")))
    # Paths { repeated NamedAny vendor_extension = 1; repeated NamedPathItem path = 2; }
    paths = b"".join(_len(2, _str(1, url) + _len(2, _pb_path_item(item))) for url, item in doc["paths"].items())
    out += _len(8, paths)
    # Definitions { repeated NamedSchema additional_properties = 1; }
    defs = b"".join(_len(1, _str(1, name) + _len(2, _pb_schema(s))) for name, s in doc["definitions"].items())
    out += _len(9, defs)
    out += _pb_extensions(16, doc)
    return bytes(out)
