"""OWL 2 RL reasoning over chain designs: exact (equal to owlrl), incremental and fast.

The ontology (with the concept scheme) is closed once by owlrl and compiled into rules over
individuals (:mod:`ketenontologie.reasoning.rules`); designs are then reasoned with those
rules (:mod:`ketenontologie.reasoning.facts`) and the result is kept apart from what was asserted.
A design that carries schema of its own (``rdfs:subClassOf``, ``owl:sameAs`` …) is reasoned
with rules compiled from the ontology plus that schema, or by owlrl itself where the rules
cannot express it, so the result stays equal to owlrl's closure. See ``docs/reasoning.md``.

Everything here speaks pyoxigraph terms: a design is an iterable of :class:`pyoxigraph.Triple`,
:class:`pyoxigraph.Quad` (its graph ignored) or :data:`~ketenontologie.terms.TermTriple`
(``(s, p, o)`` tuples of pyoxigraph terms), and every triple given back is a ``TermTriple``. An
rdflib graph is accepted as a design too, and converted on the way in; rdflib and owlrl are
needed only to compile rules, for the owlrl fallback and for :meth:`InferredTriples.graph`.

>>> from ketenontologie.loading import parse_file
>>> reasoner = Reasoner.from_ontology()  # doctest: +SKIP
>>> inferred = reasoner.infer(parse_file("data/loonaangifteketen.ttl").quads)  # doctest: +SKIP
>>> inferred.consistent  # doctest: +SKIP
True
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, cast

import pyoxigraph as ox

from ketenontologie.errors import DesignError, InconsistencyError, ReasoningError
from ketenontologie.reasoning import facts as facts_module
from ketenontologie.reasoning import rules as rules_module
from ketenontologie.reasoning.facts import FactStore, Finding
from ketenontologie.reasoning.rules import (
    DISJOINT_WITH,
    NOTHING,
    RDF,
    RDF_FIRST,
    RDF_REST,
    RDF_TYPE,
    RDFS,
    RDFS_DATATYPE,
    XSD,
    OntologyTriples,
    Rules,
    compile_rules,
    ontology_key,
    owlrl_closure,
    owlrl_lexical,
)
from ketenontologie.resources import cache_key, load_cached, store_cached
from ketenontologie.terms import OxTerm, TermCache, TermTriple, term_triple

if TYPE_CHECKING:
    from rdflib import Graph

    from ketenontologie.reasoning.explain import Explainer, Explanation

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

OutputFormat: TypeAlias = Literal["turtle", "trig", "nt", "jsonld"]
"""Serialisations of :func:`serialize`."""
Include: TypeAlias = Literal["all", "inferred"]
"""What :func:`serialize` writes: asserted and inferred triples, or the inferred ones only."""
Engine: TypeAlias = Literal["rules", "owlrl"]
"""How a result was computed: compiled rules, or owlrl itself (schema the rules do not cover)."""

DesignTriples: TypeAlias = "Graph | Iterable[ox.Triple | ox.Quad | TermTriple]"
"""A design: pyoxigraph triples, quads (their graph ignored) or term triples; or an rdflib graph."""

_RL_DATATYPE_NAMESPACES = (RDF, RDFS, XSD)

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
    node: OxTerm | None
    classes: tuple[OxTerm, ...]
    message: str
    owlrl_message: str


@dataclass(frozen=True)
class Delta:
    """What one update of a :class:`ReasoningState` changed in the inferred triples."""

    added: frozenset[TermTriple]
    removed: frozenset[TermTriple]
    inconsistencies: tuple[Inconsistency, ...]
    """Every inconsistency of the state after the update."""


class InferredTriples(Collection[TermTriple]):
    """The triples OWL 2 RL infers from designs, apart from the asserted ones.

    A collection of term triples (tuples of pyoxigraph terms; never a literal as subject);
    ``graph()`` puts them in an rdflib graph. Holds no triple of the
    ontology's own closure and no asserted triple. ``inconsistencies`` lists what OWL 2 RL
    finds contradictory; ``raise_for_inconsistency()`` turns them into an error.
    """

    def __init__(
        self,
        triples: frozenset[TermTriple],
        *,
        inconsistencies: tuple[Inconsistency, ...],
        engine: Engine,
        explainer: Explainer | Callable[[], Explainer] | None,
    ) -> None:
        self._triples = triples
        self.inconsistencies = inconsistencies
        self.engine: Engine = engine
        self._explainer = explainer

    def __iter__(self) -> Iterator[TermTriple]:
        return iter(self._triples)

    def __len__(self) -> int:
        return len(self._triples)

    def __contains__(self, triple: object) -> bool:
        if isinstance(triple, ox.Triple):
            triple = term_triple(triple)
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
        from ketenontologie.namespaces import bind_prefixes
        from ketenontologie.terms import to_rdflib_graph

        graph = to_rdflib_graph(self._triples)
        bind_prefixes(graph)
        return graph

    def explain(self, triple: TermTriple | ox.Triple) -> Explanation:
        """Why ``triple`` holds, down to asserted facts (see :class:`Explanation`)."""
        if callable(self._explainer):  # made when first asked for: most results never are
            self._explainer = self._explainer()
        if self._explainer is None:
            raise ReasoningError(
                "Explanations need the compiled rules, and these designs were reasoned by owlrl "
                "because of schema the rules do not cover. Remove that schema from the designs "
                "to get explanations."
            )
        return self._explainer.explain(term_triple(triple))


# --- the reasoner ---------------------------------------------------------------------------------

_CACHE_SIZE = 8
_cache: dict[str, Rules] = {}
_cache_lock = threading.Lock()


def _compiled(ontology: OntologyTriples) -> Rules:
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


def files_key(paths: Sequence[Path]) -> str:
    """A key for the rules compiled from ``paths``: their names and bytes, and the code.

    >>> len(files_key([]))
    64
    """
    return cache_key(
        code=(rules_module.__file__, facts_module.__file__),
        files=paths,
        extra=f"owlrl {_distribution_version('owlrl')}",
    )


def _distribution_version(name: str) -> str:
    """The installed version of the distribution that provides package ``name``.

    Read from the ``{name}-{version}.dist-info`` folder beside the package, which costs a
    directory listing; :mod:`importlib.metadata` (the fallback) costs a tenth of a second to
    import, a third of what validating a design may take.
    """
    from importlib.machinery import PathFinder

    spec = PathFinder.find_spec(name)
    if spec is not None and spec.origin is not None:
        folder = Path(spec.origin).parent.parent
        found = sorted(folder.glob(f"{name}-*.dist-info"))
        if len(found) == 1:
            return found[0].name.removeprefix(f"{name}-").removesuffix(".dist-info")
    from importlib.metadata import version

    return version(name)


def _load_cached(key: str) -> Rules | None:
    """Compiled rules from the disk cache, or None (also when the file is unreadable)."""
    rules = load_cached("rules", key)
    return rules if isinstance(rules, Rules) else None


def is_datatype_axiom(triple: TermTriple) -> bool:
    """Whether owlrl's datatype rules made ``triple`` about a datatype (dt-type1, dt-diff).

    Such triples (``xsd:boolean a rdfs:Datatype``, ``xsd:boolean owl:disjointWith xsd:date``)
    say nothing about a design's nodes; they are left out of inferred results.

    >>> boolean, date = ox.NamedNode(XSD + "boolean"), ox.NamedNode(XSD + "date")
    >>> is_datatype_axiom((boolean, DISJOINT_WITH, date))
    True
    """
    s, p, o = triple
    return (
        isinstance(s, ox.NamedNode)
        and s.value.startswith(_RL_DATATYPE_NAMESPACES)
        and ((p == RDF_TYPE and o == RDFS_DATATYPE) or p == DISJOINT_WITH)
    )


def _reported(triple: TermTriple) -> bool:
    """Whether an owlrl consequence is reported: RDF (no literal subject), no datatype axiom."""
    return not isinstance(triple[0], ox.Literal) and not is_datatype_axiom(triple)


def _normalised(triples: Iterable[TermTriple]) -> set[TermTriple]:
    """``triples`` as owlrl sees them: through rdflib, which normalises literals it can read."""
    cache = TermCache()
    return set(cache.ox_triples(cache.rdflib_triples(triples)))


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


def _is_rdflib_graph(value: object) -> bool:
    return type(value).__module__.startswith("rdflib") and hasattr(value, "triples")


def _as_triples(triples: DesignTriples) -> frozenset[TermTriple]:
    """A design's triples as term triples (an rdflib graph converted through ``terms``)."""
    if _is_rdflib_graph(triples):
        graph = cast("Graph", triples)
        return frozenset(TermCache().ox_triples(graph.triples((None, None, None))))
    given = cast("Iterable[ox.Triple | ox.Quad | TermTriple]", triples)
    return frozenset(term_triple(triple) for triple in given)


