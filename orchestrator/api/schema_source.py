"""Where the generators of committed schema data read Kubernetes' definitions from.

`gen_openapi_schema` and `gen_patch_schema` both read the OpenAPI definitions that the
`kubernetes-validate` package ships for a Kubernetes version (pip install
kubernetes-validate==1.37.0; only the generators need it, not the playground).
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os

DEFAULT_VERSION = "1.37.0"


def definitions_path(version: str) -> str:
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


def arguments(description: str, output: str, argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--version", default=DEFAULT_VERSION, help="Kubernetes version (default %(default)s)")
    parser.add_argument("--definitions", help="path to a kubernetes-validate _definitions.json")
    parser.add_argument("--output", default=output)
    return parser.parse_args(argv)


def load(args: argparse.Namespace) -> tuple[dict, str]:
    """Return the definitions named by the arguments and a note of where they came from."""
    path = args.definitions or definitions_path(args.version)
    with open(path, encoding="utf-8") as fh:
        doc = json.load(fh)
    definitions = doc.get("$defs") or doc.get("definitions")
    if not definitions:
        raise SystemExit(f"{path}: no definitions found")
    return definitions, f"kubernetes_validate/kubernetes-json-schema/v{args.version}-local/_definitions.json"
