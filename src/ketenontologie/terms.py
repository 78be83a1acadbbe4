"""The one bridge between pyoxigraph terms and rdflib terms.

The project keeps RDF as pyoxigraph terms from parsing to storage, reasoning included. rdflib
appears only where a library needs it (owlrl, pySHACL, rdflib graphs handed to or by a user);
those edges convert here, and nowhere else. rdflib is imported only when a conversion runs.

>>> to_rdflib(ox.Literal("ja", language="nl"))
rdflib.term.Literal('ja', lang='nl')
>>> to_ox(to_rdflib(ox.NamedNode("https://example.org/a")))
<NamedNode value=https://example.org/a>
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeAlias

import pyoxigraph as ox

from ketenontologie.errors import InputError

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Node

__all__ = [
    "OxTerm",
    "TermCache",
    "TermTriple",
    "checked",
    "from_rdflib_graph",
    "quiet_rdflib_literals",
    "term_triple",
    "to_ox",
    "to_rdflib",
    "to_rdflib_graph",
]

OxTerm: TypeAlias = ox.NamedNode | ox.BlankNode | ox.Literal
TermTriple: TypeAlias = tuple[OxTerm, OxTerm, OxTerm]
"""A triple as a tuple of pyoxigraph terms: what the reasoner takes and gives.

Unlike :class:`pyoxigraph.Triple` it can hold the generalised RDF that OWL 2 RL derives on the
way (a literal as subject); what the reasoner reports never has a literal as subject (and has an
IRI as predicate unless a design's own schema makes a blank node a property).
"""
RDFTriple: TypeAlias = "tuple[Node, Node, Node]"

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def checked(term: object) -> OxTerm:
    """``term`` when it is an IRI, blank node or literal; an RDF 1.2 triple term is refused
    with :class:`~ketenontologie.errors.InputError`."""
    if isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal):
        return term
    raise InputError(
        f"{term} is an RDF 1.2 triple term, which this project does not use. Rewrite the "
        "statement without triple terms and try again."
    )


def term_triple(triple: ox.Triple | ox.Quad | TermTriple) -> TermTriple:
    """A pyoxigraph triple or quad (its graph dropped) as a :data:`TermTriple`.

    >>> term_triple(ox.Triple(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal("o")))[2]
    <Literal value=o datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#string>>
    """
    if isinstance(triple, tuple):
        s, p, o = triple
        return (checked(s), checked(p), checked(o))
    return (checked(triple.subject), triple.predicate, checked(triple.object))


def to_rdflib(term: object) -> Node:
    """The rdflib term for a pyoxigraph term (plain strings without a datatype, as rdflib does).

    rdflib has no base direction (RDF 1.2 ``"..."@nl--ltr``): the language tag is kept. An RDF 1.2
    triple term has no rdflib counterpart and raises :class:`~ketenontologie.errors.InputError`.
    """
    from rdflib import BNode, URIRef
    from rdflib import Literal as RDFLiteral

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
    checked(term)
    raise TypeError(f"not an RDF term: {term!r}")


def to_ox(term: Node) -> OxTerm:
    """The pyoxigraph term for an rdflib term."""
    from rdflib import BNode, URIRef
    from rdflib import Literal as RDFLiteral

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

    def rdflib_triples(
        self, triples: Iterable[ox.Triple | ox.Quad | TermTriple]
    ) -> list[RDFTriple]:
        """pyoxigraph triples, quads (their graph dropped) or term triples as rdflib triples."""
        rdf = self.as_rdflib
        found = []
        for triple in triples:
            s, p, o = triple if isinstance(triple, tuple) else term_triple(triple)
            found.append((rdf(s), rdf(p), rdf(o)))
        return found

    def ox_triples(self, triples: Iterable[RDFTriple]) -> list[TermTriple]:
        """rdflib triples as term triples (generalised RDF, such as owlrl's, kept)."""
        convert = self.as_ox
        return [(convert(s), convert(p), convert(o)) for s, p, o in triples]


def to_rdflib_graph(triples: Iterable[ox.Triple | ox.Quad | TermTriple]) -> Graph:
    """An rdflib graph of pyoxigraph triples, quads or term triples (graph names are dropped)."""
    from rdflib import Graph

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
    """Keep rdflib from logging a traceback (or warning) for each literal that does not fit its
    datatype.

    Such a literal is an inconsistency that validation reports (KS-C01), with file and line.
    """
    import logging
    import warnings

    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Parsing weird boolean")
            yield
    finally:
        logger.setLevel(level)
