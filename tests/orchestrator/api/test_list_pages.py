"""Lists in pages (`limit` and `continue`, what kubectl sends by default with --chunk-size=500):
every object exactly once, in key order, and each page reads its own rows only."""
from unittest import mock

import pytest

from orchestrator.api import handlers, resources
from orchestrator.models import ConfigMap
from orchestrator.store import services


def configmaps(cluster, namespace_names: dict[str, int]) -> None:
    with services.Batch(cluster) as batch:
        for namespace, count in namespace_names.items():
            if namespace != "default":
                batch.create("Namespace", {"metadata": {"name": namespace}})
            for i in range(count):
                batch.create("ConfigMap", {"metadata": {"name": f"c{i:03d}", "namespace": namespace, "labels": {"even": str(i % 2 == 0).lower()}}})


def list_request(cluster, **params) -> handlers.ApiRequest:
    return handlers.ApiRequest(cluster=cluster, resource=resources.find("", "v1", "configmaps"), params=params)


def all_pages(cluster, limit: int, **params) -> list[list[str]]:
    pages, token = [], ""
    while True:
        query = {"limit": str(limit), **params, **({"continue": token} if token else {})}
        body = handlers.list_(list_request(cluster, **query))
        pages.append([f"{o['metadata']['namespace']}/{o['metadata']['name']}" for o in body["items"]])
        token = body["metadata"].get("continue", "")
        if not token:
            return pages


@pytest.fixture
def stored(cluster):
    configmaps(cluster, {"default": 23, "apps": 4, "team-a": 17})
    return cluster


def test_pages_hold_every_object_once_in_key_order(stored):
    whole = [f"{o['metadata']['namespace']}/{o['metadata']['name']}" for o in handlers.list_(list_request(stored))["items"]]
    assert len(whole) == 44 and whole == sorted(whole)
    pages = all_pages(stored, 5)
    assert [len(p) for p in pages] == [5] * 8 + [4]
    assert [key for page in pages for key in page] == whole


def test_pages_with_a_label_selector_skip_what_does_not_match(stored):
    pages = all_pages(stored, 4, labelSelector="even=true")
    keys = [key for page in pages for key in page]
    assert len(keys) == 12 + 2 + 9 and keys == sorted(keys)
    assert all(len(page) == 4 for page in pages[:-1])


def test_a_later_page_reads_only_the_rows_after_its_start(stored):
    first = handlers.list_(list_request(stored, limit="5"))
    token = first["metadata"]["continue"]
    for _ in range(5):
        token = handlers.list_(list_request(stored, limit="5", **{"continue": token}))["metadata"]["continue"]
    made = mock.Mock(wraps=ConfigMap.from_db)
    with mock.patch.object(ConfigMap, "from_db", made):
        page = handlers.list_(list_request(stored, limit="5", **{"continue": token}))
    assert [f"{o['metadata']['namespace']}/{o['metadata']['name']}" for o in page["items"]] == [f"team-a/c00{i}" for i in range(3, 8)]
    assert made.call_count <= 6, f"the 7th page of 5 decoded {made.call_count} rows"


def test_a_continue_token_that_is_not_one_is_a_bad_request(stored):
    from orchestrator.store.errors import BadRequest

    with pytest.raises(BadRequest, match="continue key is not valid"):
        handlers.list_(list_request(stored, limit="5", **{"continue": "not-a-token"}))
