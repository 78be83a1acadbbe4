"""The named graphs as documents (``/graph/…``), and the small vocabulary of the service itself.

Every graph the store holds has an IRI under ``https://w3id.org/ketenontologie/graph/``. That
IRI answers with the graph: its triples in an RDF format (TriG and N-Quads keep its name), or a
page that says what the graph holds, how big it is, and where to download or query it.

The service vocabulary (``…/def/service``) declares the IRIs the SPARQL service writes into its
answers, such as ``…/def/service#truncated`` in the head of a SPARQL XML result cut at the row
limit. It is not part of the ontology: it says nothing about chains.

>>> kind_of("https://w3id.org/ketenontologie/graph/afgeleid/loonaangifteketen")
('inferred_design', 'loonaangifteketen')
>>> len(service_vocabulary()) > 0
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef

from ketenontologie.namespaces import (
    DCT,
    DEF,
    GRAPH,
    ID,
    INFERRED_GRAPH,
    ONTOLOGY_GRAPH,
    OWL,
    RDF,
    RDFS,
    SCHEME_GRAPH,
    SHAPES,
    SKOS,
    bind_prefixes,
    design_graph,
    inferred_graph,
    shapes_graph,
)
from ketenontologie.publication.formats import GRAPH_FORMATS
from ketenontologie.publication.links import Links
from ketenontologie.publication.model import Link, Text, label_of, texts
from ketenontologie.publication.pages import Download
from ketenontologie.publication.words import words

__all__ = [
    "SERVICE_VOCABULARY",
    "TRUNCATED",
    "GraphView",
    "ServiceTerm",
    "ServiceVocabularyView",
    "graph_view",
    "kind_of",
    "service_vocabulary",
    "service_vocabulary_view",
]

SERVICE_VOCABULARY = f"{DEF}/service"
"""The IRI of the service vocabulary; its terms are ``…/def/service#name``."""
TRUNCATED = URIRef(f"{SERVICE_VOCABULARY}#truncated")
"""Written as ``<link href>`` into the head of a SPARQL XML result that the row limit cut."""
_LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")


def service_vocabulary() -> Graph:
    """The service vocabulary: ``…/def/service`` and the terms the service writes in answers."""
    vocabulary = Graph()
    bind_prefixes(vocabulary)
    document = URIRef(SERVICE_VOCABULARY)
    vocabulary.add((document, RDF.type, OWL.Ontology))
    for text, lang in (
        ("Woorden van de SPARQL-dienst", "nl"),
        ("Vocabulary of the SPARQL service", "en"),
    ):
        vocabulary.add((document, RDFS.label, Literal(text, lang=lang)))
    for text, lang in (
        (
            "IRI's die de SPARQL-dienst van de ketenontologie in zijn antwoorden schrijft. Ze "
            "gaan over die antwoorden, niet over ketens; daarvoor is er de ontologie.",
            "nl",
        ),
        (
            "IRIs that the ketenontologie SPARQL service writes into its answers. They are about "
            "those answers, not about chains; the ontology is for that.",
            "en",
        ),
    ):
        vocabulary.add((document, DCT.description, Literal(text, lang=lang)))
    vocabulary.add((document, DCT.license, _LICENSE))
    vocabulary.add((document, RDFS.seeAlso, URIRef(DEF)))

    vocabulary.add((TRUNCATED, RDF.type, OWL.NamedIndividual))
    vocabulary.add((TRUNCATED, RDFS.isDefinedBy, document))
    for text, lang in (("afgekapt resultaat", "nl"), ("truncated result", "en")):
        vocabulary.add((TRUNCATED, RDFS.label, Literal(text, lang=lang)))
    for text, lang in (
        (
            "Het resultaat heeft meer rijen dan de rijlimiet van de dienst; alleen de eerste "
            "rijen, tot die limiet, zijn meegestuurd.",
            "nl",
        ),
        (
            "The result has more rows than the service's row limit; only the first rows, up to "
            "that limit, were sent.",
            "en",
        ),
    ):
        vocabulary.add((TRUNCATED, SKOS.definition, Literal(text, lang=lang)))
    for text, lang in (
        (
            'Staat als <link href="…"/> in de kop van SPARQL-resultaten in XML. In JSON zegt '
            '"truncated": true hetzelfde, in elk formaat de kop Ketenontologie-Result-Truncated. '
            "Wie alle rijen wil, verfijnt de vraag of gebruikt LIMIT en OFFSET.",
            "nl",
        ),
        (
            'Appears as <link href="…"/> in the head of SPARQL XML results. In JSON, '
            '"truncated": true says the same, and in every format the header '
            "Ketenontologie-Result-Truncated. To get every row, narrow the query or page through "
            "it with LIMIT and OFFSET.",
            "en",
        ),
    ):
        vocabulary.add((TRUNCATED, SKOS.scopeNote, Literal(text, lang=lang)))
    return vocabulary


