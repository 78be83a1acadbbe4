"""SPARQLWrapper, the most used Python client, against a real service on each store.

Every return format SPARQLWrapper has, on SELECT, ASK, CONSTRUCT and DESCRIBE, by GET, by POST
as a form and by POST directly. SPARQLWrapper sends ``format=``, ``output=`` and ``results=``
beside ``Accept`` (for TSV, JSON-LD and RDF/XML each twice: its name and a media type); a value
that cannot carry the result (``csv`` on a CONSTRUCT, ``turtle`` on a SELECT) leaves the choice
to ``Accept``, so none of the 108 requests is refused.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any
from xml.dom.minidom import Document

import pytest
from rdflib import Graph, URIRef
from SPARQLWrapper import (
    CSV,
    GET,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    RDF,
    RDFXML,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)

from services import Server

KETEN = "https://w3id.org/ketenontologie/def#"
CHAIN = URIRef("https://w3id.org/ketenontologie/id/keten/voorbeeldketen-havenstad")
QUERIES = {
    "SELECT": f"PREFIX keten: <{KETEN}> SELECT ?chain WHERE {{ ?chain a keten:Chain }}",
    "ASK": f"PREFIX keten: <{KETEN}> ASK {{ ?chain a keten:Chain }}",
    "CONSTRUCT": f"PREFIX keten: <{KETEN}> CONSTRUCT WHERE {{ ?chain a keten:Chain }}",
    "DESCRIBE": f"DESCRIBE <{CHAIN}>",
}
METHODS = [(GET, None), (POST, URLENCODED), (POST, POSTDIRECTLY)]

# What each return format is answered in: its own format where it can carry the result, else
# what Accept (*/* from SPARQLWrapper) chooses: SPARQL JSON for a table, Turtle for a graph.
TABLE = {
    JSON: "application/sparql-results+json",
    XML: "application/sparql-results+xml",
    CSV: "text/csv",
    TSV: "text/tab-separated-values",
    TURTLE: "application/sparql-results+json",
    N3: "application/sparql-results+json",
    RDF: "application/sparql-results+json",
    RDFXML: "application/sparql-results+json",
    JSONLD: "application/sparql-results+json",
}
GRAPH = {
    JSON: "application/ld+json",
    XML: "application/rdf+xml",
    TURTLE: "text/turtle",
    N3: "text/turtle",
    RDF: "application/rdf+xml",
    RDFXML: "application/rdf+xml",
    JSONLD: "application/ld+json",
    CSV: "text/turtle",
    TSV: "text/turtle",
}
ANSWERED_IN = {"SELECT": TABLE, "ASK": TABLE, "CONSTRUCT": GRAPH, "DESCRIBE": GRAPH}


def _rows(media_type: str, converted: Any) -> list[str]:
    """The chains of a SELECT answer, from SPARQLWrapper's conversion of it."""
    if media_type == "application/sparql-results+json":
        return [row["chain"]["value"] for row in converted["results"]["bindings"]]
    if media_type == "application/sparql-results+xml":
        assert isinstance(converted, Document)
        return [uri.firstChild.data for uri in converted.getElementsByTagName("uri")]
    text = converted.decode("utf-8")
    if media_type == "text/csv":
        return [row["chain"] for row in csv.DictReader(io.StringIO(text))]
    lines = text.splitlines()
    assert lines[0] == "?chain"
    return [line.strip("<>") for line in lines[1:]]


def _boolean(media_type: str, converted: Any) -> bool:
    """The answer of an ASK, from SPARQLWrapper's conversion of it."""
    if media_type == "application/sparql-results+json":
        return bool(converted["boolean"])
    if media_type == "application/sparql-results+xml":
        return converted.getElementsByTagName("boolean")[0].firstChild.data == "true"
    header, value = converted.decode("utf-8").split()
    assert header.lstrip("?") == "_askResult"
    return value == "true"


def _graph(media_type: str, converted: Any) -> Graph:
    """The triples of a CONSTRUCT or DESCRIBE answer, from SPARQLWrapper's conversion."""
    if isinstance(converted, Graph):  # RDF/XML and JSON-LD are parsed by SPARQLWrapper
        return converted
    return Graph().parse(data=converted.decode("utf-8"), format="turtle")


# SPARQLWrapper warns where it asks for a format the query form has not (TURTLE on a SELECT) and
# gets another; and rdflib 7 about the ConjunctiveGraph that SPARQLWrapper parses graphs into.
@pytest.mark.filterwarnings("ignore:Sending Accept header:RuntimeWarning")
@pytest.mark.filterwarnings("ignore:Format requested was:RuntimeWarning")
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.parametrize("form", list(QUERIES))
@pytest.mark.parametrize("return_format", list(TABLE))
def test_every_return_format_by_get_and_post(server: Server, form: str, return_format: str) -> None:
    expected = ANSWERED_IN[form][return_format]
    answers = []
    for method, encoding in METHODS:
        wrapper = SPARQLWrapper(f"{server.url}/sparql")
        wrapper.setQuery(QUERIES[form])
        wrapper.setReturnFormat(return_format)
        wrapper.setMethod(method)
        if encoding:
            wrapper.setRequestMethod(encoding)
        result = wrapper.query()  # raises on any 4xx
        media_type = result.info()["content-type"].split(";")[0]
        assert media_type == expected, (method, encoding)
        converted = result.convert()
        if form == "SELECT":
            rows = _rows(media_type, converted)
            assert str(CHAIN) in rows and len(rows) == len(set(rows)) >= 4
            answers.append(sorted(rows))
        elif form == "ASK":
            answers.append(_boolean(media_type, converted))
        else:
            graph = _graph(media_type, converted)
            assert (CHAIN, None, None) in graph
            answers.append(len(graph))
    assert answers[0] == answers[1] == answers[2]
    if form == "ASK":
        assert answers[0] is True


def test_what_sparqlwrapper_sends_beside_accept(server: Server) -> None:
    """SPARQLWrapper's URL for TSV names the format six times (format, output and results, each
    as ``tsv`` and as its media type): one format, so no 400."""
    wrapper = SPARQLWrapper(f"{server.url}/sparql")
    wrapper.setQuery(QUERIES["SELECT"])
    wrapper.setReturnFormat(TSV)
    sent = wrapper._getRequestEncodedParameters(("query", QUERIES["SELECT"]))
    assert sent.count("=tsv") == 3 and sent.count("text/tab-separated-values") == 3
    with server.client() as client:
        answer = client.get(f"/sparql?{sent}", headers={"Accept": "text/tab-separated-values"})
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/tab-separated-values")
        posted = client.post(
            "/sparql", content=sent, headers={"Content-Type": "application/x-www-form-urlencoded"}
        )
        assert posted.status_code == 200 and posted.text == answer.text
        both = client.post("/sparql?format=json", data={"query": QUERIES["ASK"], "output": "xml"})
        assert both.status_code == 400
        body = json.loads(both.content)
        assert body["error"] == "conflicting-format" and "'json'" in body["message"]
