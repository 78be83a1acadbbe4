"""The fast path of validation: OWL 2 RL materialisation, clashes and literal checks.

pySHACL with owlrl is the reference, and it is slow: owlrl closes the whole graph in pure Python
and pySHACL runs one query per focus node. This module does the same work on an in-memory
Oxigraph store:

* :func:`materialise` adds what OWL 2 RL infers for the part of OWL a chain design uses (class
  and property hierarchies, equivalences, domains and ranges, inverse, symmetric and transitive
  properties, property chains). Input that uses anything else (``owl:sameAs``, functional
  properties, class expressions…) raises :class:`UnsupportedInput`, and the caller falls back
  to the exact path.
* :func:`compile_shapes` turns each shape into one SPARQL query that returns every result of that
  shape at once: SHACL-SPARQL constraints run as written, the SHACL Core components the rules use
  are translated. A shape using anything else raises :class:`UnsupportedShape`.
* :func:`find_clashes` finds what makes the materialised graph inconsistent: nodes in two
  disjoint classes (OWL 2 RL rules cax-dw and cax-adc). :func:`check_literals` refuses literals
  whose lexical form the fast path cannot vouch for (OWL 2 RL rule dt-not-type), and
  :func:`find_clashes` refuses ``owl:Nothing`` and disjointness of RDF, RDFS or OWL classes;
  the caller then falls back to the exact path.

Both are tested to give exactly pySHACL's results on every test design.

>>> import pyoxigraph as ox
>>> ex = "https://example.org/"
>>> quads = [ox.Quad(ox.NamedNode(ex + "a"), ox.NamedNode(ex + "p"), ox.NamedNode(ex + "b"))]
>>> len(materialise(quads))
0
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import TypeAlias

import pyoxigraph as ox

__all__ = [
    "Clash",
    "UnsupportedInput",
    "check_literals",
    "find_clashes",
    "materialise",
]

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_OWL = "http://www.w3.org/2002/07/owl#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
Term: TypeAlias = ox.NamedNode | ox.BlankNode | ox.Literal
"""An RDF term (RDF 1.2 triple terms are not used in designs or shapes, and are refused)."""
Triple: TypeAlias = tuple[Term, Term, Term]
RDF_TYPE = ox.NamedNode(_RDF + "type")
_FIRST, _REST, _NIL = (ox.NamedNode(_RDF + n) for n in ("first", "rest", "nil"))
_SUBCLASS = ox.NamedNode(_RDFS + "subClassOf")
_SUBPROPERTY = ox.NamedNode(_RDFS + "subPropertyOf")
_DOMAIN = ox.NamedNode(_RDFS + "domain")
_RANGE = ox.NamedNode(_RDFS + "range")
_EQ_CLASS = ox.NamedNode(_OWL + "equivalentClass")
_EQ_PROPERTY = ox.NamedNode(_OWL + "equivalentProperty")
_INVERSE = ox.NamedNode(_OWL + "inverseOf")
_CHAIN = ox.NamedNode(_OWL + "propertyChainAxiom")
_TRANSITIVE = ox.NamedNode(_OWL + "TransitiveProperty")
_SYMMETRIC = ox.NamedNode(_OWL + "SymmetricProperty")
_HARMLESS_OWL = frozenset(
    _OWL + name
    for name in [
        "AllDisjointClasses",
        "AnnotationProperty",
        "Class",
        "DatatypeProperty",
        "DeprecatedClass",
        "DeprecatedProperty",
        "NamedIndividual",
        "Nothing",
        "ObjectProperty",
        "Ontology",
        "OntologyProperty",
        "Thing",
        "backwardCompatibleWith",
        "deprecated",
        "disjointWith",
        "equivalentClass",
        "equivalentProperty",
        "imports",
        "incompatibleWith",
        "inverseOf",
        "members",
        "priorVersion",
        "propertyChainAxiom",
        "SymmetricProperty",
        "TransitiveProperty",
        "versionIRI",
        "versionInfo",
    ]
)
_SCHEMA_PREDICATES = frozenset(
    (_SUBCLASS, _SUBPROPERTY, _DOMAIN, _RANGE, _EQ_CLASS, _EQ_PROPERTY, _INVERSE, _CHAIN)
)
_VOCABULARIES = (_RDF, _RDFS, _OWL)


class UnsupportedInput(Exception):
    """The input uses OWL that :func:`materialise` does not cover; use the exact path."""


def _closure(edges: dict[Term, set[Term]]) -> dict[Term, set[Term]]:
    """Reflexive-transitive closure of a small graph given as adjacency sets."""
    result: dict[Term, set[Term]] = {}
    for start in edges:
        seen = {start}
        stack = [start]
        while stack:
            for nxt in edges.get(stack.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        result[start] = seen
    return result


def _list_items(head: Term, first: dict[Term, Term], rest: dict[Term, Term]) -> list[Term]:
    items: list[Term] = []
    while head != _NIL:
        if head not in first or len(items) > 1000:
            raise UnsupportedInput(f"malformed RDF list at {head}")
        items.append(first[head])
        head = rest.get(head, _NIL)
    return items


@dataclass
class _Schema:
    superclasses: dict[Term, set[Term]]
    superproperties: dict[Term, set[Term]]
    inverses: dict[Term, set[Term]]
    domains: dict[Term, set[Term]]
    ranges: dict[Term, set[Term]]
    transitive: set[Term]
    symmetric: set[Term]
    chains: list[tuple[Term, list[Term]]]


def _check_supported(s: Term, p: Term, o: Term) -> None:
    if p.value.startswith(_OWL) and p.value not in _HARMLESS_OWL:
        raise UnsupportedInput(f"uses {p.value}")
    if p == RDF_TYPE:
        if (
            isinstance(o, ox.NamedNode)
            and o.value.startswith(_OWL)
            and o.value not in _HARMLESS_OWL
        ):
            raise UnsupportedInput(f"uses {o.value}")
        return
    # Axioms about RDF, RDFS or OWL's own terms change what the rules mean.
    about_vocabulary = isinstance(s, ox.NamedNode) and s.value.startswith(_VOCABULARIES)
    to_vocabulary = (
        p in (_SUBPROPERTY, _EQ_PROPERTY, _INVERSE)
        and isinstance(o, ox.NamedNode)
        and o.value.startswith(_VOCABULARIES)
    )
    if p in _SCHEMA_PREDICATES and (about_vocabulary or to_vocabulary):
        raise UnsupportedInput(f"states {p.value} about {s}")


def _schema(triples: Iterable[Triple]) -> _Schema:
    subclass: dict[Term, set[Term]] = defaultdict(set)
    subproperty: dict[Term, set[Term]] = defaultdict(set)
    inverses: dict[Term, set[Term]] = defaultdict(set)
    domains: dict[Term, set[Term]] = defaultdict(set)
    ranges: dict[Term, set[Term]] = defaultdict(set)
    transitive: set[Term] = set()
    symmetric: set[Term] = set()
    chain_heads: list[tuple[Term, Term]] = []
    first: dict[Term, Term] = {}
    rest: dict[Term, Term] = {}
    for s, p, o in triples:
        _check_supported(s, p, o)
        if p == _SUBCLASS:
            subclass[s].add(o)
        elif p == _EQ_CLASS:
            subclass[s].add(o)
            subclass[o].add(s)
        elif p == _SUBPROPERTY:
            subproperty[s].add(o)
        elif p == _EQ_PROPERTY:
            subproperty[s].add(o)
            subproperty[o].add(s)
        elif p == _INVERSE:
            inverses[s].add(o)
            inverses[o].add(s)
        elif p == _DOMAIN:
            domains[s].add(o)
        elif p == _RANGE:
            ranges[s].add(o)
        elif p == _CHAIN:
            chain_heads.append((s, o))
        elif p == _FIRST:
            first[s] = o
        elif p == _REST:
            rest[s] = o
        elif p == RDF_TYPE and o == _TRANSITIVE:
            transitive.add(s)
        elif p == RDF_TYPE and o == _SYMMETRIC:
            symmetric.add(s)
    superproperties = _closure(subproperty)
    # A property inherits the domain, range, inverse, symmetry and transitivity rules of nothing
    # but itself; derived super-property triples trigger their own rules in the worklist.
    return _Schema(
        superclasses=_closure(subclass),
        superproperties=superproperties,
        inverses=dict(inverses),
        domains=dict(domains),
        ranges=dict(ranges),
        transitive=transitive,
        symmetric=symmetric,
        chains=[(prop, _list_items(head, first, rest)) for prop, head in chain_heads],
    )


def materialise(quads: Iterable[ox.Quad]) -> set[Triple]:
    """The triples OWL 2 RL adds to ``quads`` (graph names ignored) that are not already there.

    Raises :class:`UnsupportedInput` when the input uses OWL beyond the covered part.
    """
    asserted: set[Triple] = set()
    for quad in quads:
        subject, obj = quad.subject, quad.object
        if isinstance(subject, ox.Triple) or isinstance(obj, ox.Triple):
            raise UnsupportedInput("uses RDF 1.2 triple terms")
        asserted.add((subject, quad.predicate, obj))
    schema = _schema(asserted)
    known = set(asserted)
    by_predicate: dict[Term, dict[Term, set[Term]]] = defaultdict(lambda: defaultdict(set))
    reverse: dict[Term, dict[Term, set[Term]]] = defaultdict(lambda: defaultdict(set))
    indexed = schema.transitive | {p for _, chain in schema.chains for p in chain}

    def index(s: Term, p: Term, o: Term) -> None:
        if p in indexed:
            by_predicate[p][s].add(o)
            reverse[p][o].add(s)

    for triple in asserted:
        index(*triple)
    pending = list(asserted)
    while pending:
        new: list[Triple] = []
        for triple in pending:
            new.extend(_consequences(*triple, schema, by_predicate, reverse))
        pending = []
        for triple in new:
            if triple not in known and not isinstance(triple[0], ox.Literal):
                known.add(triple)
                index(*triple)
                pending.append(triple)
        if not pending:
            pending = [t for t in _chain_consequences(schema, by_predicate) if t not in known]
            for triple in pending:
                known.add(triple)
                index(*triple)
    return known - asserted


def _consequences(
    s: Term,
    p: Term,
    o: Term,
    schema: _Schema,
    by_predicate: dict[Term, dict[Term, set[Term]]],
    reverse: dict[Term, dict[Term, set[Term]]],
) -> Iterator[Triple]:
    if p == RDF_TYPE:
        for cls in schema.superclasses.get(o, ()):
            yield s, RDF_TYPE, cls
        return
    for sup in schema.superproperties.get(p, ()):
        if sup != p:
            yield s, sup, o
    for cls in schema.domains.get(p, ()):
        yield s, RDF_TYPE, cls
    if not isinstance(o, ox.Literal):
        for cls in schema.ranges.get(p, ()):
            yield o, RDF_TYPE, cls
        for inverse in schema.inverses.get(p, ()):
            yield o, inverse, s
        if p in schema.symmetric:
            yield o, p, s
    if p in schema.transitive:
        for z in by_predicate[p].get(o, ()):
            yield s, p, z
        for w in reverse[p].get(s, ()):
            yield w, p, o


def _chain_consequences(
    schema: _Schema, by_predicate: dict[Term, dict[Term, set[Term]]]
) -> Iterator[Triple]:
    for prop, chain in schema.chains:
        if not chain:
            continue
        for start, objects in list(by_predicate[chain[0]].items()):
            frontier = set(objects)
            for step in chain[1:]:
                index = by_predicate[step]
                frontier = {z for y in frontier for z in index.get(y, ())}
            for end in frontier:
                yield start, prop, end


@dataclass(frozen=True)
class Clash:
    """A node in two classes declared disjoint (OWL 2 RL rules cax-dw and cax-adc).

    ``classes`` is the pair, ordered by IRI.
    """

    node: Term
    classes: tuple[Term, Term]


_DISJOINT_AXIOMS = f"""
PREFIX owl: <{_OWL}>
PREFIX rdf: <{_RDF}>
SELECT DISTINCT ?a ?b WHERE {{
  {{ ?a owl:disjointWith ?b }}
  UNION
  {{
    ?all a owl:AllDisjointClasses ; owl:members ?list .
    ?list rdf:rest*/rdf:first ?a .
    ?list rdf:rest*/rdf:first ?b .
    FILTER (!sameTerm(?a, ?b))
  }}
}}
"""


_NOTHING = f"ASK {{ ?x a <{_OWL}Nothing> }}"


def find_clashes(store: ox.Store) -> set[Clash]:
    """Every node of ``store`` (data, context and inferred triples) in two disjoint classes.

    Raises :class:`UnsupportedInput` where the materialised types cannot tell: a node of type
    ``owl:Nothing`` (OWL 2 RL makes it a member of every class) or disjointness stated of an
    RDF, RDFS or OWL class such as ``owl:Thing`` (whose members materialise() does not derive).

    >>> data = f"<x:A> <{_OWL}disjointWith> <x:B> . <x:n> a <x:B> , <x:A> ."
    >>> store = ox.Store()
    >>> store.extend(ox.parse(data.encode(), format=ox.RdfFormat.TURTLE))
    >>> [(clash.node.value, [c.value for c in clash.classes]) for clash in find_clashes(store)]
    [('x:n', ['x:A', 'x:B'])]
    """
    if store.query(_NOTHING):
        raise UnsupportedInput("a node of type owl:Nothing")
    pairs = set()
    for row in _solutions(store, _DISJOINT_AXIOMS):
        a, b = _checked(row["a"]), _checked(row["b"])
        for cls in (a, b):
            if isinstance(cls, ox.NamedNode) and cls.value.startswith(_VOCABULARIES):
                raise UnsupportedInput(f"disjointness of {cls.value}")
        pairs.add((a, b) if str(a) <= str(b) else (b, a))
    # Members per class straight from the index: one join query per pair is far slower.
    members: dict[Term, set[Term]] = {}
    for cls in {c for pair in pairs for c in pair}:
        if isinstance(cls, ox.NamedNode | ox.BlankNode):
            pattern = store.quads_for_pattern(None, RDF_TYPE, cls)
            members[cls] = {_checked(q.subject) for q in pattern}
    return {
        Clash(node=node, classes=(a, b))
        for a, b in pairs
        for node in members.get(a, set()) & members.get(b, set())
    }


def _solutions(store: ox.Store, query: str) -> ox.QuerySolutions:
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    return solutions


_BOOLEAN_FORMS = frozenset(["true", "false", "1", "0"])


_INTEGER = re.compile(r"[+-]?[0-9]+")


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _surely_well_formed(literal: ox.Literal) -> bool:
    """Whether ``literal`` fits its datatype for certain (a few common datatypes only)."""
    datatype = literal.datatype.value
    if literal.language is not None or datatype == _XSD + "string":
        return True
    if datatype == _XSD + "boolean":
        return literal.value in _BOOLEAN_FORMS
    if datatype == _XSD + "integer":
        return _INTEGER.fullmatch(literal.value) is not None
    if datatype == _XSD + "date" and _DATE.fullmatch(literal.value):
        try:
            date.fromisoformat(literal.value)
        except ValueError:
            return False
        return True
    return False


def check_literals(quads: Iterable[ox.Quad]) -> None:
    """Raise :class:`UnsupportedInput` for a literal the fast path cannot vouch for.

    A literal whose lexical form does not fit its datatype makes the graph inconsistent (OWL 2
    RL rule dt-not-type). Only plain and language-tagged strings, and booleans, integers and
    dates in their usual forms, are known to fit here; the exact path checks every other one.

    >>> quad = ox.Quad(ox.NamedNode("x:s"), ox.NamedNode("x:p"), ox.Literal("ja"))
    >>> check_literals([quad])
    >>> odd = ox.Literal("een", datatype=ox.NamedNode(_XSD + "integer"))
    >>> check_literals([ox.Quad(ox.NamedNode("x:s"), ox.NamedNode("x:p"), odd)])
    Traceback (most recent call last):
    ketenontologie.validation.checks.UnsupportedInput: the literal "een"^^<...#integer>
    """
    for quad in quads:
        literal = quad.object
        if isinstance(literal, ox.Literal) and not _surely_well_formed(literal):
            raise UnsupportedInput(f"the literal {literal}")


def _checked(term: Term | ox.Triple) -> Term:
    if isinstance(term, ox.Triple):
        raise UnsupportedInput(f"a triple term: {term}")
    return term
