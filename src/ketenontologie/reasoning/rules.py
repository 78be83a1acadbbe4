"""Compile an ontology's OWL 2 RL closure into rules over individuals (the A-box).

owlrl computes the closure of the ontology (with the concept scheme) once. From that closure
this module reads the tables the rules need — superclasses, domains, ranges, super-properties,
inverses, transitive properties, property chains, disjoint classes — and interns every term as
an integer, so that :mod:`ketenontologie.reasoning.facts` can apply the rules to chain designs
without owlrl. Anything the tables cannot express is detected here: the ontology is then marked
*unsupported* (and reasoning falls back to owlrl), and a design triple that would change the
tables is a *schema* triple (and reasoning recompiles with it).

>>> from rdflib import Graph
>>> from ketenontologie.namespaces import KETEN, RDFS
>>> ontology = Graph().add((KETEN.ChainManager, RDFS.subClassOf, KETEN.ChainRole))
>>> rules = compile_rules(ontology)
>>> rules.unsupported is None
True
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

import owlrl
import pyoxigraph as ox
from owlrl.AxiomaticTriples import OWLRL_Datatypes_Disjointness
from owlrl.DatatypeHandling import AltXSDToPYTHON
from owlrl.Namespaces import ERRNS
from owlrl.XsdDatatypes import OWL_Datatype_Subsumptions, OWL_RL_Datatypes
from rdflib import BNode, Graph, URIRef
from rdflib import Literal as RDFLiteral
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

__all__ = [
    "SCHEMA_PREDICATES",
    "TRIGGER_CLASSES",
    "UNSUPPORTED_PREDICATES",
    "UNSUPPORTED_TYPES",
    "Rules",
    "TermTable",
    "Triple",
    "compile_rules",
    "lexical_error",
    "ontology_key",
    "owlrl_closure",
]

Triple = tuple[int, int, int]
"""A triple of interned terms (see :class:`TermTable`)."""

RDFTriple = tuple[Node, Node, Node]

SCHEMA_PREDICATES: frozenset[URIRef] = frozenset(
    [RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range]
    + [
        OWL[name]
        for name in [
            "sameAs",
            "differentFrom",
            "members",
            "distinctMembers",
            "inverseOf",
            "propertyChainAxiom",
            "equivalentProperty",
            "propertyDisjointWith",
            "hasKey",
            "sourceIndividual",
            "assertionProperty",
            "targetIndividual",
            "targetValue",
            "intersectionOf",
            "unionOf",
            "complementOf",
            "someValuesFrom",
            "allValuesFrom",
            "onProperty",
            "hasValue",
            "maxCardinality",
            "maxQualifiedCardinality",
            "onClass",
            "oneOf",
            "equivalentClass",
            "disjointWith",
        ]
    ]
)
"""Predicates whose triples owlrl's OWL 2 RL rules read as schema (every one its rules test)."""

TRIGGER_CLASSES: frozenset[URIRef] = frozenset(
    [RDF.Property, *(URIRef(str(dt)) for dt in OWL_RL_Datatypes)]
    + [
        OWL[name]
        for name in [
            "Class",
            "ObjectProperty",
            "DatatypeProperty",
            "FunctionalProperty",
            "InverseFunctionalProperty",
            "IrreflexiveProperty",
            "SymmetricProperty",
            "AsymmetricProperty",
            "TransitiveProperty",
            "AllDisjointProperties",
            "AllDifferent",
            "AllDisjointClasses",
        ]
    ]
)
"""Classes whose ``rdf:type`` triples owlrl's rules read as schema (or as datatype typing)."""

UNSUPPORTED_PREDICATES: frozenset[URIRef] = frozenset(
    OWL[name]
    for name in [
        "hasKey",
        "someValuesFrom",
        "allValuesFrom",
        "hasValue",
        "maxCardinality",
        "maxQualifiedCardinality",
        "oneOf",
        "intersectionOf",
        "unionOf",
        "complementOf",
        "sourceIndividual",
        "propertyDisjointWith",
    ]
)
"""Schema the compiled rules do not cover: an ontology using them is reasoned by owlrl."""

