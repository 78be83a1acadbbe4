"""Namespaces and base IRIs used throughout ketenontologie.

IRIs follow the Dutch URI strategy (``{base}/id/...`` for things, ``{base}/def`` for terms); see
``docs/design-decisions.md``.

>>> from ketenontologie.namespaces import KETEN, ID
>>> str(KETEN.Chain)
'https://w3id.org/ketenontologie/def#Chain'
>>> ID + "niveau/strategisch"
'https://w3id.org/ketenontologie/id/niveau/strategisch'
"""

from __future__ import annotations

from rdflib import Graph, Namespace
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS, VANN, XSD, DefinedNamespace

__all__ = [
    "BASE",
    "DCT",
    "DEF",
    "DOC",
    "ID",
    "KETEN",
    "ORG",
    "OWL",
    "RDF",
    "RDFS",
    "SH",
    "SHAPES",
    "SKOS",
    "VANN",
    "XSD",
    "bind_prefixes",
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

KETEN = Namespace(f"{DEF}#")
ORG = Namespace("http://www.w3.org/ns/org#")
DCT = DCTERMS

_PREFIXES: dict[str, Namespace | type[DefinedNamespace]] = {
    "dct": DCT,
    "keten": KETEN,
    "org": ORG,
    "owl": OWL,
    "rdf": RDF,
    "rdfs": RDFS,
    "sh": SH,
    "skos": SKOS,
    "vann": VANN,
    "xsd": XSD,
}


def bind_prefixes(graph: Graph) -> None:
    """Bind the project's usual prefixes on ``graph`` (for readable serialisations)."""
    for prefix, namespace in _PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
