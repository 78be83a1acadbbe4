"""Every IRI the project mints, and the one table of prefixes.

IRIs follow the Dutch URI strategy (``{base}/id/...`` for things, ``{base}/doc/...`` for the
documents about them, ``{base}/def`` for terms); see ``docs/design-decisions.md``. Graph names
of the store (``{base}/graph/...``) are here too, so that every layer names graphs alike.

>>> from ketenontologie.namespaces import KETEN, ID
>>> str(KETEN.Chain)
'https://w3id.org/ketenontologie/def#Chain'
>>> ID + "niveau/strategisch"
'https://w3id.org/ketenontologie/id/niveau/strategisch'
>>> design_graph("loonaangifteketen")
'https://w3id.org/ketenontologie/graph/ontwerp/loonaangifteketen'

The namespaces as rdflib objects (``KETEN``, ``ORG``, ``RDF`` …) are made when first used, so
that a module that needs only the IRIs as text (validation, the store) does not load rdflib.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rdflib import Graph, Namespace
    from rdflib.namespace import DCTERMS as DCT
    from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS, VANN, XSD

    KETEN: Namespace
    ORG: Namespace

__all__ = [
    "ADMIN_GRAPH",
    "BASE",
    "DCT",
    "DEF",
    "DOC",
    "GRAPH",
    "ID",
    "INFERRED_GRAPH",
    "KETEN",
    "ONTOLOGY_GRAPH",
    "ORG",
    "OWL",
    "PREFIXES",
    "RDF",
    "RDFS",
    "SCHEME_GRAPH",
    "SERVICE",
    "SH",
    "SHAPES",
    "SKOS",
    "THING_PREFIXES",
    "VANN",
    "VERSIONS_GRAPH",
    "VOCABULARY_PREFIXES",
    "XSD",
    "bind_prefixes",
    "design_graph",
    "history_graph",
    "inferred_graph",
    "is_inferred",
    "is_version",
    "shapes_graph",
    "version_graph",
]

BASE = "https://w3id.org/ketenontologie"
"""Root of every IRI the project mints."""

DEF = f"{BASE}/def"
"""The ontology IRI; its terms are ``{DEF}#Term``."""

ID = f"{BASE}/id/"
"""Prefix of thing IRIs: ``{ID}{type}/{ref}``."""

DOC = f"{BASE}/doc/"
"""Prefix of document IRIs, the 303 targets of thing IRIs: ``{DOC}{type}/{ref}``."""

SHAPES = f"{BASE}/shapes#"
"""Prefix of shape IRIs, which are rule ids: ``{SHAPES}KS-R01``."""

SERVICE = f"{DEF}/service#"
"""The service vocabulary: terms the SPARQL service writes into its answers."""

_NAMESPACES = {
    "dct": "http://purl.org/dc/terms/",
    "keten": f"{DEF}#",
    "org": "http://www.w3.org/ns/org#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "sh": "http://www.w3.org/ns/shacl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "vann": "http://purl.org/vocab/vann/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
"""The vocabularies' namespaces as text: what the prefix tables and rdflib's objects are made of."""
_RDFLIB_NAMES = {
    "DCT": "DCTERMS",
    **{name: name for name in ("OWL", "RDF", "RDFS", "SH", "SKOS", "VANN", "XSD")},
}


def __getattr__(name: str) -> Any:
    """``KETEN``, ``ORG`` and rdflib's namespaces (``RDF``, ``OWL`` …), made on first use."""
    if name in ("KETEN", "ORG"):
        from rdflib import Namespace

        value: Any = Namespace(_NAMESPACES[name.lower()])
    elif name in _RDFLIB_NAMES:
        from rdflib import namespace

        value = getattr(namespace, _RDFLIB_NAMES[name])
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


# --- graph names --------------------------------------------------------------------------------

GRAPH = f"{BASE}/graph/"
"""Prefix of the store's graph names."""
ONTOLOGY_GRAPH = f"{GRAPH}ontologie"
SCHEME_GRAPH = f"{GRAPH}begrippenkader"
INFERRED_GRAPH = f"{GRAPH}afgeleid"
"""Inferred triples of the ontology and concept scheme on their own (their OWL 2 RL closure)."""
ADMIN_GRAPH = f"{GRAPH}beheer/"
"""Prefix of the graphs a store on a SPARQL server keeps for itself (never in a query)."""
VERSIONS_GRAPH = f"{GRAPH}versie/"
"""Prefix of the graphs of earlier versions of designs and of their histories: never part of a
query's default dataset (a query names them with ``FROM`` or ``FROM NAMED``)."""


def design_graph(design_id: str) -> str:
    """The graph of a design's asserted triples: ``…/graph/ontwerp/{id}``."""
    return f"{GRAPH}ontwerp/{design_id}"


def inferred_graph(design_id: str) -> str:
    """The graph of the triples inferred from one design: ``…/graph/afgeleid/{id}``."""
    return f"{INFERRED_GRAPH}/{design_id}"


def history_graph(design_id: str) -> str:
    """The graph of a design's history (PROV, one entity per version): ``…/graph/versie/{id}``."""
    return f"{VERSIONS_GRAPH}{design_id}"


def version_graph(design_id: str, number: int) -> str:
    """The graph (and PROV entity) of version ``number`` of a design: ``…/graph/versie/{id}/{n}``.

    >>> version_graph("loonaangifteketen", 2)
    'https://w3id.org/ketenontologie/graph/versie/loonaangifteketen/2'
    """
    return f"{VERSIONS_GRAPH}{design_id}/{number}"


def is_version(graph: str) -> bool:
    """True for the graphs of earlier versions and of histories (left out of the default
    dataset of queries)."""
    return graph.startswith(VERSIONS_GRAPH)


def shapes_graph(family: str) -> str:
    """The graph of one shapes file: ``…/graph/shapes/{family}``."""
    return f"{GRAPH}shapes/{family}"


def is_inferred(graph: str) -> bool:
    """True for graphs that hold inferred triples (left out when inference is off)."""
    return graph == INFERRED_GRAPH or graph.startswith(INFERRED_GRAPH + "/")


# --- prefixes -----------------------------------------------------------------------------------

VOCABULARY_PREFIXES: Mapping[str, str] = dict(sorted({**_NAMESPACES, "kss": SHAPES}.items()))
"""The vocabularies a chain design and the project's own files use."""

THING_PREFIXES: Mapping[str, str] = {
    ("ketens" if kind == "keten" else kind): f"{ID}{kind}/"
    for kind in [
        "begrippenkader",
        "bijdrage",
        "bijdragegewicht",
        "bouwsteen",
        "dimensie",
        "doel",
        "fase",
        "keten",
        "niveau",
        "orgaan",
        "organisatie",
        "pijler",
        "rol",
    ]
}
"""Prefixes of thing IRIs by type (``rol:`` is ``…/id/rol/``; chains are ``ketens:``)."""

PREFIXES: Mapping[str, str] = {**VOCABULARY_PREFIXES, **THING_PREFIXES}
"""The one prefix table: Turtle answers, the query editor, explanations and messages."""


def bind_prefixes(graph: Graph) -> None:
    """Bind the vocabulary prefixes on ``graph`` (for readable serialisations)."""
    for prefix, namespace in VOCABULARY_PREFIXES.items():
        if prefix != "kss":
            graph.bind(prefix, namespace, override=True)
