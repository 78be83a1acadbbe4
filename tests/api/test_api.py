"""The service: clients, negotiation, limits, tokens, safety, restart.

In this process (``shared_service``, ``readonly_service``) except what needs a real uvicorn on a
socket (``server``): the time limit that stops a runaway query while the server keeps answering
others. The real SPARQL clients are in ``tests/clients``.
"""

from __future__ import annotations

import csv
import io
import json
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from rdflib import RDF, RDFS, Graph, Namespace, URIRef

from inprocess import Service, serve_in_process
from ketenontologie.queries import NamedQuery, load_queries
from test_queries import BEFORE, table

from .conftest import ORIGIN, TOKEN, Listener, Server

KETEN = "https://w3id.org/ketenontologie/def#"
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
AUTH = {"Authorization": f"Bearer {TOKEN}"}
UPDATE = {"Content-Type": "application/sparql-update", **AUTH}
CHAINS = f"PREFIX keten: <{KETEN}> SELECT ?chain WHERE {{ ?chain a keten:Chain }} ORDER BY ?chain"
RUNAWAY = (
    "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(8)) + " }"
)


@pytest.fixture
def client(shared_service: Service) -> Iterator[httpx.Client]:
    with shared_service.client() as client:
        yield client


# --- content negotiation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("text/csv;q=0.9, application/sparql-results+xml;q=0.2", "text/csv"),
        ("application/sparql-results+json;q=0, */*;q=0.1", "application/sparql-results+xml"),
        ("text/tab-separated-values, text/csv;q=0.99", "text/tab-separated-values"),
        ("text/*;q=0.5, application/sparql-results+xml;q=0.4", "text/csv"),
        ("text/html,application/xhtml+xml,*/*;q=0.8", "application/sparql-results+json"),
        ("application/json", "application/sparql-results+json"),
        (None, "application/sparql-results+json"),
    ],
)
def test_accept_with_q_values_picks_the_format(
    client: httpx.Client, accept: str | None, expected: str
) -> None:
    headers = {"Accept": accept} if accept else {}
    response = client.get("/sparql", params={"query": CHAINS}, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == expected
    assert "Accept" in response.headers["vary"]


def _parse_solutions(media: str, body: bytes) -> list[str]:
    if media == "json":
        return [b["chain"]["value"] for b in json.loads(body)["results"]["bindings"]]
    if media == "xml":
        ns = {"r": "http://www.w3.org/2005/sparql-results#"}
        return [e.text or "" for e in ET.fromstring(body).iterfind(".//r:uri", ns)]
    if media == "csv":
        return [row[0] for row in list(csv.reader(io.StringIO(body.decode())))[1:]]
    lines = body.decode().splitlines()
    assert lines[0] == "?chain"
    return [line.strip("<>") for line in lines[1:]]


@pytest.mark.parametrize("name", ["json", "xml", "csv", "tsv"])
def test_every_results_format_parses(client: httpx.Client, name: str) -> None:
    response = client.get("/sparql", params={"query": CHAINS, "format": name})
    assert response.status_code == 200
    chains = _parse_solutions(name, response.content)
    assert len(chains) >= 4
    assert all(c.startswith("https://w3id.org/ketenontologie/id/keten/") for c in chains)


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_every_graph_format_parses(client: httpx.Client, accept: str, rdflib_format: str) -> None:
    query = f"PREFIX keten: <{KETEN}> DESCRIBE ?c WHERE {{ ?c a keten:Chain }}"
    response = client.post(
        "/sparql",
        content=query,
        headers={"Content-Type": "application/sparql-query", "Accept": accept},
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(accept)
    graph = Graph().parse(data=response.content, format=rdflib_format)
    assert len(graph) > 20


def test_an_unacceptable_accept_is_406(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": CHAINS}, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert response.json()["error"] == "not-acceptable"
    assert "text/csv" in response.json()["message"]
    ask = client.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": "text/turtle"})
    assert ask.status_code == 406
    assert "geen gevraagd formaat" in ask.json()["message"]


def test_an_ask_in_csv_and_tsv_is_one_column(client: httpx.Client) -> None:
    """The SPARQL Protocol allows CSV and TSV for ASK; the answer is written as Jena does."""
    for accept, body in (("text/csv", "_askResult\r\ntrue\r\n"), ("text/*", None)):
        ask = client.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": accept})
        assert ask.status_code == 200
        assert ask.headers["content-type"].startswith("text/csv")
        assert ask.text == (body or "_askResult\r\ntrue\r\n")
    tsv = client.get(
        "/sparql", params={"query": "ASK { <urn:x> <urn:y> <urn:z> }", "format": "tsv"}
    )
    assert tsv.text == "?_askResult\nfalse\n"


def test_the_service_description_names_its_endpoint(
    client: httpx.Client, shared_service: Service
) -> None:
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = Graph().parse(data=response.content, format="turtle")
    service = graph.value(predicate=SD.endpoint, object=URIRef(f"{shared_service.url}/sparql"))
    assert service is not None
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    names = set(graph.objects(None, SD.name))
    assert URIRef("https://w3id.org/ketenontologie/graph/ontologie") in names
    as_xml = client.get("/sparql", headers={"Accept": "application/rdf+xml"})
    assert len(Graph().parse(data=as_xml.content, format="xml")) == len(graph)


ENTAILMENT = URIRef("http://www.w3.org/ns/entailment/OWL-RDF-Based")
OWL2_RL = URIRef("http://www.w3.org/ns/owl-profile/RL")


@pytest.mark.parametrize("accept", ["text/turtle", "application/ld+json"])
def test_the_service_description_names_the_update_endpoint_when_writes_are_on(
    client: httpx.Client, shared_service: Service, accept: str
) -> None:
    response = client.get("/sparql", headers={"Accept": accept})
    assert response.status_code == 200
    graph = Graph().parse(
        data=response.content, format="turtle" if "turtle" in accept else "json-ld"
    )
    services = set(graph.subjects(RDF.type, SD.Service))
    assert len(services) == 2
    endpoints = {service: graph.value(service, SD.endpoint) for service in services}
    by_endpoint = {str(url): service for service, url in endpoints.items()}
    url = shared_service.url
    query, update = by_endpoint[f"{url}/sparql"], by_endpoint[f"{url}/sparql/update"]
    assert set(graph.objects(query, SD.supportedLanguage)) == {SD.SPARQL11Query}
    assert set(graph.objects(update, SD.supportedLanguage)) == {SD.SPARQL11Update}
    # OWL 2 RL, the W3C way: the OWL RDF-Based Semantics regime with the RL profile
    assert graph.value(query, SD.defaultEntailmentRegime) == ENTAILMENT
    assert graph.value(query, SD.defaultSupportedEntailmentProfile) == OWL2_RL
    assert (query, SD.feature, SD.UnionDefaultGraph) in graph
    assert graph.value(update, SD.defaultEntailmentRegime) is None
    assert (update, SD.feature, SD.UnionDefaultGraph) not in graph
    assert any("Bearer" in str(c) for c in graph.objects(update, RDFS.comment))
    # the update endpoint's dataset names the same stored graphs
    for service in (query, update):
        dataset = graph.value(service, SD.defaultDataset)
        names = {graph.value(node, SD.name) for node in graph.objects(dataset, SD.namedGraph)}
        assert URIRef("https://w3id.org/ketenontologie/graph/ontologie") in names
        listed = [g["graph"] for g in client.get("/graphs").json()["graphs"]]
        # earlier versions of designs are named by FROM, never in the default dataset
        assert len(names) == len([g for g in listed if "/graph/versie/" not in g])
        assert not [name for name in names if "/graph/versie/" in str(name)]
    # and the endpoint it names is the one that takes updates
    assert (
        client.post(
            str(endpoints[update]), content="CLEAR SILENT GRAPH <urn:x>", headers=UPDATE
        ).status_code
        == 204
    )


def test_without_writes_the_service_description_has_no_update_endpoint(
    readonly_service: Service,
) -> None:
    with readonly_service.client() as client:
        graph = Graph().parse(data=client.get("/sparql").content, format="turtle")
    (service,) = graph.subjects(RDF.type, SD.Service)
    assert str(graph.value(service, SD.endpoint)) == f"{readonly_service.url}/sparql"
    assert (None, SD.supportedLanguage, SD.SPARQL11Update) not in graph
    assert graph.value(service, SD.defaultSupportedEntailmentProfile) == OWL2_RL


# --- errors -------------------------------------------------------------------------------------


def test_a_syntax_error_is_400_with_the_parsers_message(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"})
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "sparql-syntax"
    assert "line 1, column 18" in body["message"]


MISSING_PREFIX = [
    # (query, prefix, line, column): rdflib knows skos: and xsd: on its own, Oxigraph does not
    (
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nSELECT ?s WHERE {\n"
        "  ?s rdfs:label ?l .\n  ?s skos:prefLabel ?p }",
        "skos",
        4,
        6,
    ),
    ("SELECT * WHERE { ?s ?p ?o FILTER(?o = xsd:true) }", "xsd", 1, 39),
    ("ASK { ?s dct:title 'x' }", "dct", 1, 10),
    ("CONSTRUCT { ?s a ex:A } WHERE { ?s ?p ?o }", "ex", 1, 18),
    ("DESCRIBE keten:Chain", "keten", 1, 10),
]


@pytest.mark.parametrize(("query", "prefix", "line", "column"), MISSING_PREFIX)
def test_a_missing_prefix_is_named_with_its_place(
    client: httpx.Client, query: str, prefix: str, line: int, column: int
) -> None:
    for response in (
        client.get("/sparql", params={"query": query}),
        client.post("/sparql", data={"query": query}),
    ):
        assert response.status_code == 400
        body = response.json()
        assert body["error"] == "undeclared-prefix"
        assert (body["prefix"], body["line"], body["column"]) == (prefix, line, column)
        message = body["message"]
        assert f"'{prefix}:'" in message and f"line {line}, column {column}" in message
        assert "niet gedeclareerd" in message and f"PREFIX {prefix}:" in message
        assert "\\u{" not in message and "expected one of" not in message
    keten = client.get("/sparql", params={"query": "DESCRIBE keten:Chain"}).json()["message"]
    assert "PREFIX keten: <https://w3id.org/ketenontologie/def#>" in keten


def test_a_missing_prefix_in_an_update_is_named_too(client: httpx.Client) -> None:
    update = (
        "PREFIX ex: <https://example.org/>\nINSERT DATA { ex:a ex:b ex:c } ;\n"
        "DELETE DATA { ex:a foaf:knows ex:c }"
    )
    response = client.post("/sparql/update", content=update, headers=UPDATE)
    assert response.status_code == 400
    body = response.json()
    assert (body["error"], body["prefix"], body["line"], body["column"]) == (
        "undeclared-prefix",
        "foaf",
        3,
        20,
    )
    assert "update" in body["message"]


def test_unknown_routes_and_methods_answer_in_the_error_format(client: httpx.Client) -> None:
    missing = client.get("/nothing-here")
    assert missing.status_code == 404
    assert missing.json()["error"] == "not-found"
    wrong = client.delete("/sparql")
    assert wrong.status_code == 405
    assert wrong.json()["error"] == "method-not-allowed"


def test_an_oversized_chunked_body_is_413(client: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:
        yield b"query="
        for _ in range(100):
            yield b"x" * 1024

    response = client.post(
        "/sparql",
        content=chunks(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    assert response.json()["error"] == "payload-too-large"


# --- inference, limits --------------------------------------------------------------------------


def test_inference_can_be_turned_off(client: httpx.Client) -> None:
    query = f"PREFIX keten: <{KETEN}> ASK {{ ?a keten:escalatesEventuallyTo ?b }}"
    on = client.get("/sparql", params={"query": query})
    off = client.get("/sparql", params={"query": query, "inference": "false"})
    by_header = client.get(
        "/sparql", params={"query": query}, headers={"Ketenontologie-Inference": "false"}
    )
    assert on.json()["boolean"] is True
    assert off.json()["boolean"] is False
    assert by_header.json()["boolean"] is False
    assert off.headers["ketenontologie-inference"] == "false"


def test_the_row_limit_is_reported_never_silent(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": "SELECT * { ?s ?p ?o }"})
    assert response.status_code == 200
    assert response.headers["ketenontologie-result-truncated"] == "true"
    assert response.headers["ketenontologie-row-limit"] == "1000"
    body = response.json()
    assert body["truncated"] is True
    assert len(body["results"]["bindings"]) == 1000
    small = client.get("/sparql", params={"query": CHAINS})
    assert small.headers["ketenontologie-result-truncated"] == "false"


def test_a_runaway_query_is_stopped_and_others_are_answered(server: Server) -> None:
    """Under a real uvicorn: the worker past the time limit is killed, the server answers on."""
    with server.client() as client:
        _runaway_is_stopped(client)


def _runaway_is_stopped(client: httpx.Client) -> None:
    outcome: dict[str, object] = {}

    def runaway() -> None:
        started = time.monotonic()
        outcome["response"] = client.get("/sparql", params={"query": RUNAWAY})
        outcome["seconds"] = time.monotonic() - started
        outcome["ended"] = time.monotonic()

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)
    quick = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
    answered = time.monotonic()
    assert quick.status_code == 200, quick.text
    thread.join(timeout=30)
    assert answered < float(outcome["ended"]), "answered while the runaway still ran"  # type: ignore[arg-type]
    response = outcome["response"]
    assert isinstance(response, httpx.Response)
    assert response.status_code == 503
    assert response.json()["error"] == "query-timeout"
    assert float(outcome["seconds"]) < 6  # type: ignore[arg-type]
    after = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
    assert after.status_code == 200


# --- writes: tokens, update, graph store --------------------------------------------------------


def test_writes_need_the_token(client: httpx.Client) -> None:
    update = {"Content-Type": "application/sparql-update"}
    missing = client.post("/sparql/update", content="CLEAR ALL", headers=update)
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"].startswith("Bearer")
    wrong = client.post(
        "/sparql/update", content="CLEAR ALL", headers={**update, "Authorization": "Bearer nope"}
    )
    assert wrong.status_code == 401
    gsp = client.put("/graphs", params={"graph": "https://example.org/g"}, content=b"")
    assert gsp.status_code == 401
    assert client.get("/sparql", params={"query": CHAINS}).status_code == 200


def test_without_a_configured_token_writes_are_off(readonly_service: Service) -> None:
    with readonly_service.client() as client:
        response = client.post(
            "/sparql/update",
            content="CLEAR ALL",
            headers={"Content-Type": "application/sparql-update", **AUTH},
        )
        assert response.status_code == 403
        assert response.json()["error"] == "writes-disabled"
        assert client.delete("/graphs", params={"default": ""}, headers=AUTH).status_code == 403


def test_update_with_the_token(client: httpx.Client) -> None:
    graph = "https://example.org/graph/update-test"
    response = client.post(
        "/sparql/update",
        content=f"INSERT DATA {{ GRAPH <{graph}> {{ <https://example.org/a> <urn:p> 1 }} }}",
        headers={"Content-Type": "application/sparql-update", **AUTH},
    )
    assert response.status_code == 204
    ask = client.get("/sparql", params={"query": f"ASK {{ GRAPH <{graph}> {{ ?s ?p 1 }} }}"})
    assert ask.json()["boolean"] is True
    client.delete("/graphs", params={"graph": graph}, headers=AUTH)


def test_graph_store_protocol_round_trip(client: httpx.Client) -> None:
    graph = {"graph": "https://example.org/graph/gsp-test"}
    turtle = {"Content-Type": "text/turtle", **AUTH}
    data = b"<https://example.org/a> <https://example.org/p> <https://example.org/b> ."
    assert client.put("/graphs", params=graph, content=data, headers=turtle).status_code == 201
    assert client.put("/graphs", params=graph, content=data, headers=turtle).status_code == 204
    got = client.get("/graphs", params=graph, headers={"Accept": "application/n-triples"})
    assert got.status_code == 200
    assert len(Graph().parse(data=got.content, format="nt")) == 1
    assert client.head("/graphs", params=graph).status_code == 200
    more = b"<https://example.org/a> <https://example.org/p> <https://example.org/c> ."
    assert client.post("/graphs", params=graph, content=more, headers=turtle).status_code == 204
    got = client.get("/graphs", params=graph, headers={"Accept": "text/turtle"})
    assert len(Graph().parse(data=got.content, format="turtle")) == 2
    listed = client.get("/graphs").json()["graphs"]
    assert {"graph": graph["graph"], "inferred": False} in listed
    assert client.delete("/graphs", params=graph, headers=AUTH).status_code == 204
    assert client.get("/graphs", params=graph).status_code == 404
    assert client.head("/graphs", params=graph).status_code == 404
    assert client.delete("/graphs", params=graph, headers=AUTH).status_code == 404


def test_a_bad_upload_is_400_with_its_position(client: httpx.Client) -> None:
    response = client.put(
        "/graphs",
        params={"graph": "https://example.org/graph/bad"},
        content=b"<https://example.org/a> <https://example.org/p> .",
        headers={"Content-Type": "text/turtle", **AUTH},
    )
    assert response.status_code == 400
    assert response.json()["error"] == "rdf-syntax"
    assert "1:" in response.json()["message"]


# --- nothing goes out ---------------------------------------------------------------------------


def test_service_from_and_load_never_reach_out(client: httpx.Client, listener: Listener) -> None:
    target = listener.url
    refused = [
        client.get(
            "/sparql", params={"query": f"SELECT * {{ SERVICE <{target}/sparql> {{ ?s ?p ?o }} }}"}
        ),
        client.get(
            "/sparql", params={"query": f"select * {{ service   <{target}/s> {{ ?s ?p ?o }} }}"}
        ),
        client.get(
            "/sparql", params={"query": f"SELECT * FROM <{target}/data.ttl> {{ ?s ?p ?o }}"}
        ),
        client.get("/sparql", params={"query": f"SELECT * FROM NAMED <{target}/d> {{ ?s ?p ?o }}"}),
        client.get(
            "/sparql",
            params={"query": "SELECT * { ?s ?p ?o }", "default-graph-uri": f"{target}/data.ttl"},
        ),
        client.post(
            "/sparql/update",
            content=f"LOAD <{target}/data.ttl>",
            headers={"Content-Type": "application/sparql-update", **AUTH},
        ),
        client.put(
            "/graphs",
            params={"graph": "https://example.org/graph/jsonld"},
            content=json.dumps(
                {"@context": f"{target}/context.jsonld", "@id": "https://example.org/a", "p": 1}
            ).encode(),
            headers={"Content-Type": "application/ld+json", **AUTH},
        ),
        client.put(
            "/graphs",
            params={"graph": "https://example.org/graph/xxe"},
            content=(
                f'<?xml version="1.0"?><!DOCTYPE rdf:RDF [<!ENTITY x SYSTEM "{target}/x">]>'
                '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
                '<rdf:Description rdf:about="https://example.org/a">'
                "<rdf:value>&x;</rdf:value></rdf:Description></rdf:RDF>"
            ).encode(),
            headers={"Content-Type": "application/rdf+xml", **AUTH},
        ),
    ]
    for response in refused:
        assert response.status_code == 400, response.text
        assert response.json()["message"]
    time.sleep(0.3)
    assert listener.connections == []


def test_update_using_a_graph_that_is_not_stored_is_400_and_reaches_nothing(
    client: httpx.Client, listener: Listener
) -> None:
    target = listener.url
    out = "https://example.org/graph/using-out"
    copy = f"INSERT {{ GRAPH <{out}> {{ ?s ?p ?o }} }}"
    refused: list[tuple[str, str | dict[str, str], dict[str, str]]] = [
        (f"{target}/data.ttl", f"{copy} USING <{target}/data.ttl> WHERE {{ ?s ?p ?o }}", {}),
        (
            f"{target}/named.ttl",
            f"{copy} USING NAMED <{target}/named.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
            {},
        ),
        (
            f"{target}/d",
            f"PREFIX d: <{target}/> DELETE {{ ?s ?p ?o }} USING d:d WHERE {{ ?s ?p ?o }}",
            {},
        ),
        (
            f"{target}/data.ttl",
            f"{copy} WHERE {{ ?s ?p ?o }}",
            {"using-graph-uri": f"{target}/data.ttl"},
        ),
        (
            f"{target}/named.ttl",
            f"{copy} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
            {"using-named-graph-uri": f"{target}/named.ttl"},
        ),
        (  # a parameter that no operation takes up is still checked
            f"{target}/data.ttl",
            f"INSERT DATA {{ GRAPH <{out}> {{ <urn:a> <urn:b> 1 }} }}",
            {"using-graph-uri": f"{target}/data.ttl"},
        ),
        (  # WITH in an operation that only deletes: that graph is all it reads
            f"{target}/g",
            f"WITH <{target}/g> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
            {},
        ),
        (  # the protocol parameters in the form, with the update
            f"{target}/form.ttl",
            {"update": f"{copy} WHERE {{ ?s ?p ?o }}", "using-graph-uri": f"{target}/form.ttl"},
            {},
        ),
    ]
    for graph, update, params in refused:
        if isinstance(update, dict):
            response = client.post("/sparql/update", data=update, headers=AUTH)
        else:
            response = client.post("/sparql/update", content=update, params=params, headers=UPDATE)
        assert response.status_code == 400, f"{update}: {response.text}"
        body = response.json()
        assert body["error"] == "unknown-graph", body
        assert f"<{graph}>" in body["message"]
        assert "GET /graphs" in body["message"], "the message says where the stored graphs are"
        query = {"query": "SELECT * FROM <https://example.org/g> { ?s ?p ?o }"}
        assert client.get("/sparql", params=query).json()["error"] == body["error"]
    assert client.get("/graphs", params={"graph": out}).status_code == 404, "nothing written"
    time.sleep(0.3)
    assert listener.connections == []


def test_update_may_read_stored_graphs_and_those_it_writes_first(client: httpx.Client) -> None:
    source = "https://example.org/graph/using-source"
    out = ["https://example.org/graph/using-out-" + name for name in ("a", "b", "c", "d")]
    triple = "<https://example.org/s> <https://example.org/p> 1"
    steps: list[tuple[str, dict[str, str]]] = [
        (  # USING a graph an earlier operation of the same request writes
            f"INSERT DATA {{ GRAPH <{source}> {{ {triple} }} }} ;\n"
            f"INSERT {{ GRAPH <{out[0]}> {{ ?s ?p ?o }} }} USING <{source}> WHERE {{ ?s ?p ?o }}",
            {},
        ),
        (
            f"INSERT {{ GRAPH <{out[1]}> {{ ?s ?p ?o }} }} WHERE {{ ?s ?p ?o }}",
            {"using-graph-uri": source},
        ),
        (  # WITH may name a new graph when the operation inserts: the insert creates it
            f"WITH <{out[2]}> INSERT {{ ?s ?p ?o }} USING <{source}> WHERE {{ ?s ?p ?o }}",
            {},
        ),
        (
            f"INSERT {{ GRAPH <{out[3]}> {{ ?s ?p ?o }} }} "
            f"USING NAMED <{source}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
            {},
        ),
    ]
    try:
        for update, params in steps:
            response = client.post("/sparql/update", content=update, params=params, headers=UPDATE)
            assert response.status_code == 204, f"{update}: {response.text}"
        for graph in out:
            ask = f"ASK {{ GRAPH <{graph}> {{ {triple} }} }}"
            assert client.get("/sparql", params={"query": ask}).json()["boolean"], graph
        removed = client.post(
            "/sparql/update",
            content=f"WITH <{out[2]}> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
            headers=UPDATE,
        )
        assert removed.status_code == 204, "WITH a stored graph in a delete is fine"
        ask = f"ASK {{ GRAPH <{out[2]}> {{ ?s ?p ?o }} }}"
        assert client.get("/sparql", params={"query": ask}).json()["boolean"] is False
    finally:
        for graph in [source, *out]:
            client.delete("/graphs", params={"graph": graph}, headers=AUTH)


def test_service_inside_strings_and_comments_is_no_problem(client: httpx.Client) -> None:
    query = (
        'SELECT ("SERVICE <http://127.0.0.1:9/>" AS ?x) WHERE { # SERVICE <http://127.0.0.1:9/>\n}'
    )
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 200


# --- named queries ------------------------------------------------------------------------------


def test_named_queries_are_listed_and_callable(client: httpx.Client) -> None:
    listed = {q["name"]: q for q in client.get("/queries").json()["queries"]}
    assert "list-escalation-paths" in listed
    phase = "https://w3id.org/ketenontologie/id/fase/crisis"
    response = client.get(
        "/queries/list-chains-by-phase", params={"phase": phase}, headers={"Accept": "text/csv"}
    )
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows and all(row["phase"] == phase for row in rows)


@pytest.mark.parametrize("name", sorted(BEFORE))
def test_rewritten_named_queries_answer_as_their_plain_forms(
    client: httpx.Client, name: str
) -> None:
    """On both stores: the fast forms of queries/ give the rows of the plain ones."""
    query = load_queries()[name]
    examples = {p.name: p.example for p in query.parameters if p.example}
    for values in [{}, examples] if examples else [{}]:
        fast = client.get(f"/queries/{name}", params=values)
        assert fast.status_code == 200, fast.text
        plain_text = NamedQuery.parse(name, "#+ summary: x / x\n" + BEFORE[name]).bind(values)
        plain = client.post("/sparql", data={"query": plain_text})
        assert plain.status_code == 200, plain.text
        found = table(fast.json()["results"]["bindings"])
        assert found, f"{name} {values}"
        assert found == table(plain.json()["results"]["bindings"]), f"{name} {values}"


def test_a_bad_named_query_parameter_is_400(client: httpx.Client) -> None:
    response = client.get("/queries/list-chains-by-phase", params={"phase": "not an iri"})
    assert response.status_code == 400
    assert response.json()["error"] == "query-parameter"
    unknown = client.get("/queries/list-chains-by-phase", params={"colour": "red"})
    assert unknown.status_code == 400


def test_openapi_documents_each_named_query(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    operation = spec["paths"]["/queries/list-escalation-paths"]["get"]
    assert operation["summary"].startswith("Escalatiepad")
    assert any(p["name"] == "chain" for p in operation["parameters"])
    assert client.get("/docs").status_code == 200


# --- CORS ---------------------------------------------------------------------------------------


def test_cors_allows_configured_origins_to_read_without_credentials(client: httpx.Client) -> None:
    preflight = client.options(
        "/sparql",
        headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"},
    )
    assert preflight.headers["access-control-allow-origin"] == ORIGIN
    assert "access-control-allow-credentials" not in preflight.headers
    write = client.options(
        "/graphs",
        headers={"Origin": ORIGIN, "Access-Control-Request-Method": "PUT"},
    )
    assert write.status_code == 400
    other = client.get(
        "/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://elsewhere.example"}
    )
    assert "access-control-allow-origin" not in other.headers


# --- restart ------------------------------------------------------------------------------------


def test_a_restart_reuses_the_data_dir(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {"KETENONTOLOGIE_UPDATE_TOKEN": TOKEN}
    with serve_in_process(data, env=env) as first, first.client() as client:
        graphs = client.get("/graphs").json()["graphs"]
        assert graphs, "a first start on an empty data directory loads the project"
        deleted = client.delete("/designs/loonaangifteketen", headers=AUTH)
        assert deleted.status_code == 204
    with serve_in_process(data, env=env) as second, second.client() as client:
        again = client.get("/graphs").json()["graphs"]
        # the design's graph and its inferred graph are gone; its history keeps it
        names = {g["graph"] for g in graphs}
        kept = {g["graph"] for g in again}
        gone = names - kept
        assert gone == {
            "https://w3id.org/ketenontologie/graph/ontwerp/loonaangifteketen",
            "https://w3id.org/ketenontologie/graph/afgeleid/loonaangifteketen",
        }, "the stored data is reused, not reloaded"
        assert kept - names == {
            "https://w3id.org/ketenontologie/graph/versie/loonaangifteketen",
            "https://w3id.org/ketenontologie/graph/versie/loonaangifteketen/1",
        }
