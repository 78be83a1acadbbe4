"""The W3C SPARQL 1.1 Protocol tests, written out here so the suite needs no ../shared.

Each test is named after its entry in the W3C manifest ``protocol/manifest.ttl``. Query tests
run against the read-only endpoint ``/sparql``; update tests against ``/sparql/update`` with the
token (the protocol lets a service use separate endpoints). The manifest's graphs
``data0.rdf`` … ``data3.rdf`` are stored first through the Graph Store Protocol, since the
service only queries stored graphs (``data0.rdf`` is empty).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest
from rdflib import Graph

from .conftest import TOKEN, Server

D = "http://kasei.us/2009/09/sparql/data/"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
QUERY = {"Content-Type": "application/sparql-query"}
UPDATE = {"Content-Type": "application/sparql-update", **AUTH}
BOOLEAN = ("application/sparql-results+json", "application/sparql-results+xml")
TABULAR = (*BOOLEAN, "text/csv", "text/tab-separated-values")
RDF = ("application/rdf+xml", "text/turtle", "application/n-triples")


def enc(value: str) -> str:
    return quote(value, safe="")


@pytest.fixture
def client(empty_server: Server) -> Iterator[httpx.Client]:
    """A client on a service holding exactly the manifest's graphs data0 … data3."""
    with empty_server.client() as client:
        response = client.post("/sparql/update", content="DROP ALL", headers=UPDATE)
        assert response.status_code == 204
        client.put("/graphs", params={"graph": f"{D}data0.rdf"}, content=b"", headers=_nt())
        for n in (1, 2, 3):
            triple = f"<{D}data{n}.rdf> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
            triple += "<http://xmlns.com/foaf/0.1/Document> .\n"
            response = client.put(
                "/graphs", params={"graph": f"{D}data{n}.rdf"}, content=triple, headers=_nt()
            )
            assert response.status_code in (201, 204)
        yield client


def _nt() -> dict[str, str]:
    return {"Content-Type": "application/n-triples", **AUTH}


def assert_boolean(response: httpx.Response, expected: bool) -> None:
    assert 200 <= response.status_code < 400, response.text
    assert response.headers["content-type"].startswith(BOOLEAN)
    assert json.loads(response.content)["boolean"] is expected


# --- query operation ----------------------------------------------------------------------------


def test_query_post_form(client: httpx.Client) -> None:
    response = client.post(
        f"/sparql?default-graph-uri={enc(D + 'data0.rdf')}",
        content="query=ASK%20%7B%7D",
        headers=FORM,
    )
    assert_boolean(response, True)


def test_query_get(client: httpx.Client) -> None:
    response = client.get(f"/sparql?query=ASK%20%7B%7D&default-graph-uri={enc(D + 'data0.rdf')}")
    assert_boolean(response, True)


def test_query_post_direct(client: httpx.Client) -> None:
    assert_boolean(client.post("/sparql", content="ASK {}", headers=QUERY), True)


BOTH = f"ASK {{ <{D}data1.rdf> a ?type . <{D}data2.rdf> a ?type . }}"
NAMED = f"ASK {{ GRAPH ?g1 {{ <{D}data1.rdf> a ?type }} GRAPH ?g2 {{ <{D}data2.rdf> a ?type }} }}"


def test_query_dataset_default_graphs_get(client: httpx.Client) -> None:
    url = f"/sparql?query={enc(BOTH)}&default-graph-uri={enc(D + 'data1.rdf')}"
    url += f"&default-graph-uri={enc(D + 'data2.rdf')}"
    assert_boolean(client.get(url), True)


def test_query_dataset_default_graphs_post(client: httpx.Client) -> None:
    url = (
        f"/sparql?default-graph-uri={enc(D + 'data1.rdf')}&default-graph-uri={enc(D + 'data2.rdf')}"
    )
    assert_boolean(client.post(url, content=BOTH, headers=QUERY), True)


def test_query_dataset_named_graphs_post(client: httpx.Client) -> None:
    url = f"/sparql?named-graph-uri={enc(D + 'data1.rdf')}&named-graph-uri={enc(D + 'data2.rdf')}"
    assert_boolean(client.post(url, content=NAMED, headers=QUERY), True)


