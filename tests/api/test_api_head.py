"""``HEAD`` on every route that answers ``GET``: the same status and headers, no body.

Link checkers and uptime probes ask with ``HEAD``; a 405 there reads as a broken link. The routes
are taken from the application itself, so a route added later is covered without a change here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import pytest
from starlette.routing import BaseRoute

from inprocess import Service
from services import Server

SAMPLES = {
    "design_id": "voorbeeldketen-havenstad",
    "ext": "ttl",
    "version": "0.0.0",
    "kind": "keten",
    "ref": "voorbeeldketen-havenstad",
}
"""A value for each path parameter; a path whose value names nothing still answers (404)."""
PATHS = {"/graph/{path:path}": "/graph/ontologie", "/dumps/{path:path}": "/dumps/ontologie.ttl"}
ASKED = {"/sparql": ["", "?query=ASK%20%7B%7D"], "/graphs": ["", "?graph=urn:x-nothing"]}
"""Query strings tried on a route besides none: with and without a query."""
EXPECTED_MISSES = {
    "/def/0.0.0": 404,  # a made-up version of the ontology
    "/shapes/0.0.0": 404,
    "/graphs?graph=urn:x-nothing": 404,  # a graph that is not stored
    "/designs/voorbeeldketen-havenstad/diff": 400,  # an example design has one version only
    "/doc": 400,  # without ?uri=
    "/doc.ttl": 400,
}
"""What GET (and so HEAD) answers with an error for the sample values; everything else answers
200 or 303."""


def _routes(routes: Iterable[BaseRoute], prefix: str = "") -> Iterator[tuple[str, set[str]]]:
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:  # a router included in the application
            context = route.include_context  # type: ignore[attr-defined]
            yield from _routes(included.routes, prefix + context.prefix)
        elif hasattr(route, "path"):
            yield prefix + route.path, set(getattr(route, "methods", None) or ())


def _get_paths(service: Service) -> list[str]:
    paths = []
    for template, methods in _routes(service.app.routes):
        if "GET" not in methods:
            continue
        path = PATHS.get(template) or re.sub(
            r"\{(\w+)(?::\w+)?\}", lambda m: SAMPLES[m.group(1)], template
        )
        paths += [path + query for query in ASKED.get(template, [""])]
    return paths


def test_every_get_route_answers_head_alike(oxigraph_service: Service) -> None:
    paths = _get_paths(oxigraph_service)
    assert {"/", "/sparql", "/queries", "/designs", "/graphs", "/def", "/docs"} <= set(paths)
    statuses = {}
    with oxigraph_service.client(follow_redirects=False) as client:
        for path in paths:
            got = client.get(path)
            head = client.head(path)
            statuses[path] = head.status_code
            assert head.status_code == got.status_code != 405, path
            assert head.content == b"", path
            # Blank node labels differ from answer to answer (the service description): the
            # length is compared only where GET itself gives the same answer twice.
            ignored = {"date"}
            if client.get(path).content != got.content:
                ignored.add("content-length")
            same = {name: value for name, value in got.headers.items() if name not in ignored}
            assert {n: v for n, v in head.headers.items() if n not in ignored} == same, path
    missed = {path: status for path, status in statuses.items() if status not in (200, 303)}
    assert missed == EXPECTED_MISSES, sorted(missed.items())


@pytest.mark.parametrize("accept", ["text/turtle", "application/json", "text/html"])
def test_head_negotiates_like_get(oxigraph_service: Service, accept: str) -> None:
    with oxigraph_service.client() as client:
        for path in ("/def", "/sparql?query=SELECT%20*%20%7B%7D%20LIMIT%201", "/graphs"):
            got = client.get(path, headers={"Accept": accept})
            head = client.head(path, headers={"Accept": accept})
            assert head.status_code == got.status_code, (path, accept)
            assert head.headers.get("content-type") == got.headers.get("content-type")
            assert head.content == b""


def test_head_is_still_refused_where_get_is(oxigraph_service: Service) -> None:
    with oxigraph_service.client() as client:
        refused = client.head("/sparql/update")
    assert refused.status_code == 405
    assert refused.content == b""


def test_a_head_over_a_real_socket_has_no_body(oxigraph_server: Server) -> None:
    with oxigraph_server.client() as client:
        for path in ("/", "/sparql?query=ASK%7B%7D", "/queries", "/designs"):
            got = client.get(path)
            head = client.head(path)
            assert head.status_code == got.status_code == 200, path
            assert head.headers["content-length"] == got.headers["content-length"], path
            assert head.content == b"", path
        assert client.head("/sparql").status_code == 200
