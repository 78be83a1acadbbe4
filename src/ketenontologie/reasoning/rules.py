"""Compile an ontology's OWL 2 RL closure into rules over individuals (the A-box).

owlrl computes the closure of the ontology (with the concept scheme) once. From that closure
this module reads the tables the rules need — superclasses, domains, ranges, super-properties,
inverses, transitive properties, property chains, disjoint classes — and interns every term
(a pyoxigraph term) as an integer, so that :mod:`ketenontologie.reasoning.facts` can apply the
rules to chain designs without owlrl. The compiled :class:`Rules` hold only integers and
pyoxigraph terms, and can be pickled. Anything the tables cannot express is detected here: the
ontology is then marked *unsupported* (and reasoning falls back to owlrl), and a design triple
that would change the tables is a *schema* triple (and reasoning recompiles with it).

owlrl works on rdflib graphs: the ontology is converted for it, and its closure back, through
:mod:`ketenontologie.terms`, when rules are compiled (and nowhere else). owlrl and rdflib are
imported only then, and for the lexical check of a literal in a form the quick checks of
:func:`lexical_error` do not accept.

>>> import pyoxigraph as ox
>>> keten = "https://w3id.org/ketenontologie/def#"
>>> manager, role = ox.NamedNode(keten + "ChainManager"), ox.NamedNode(keten + "ChainRole")
>>> rules = compile_rules([ox.Triple(manager, SUBCLASS_OF, role)])
>>> rules.unsupported is None
True
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, NamedTuple, TypeAlias, cast
from urllib.parse import urlsplit

import pyoxigraph as ox

from ketenontologie.terms import OxTerm, TermCache, TermTriple, term_triple, to_rdflib

if TYPE_CHECKING:
    from rdflib import Graph

__all__ = [
    "SCHEMA_PREDICATES",
    "SUBCLASS_OF",
    "TRIGGER_CLASSES",
    "UNSUPPORTED_PREDICATES",
    "UNSUPPORTED_TYPES",
    "OntologyTriples",
    "Rules",
    "TermTable",
    "Triple",
    "compile_rules",
    "lexical_error",
    "ontology_key",
    "owlrl_closure",
    "owlrl_lexical",
]

Triple = tuple[int, int, int]
"""A triple of interned terms (see :class:`TermTable`)."""

OntologyTriples: TypeAlias = "Graph | Iterable[ox.Triple | ox.Quad | TermTriple]"
"""An ontology: an rdflib graph, or pyoxigraph triples, quads or term triples."""

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
ERRNS = "http://www.daml.org/2002/03/agents/agent-ont#"

RDF_TYPE = ox.NamedNode(RDF + "type")
RDF_FIRST = ox.NamedNode(RDF + "first")
RDF_REST = ox.NamedNode(RDF + "rest")
RDF_NIL = ox.NamedNode(RDF + "nil")
SUBCLASS_OF = ox.NamedNode(RDFS + "subClassOf")
SUBPROPERTY_OF = ox.NamedNode(RDFS + "subPropertyOf")
DOMAIN = ox.NamedNode(RDFS + "domain")
RANGE = ox.NamedNode(RDFS + "range")
RDFS_DATATYPE = ox.NamedNode(RDFS + "Datatype")
SAME_AS = ox.NamedNode(OWL + "sameAs")
DISJOINT_WITH = ox.NamedNode(OWL + "disjointWith")
INVERSE_OF = ox.NamedNode(OWL + "inverseOf")
MEMBERS = ox.NamedNode(OWL + "members")
NOTHING = ox.NamedNode(OWL + "Nothing")
TRANSITIVE = ox.NamedNode(OWL + "TransitiveProperty")
SYMMETRIC = ox.NamedNode(OWL + "SymmetricProperty")
PROPERTY_CHAIN = ox.NamedNode(OWL + "propertyChainAxiom")


def _owl(*names: str) -> frozenset[ox.NamedNode]:
    return frozenset(ox.NamedNode(OWL + name) for name in names)


SCHEMA_PREDICATES: frozenset[ox.NamedNode] = frozenset(
    [SUBCLASS_OF, SUBPROPERTY_OF, DOMAIN, RANGE]
) | _owl(
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
)
"""Predicates whose triples owlrl's OWL 2 RL rules read as schema (every one its rules test)."""