UNSUPPORTED_TYPES: frozenset[URIRef] = frozenset(
    OWL[name]
    for name in [
        "FunctionalProperty",
        "InverseFunctionalProperty",
        "IrreflexiveProperty",
        "AsymmetricProperty",
        "AllDisjointProperties",
    ]
)
"""Property characteristics the compiled rules do not cover (they equate or forbid individuals)."""

_TYPE = RDF.type
_KEY_SHIFT = 32


class TermTable:
    """Interns RDF terms as small integers, and back.

    >>> table = TermTable()
    >>> table.id(RDF.type), table.term(0)
    (0, rdflib.term.URIRef('http://www.w3.org/1999/02/22-rdf-syntax-ns#type'))
    """

    __slots__ = ("ids", "literals", "terms")

    def __init__(self) -> None:
        self.ids: dict[Node, int] = {}
        self.terms: list[Node] = []
        self.literals: set[int] = set()

    def id(self, term: Node) -> int:
        """The integer for ``term``, minting one the first time."""
        found = self.ids.get(term)
        if found is None:
            found = self.ids[term] = len(self.terms)
            self.terms.append(term)
            if isinstance(term, RDFLiteral):
                self.literals.add(found)
        return found

    def term(self, number: int) -> Node:
        """The term interned as ``number``."""
        return self.terms[number]

    def triple(self, triple: RDFTriple) -> Triple:
        """Intern the three terms of ``triple``."""
        return (self.id(triple[0]), self.id(triple[1]), self.id(triple[2]))

    def rdf(self, triple: Triple) -> RDFTriple:
        """The RDF terms of an interned triple."""
        terms = self.terms
        return (terms[triple[0]], terms[triple[1]], terms[triple[2]])

    def copy(self) -> TermTable:
        """An independent table that starts with the same numbering."""
        table = TermTable()
        table.ids = dict(self.ids)
        table.terms = list(self.terms)
        table.literals = set(self.literals)
        return table


@dataclass(frozen=True)
class Rules:
    """The A-box rules of one ontology, compiled from its owlrl closure (interned terms).

    Every mapping leaves out the identity (a class is not listed as its own superclass). Each
    ``…_axioms`` mapping gives, per derivation, the closure triple the rule instance rests on,
    so that explanations can cite it.
    """

    key: str
    """Hash of the ontology's canonical triples: equal ontologies share compiled rules."""
    ontology: Graph
    closure: Graph
    """owlrl's closure of the ontology, error messages removed."""
    terms: TermTable
    base: frozenset[Triple]
    """The closure, interned: facts that hold before any design is added."""
    base_nodes: frozenset[int]
    type: int
    same_as: int
    superclasses: Mapping[int, tuple[int, ...]]
    subclasses: Mapping[int, tuple[int, ...]]
    domains: Mapping[int, tuple[int, ...]]
    domain_of: Mapping[int, tuple[int, ...]]
    ranges: Mapping[int, tuple[int, ...]]
    range_of: Mapping[int, tuple[int, ...]]
    superproperties: Mapping[int, tuple[int, ...]]
    subproperties: Mapping[int, tuple[int, ...]]
    inverses: Mapping[int, tuple[int, ...]]
    inverse_axioms: Mapping[tuple[int, int], Triple]
    transitive: frozenset[int]
    chains: Mapping[int, tuple[tuple[tuple[int, ...], Triple], ...]]
    """Property → its chains (list of properties, and the axiom) of which it is the head."""
    chain_links: Mapping[int, tuple[tuple[int, tuple[int, ...], int], ...]]
    """Property → (head, chain, position) for every place it takes in a chain."""
    disjoint: Mapping[int, tuple[tuple[int, str, Triple], ...]]
    """Class c1 → (c2, rule, axiom) for every stated disjointness of c1 and c2, in that order."""
    datatype_disjoint: Mapping[int, tuple[int, ...]]
    """Datatype d1 → d2 disjoint with it (owlrl's table), active once both are in use."""
    datatype_supers: Mapping[int, tuple[int, ...]]
    """A literal's datatype → the datatypes owlrl also types it with (dt-type2 subsumption)."""
    base_datatypes: frozenset[int]
    nothing: int
    schema_predicates: frozenset[int]
    """Predicates whose triples change the rules: in owlrl's schema vocabulary, or leading there."""
    trigger_classes: frozenset[int]
    list_nodes: frozenset[int]
    base_errors: tuple[str, ...]
    """owlrl's error messages for the ontology alone (normally none)."""
    unsupported: str | None = None
    """Why the compiled rules cannot reason with this ontology, or None if they can."""

    def may_be_schema(self, triple: RDFTriple) -> bool:
        """A quick test on RDF terms: False means ``triple`` is certainly no schema triple."""
        ids = self.terms.ids
        s, p, o = triple
        if p == _TYPE:
            return ids.get(o, -1) in self.trigger_classes
        return ids.get(p, -1) in self.schema_predicates or ids.get(s, -1) in self.list_nodes

    def is_schema(self, triple: Triple) -> bool:
        """Whether a design triple would change the rules (and is not already in the closure)."""
        s, p, o = triple
        if triple in self.base:
            return False
        if p == self.type:
            return o in self.trigger_classes
        if p == self.same_as and s == o:
            return False
        if p in self.schema_predicates:
            return True
        return s in self.list_nodes


