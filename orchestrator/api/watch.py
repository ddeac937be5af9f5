"""Watch streams: newline-delimited JSON events read from the revision log.

A stream holds no database connection and no thread while it waits: it sleeps on an
asyncio event that the store's commit notification sets, and reads new entries through the
process's shared tail of the log (`orchestrator.store.tail`).
"""
from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

from asgiref.sync import sync_to_async

from orchestrator.controlplane import clock
from orchestrator.models import Revision
from orchestrator.store import notify
from orchestrator.store.errors import BadRequest, Gone
from orchestrator.store.tail import REFRESH_AT_LEAST_EVERY, tail_for

from . import tables
from .handlers import ApiRequest, present, select
from .selectors import fields_match, labels_match, parse_field_selector, parse_label_selector

DEFAULT_TIMEOUT = 1800
BOOKMARK_EVERY = 10.0


def _event(kind: str, obj: dict) -> bytes:
    return (json.dumps({"type": kind, "object": obj}, separators=(",", ":")) + "\n").encode()


def stream(req: ApiRequest) -> AsyncIterator[bytes]:
    """The watch events for the request's resource, namespace and selectors.

    Its parameters are checked here, before the stream starts, so a bad one is answered 400
    as kube-apiserver answers it rather than as an ERROR event in a 200 stream.
    """
    labels = parse_label_selector(req.params.get("labelSelector"))
    fields = parse_field_selector(req.params.get("fieldSelector"), req.resource.store_kind, req.resource.plural)
    raw = req.params.get("timeoutSeconds")
    try:
        timeout = float(int(raw)) if raw else float(DEFAULT_TIMEOUT)
    except ValueError as exc:
        raise BadRequest(f"invalid timeoutSeconds: {raw}") from exc
    if not 0 <= timeout < 2**63:
        raise BadRequest(f"invalid timeoutSeconds: {raw}")
    rv = req.params.get("resourceVersion") or ""
    if rv and not rv.lstrip("-").isdigit():
        raise BadRequest(f"invalid resource version: {rv}")
    return _stream(req, labels, fields, timeout)


async def _stream(req: ApiRequest, labels, fields, timeout: float) -> AsyncIterator[bytes]:
    cluster = req.cluster
    bookmarks = req.params.get("allowWatchBookmarks") in ("true", "1")
    as_table = req.as_table
    rv = req.params.get("resourceVersion") or ""
    headers_sent = False

    def render(obj: dict) -> dict:
        nonlocal headers_sent
        obj = present(req.resource, obj)
        if not as_table:
            return obj
        table = tables.table(req.resource.kind, [obj], now=clock.sim_seconds(cluster), include_object=req.params.get("includeObject") or "Metadata")
        if headers_sent:
            table["columnDefinitions"] = []
        headers_sent = True
        return table

    matching: set[str] = set()
    list_params = {k: v for k, v in req.params.items() if k not in ("limit", "continue")}
    initial = ApiRequest(cluster=cluster, resource=req.resource, namespace=req.namespace, params=list_params)
    items, revision, _, _ = await sync_to_async(select, thread_sensitive=False)(initial)
    matching = {f"{o['metadata'].get('namespace', '')}/{o['metadata']['name']}" for o in items}
    if rv in ("", "0"):
        for obj in items:
            yield _event("ADDED", render(obj))
    else:
        try:
            revision = int(rv)
        except ValueError:
            yield _event("ERROR", BadRequest(f"invalid resource version: {rv}").status())
            return
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    last_bookmark = loop.time()
    waiter = notify.AsyncWaiter(cluster.pk, kinds=(req.resource.store_kind,))
    tail = tail_for(cluster.pk)
    try:
        while loop.time() < deadline:
            try:
                entries = await tail.after(cluster, revision, req.resource.store_kind)
            except Gone as exc:
                yield _event("ERROR", exc.status())
                return
            for entry in entries:
                revision = max(revision, entry.revision)
                if req.namespace and req.resource.namespaced and entry.namespace != req.namespace:
                    continue
                key = f"{entry.namespace}/{entry.name}"
                obj = entry.object
                selected = labels_match(labels, (obj.get("metadata") or {}).get("labels") or {}) and fields_match(fields, obj)
                if entry.event_type == Revision.DELETED:
                    if key in matching or selected:
                        matching.discard(key)
                        yield _event("DELETED", render(obj))
                elif selected:
                    kind = "MODIFIED" if key in matching and entry.event_type == Revision.MODIFIED else "ADDED"
                    matching.add(key)
                    yield _event(kind, render(obj))
                elif key in matching:
                    matching.discard(key)
                    yield _event("DELETED", render(obj))
            if entries:
                continue
            if bookmarks and loop.time() - last_bookmark >= BOOKMARK_EVERY:
                last_bookmark = loop.time()
                yield _event("BOOKMARK", {"kind": req.resource.kind, "apiVersion": req.resource.group_version, "metadata": {"resourceVersion": str(revision)}})
            await waiter.wait(min(REFRESH_AT_LEAST_EVERY * 5, max(deadline - loop.time(), 0)))
    finally:
        waiter.close()
