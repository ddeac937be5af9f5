"""The three PATCH formats of the Kubernetes API.

* ``application/merge-patch+json``     -> :func:`apply_merge_patch` (RFC 7386)
* ``application/json-patch+json``      -> :func:`apply_json_patch` (RFC 6902)
* ``application/strategic-merge-patch+json`` -> :func:`apply_strategic_merge_patch`

None of the functions modify their arguments: each returns a new object that
shares no mutable part with its inputs.  A malformed patch raises
:class:`PatchError` (a ``ValueError``) whose message is fit for the API's
error response.

Strategic merge patch follows apimachinery's ``strategicpatch`` package
(``k8s.io/apimachinery/pkg/util/strategicpatch``): lists with patch strategy
``merge`` are merged by their merge key (or as sets when they hold
primitives), other lists are replaced, maps merge key by key and ``null``
deletes a key.  The directives are ``$patch`` (``replace``/``delete`` on maps
and on list elements), ``$retainKeys``, ``$setElementOrder/<list>`` and
``$deleteFromPrimitiveList/<list>``.  The patch strategies and merge keys come
from Kubernetes' OpenAPI, through the generated :mod:`.patch_schema` module.

Where the Go code would leave a directive in the stored object (a value that
the real API server then silently drops when it decodes into its Go types),
the directive is removed here, since this project stores plain JSON.  In the
same spirit a patch value for a field that the object lacks is applied to an
empty value, so its directives take effect instead of being stored or lost.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from . import patch_schema

__all__ = [
    "PatchError",
    "apply_merge_patch",
    "apply_json_patch",
    "apply_strategic_merge_patch",
    "STRATEGIC_MERGE_KINDS",
]

STRATEGIC_MERGE_KINDS = frozenset(patch_schema.ROOT_TYPES)


class PatchError(ValueError):
    """A patch that cannot be applied: malformed, or failing a test op."""


def _short(value: Any, limit: int = 120) -> str:
    try:
        text = json.dumps(value, sort_keys=True, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _kind(value: Any) -> str:
    """The JSON type of a value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    return type(value).__name__


def _json_equal(a: Any, b: Any) -> bool:
    """Equality of JSON values: true is not 1, 1 is 1.0, key order is ignored."""
    ka, kb = _kind(a), _kind(b)
    if ka != kb:
        return False
    if ka == "object":
        return a.keys() == b.keys() and all(_json_equal(a[k], b[k]) for k in a)
    if ka == "array":
        return len(a) == len(b) and all(_json_equal(x, y) for x, y in zip(a, b))
    return a == b


# ---------------------------------------------------------------------------
# RFC 7386 JSON merge patch
# ---------------------------------------------------------------------------


def _merge_patch_value(target: Any, patch: Any) -> Any:
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = target if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = _merge_patch_value(result.get(key), value)
    return result


def apply_merge_patch(obj: dict, patch) -> dict:
    """Apply a JSON merge patch (RFC 7386): objects merge, ``null`` deletes,
    anything else (lists included) replaces."""
    if not isinstance(patch, dict):
        raise PatchError(f"merge patch must be a JSON object, got {_kind(patch)}")
    if not isinstance(obj, dict):
        raise PatchError(f"cannot patch a {_kind(obj)}: the object must be a JSON object")
    return _merge_patch_value(copy.deepcopy(obj), patch)


# ---------------------------------------------------------------------------
# RFC 6902 JSON patch
# ---------------------------------------------------------------------------

_MISSING = object()


def _parse_pointer(pointer: Any, where: str) -> list[str]:
    if not isinstance(pointer, str):
        raise PatchError(f"{where}: a JSON pointer must be a string, got {_kind(pointer)}")
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise PatchError(f"{where}: JSON pointer {pointer!r} must be empty or start with '/'")
    tokens = []
    for raw in pointer[1:].split("/"):
        i = raw.find("~")
        while i != -1:
            if i + 1 >= len(raw) or raw[i + 1] not in "01":
                raise PatchError(f"{where}: invalid escape in JSON pointer {pointer!r} (only ~0 and ~1)")
            i = raw.find("~", i + 2)
        tokens.append(raw.replace("~1", "/").replace("~0", "~"))
    return tokens