def test_query_dataset_named_graphs_get(client: httpx.Client) -> None:
    url = f"/sparql?query={enc(NAMED)}&named-graph-uri={enc(D + 'data1.rdf')}"
    url += f"&named-graph-uri={enc(D + 'data2.rdf')}"
    assert_boolean(client.get(url), True)


def test_query_dataset_full(client: httpx.Client) -> None:
    url = f"/sparql?default-graph-uri={enc(D + 'data3.rdf')}"
    url += f"&named-graph-uri={enc(D + 'data1.rdf')}&named-graph-uri={enc(D + 'data2.rdf')}"
    query = f"""ASK {{
      <{D}data3.rdf> a ?type
      GRAPH ?g1 {{ <{D}data1.rdf> a ?type }}
      GRAPH ?g2 {{ <{D}data2.rdf> a ?type }}
    }}"""
    assert_boolean(client.post(url, content=query, headers=QUERY), True)


def test_query_multiple_dataset(client: httpx.Client) -> None:
    url = f"/sparql?named-graph-uri={enc(D + 'data1.rdf')}&named-graph-uri={enc(D + 'data2.rdf')}"
    query = f"ASK FROM <{D}data3.rdf> {{ GRAPH ?g1 {{ <{D}data1.rdf> a ?type }} "
    query += f"GRAPH ?g2 {{ <{D}data2.rdf> a ?type }} }}"
    assert_boolean(client.post(url, content=query, headers=QUERY), True)


@pytest.mark.parametrize(
    ("name", "query", "allowed"),
    [
        ("query_content_type_select", "SELECT (1 AS ?value) {}", TABULAR),
        ("query_content_type_ask", "ASK {}", BOOLEAN),
        ("query_content_type_describe", "DESCRIBE <http://example.org/>", RDF),
        ("query_content_type_construct", "CONSTRUCT { <s> <p> 1 } WHERE {}", RDF),
    ],
    ids=lambda value: value if isinstance(value, str) and value.startswith("query_") else "",
)
def test_query_content_type(
    client: httpx.Client, name: str, query: str, allowed: tuple[str, ...]
) -> None:
    url = f"/sparql?default-graph-uri={enc(D + 'data0.rdf')}"
    response = client.post(url, content=query, headers=QUERY)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(allowed), name
    if allowed is RDF:
        Graph().parse(data=response.content, format="turtle")


# --- bad query requests -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "method", "url", "body", "headers"),
    [
        ("bad_query_method", "PUT", "/sparql?query=ASK%20%7B%7D", None, FORM),
        (
            "bad_multiple_queries",
            "GET",
            "/sparql?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D",
            None,
            {},
        ),
        ("bad_query_wrong_media_type", "POST", "/sparql", "ASK {}", {"Content-Type": "text/plain"}),
        ("bad_query_missing_form_type", "POST", "/sparql", "query=ASK%20%7B%7D", {}),
        ("bad_query_missing_direct_type", "POST", "/sparql", "ASK {}", {}),
        (
            "bad_query_non_utf8",
            "POST",
            "/sparql",
            "ASK {}".encode("utf-16"),
            {"Content-Type": "application/sparql-query; charset=UTF-16"},
        ),
        ("bad_query_syntax", "GET", "/sparql?query=ASK%20%7B", None, {}),
    ],
    ids=lambda value: value if isinstance(value, str) and value.startswith("bad_") else "",
)
def test_bad_query_requests_are_4xx(
    client: httpx.Client,
    name: str,
    method: str,
    url: str,
    body: str | bytes | None,
    headers: dict[str, str],
) -> None:
    response = client.request(method, url, content=body, headers=headers)
    assert 400 <= response.status_code < 500, name
    assert "error" in response.json()


# --- update operation ---------------------------------------------------------------------------