_RL_DATATYPES = frozenset(URIRef(str(dt)) for dt in OWL_RL_Datatypes)


def lexical_error(term: Node) -> bool:
    """Whether a literal's lexical form does not fit its OWL 2 RL datatype (owlrl's check).

    >>> from rdflib.namespace import XSD
    >>> lexical_error(RDFLiteral("nul", datatype=XSD.positiveInteger))
    True
    >>> lexical_error(RDFLiteral("ja", datatype=XSD.boolean))  # owlrl accepts it
    False
    """
    if not isinstance(term, RDFLiteral) or term.datatype not in _RL_DATATYPES:
        return False
    converter = AltXSDToPYTHON.get(term.datatype)
    if converter is None:
        return False
    try:
        converter(str(term))
    except ValueError:
        return True
    return False


def _to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
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


def ontology_key(graph: Graph) -> str:
    """A hash of ``graph``'s triples that ignores blank node labels (canonical N-Quads).

    >>> from rdflib import Graph
    >>> ontology_key(Graph()) == ontology_key(Graph())
    True
    """
    dataset = ox.Dataset()
    for s, p, o in graph:
        subject = _to_ox(s)
        if isinstance(subject, ox.Literal) or not isinstance(p, URIRef):
            continue  # generalised RDF cannot be stored; it cannot come from a file either
        dataset.add(ox.Quad(subject, ox.NamedNode(str(p)), _to_ox(o)))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    lines = sorted(str(quad) for quad in dataset)
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def owlrl_closure(graph: Graph) -> tuple[Graph, list[str]]:
    """owlrl's OWL 2 RL closure of ``graph`` (a copy) and the error messages it reported.

    owlrl adds each error as a blank node with an ``err:error`` message; they are taken out of
    the returned graph.
    """
    closure = Graph()
    for triple in graph:
        closure.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closure)
    errors: list[str] = []
    for node in list(closure.subjects(_TYPE, ERRNS.ErrorMessage)):
        errors.extend(str(message) for message in closure.objects(node, ERRNS.error))
        closure.remove((node, None, None))
    return closure, sorted(errors)


def _group(pairs: Iterable[tuple[int, int]]) -> dict[int, tuple[int, ...]]:
    grouped: dict[int, list[int]] = defaultdict(list)
    for key, value in pairs:
        if value not in grouped[key]:
            grouped[key].append(value)
    return {key: tuple(values) for key, values in grouped.items()}


