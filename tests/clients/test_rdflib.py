"""rdflib's ``SPARQLStore``, as a ``Graph`` and under a ``Dataset``, against a real service.

A ``Dataset`` over ``SPARQLStore`` sends ``default-graph-uri=urn:x-rdflib:default`` (rdflib's
name for its default graph) with every query; the service reads it as the default graph. What
still fails is rdflib's own doing and is pinned here, so that the limits written in
``docs/service.md`` stay true: ``Dataset.graphs()`` and ``Dataset.graph(name)`` add a graph to
the store, which a read-only ``SPARQLStore`` refuses (``TypeError``), and ``Dataset.quads()``
needs graph names that ``SPARQLStore.triples`` does not return.
"""

from __future__ import annotations

import pytest
from rdflib import RDF, Dataset, Graph, Namespace, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore

from services import Server

KETEN = Namespace("https://w3id.org/ketenontologie/def#")
CHAIN = URIRef("https://w3id.org/ketenontologie/id/keten/voorbeeldketen-havenstad")
DESIGN = URIRef("https://w3id.org/ketenontologie/graph/ontwerp/voorbeeldketen-havenstad")
ONTOLOGY = URIRef("https://w3id.org/ketenontologie/graph/ontologie")
SELECT = f"PREFIX keten: <{KETEN}> SELECT ?chain WHERE {{ ?chain a keten:Chain }}"
ASK = f"PREFIX keten: <{KETEN}> ASK {{ <{CHAIN}> a keten:Chain }}"
CONSTRUCT = f"PREFIX keten: <{KETEN}> CONSTRUCT WHERE {{ ?chain a keten:Chain }}"
DESCRIBE = f"DESCRIBE <{CHAIN}>"

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib's ConjunctiveGraph


def _four_forms(graph: Graph) -> None:
    """SELECT, ASK, CONSTRUCT and DESCRIBE through ``graph.query``."""
    chains = {row[0] for row in graph.query(SELECT)}  # type: ignore[index]
    assert CHAIN in chains and len(chains) >= 4
    assert graph.query(ASK).askAnswer is True
    constructed = graph.query(CONSTRUCT).graph
    assert constructed is not None and (CHAIN, RDF.type, KETEN.Chain) in constructed
    described = graph.query(DESCRIBE).graph
    assert described is not None and (CHAIN, RDF.type, KETEN.Chain) in described


@pytest.mark.parametrize("return_format", ["xml", "json"])
def test_sparqlstore_as_a_graph(server: Server, return_format: str) -> None:
    store = SPARQLStore(f"{server.url}/sparql", returnFormat=return_format)
    graph = Graph(store=store)
    assert len(graph) > 1000
    assert (CHAIN, RDF.type, KETEN.Chain) in graph
    assert CHAIN in set(graph.subjects(RDF.type, KETEN.Chain))
    chains = {row[0] for row in graph.query(SELECT)}  # type: ignore[index]
    assert CHAIN in chains
    assert graph.query(ASK).askAnswer is True
    design = Graph(store=store, identifier=DESIGN)
    assert 0 < len(design) < len(graph)
    assert (CHAIN, RDF.type, KETEN.Chain) in design
    assert (CHAIN, RDF.type, KETEN.Chain) not in Graph(store=store, identifier=ONTOLOGY)
    if return_format == "xml":  # rdflib's default: it accepts RDF/XML for graphs as well
        _four_forms(graph)
    else:  # with "json" rdflib accepts SPARQL JSON only, which cannot carry a graph: 406
        with pytest.raises(ValueError, match="You did something wrong"):
            graph.query(CONSTRUCT)


def _on_virtuoso(request: pytest.FixtureRequest) -> bool:
    return bool(request.node.callspec.params.get("server") == "virtuoso")


def test_a_dataset_over_sparqlstore(server: Server, request: pytest.FixtureRequest) -> None:
    store = SPARQLStore(f"{server.url}/sparql")
    dataset = Dataset(store=store)
    assert len(dataset) == len(Graph(store=store))
    _four_forms(dataset)  # sent with default-graph-uri=urn:x-rdflib:default
    assert len(dataset.get_context(DESIGN)) == len(Graph(store=store, identifier=DESIGN))
    names = set(store.contexts())  # SPARQLStore yields the graph names
    if _on_virtuoso(request):
        # rdflib lists graphs with SELECT ?name WHERE { GRAPH ?name {} }, which Virtuoso
        # answers with no rows (docs/service.md, "Clients"); GET /graphs lists them.
        assert names == set()
    else:
        assert {DESIGN, ONTOLOGY} <= names
    assert len(Dataset(store=store, default_union=True)) == len(dataset)
    # rdflib's own limits with a read-only store (docs/service.md says what to use instead):
    with pytest.raises(TypeError, match="read only"):
        list(dataset.graphs())
    with pytest.raises(TypeError, match="read only"):
        dataset.graph(DESIGN)
    with pytest.raises(TypeError, match="not iterable"):
        next(iter(dataset.quads((CHAIN, None, None, None))))


def test_a_dataset_over_sparqlupdatestore_lists_its_graphs(
    server: Server, request: pytest.FixtureRequest
) -> None:
    """With the update endpoint named too, ``graphs()`` works without writing anything: rdflib
    does not create the default graph on a store that knows graphs."""
    store = SPARQLUpdateStore(f"{server.url}/sparql", f"{server.url}/sparql/update")
    dataset = Dataset(store=store)
    names = {graph.identifier for graph in dataset.graphs()}
    named = set() if _on_virtuoso(request) else {DESIGN, ONTOLOGY}  # see above
    assert named | {DATASET_DEFAULT_GRAPH_ID} <= names
    assert len(names) > 10 or _on_virtuoso(request)
    _four_forms(dataset)


def test_rdflibs_default_graph_name_means_the_default_graph(server: Server) -> None:
    with server.client() as client:
        plain = client.get("/sparql", params={"query": SELECT})
        named = client.get(
            "/sparql",
            params={"query": SELECT, "default-graph-uri": str(DATASET_DEFAULT_GRAPH_ID)},
        )
        assert named.status_code == 200
        assert named.json()["results"] == plain.json()["results"]
        # With another graph beside it, it is a graph name like any other, and not stored.
        mixed = client.get(
            "/sparql",
            params={
                "query": SELECT,
                "default-graph-uri": [str(DATASET_DEFAULT_GRAPH_ID), str(DESIGN)],
            },
        )
        assert mixed.status_code == 400
        assert mixed.json()["error"] == "unknown-graph"
