"""Server-side field validation: unknown and duplicate fields, as kube-apiserver reports them.

kubectl (1.27+) sends ``?fieldValidation=Strict`` on create, replace, patch
and apply, and since the published OpenAPI names that parameter (see
``openapi.py``) it leaves the checking to the server.  kube-apiserver
decodes the body strictly (sigs.k8s.io/json for JSON, sigs.k8s.io/yaml for
YAML) and collects "strict" errors without failing the decode; then:

* ``Strict`` -- 400 BadRequest.  For create/update the Status message is
  ``Deployment in version "v1" cannot be handled as a Deployment: strict
  decoding error: unknown field "spec.replicass", duplicate field
  "spec.paused"`` (:func:`cannot_be_handled_message`; the part after the
  colon is :func:`strict_decoding_error`);
* ``Warn`` (and no parameter at all) -- the request succeeds and each
  problem becomes one ``Warning: 299 - "unknown field \\"spec.replicass\\""``
  response header (:func:`warning_header`), which kubectl prints as
  ``Warning: unknown field "spec.replicass"``;
* ``Ignore`` -- nothing.

Messages (from kube-apiserver's integration tests of field validation):

* JSON bodies, in document order, each distinct message once, at most 100:
  ``unknown field "spec.template.spec.containers[0].imagee"`` for a key the
  type does not declare (its value is not looked into), ``duplicate field
  "spec.paused"`` for a key given twice (a key both unknown and duplicated
  is reported once, as unknown).  Map keys (labels, annotations,
  resources.limits, ...) are free; their values are checked against the
  map's value type, and a key repeated in a map is a duplicate
  (``duplicate field "metadata.labels.app"``).  RawExtension and FieldsV1
  values (and any ``x-kubernetes-preserve-unknown-fields`` schema) are
  free-form.
* YAML bodies (``application/yaml``, and ``application/apply-patch+yaml``
  for server-side apply): first the duplicate keys as go-yaml reports them,
  ``line 12: key "paused" already set in map`` (the line of the repeated
  key's value), then the unknown fields of the YAML converted to JSON --
  whose keys are sorted, so ``spec.template...`` comes before
  ``spec.unknown1``.  In the Strict message the YAML lines form one error:
  ``strict decoding error: yaml: unmarshal errors:\\n  line 5: key "name"
  already set in map\\n  line 12: ..., unknown field "spec.unknown1"``.
  In warnings they are one each.

For merge and strategic-merge patches kube-apiserver reports
:func:`duplicate_fields` of the patch body (all keys, unknown ones too,
document order) followed by :func:`unknown_fields` of the patched object
(sorted keys), and fails a Strict patch with 422 Invalid (``patch: Invalid
value: ...: strict decoding error: ...``).  For server-side apply only the
YAML duplicate keys are strict errors (message ``error strict decoding
YAML: error converting YAML to JSON: yaml: unmarshal errors:\\n  line 10:
key "paused" already set in map``); unknown fields there are apply errors
(``.spec.foo: field not declared in schema``), whatever fieldValidation
says.

Kinds are named by a ``KindKey``: either ``(apiVersion, kind)`` as in the
object -- ``("apps/v1", "Deployment")``, ``("v1", "Pod")``,
``("autoscaling/v1", "Scale")`` -- or the OpenAPI definition name,
``"io.k8s.api.apps.v1.Deployment"``
(``unknown_and_duplicate_fields`` also takes apiVersion and kind as two
arguments).  A kind without a published schema gets only duplicate-field
checks.

No Django imports.
"""

from __future__ import annotations

import json
import re
from typing import Iterable, Union

from orchestrator.api import openapi, parsing

KindKey = Union[tuple[str, str], str]

MAX_ERRORS = 100  # sigs.k8s.io/json keeps at most this many strict errors

_YAML_LINE = re.compile(r"^line \d+: key .* already set in map$")


# --------------------------------------------------------------------------
# public API