def _array_index(token: str, length: int, pointer: str, *, allow_end: bool) -> int:
    """Index named by a token into an array; ``allow_end`` admits ``-`` and ``length``."""
    if token == "-":
        if allow_end:
            return length
        raise PatchError(f"path {pointer!r}: '-' names no existing array element")
    if not token.isdigit() or not token.isascii() or (len(token) > 1 and token[0] == "0"):
        raise PatchError(f"path {pointer!r}: {token!r} is not an array index")
    index = int(token)
    limit = length if allow_end else length - 1
    if index > limit:
        raise PatchError(f"path {pointer!r}: index {index} is out of range (array of {length})")
    return index


def _resolve(doc: Any, tokens: list[str], pointer: str) -> Any:
    """The value a pointer names; PatchError when it does not exist."""
    current = doc
    for token in tokens:
        if isinstance(current, dict):
            if token not in current:
                raise PatchError(f"path {pointer!r} does not exist: no key {token!r}")
            current = current[token]
        elif isinstance(current, list):
            current = current[_array_index(token, len(current), pointer, allow_end=False)]
        else:
            raise PatchError(f"path {pointer!r} does not exist: cannot index a {_kind(current)}")
    return current


def _json_add(doc: Any, tokens: list[str], value: Any, pointer: str) -> Any:
    if not tokens:
        return value
    parent = _resolve(doc, tokens[:-1], pointer)
    last = tokens[-1]
    if isinstance(parent, dict):
        parent[last] = value
    elif isinstance(parent, list):
        parent.insert(_array_index(last, len(parent), pointer, allow_end=True), value)
    else:
        raise PatchError(f"path {pointer!r}: cannot add to a {_kind(parent)}")
    return doc


def _json_remove(doc: Any, tokens: list[str], pointer: str) -> tuple[Any, Any]:
    """Remove what the pointer names; return (new doc, removed value)."""
    if not tokens:
        return None, doc
    parent = _resolve(doc, tokens[:-1], pointer)
    last = tokens[-1]
    if isinstance(parent, dict):
        if last not in parent:
            raise PatchError(f"path {pointer!r} does not exist: no key {last!r}")
        return doc, parent.pop(last)
    if isinstance(parent, list):
        return doc, parent.pop(_array_index(last, len(parent), pointer, allow_end=False))
    raise PatchError(f"path {pointer!r} does not exist: cannot index a {_kind(parent)}")


def _json_replace(doc: Any, tokens: list[str], value: Any, pointer: str) -> Any:
    if not tokens:
        return value
    parent = _resolve(doc, tokens[:-1], pointer)
    last = tokens[-1]
    if isinstance(parent, dict):
        if last not in parent:
            raise PatchError(f"path {pointer!r} does not exist: no key {last!r}")
        parent[last] = value
    elif isinstance(parent, list):
        parent[_array_index(last, len(parent), pointer, allow_end=False)] = value
    else:
        raise PatchError(f"path {pointer!r} does not exist: cannot index a {_kind(parent)}")
    return doc


_JSON_PATCH_OPS = ("add", "remove", "replace", "move", "copy", "test")