def _is_triple(value: object) -> bool:
    if isinstance(value, ox.Triple | ox.Quad):
        return True
    return (
        isinstance(value, tuple)
        and len(value) == 3
        and isinstance(value[0], ox.NamedNode | ox.BlankNode | ox.Literal)
    )


class Reasoner:
    """OWL 2 RL reasoning over designs, with one ontology compiled once.

    >>> reasoner = Reasoner.from_ontology()  # doctest: +SKIP
    >>> reasoner.infer([]).consistent  # doctest: +SKIP
    True
    """

    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        self._ontology: tuple[frozenset[TermTriple], frozenset[TermTriple]] | None = None

    @classmethod
    def from_ontology(cls, ontology: OntologyTriples | None = None) -> Reasoner:
        """A reasoner for ``ontology`` (default: the project's ontology and concept scheme).

        ``ontology`` is pyoxigraph triples or quads (or an rdflib graph). The owlrl closure of
        the ontology is computed once per distinct set of triples and cached in the process;
        blank node labels do not matter.
        """
        if ontology is None:
            from ketenontologie.resources import ontology_files

            return cls.from_files(ontology_files())
        return cls(_compiled(ontology))

    @classmethod
    def from_files(cls, paths: Sequence[Path]) -> Reasoner:
        """A reasoner for the ontology in ``paths``, compiled once per version of the files.

        The compiled rules are kept in the process and on disk
        (:func:`~ketenontologie.resources.cache_dir`), keyed by the files' bytes and the code
        that compiles them, so that a new process reads them in milliseconds instead of
        running owlrl over the ontology again.
        """
        key = files_key(paths)
        with _cache_lock:
            rules = _cache.get(key)
        if rules is None:
            rules = _load_cached(key)
            if rules is None:
                from ketenontologie.loading import parse_quads

                rules = compile_rules(parse_quads(paths))
                store_cached("rules", key, rules)
            with _cache_lock:
                _cache[key] = rules
        return cls(rules)

    @property
    def engine(self) -> Engine:
        """``"rules"`` when the compiled rules cover the ontology, else ``"owlrl"``."""
        return "rules" if self.rules.unsupported is None else "owlrl"

    def ontology(self) -> frozenset[TermTriple]:
        """The ontology's own triples (as owlrl read them).

        Blank nodes are labelled as in the copy of the ontology that was compiled first (the
        cache ignores blank node labels), as in :meth:`ontology_inferred`.
        """
        return self._ontology_parts()[0]

    def ontology_inferred(self) -> frozenset[TermTriple]:
        """What owlrl infers from the ontology alone (its closure less its own triples).

        Blank nodes are labelled as in the copy of the ontology that was compiled first (the
        cache ignores blank node labels).
        """
        return self._ontology_parts()[1]

    def _ontology_parts(self) -> tuple[frozenset[TermTriple], frozenset[TermTriple]]:
        if self._ontology is None:
            rules = self.rules
            terms = rules.terms.term_triple
            inferred = (terms(t) for t in rules.base - rules.ontology)
            self._ontology = (
                frozenset(rules.ontology_triples()),
                frozenset(t for t in inferred if _reported(t)),
            )
        return self._ontology

    def infer(
        self, designs: DesignTriples | Iterable[DesignTriples] | Mapping[str, DesignTriples]
    ) -> InferredTriples:
        """The triples OWL 2 RL infers from ``designs`` together with the ontology.

        ``designs`` is one design (its triples), several, or a mapping from name to design:
        name the designs to see those names in explanations.

        >>> Reasoner.from_ontology().infer([[], []]).consistent  # doctest: +SKIP
        True
        """
        named: Mapping[str, DesignTriples]
        if isinstance(designs, Mapping):
            named = designs
        elif _is_rdflib_graph(designs):
            named = {"design": designs}  # type: ignore[dict-item]
        else:
            given: list[Any] = list(cast("Iterable[Any]", designs))
            if given and _is_triple(given[0]):
                named = {"design": given}
            else:
                named = {f"design-{number}": design for number, design in enumerate(given, 1)}
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

    >>> state = Reasoner.from_ontology().state()  # doctest: +SKIP
    >>> state.add("havenstad", []).added  # doctest: +SKIP
    frozenset()
    """

    def __init__(self, reasoner: Reasoner) -> None:
        self.reasoner = reasoner
        self._designs: dict[str, frozenset[TermTriple]] = {}
        self._schema: dict[str, frozenset[TermTriple]] = {}
        self._store: FactStore | None = None
        self._rules: Rules | None = None
        self._extra: frozenset[TermTriple] = frozenset()
        self._owlrl: tuple[frozenset[TermTriple], tuple[Inconsistency, ...]] | None = None
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

        This turns the whole state into term triples (once per update); to follow updates, use
        the :class:`Delta` each update returns.
        """
        if self._current is None:
            self._current = self._result(rebuild=False)
        return self._current

    def explain(self, triple: TermTriple | ox.Triple) -> Explanation:
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

    def _rules_for(self, schema: frozenset[TermTriple]) -> Rules:
        base = self.reasoner.rules
        if not schema:
            return base
        return _compiled([*base.ontology_triples(), *schema])

    def _split(self, triples: frozenset[TermTriple], rules: Rules) -> frozenset[TermTriple]:
        """The schema triples of a design, as the rules see them (see ``Rules.is_schema``)."""
        ids = rules.terms.ids
        unknown: dict[OxTerm, int] = {}  # terms the rules never saw: distinct negative numbers

        def number(term: OxTerm) -> int:
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
            schema.update(t for t in triples if t[1] == RDF_FIRST or t[1] == RDF_REST)
        return frozenset(schema)

    def _put(self, design_id: str, triples: frozenset[TermTriple]) -> None:
        self._designs[design_id] = triples
        self._schema[design_id] = self._split(triples, self.reasoner.rules)
        self._store = None
        self._current = None

    def _all_schema(self) -> frozenset[TermTriple]:
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
        if rules is self.reasoner.rules:
            self._extra = frozenset()
            return
        # The schema went into the rules' closure; what owlrl infers from it is inferred too.
        asserted = _normalised(frozenset().union(*self._designs.values()))
        base = set(self.reasoner.rules.closure_triples())
        self._extra = frozenset(
            t
            for t in rules.closure_triples()
            if t not in base and t not in asserted and _reported(t)
        )

    def _owlrl_result(self) -> tuple[frozenset[TermTriple], tuple[Inconsistency, ...]]:
        """owlrl's closure of the ontology with every design, compared as owlrl sees them."""
        from ketenontologie.terms import to_rdflib_graph

        rules = self.reasoner.rules
        asserted = frozenset().union(*self._designs.values())
        cache = TermCache()
        closure, errors = owlrl_closure(to_rdflib_graph([*rules.ontology_triples(), *asserted]))
        known = set(cache.rdflib_triples(rules.closure_triples()))
        known.update(cache.rdflib_triples(asserted))
        found = cache.ox_triples(t for t in closure if t not in known)
        inferred = frozenset(t for t in found if _reported(t))
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
        terms = store.terms.term_triple
        triples = frozenset(map(terms, store.inferred())) | self._extra
        return InferredTriples(
            triples,
            inconsistencies=_inconsistencies(store, self._rules),
            engine="rules",
            explainer=partial(_explainer, store, self._designs),
        )

    def _update(self, design_id: str, triples: frozenset[TermTriple] | None) -> Delta:
        with _without_gc():
            return self._apply(design_id, triples)

    def _apply(self, design_id: str, triples: frozenset[TermTriple] | None) -> Delta:
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
        terms = store.terms.term_triple
        return Delta(
            frozenset(map(terms, added)),
            frozenset(map(terms, removed)),
            _inconsistencies(store, self.reasoner.rules),
        )