def unknown_and_duplicate_fields(
    kind_key: KindKey, raw_body: bytes | str, *rest: bytes | str, yaml_body: bool | None = None
) -> list[str]:
    """Strict-decoding problems of a create/update body, in kube-apiserver's words and order.

    Called as ``(kind_key, raw_body)`` or, equivalently, as
    ``(api_version, kind, raw_body)``.  ``raw_body`` is the request body.  ``yaml_body`` says whether it was
    sent as YAML (``Content-Type: application/yaml`` or
    ``application/apply-patch+yaml``); by default a body whose first
    non-blank character is ``{`` is taken as JSON and anything else as YAML.
    Returns ``[]`` for a clean body; raises ``ValueError`` when the body
    does not parse (the caller reports that as it would any bad body).
    """
    if rest:
        if len(rest) != 1 or not isinstance(kind_key, str) or not isinstance(raw_body, str):
            raise TypeError("call as (kind_key, raw_body) or (api_version, kind, raw_body)")
        kind_key, raw_body = (kind_key, raw_body), rest[0]
    text = raw_body.decode("utf-8") if isinstance(raw_body, (bytes, bytearray)) else raw_body
    if yaml_body is None:
        yaml_body = not text.lstrip().startswith("{")
    schema = _root_schema(kind_key)
    if yaml_body:
        duplicates, obj = _parse_yaml(text)
        errors = _Errors()
        errors.extend(duplicates)
        if schema is not None:
            _walk(schema, obj, "", errors, typed=True)
        return errors.items
    node = _parse_json(text)
    errors = _Errors()
    if schema is None:
        _walk(None, node, "", errors, typed=False)
    else:
        _walk(schema, node, "", errors, typed=True)
    return errors.items


def unknown_fields(kind_key: KindKey, obj) -> list[str]:
    """``unknown field "..."`` messages for a decoded object (a dict), keys visited in sorted order.

    This is what kube-apiserver reports for an object re-encoded from a map,
    e.g. the result of applying a merge or strategic-merge patch.
    """
    schema = _root_schema(kind_key)
    errors = _Errors()
    if schema is not None:
        _walk(schema, obj, "", errors, typed=True)
    return errors.items


def duplicate_fields(raw_body: bytes | str) -> list[str]:
    """``duplicate field "..."`` messages for every repeated key of a JSON body (e.g. a patch), in order."""
    text = raw_body.decode("utf-8") if isinstance(raw_body, (bytes, bytearray)) else raw_body
    errors = _Errors()
    _walk(None, _parse_json(text), "", errors, typed=False)
    return errors.items


def yaml_duplicate_keys(raw_body: bytes | str) -> list[str]:
    """go-yaml's ``line N: key "x" already set in map`` messages for a YAML (or JSON) body."""
    text = raw_body.decode("utf-8") if isinstance(raw_body, (bytes, bytearray)) else raw_body
    return _parse_yaml(text)[0]


def strict_decoding_error(problems: Iterable[str]) -> str:
    """The error kube-apiserver builds from strict problems: ``strict decoding error: a, b``.

    Consecutive YAML duplicate-key lines are grouped into one go-yaml error
    (``yaml: unmarshal errors:\\n  line 5: ...\\n  line 12: ...``).
    """
    parts: list[str] = []
    yaml_lines: list[str] = []
    for problem in problems:
        if _YAML_LINE.match(problem):
            yaml_lines.append(problem)
            continue
        if yaml_lines:
            parts.append(_yaml_error(yaml_lines))
            yaml_lines = []
        parts.append(problem)
    if yaml_lines:
        parts.append(_yaml_error(yaml_lines))
    return "strict decoding error: " + ", ".join(parts)


def cannot_be_handled_message(api_version: str, kind: str, problems: Iterable[str]) -> str:
    """The BadRequest message of a Strict create/update: ``Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: ...``."""
    version = api_version.rpartition("/")[2]
    return f"{kind} in version {_go_quote(version)} cannot be handled as a {kind}: {strict_decoding_error(problems)}"