def apply_json_patch(obj: dict, patch: list) -> dict:
    """Apply a JSON patch (RFC 6902): a list of add, remove, replace, move,
    copy and test operations, applied in order, all or nothing."""
    if not isinstance(patch, list):
        raise PatchError(f"JSON patch must be a JSON array of operations, got {_kind(patch)}")
    if not isinstance(obj, dict):
        raise PatchError(f"cannot patch a {_kind(obj)}: the object must be a JSON object")
    doc: Any = copy.deepcopy(obj)
    for number, operation in enumerate(patch):
        where = f"operation {number}"
        if not isinstance(operation, dict):
            raise PatchError(f"{where}: must be a JSON object, got {_kind(operation)}")
        op = operation.get("op", _MISSING)
        if op is _MISSING:
            raise PatchError(f"{where}: missing 'op'")
        if op not in _JSON_PATCH_OPS:
            raise PatchError(f"{where}: unknown op {_short(op)} (expected one of {', '.join(_JSON_PATCH_OPS)})")
        where = f"operation {number} ({op})"
        if "path" not in operation:
            raise PatchError(f"{where}: missing 'path'")
        pointer = operation["path"]
        tokens = _parse_pointer(pointer, where)
        if op in ("add", "replace", "test"):
            if "value" not in operation:
                raise PatchError(f"{where}: missing 'value'")
            value = copy.deepcopy(operation["value"])
        if op in ("move", "copy"):
            if "from" not in operation:
                raise PatchError(f"{where}: missing 'from'")
            source = operation["from"]
            source_tokens = _parse_pointer(source, where)

        if op == "add":
            doc = _json_add(doc, tokens, value, pointer)
        elif op == "remove":
            doc, _ = _json_remove(doc, tokens, pointer)
        elif op == "replace":
            doc = _json_replace(doc, tokens, value, pointer)
        elif op == "test":
            actual = _resolve(doc, tokens, pointer)
            if not _json_equal(actual, value):
                raise PatchError(
                    f"{where}: test failed: value at {pointer!r} is {_short(actual)}, not {_short(value)}"
                )
        elif op == "copy":
            value = copy.deepcopy(_resolve(doc, source_tokens, source))
            doc = _json_add(doc, tokens, value, pointer)
        else:  # move
            if source_tokens == tokens:
                _resolve(doc, source_tokens, source)
                continue
            if tokens[: len(source_tokens)] == source_tokens:
                raise PatchError(f"{where}: cannot move {source!r} into its own child {pointer!r}")
            doc, value = _json_remove(doc, source_tokens, source)
            doc = _json_add(doc, tokens, value, pointer)

    if not isinstance(doc, dict):
        raise PatchError(f"JSON patch turned the object into a {_kind(doc)}; it must stay a JSON object")
    return doc


# ---------------------------------------------------------------------------
# Strategic merge patch
# ---------------------------------------------------------------------------

DIRECTIVE = "$patch"
RETAIN_KEYS = "$retainKeys"
SET_ELEMENT_ORDER = "$setElementOrder"
DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList"

_NO_META = (None, None, None)
# Returned by _merge_map when a `$patch: delete` map has nothing to delete:
# the field is then left out.
_ABSENT = object()


def _field_meta(type_name: str | None, field: str) -> tuple[str | None, str | None, str | None]:
    """(patch strategy without retainKeys, merge key, item type) of a field."""
    fields = patch_schema.TYPES.get(type_name) if type_name else None
    if not fields:
        return _NO_META
    meta = fields.get(field) or fields.get("*")
    if meta is None:
        return _NO_META
    strategies, merge_key, item_type = meta
    strategy = None
    for part in (strategies or "").split(","):
        part = part.strip()
        if part and part != "retainKeys":
            strategy = part
    return strategy, merge_key, item_type


def _list_field(key: str, prefix: str) -> str:
    """`<prefix>/<field>` -> field; PatchError for a malformed key."""
    head, sep, field = key.partition("/")
    if head != prefix or not sep or not field:
        raise PatchError(f"invalid patch key {key!r}: expected {prefix}/<list field name>")
    return field


def _check_directive(value: Any, where: str, *, in_list: bool) -> str:
    if value in ("replace", "delete"):
        return value
    if value == "merge":
        # apimachinery rejects it as well: merge is the default and exists
        # only as a strategy in the API types, not as a patch directive.
        if in_list:
            raise PatchError(f"{where}: merging lists cannot yet be specified in the patch ($patch: merge)")
        raise PatchError(f"{where}: unknown patch type: merge in map ($patch accepts replace or delete)")
    raise PatchError(f"{where}: unknown patch type {_short(value)} ($patch accepts replace or delete)")