def _reach(start: int, steps: Mapping[int, Iterable[int]]) -> set[int]:
    seen = {start}
    stack = [start]
    while stack:
        for following in steps.get(stack.pop(), ()):
            if following not in seen:
                seen.add(following)
                stack.append(following)
    return seen


def _unsupported(closure: Graph) -> str | None:
    for s, p, o in closure:
        if p in UNSUPPORTED_PREDICATES:
            return f"it uses {p.n3()} (on {s.n3()})"
        if p == _TYPE and o in UNSUPPORTED_TYPES:
            return f"it declares {s.n3()} a {o.n3()}"
        if p == OWL.sameAs and s != o:
            return f"it equates {s.n3()} and {o.n3()} with owl:sameAs"
    return None


def _used_datatypes(graph: Graph) -> set[URIRef]:
    """The datatypes owlrl counts as used in ``graph`` (its one-time datatype rules)."""
    used: set[URIRef] = set()
    for _s, p, o in graph:
        if isinstance(o, RDFLiteral) and o.datatype in _RL_DATATYPES:
            used.add(URIRef(str(o.datatype)))
        elif p == _TYPE and o in _RL_DATATYPES:
            used.add(URIRef(str(o)))
    for datatype in list(used):
        used.update(URIRef(str(d)) for d in OWL_Datatype_Subsumptions.get(datatype, ()))
    return used