TRIGGER_CLASSES: frozenset[ox.NamedNode] = frozenset([ox.NamedNode(RDF + "Property")]) | _owl(
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
)
"""Classes whose ``rdf:type`` triples owlrl's rules read as schema. owlrl's OWL 2 RL datatypes
(whose typing it reads as datatype typing) join them when rules are compiled."""

UNSUPPORTED_PREDICATES: frozenset[ox.NamedNode] = _owl(
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
)
"""Schema the compiled rules do not cover: an ontology using them is reasoned by owlrl."""

UNSUPPORTED_TYPES: frozenset[ox.NamedNode] = _owl(
    "FunctionalProperty",
    "InverseFunctionalProperty",
    "IrreflexiveProperty",
    "AsymmetricProperty",
    "AllDisjointProperties",
)
"""Property characteristics the compiled rules do not cover (they equate or forbid individuals)."""

_XSD_STRING = XSD + "string"


def _owlrl_datatype(literal: ox.Literal) -> ox.NamedNode | None:
    """A literal's datatype as owlrl sees it (through rdflib): none for a string."""
    if literal.language is not None or literal.datatype.value == _XSD_STRING:
        return None  # rdflib reads "x"^^xsd:string and "x"@nl as literals without datatype
    return literal.datatype


class TermTable:
    """Interns pyoxigraph terms as small integers, and back.

    >>> table = TermTable()
    >>> table.id(RDF_TYPE), table.term(0)
    (0, <NamedNode value=http://www.w3.org/1999/02/22-rdf-syntax-ns#type>)
    """

    __slots__ = ("datatypes", "ids", "literals", "terms")

    def __init__(self) -> None:
        self.ids: dict[OxTerm, int] = {}
        self.terms: list[OxTerm] = []
        self.literals: set[int] = set()
        self.datatypes: dict[int, int] = {}
        """Literal → its datatype as owlrl sees it (strings and language strings have none)."""

    def id(self, term: OxTerm) -> int:
        """The integer for ``term``, minting one the first time."""
        found = self.ids.get(term)
        if found is None:
            found = self.ids[term] = len(self.terms)
            self.terms.append(term)
            if isinstance(term, ox.Literal):
                self.literals.add(found)
                datatype = _owlrl_datatype(term)
                if datatype is not None:
                    self.datatypes[found] = self.id(datatype)
        return found

    def term(self, number: int) -> OxTerm:
        """The term interned as ``number``."""
        return self.terms[number]

    def triple(self, triple: TermTriple) -> Triple:
        """Intern the three terms of ``triple``."""
        return (self.id(triple[0]), self.id(triple[1]), self.id(triple[2]))

    def term_triple(self, triple: Triple) -> TermTriple:
        """The terms of an interned triple."""
        terms = self.terms
        return (terms[triple[0]], terms[triple[1]], terms[triple[2]])

    def copy(self) -> TermTable:
        """An independent table that starts with the same numbering."""
        table = TermTable()
        table.ids = dict(self.ids)
        table.terms = list(self.terms)
        table.literals = set(self.literals)
        table.datatypes = dict(self.datatypes)
        return table


@dataclass(frozen=True)
class Rules:
    """The A-box rules of one ontology, compiled from its owlrl closure (interned terms).

    Every mapping leaves out the identity (a class is not listed as its own superclass). Each
    ``…_axioms`` mapping gives, per derivation, the closure triple the rule instance rests on,
    so that explanations can cite it. Plain data: integers, pyoxigraph terms, no rdflib.
    """

    key: str
    """Hash of the ontology's canonical triples: equal ontologies share compiled rules."""
    terms: TermTable
    ontology: frozenset[Triple]
    """The ontology's triples, interned (as owlrl read them)."""
    base: frozenset[Triple]
    """owlrl's closure of the ontology, interned, error messages removed: facts that hold before
    any design is added."""
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
    """A literal's datatype → the datatypes owlrl also types it with (dt-type2 subsumption).
    Its keys are owlrl's OWL 2 RL datatypes."""
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

    def ontology_triples(self) -> list[TermTriple]:
        """The ontology's triples, as pyoxigraph terms."""
        return [self.terms.term_triple(triple) for triple in self.ontology]

    def closure_triples(self) -> list[TermTriple]:
        """owlrl's closure of the ontology (generalised RDF included), as pyoxigraph terms."""
        return [self.terms.term_triple(triple) for triple in self.base]

    def may_be_schema(self, triple: TermTriple) -> bool:
        """A quick test on terms: False means ``triple`` is certainly no schema triple."""
        ids = self.terms.ids
        s, p, o = triple
        if p == RDF_TYPE:
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


