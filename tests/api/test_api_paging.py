"""Named queries page through their rows beyond the row limit (issue 15), on both stores.

The shared services run with a row limit of 1,000; these tests give the application a smaller
one for their own requests, so that the project's data fills several pages.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI

from inprocess import Service
from ketenontologie.api.named import add_named_query_routes
from ketenontologie.errors import QueryHeaderError
from ketenontologie.queries import NamedQuery, load_queries

QUERIES = load_queries()
SELECTS = sorted(name for name in QUERIES if "SELECT" in QUERIES[name].text)


@pytest.fixture
def client(shared_service: Service) -> Iterator[httpx.Client]:
    with shared_service.client() as client:
        yield client


@pytest.fixture
def set_row_limit(shared_service: Service) -> Iterator[object]:
    """Give the shared service another row limit for this test, and put its own back."""
    state = shared_service.app.state
    settings = state.settings

    def set_to(rows: int) -> None:
        state.settings = settings.model_copy(update={"row_limit": rows})

    try:
        yield set_to
    finally:
        state.settings = settings


def links(response: httpx.Response) -> dict[str, str]:
    """The ``Link`` header's targets by relation (RFC 8288)."""
    return {link["rel"]: link["url"] for link in response.links.values()}


def follow(client: httpx.Client, url: str, **options: object) -> list[httpx.Response]:
    """Every page from ``url`` on, following rel="next" (which carries the parameters)."""
    pages = [client.get(url, **options)]  # type: ignore[arg-type]
    options.pop("params", None)
    while "next" in links(pages[-1]):
        assert pages[-1].status_code == 200, pages[-1].text
        pages.append(client.get(links(pages[-1])["next"], **options))  # type: ignore[arg-type]
        assert len(pages) < 200, "the pages do not end"
    return pages