@dataclass(frozen=True, slots=True)
class ServiceTerm:
    """One term of the service vocabulary, as its section on the page shows it."""

    anchor: str
    iri: str
    label: Text
    definitions: list[Text]
    scope_notes: list[Text]


@dataclass(frozen=True, slots=True)
class ServiceVocabularyView:
    """The page of the service vocabulary: its title, description and terms."""

    iri: str
    title: Text
    description: list[Text]
    terms: list[ServiceTerm]


def service_vocabulary_view(vocabulary: Graph, *, links: Links) -> ServiceVocabularyView:
    """What the page ``/def/service`` shows, in the page's language."""
    lang = links.lang
    document = URIRef(SERVICE_VOCABULARY)
    terms = [
        ServiceTerm(
            anchor=str(term).partition("#")[2],
            iri=str(term),
            label=label_of(vocabulary, term, lang),
            definitions=texts(vocabulary, term, SKOS.definition, lang),
            scope_notes=texts(vocabulary, term, SKOS.scopeNote, lang),
        )
        for term in sorted(
            t for t in vocabulary.subjects(RDFS.isDefinedBy, document) if isinstance(t, URIRef)
        )
    ]
    return ServiceVocabularyView(
        iri=SERVICE_VOCABULARY,
        title=label_of(vocabulary, document, lang),
        description=texts(vocabulary, document, DCT.description, lang),
        terms=terms,
    )


def kind_of(name: str) -> tuple[str, str]:
    """What kind of graph ``name`` is, and the design id or shapes family it belongs to."""
    tail = name[len(GRAPH) :] if name.startswith(GRAPH) else name
    if name == ONTOLOGY_GRAPH:
        return "ontology", ""
    if name == SCHEME_GRAPH:
        return "scheme", ""
    if name == INFERRED_GRAPH:
        return "inferred_ontology", ""
    for kind, prefix in (
        ("inferred_design", inferred_graph("")),
        ("design", design_graph("")),
        ("shapes", shapes_graph("")),
    ):
        if name.startswith(prefix) and len(name) > len(prefix):
            return kind, name[len(prefix) :]
    return "other", tail


@dataclass(frozen=True, slots=True)
class GraphView:
    """What the page of one named graph shows."""

    iri: str
    path: str
    about: str
    inferred: bool
    triples: int
    related: list[Link]
    downloads: list[Download]
    query: str


def graph_view(
    name: str,
    *,
    triples: int,
    stored: Sequence[str],
    chains: Sequence[tuple[str, Text]],
    links: Links,
) -> GraphView:
    """The page of graph ``name`` (``triples`` in it), linked to the graphs and pages it goes
    with among ``stored``; ``chains`` are the chains described in it, with their labels."""
    t = words(links.lang)
    kind, part = kind_of(name)
    related: list[Link] = []

    def page(iri: str, label: str) -> None:
        related.append(Link(Text(label), iri, links.href(iri)))

    def graph(iri: str, label: str) -> None:
        if iri in stored and iri != name:
            page(iri, label)

    if kind == "ontology":
        page(DEF, t["nav_ontology"])
        graph(INFERRED_GRAPH, t["graph_inferred_from_it"])
    elif kind == "scheme":
        page(f"{ID}begrippenkader/ketensturing", t["nav_scheme"])
    elif kind == "inferred_ontology":
        graph(ONTOLOGY_GRAPH, t["graph_the_ontology"])
        graph(SCHEME_GRAPH, t["graph_the_scheme"])
    elif kind == "design":
        graph(inferred_graph(part), t["graph_inferred_from_it"])
    elif kind == "inferred_design":
        graph(design_graph(part), t["graph_the_design"])
    elif kind == "shapes":
        page(SHAPES.rstrip("#"), t["nav_shapes"])
    for iri, label in chains:
        related.append(Link(label, iri, links.href(iri)))
    downloads = []
    for fmt in GRAPH_FORMATS:
        href = links.download(name, fmt.extension) if fmt.is_rdf else None
        if href is not None:
            downloads.append(Download(fmt.label, href, fmt.media_type))
    return GraphView(
        iri=name,
        path=name[len(GRAPH) :],
        about=t[f"graph_about_{kind}"].format(part=part),
        inferred=kind.startswith("inferred"),
        triples=triples,
        related=related,
        downloads=downloads,
        query=f"SELECT ?s ?p ?o WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }} LIMIT 100",
    )