def warning_header(message: str) -> str:
    """A ``Warning`` response header value for one problem: ``299 - "unknown field \\"x\\""``."""
    escaped = message.replace("\\", "\\\\").replace('"', '\\"')
    return f'299 - "{escaped}"'


# --------------------------------------------------------------------------
# parsing


class _Object(list):
    """A JSON object as the list of its (key, value) pairs, duplicates kept."""


def _parse_json(text: str):
    try:
        return parsing.load_json(text, object_pairs_hook=_Object)
    except parsing.InputLimitError:
        raise
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON body: {exc}") from exc


def _parse_yaml(text: str):
    """Return (go-yaml duplicate-key messages, the document as plain JSON-like data).

    The limits of ``parsing`` (depth, aliases, size) are checked first: the walk below
    expands aliases, so an unchecked "billion laughs" document would never end.
    """
    stripped = text.lstrip()
    if stripped[:1] in ("{", "["):
        parsing.check_json(text)
        # JSON is YAML, and kubectl sends JSON even as application/apply-patch+yaml;
        # PyYAML rejects the tab indentation JSON often has, so read it as JSON,
        # keeping the line of every value for go-yaml's messages.
        try:
            node = _JSONWithLines(text).parse()
        except ValueError:
            pass
        else:
            messages: list[str] = []
            return messages, _json_as_yaml(node, messages)
    import yaml

    try:
        node = parsing.compose(text)
    except yaml.YAMLError as exc:
        raise ValueError(f"invalid YAML body: {exc}") from exc
    if node is None:
        return [], None
    loader = yaml.SafeLoader("")
    messages: list[str] = []
    try:
        data = _yaml_value(node, loader, messages)
    finally:
        loader.dispose()
    return messages, data


def _yaml_value(node, loader, messages: list[str]):
    import yaml

    if isinstance(node, yaml.MappingNode):
        out: dict = {}
        seen: set = set()
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = loader.construct_object(key_node, deep=True) if isinstance(key_node, yaml.ScalarNode) else None
            value = _yaml_value(value_node, loader, messages)
            # go-yaml v2 (strict) checks the key after decoding the value and
            # reports the line of the value node.
            ident = (type(key).__name__, key)
            if ident in seen:
                messages.append(f"line {value_node.start_mark.line + 1}: key {_go_value(key)} already set in map")
            seen.add(ident)
            out[_json_key(key)] = value  # the non-strict re-decode keeps the last value
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_yaml_value(item, loader, messages) for item in node.value]
    try:
        return loader.construct_object(node, deep=True)
    except yaml.YAMLError:
        return node.value


class _JSONWithLines:
    """A small JSON parser that records, for every object member, the line its value starts on."""

    _WS = re.compile(r"[ \t\n\r]*")
    _NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")

    def __init__(self, text: str):
        self.text = text
        self.pos = 0

    def parse(self):
        value = self._value()
        self._skip()
        if self.pos != len(self.text):
            raise ValueError("extra data after the JSON value")
        return value

    def _skip(self) -> None:
        self.pos = self._WS.match(self.text, self.pos).end()

    def _line(self) -> int:
        return self.text.count("\n", 0, self.pos) + 1

    def _value(self):
        self._skip()
        text, pos = self.text, self.pos
        ch = text[pos:pos + 1]
        if ch == "{":
            self.pos += 1
            obj = _Object()
            obj.lines = []
            self._skip()
            if text[self.pos:self.pos + 1] == "}":
                self.pos += 1
                return obj
            while True:
                self._skip()
                if text[self.pos:self.pos + 1] != '"':
                    raise ValueError("expected a string key")
                key, self.pos = json.decoder.scanstring(text, self.pos + 1)
                self._skip()
                if text[self.pos:self.pos + 1] != ":":
                    raise ValueError("expected ':'")
                self.pos += 1
                self._skip()
                line = self._line()
                obj.append((key, self._value()))
                obj.lines.append(line)
                self._skip()
                sep = text[self.pos:self.pos + 1]
                self.pos += 1
                if sep == "}":
                    return obj
                if sep != ",":
                    raise ValueError("expected ',' or '}'")
        if ch == "[":
            self.pos += 1
            items = []
            self._skip()
            if text[self.pos:self.pos + 1] == "]":
                self.pos += 1
                return items
            while True:
                items.append(self._value())
                self._skip()
                sep = text[self.pos:self.pos + 1]
                self.pos += 1
                if sep == "]":
                    return items
                if sep != ",":
                    raise ValueError("expected ',' or ']'")
        if ch == '"':
            value, self.pos = json.decoder.scanstring(text, pos + 1)
            return value
        for literal, value in (("true", True), ("false", False), ("null", None)):
            if text.startswith(literal, pos):
                self.pos = pos + len(literal)
                return value
        match = self._NUMBER.match(text, pos)
        if match and match.end() > pos:
            self.pos = match.end()
            number = match.group()
            return float(number) if any(c in number for c in ".eE") else int(number)
        raise ValueError(f"unexpected character at offset {pos}")


