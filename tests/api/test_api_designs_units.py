"""Units of the design routes: which updates may write design graphs (decided on the parsed
update), upload names."""

from __future__ import annotations

import pytest

from ketenontologie.designs import upload_name
from ketenontologie.errors import DesignGraphWriteError
from ketenontologie.namespaces import design_graph, inferred_graph
from ketenontologie.sparql.algebra import update_facts
from ketenontologie.sparql.policy import check_update, is_protected

DESIGN = design_graph("loonaangifteketen")
STORED = [DESIGN, inferred_graph("loonaangifteketen")]


def check(update: str, *, stored: list[str] | None = None, base_iri: str | None = None) -> None:
    """The policy's verdict on ``update`` as the parser reads it."""
    check_update(update_facts(update, base_iri=base_iri), stored=stored or [])


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <a:b> <a:c> <a:d> }",
        "INSERT DATA { GRAPH <https://example.org/g> { <a:b> <a:c> <a:d> } }",
        "CLEAR DEFAULT",
        "DROP SILENT GRAPH <https://example.org/g>",
        f"INSERT {{ GRAPH <https://example.org/g> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{DESIGN}> "
        "{ ?s ?p ?o } }",
        f"INSERT {{ ?s ?p ?o }} USING <{DESIGN}> WHERE {{ ?s ?p ?o }}",
        f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (?g = <{DESIGN}>) }}",
        f'INSERT DATA {{ <a:b> <a:c> "GRAPH <{DESIGN}>" }}  # GRAPH <{DESIGN}>',
        f"COPY <{DESIGN}> TO <https://example.org/kopie>",
        f"ADD GRAPH <{DESIGN}> TO DEFAULT",
        "PREFIX o: <https://example.org/> INSERT DATA { GRAPH o:g { <a:b> <a:c> <a:d> } }",
    ],
)
def test_updates_that_write_elsewhere_pass(update: str) -> None:
    check(update, stored=STORED)


@pytest.mark.parametrize(
    "update",
    [
        f"INSERT DATA {{ GRAPH <{DESIGN}> {{ <a:b> <a:c> <a:d> }} }}",
        f"insert data {{ graph <{DESIGN}> {{ <a:b> <a:c> <a:d> }} }}",
        "BASE <https://w3id.org/ketenontologie/graph/ontwerp/> "
        "INSERT DATA { GRAPH <loonaangifteketen> { <a:b> <a:c> <a:d> } }",
        "PREFIX o: <https://w3id.org/ketenontologie/graph/ontwerp/>\n"
        "CLEAR GRAPH <https://example.org/g> ; DROP GRAPH o:loonaangifteketen",
        "DELETE { ?s ?p ?o } INSERT { GRAPH ?g { ?s ?p ?o } } WHERE { ?s ?p ?o BIND(<a:g> AS ?g) }",
        f"DELETE WHERE {{ GRAPH <{DESIGN}> {{ ?s ?p ?o }} }}",
        f"WITH <{DESIGN}> INSERT {{ <a:b> <a:c> <a:d> }} WHERE {{}}",
        f"MOVE SILENT GRAPH <{DESIGN}> TO DEFAULT",
        f"ADD DEFAULT TO <{inferred_graph('x')}>",
        "CREATE GRAPH <https://w3id.org/ketenontologie/graph/afgeleid>",
        "DROP ALL",
        "CLEAR SILENT NAMED",
        # escapes and prefixed names decided on the parsed update, not on its spelling
        r"INSERT DATA { GRAPH <https://w3id.org/ketenontologie/graph/ontwerp/\u006Coon> "
        "{ <a:b> <a:c> <a:d> } }",
        "PREFIX x: <https://w3id.org/ketenontologie/graph/afgeleid/> "
        "INSERT DATA { GRAPH x:loonaangifteketen { <a:b> <a:c> <a:d> } }",
        # an escaped character in a prefixed name's local part names the unescaped IRI
        "PREFIX g: <https://w3id.org/ketenontologie/graph/> "
        r"INSERT DATA { GRAPH g:ontwerp\/loonaangifteketen { <a:b> <a:c> <a:d> } }",
        "PREFIX g: <https://w3id.org/ketenontologie/graph/> "
        r"WITH g:ontwerp\/loonaangifteketen DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    ],
)
def test_updates_that_may_write_design_graphs_are_refused(update: str) -> None:
    with pytest.raises(DesignGraphWriteError) as refused:
        check(update, stored=STORED)
    assert "/designs" in str(refused.value)


def test_relative_graph_iris_resolve_against_the_base() -> None:
    with pytest.raises(DesignGraphWriteError):
        check(
            "DROP GRAPH <loonaangifteketen>",
            base_iri="https://w3id.org/ketenontologie/graph/ontwerp/x",
        )


def test_clear_all_is_fine_without_designs() -> None:
    check("CLEAR ALL", stored=["https://example.org/g"])


def test_the_stores_bookkeeping_graphs_are_never_written() -> None:
    register = "https://w3id.org/ketenontologie/graph/beheer/register"
    with pytest.raises(DesignGraphWriteError, match="bookkeeping"):
        check(f"INSERT DATA {{ GRAPH <{register}> {{ <a:b> <a:c> <a:d> }} }}")
    with pytest.raises(DesignGraphWriteError, match="bookkeeping"):
        check(f"DROP GRAPH <{register}>")
    assert is_protected(register)


def test_which_graphs_are_protected() -> None:
    assert is_protected(DESIGN)
    assert is_protected(inferred_graph("x"))
    assert is_protected("https://w3id.org/ketenontologie/graph/afgeleid")
    assert not is_protected("https://w3id.org/ketenontologie/graph/ontologie")
    assert not is_protected("https://w3id.org/ketenontologie/graph/afgeleidx")


@pytest.mark.parametrize(
    ("media_type", "name"),
    [
        ("text/turtle; charset=utf-8", "k.ttl"),
        ("application/n-triples", "k.nt"),
        ("application/ld+json", "k.jsonld"),
        ("application/rdf+xml", "k.rdf"),
        ("image/png", "k"),
    ],
)
def test_uploads_are_reported_by_id_and_format(media_type: str, name: str) -> None:
    assert upload_name("k", media_type) == name