# --- owlrl's datatypes ----------------------------------------------------------------------------


class _Datatypes(NamedTuple):
    """owlrl's datatype tables, by IRI."""

    rl: frozenset[str]
    subsumptions: Mapping[str, tuple[str, ...]]
    disjoint: tuple[tuple[str, str], ...]
    converters: Mapping[str, Callable[[str], object]]


@cache
def _owlrl_datatypes() -> _Datatypes:
    from owlrl.AxiomaticTriples import OWLRL_Datatypes_Disjointness
    from owlrl.DatatypeHandling import AltXSDToPYTHON
    from owlrl.XsdDatatypes import OWL_Datatype_Subsumptions, OWL_RL_Datatypes

    rl = frozenset(str(datatype) for datatype in OWL_RL_Datatypes)
    return _Datatypes(
        rl=rl,
        subsumptions={
            str(datatype): tuple(str(d) for d in supers)
            for datatype, supers in OWL_Datatype_Subsumptions.items()
        },
        disjoint=tuple((str(d1), str(d2)) for d1, _, d2 in OWLRL_Datatypes_Disjointness),
        converters={str(dt): convert for dt, convert in AltXSDToPYTHON.items() if str(dt) in rl},
    )


def _fits(convert: Callable[[str], object], lexical: str) -> bool:
    try:
        convert(lexical)
    except Exception:  # a ValueError; or a crash ("" as xsd:date), where owlrl would crash too
        return False
    return True


def owlrl_lexical(literal: ox.Literal) -> str:
    """The lexical form owlrl sees for ``literal``: rdflib's, which normalises what it can read
    (``"01"^^xsd:integer`` is ``1``, every ``xsd:boolean`` is ``true`` or ``false``)."""
    from ketenontologie.terms import quiet_rdflib_literals

    with quiet_rdflib_literals():
        return str(to_rdflib(literal))


_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_INTEGER = re.compile(r"[+-]?[0-9]{1,4000}")  # Python's int() refuses more than 4,300 digits


def _surely_fits(datatype: str, lexical: str) -> bool:
    """Whether owlrl's converter for ``datatype`` accepts ``lexical`` for certain, told without
    loading owlrl (and rdflib, which it needs: a fifth of a second) for the forms designs use.

    Each test accepts only what owlrl's code accepts (a test holds them to that); a form it
    does not accept goes to owlrl's converter, as every form did before.
    """
    if datatype == XSD + "anyURI":  # owlrl: empty, or with a scheme; relative ones are checked
        return not lexical or urlsplit(lexical).scheme != ""
    if datatype == XSD + "boolean":
        return lexical.lower() in ("true", "false", "1", "0")
    if datatype == XSD + "integer":
        return _INTEGER.fullmatch(lexical) is not None
    if datatype == XSD + "date":  # owlrl: time.strptime(lexical, "%Y-%m-%d") without a zone
        found = _DATE.fullmatch(lexical)
        if found is None:
            return False
        import datetime

        try:
            datetime.date(*(int(part) for part in found.groups()))
        except ValueError:
            return False
        return True
    return False


def lexical_error(term: object) -> bool:
    """Whether a literal's lexical form does not fit its OWL 2 RL datatype (owlrl's check).

    owlrl checks the literal as rdflib gives it: rdflib first normalises what it can read, so
    ``"ja"^^xsd:boolean`` passes (rdflib reads it as ``false``). A lexical form that fits is
    taken to fit after normalisation too, so rdflib is needed only for one that does not. Where
    owlrl's converter fails otherwise than saying no (``""^^xsd:date``: owlrl itself crashes),
    the form does not fit.

    >>> lexical_error(ox.Literal("nul", datatype=ox.NamedNode(XSD + "positiveInteger")))
    True
    >>> lexical_error(ox.Literal("ja", datatype=ox.NamedNode(XSD + "boolean")))
    False
    """
    if not isinstance(term, ox.Literal):
        return False
    datatype = _owlrl_datatype(term)
    if datatype is None or _surely_fits(datatype.value, term.value):
        return False
    convert = _owlrl_datatypes().converters.get(datatype.value)
    if convert is None or _fits(convert, term.value):
        return False
    return not _fits(convert, owlrl_lexical(term))


# --- the ontology's key and closure ---------------------------------------------------------------


