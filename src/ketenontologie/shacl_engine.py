"""The fast path of validation: OWL 2 RL materialisation and the project's shapes run as SPARQL.

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
    "CompiledShape",
    "Hit",
    "UnsupportedInput",
    "UnsupportedShape",
    "check_literals",
    "compile_shapes",
    "find_clashes",
    "materialise",
    "run_shapes",
]

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_OWL = "http://www.w3.org/2002/07/owl#"
_SH = "http://www.w3.org/ns/shacl#"
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

# OWL terms whose OWL 2 RL rules add nothing beyond what materialise() derives: declarations,
# annotations, and disjointness of classes, which can only make the graph inconsistent and which
# find_clashes() checks. Axioms that make property use inconsistent (asymmetric, irreflexive or
# disjoint properties) are left out: such input goes to the exact path, which checks them.
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


class UnsupportedShape(Exception):
    """A shape uses SHACL that :func:`compile_shapes` does not translate; use pySHACL."""


# --- inference -----------------------------------------------------------------------------------


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


# --- inconsistencies -----------------------------------------------------------------------------


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
    ketenontologie.shacl_engine.UnsupportedInput: the literal "een"^^<...#integer>
    """
    for quad in quads:
        literal = quad.object
        if isinstance(literal, ox.Literal) and not _surely_well_formed(literal):
            raise UnsupportedInput(f"the literal {literal}")


# --- shapes ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompiledShape:
    """One shape as a SPARQL query returning ``?this ?path ?value`` for each of its results."""

    shape: str
    severity: str
    component: str
    query: str
    value_is_focus: bool = False
    """A SPARQL constraint of a node shape: without ``?value``, the value is the focus node."""


@dataclass(frozen=True)
class Hit:
    """One validation result of the fast path, before it is mapped to a rule and a file."""

    shape: str
    severity: str
    component: str
    focus: Term
    path: str | None
    value: Term | None


def _checked(term: Term | ox.Triple) -> Term:
    if isinstance(term, ox.Triple):
        raise UnsupportedShape(f"a triple term in the shapes: {term}")
    return term


def _node(term: Term) -> ox.NamedNode | ox.BlankNode:
    """``term`` as a shapes-graph node to look up; a literal there is a malformed shape."""
    if isinstance(term, ox.NamedNode | ox.BlankNode):
        return term
    raise UnsupportedShape(f"{term} where a node is expected")


def _one(store: ox.Store, subject: Term, predicate: str) -> Term | None:
    pattern = store.quads_for_pattern(_node(subject), ox.NamedNode(predicate), None)
    values = [_checked(q.object) for q in pattern]
    if len(values) > 1:
        raise UnsupportedShape(f"{subject} has several {predicate}")
    return values[0] if values else None


def _all(store: ox.Store, subject: Term, predicate: str) -> list[Term]:
    pattern = store.quads_for_pattern(_node(subject), ox.NamedNode(predicate), None)
    return [_checked(q.object) for q in pattern]


def _rdf_list(store: ox.Store, head: Term) -> list[Term]:
    items = []
    while head != _NIL:
        first = _one(store, head, _RDF + "first")
        nxt = _one(store, head, _RDF + "rest")
        if first is None or nxt is None:
            raise UnsupportedShape(f"malformed list at {head}")
        items.append(first)
        head = nxt
    return items


def _sparql_term(term: Term) -> str:
    if isinstance(term, ox.BlankNode | ox.Triple):
        raise UnsupportedShape(f"{term} used as a constant")
    return str(term)


_TARGETS = {
    _SH + "targetClass": "?this a {0} .",
    _SH + "targetSubjectsOf": "?this {0} [] .",
    _SH + "targetObjectsOf": "[] {0} ?this .",
    _SH + "targetNode": "VALUES ?this {{ {0} }}",
}

# Parameters compile_shapes() understands; any other sh: term on a shape makes it unsupported.
_HANDLED = {
    _SH + name
    for name in [
        "targetClass",
        "targetSubjectsOf",
        "targetObjectsOf",
        "targetNode",
        "path",
        "minCount",
        "maxCount",
        "datatype",
        "in",
        "qualifiedValueShape",
        "qualifiedMinCount",
        "qualifiedMaxCount",
        "sparql",
        "severity",
        "name",
        "description",
        "message",
        "property",
        "deactivated",
        "order",
        "group",
    ]
}


