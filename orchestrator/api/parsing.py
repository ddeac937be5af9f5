"""Request bodies and files parsed with limits, before anything walks the parsed value.

Every YAML or JSON text that comes from outside (the Kubernetes API, the control API, the
page's YAML editor, exports imported as new clusters, teachers' scenario files, websocket
messages) is read through this module, which refuses, quickly and before building or
walking anything big:

* a body larger than ``MAX_BODY`` (3 MiB, kube-apiserver's request size limit);
* nesting deeper than ``settings.PLAYGROUND_MAX_NESTING`` (JSON and YAML; a Python walk of a
  20,000-deep value would exhaust the interpreter's stack): ``exceeded max depth``;
* YAML whose aliases expand into far more nodes than the text holds (the "billion laughs" of
  CVE-2019-11253): go-yaml's rule, ``document contains excessive aliasing`` -- more than 100
  nodes from aliases, more than 1,000 in all, and a share from aliases above 99% for up to
  400,000 nodes, falling to 10% at 4,000,000 -- plus a hard ceiling,
  ``settings.PLAYGROUND_YAML_MAX_NODES`` nodes once aliases are expanded;
* an alias to a node that contains it (a recursive document);
* a YAML stream of more than ``settings.PLAYGROUND_YAML_MAX_DOCUMENTS`` documents.

The YAML check reads libyaml's event stream (no node is built, no alias is expanded), so
it costs one pass over the text whatever the document says. Refusals are
``InputLimitError`` (a ``ValueError``); callers turn them into their own Status or message.

No Django imports at module level (settings are read when a check runs).
"""
from __future__ import annotations

import json
import re

import yaml

MAX_BODY = 3 * 1024 * 1024  # kube-apiserver's request size limit (3 MiB)

DEFAULT_MAX_NESTING = 100
DEFAULT_YAML_MAX_DOCUMENTS = 10000
DEFAULT_YAML_MAX_NODES = 1_000_000

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_BRACKET = re.compile(rb"[\[\]{}]")


class InputLimitError(ValueError):
    """Input refused by a limit; `str()` is the message (go-yaml's or Go json's wording)."""


def _setting(name: str, default: int) -> int:
    try:
        from django.conf import settings

        return int(getattr(settings, name, default))
    except Exception:  # settings not configured: plain defaults
        return default


def max_nesting() -> int:
    return _setting("PLAYGROUND_MAX_NESTING", DEFAULT_MAX_NESTING)


def max_documents() -> int:
    return _setting("PLAYGROUND_YAML_MAX_DOCUMENTS", DEFAULT_YAML_MAX_DOCUMENTS)


def max_nodes() -> int:
    return _setting("PLAYGROUND_YAML_MAX_NODES", DEFAULT_YAML_MAX_NODES)


def _as_bytes(raw: bytes | str) -> bytes:
    return raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else bytes(raw)


def check_size(raw: bytes | str, limit: int = MAX_BODY) -> None:
    size = len(raw.encode("utf-8", "surrogatepass")) if isinstance(raw, str) else len(raw)
    if size > limit:
        raise InputLimitError(f"Request entity too large: limit is {limit}")


def _deadline_check():
    """The request deadline's check (orchestrator/api/limits.py), or nothing outside Django."""
    try:
        from orchestrator.api.limits import check_deadline

        return check_deadline
    except Exception:
        return lambda: None


# --------------------------------------------------------------------------
# JSON


def check_json(raw: bytes | str) -> None:
    """Refuse JSON nested deeper than the limit, without parsing it (Go's wording: ``exceeded max depth``)."""
    data = _as_bytes(raw)
    limit = max_nesting()
    if data.count(b"[") + data.count(b"{") <= limit:  # the common case: nothing to scan
        return
    depth = 0
    check_deadline = _deadline_check()
    for seen, match in enumerate(_JSON_BRACKET.finditer(_JSON_STRING.sub(b'""', data))):
        if seen % 65536 == 65535:
            check_deadline()
        if match.group() in (b"[", b"{"):
            depth += 1
            if depth > limit:
                raise InputLimitError(f"exceeded max depth of {limit}")
        else:
            depth -= 1