def _json_as_yaml(node, messages: list[str]):
    """Plain data of a parsed JSON node, with go-yaml's duplicate-key messages (last value wins)."""
    if isinstance(node, _Object):
        out: dict = {}
        for (key, value), line in zip(node, node.lines):
            plain = _json_as_yaml(value, messages)
            if key in out:
                messages.append(f"line {line}: key {_go_quote(key)} already set in map")
            out[key] = plain
        return out
    if isinstance(node, list):
        return [_json_as_yaml(item, messages) for item in node]
    return node


def _json_key(key) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    return str(key)


# --------------------------------------------------------------------------
# walking


class _Errors:
    def __init__(self):
        self.items: list[str] = []
        self._seen: set[str] = set()

    def add(self, message: str) -> None:
        if len(self.items) >= MAX_ERRORS or message in self._seen:
            return
        self._seen.add(message)
        self.items.append(message)

    def extend(self, messages: Iterable[str]) -> None:
        for m in messages:
            self.add(m)


def _root_schema(kind_key: KindKey) -> dict | None:
    if isinstance(kind_key, str):
        name = kind_key if kind_key in openapi.definitions() else None
    else:
        api_version, kind = kind_key
        name = openapi.definition_name(api_version, kind)
    return None if name is None else openapi.definitions()[name]


def _resolve(schema: dict | None) -> dict | None:
    defs = openapi.definitions()
    seen = 0
    while schema is not None and "$ref" in schema:
        schema = defs.get(schema["$ref"].rsplit("/", 1)[-1])
        seen += 1
        if seen > 64:
            return None
    return schema


def _pairs(node):
    """(key, value) pairs of an object node, or None if the node is not an object."""
    if isinstance(node, _Object):
        return node
    if isinstance(node, dict):
        return sorted(node.items(), key=lambda kv: kv[0])
    return None


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _walk(schema: dict | None, node, path: str, errors: _Errors, typed: bool) -> None:
    """Report unknown (typed) and duplicate keys under ``node``.

    ``typed`` False decodes like Go into ``interface{}``: every key is known,
    repeated keys are duplicates everywhere below.
    """
    schema = _resolve(schema) if typed else None
    if typed and schema is None:
        return
    pairs = _pairs(node)
    if pairs is not None:
        if not typed:
            seen: set[str] = set()
            for key, value in pairs:
                child = _join(path, key)
                if key in seen:
                    errors.add(f"duplicate field {_go_quote(child)}")
                seen.add(key)
                _walk(None, value, child, errors, typed=False)
            return
        properties = schema.get("properties")
        additional = schema.get("additionalProperties")
        preserve = schema.get("x-kubernetes-preserve-unknown-fields") is True
        if properties is None and not isinstance(additional, dict):
            return  # free-form: RawExtension, FieldsV1, arbitrary JSON, or a type mismatch
        seen = set()
        for key, value in pairs:
            child = _join(path, key)
            if properties is not None and key in properties:
                if key in seen:
                    errors.add(f"duplicate field {_go_quote(child)}")
                seen.add(key)
                _walk(properties[key], value, child, errors, typed=True)
            elif properties is None:  # a map: any key, values of one type
                if key in seen:
                    errors.add(f"duplicate field {_go_quote(child)}")
                seen.add(key)
                _walk(additional, value, child, errors, typed=True)
            elif not preserve:
                errors.add(f"unknown field {_go_quote(child)}")
        return
    if isinstance(node, list):
        items = schema.get("items") if typed else None
        if typed and not isinstance(items, dict):
            return
        for index, item in enumerate(node):
            _walk(items, item, f"{path}[{index}]", errors, typed=typed)


