"""The one bridge between pyoxigraph terms and rdflib terms.

The project keeps RDF as pyoxigraph terms from parsing to storage. rdflib appears only where a
library needs it (owlrl, pySHACL, rdflib graphs handed to or by a user); those edges convert
here, and nowhere else.

>>> to_rdflib(ox.Literal("ja", language="nl"))
rdflib.term.Literal('ja', lang='nl')
>>> to_ox(to_rdflib(ox.NamedNode("https://example.org/a")))
<NamedNode value=https://example.org/a>
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TypeAlias

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib import Literal as RDFLiteral
from rdflib.term import Node

from ketenontologie.errors import InputError

__all__ = [
    "OxTerm",
    "TermCache",
    "from_rdflib_graph",
    "quiet_rdflib_literals",
    "to_ox",
    "to_rdflib",
    "to_rdflib_graph",
]

OxTerm: TypeAlias = ox.NamedNode | ox.BlankNode | ox.Literal
RDFTriple: TypeAlias = tuple[Node, Node, Node]

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def to_rdflib(term: object) -> Node:
    """The rdflib term for a pyoxigraph term (plain strings without a datatype, as rdflib does).

    rdflib has no base direction (RDF 1.2 ``"..."@nl--ltr``): the language tag is kept. An RDF 1.2
    triple term has no rdflib counterpart and raises :class:`~ketenontologie.errors.InputError`.
    """
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language is not None:
            return RDFLiteral(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype in (_XSD_STRING, _RDF_LANG_STRING):
            return RDFLiteral(term.value)
        return RDFLiteral(term.value, datatype=URIRef(datatype))
    raise InputError(
        f"{term} is an RDF 1.2 triple term, which this project does not use. Rewrite the "
        "statement without triple terms and try again."
    )


def to_ox(term: Node) -> OxTerm:
    """The pyoxigraph term for an rdflib term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, RDFLiteral):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


class TermCache:
    """Converts terms both ways, remembering each one (IRIs repeat a lot)."""

    def __init__(self, *, limit: int = 1_000_000) -> None:
        self._limit = limit
        self._rdf: dict[object, Node] = {}
        self._ox: dict[Node, OxTerm] = {}

    def as_rdflib(self, term: object) -> Node:
        """:func:`to_rdflib`, remembered."""
        found = self._rdf.get(term)
        if found is None:
            found = to_rdflib(term)
            if len(self._rdf) > self._limit:
                self._rdf.clear()
            self._rdf[term] = found
        return found

    def as_ox(self, term: Node) -> OxTerm:
        """:func:`to_ox`, remembered."""
        found = self._ox.get(term)
        if found is None:
            found = to_ox(term)
            if len(self._ox) > self._limit:
                self._ox.clear()
            self._ox[term] = found
        return found

    def rdflib_triples(self, triples: Iterable[ox.Triple | ox.Quad]) -> list[RDFTriple]:
        """pyoxigraph triples (or quads, their graph dropped) as rdflib triples."""
        rdf = self.as_rdflib
        return [(rdf(t.subject), rdf(t.predicate), rdf(t.object)) for t in triples]


def to_rdflib_graph(triples: Iterable[ox.Triple | ox.Quad]) -> Graph:
    """An rdflib graph of pyoxigraph triples or quads (graph names are dropped)."""
    graph = Graph()
    with quiet_rdflib_literals():
        graph.addN((s, p, o, graph) for s, p, o in TermCache().rdflib_triples(triples))
    return graph


def from_rdflib_graph(graph: Graph) -> Iterator[ox.Triple]:
    """The triples of an rdflib graph as pyoxigraph triples (generalised RDF left out)."""
    cache = TermCache()
    for s, p, o in graph.triples((None, None, None)):
        subject, predicate = cache.as_ox(s), cache.as_ox(p)
        if isinstance(subject, ox.Literal) or not isinstance(predicate, ox.NamedNode):
            continue  # a literal subject (owlrl's generalised RDF) has no place in a design
        yield ox.Triple(subject, predicate, cache.as_ox(o))


@contextmanager
def quiet_rdflib_literals() -> Iterator[None]:
    """Keep rdflib from logging a traceback for each literal that does not fit its datatype.

    Such a literal is an inconsistency that validation reports (KS-C01), with file and line.
    """
    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)