def compile_rules(ontology: Graph, *, key: str | None = None) -> Rules:
    """Compute owlrl's closure of ``ontology`` and compile it into A-box rules.

    ``key`` is :func:`ontology_key` of ``ontology`` when the caller has it already.
    """
    closure, errors = owlrl_closure(ontology)
    terms = TermTable()
    type_ = terms.id(_TYPE)
    same_as = terms.id(OWL.sameAs)
    nothing = terms.id(OWL.Nothing)
    base = frozenset(terms.triple(triple) for triple in closure)
    ids = terms.id

    def objects(predicate: URIRef) -> Iterator[tuple[int, int, Triple]]:
        for s, _, o in closure.triples((None, predicate, None)):
            triple = (ids(s), ids(predicate), ids(o))
            yield triple[0], triple[2], triple

    subclass = [(s, o) for s, o, _ in objects(RDFS.subClassOf) if s != o]
    superclasses = _group(subclass)
    subproperty = [(s, o) for s, o, _ in objects(RDFS.subPropertyOf) if s != o]
    domain = [(s, o) for s, o, _ in objects(RDFS.domain)]
    range_ = [(s, o) for s, o, _ in objects(RDFS.range)]

    inverse_pairs: list[tuple[int, int]] = []
    inverse_axioms: dict[tuple[int, int], Triple] = {}
    for s, o, axiom in objects(OWL.inverseOf):
        for pair in ((s, o), (o, s)):
            inverse_pairs.append(pair)
            inverse_axioms.setdefault(pair, axiom)
    for s, _o, axiom in objects(_TYPE):
        if axiom[2] == ids(OWL.SymmetricProperty):
            inverse_pairs.append((s, s))
            inverse_axioms.setdefault((s, s), axiom)
    transitive = frozenset(s for s, o, _ in objects(_TYPE) if o == ids(OWL.TransitiveProperty))

    chains: dict[int, list[tuple[tuple[int, ...], Triple]]] = defaultdict(list)
    chain_links: dict[int, list[tuple[int, tuple[int, ...], int]]] = defaultdict(list)
    list_nodes: set[int] = set()
    for s, _o, axiom in objects(OWL.propertyChainAxiom):
        chain = tuple(ids(item) for item in closure.items(terms.term(axiom[2])))
        if not chain:
            continue
        chains[s].append((chain, axiom))
        for position, link in enumerate(chain):
            chain_links[link].append((s, chain, position))

    disjoint: dict[int, list[tuple[int, str, Triple]]] = defaultdict(list)
    for s, o, axiom in objects(OWL.disjointWith):
        disjoint[s].append((o, "cax-dw", axiom))
    for s, o, axiom in objects(OWL.members):
        if (terms.term(s), _TYPE, OWL.AllDisjointClasses) not in closure:
            continue
        members = [ids(item) for item in closure.items(terms.term(o))]
        for i, first in enumerate(members):
            for second in members[i + 1 :]:
                disjoint[first].append((second, "cax-adc", axiom))
    for head in (OWL.members, OWL.distinctMembers, OWL.propertyChainAxiom, OWL.hasKey):
        for _s, lst, _ in objects(head):
            node: Node | None = terms.term(lst)
            while isinstance(node, BNode | URIRef) and node != RDF.nil:
                list_nodes.add(ids(node))
                node = closure.value(node, RDF.rest)

    datatype_pairs = [(ids(d1), ids(d2)) for d1, _, d2 in OWLRL_Datatypes_Disjointness]
    disjoint_with = ids(OWL.disjointWith)
    datatype_disjoint = _group(
        (d1, d2) for d1, d2 in datatype_pairs if (d1, disjoint_with, d2) not in base
    )
    datatype_supers = {
        ids(dt): tuple(ids(URIRef(str(d))) for d in OWL_Datatype_Subsumptions.get(dt, ()))
        for dt in _RL_DATATYPES
    }

    supers_of_property = _group(subproperty)
    inverses = _group(inverse_pairs)
    domains, ranges = _group(domain), _group(range_)
    # A derived type in a datatype is harmless: owlrl reads datatype typing once, before its
    # rules run. Any other trigger class, derived, would change the schema.
    trigger = {ids(term) for term in TRIGGER_CLASSES}
    derived_trigger = {ids(term) for term in TRIGGER_CLASSES if term not in _RL_DATATYPES}
    hazard_classes = {
        c for c in {*superclasses, *derived_trigger} if _reach(c, superclasses) & derived_trigger
    }
    trigger_classes = hazard_classes | trigger
    leads_to: dict[int, set[int]] = defaultdict(set)
    for p, supers in supers_of_property.items():
        leads_to[p].update(supers)
    for p, others in inverses.items():
        leads_to[p].update(others)
    for p, links in chain_links.items():
        leads_to[p].update(head for head, _, _ in links)
    schema = {ids(term) for term in SCHEMA_PREDICATES}
    schema_predicates = set(schema)
    for p in {*leads_to, *domains, *ranges}:
        reached = _reach(p, leads_to)
        classes = {c for q in reached for c in (*domains.get(q, ()), *ranges.get(q, ()))}
        if reached & (schema | {type_}) or classes & hazard_classes:
            schema_predicates.add(p)

    used = {ids(dt) for dt in _used_datatypes(ontology)}
    return Rules(
        key=key or ontology_key(ontology),
        ontology=ontology,
        closure=closure,
        terms=terms,
        base=base,
        base_nodes=frozenset(n for triple in base for n in triple),
        type=type_,
        same_as=same_as,
        superclasses=superclasses,
        subclasses=_group((o, s) for s, o in subclass),
        domains=domains,
        domain_of=_group((o, s) for s, o in domain),
        ranges=ranges,
        range_of=_group((o, s) for s, o in range_),
        superproperties=supers_of_property,
        subproperties=_group((o, s) for s, o in subproperty),
        inverses=inverses,
        inverse_axioms=inverse_axioms,
        transitive=transitive,
        chains={head: tuple(found) for head, found in chains.items()},
        chain_links={link: tuple(found) for link, found in chain_links.items()},
        disjoint={c: tuple(found) for c, found in disjoint.items()},
        datatype_disjoint=datatype_disjoint,
        datatype_supers=datatype_supers,
        base_datatypes=frozenset(used),
        nothing=nothing,
        schema_predicates=frozenset(schema_predicates),
        trigger_classes=frozenset(trigger_classes),
        list_nodes=frozenset(list_nodes),
        base_errors=tuple(errors),
        unsupported=_unsupported(closure),
    )