def load_json(raw: bytes | str, **kwargs):
    """``json.loads`` after the depth check; ValueError (InputLimitError for a limit) on bad JSON."""
    check_json(raw)
    try:
        return json.loads(raw, **kwargs)
    except RecursionError as exc:  # a lower interpreter limit than ours: still a refusal, not a 500
        raise InputLimitError("exceeded max depth") from exc


# --------------------------------------------------------------------------
# YAML


def _allowed_alias_ratio(decoded: int) -> float:
    """go-yaml's allowedAliasRatio: 99% up to 400,000 nodes, down to 10% at 4,000,000."""
    low, high = 400_000, 4_000_000
    if decoded <= low:
        return 0.99
    if decoded >= high:
        return 0.10
    return 0.99 - 0.89 * ((decoded - low) / (high - low))


class _Frame:
    __slots__ = ("anchor", "count")

    def __init__(self, anchor):
        self.anchor = anchor
        self.count = 0


def check_yaml(text: bytes | str, *, max_docs: int | None = None) -> int:
    """Check a YAML stream against the limits; return its number of documents.

    Raises InputLimitError (``yaml: ...``) for a limit; bad syntax is left to the loader that
    follows, which reports it with its line.
    """
    limit_depth = max_nesting()
    limit_nodes = max_nodes()
    limit_docs = max_documents() if max_docs is None else max_docs
    documents = 0
    stack: list[_Frame] = []
    sizes: dict = {}
    open_anchors: set = set()
    decoded = aliased = 0
    events = yaml.parse(text, Loader=_Loader)
    check_deadline = _deadline_check()
    seen = 0
    while True:
        seen += 1
        if seen % 16384 == 0:
            check_deadline()
        try:
            event = next(events)
        except StopIteration:
            break
        except yaml.YAMLError:
            break  # bad syntax: the loader reports it in its own words, with its line
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > limit_docs:
                raise InputLimitError(f"yaml: the stream has more than {limit_docs} documents")
            stack, sizes, open_anchors = [_Frame(None)], {}, set()
            decoded = aliased = 0
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            if len(stack) > limit_depth:
                raise InputLimitError(f"yaml: exceeded max depth of {limit_depth}")
            stack.append(_Frame(event.anchor))
            if event.anchor is not None:
                open_anchors.add(event.anchor)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            frame = stack.pop()
            size = frame.count + 1
            stack[-1].count += size
            decoded += 1
            if frame.anchor is not None:
                sizes[frame.anchor] = size
                open_anchors.discard(frame.anchor)
        elif isinstance(event, yaml.ScalarEvent):
            stack[-1].count += 1
            decoded += 1
            if event.anchor is not None:
                sizes[event.anchor] = 1
        elif isinstance(event, yaml.AliasEvent):
            if event.anchor in open_anchors:
                raise InputLimitError(f"yaml: anchor '{event.anchor}' value contains itself")
            size = sizes.get(event.anchor)
            if size is None:
                continue  # undefined: the composer reports it with its line
            stack[-1].count += size
            decoded += size
            aliased += size
            if decoded > limit_nodes or (
                aliased > 100 and decoded > 1000 and aliased / decoded > _allowed_alias_ratio(decoded)
            ):
                raise InputLimitError("yaml: document contains excessive aliasing")
    return documents


def safe_load(text: bytes | str):
    """``yaml.safe_load`` after the checks (one document)."""
    check_yaml(text)
    return yaml.load(text, Loader=yaml.SafeLoader)


def safe_load_all(text: bytes | str) -> list:
    check_yaml(text)
    return list(yaml.load_all(text, Loader=yaml.SafeLoader))


def compose(text: bytes | str):
    """``yaml.compose`` (pure-Python loader: marks keep their lines) after the checks."""
    check_yaml(text)
    return yaml.compose(text, Loader=yaml.SafeLoader)


def compose_all(text: bytes | str) -> list:
    check_yaml(text)
    return list(yaml.compose_all(text, Loader=yaml.SafeLoader))