def _merge_map(original: dict | None, patch: dict, type_name: str | None, where: str) -> Any:
    """Merge ``patch`` into ``original`` (which this function may modify).

    ``original`` is None when the field is absent from the object.  Returns
    the merged dict, or _ABSENT when the patch asks to delete an absent map.
    """
    if DIRECTIVE in patch:
        directive = _check_directive(patch[DIRECTIVE], where, in_list=False)
        if directive == "delete":
            return _ABSENT if original is None else {}
        rest = {k: v for k, v in patch.items() if k != DIRECTIVE}
        return _merge_map({}, rest, type_name, where)

    result: dict = {} if original is None else original
    pending = dict(patch)

    # $retainKeys: the patch names every field to keep; the others go.
    if RETAIN_KEYS in pending:
        retain = pending.pop(RETAIN_KEYS)
        if not isinstance(retain, list):
            raise PatchError(f"{where}: {RETAIN_KEYS} must be a list of field names, got {_kind(retain)}")
        keep = {k for k in retain if isinstance(k, str)}
        for key, value in pending.items():
            if value is None or key.startswith((SET_ELEMENT_ORDER, DELETE_FROM_PRIMITIVE_LIST)):
                continue
            if key not in keep:
                raise PatchError(
                    f"{where}: invalid patch format of retainKeys: field {key!r} is set "
                    f"but missing from {RETAIN_KEYS} {_short(retain)}"
                )
        for key in [k for k in result if k not in keep]:
            del result[key]

    # $setElementOrder/<list>: merge that list and then order it.
    for key in [k for k in pending if k.startswith(SET_ELEMENT_ORDER)]:
        order = pending.pop(key)
        field = _list_field(key, SET_ELEMENT_ORDER)
        result_list = _set_element_order(result, pending, field, order, type_name, f"{where}.{field}")
        pending.pop(field, None)
        if result_list is not _ABSENT:
            result[field] = result_list

    for key, value in pending.items():
        if key.startswith(DELETE_FROM_PRIMITIVE_LIST):
            field = _list_field(key, DELETE_FROM_PRIMITIVE_LIST)
            _delete_from_primitive_list(result, field, value, f"{where}.{field}")
            continue
        if key.startswith("$"):
            # An unknown directive: the API server drops it too (it names no
            # field of the Go types), and storing it would corrupt the object.
            continue
        path = f"{where}.{key}"
        if value is None:
            result.pop(key, None)
            continue
        strategy, merge_key, item_type = _field_meta(type_name, key)
        current = result.get(key, _MISSING)
        if current is _MISSING or current is None or _kind(current) != _kind(value):
            merged = _new_value(value, merge_key, item_type, path)
        elif isinstance(value, dict):
            if strategy == "replace":
                merged = _merge_map({}, value, item_type, path)
            else:
                merged = _merge_map(current, value, item_type, path)
        elif isinstance(value, list):
            merged = _merge_list(current, value, strategy, merge_key, item_type, path)
        else:
            merged = value
        if merged is _ABSENT:
            result.pop(key, None)
        else:
            result[key] = merged
    return result


def _new_value(value: Any, merge_key, item_type, where: str) -> Any:
    """A patch value for a field the object lacks: directives are applied
    (to nothing) and removed, nulls are dropped."""
    if isinstance(value, dict):
        return _merge_map(None, value, item_type, where)
    if isinstance(value, list):
        return _new_list(value, merge_key, item_type, where)
    return value


def _new_list(items: list, merge_key, item_type, where: str) -> list:
    out = []
    for index, item in enumerate(items):
        path = f"{where}[{index}]"
        if isinstance(item, dict):
            if DIRECTIVE in item:
                directive = _check_directive(item[DIRECTIVE], path, in_list=True)
                if directive == "delete" and merge_key and merge_key not in item:
                    raise PatchError(f"{path}: $patch: delete element lacks the merge key {merge_key!r}")
                continue
            merged = _merge_map(None, item, item_type, path)
            if merged is not _ABSENT:
                out.append(merged)
        elif isinstance(item, list):
            out.append(_new_list(item, None, None, path))
        else:
            out.append(item)
    return out


def _element_kind(lists: tuple[list, ...], where: str) -> str | None:
    """The JSON type shared by all elements; PatchError if they differ."""
    kind = None
    for items in lists:
        for item in items:
            k = _kind(item)
            if kind is None:
                kind = k
                if k == "array":
                    raise PatchError(f"{where}: lists of lists are not supported")
            elif k != kind:
                raise PatchError(f"{where}: list element types are not identical ({kind} and {k})")
    return kind


