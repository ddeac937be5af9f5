"""Media types: what a request body is in, and what form a response should take."""
from __future__ import annotations

from dataclasses import dataclass

import yaml

from orchestrator.store.errors import BadRequest, RequestEntityTooLarge, UnsupportedMediaType

from . import parsing, protobuf

MAX_BODY = parsing.MAX_BODY  # kube-apiserver's request size limit


def too_large() -> RequestEntityTooLarge:
    return RequestEntityTooLarge(f"Request entity too large: limit is {MAX_BODY}")


@dataclass(frozen=True)
class MediaRange:
    type: str
    params: dict


def parse_accept(header: str | None) -> list[MediaRange]:
    ranges = []
    for part in (header or "").split(","):
        pieces = [p.strip() for p in part.split(";") if p.strip()]
        if not pieces:
            continue
        params = {}
        for piece in pieces[1:]:
            key, _, value = piece.partition("=")
            params[key.strip()] = value.strip()
        ranges.append(MediaRange(pieces[0].lower(), params))
    return ranges


def wants_table(header: str | None) -> bool:
    return any(r.params.get("as") == "Table" and r.params.get("g") == "meta.k8s.io" for r in parse_accept(header))


def discovery_version(header: str | None) -> str | None:
    """Return "v2" or "v2beta1" when the client asks for aggregated discovery (in its order)."""
    for r in parse_accept(header):
        if r.params.get("as") == "APIGroupDiscoveryList" and r.params.get("g") == "apidiscovery.k8s.io":
            if r.params.get("v") in ("v2", "v2beta1"):
                return r.params["v"]
    return None


def content_type(header: str | None) -> str:
    return (header or "").split(";")[0].strip().lower()


def decode_body(raw: bytes, media: str, expected_kind: str) -> dict:
    """Decode a create/update body (JSON, YAML or protobuf) into a dict."""
    if len(raw) > MAX_BODY:
        raise too_large()
    if media == protobuf.CONTENT_TYPE:
        try:
            return protobuf.decode(raw)
        except protobuf.ProtobufError as exc:
            if "unsupported" in str(exc):
                raise UnsupportedMediaType(str(exc)) from exc
            raise BadRequest(str(exc)) from exc
    if media in ("application/json", "", "*/*"):
        try:
            body = parsing.load_json(raw or b"null")
        except (ValueError, UnicodeDecodeError) as exc:
            raise BadRequest(f"the object provided is unrecognized (must be of type {expected_kind}): couldn't get version/kind; json parse error: {exc}") from exc
    elif media in ("application/yaml", "application/x-yaml", "text/yaml"):
        try:
            body = parsing.safe_load(raw or b"")
        except parsing.InputLimitError as exc:
            raise BadRequest(f"the object provided is unrecognized (must be of type {expected_kind}): {exc}") from exc
        except yaml.YAMLError as exc:
            raise BadRequest(f"the object provided is unrecognized (must be of type {expected_kind}): yaml: {exc}") from exc
    else:
        raise UnsupportedMediaType(
            "the body of the request was in an unknown format - accepted media types include: "
            "application/json, application/yaml, application/vnd.kubernetes.protobuf"
        )
    if not isinstance(body, dict):
        raise BadRequest(f"the object provided is unrecognized (must be of type {expected_kind}): couldn't get version/kind; json parse error: expected an object")
    return body


PATCH_TYPES = {
    "application/json-patch+json": "json",
    "application/merge-patch+json": "merge",
    "application/strategic-merge-patch+json": "strategic",
    "application/apply-patch+yaml": "apply",
    "application/apply-patch+cbor": "apply-cbor",
}


def decode_patch(raw: bytes, media: str):
    if len(raw) > MAX_BODY:
        raise too_large()
    kind = PATCH_TYPES.get(media)
    if kind is None or kind == "apply-cbor":
        raise UnsupportedMediaType(
            "the body of the request was in an unknown format - accepted media types include: "
            "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, "
            "application/strategic-merge-patch+json"
        )
    try:
        if kind == "apply":
            patch = parsing.safe_load(raw or b"")
        else:
            patch = parsing.load_json(raw or b"null")
    except (ValueError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise BadRequest(f"error decoding patch: {exc}") from exc
    return kind, patch