def _is_rdflib_graph(value: object) -> bool:
    return type(value).__module__.startswith("rdflib") and hasattr(value, "triples")


def _term_triples(ontology: OntologyTriples) -> list[TermTriple]:
    if _is_rdflib_graph(ontology):
        graph = cast("Graph", ontology)
        return TermCache().ox_triples(graph.triples((None, None, None)))
    triples = cast("Iterable[ox.Triple | ox.Quad | TermTriple]", ontology)
    return [term_triple(triple) for triple in triples]


def ontology_key(ontology: OntologyTriples) -> str:
    """A hash of the ontology's triples that ignores blank node labels (canonical N-Quads).

    ``ontology`` is an rdflib graph, or pyoxigraph triples, quads or term triples.

    >>> ontology_key([]) == ontology_key(())
    True
    """
    dataset = ox.Dataset()
    for s, p, o in _term_triples(ontology):
        if isinstance(s, ox.Literal) or not isinstance(p, ox.NamedNode):
            continue  # generalised RDF cannot be stored; it cannot come from a file either
        dataset.add(ox.Quad(s, p, o))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    lines = sorted(str(quad) for quad in dataset)
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def owlrl_closure(graph: Graph) -> tuple[Graph, list[str]]:
    """owlrl's OWL 2 RL closure of ``graph`` (a copy) and the error messages it reported.

    owlrl adds each error as a blank node with an ``err:error`` message; they are taken out of
    the returned graph.
    """
    import owlrl
    from rdflib import Graph, URIRef

    closure = Graph()
    for triple in graph:
        closure.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closure)
    errors: list[str] = []
    for node in list(closure.subjects(URIRef(RDF + "type"), URIRef(ERRNS + "ErrorMessage"))):
        errors.extend(str(message) for message in closure.objects(node, URIRef(ERRNS + "error")))
        closure.remove((node, None, None))
    return closure, sorted(errors)


# --- compiling ------------------------------------------------------------------------------------


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


def _unsupported(closure: Iterable[TermTriple]) -> str | None:
    for s, p, o in closure:
        if p in UNSUPPORTED_PREDICATES:
            return f"it uses {p} (on {s})"
        if p == RDF_TYPE and o in UNSUPPORTED_TYPES:
            return f"it declares {s} a {o}"
        if p == SAME_AS and s != o:
            return f"it equates {s} and {o} with owl:sameAs"
    return None


class _Lists:
    """The RDF lists of a set of interned triples."""

    def __init__(self, triples: Iterable[Triple], terms: TermTable) -> None:
        first, rest = terms.id(RDF_FIRST), terms.id(RDF_REST)
        self.nil = terms.id(RDF_NIL)
        self.literals = terms.literals
        self.first: dict[int, int] = {}
        self.rest: dict[int, int] = {}
        for s, p, o in triples:
            if p == first:
                self.first.setdefault(s, o)
            elif p == rest:
                self.rest.setdefault(s, o)

    def nodes(self, head: int) -> Iterator[int]:
        """The list's nodes from ``head`` on, up to ``rdf:nil`` (or a node without a rest)."""
        seen: set[int] = set()
        node: int | None = head
        while node is not None and node != self.nil and node not in seen:
            if node in self.literals:
                return
            seen.add(node)
            yield node
            node = self.rest.get(node)

    def items(self, head: int) -> list[int]:
        """The list's members, as rdflib's ``Graph.items`` reads them."""
        return [self.first[node] for node in self.nodes(head) if node in self.first]


