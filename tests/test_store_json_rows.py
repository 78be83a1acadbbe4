"""Counting rows in Oxigraph's SPARQL JSON results without parsing them gives the parsed count.

The service's fast path (``OxigraphStore.lookup``) tells the row count of a JSON answer in a
header; it counts row starts in the bytes (``ketenontologie.store.json_rows``). Literals made of
the very bytes it looks for, IRIs, blank nodes, language tags, unbound variables and empty rows
must not change the count.
"""

from __future__ import annotations

import json

import pyoxigraph as ox
from hypothesis import given, settings
from hypothesis import strategies as st

from ketenontologie.sparql.results import json_rows

EX = "https://example.org/"
NASTY = ['[{"', ',{"', "[{", ",{", "{}", "},{", '"', "\\", '\\"', "}}", "]", "\n", "ë", "\u2028"]

texts = st.lists(st.sampled_from(NASTY) | st.text(max_size=4), max_size=6).map("".join)
objects = st.one_of(
    texts.map(ox.Literal),
    st.tuples(texts, st.sampled_from(["nl", "en", "en-GB"])).map(
        lambda t: ox.Literal(t[0], language=t[1])
    ),
    st.integers(0, 5).map(lambda n: ox.NamedNode(f"{EX}o{n}")),
    st.integers(0, 3).map(lambda n: ox.BlankNode(f"b{n}")),
)
QUERIES = [
    f"SELECT ?p ?o WHERE {{ <{EX}s> ?p ?o }}",
    f"SELECT ?o WHERE {{ <{EX}s> ?p ?o }}",
    f"SELECT ?unbound WHERE {{ <{EX}s> ?p ?o }}",  # every row is {}
    f"SELECT ?o ?unbound WHERE {{ <{EX}s> ?p ?o }}",
    f"SELECT DISTINCT ?p WHERE {{ <{EX}s> ?p ?o }}",
    f"SELECT (COUNT(*) AS ?n) WHERE {{ <{EX}s> ?p ?o }}",
    f"SELECT ?o WHERE {{ <{EX}s> ?p ?o FILTER (isLiteral(?o)) }}",
    f"SELECT ?x WHERE {{ <{EX}s> ?p ?o OPTIONAL {{ ?o ?q ?x }} }}",
    f"SELECT * WHERE {{ <{EX}nothing> ?p ?o }}",  # no rows
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), objects), max_size=12))
def test_counted_rows_equal_parsed_rows(statements: list[tuple[int, ox.Term]]) -> None:
    store = ox.Store()
    for predicate, obj in statements:
        store.add(ox.Quad(ox.NamedNode(f"{EX}s"), ox.NamedNode(f"{EX}p{predicate}"), obj))
    for query in QUERIES:
        results = store.query(query)
        assert isinstance(results, ox.QuerySolutions)
        body = results.serialize(format=ox.QueryResultsFormat.JSON) or b""
        assert json_rows(body) == len(json.loads(body)["results"]["bindings"]), (query, body)


def test_a_literal_shaped_like_row_starts_is_not_counted() -> None:
    store = ox.Store()
    subject, predicate = ox.NamedNode(f"{EX}s"), ox.NamedNode(f"{EX}p")
    for text in ["x,{", "y[{", ',{"a":{', '[{"o":{"type":"uri"']:
        store.add(ox.Quad(subject, predicate, ox.Literal(text)))
    results = store.query(f"SELECT ?o WHERE {{ <{EX}s> ?p ?o }}")
    assert isinstance(results, ox.QuerySolutions)
    body = results.serialize(format=ox.QueryResultsFormat.JSON) or b""
    assert json_rows(body) == 4