def _target_pattern(store: ox.Store, shape: Term) -> str:
    patterns = [
        template.format(_sparql_term(value))
        for predicate, template in _TARGETS.items()
        for value in _all(store, shape, predicate)
    ]
    if not patterns:
        raise UnsupportedShape(f"{shape} has no target the fast path understands")
    return " UNION ".join(f"{{ {pattern} }}" for pattern in patterns)


def _value_test(store: ox.Store, node: Term) -> str:
    """A SPARQL expression on ``?v`` that holds when ``?v`` conforms to the value shape ``node``."""
    tests = []
    for quad in store.quads_for_pattern(_node(node), None, None):
        key, value = quad.predicate.value, _checked(quad.object)
        if key == _RDF + "type":
            continue
        if key == _SH + "class":
            tests.append(f"EXISTS {{ ?v a {_sparql_term(value)} }}")
        elif key == _SH + "languageIn":
            items = _rdf_list(store, value)
            tags = [item.value for item in items]
            if any(not isinstance(item, ox.Literal) or "-" in item.value for item in items):
                raise UnsupportedShape("language ranges with subtags")
            matches = " || ".join(f'langMatches(lang(?v), "{tag}")' for tag in tags)
            tests.append(f"(isLiteral(?v) && ({matches or 'false'}))")
        elif key == _SH + "or":
            alternatives = [_value_test(store, item) for item in _rdf_list(store, value)]
            tests.append("(" + " || ".join(alternatives or ["false"]) + ")")
        else:
            raise UnsupportedShape(f"value shape parameter {key}")
    return "(" + " && ".join(tests or ["true"]) + ")"


def _compile_property_shape(store: ox.Store, shape: Term, targets: str) -> list[tuple[str, str]]:
    path = _one(store, shape, _SH + "path")
    if not isinstance(path, ox.NamedNode):
        raise UnsupportedShape(f"{shape} has a complex path")
    p = str(path)
    queries: list[tuple[str, str]] = []
    counted = "SELECT ?this ?path ?value WHERE {{ {{ SELECT ?this (COUNT(DISTINCT ?v) AS ?n) "
    counted += "WHERE {{ {{ {targets} }} OPTIONAL {{ ?this {p} ?v . {test} }} }} GROUP BY ?this }} "
    counted += "FILTER (?n {op} {bound}) BIND ({p} AS ?path) }}"
    for name, op, component in (("minCount", "<", "MinCount"), ("maxCount", ">", "MaxCount")):
        bound = _one(store, shape, _SH + name)
        if bound is not None:
            queries.append(
                (
                    component,
                    counted.format(targets=targets, p=p, test="", op=op, bound=bound.value),
                )
            )
    qualified = _one(store, shape, _SH + "qualifiedValueShape")
    if qualified is not None:
        if _one(store, shape, _SH + "qualifiedValueShapesDisjoint") is not None:
            raise UnsupportedShape("qualifiedValueShapesDisjoint")
        test = f"FILTER {_value_test(store, qualified)}"
        for name, op, component in (
            ("qualifiedMinCount", "<", "QualifiedMinCount"),
            ("qualifiedMaxCount", ">", "QualifiedMaxCount"),
        ):
            bound = _one(store, shape, _SH + name)
            if bound is not None:
                queries.append(
                    (
                        component,
                        counted.format(targets=targets, p=p, test=test, op=op, bound=bound.value),
                    )
                )
    per_value = "SELECT DISTINCT ?this ?path ?value WHERE {{ {{ {targets} }} ?this {p} ?value . "
    per_value += "FILTER ({failure}) BIND ({p} AS ?path) }}"
    datatype = _one(store, shape, _SH + "datatype")
    if datatype is not None:
        if datatype.value == _XSD + "boolean":
            well_formed = 'LCASE(STR(?value)) IN ("true", "false", "1", "0")'
        elif datatype.value == _XSD + "string":
            well_formed = "true"
        else:
            raise UnsupportedShape(f"sh:datatype {datatype.value}")
        failure = f"!(isLiteral(?value) && datatype(?value) = {datatype} && {well_formed})"
        queries.append(("Datatype", per_value.format(targets=targets, p=p, failure=failure)))
    members = _one(store, shape, _SH + "in")
    if members is not None:
        allowed = " || ".join(
            f"sameTerm(?value, {_sparql_term(m)})" for m in _rdf_list(store, members)
        )
        failure = f"!({allowed or 'false'})"
        queries.append(("In", per_value.format(targets=targets, p=p, failure=failure)))
    return queries


