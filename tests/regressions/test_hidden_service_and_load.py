"""Regression (issue 16): ``SERVICE`` and ``LOAD`` hidden from the service's check by an escaped
IRI followed by ``#`` or ``'`` reached the store, which sent the request; pointed at the service
itself, a lookup hung for good. Each attack here is first shown to reach a listener when a store
runs it unchecked, then sent to the service, which must refuse it and send nothing."""

from __future__ import annotations

import time

import httpx
import pyoxigraph as ox
import pytest

from conftest import AUTH, Listener, Server

HAVENSTAD = "<https://w3id.org/ketenontologie/id/keten/voorbeeldketen-havenstad>"
SOURCE = "<http://purl.org/dc/terms/source>"
"""A predicate without ``#``: the service's SPARQL parser (rdflib's) refuses any query with
SERVICE after a ``#`` on the same line, which would hide whether the SERVICE check works."""


def hidden_services(target: str) -> list[str]:
    """Queries whose SERVICE a tokenizer that does not decode ``\\u`` escapes would miss."""
    return [
        # the quote opens a "string" for such a tokenizer, which hides what follows
        f"SELECT * WHERE {{ BIND(<http://a/\\u0041'> AS ?x) SERVICE <{target}> {{ ?s ?p ?o }} }}",
        # the hash opens a "comment" to the end of the line
        f"SELECT * WHERE {{ BIND(<http://a/\\u0041#> AS ?x)\nSERVICE <{target}> {{ ?s ?p ?o }} }}",
        # lookup-shaped: one triple pattern on an IRI, the SERVICE behind the quote
        f"SELECT ?o WHERE {{ {HAVENSTAD} {SOURCE} ?o FILTER(?o != <http://a/\\u0041'>)"
        f" SERVICE <{target}> {{ ?a ?b ?c }} }}",
        f"select * {{ values ?x {{ <http://a/\\u0041#> }}\nservice <{target}> {{ ?s ?p ?o }} }}",
    ]


def hidden_load(target: str) -> str:
    return (
        "INSERT DATA { GRAPH <https://example.org/regression/hidden-load> "
        f'{{ <http://a/\\u0041\'> <urn:p> "x" }} }} ;\n'
        f"LOAD <{target}/data.ttl> INTO GRAPH <https://example.org/regression/loaded>"
    )


def unchecked_store() -> ox.Store:
    """An in-memory Oxigraph with the label a lookup looks for, checking nothing."""
    store = ox.Store()
    store.add(
        ox.Quad(
            ox.NamedNode(HAVENSTAD[1:-1]),
            ox.NamedNode(SOURCE[1:-1]),
            ox.NamedNode("https://example.org/bron"),
        )
    )
    return store


def test_the_attacks_would_reach_the_listener_if_nothing_stopped_them(listener: Listener) -> None:
    """An unchecked store sends every one of these queries and the update to the listener."""
    target = f"{listener.url}/sparql"
    for query in hidden_services(target):
        listener.requests.clear()
        list(unchecked_store().query(query))  # type: ignore[arg-type]
        assert listener.requests, f"the store did not send {query!r}"
    listener.requests.clear()
    with pytest.raises(Exception, match="media type"):  # the listener's answer is not RDF
        unchecked_store().update(hidden_load(listener.url))
    assert listener.requests == ["GET /data.ttl"]


def test_service_hidden_behind_an_escaped_iri_is_refused_and_nothing_leaves(
    attacked: Server, listener: Listener
) -> None:
    """SERVICE behind an escaped IRI, by GET, form POST and direct POST: 400, no connection."""
    target = f"{listener.url}/sparql"
    with attacked.client() as client:
        for query in hidden_services(target):
            answers = [
                client.get("/sparql", params={"query": query}),
                client.post("/sparql", data={"query": query}),
                client.post(
                    "/sparql",
                    content=query.encode(),
                    headers={"Content-Type": "application/sparql-query"},
                ),
            ]
            for answer in answers:
                assert answer.status_code == 400, (query, answer.text)
                assert answer.json()["error"] == "forbidden-operation", (query, answer.text)
    time.sleep(0.5)
    assert listener.heard() == []
    attacked.answers()


def test_service_after_a_hash_in_an_iri_on_the_same_line_is_refused(
    attacked: Server, listener: Listener
) -> None:
    """The issue's own spelling (SERVICE after ``<…\\u0041#>`` on one line) is refused, no call."""
    query = (
        f"SELECT * WHERE {{ BIND(<http://a/\\u0041#> AS ?x) SERVICE <{listener.url}/sparql> "
        "{ ?s ?p ?o } }"
    )
    list(unchecked_store().query(query))  # type: ignore[arg-type]
    assert listener.requests, "the attack reaches the listener when run unchecked"
    listener.connections.clear()
    listener.requests.clear()
    with attacked.client() as client:
        answers = [
            client.get("/sparql", params={"query": query}),
            client.post("/sparql", data={"query": query}),
            client.post(
                "/sparql", content=query, headers={"Content-Type": "application/sparql-query"}
            ),
        ]
    for answer in answers:
        assert answer.status_code == 400, answer.text
    time.sleep(0.5)
    assert listener.heard() == []


def test_load_hidden_behind_an_escaped_iri_is_refused_and_nothing_is_written(
    attacked: Server, listener: Listener
) -> None:
    """LOAD behind an escaped IRI in an update (with the token): 400, no connection, no write."""
    update = hidden_load(listener.url)
    with attacked.client() as client:
        answers = [
            client.post(
                "/sparql/update",
                content=update.encode(),
                headers={"Content-Type": "application/sparql-update", **AUTH},
            ),
            client.post("/sparql/update", data={"update": update}, headers=AUTH),
            client.post(
                "/sparql/update",
                content=update.replace("<http://a/\\u0041'>", "<http://a/\\u0041#>\n").encode(),
                headers={"Content-Type": "application/sparql-update", **AUTH},
            ),
        ]
        for answer in answers:
            assert answer.status_code == 400, answer.text
            assert answer.json()["error"] == "forbidden-operation", answer.text
        graphs = [g["graph"] for g in client.get("/graphs").json()["graphs"]]
    assert not [g for g in graphs if g.startswith("https://example.org/regression/")]
    time.sleep(0.5)
    assert listener.heard() == []
    attacked.answers()


def test_a_lookup_that_calls_the_service_itself_is_refused_at_once(attacked: Server) -> None:
    """SERVICE pointed at the service's own /sparql: 400 within seconds, and it still answers."""
    own = f"{attacked.url}/sparql"
    queries = [
        *hidden_services(own),
        f"SELECT ?o WHERE {{ {HAVENSTAD} {SOURCE} ?o SERVICE <{own}> {{ ?a ?b ?c }} }}",
    ]
    with attacked.client() as client:
        for query in queries:
            started = time.monotonic()
            try:
                answer = client.get("/sparql", params={"query": query}, timeout=15)
            except httpx.TimeoutException:
                pytest.fail(f"the service did not answer {query!r} within 15 s")
            assert answer.status_code == 400, answer.text
            assert time.monotonic() - started < 5
    attacked.answers()