# --------------------------------------------------------------------------
# types and numeric ranges, as Go's JSON decoder refuses them


INT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
_FREE_DEFINITIONS = {  # types with their own decoding (numbers allowed, several forms): not checked here
    "io.k8s.apimachinery.pkg.api.resource.Quantity",
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString",
    "io.k8s.apimachinery.pkg.apis.meta.v1.Time",
    "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime",
    "io.k8s.apimachinery.pkg.runtime.RawExtension",
    "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1",
}


def type_error(kind_key: KindKey, obj) -> str | None:
    """The first value of the wrong JSON type or out of its integer range, in Go's words, or None.

    kube-apiserver decodes a body into Go structs: ``"replicas": 2147483648`` or ``"10"`` cannot
    be stored in an int32 and the request is refused (400) with ``json: cannot unmarshal
    number 2147483648 into Go struct field DeploymentSpec.spec.replicas of type int32``:
    the struct holding the field, the JSON path from the object's root without list
    indexes, and the field's Go type. Values inside free-form types (quantities,
    int-or-string, times, raw extensions) are left to validation.
    """
    name = _root_name(kind_key)
    if name is None:
        return None
    return _types(name, openapi.definitions()[name], obj, "")


def drop_nulls(kind_key: KindKey, obj) -> None:
    """Do to ``obj`` (in place) what Go's decoder does with JSON nulls: a null field is its zero
    value, i.e. absent once re-encoded; a null item of a list of objects is an empty object."""
    name = _root_name(kind_key)
    if name is not None:
        _drop_nulls(openapi.definitions()[name], obj)


def _drop_nulls(schema: dict, node) -> None:
    if not isinstance(node, dict):
        return
    properties = schema.get("properties") or {}
    for key in [k for k, v in node.items() if v is None and k in properties]:
        del node[key]
    for key, value in node.items():
        field = properties.get(key)
        if field is not None:
            _drop_nulls_value(field, value)


def _drop_nulls_value(schema: dict, value) -> None:
    name = _ref_name(schema)
    if name is not None:
        target = openapi.definitions().get(name)
        if target is not None and name not in _FREE_DEFINITIONS and "properties" in target:
            _drop_nulls(target, value)
        return
    if schema.get("type") == "array" and isinstance(value, list):
        items = schema.get("items") or {}
        item_name = _ref_name(items)
        struct = item_name is not None and "properties" in (openapi.definitions().get(item_name) or {})
        for i, item in enumerate(value):
            if item is None and struct and item_name not in _FREE_DEFINITIONS:
                value[i] = {}
            else:
                _drop_nulls_value(items, item)
    elif schema.get("type") == "object" and isinstance(value, dict) and isinstance(schema.get("additionalProperties"), dict):
        values = schema["additionalProperties"]
        for key, item in value.items():
            if item is None and values.get("type") == "string":
                value[key] = ""
            else:
                _drop_nulls_value(values, item)


def _root_name(kind_key: KindKey) -> str | None:
    if isinstance(kind_key, str):
        return kind_key if kind_key in openapi.definitions() else None
    return openapi.definition_name(*kind_key)


def _ref_name(schema: dict) -> str | None:
    ref = schema.get("$ref")
    return ref.rsplit("/", 1)[-1] if ref else None


