"""Describe the dataset with VoID and DCAT: its graphs, their dumps and the SPARQL endpoint.

>>> graph = dataset_description("https://w3id.org/ketenontologie", graphs=[])
>>> len(graph) > 0
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, FOAF, XSD

from ketenontologie.namespaces import (
    DCT,
    DEF,
    GRAPH,
    ID,
    ORG,
    RDF,
    SKOS,
    bind_prefixes,
    is_inferred,
)
from ketenontologie.publication.formats import RDF_FORMATS

__all__ = [
    "DUMP_FORMATS",
    "VOID",
    "GraphInfo",
    "dataset_description",
    "dump_path",
    "graph_for_dump",
]

VOID = Namespace("http://rdfs.org/ns/void#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
_LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
_SOURCE = URIRef("https://www.noraonline.nl/wiki/Ketensturing")
_IANA = "https://www.iana.org/assignments/media-types/"
DUMP_FORMATS = {
    "nq": ("N-Quads", "application/n-quads"),
    "trig": ("TriG", "application/trig"),
}
"""The formats of the whole-dataset dump (every graph, named)."""


@dataclass(frozen=True, slots=True)
class GraphInfo:
    """A stored graph, how many triples it has, and whether it holds inferred triples."""

    name: str
    triples: int

    @property
    def inferred(self) -> bool:
        """True for graphs of inferred triples."""
        return is_inferred(self.name)

    @property
    def path(self) -> str:
        """Its dump path without extension: ``ontwerp/loonaangifteketen``."""
        return dump_path(self.name)


def dump_path(graph: str) -> str:
    """The dump path of a stored graph: the part of its name after ``…/graph/``."""
    return graph[len(GRAPH) :] if graph.startswith(GRAPH) else ""


def graph_for_dump(path: str) -> str:
    """The graph name of a dump path (the inverse of :func:`dump_path`)."""
    return GRAPH + path


def dataset_description(
    base: str, *, graphs: Sequence[GraphInfo], address: str | None = None
) -> Graph:
    """VoID and DCAT for the knowledge graph with IRIs under ``base`` and ``graphs``, served at
    ``address`` (default ``base``): the SPARQL endpoint and the dumps are named there, where a
    client can reach them, while the dataset and its things keep their IRIs under ``base``.

    >>> base = "https://w3id.org/ketenontologie"
    >>> void = dataset_description(base, graphs=[], address="http://127.0.0.1:8000")
    >>> sorted(str(o) for o in void.objects(None, VOID.sparqlEndpoint))
    ['http://127.0.0.1:8000/sparql']
    """
    served = (address or base).rstrip("/")
    void = Graph()
    bind_prefixes(void)
    void.bind("void", VOID)
    void.bind("dcat", DCAT)
    void.bind("sd", SD)
    document = f"{base}/.well-known/void"
    dataset = URIRef(f"{document}#ketenontologie")
    endpoint = URIRef(f"{served}/sparql")
    void.add((URIRef(document), RDF.type, VOID.DatasetDescription))
    void.add((URIRef(document), DCT.title, Literal("Beschrijving van de dataset", lang="nl")))
    void.add((URIRef(document), DCT.title, Literal("Description of the dataset", lang="en")))
    void.add((URIRef(document), FOAF.primaryTopic, dataset))
    for kind in (VOID.Dataset, DCAT.Dataset):
        void.add((dataset, RDF.type, kind))
    void.add((dataset, DCT.title, Literal("Kennisgraaf ketensturing", lang="nl")))
    void.add((dataset, DCT.title, Literal("Chain governance knowledge graph", lang="en")))
    void.add(
        (
            dataset,
            DCT.description,
            Literal(
                "De ontologie, het begrippenkader, de regels en de voorbeeldontwerpen van "
                "ketens, elk in een eigen graaf, met de afgeleide tripels apart.",
                lang="nl",
            ),
        )
    )
    void.add(
        (
            dataset,
            DCT.description,
            Literal(
                "The ontology, the concept scheme, the rules and the example chain designs, "
                "each in a graph of its own, with the inferred triples kept apart.",
                lang="en",
            ),
        )
    )
    void.add((dataset, DCT.license, _LICENSE))
    void.add((dataset, DCT.source, _SOURCE))
    void.add((dataset, VOID.sparqlEndpoint, endpoint))
    void.add((dataset, VOID.uriSpace, Literal(f"{base}/id/")))
    void.add((dataset, VOID.rootResource, URIRef(f"{ID}begrippenkader/ketensturing")))
    for vocabulary in (DEF, str(SKOS)[:-1], str(ORG)[:-1], str(DCT)[:-1]):
        void.add((dataset, VOID.vocabulary, URIRef(vocabulary)))
    total = sum(g.triples for g in graphs)
    void.add((dataset, VOID.triples, Literal(total, datatype=XSD.integer)))
    for extension, (label, media_type) in DUMP_FORMATS.items():
        url = URIRef(f"{served}/dumps/alles.{extension}")
        void.add((dataset, VOID.dataDump, url))
        _distribution(void, dataset, url, label, media_type)
    void.add((endpoint, RDF.type, DCAT.DataService))
    void.add((endpoint, RDF.type, SD.Service))
    void.add((endpoint, DCAT.endpointURL, endpoint))
    void.add((endpoint, SD.endpoint, endpoint))
    void.add((endpoint, DCAT.servesDataset, dataset))
    for info in graphs:
        subset = URIRef(f"{document}#graaf-{info.path.replace('/', '-')}")
        void.add((dataset, VOID.subset, subset))
        void.add((subset, RDF.type, VOID.Dataset))
        void.add((subset, SD.name, URIRef(info.name)))
        void.add((subset, DCT.title, Literal(info.path)))
        void.add((subset, VOID.triples, Literal(info.triples, datatype=XSD.integer)))
        if info.inferred:
            void.add((subset, DCT.description, Literal("afgeleide tripels", lang="nl")))
            void.add((subset, DCT.description, Literal("inferred triples", lang="en")))
        for fmt in RDF_FORMATS:
            url = URIRef(f"{served}/dumps/{info.path}.{fmt.extension}")
            void.add((subset, VOID.dataDump, url))
            _distribution(void, subset, url, fmt.label, fmt.media_type)
    return void


def _distribution(void: Graph, dataset: URIRef, url: URIRef, label: str, media_type: str) -> None:
    distribution = BNode()
    void.add((dataset, DCAT.distribution, distribution))
    void.add((distribution, RDF.type, DCAT.Distribution))
    void.add((distribution, DCAT.downloadURL, url))
    void.add((distribution, DCAT.mediaType, URIRef(_IANA + media_type)))
    void.add((distribution, DCT.title, Literal(label)))
    void.add((distribution, DCT.license, _LICENSE))