def _explainer(store: FactStore, designs: Mapping[str, frozenset[TermTriple]]) -> Explainer:
    from ketenontologie.reasoning.explain import Explainer

    return Explainer(store, designs)


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


def _owlrl_text(term: OxTerm) -> str:
    """``term`` as owlrl's messages write it: an IRI or blank node label, a literal's lexical
    form as rdflib gives it."""
    return owlrl_lexical(term) if isinstance(term, ox.Literal) else term.value


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
            f"The literal {node} is not a valid {datatype} value. Write it in that "
            "datatype's lexical form, or use another datatype.",
            f"Lexical value of the literal '{_owlrl_text(node)}' does not match its datatype "
            f"({_owlrl_text(datatype)})",
        )
    if rule == "cls-nothing2":
        return Inconsistency(
            rule,
            node,
            (NOTHING,),
            f"{node} is a member of owl:Nothing, which has no members. Remove the type, or "
            "what implies it.",
            f"{_owlrl_text(node)} is defined of type 'Nothing'",
        )
    first, second = term(first_id), term(second_id)
    return Inconsistency(
        rule,
        node,
        (first, second),
        f"{node} is both a {first} and a {second}, which the ontology declares "
        "disjoint. Give it only one of the two types (check what implies each: its asserted "
        "types and the domains and ranges of the properties used on it).",
        f"Disjoint classes {_owlrl_text(first)} and {_owlrl_text(second)} have a common "
        f"individual {_owlrl_text(node)}",
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
    design: DesignTriples,
    *,
    ontology: OntologyTriples | None = None,
    on_inconsistency: Literal["raise", "ignore"] = "raise",
) -> Graph:
    """The triples OWL 2 RL infers about ``design``, with the ontology and scheme as context,
    as an rdflib graph (a convenience for rdflib users; :meth:`Reasoner.infer` gives terms).

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
