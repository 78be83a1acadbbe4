"""The JavaScript clients, Comunica and sparql-http-client, against a real service on each store.

Both run under Node in one process per client and store (``clients.mjs``), with every query
form; sparql-http-client by GET, POST as a form and POST directly. Comunica reads the service as
a SPARQL endpoint source and sends it the whole query.
"""

from __future__ import annotations

import pytest

from services import Server

from .conftest import JavaScriptClients

KETEN = "https://w3id.org/ketenontologie/def#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
CHAIN = "https://w3id.org/ketenontologie/id/keten/voorbeeldketen-havenstad"
PREFIX = f"PREFIX keten: <{KETEN}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
SELECT = PREFIX + (
    "SELECT ?chain ?name WHERE { ?chain a keten:Chain ; rdfs:label ?name "
    'FILTER (LANG(?name) = "nl") }'
)
QUERIES = [
    {"kind": "bindings", "query": SELECT},
    {"kind": "boolean", "query": PREFIX + f"ASK {{ <{CHAIN}> a keten:Chain }}"},
    {"kind": "boolean", "query": PREFIX + f"ASK {{ <{CHAIN}> a keten:Nothing }}"},
    {"kind": "quads", "query": PREFIX + "CONSTRUCT WHERE { ?chain a keten:Chain }"},
    {"kind": "quads", "query": f"DESCRIBE <{CHAIN}>"},
    {"kind": "bindings", "query": "SELECT ?s WHERE { ?s a keten:Chain }"},  # no PREFIX
]


def _check(answers: list[object], client: str) -> None:
    rows, yes, no, constructed, described, missing = answers
    assert isinstance(rows, list) and len(rows) >= 4, rows
    assert {"chain": CHAIN, "name": "Voorbeeldketen Havenstad (fictief)"} in rows
    assert (yes, no) == (True, False)
    assert isinstance(constructed, list) and [CHAIN, RDF_TYPE, f"{KETEN}Chain"] in constructed
    assert {tuple(triple) for triple in constructed} == {
        (row["chain"], RDF_TYPE, f"{KETEN}Chain")
        for row in rows  # type: ignore[index]
    }
    assert isinstance(described, list) and [CHAIN, RDF_TYPE, f"{KETEN}Chain"] in described
    assert isinstance(missing, dict) and "keten" in missing["error"], client


@pytest.mark.parametrize("client", ["comunica", "sparql-http-client"])
def test_javascript_clients(
    server: Server, javascript_clients: JavaScriptClients, client: str
) -> None:
    endpoint = f"{server.url}/sparql"
    queries = list(QUERIES)
    if client == "sparql-http-client":
        queries += [{**QUERIES[0], "operation": op} for op in ("postUrlencoded", "postDirect")]
    answers = javascript_clients.run(client, endpoint, queries)
    _check(answers[: len(QUERIES)], client)
    if client == "sparql-http-client":
        assert answers[len(QUERIES)] == answers[len(QUERIES) + 1] == answers[0]
        # the service's own message comes through, with the prefix and where it is
        assert "undeclared-prefix" in answers[5]["error"]  # type: ignore[index]
