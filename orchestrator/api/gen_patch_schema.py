"""Generate ``orchestrator/api/patch_schema.py`` from Kubernetes' OpenAPI.

Strategic merge patch needs, for every list in an object, its patch strategy
and merge key.  Kubernetes publishes them in its OpenAPI as the extensions
``x-kubernetes-patch-strategy`` and ``x-kubernetes-patch-merge-key`` (they
mirror the ``patchStrategy`` / ``patchMergeKey`` Go struct tags that the API
server itself uses).  The ``kubernetes-validate`` package on PyPI ships that
OpenAPI as JSON schema for each Kubernetes release; this script reads it and
writes a small, committed data module, so the project needs neither the
package nor any network at run time.

Usage (a development tool, not run by the server or the tests)::

    pip install kubernetes-validate==1.37.0
    python -m orchestrator.api.gen_patch_schema            # Kubernetes 1.37.0
    python -m orchestrator.api.gen_patch_schema --version 1.32.0
    python -m orchestrator.api.gen_patch_schema --definitions path/_definitions.json

To support another kind, add it to ``ROOT_KINDS`` and run the script again.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys

DEFAULT_VERSION = "1.37.0"
OUTPUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "patch_schema.py")

# Kind -> OpenAPI definition of its top-level type.
ROOT_KINDS = {
    "ConfigMap": "io.k8s.api.core.v1.ConfigMap",
    "Deployment": "io.k8s.api.apps.v1.Deployment",
    "Endpoints": "io.k8s.api.core.v1.Endpoints",
    "Event": "io.k8s.api.core.v1.Event",
    "Lease": "io.k8s.api.coordination.v1.Lease",
    "Namespace": "io.k8s.api.core.v1.Namespace",
    "Node": "io.k8s.api.core.v1.Node",
    "Pod": "io.k8s.api.core.v1.Pod",
    "ReplicaSet": "io.k8s.api.apps.v1.ReplicaSet",
    "Service": "io.k8s.api.core.v1.Service",
}

# Values of map-typed fields (``additionalProperties``) are described by a
# synthetic type whose only field is this wildcard.
MAP_VALUES = "*"


def _definitions_path(version: str) -> str:
    spec = importlib.util.find_spec("kubernetes_validate")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(
            "kubernetes-validate is not installed: pip install kubernetes-validate==1.37.0 "
            "or pass --definitions PATH"
        )
    base = list(spec.submodule_search_locations)[0]
    path = os.path.join(base, "kubernetes-json-schema", f"v{version}-local", "_definitions.json")
    if not os.path.exists(path):
        raise SystemExit(f"no schema for Kubernetes {version} in {base}")
    return path


def _ref(schema) -> str | None:
    """Name of the definition a property schema points at, if any."""
    if not isinstance(schema, dict):
        return None
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    for combinator in ("allOf", "anyOf", "oneOf"):
        for sub in schema.get(combinator, []):
            if isinstance(sub, dict) and "$ref" in sub:
                return sub["$ref"].rsplit("/", 1)[-1]
    return None


def build(definitions: dict) -> dict:
    """Return {type name: {field: (patch strategy, merge key, item type)}}.

    Only fields that matter to strategic merge patch are kept: those with a
    patch strategy or merge key, and those leading to a type that has some.
    """
    raw: dict[str, dict[str, tuple]] = {}

    def visit(name: str) -> None:
        if name in raw:
            return
        raw[name] = {}
        for field, prop in definitions[name].get("properties", {}).items():
            strategy = prop.get("x-kubernetes-patch-strategy")
            merge_key = prop.get("x-kubernetes-patch-merge-key")
            child = _ref(prop) or _ref(prop.get("items"))
            values = _ref(prop.get("additionalProperties"))
            if values and not child:
                child = f"map[string]{values}"
                if child not in raw:
                    raw[child] = {MAP_VALUES: (None, None, values)}
                    visit(values)
            elif child:
                visit(child)
            raw[name][field] = (strategy, merge_key, child)

    for root in ROOT_KINDS.values():
        visit(root)

    # A type is relevant when one of its fields has a strategy or merge key,
    # or leads to a relevant type.  Iterate to a fixed point.
    relevant: set[str] = set()
    changed = True
    while changed:
        changed = False
        for name, fields in raw.items():
            if name in relevant:
                continue
            for strategy, merge_key, child in fields.values():
                if strategy or merge_key or (child and child in relevant):
                    relevant.add(name)
                    changed = True
                    break

    table: dict[str, dict[str, tuple]] = {}
    for name in sorted(relevant):
        kept = {}
        for field, (strategy, merge_key, child) in sorted(raw[name].items()):
            child = child if child in relevant else None
            if strategy or merge_key or child:
                kept[field] = (strategy, merge_key, child)
        table[name] = kept
    return table


def _literal(value) -> str:
    return "None" if value is None else json.dumps(value)


def render(table: dict, version: str, source: str) -> str:
    lines = [
        '"""Strategic merge patch metadata for the kinds the playground serves.',
        "",
        "GENERATED by orchestrator/api/gen_patch_schema.py -- do not edit by hand.",
        "Source: the x-kubernetes-patch-strategy / x-kubernetes-patch-merge-key",
        f"extensions of Kubernetes v{version}'s OpenAPI, as shipped by the",
        f"kubernetes-validate package ({source}).",
        "",
        "TYPES maps an OpenAPI type name to {json field: (patch strategy, merge key,",
        "item type)}; the item type is the type of the field's value, or of each",
        "element for a list, and is None when nothing below it matters to the",
        "patch.  A field missing from TYPES has no strategy: maps merge key by key,",
        "lists are replaced.  'map[string]X' types describe the values of a map",
        f"field through the single field {MAP_VALUES!r}.",
        '"""',
        "",
        f"KUBERNETES_VERSION = {_literal(version)}",
        "",
        "ROOT_TYPES = {",
    ]
    for kind, ref in sorted(ROOT_KINDS.items()):
        lines.append(f"    {_literal(kind)}: {_literal(ref if ref in table else None)},")
    lines += ["}", "", "TYPES = {"]
    for name, fields in sorted(table.items()):
        lines.append(f"    {_literal(name)}: {{")
        for field, (strategy, merge_key, child) in sorted(fields.items()):
            lines.append(
                f"        {_literal(field)}: ({_literal(strategy)}, {_literal(merge_key)}, {_literal(child)}),"
            )
        lines.append("    },")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", default=DEFAULT_VERSION, help="Kubernetes version (default %(default)s)")
    parser.add_argument("--definitions", help="path to a kubernetes-validate _definitions.json")
    parser.add_argument("--output", default=OUTPUT)
    args = parser.parse_args(argv)

    path = args.definitions or _definitions_path(args.version)
    with open(path, encoding="utf-8") as fh:
        doc = json.load(fh)
    definitions = doc.get("$defs") or doc.get("definitions")
    if not definitions:
        raise SystemExit(f"{path}: no definitions found")
    source = f"kubernetes_validate/kubernetes-json-schema/v{args.version}-local/_definitions.json"
    text = render(build(definitions), args.version, source)
    with open(args.output, "w", encoding="utf-8") as fh:
        fh.write(text)
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
