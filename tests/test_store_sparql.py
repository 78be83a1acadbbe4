"""The remote store's pieces that need no server: settings, rewriting, packing, docstrings."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from ketenontologie.errors import StoreError, StoreSettingError
from ketenontologie.store.remote import (
    DEFAULT_GRAPH_IRI,
    TRIPLES_PER_OPERATION,
    _blank_groups,
    _insert_operations,
    _pin_graphs,
    _rewrite_update,
    _where_reads_named_graphs,
)
from ketenontologie.store.remote_http import Endpoints, guess_dialect

EX = "https://example.org/"


def test_endpoints_from_the_store_url() -> None:
    plain = Endpoints.parse("sparql+http://127.0.0.1:8890/sparql")
    assert plain.query == "http://127.0.0.1:8890/sparql"
    virtuoso = plain.resolved(dialect="virtuoso", authenticated=True)
    assert virtuoso.update == "http://127.0.0.1:8890/sparql-auth"
    assert virtuoso.auth == "digest"
    assert plain.resolved(dialect="virtuoso", authenticated=False).update == plain.query
    fuseki = Endpoints.parse("sparql+https://db/ds/sparql").resolved(
        dialect="fuseki", authenticated=True
    )
    assert (fuseki.update, fuseki.auth) == ("https://db/ds/update", "basic")
    graphdb = Endpoints.parse("sparql+http://g:7200/repositories/ketens").resolved(
        dialect="graphdb", authenticated=True
    )
    assert graphdb.update == "http://g:7200/repositories/ketens/statements"
    chosen = Endpoints.parse("sparql+http://h/q?update=/u&dialect=fuseki&auth=digest")
    assert (chosen.query, chosen.update, chosen.dialect, chosen.auth) == (
        "http://h/q",
        "http://h/u",
        "fuseki",
        "digest",
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1:8890/sparql", "is not a store"),
        ("sparql+http:///sparql", "has no host"),
        ("sparql+http://h/sparql?timeout=3", "unknown options"),
        ("sparql+http://h/sparql?dialect=blazegraph", "dialect"),
        ("sparql+http://h/sparql?auth=kerberos", "auth"),
        ("sparql+http://h/sparql?update=http://other/update", "another host"),
    ],
)
def test_bad_store_urls_say_what_to_write(url: str, message: str) -> None:
    with pytest.raises(StoreSettingError, match=message) as caught:
        Endpoints.parse(url)
    assert "KETENONTOLOGIE_STORE" in str(caught.value)


def test_the_dialect_is_told_by_the_server_header_and_path() -> None:
    assert guess_dialect("http://h/sparql", {"server": "Virtuoso/07.20.3229 (Linux)"}) == "virtuoso"
    assert guess_dialect("http://h/ds/sparql", {"server": "Apache Jena Fuseki (5.1)"}) == "fuseki"
    assert guess_dialect("http://h/repositories/r", {}) == "graphdb"
    assert guess_dialect("http://h/sparql", {}) == "generic"


def test_drop_all_becomes_drops_of_the_stores_graphs() -> None:
    text, targets, unknown = _rewrite_update("DROP ALL", [EX + "a", EX + "b"])
    assert text == (
        f"DROP SILENT GRAPH <{EX}a> ;\nDROP SILENT GRAPH <{EX}b> ;\n"
        f"DROP SILENT GRAPH <{DEFAULT_GRAPH_IRI}>"
    )
    assert targets == {EX + "a": "drop", EX + "b": "drop"}
    assert not unknown
    text, _, _ = _rewrite_update("CLEAR SILENT NAMED", [EX + "a"])
    assert text == f"CLEAR SILENT GRAPH <{EX}a>"
    text, targets, _ = _rewrite_update("DROP DEFAULT", [EX + "a"])
    assert text == f"DROP SILENT GRAPH <{DEFAULT_GRAPH_IRI}>"
    assert targets == {}


def test_drop_of_a_stored_graph_is_made_silent_and_of_a_missing_one_refused() -> None:
    text, targets, _ = _rewrite_update(f"PREFIX ex: <{EX}> DROP GRAPH ex:a", [EX + "a"])
    assert text == f"PREFIX ex: <{EX}> DROP SILENT GRAPH ex:a"
    assert targets == {EX + "a": "drop"}
    with pytest.raises(StoreError, match="SILENT"):
        _rewrite_update(f"CLEAR GRAPH <{EX}missing>", [EX + "a"])


def test_the_graphs_an_update_writes_are_found() -> None:
    _, targets, unknown = _rewrite_update(
        f"CREATE GRAPH <{EX}c> ; MOVE <{EX}m> TO <{EX}t> ; "
        f"INSERT DATA {{ GRAPH <{EX}i> {{ <{EX}s> <{EX}p> <{EX}o> }} }}",
        [],
    )
    assert targets == {EX + "c": "create", EX + "m": "drop", EX + "t": "write", EX + "i": "write"}
    assert not unknown
    _, _, unknown = _rewrite_update(
        "INSERT { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } }", []
    )
    assert unknown


def test_a_where_that_reads_named_graphs_is_noticed() -> None:
    assert _where_reads_named_graphs("INSERT { ?s ?p ?o } WHERE { GRAPH <g:a> { ?s ?p ?o } }")
    assert not _where_reads_named_graphs("INSERT DATA { GRAPH <g:a> { <a:s> <a:p> <a:o> } }")


def test_constant_graphs_are_pinned_with_values() -> None:
    query = "SELECT * { GRAPH <g:a> { ?s ?p ?o OPTIONAL { GRAPH ex:b { ?o ?q ?r } } } }"
    assert _pin_graphs(query) == (
        "SELECT * { { VALUES ?__ketenontologie_graph_1 { <g:a> } GRAPH "
        "?__ketenontologie_graph_1 { ?s ?p ?o OPTIONAL { { VALUES ?__ketenontologie_graph_2 "
        "{ ex:b } GRAPH ?__ketenontologie_graph_2 { ?o ?q ?r } } } } } }"
    )
    same = "SELECT * { GRAPH ?g { ?s ?p ?o } }"
    assert _pin_graphs(same) == same


def test_triples_sharing_blank_nodes_stay_in_one_operation() -> None:
    lists = []
    for n in range(700):
        head, rest = ox.BlankNode(), ox.BlankNode()
        lists += [
            ox.Triple(ox.NamedNode(f"{EX}s{n}"), ox.NamedNode(EX + "l"), head),
            ox.Triple(head, ox.NamedNode(EX + "first"), ox.Literal(str(n))),
            ox.Triple(head, ox.NamedNode(EX + "rest"), rest),
            ox.Triple(rest, ox.NamedNode(EX + "first"), ox.Literal("x")),
        ]
    groups = list(_blank_groups(lists))
    assert sum(len(g) for g in groups) == len(lists)
    assert all(len(g) <= TRIPLES_PER_OPERATION for g in groups)
    where: dict[str, int] = {}
    for number, group in enumerate(groups):
        for triple in group:
            for term in (triple.subject, triple.object):
                if isinstance(term, ox.BlankNode):
                    assert where.setdefault(str(term), number) == number
    operations = list(_insert_operations(EX + "g", lists))
    assert all(op.startswith("INSERT {") and op.endswith("WHERE {}") for op in operations)