def _prefixes(store: ox.Store, constraint: Term) -> str:
    lines = []
    for declarer in _all(store, constraint, _SH + "prefixes"):
        for declaration in _all(store, declarer, _SH + "declare"):
            prefix = _one(store, declaration, _SH + "prefix")
            namespace = _one(store, declaration, _SH + "namespace")
            if prefix is None or namespace is None:
                raise UnsupportedShape("incomplete sh:declare")
            lines.append(f"PREFIX {prefix.value}: <{namespace.value}>")
    return "\n".join(sorted(set(lines)))


def _compile_sparql(store: ox.Store, constraint: Term, targets: str) -> str:
    select = _one(store, constraint, _SH + "select")
    if select is None:
        raise UnsupportedShape("SPARQL constraint without sh:select")
    text = select.value.replace("$this", "?this")
    if "$" in text or re.search(r"\b(OPTIONAL|SERVICE|MINUS|VALUES)\b|\{\s*SELECT", text, re.I):
        raise UnsupportedShape("a SPARQL constraint the fast path cannot run for all nodes at once")
    where = re.search(r"\bWHERE\s*\{", text, re.IGNORECASE)
    if where is None:
        raise UnsupportedShape("a SPARQL constraint without WHERE")
    # The query runs once for all focus nodes. The targets go first in its outer group, so ?this
    # is bound wherever $this would have been pre-bound (FILTERs see the whole group); the
    # constructs for which that is not the same as pre-binding are refused above.
    inlined = f"{text[: where.end()]} {{ {targets} }} {text[where.end() :]}"
    return f"{_prefixes(store, constraint)}\n{inlined}"


def compile_shapes(store: ox.Store) -> list[CompiledShape]:
    """Compile every shape with an IRI in ``store`` (a parsed shapes graph) into SPARQL queries.

    Raises :class:`UnsupportedShape` for a shape that uses SHACL outside the translated part.
    """
    shapes = {
        q.subject
        for target in _TARGETS
        for q in store.quads_for_pattern(None, ox.NamedNode(target), None)
    }
    compiled = []
    for shape in sorted(shapes, key=str):
        if not isinstance(shape, ox.NamedNode):
            raise UnsupportedShape(f"a shape without an IRI: {shape}")
        used = {q.predicate.value for q in store.quads_for_pattern(shape, None, None)}
        unknown = {p for p in used if p.startswith(_SH) and p not in _HANDLED}
        if unknown or _SH + "property" in used:
            raise UnsupportedShape(f"{shape.value} uses {sorted(unknown) or 'sh:property'}")
        deactivated = _one(store, shape, _SH + "deactivated")
        if isinstance(deactivated, ox.Literal) and deactivated.value in ("true", "1"):
            continue
        severity_term = _one(store, shape, _SH + "severity")
        severity = severity_term.value if severity_term else _SH + "Violation"
        targets = _target_pattern(store, shape)
        queries: list[tuple[str, str]] = []
        if _SH + "path" in used:
            queries.extend(_compile_property_shape(store, shape, targets))
        for constraint in _all(store, shape, _SH + "sparql"):
            queries.append(("SPARQL", _compile_sparql(store, constraint, targets)))
        for component, query in queries:
            compiled.append(
                CompiledShape(
                    shape=shape.value,
                    severity=severity,
                    component=f"{_SH}{component}ConstraintComponent",
                    query=query,
                    value_is_focus=component == "SPARQL" and _SH + "path" not in used,
                )
            )
    return compiled


def run_shapes(store: ox.Store, shapes: Iterable[CompiledShape]) -> list[Hit]:
    """Run compiled shapes on ``store`` (data, context and inferred triples); every result."""
    hits = []
    for shape in shapes:
        solutions = store.query(shape.query)
        assert isinstance(solutions, ox.QuerySolutions)
        names = {variable.value for variable in solutions.variables}
        for row in solutions:
            focus = row["this"] if "this" in names else None
            path = row["path"] if "path" in names else None
            value = row["value"] if "value" in names else None
            if focus is None:
                continue
            if value is None and shape.value_is_focus:
                value = focus
            hits.append(
                Hit(
                    shape=shape.shape,
                    severity=shape.severity,
                    component=shape.component,
                    focus=focus,
                    path=path.value if isinstance(path, ox.NamedNode) else None,
                    value=value if value is not None else None,
                )
            )
    return hits