def _key_of(item: Any, merge_key: str | None) -> Any:
    """The identity of a list element: its merge key value, or itself."""
    if merge_key is None:
        return item
    if isinstance(item, dict):
        return item.get(merge_key, _MISSING)
    return _MISSING


def _index_in(items: list, item: Any, merge_key: str | None) -> int:
    wanted = _key_of(item, merge_key)
    if wanted is _MISSING:
        return -1
    for i, candidate in enumerate(items):
        got = _key_of(candidate, merge_key)
        if got is not _MISSING and _json_equal(got, wanted):
            return i
    return -1


def _sort_by(items: list, order: list, merge_key: str | None) -> list:
    """Stable sort of items by their position in ``order`` (unknown ones last)."""
    def position(item):
        i = _index_in(order, item, merge_key)
        return i if i >= 0 else len(order)

    return sorted(items, key=position)


def _normalize_order(patch_items, server_only, patch_order, server_order, merge_key) -> list:
    """apimachinery's normalizeElementOrder: the patch's items in the patch's
    order, the server-only items in the object's order, interleaved by their
    positions in the object."""
    right = _sort_by(patch_items, patch_order, merge_key)
    left = _sort_by(server_only, server_order, merge_key)
    out = []
    i = j = 0
    while i < len(left) or j < len(right):
        if i >= len(left):
            out.append(right[j])
            j += 1
        elif j >= len(right):
            out.append(left[i])
            i += 1
        else:
            li = _index_in(server_order, left[i], merge_key)
            ri = _index_in(server_order, right[j], merge_key)
            if li >= 0 and ri >= 0 and li < ri:
                out.append(left[i])
                i += 1
            else:
                out.append(right[j])
                j += 1
    return out


def _partition(items: list, present_in: list, merge_key: str | None) -> tuple[list, list]:
    inside, outside = [], []
    for item in items:
        (inside if _index_in(present_in, item, merge_key) >= 0 else outside).append(item)
    return inside, outside


def _dedupe(items: list) -> list:
    out: list = []
    for item in items:
        if not any(_json_equal(item, seen) for seen in out):
            out.append(item)
    return out


def _merge_list(original: list, patch: list, strategy, merge_key, item_type, where: str) -> list:
    if strategy != "merge":
        return _new_list(patch, merge_key, item_type, where)
    if not original and not patch:
        return original
    kind = _element_kind((original, patch), where)

    if kind != "object":
        # A list of primitives with the merge strategy is a set: union,
        # keeping the object's items first and the patch's order.
        merged = _dedupe(original + patch)
        inside, outside = _partition(merged, patch, None)
        return _normalize_order(inside, outside, patch, original, None)

    if not merge_key:
        raise PatchError(f"{where}: cannot merge lists of objects without a merge key")

    plain = []
    replace = False
    for index, item in enumerate(patch):
        if DIRECTIVE not in item:
            plain.append(item)
            continue
        path = f"{where}[{index}]"
        directive = _check_directive(item[DIRECTIVE], path, in_list=True)
        if directive == "replace":
            replace = True
            continue
        if merge_key not in item:
            raise PatchError(f"{path}: $patch: delete element lacks the merge key {merge_key!r}")
        doomed = item[merge_key]
        original = [o for o in original if not _json_equal(_key_of(o, merge_key), doomed)]

    if replace:
        # `$patch: replace` element: the list becomes the other elements.
        return _new_list(plain, merge_key, item_type, where)

    merged = list(original)
    for index, item in enumerate(plain):
        path = f"{where}[{index}]"
        if merge_key not in item:
            raise PatchError(f"{path}: map: {_short(item)} does not contain declared merge key: {merge_key}")
        found = _index_in(merged, item, merge_key)
        if found >= 0:
            merged[found] = _merge_map(merged[found], item, item_type, f"{where}[{merge_key}={item[merge_key]}]")
        else:
            new = _merge_map(None, item, item_type, path)
            if new is not _ABSENT:
                merged.append(new)
    inside, outside = _partition(merged, plain, merge_key)
    return _normalize_order(inside, outside, plain, original, merge_key)