def compile_rules(ontology: OntologyTriples, *, key: str | None = None) -> Rules:
    """Compute owlrl's closure of ``ontology`` and compile it into A-box rules.

    ``ontology`` is an rdflib graph, or pyoxigraph triples, quads or term triples; ``key`` is
    :func:`ontology_key` of it when the caller has it already.
    """
    from ketenontologie.terms import to_rdflib_graph

    triples = _term_triples(ontology)
    graph = to_rdflib_graph(triples)  # owlrl reads the ontology as rdflib gives it
    closure, errors = owlrl_closure(graph)
    cache = TermCache()
    terms = TermTable()
    ids = terms.id
    type_ = ids(RDF_TYPE)
    same_as = ids(SAME_AS)
    nothing = ids(NOTHING)
    read = frozenset(terms.triple(t) for t in cache.ox_triples(graph))
    base = frozenset(terms.triple(t) for t in cache.ox_triples(closure))
    by_predicate: dict[int, list[Triple]] = defaultdict(list)
    for triple in base:
        by_predicate[triple[1]].append(triple)
    lists = _Lists(base, terms)

    def objects(predicate: ox.NamedNode) -> Iterator[tuple[int, int, Triple]]:
        for triple in by_predicate.get(ids(predicate), ()):
            yield triple[0], triple[2], triple

    subclass = [(s, o) for s, o, _ in objects(SUBCLASS_OF) if s != o]
    superclasses = _group(subclass)
    subproperty = [(s, o) for s, o, _ in objects(SUBPROPERTY_OF) if s != o]
    domain = [(s, o) for s, o, _ in objects(DOMAIN)]
    range_ = [(s, o) for s, o, _ in objects(RANGE)]

    inverse_pairs: list[tuple[int, int]] = []
    inverse_axioms: dict[tuple[int, int], Triple] = {}
    for s, o, axiom in objects(INVERSE_OF):
        for pair in ((s, o), (o, s)):
            inverse_pairs.append(pair)
            inverse_axioms.setdefault(pair, axiom)
    symmetric, transitive_class = ids(SYMMETRIC), ids(TRANSITIVE)
    for s, o, axiom in objects(RDF_TYPE):
        if o == symmetric:
            inverse_pairs.append((s, s))
            inverse_axioms.setdefault((s, s), axiom)
    transitive = frozenset(s for s, o, _ in objects(RDF_TYPE) if o == transitive_class)

    chains: dict[int, list[tuple[tuple[int, ...], Triple]]] = defaultdict(list)
    chain_links: dict[int, list[tuple[int, tuple[int, ...], int]]] = defaultdict(list)
    for s, o, axiom in objects(PROPERTY_CHAIN):
        chain = tuple(lists.items(o))
        if not chain:
            continue
        chains[s].append((chain, axiom))
        for position, link in enumerate(chain):
            chain_links[link].append((s, chain, position))

    disjoint: dict[int, list[tuple[int, str, Triple]]] = defaultdict(list)
    for s, o, axiom in objects(DISJOINT_WITH):
        disjoint[s].append((o, "cax-dw", axiom))
    all_disjoint = ids(ox.NamedNode(OWL + "AllDisjointClasses"))
    for s, o, axiom in objects(MEMBERS):
        if (s, type_, all_disjoint) not in base:
            continue
        members = lists.items(o)
        for i, first in enumerate(members):
            for second in members[i + 1 :]:
                disjoint[first].append((second, "cax-adc", axiom))
    list_nodes: set[int] = set()
    list_heads = (MEMBERS, ox.NamedNode(OWL + "distinctMembers"), PROPERTY_CHAIN)
    for head in (*list_heads, ox.NamedNode(OWL + "hasKey")):
        for _s, lst, _ in objects(head):
            list_nodes.update(lists.nodes(lst))

    datatypes = _owlrl_datatypes()
    datatype_pairs = [
        (ids(ox.NamedNode(d1)), ids(ox.NamedNode(d2))) for d1, d2 in datatypes.disjoint
    ]
    disjoint_with = ids(DISJOINT_WITH)
    datatype_disjoint = _group(
        (d1, d2) for d1, d2 in datatype_pairs if (d1, disjoint_with, d2) not in base
    )
    datatype_supers = {
        ids(ox.NamedNode(dt)): tuple(
            ids(ox.NamedNode(d)) for d in datatypes.subsumptions.get(dt, ())
        )
        for dt in sorted(datatypes.rl)
    }
    rl_datatypes = set(datatype_supers)

    supers_of_property = _group(subproperty)
    inverses = _group(inverse_pairs)
    domains, ranges = _group(domain), _group(range_)
    # A derived type in a datatype is harmless: owlrl reads datatype typing once, before its
    # rules run. Any other trigger class, derived, would change the schema.
    derived_trigger = {ids(term) for term in TRIGGER_CLASSES}
    trigger = derived_trigger | rl_datatypes
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

    # The datatypes owlrl counts as used in the ontology (its one-time datatype rules).
    used = {terms.datatypes[o] for _, _, o in read if terms.datatypes.get(o) in rl_datatypes}
    used |= {o for _, p, o in read if p == type_ and o in rl_datatypes}
    for datatype in list(used):
        used.update(datatype_supers.get(datatype, ()))

    return Rules(
        key=key or ontology_key(triples),
        terms=terms,
        ontology=read,
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
        unsupported=_unsupported(terms.term_triple(t) for t in base),
    )