@pytest.mark.parametrize("name", SELECTS)
def test_the_pages_of_a_named_query_add_up_to_its_whole_result(
    client: httpx.Client, set_row_limit: object, name: str
) -> None:
    whole = client.get(f"/queries/{name}")
    assert whole.status_code == 200, whole.text
    assert whole.headers["Ketenontologie-Result-Truncated"] == "false"
    assert links(whole) == {"first": str(whole.url)}
    rows = whole.json()["results"]["bindings"]
    size = max(1, len(rows) // 3)
    set_row_limit(size)  # type: ignore[operator]
    pages = follow(client, f"/queries/{name}")
    assert [row for page in pages for row in page.json()["results"]["bindings"]] == rows
    for number, page in enumerate(pages):
        found = links(page)
        assert page.headers["Ketenontologie-Row-Limit"] == str(size)
        assert page.headers["Ketenontologie-Page-Offset"] == str(number * size)
        assert found["first"] == f"http://testserver/queries/{name}"
        last = number == len(pages) - 1
        assert ("next" in found) is not last, "only the last page has no next"
        # each page is whole: the store cut nothing (only the byte limit would)
        assert page.headers["Ketenontologie-Result-Truncated"] == "false"
        assert page.json().get("truncated", False) is False
        if number:
            assert found["prev"].endswith(f"offset={(number - 1) * size}" if number > 1 else name)
        else:
            assert "prev" not in found
    assert len(pages[-1].json()["results"]["bindings"]) < size, "the last page is not full"


def test_a_page_the_byte_limit_ends_early_is_continued_not_skipped(
    client: httpx.Client, shared_service: Service
) -> None:
    whole = client.get("/queries/list-escalation-paths").json()["results"]["bindings"]
    state = shared_service.app.state
    settings = state.settings
    state.settings = settings.model_copy(update={"max_result_bytes": 2_000})
    try:
        pages = follow(client, "/queries/list-escalation-paths")
    finally:
        state.settings = settings
    counts = [len(p.json()["results"]["bindings"]) for p in pages]
    assert len(pages) > 2 and max(counts) < settings.row_limit
    assert [row for page in pages for row in page.json()["results"]["bindings"]] == whole


def test_a_parameter_may_not_take_a_name_of_the_service() -> None:
    query = NamedQuery.parse("list-x", "#+ summary: x\nSELECT ?s WHERE { ?s ?p ?_offset }")
    with pytest.raises(QueryHeaderError, match="offset"):
        add_named_query_routes(FastAPI(), {"list-x": query})


def test_a_full_page_has_a_next_and_a_short_one_has_none(
    client: httpx.Client, set_row_limit: object
) -> None:
    """A page asks the store for the row limit's rows, no more (Virtuoso sorts at most 10,000
    by default): a full page has a next, which is empty when the result ended with it."""
    rows = client.get("/queries/list-escalation-paths").json()["results"]["bindings"]
    set_row_limit(len(rows))  # type: ignore[operator]
    pages = follow(client, "/queries/list-escalation-paths")
    assert [len(p.json()["results"]["bindings"]) for p in pages] == [len(rows), 0]
    assert "next" not in links(pages[-1])
    set_row_limit(len(rows) + 1)  # type: ignore[operator]
    only = client.get("/queries/list-escalation-paths")
    assert len(only.json()["results"]["bindings"]) == len(rows)
    assert "next" not in links(only)
    set_row_limit(len(rows) - 1)  # type: ignore[operator]
    pages = follow(client, "/queries/list-escalation-paths")
    assert [len(p.json()["results"]["bindings"]) for p in pages] == [len(rows) - 1, 1]


def test_pages_keep_the_format_and_the_parameters(
    client: httpx.Client, set_row_limit: object
) -> None:
    chain = "https://w3id.org/ketenontologie/id/keten/voorbeeldketen-havenstad"
    params = {"chain": chain, "inference": "true"}
    whole = client.get(
        "/queries/list-escalation-paths", params=params, headers={"Accept": "text/csv"}
    )
    rows = list(csv.reader(io.StringIO(whole.text)))
    assert len(rows) > 3
    set_row_limit(2)  # type: ignore[operator]
    pages = follow(
        client, "/queries/list-escalation-paths", params=params, headers={"Accept": "text/csv"}
    )
    assert all(p.headers["content-type"].startswith("text/csv") for p in pages)
    assert all(
        f"chain={chain}".replace(":", "%3A").replace("/", "%2F") in links(p)["first"] for p in pages
    )
    paged = [rows[0]] + [r for p in pages for r in list(csv.reader(io.StringIO(p.text)))[1:]]
    assert paged == rows


def test_a_page_past_the_end_is_empty_with_no_next(client: httpx.Client) -> None:
    rows = client.get("/queries/list-escalation-paths").json()["results"]["bindings"]
    offset = len(rows) + 5
    response = client.get("/queries/list-escalation-paths", params={"offset": str(offset)})
    assert response.status_code == 200
    assert response.json()["results"]["bindings"] == []
    assert set(links(response)) == {"first", "prev"}
    assert links(response)["prev"] == links(response)["first"]  # offset - 1,000 < 0


def test_a_page_beyond_what_virtuoso_sorts_says_what_to_change(
    client: httpx.Client, shared_service: Service
) -> None:
    """Virtuoso sorts at most MaxSortedTopRows rows (10,000 by default) for a page."""
    response = client.get("/queries/list-escalation-paths", params={"offset": "1000000"})
    if shared_service.app.state.settings.store == "oxigraph":
        assert response.status_code == 200
        assert response.json()["results"]["bindings"] == []
        return
    assert response.status_code == 400
    assert response.json()["error"] == "sort-limit"
    assert "MaxSortedTopRows" in response.json()["message"]


@pytest.mark.parametrize("offset", ["-1", "abc", "1.5", "", "\u0661", "10000000000000"])
def test_a_bad_offset_is_400_in_both_languages(client: httpx.Client, offset: str) -> None:
    response = client.get("/queries/list-escalation-paths", params={"offset": offset})
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "page-offset"
    assert "whole number" in body["message"] and "geheel getal" in body["message"]


def test_offset_given_twice_is_400(client: httpx.Client) -> None:
    response = client.get("/queries/list-escalation-paths?offset=0&offset=10")
    assert response.status_code == 400


def test_openapi_documents_the_offset_and_the_link_header(client: httpx.Client) -> None:
    operation = client.get("/openapi.json").json()["paths"]["/queries/list-escalation-paths"]["get"]
    offset = next(p for p in operation["parameters"] if p["name"] == "offset")
    assert offset["schema"]["minimum"] == 0
    assert "Link" in operation["responses"]["200"]["headers"]