PREFIXES = "PREFIX dc: <http://purl.org/dc/terms/>\nPREFIX foaf: <http://xmlns.com/foaf/0.1/>\n"
INSERT_ALL = f"""INSERT DATA {{
    GRAPH <{D}data1.rdf> {{ <{D}data1.rdf> a foaf:Document }}
    GRAPH <{D}data2.rdf> {{ <{D}data2.rdf> a foaf:Document }}
    GRAPH <{D}data3.rdf> {{ <{D}data3.rdf> a foaf:Document }}
}}"""


def test_update_dataset_default_graph(client: httpx.Client) -> None:
    update = (
        PREFIXES
        + f"""CLEAR ALL ;
    INSERT DATA {{ GRAPH <{D}data1.rdf> {{ <{D}data1.rdf> a foaf:Document }} }} ;
    INSERT {{ GRAPH <http://example.org/protocol-update-dataset-test/> {{
      ?s a dc:BibliographicResource }} }}
    WHERE {{ ?s a foaf:Document }}"""
    )
    url = f"/sparql/update?using-graph-uri={enc(D + 'data1.rdf')}"
    assert client.post(url, content=update, headers=UPDATE).status_code == 204
    ask = f"""ASK {{ GRAPH <http://example.org/protocol-update-dataset-test/> {{
        <{D}data1.rdf> a <http://purl.org/dc/terms/BibliographicResource> }} }}"""
    assert_boolean(client.post("/sparql", content=ask, headers=QUERY), True)


@pytest.mark.parametrize(
    ("name", "using", "where", "target"),
    [
        (
            "update_dataset_default_graphs",
            ["using-graph-uri=data1", "using-graph-uri=data2"],
            "?s a foaf:Document",
            "http://example.org/protocol-update-dataset-graphs-test/",
        ),
        (
            "update_dataset_named_graphs",
            ["using-named-graph-uri=data1", "using-named-graph-uri=data2"],
            "GRAPH ?g { ?s a foaf:Document }",
            "http://example.org/protocol-update-dataset-named-graphs-test/",
        ),
    ],
    ids=lambda value: value if isinstance(value, str) and value.startswith("update_") else "",
)
def test_update_dataset_graphs(
    client: httpx.Client, name: str, using: list[str], where: str, target: str
) -> None:
    update = PREFIXES + f"DROP ALL ;\n{INSERT_ALL} ;\n"
    update += (
        f"INSERT {{ GRAPH <{target}> {{ ?s a dc:BibliographicResource }} }} WHERE {{ {where} }}"
    )
    query = "&".join(p.replace("=", f"={enc(D)}", 1) + ".rdf" for p in using)
    assert client.post(f"/sparql/update?{query}", content=update, headers=UPDATE).status_code == 204
    ask = f"""ASK {{
      GRAPH <{target}> {{
        <{D}data1.rdf> a <http://purl.org/dc/terms/BibliographicResource> .
        <{D}data2.rdf> a <http://purl.org/dc/terms/BibliographicResource> .
      }}
      FILTER NOT EXISTS {{ GRAPH <{target}> {{
        <{D}data3.rdf> a <http://purl.org/dc/terms/BibliographicResource> . }} }}
    }}"""
    assert_boolean(client.post("/sparql", content=ask, headers=QUERY), True)


def test_update_dataset_full(client: httpx.Client) -> None:
    target = "http://example.org/protocol-update-dataset-full-test/"
    update = (
        PREFIXES
        + f"""DROP ALL ;
    {INSERT_ALL} ;
    INSERT {{ GRAPH <{target}> {{ ?s <http://example.org/in> ?in }} }}
    WHERE {{
      {{ GRAPH ?g {{ ?s a foaf:Document }} BIND(?g AS ?in) }}
      UNION
      {{ ?s a foaf:Document . BIND("default" AS ?in) }}
    }}"""
    )
    url = f"/sparql/update?using-graph-uri={enc(D + 'data1.rdf')}"
    url += f"&using-named-graph-uri={enc(D + 'data2.rdf')}"
    assert client.post(url, content=update, headers=UPDATE).status_code == 204
    ask = f"""ASK {{
      GRAPH <{target}> {{
        <{D}data1.rdf> <http://example.org/in> "default" .
        <{D}data2.rdf> <http://example.org/in> <{D}data2.rdf> .
      }}
      FILTER NOT EXISTS {{ GRAPH <{target}> {{ <{D}data3.rdf> ?p ?o }} }}
    }}"""
    assert_boolean(client.post("/sparql", content=ask, headers=QUERY), True)


