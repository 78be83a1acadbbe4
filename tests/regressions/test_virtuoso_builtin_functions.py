"""Regression (issue 16): on the Virtuoso backend anonymous readers could call Virtuoso's own
functions through ``/sparql`` (``bif:http_get`` fetched any URL, ``bif:exec`` ran SQL,
``bif:sys_stat`` told the version), and the server's error texts, quoting the rewritten query
with the store's internal graph names, reached the client."""

from __future__ import annotations

import time

import httpx

from conftest import AUTH, ON_VIRTUOSO, Listener, Server

BIF = "PREFIX bif: <http://www.openlinksw.com/schemas/bif#>\n"
INTERNAL = ("define input:", "beheer", "graph/afgeleid", "SPARQL query:")
"""What Virtuoso's error texts quote and no answer of the service may contain."""


SYS_STAT = 'SELECT (bif:sys_stat("st_dbms_ver") AS ?x) {}'
"""The version of the server (Virtuoso refuses a declared ``bif:`` prefix; it needs none)."""


def calls(target: str) -> list[str]:
    """Calls of Virtuoso's functions, spelled in the ways SPARQL allows."""
    http_get = f'"{target}/fetched"'
    return [
        f"{BIF}SELECT (bif:http_get({http_get}) AS ?x) {{}}",
        f"SELECT (bif:http_get({http_get}) AS ?x) {{}}",
        f"SELECT (<http://www.openlinksw.com/schemas/bif#http_get>({http_get}) AS ?x) {{}}",
        f"SELECT (<http://www.openlinksw.com/schemas/bif#\\u0068ttp_get>({http_get}) AS ?x) {{}}",
        f"SELECT ?x {{ BIND(bif:http_get({http_get}) AS ?x) }}",
        f'{BIF}SELECT ?x {{ ?s ?p ?o FILTER(STR(bif:http_get({http_get})) != "") }} LIMIT 1',
        f'{BIF}SELECT (bif:exec("select 1") AS ?x) {{}}',
        'SELECT (bif:exec("select 1") AS ?x) {}',
        f'{BIF}SELECT (bif:sys_stat("st_dbms_ver") AS ?x) {{}}',
        SYS_STAT,
        'SELECT (<http://www.openlinksw.com/schemas/bif#sys_stat>("st_dbms_ver") AS ?x) {}',
        'PREFIX sql: <sql:>\nSELECT (sql:exec("select 1") AS ?x) {}',
    ]


@ON_VIRTUOSO
def test_virtuoso_runs_the_functions_when_asked_directly(
    attacked: Server, listener: Listener
) -> None:
    """Asked directly, Virtuoso fetches a URL and tells its version: the attacks are real."""
    assert attacked.database is not None
    direct = attacked.database.url
    accept = {"Accept": "application/sparql-results+json"}
    fetched = httpx.get(
        direct,
        params={"query": f'SELECT (bif:http_get("{listener.url}/fetched") AS ?x) {{}}'},
        headers=accept,
        timeout=30,
    )
    assert fetched.status_code == 200, fetched.text
    assert listener.requests == ["GET /fetched"]
    version = httpx.get(direct, params={"query": SYS_STAT}, headers=accept, timeout=30)
    assert version.status_code == 200 and "07." in version.text, version.text


@ON_VIRTUOSO
def test_virtuoso_functions_are_refused_before_they_reach_virtuoso(
    attacked: Server, listener: Listener
) -> None:
    """bif:http_get, bif:exec, bif:sys_stat, sql:, declared or not, spelled or escaped: 400."""
    with attacked.client() as client:
        for query in calls(listener.url):
            for answer in (
                client.get("/sparql", params={"query": query}),
                client.post("/sparql", data={"query": query}),
            ):
                assert answer.status_code == 400, (query, answer.text)
                refused = ("forbidden-operation", "sparql-syntax", "undeclared-prefix")
                assert answer.json()["error"] in refused, query
                assert "07." not in answer.text
            if query.startswith(BIF) or "<http://www.openlinksw.com" in query:
                assert answer.json()["error"] == "forbidden-operation", (query, answer.text)
        update = (
            f"{BIF}INSERT {{ GRAPH <https://example.org/regression/fetched> "
            f'{{ <urn:a> <urn:b> ?x }} }} WHERE {{ BIND(bif:http_get("{listener.url}/u") AS ?x) }}'
        )
        answer = client.post(
            "/sparql/update",
            content=update,
            headers={"Content-Type": "application/sparql-update", **AUTH},
        )
        assert answer.status_code == 400, answer.text
    time.sleep(0.5)
    assert listener.heard() == []
    attacked.answers()


REFUSED_BY_VIRTUOSO = [
    "SELECT * WHERE { ?s <urn:p>* ?o }",  # transitive start not given
    "SELECT * WHERE { ?s (<urn:p>|<urn:q>)+ ?o }",
    'SELECT * WHERE { ?s ?p ?o FILTER(REGEX(STR(?o), "(")) } LIMIT 1',  # regexp error
    "SELECT * WHERE { ?s ?p ?o } OFFSET 100000000000000000000",  # TOP parameter < 0
]
"""Queries the service's parser reads and Virtuoso refuses, with its error text."""


@ON_VIRTUOSO
def test_virtuoso_error_texts_never_reach_the_client(attacked: Server) -> None:
    """Queries and an update Virtuoso refuses: no answer quotes the rewritten query."""
    logged = attacked.log_text().count("define input:")
    with attacked.client() as client:
        answers = [client.get("/sparql", params={"query": q}) for q in REFUSED_BY_VIRTUOSO]
        answers += [
            client.post("/sparql", content=q, headers={"Content-Type": "application/sparql-query"})
            for q in REFUSED_BY_VIRTUOSO
        ]
        answers.append(
            client.post(
                "/sparql/update",
                content="INSERT { GRAPH <https://example.org/regression/e> { ?s <urn:q> ?o } } "
                "WHERE { ?s <urn:p>* ?o }",
                headers={"Content-Type": "application/sparql-update", **AUTH},
            )
        )
    refused = [a for a in answers if a.status_code >= 400]
    assert len(refused) >= len(REFUSED_BY_VIRTUOSO), [a.text for a in answers]
    for answer in answers:
        for word in INTERNAL:
            assert word not in answer.text, answer.text
    # Virtuoso's texts did quote the rewritten query: the service's log has them
    time.sleep(0.5)
    assert attacked.log_text().count("define input:") > logged
    attacked.answers()