def _go_type(schema: dict) -> str:
    name = _ref_name(schema)
    if name is not None:
        parts = name.split(".")
        target = openapi.definitions().get(name) or {}
        if target.get("type") not in (None, "object") and name not in _FREE_DEFINITIONS:
            return _go_type(target)
        return f"{parts[-2]}.{parts[-1]}" if len(parts) >= 2 else name
    kind = schema.get("type")
    if kind == "integer":
        return schema.get("format") or "int64"
    if kind == "number":
        return "float64"
    if kind == "boolean":
        return "bool"
    if kind == "string":
        return "string"
    if kind == "array":
        return "[]" + _go_type(schema.get("items") or {})
    if kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        return "map[string]" + _go_type(schema["additionalProperties"])
    return "interface {}"


def _json_kind(value) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _number_text(value) -> str:
    if isinstance(value, float):
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    return str(value)


def _types(struct: str, schema: dict, node, path: str) -> str | None:
    """Check the fields of ``node`` (an object of the definition ``struct``)."""
    if not isinstance(node, dict):
        return None
    properties = schema.get("properties") or {}
    for key, value in node.items():
        field = properties.get(key)
        if field is None or value is None:
            continue
        problem = _value(struct, field, value, _join(path, key))
        if problem:
            return problem
    return None


def _value(struct: str, schema: dict, value, path: str) -> str | None:
    """Check one field's value against its schema; ``struct`` holds the field."""
    if value is None:
        return None
    short = struct.rsplit(".", 1)[-1]

    def refuse(what: str, go_type: str | None = None) -> str:
        return f"json: cannot unmarshal {what} into Go struct field {short}.{path} of type {go_type or _go_type(schema)}"

    name = _ref_name(schema)
    if name is not None:
        if name in _FREE_DEFINITIONS:
            return None
        target = openapi.definitions().get(name)
        if target is None:
            return None
        if target.get("type") not in (None, "object"):
            return _value(struct, target, value, path)
        if target.get("x-kubernetes-preserve-unknown-fields") or "properties" not in target:
            return None
        if not isinstance(value, dict):
            return refuse(_json_kind(value))
        return _types(name, target, value, path)
    if schema.get("x-kubernetes-int-or-string") or schema.get("x-kubernetes-preserve-unknown-fields"):
        return None
    kind = schema.get("type")
    if kind == "integer":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return refuse(_json_kind(value))
        low, high = INT_RANGES.get(schema.get("format") or "int64", INT_RANGES["int64"])
        if isinstance(value, float) or not low <= value <= high:
            return refuse(f"number {_number_text(value)}")
        return None
    if kind == "number":
        return None if isinstance(value, (int, float)) and not isinstance(value, bool) else refuse(_json_kind(value))
    if kind == "boolean":
        return None if isinstance(value, bool) else refuse(_json_kind(value))
    if kind == "string":
        if schema.get("format") in ("int-or-string", "date-time"):
            return None
        return None if isinstance(value, str) else refuse(_json_kind(value))
    if kind == "array":
        if not isinstance(value, list):
            return refuse(_json_kind(value))
        items = schema.get("items") or {}
        for item in value:
            problem = _value(struct, items, item, path)
            if problem:
                return problem
        return None
    if kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        if not isinstance(value, dict):
            return refuse(_json_kind(value))
        for item in value.values():
            problem = _value(struct, schema["additionalProperties"], item, path)
            if problem:
                return problem
    return None


# --------------------------------------------------------------------------
# Go formatting


def _go_quote(text: str) -> str:
    """Go's strconv.Quote (``%q``): printable characters kept, others escaped."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\a":
            out.append("\\a")
        elif ch == "\b":
            out.append("\\b")
        elif ch == "\f":
            out.append("\\f")
        elif ch == "\v":
            out.append("\\v")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\x{code:02x}")
        elif ch.isprintable() or ch == " ":
            out.append(ch)
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


def _go_value(value) -> str:
    """Go's ``%#v`` of a decoded YAML scalar key."""
    if isinstance(value, str):
        return _go_quote(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "interface {}(nil)"
    if isinstance(value, float):
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    return str(value)


def _yaml_error(lines: list[str]) -> str:
    return "yaml: unmarshal errors:\n  " + "\n  ".join(lines)
