"""Generate ``orchestrator/api/openapi_definitions.json.gz`` from Kubernetes' OpenAPI.

The playground's API server publishes OpenAPI (``/openapi/v2`` and
``/openapi/v3``) because kubectl needs it: ``apply``, ``create -f``,
``replace`` and ``edit`` download it for validation, ``explain`` prints
from it.  The schemas are not written by hand: the ``kubernetes-validate``
package on PyPI ships, for each Kubernetes release, the full OpenAPI
definitions of the API (descriptions, ``required``, ``x-kubernetes-*``
extensions) as JSON schema.  This script reads them, keeps only the
definitions reachable from the kinds the playground serves (plus the meta
types its endpoints return), turns the JSON-schema dialect back into the
OpenAPI v2 form kube-apiserver publishes, and writes a small gzip'ed JSON
file that is committed, so neither the 22 MB package nor any network is
needed at run time.  ``orchestrator/api/openapi.py`` builds the v2 and v3
documents from it.

What the conversion undoes (kubernetes-validate's openapi2jsonschema step):

* ``"type": ["string", "null"]`` -> ``"type": "string"`` (OpenAPI v2 has no
  null type; kubectl rejects a definition with several types);
* ``"$ref": "#/$defs/X"`` -> ``"$ref": "#/definitions/X"``;
* the ``enum`` added to every ``apiVersion`` / ``kind`` property is dropped
  (kube-apiserver publishes none);
* ``IntOrString`` and ``Quantity`` (``oneOf`` of two primitives) become
  ``{"type": "string", "format": "int-or-string"}`` and
  ``{"type": "string"}`` as kube-apiserver publishes them.

Usage (a development tool, not run by the server or the tests)::

    pip install kubernetes-validate==1.37.0
    python -m orchestrator.api.gen_openapi_schema            # Kubernetes 1.37.0
    python -m orchestrator.api.gen_openapi_schema --version 1.32.0
    python -m orchestrator.api.gen_openapi_schema --definitions path/_definitions.json

To serve another kind, add its definitions to ``ROOTS``, run the script
again, and describe its endpoints in ``openapi.RESOURCES``.  The output is
deterministic (sorted keys, gzip without a timestamp): running the script
twice gives the same bytes.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import sys

from orchestrator.api import schema_source

OUTPUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "openapi_definitions.json.gz")

# Definitions the published documents start from; everything they reference
# is kept too.
ROOTS = [
    # core/v1
    "io.k8s.api.core.v1.Binding",
    "io.k8s.api.core.v1.ConfigMap",
    "io.k8s.api.core.v1.ConfigMapList",
    "io.k8s.api.core.v1.Endpoints",
    "io.k8s.api.core.v1.EndpointsList",
    "io.k8s.api.core.v1.Event",
    "io.k8s.api.core.v1.EventList",
    "io.k8s.api.core.v1.Namespace",
    "io.k8s.api.core.v1.NamespaceList",
    "io.k8s.api.core.v1.Node",
    "io.k8s.api.core.v1.NodeList",
    "io.k8s.api.core.v1.Pod",
    "io.k8s.api.core.v1.PodList",
    "io.k8s.api.core.v1.Service",
    "io.k8s.api.core.v1.ServiceList",
    # events.k8s.io/v1
    "io.k8s.api.events.v1.Event",
    "io.k8s.api.events.v1.EventList",
    # apps/v1
    "io.k8s.api.apps.v1.Deployment",
    "io.k8s.api.apps.v1.DeploymentList",
    "io.k8s.api.apps.v1.ReplicaSet",
    "io.k8s.api.apps.v1.ReplicaSetList",
    # coordination.k8s.io/v1
    "io.k8s.api.coordination.v1.Lease",
    "io.k8s.api.coordination.v1.LeaseList",
    # subresources: pods/eviction, deployments|replicasets/scale
    "io.k8s.api.policy.v1.Eviction",
    "io.k8s.api.autoscaling.v1.Scale",
    # meta types the endpoints take or return
    "io.k8s.apimachinery.pkg.apis.meta.v1.APIGroup",
    "io.k8s.apimachinery.pkg.apis.meta.v1.APIGroupList",
    "io.k8s.apimachinery.pkg.apis.meta.v1.APIResourceList",
    "io.k8s.apimachinery.pkg.apis.meta.v1.APIVersions",
    "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "io.k8s.apimachinery.pkg.apis.meta.v1.Patch",
    "io.k8s.apimachinery.pkg.apis.meta.v1.Status",
    "io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent",
    "io.k8s.apimachinery.pkg.version.Info",
]

REF_PREFIX_IN = "#/$defs/"
REF_PREFIX_OUT = "#/definitions/"

# The two types kubernetes-validate rewrites as ``oneOf`` of primitives, in
# the form kube-apiserver publishes.  Their type-level descriptions are lost
# in that rewrite; the first sentence of the upstream text is restored.
PRIMITIVE_UNIONS = {
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString": {
        "description": (
            "IntOrString is a type that can hold an int32 or a string.  When used in JSON or YAML "
            "marshalling and unmarshalling, it produces or consumes the inner type.  This allows you "
            "to have, for example, a JSON field that can accept a name or number."
        ),
        "format": "int-or-string",
        "type": "string",
    },
    "io.k8s.apimachinery.pkg.api.resource.Quantity": {
        "description": (
            "Quantity is a fixed-point representation of a number. It provides convenient "
            "marshaling/unmarshaling in JSON and YAML, in addition to String() and AsInt64() accessors."
        ),
        "type": "string",
    },
}


def _refs(schema, out: set[str]) -> None:
    """Collect the definition names a (JSON-schema dialect) schema refers to."""
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith(REF_PREFIX_IN):
            out.add(ref[len(REF_PREFIX_IN):])
        for key in ("items", "additionalProperties"):
            if isinstance(schema.get(key), dict):
                _refs(schema[key], out)
        for sub in schema.get("properties", {}).values():
            _refs(sub, out)
        for key in ("allOf", "anyOf", "oneOf"):
            for sub in schema.get(key, []):
                _refs(sub, out)


def reachable(definitions: dict, roots: list[str]) -> list[str]:
    """Names of the definitions reachable from ``roots`` (roots included), sorted."""
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        if name not in definitions:
            raise SystemExit(f"definition {name} not found in the source")
        seen.add(name)
        found: set[str] = set()
        _refs(definitions[name], found)
        todo.extend(sorted(found - seen))
    return sorted(seen)


def _convert(schema: dict, top_level_gvk: bool = False) -> dict:
    """One schema from the JSON-schema dialect back to OpenAPI v2."""
    out: dict = {}
    for key, value in schema.items():
        if key == "$ref":
            if not value.startswith(REF_PREFIX_IN):
                raise SystemExit(f"unexpected reference {value}")
            out["$ref"] = REF_PREFIX_OUT + value[len(REF_PREFIX_IN):]
        elif key == "type":
            types = [value] if isinstance(value, str) else [t for t in value if t != "null"]
            if len(types) != 1:
                raise SystemExit(f"cannot publish a schema with types {value!r}")
            out["type"] = types[0]
        elif key == "properties":
            props = {}
            for name, sub in value.items():
                converted = _convert(sub)
                if top_level_gvk and name in ("apiVersion", "kind"):
                    converted.pop("enum", None)
                props[name] = converted
            out["properties"] = props
        elif key in ("items", "additionalProperties") and isinstance(value, dict):
            out[key] = _convert(value)
        elif key in ("allOf", "anyOf", "oneOf"):
            raise SystemExit(f"unexpected {key} in {schema!r:.200}")
        elif key in ("$schema", "$id"):
            continue
        else:
            out[key] = value
    return out


def build(definitions: dict, roots: list[str] = ROOTS) -> dict:
    """Return the OpenAPI v2 definitions reachable from ``roots``."""
    result = {}
    for name in reachable(definitions, roots):
        if name in PRIMITIVE_UNIONS:
            result[name] = dict(PRIMITIVE_UNIONS[name])
            continue
        source = definitions[name]
        result[name] = _convert(source, top_level_gvk="x-kubernetes-group-version-kind" in source)
    return result


def render(definitions: dict, version: str, source: str) -> bytes:
    payload = {
        "generatedBy": "orchestrator/api/gen_openapi_schema.py",
        "kubernetesVersion": version,
        "source": source,
        "definitions": definitions,
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as fh:
        fh.write(text.encode("utf-8"))
    return buf.getvalue()


def main(argv=None) -> int:
    args = schema_source.arguments(__doc__.splitlines()[0], OUTPUT, argv)
    definitions, source = schema_source.load(args)
    built = build(definitions)
    data = render(built, args.version, source)
    with open(args.output, "wb") as fh:
        fh.write(data)
    print(f"wrote {args.output}: {len(built)} definitions, {len(data)} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
