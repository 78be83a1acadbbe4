"""OWL 2 RL reasoning over chain designs: exact (equal to owlrl), incremental and fast.

The ontology (with the concept scheme) is closed once by owlrl and compiled into rules over
individuals (:mod:`ketenontologie.reasoning.rules`); designs are then reasoned with those
rules (:mod:`ketenontologie.reasoning.facts`) and the result is kept apart from what was asserted.
A design that carries schema of its own (``rdfs:subClassOf``, ``owl:sameAs`` …) is reasoned
with rules compiled from the ontology plus that schema, or by owlrl itself where the rules
cannot express it, so the result stays equal to owlrl's closure. See ``docs/reasoning.md``.

>>> from ketenontologie.loading import load_graph
>>> reasoner = Reasoner.from_ontology()  # doctest: +SKIP
>>> inferred = reasoner.infer(load_graph("data/loonaangifteketen.ttl"))  # doctest: +SKIP
>>> inferred.consistent  # doctest: +SKIP
True
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Literal, TypeAlias

from rdflib import Graph, URIRef
from rdflib import Literal as RDFLiteral
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from ketenontologie.errors import DesignError, InconsistencyError, ReasoningError
from ketenontologie.loading import load_ontology
from ketenontologie.namespaces import bind_prefixes
from ketenontologie.reasoning.explain import Explainer, Explanation
from ketenontologie.reasoning.facts import FactStore, Finding
from ketenontologie.reasoning.rules import Rules, compile_rules, ontology_key, owlrl_closure

__all__ = [
    "Delta",
    "Engine",
    "Include",
    "Inconsistency",
    "InferredTriples",
    "OutputFormat",
    "Reasoner",
    "ReasoningState",
    "infer",
    "is_datatype_axiom",
]

RDFTriple: TypeAlias = tuple[Node, Node, Node]
OutputFormat: TypeAlias = Literal["turtle", "trig", "nt", "jsonld"]
"""Serialisations of :func:`serialize`."""
Include: TypeAlias = Literal["all", "inferred"]
"""What :func:`serialize` writes: asserted and inferred triples, or the inferred ones only."""
Engine: TypeAlias = Literal["rules", "owlrl"]
"""How a result was computed: compiled rules, or owlrl itself (schema the rules do not cover)."""

DesignTriples: TypeAlias = Graph | Iterable[RDFTriple]

_RL_DATATYPE_NAMESPACES = (str(RDF), str(RDFS), "http://www.w3.org/2001/XMLSchema#")

# --- results --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Inconsistency:
    """One inconsistency OWL 2 RL finds.

    ``rule`` is the OWL 2 RL rule that fires (``cax-dw``, ``cax-adc``, ``cls-nothing2``,
    ``dt-lexical`` for owlrl's check of a literal against its datatype, or ``owlrl`` for one only
    owlrl reported). ``owlrl_message`` is owlrl's own wording for the same finding, for
    cross-checking.
    """

    rule: str
    node: Node | None
    classes: tuple[Node, ...]
    message: str
    owlrl_message: str


@dataclass(frozen=True)
class Delta:
    """What one update of a :class:`ReasoningState` changed in the inferred triples."""

    added: frozenset[RDFTriple]
    removed: frozenset[RDFTriple]
    inconsistencies: tuple[Inconsistency, ...]
    """Every inconsistency of the state after the update."""


class InferredTriples(Collection[RDFTriple]):
    """The triples OWL 2 RL infers from designs, apart from the asserted ones.

    A collection of rdflib triples; ``graph()`` puts them in a graph. Holds no triple of the
    ontology's own closure and no asserted triple. ``inconsistencies`` lists what OWL 2 RL
    finds contradictory; ``raise_for_inconsistency()`` turns them into an error.
    """

    def __init__(
        self,
        triples: frozenset[RDFTriple],
        *,
        inconsistencies: tuple[Inconsistency, ...],
        engine: Engine,
        explainer: Explainer | None,
    ) -> None:
        self._triples = triples
        self.inconsistencies = inconsistencies
        self.engine: Engine = engine
        self._explainer = explainer

    def __iter__(self) -> Iterator[RDFTriple]:
        return iter(self._triples)

    def __len__(self) -> int:
        return len(self._triples)

    def __contains__(self, triple: object) -> bool:
        return triple in self._triples

    def __repr__(self) -> str:
        return (
            f"<InferredTriples: {len(self)} triples, "
            f"{len(self.inconsistencies)} inconsistencies, engine={self.engine}>"
        )

    @property
    def consistent(self) -> bool:
        """Whether OWL 2 RL found no inconsistency."""
        return not self.inconsistencies

    def raise_for_inconsistency(self) -> None:
        """Raise :class:`InconsistencyError` if OWL 2 RL found an inconsistency."""
        if self.inconsistencies:
            raise InconsistencyError(self.inconsistencies)

    def graph(self) -> Graph:
        """The inferred triples as an rdflib graph (the project's prefixes bound)."""
        graph = Graph()
        bind_prefixes(graph)
        graph.addN((s, p, o, graph) for s, p, o in self._triples)
        return graph

    def explain(self, triple: RDFTriple) -> Explanation:
        """Why ``triple`` holds, down to asserted facts (see :class:`Explanation`)."""
        if self._explainer is None:
            raise ReasoningError(
                "Explanations need the compiled rules, and these designs were reasoned by owlrl "
                "because of schema the rules do not cover. Remove that schema from the designs "
                "to get explanations."
            )
        return self._explainer.explain(triple)


# --- the reasoner ---------------------------------------------------------------------------------

_CACHE_SIZE = 8
_cache: dict[str, Rules] = {}
_cache_lock = threading.Lock()


def _compiled(ontology: Graph) -> Rules:
    """The compiled rules of ``ontology``, from the cache when its triples are unchanged."""
    key = ontology_key(ontology)
    with _cache_lock:
        rules = _cache.get(key)
    if rules is None:
        rules = compile_rules(ontology, key=key)
        with _cache_lock:
            if len(_cache) >= _CACHE_SIZE:
                del _cache[next(iter(_cache))]
            _cache[key] = rules
    return rules


def is_datatype_axiom(triple: RDFTriple) -> bool:
    """Whether owlrl's datatype rules made ``triple`` about a datatype (dt-type1, dt-diff).

    Such triples (``xsd:boolean a rdfs:Datatype``, ``xsd:boolean owl:disjointWith xsd:date``)
    say nothing about a design's nodes; they are left out of inferred results.

    >>> from rdflib.namespace import XSD
    >>> is_datatype_axiom((XSD.boolean, OWL.disjointWith, XSD.date))
    True
    """
    s, p, o = triple
    return (
        isinstance(s, URIRef)
        and str(s).startswith(_RL_DATATYPE_NAMESPACES)
        and ((p == RDF.type and o == RDFS.Datatype) or p == OWL.disjointWith)
    )


def _reported(triple: RDFTriple) -> bool:
    """Whether an owlrl consequence is reported: RDF (no literal subject), no datatype axiom."""
    return not isinstance(triple[0], RDFLiteral) and not is_datatype_axiom(triple)


@contextlib.contextmanager
def _without_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while facts are derived.

    Deriving allocates many tuples and sets that form no reference cycles, yet every allocation
    counts towards the collector's thresholds; its full collections then scan the whole store,
    which makes an update's time grow with the size of the store. Reference counting still frees
    everything; the collector runs again afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _as_triples(triples: DesignTriples) -> frozenset[RDFTriple]:
    return frozenset((s, p, o) for s, p, o in triples)


class Reasoner:
    """OWL 2 RL reasoning over designs, with one ontology compiled once.

    >>> from rdflib import Graph
    >>> reasoner = Reasoner.from_ontology()  # doctest: +SKIP
    >>> reasoner.infer(Graph()).consistent  # doctest: +SKIP
    True
    """

    def __init__(self, rules: Rules) -> None:
        self.rules = rules

    @classmethod
    def from_ontology(cls, ontology: Graph | None = None) -> Reasoner:
        """A reasoner for ``ontology`` (default: the project's ontology and concept scheme).

        The owlrl closure of the ontology is computed once per distinct set of triples and
        cached in the process; blank node labels do not matter.
        """
        return cls(_compiled(load_ontology() if ontology is None else ontology))

    @property
    def engine(self) -> Engine:
        """``"rules"`` when the compiled rules cover the ontology, else ``"owlrl"``."""
        return "rules" if self.rules.unsupported is None else "owlrl"

    def ontology_inferred(self) -> Graph:
        """What owlrl infers from the ontology alone (its closure less its own triples).

        Blank nodes are labelled as in the copy of the ontology that was compiled first (the
        cache ignores blank node labels).
        """
        graph = Graph()
        bind_prefixes(graph)
        ontology = self.rules.ontology
        for triple in self.rules.closure:
            if triple not in ontology and _reported(triple):
                graph.add(triple)
        return graph

    def infer(self, designs: Graph | Iterable[Graph] | Mapping[str, Graph]) -> InferredTriples:
        """The triples OWL 2 RL infers from ``designs`` together with the ontology.

        Name the designs (a mapping from id to graph) to see those names in explanations.

        >>> from rdflib import Graph
        >>> Reasoner.from_ontology().infer([Graph(), Graph()]).consistent  # doctest: +SKIP
        True
        """
        if isinstance(designs, Graph):
            named: Mapping[str, Graph] = {"design": designs}
        elif isinstance(designs, Mapping):
            named = designs
        else:
            named = {f"design-{number}": graph for number, graph in enumerate(designs, 1)}
        with _without_gc():
            state = ReasoningState(self)
            for name, graph in named.items():
                state._put(name, _as_triples(graph))
            return state._result(rebuild=True)

    def state(self) -> ReasoningState:
        """An empty :class:`ReasoningState` for incremental updates."""
        return ReasoningState(self)


# --- reasoning state --------------------------------------------------------------------------


class ReasoningState:
    """Designs under incremental reasoning: add, replace and remove one design at a time.

    Each update re-derives only what the changed design touches and returns a :class:`Delta`.
    Another design may support the same inferred triple; removing a design removes exactly the
    triples nothing else supports.

    >>> from rdflib import Graph
    >>> state = Reasoner.from_ontology().state()  # doctest: +SKIP
    >>> state.add("havenstad", Graph()).added  # doctest: +SKIP
    frozenset()
    """

    def __init__(self, reasoner: Reasoner) -> None:
        self.reasoner = reasoner
        self._designs: dict[str, frozenset[RDFTriple]] = {}
        self._schema: dict[str, frozenset[RDFTriple]] = {}
        self._store: FactStore | None = None
        self._rules: Rules | None = None
        self._extra: frozenset[RDFTriple] = frozenset()
        self._owlrl: tuple[frozenset[RDFTriple], tuple[Inconsistency, ...]] | None = None
        self._current: InferredTriples | None = None

    @property
    def designs(self) -> tuple[str, ...]:
        """The ids of the designs in the state, in the order they were added."""
        return tuple(self._designs)

    @property
    def engine(self) -> Engine:
        """How the state reasons now (owlrl only while a design's schema demands it)."""
        self._ensure()
        return "owlrl" if self._owlrl is not None else "rules"

    @property
    def inconsistencies(self) -> tuple[Inconsistency, ...]:
        """Every inconsistency OWL 2 RL finds in the designs with the ontology."""
        return self.inferred().inconsistencies

    def inferred(self) -> InferredTriples:
        """The current inferred triples.

        This converts the whole state to rdflib terms (once per update); to follow updates, use
        the :class:`Delta` each update returns.
        """
        if self._current is None:
            self._current = self._result(rebuild=False)
        return self._current

    def explain(self, triple: RDFTriple) -> Explanation:
        """Why ``triple`` holds, down to the asserted triples and the designs that assert them."""
        return self.inferred().explain(triple)

    def add(self, design_id: str, triples: DesignTriples) -> Delta:
        """Add a design; raises :class:`DesignError` if ``design_id`` is already present."""
        if design_id in self._designs:
            raise DesignError(
                f"The design {design_id!r} is already in the state. Use replace() to change it."
            )
        return self._update(design_id, _as_triples(triples))

    def replace(self, design_id: str, triples: DesignTriples) -> Delta:
        """Replace a design's triples (or add it), re-deriving only what changed."""
        return self._update(design_id, _as_triples(triples))

    def remove(self, design_id: str) -> Delta:
        """Remove a design and exactly the inferred triples that only it supported."""
        if design_id not in self._designs:
            raise DesignError(
                f"The design {design_id!r} is not in the state; it holds "
                f"{', '.join(map(repr, self._designs)) or 'no designs'}."
            )
        return self._update(design_id, None)

    # --- internals ----------------------------------------------------------------------------

    def _rules_for(self, schema: frozenset[RDFTriple]) -> Rules:
        base = self.reasoner.rules
        if not schema:
            return base
        ontology = Graph()
        for triple in base.ontology:
            ontology.add(triple)
        for triple in schema:
            ontology.add(triple)
        return _compiled(ontology)

    def _split(self, triples: frozenset[RDFTriple], rules: Rules) -> frozenset[RDFTriple]:
        """The schema triples of a design, as the rules see them (see ``Rules.is_schema``)."""
        ids = rules.terms.ids
        unknown: dict[Node, int] = {}  # terms the rules never saw: distinct negative numbers

        def number(term: Node) -> int:
            found = ids.get(term)
            if found is None:
                found = unknown.setdefault(term, -1 - len(unknown))
            return found

        schema = set()
        may_be_schema = rules.may_be_schema
        for s, p, o in triples:
            if may_be_schema((s, p, o)) and rules.is_schema((number(s), number(p), number(o))):
                schema.add((s, p, o))
        if schema:  # lists the schema refers to
            schema.update(t for t in triples if t[1] in (RDF.first, RDF.rest))
        return frozenset(schema)

    def _put(self, design_id: str, triples: frozenset[RDFTriple]) -> None:
        self._designs[design_id] = triples
        self._schema[design_id] = self._split(triples, self.reasoner.rules)
        self._store = None
        self._current = None

    def _all_schema(self) -> frozenset[RDFTriple]:
        return frozenset().union(*self._schema.values())

    def _ensure(self) -> None:
        """Build the engine for the designs present, from scratch."""
        if self._store is not None or self._owlrl is not None:
            return
        schema = self._all_schema()
        rules = self._rules_for(schema)
        # Schema the designs add may turn more of their triples into schema: repeat until stable.
        while schema and rules.unsupported is None:
            more = frozenset().union(*(self._split(t, rules) for t in self._designs.values()))
            if more <= schema:
                break
            schema = schema | more
            rules = self._rules_for(schema)
        self._rules = rules
        if rules.unsupported is not None:
            self._owlrl = self._owlrl_result()
            return
        store = FactStore(rules)
        ids = store.terms.triple
        store.add(ids(t) for triples in self._designs.values() for t in triples if t not in schema)
        self._store = store
        asserted = frozenset().union(*self._designs.values())
        base = self.reasoner.rules.closure
        self._extra = frozenset(
            t for t in rules.closure if t not in base and t not in asserted and _reported(t)
        )

    def _owlrl_result(self) -> tuple[frozenset[RDFTriple], tuple[Inconsistency, ...]]:
        graph = Graph()
        for triple in self.reasoner.rules.ontology:
            graph.add(triple)
        asserted = frozenset().union(*self._designs.values())
        for triple in asserted:
            graph.add(triple)
        closure, errors = owlrl_closure(graph)
        base = self.reasoner.rules.closure
        inferred = frozenset(
            t for t in closure if t not in base and t not in asserted and _reported(t)
        )
        return inferred, tuple(_from_owlrl(message) for message in errors)

    def _result(self, *, rebuild: bool) -> InferredTriples:
        if rebuild:
            self._store, self._owlrl = None, None
        self._ensure()
        if self._owlrl is not None:
            triples, inconsistencies = self._owlrl
            return InferredTriples(
                triples, inconsistencies=inconsistencies, engine="owlrl", explainer=None
            )
        store = self._store
        assert store is not None and self._rules is not None
        rdf = store.terms.rdf
        triples = frozenset(rdf(t) for t in store.inferred()) | self._extra
        return InferredTriples(
            triples,
            inconsistencies=_inconsistencies(store, self._rules),
            engine="rules",
            explainer=Explainer(store, self._designs),
        )

    def _update(self, design_id: str, triples: frozenset[RDFTriple] | None) -> Delta:
        with _without_gc():
            return self._apply(design_id, triples)

    def _apply(self, design_id: str, triples: frozenset[RDFTriple] | None) -> Delta:
        old = self._designs.get(design_id, frozenset())
        new = triples if triples is not None else frozenset()
        schema_before = self._all_schema()
        new_schema = self._split(new, self.reasoner.rules)
        fast = (
            self._store is not None
            and self._rules is self.reasoner.rules
            and not schema_before
            and not new_schema
        )
        if not fast:
            before = frozenset(self.inferred()) if self._designs else frozenset()
            if triples is None:
                del self._designs[design_id]
                del self._schema[design_id]
                self._store, self._owlrl, self._current = None, None, None
            else:
                self._put(design_id, new)
            result = self.inferred()
            after = frozenset(result)
            return Delta(after - before, before - after, result.inconsistencies)
        store = self._store
        assert store is not None
        ids = store.terms.triple
        store.begin()
        store.remove(ids(t) for t in old - new)
        store.add(ids(t) for t in new - old)
        added, removed, _, _ = store.changes()
        if triples is None:
            del self._designs[design_id]
            del self._schema[design_id]
        else:
            self._designs[design_id] = new
            self._schema[design_id] = new_schema
        self._current = None
        rdf = store.terms.rdf
        return Delta(
            frozenset(rdf(t) for t in added),
            frozenset(rdf(t) for t in removed),
            _inconsistencies(store, self.reasoner.rules),
        )


# --- inconsistencies ------------------------------------------------------------------------------


def _inconsistencies(store: FactStore, rules: Rules) -> tuple[Inconsistency, ...]:
    found: dict[str, Inconsistency] = {}
    for findings in store.findings.values():
        for finding in findings:
            inconsistency = _from_finding(store, finding)
            found.setdefault(inconsistency.owlrl_message, inconsistency)
    for message in rules.base_errors:
        found.setdefault(message, _from_owlrl(message))
    return tuple(sorted(found.values(), key=lambda i: i.owlrl_message))


def _from_finding(store: FactStore, finding: Finding) -> Inconsistency:
    rule, node_id, first_id, second_id = finding
    term = store.terms.term
    node = term(node_id)
    if rule == "dt-lexical":
        datatype = term(first_id)
        return Inconsistency(
            rule,
            node,
            (datatype,),
            f"The literal {node.n3()} is not a valid {datatype.n3()} value. Write it in that "
            "datatype's lexical form, or use another datatype.",
            f"Lexical value of the literal '{node}' does not match its datatype ({datatype})",
        )
    if rule == "cls-nothing2":
        return Inconsistency(
            rule,
            node,
            (OWL.Nothing,),
            f"{node.n3()} is a member of owl:Nothing, which has no members. Remove the type, or "
            "what implies it.",
            f"{node} is defined of type 'Nothing'",
        )
    first, second = term(first_id), term(second_id)
    return Inconsistency(
        rule,
        node,
        (first, second),
        f"{node.n3()} is both a {first.n3()} and a {second.n3()}, which the ontology declares "
        "disjoint. Give it only one of the two types (check what implies each: its asserted "
        "types and the domains and ranges of the properties used on it).",
        f"Disjoint classes {first} and {second} have a common individual {node}",
    )


def _from_owlrl(message: str) -> Inconsistency:
    return Inconsistency(
        "owlrl",
        None,
        (),
        f"owlrl reports: {message}. Correct the design (or the ontology) so that it no longer "
        "contradicts OWL 2 RL.",
        message,
    )


# --- convenience, parsing and rendering -----------------------------------------------------------


def infer(
    design: Graph,
    *,
    ontology: Graph | None = None,
    on_inconsistency: Literal["raise", "ignore"] = "raise",
) -> Graph:
    """The triples OWL 2 RL infers about ``design``, with the ontology and scheme as context.

    Returns only inferred triples: nothing asserted in ``design`` and nothing the ontology
    entails on its own. Raises :class:`InconsistencyError` if the design is inconsistent,
    unless ``on_inconsistency="ignore"``.

    >>> from ketenontologie.loading import load_graph
    >>> inferred = infer(load_graph("data/voorbeeldketen-havenstad.ttl"))  # doctest: +SKIP
    >>> len(inferred) > 0  # doctest: +SKIP
    True
    """
    result = Reasoner.from_ontology(ontology).infer(design)
    if on_inconsistency == "raise":
        result.raise_for_inconsistency()
    return result.graph()