def test_update_post_form(client: httpx.Client) -> None:
    headers = {**FORM, **AUTH}
    assert (
        client.post("/sparql/update", content="update=CLEAR+ALL", headers=headers).status_code
        == 204
    )


def test_update_post_direct(client: httpx.Client) -> None:
    assert client.post("/sparql/update", content="CLEAR ALL", headers=UPDATE).status_code == 204


def test_update_base_uri(client: httpx.Client) -> None:
    update = """CLEAR SILENT GRAPH <http://example.org/protocol-base-test/> ;
    INSERT DATA { GRAPH <http://example.org/protocol-base-test/> {
      <http://example.org/s> <http://example.org/p> <test> } }"""
    assert client.post("/sparql/update", content=update, headers=UPDATE).status_code == 204
    ask = """ASK { GRAPH <http://example.org/protocol-base-test/> {
      <http://example.org/s> <http://example.org/p> ?o
      FILTER (isIRI(?o) && STR(?o) != "test") } }"""
    assert_boolean(client.post("/sparql", content=ask, headers=QUERY), True)


# --- bad update requests ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "method", "url", "body", "headers"),
    [
        ("bad_update_get", "GET", "/sparql/update?update=CLEAR%20ALL", None, AUTH),
        ("bad_update_get_on_query_endpoint", "GET", "/sparql?update=CLEAR%20ALL", None, AUTH),
        (
            "bad_multiple_updates",
            "POST",
            "/sparql/update",
            "update=CLEAR%20NAMED&update=CLEAR%20DEFAULT",
            {**FORM, **AUTH},
        ),
        (
            "bad_update_wrong_media_type",
            "POST",
            "/sparql/update",
            "CLEAR NAMED",
            {"Content-Type": "text/plain", **AUTH},
        ),
        ("bad_update_missing_form_type", "POST", "/sparql/update", "update=CLEAR%20NAMED", AUTH),
        (
            "bad_update_non_utf8",
            "POST",
            "/sparql/update",
            "CLEAR NAMED".encode("utf-16"),
            {"Content-Type": "application/sparql-update; charset=UTF-16", **AUTH},
        ),
        ("bad_update_syntax", "POST", "/sparql/update", "update=CLEAR%20XYZ", {**FORM, **AUTH}),
        (
            "bad_update_dataset_conflict",
            "POST",
            "/sparql/update?using-named-graph-uri=http%3A%2F%2Fexample%2Fpeople",
            PREFIXES + "WITH <http://example/addresses> DELETE { ?person foaf:givenName 'Bill' } "
            "INSERT { ?person foaf:givenName 'William' } WHERE { ?person foaf:givenName 'Bill' }",
            UPDATE,
        ),
    ],
    ids=lambda value: value if isinstance(value, str) and value.startswith("bad_") else "",
)
def test_bad_update_requests_are_4xx(
    client: httpx.Client,
    name: str,
    method: str,
    url: str,
    body: str | bytes | None,
    headers: dict[str, str],
) -> None:
    response = client.request(method, url, content=body, headers=headers)
    assert 400 <= response.status_code < 500, f"{name}: {response.status_code} {response.text}"
    assert "error" in response.json()


# --- service description (W3C service-description manifest) ------------------------------------


def test_service_description_returns_rdf_with_a_matching_endpoint(
    client: httpx.Client, empty_server: Server
) -> None:
    response = client.get("/sparql")
    assert response.status_code == 200
    graph = Graph().parse(data=response.content, format="turtle")
    endpoint = f"<{empty_server.url}/sparql>"
    assert graph.query(
        "PREFIX sd: <http://www.w3.org/ns/sparql-service-description#> "
        f"ASK {{ ?s a sd:Service ; sd:endpoint {endpoint} ; sd:supportedLanguage ?l }}"
    ).askAnswer