def _set_element_order(result: dict, patch: dict, field: str, order: Any, type_name, where: str) -> Any:
    """Apply ``$setElementOrder/<field>`` together with the patch's ``field``."""
    if not isinstance(order, list):
        raise PatchError(f"{where}: {SET_ELEMENT_ORDER}/{field} must be a list, got {_kind(order)}")
    strategy, merge_key, item_type = _field_meta(type_name, field)
    original = result.get(field, _MISSING)
    patch_list = patch.get(field, _MISSING)
    if original is not _MISSING and not isinstance(original, list):
        raise PatchError(f"{where}: {SET_ELEMENT_ORDER}/{field} given but the object's {field!r} is not a list")
    if patch_list is not _MISSING and not isinstance(patch_list, list):
        raise PatchError(f"{where}: {SET_ELEMENT_ORDER}/{field} given but the patch's {field!r} is not a list")

    if merge_key:
        for item in order:
            if not isinstance(item, dict) or merge_key not in item:
                raise PatchError(
                    f"{where}: {SET_ELEMENT_ORDER}/{field} element {_short(item)} must be an object "
                    f"with the merge key {merge_key!r}"
                )
    # The patch's items must appear in the order list, in the same order.
    if patch_list is not _MISSING and patch_list and order:
        position = 0
        for item in patch_list:
            if isinstance(item, dict) and DIRECTIVE in item:
                continue
            if merge_key and (not isinstance(item, dict) or merge_key not in item):
                raise PatchError(f"{where}: map: {_short(item)} does not contain declared merge key: {merge_key}")
            while position < len(order) and not _json_equal(_key_of(order[position], merge_key), _key_of(item, merge_key)):
                position += 1
            if position >= len(order):
                raise PatchError(
                    f"{where}: The order in patch list {_short(patch_list)} doesn't match "
                    f"{SET_ELEMENT_ORDER}/{field} list {_short(order)}"
                )
            position += 1

    if original is _MISSING and patch_list is _MISSING:
        return _ABSENT
    if patch_list is _MISSING:
        merged = original
        original_list = original
    elif original is _MISSING:
        merged = _new_list(patch_list, merge_key, item_type, where)
        original_list = []
    else:
        merged = _merge_list(original, patch_list, strategy, merge_key, item_type, where)
        original_list = original
    if not merged:
        return merged
    kind = _element_kind((merged,), where)
    if kind == "object" and not merge_key:
        raise PatchError(f"{where}: {SET_ELEMENT_ORDER}/{field} needs a list with a merge key or of primitives")
    key = merge_key if kind == "object" else None
    inside, outside = _partition(merged, order, key)
    return _normalize_order(inside, outside, order, original_list, key)


def _delete_from_primitive_list(result: dict, field: str, doomed: Any, where: str) -> None:
    if not isinstance(doomed, list):
        raise PatchError(f"{where}: {DELETE_FROM_PRIMITIVE_LIST}/{field} must be a list, got {_kind(doomed)}")
    for item in doomed:
        if isinstance(item, (dict, list)):
            raise PatchError(
                f"{where}: {DELETE_FROM_PRIMITIVE_LIST}/{field} must list primitives, got {_kind(item)}"
            )
    current = result.get(field)
    if not isinstance(current, list):
        return
    result[field] = [item for item in current if not any(_json_equal(item, d) for d in doomed)]


def apply_strategic_merge_patch(obj: dict, patch: dict, kind: str) -> dict:
    """Apply a strategic merge patch to an object of the given kind
    (``"Pod"``, ``"Deployment"``, ... see :data:`STRATEGIC_MERGE_KINDS`)."""
    if not isinstance(patch, dict):
        raise PatchError(f"strategic merge patch must be a JSON object, got {_kind(patch)}")
    if not isinstance(obj, dict):
        raise PatchError(f"cannot patch a {_kind(obj)}: the object must be a JSON object")
    if kind not in patch_schema.ROOT_TYPES:
        raise PatchError(
            f"strategic merge patch is not supported for kind {kind!r}; "
            "use a JSON merge patch or a JSON patch"
        )
    merged = _merge_map(copy.deepcopy(obj), patch, patch_schema.ROOT_TYPES[kind], "patch")
    return {} if merged is _ABSENT else merged
