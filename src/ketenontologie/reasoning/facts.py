"""Keep a set of facts closed under compiled OWL 2 RL rules, as triples are added and removed.

A :class:`FactStore` holds the ontology's closure plus the triples of designs, all interned (see
:mod:`ketenontologie.reasoning.rules`), with two indexes: (predicate, subject) → objects and
(predicate, object) → subjects. Adding triples runs the rules semi-naively: each new fact is
joined once with the facts present, through the indexes. Removing triples uses DRed
(delete and re-derive): everything that has *a* derivation through a removed fact is taken out,
and whatever still has a derivation from what is left is put back. Both cost what the change
touches, not the size of the store.

Two consequences of owlrl's rules are kept as *views* rather than stored facts, because they
depend only on which terms occur: ``x owl:sameAs x`` for every term (eq-ref) and the typing of
literals by their datatype (dt-type2). Inconsistencies are recomputed for the nodes an update
touches.

>>> import pyoxigraph as ox
>>> from ketenontologie.reasoning.rules import RDF_TYPE, SUBCLASS_OF, compile_rules
>>> keten = "https://w3id.org/ketenontologie/def#"
>>> manager, role = ox.NamedNode(keten + "ChainManager"), ox.NamedNode(keten + "ChainRole")
>>> store = FactStore(compile_rules([(manager, SUBCLASS_OF, role)]))
>>> km = ox.NamedNode("https://w3id.org/ketenontologie/id/rol/km")
>>> store.add([store.terms.triple((km, RDF_TYPE, manager))])
>>> (km, RDF_TYPE, role) in {store.terms.term_triple(t) for t in store.inferred()}
True
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ketenontologie.reasoning.rules import (
    DOMAIN,
    RANGE,
    SUBCLASS_OF,
    SUBPROPERTY_OF,
    TRANSITIVE,
    Rules,
    TermTable,
    Triple,
    lexical_error,
)

__all__ = ["Derivation", "FactStore", "Finding"]

Finding = tuple[str, int, int, int]
"""An inconsistency: (rule, node, first class or datatype, second class); -1 where unused."""

Derivation = tuple[str, tuple[Triple, ...], tuple[Triple, ...]]
"""One rule instance: (rule, premises, the ontology's axioms it rests on)."""

_SHIFT = 32

_Plan = tuple[
    tuple[int, ...],
    tuple[int, ...],
    tuple[int, ...],
    tuple[int, ...],
    bool,
    tuple[tuple[int, tuple[int, ...], int], ...],
]
_NO_RULES: _Plan = ((), (), (), (), False, ())


class _Tracker:
    """Remembers what the output looked like before an update, for the facts it touches."""

    __slots__ = ("facts", "findings", "nodes")

    def __init__(self) -> None:
        self.facts: dict[Triple, bool] = {}
        self.nodes: dict[int, bool] = {}
        self.findings: dict[int, frozenset[Finding]] = {}


class FactStore:
    """Facts closed under the compiled rules; asserted triples are counted, so that several
    designs can assert the same triple."""

    def __init__(self, rules: Rules) -> None:
        if rules.unsupported is not None:
            raise ValueError(f"the compiled rules cannot reason here: {rules.unsupported}")
        self.rules = rules
        self.terms: TermTable = rules.terms.copy()
        self.facts: set[Triple] = set()
        self.by_subject: dict[int, set[int]] = {}  # (p << 32 | s) -> objects
        self.by_object: dict[int, set[int]] = {}  # (p << 32 | o) -> subjects
        self.asserted: dict[Triple, int] = {}
        self.occurrences: dict[int, int] = {}  # node -> number of non-base facts naming it
        self.datatype_use: dict[int, int] = {}  # datatype -> literals in use with it
        self.literals_of: dict[int, set[int]] = {}  # datatype -> literals in use with it
        self.findings: dict[int, frozenset[Finding]] = {}
        self._tracker: _Tracker | None = None
        self._touched: set[int] = set()
        self._plans: dict[int, _Plan] = {}
        self._datatypes_changed: set[int] = set()
        ids = self.terms.id
        self._subclass = ids(SUBCLASS_OF)
        self._subproperty = ids(SUBPROPERTY_OF)
        self._domain = ids(DOMAIN)
        self._range = ids(RANGE)
        self._transitive = ids(TRANSITIVE)
        for triple in rules.base:
            self._index(triple)

    # --- the facts and their indexes ----------------------------------------------------------

    def _index(self, triple: Triple) -> None:
        s, p, o = triple
        self.facts.add(triple)
        key = p << _SHIFT
        found = self.by_subject.get(key | s)
        if found is None:
            self.by_subject[key | s] = {o}
        else:
            found.add(o)
        found = self.by_object.get(key | o)
        if found is None:
            self.by_object[key | o] = {s}
        else:
            found.add(s)

    def _unindex(self, triple: Triple) -> None:
        s, p, o = triple
        self.facts.discard(triple)
        key = p << _SHIFT
        objects = self.by_subject[key | s]
        objects.discard(o)
        if not objects:
            del self.by_subject[key | s]
        subjects = self.by_object[key | o]
        subjects.discard(s)
        if not subjects:
            del self.by_object[key | o]

    def _add_fact(self, triple: Triple) -> None:
        tracker = self._tracker
        if tracker is not None and triple not in tracker.facts:
            tracker.facts[triple] = self.visible(triple)
        self._index(triple)
        occurrences = self.occurrences
        for node in triple:
            count = occurrences.get(node, 0)
            occurrences[node] = count + 1
            if not count:
                self._appeared(node, +1)
        if triple[1] == self.rules.type:
            self._touched.add(triple[0])

    def _remove_fact(self, triple: Triple) -> None:
        tracker = self._tracker
        if tracker is not None and triple not in tracker.facts:
            tracker.facts[triple] = self.visible(triple)
        self._unindex(triple)
        occurrences = self.occurrences
        for node in triple:
            count = occurrences[node] - 1
            if count:
                occurrences[node] = count
            else:
                del occurrences[node]
                self._appeared(node, -1)
        if triple[1] == self.rules.type:
            self._touched.add(triple[0])

    def _appeared(self, node: int, change: int) -> None:
        """A node began (+1) or ceased (-1) to occur in the facts of designs."""
        tracker = self._tracker
        if tracker is not None and node not in tracker.nodes:
            tracker.nodes[node] = change < 0  # it was visible before iff it now disappears
        if node not in self.terms.literals:
            return
        self._touched.add(node)
        datatype = self.terms.datatypes.get(node)
        if datatype is None:
            return
        supers = self.rules.datatype_supers.get(datatype)
        if supers is None:
            return  # not an OWL 2 RL datatype: owlrl's datatype rules ignore it
        if change > 0:
            self.literals_of.setdefault(datatype, set()).add(node)
        else:
            self.literals_of[datatype].discard(node)
        for used in (datatype, *supers):
            before = self.datatype_use.get(used, 0)
            after = before + change
            if after:
                self.datatype_use[used] = after
            else:
                del self.datatype_use[used]
            if not before or not after:
                self._datatypes_changed.add(used)

    # --- what is visible outside --------------------------------------------------------------

    def visible(self, triple: Triple) -> bool:
        """Whether ``triple`` is an inferred triple: derived, not asserted, not in the ontology's
        closure, and RDF (its subject is no literal)."""
        if triple[1] == self.rules.same_as and triple[0] == triple[2]:
            return self._node_visible(triple[0])  # eq-ref, a view
        return (
            triple in self.facts
            and triple not in self.asserted
            and triple not in self.rules.base
            and triple[0] not in self.terms.literals
        )

    def _node_visible(self, node: int) -> bool:
        return (
            node in self.occurrences
            and node not in self.rules.base_nodes
            and node not in self.terms.literals
            and (node, self.rules.same_as, node) not in self.asserted
        )

    def inferred(self) -> Iterator[Triple]:
        """Every inferred triple (see :meth:`visible`), eq-ref's ``x owl:sameAs x`` included."""
        base, asserted, literals = self.rules.base, self.asserted, self.terms.literals
        for triple in self.facts:
            if triple[0] not in literals and triple not in asserted and triple not in base:
                yield triple
        same_as = self.rules.same_as
        for node in self.occurrences:
            if self._node_visible(node):
                yield (node, same_as, node)

    def types(self, node: int) -> set[int]:
        """The classes ``node`` is a member of in the facts (dt-type2 typing not included)."""
        return set(self.by_subject.get(self.rules.type << _SHIFT | node, ()))

    # --- updates ------------------------------------------------------------------------------

    def begin(self) -> None:
        """Start recording what the output looked like, for :meth:`changes`."""
        self._tracker = _Tracker()

    def changes(self) -> tuple[set[Triple], set[Triple], set[Finding], set[Finding]]:
        """(added, removed) inferred triples and (added, removed) findings since :meth:`begin`."""
        tracker, self._tracker = self._tracker, None
        if tracker is None:
            raise RuntimeError("changes() called without begin()")
        added: set[Triple] = set()
        removed: set[Triple] = set()
        for triple, before in tracker.facts.items():
            after = self.visible(triple)
            if after != before:
                (added if after else removed).add(triple)
        same_as = self.rules.same_as
        for node, before in tracker.nodes.items():
            before = before and node not in self.rules.base_nodes
            before = before and node not in self.terms.literals
            after = self._node_visible(node)
            if after != before:
                (added if after else removed).add((node, same_as, node))
        found_added: set[Finding] = set()
        found_removed: set[Finding] = set()
        for node, before_findings in tracker.findings.items():
            after_findings = self.findings.get(node, frozenset())
            found_added |= after_findings - before_findings
            found_removed |= before_findings - after_findings
        return added, removed, found_added, found_removed

    def add(self, triples: Iterable[Triple]) -> None:
        """Assert ``triples`` (once more, if already asserted) and derive their consequences."""
        agenda: list[Triple] = []
        asserted, facts, tracker = self.asserted, self.facts, self._tracker
        for triple in triples:
            count = asserted.get(triple, 0)
            if not count and tracker is not None and triple not in tracker.facts:
                tracker.facts[triple] = self.visible(triple)
            asserted[triple] = count + 1
            if triple not in facts:
                self._add_fact(triple)
                agenda.append(triple)
        self._saturate(agenda)
        self._refresh_findings()

    def remove(self, triples: Iterable[Triple]) -> None:
        """Retract one assertion of each of ``triples``; drop what no longer follows (DRed)."""
        seeds: list[Triple] = []
        asserted, base, tracker = self.asserted, self.rules.base, self._tracker
        for triple in triples:
            count = asserted.get(triple, 0) - 1
            if count > 0:
                asserted[triple] = count
                continue
            if count < 0:
                continue
            if tracker is not None and triple not in tracker.facts:
                tracker.facts[triple] = self.visible(triple)
            del asserted[triple]
            if triple not in base:
                seeds.append(triple)
        # 1. Over-delete: everything with some derivation that uses a deleted fact.
        doomed = set(seeds)
        stack = list(seeds)
        facts = self.facts
        while stack:
            for consequence in self._consequences(stack.pop()):
                if (
                    consequence not in doomed
                    and consequence in facts
                    and consequence not in base
                    and consequence not in asserted
                ):
                    doomed.add(consequence)
                    stack.append(consequence)
        for triple in doomed:
            self._remove_fact(triple)
        # 2. Re-derive: what still has a derivation from the remaining facts comes back.
        agenda: list[Triple] = []
        for triple in doomed:
            if next(self.derivations(triple), None) is not None:
                self._add_fact(triple)
                agenda.append(triple)
        self._saturate(agenda)
        self._refresh_findings()

    # --- rules --------------------------------------------------------------------------------

    def _saturate(self, agenda: list[Triple]) -> None:
        facts, consequences, add = self.facts, self._consequences, self._add_fact
        while agenda:
            for consequence in consequences(agenda.pop()):
                if consequence not in facts:
                    add(consequence)
                    agenda.append(consequence)

    def _plan(self, predicate: int) -> _Plan:
        """What the rules do with a triple of ``predicate``, looked up once per predicate."""
        rules = self.rules
        plan = (
            rules.domains.get(predicate, ()),
            rules.ranges.get(predicate, ()),
            rules.superproperties.get(predicate, ()),
            rules.inverses.get(predicate, ()),
            predicate in rules.transitive,
            rules.chain_links.get(predicate, ()),
        )
        if plan == _NO_RULES:
            plan = _NO_RULES
        self._plans[predicate] = plan
        return plan

    def _consequences(self, triple: Triple) -> list[Triple]:
        """Everything one rule derives from ``triple`` together with the facts present."""
        s, p, o = triple
        type_ = self.rules.type
        out: list[Triple] = []
        if p == type_:
            supers = self.rules.superclasses.get(o)
            if supers:
                out.extend([(s, type_, c) for c in supers])
        plan = self._plans.get(p) or self._plan(p)
        if plan is _NO_RULES:
            return out
        domains, ranges, superproperties, inverses, transitive, links = plan
        if domains:
            out.extend([(s, type_, c) for c in domains])
        if ranges:
            out.extend([(o, type_, c) for c in ranges])
        if superproperties:
            out.extend([(s, q, o) for q in superproperties])
        if inverses:
            out.extend([(o, q, s) for q in inverses])
        if transitive:
            key = p << _SHIFT
            out.extend([(s, p, z) for z in self.by_subject.get(key | o, ())])
            out.extend([(w, p, o) for w in self.by_object.get(key | s, ())])
        for head, chain, position in links:
            starts = self._walk([s], reversed(chain[:position]), backwards=True)
            ends = self._walk([o], chain[position + 1 :], backwards=False)
            out.extend([(a, head, b) for a in starts for b in ends])
        return out

    def _walk(self, nodes: list[int], steps: Iterable[int], *, backwards: bool) -> list[int]:
        index = self.by_object if backwards else self.by_subject
        for step in steps:
            key = step << _SHIFT
            nodes = list({n for node in nodes for n in index.get(key | node, ())})
            if not nodes:
                break
        return nodes

    def derivations(self, triple: Triple) -> Iterator[Derivation]:
        """Every rule instance that derives ``triple`` in one step from the facts present."""
        x, q, y = triple
        rules = self.rules
        type_ = rules.type
        by_subject, by_object = self.by_subject, self.by_object
        if q == type_:
            for d in by_subject.get(type_ << _SHIFT | x, ()):
                if y in rules.superclasses.get(d, ()):
                    yield "cax-sco", ((x, type_, d),), ((d, self._subclass, y),)
            for p in rules.domain_of.get(y, ()):
                for o in by_subject.get(p << _SHIFT | x, ()):
                    yield "prp-dom", ((x, p, o),), ((p, self._domain, y),)
            for p in rules.range_of.get(y, ()):
                for s in by_object.get(p << _SHIFT | x, ()):
                    yield "prp-rng", ((s, p, x),), ((p, self._range, y),)
        for p in rules.subproperties.get(q, ()):
            if y in by_subject.get(p << _SHIFT | x, ()):
                yield "prp-spo1", ((x, p, y),), ((p, self._subproperty, q),)
        for p in rules.inverses.get(q, ()):
            if x in by_subject.get(p << _SHIFT | y, ()):
                axiom = rules.inverse_axioms[(p, q)]
                rule = "prp-symp" if axiom[1] == type_ else "prp-inv"
                yield rule, ((y, p, x),), (axiom,)
        if q in rules.transitive:
            key = q << _SHIFT
            for z in by_subject.get(key | x, ()):
                if y in by_subject.get(key | z, ()):
                    axiom = (q, type_, self._transitive)
                    yield "prp-trp", ((x, q, z), (z, q, y)), (axiom,)
        for chain, axiom in rules.chains.get(q, ()):
            for path in self._paths(x, chain, y):
                yield "prp-spo2", path, (axiom,)

    def _paths(self, start: int, chain: tuple[int, ...], end: int) -> Iterator[tuple[Triple, ...]]:
        if len(chain) == 1:
            if end in self.by_subject.get(chain[0] << _SHIFT | start, ()):
                yield ((start, chain[0], end),)
            return
        for middle in self.by_subject.get(chain[0] << _SHIFT | start, ()):
            for rest in self._paths(middle, chain[1:], end):
                yield ((start, chain[0], middle), *rest)

    def proof(self, goal: Triple) -> dict[Triple, Derivation | None]:
        """A well-founded derivation of ``goal`` down to asserted or ontology facts.

        Returns a map from each fact of the proof to the rule instance used for it (``None``
        for an asserted fact or a fact of the ontology's closure). Proofs are shallowest first:
        facts are proved round by round from the leaves. Raises ``KeyError`` when ``goal``
        does not hold.
        """
        if goal not in self.facts:
            raise KeyError(goal)
        base, asserted = self.rules.base, self.asserted
        candidates: dict[Triple, list[Derivation]] = {}
        seen = {goal}
        stack = [goal]
        while stack:
            fact = stack.pop()
            if fact in asserted or fact in base:
                continue
            found = candidates[fact] = list(self.derivations(fact))
            for _rule, premises, _axioms in found:
                for premise in premises:
                    if premise not in seen:
                        seen.add(premise)
                        stack.append(premise)
        proved: dict[Triple, Derivation | None] = {
            fact: None for fact in seen if fact in asserted or fact in base
        }
        while goal not in proved:
            new = {
                fact: derivation
                for fact, found in candidates.items()
                if fact not in proved
                for derivation in found
                if all(premise in proved for premise in derivation[1])
            }
            if not new:  # pragma: no cover - the facts are closed, so a proof exists
                raise RuntimeError(f"no well-founded derivation found for {goal}")
            proved.update(new)
        return proved

    # --- inconsistencies ----------------------------------------------------------------------

    def _refresh_findings(self) -> None:
        touched = self._touched
        if self._datatypes_changed:
            type_key = self.rules.type << _SHIFT
            for datatype in self._datatypes_changed:
                touched.update(self.by_object.get(type_key | datatype, ()))
                touched.update(self.literals_of.get(datatype, ()))
            self._datatypes_changed = set()
        tracker = self._tracker
        for node in touched:
            before = self.findings.get(node, frozenset())
            if tracker is not None and node not in tracker.findings:
                tracker.findings[node] = before
            after = frozenset(self._findings_for(node))
            if after:
                self.findings[node] = after
            elif before:
                del self.findings[node]
        self._touched = set()

    def _datatype_in_use(self, datatype: int) -> bool:
        return datatype in self.rules.base_datatypes or datatype in self.datatype_use

    def _findings_for(self, node: int) -> Iterator[Finding]:
        rules = self.rules
        types = self.types(node)
        if node in self.terms.literals and (node in self.occurrences or node in rules.base_nodes):
            datatype = self.terms.datatypes.get(node)
            supers = None if datatype is None else rules.datatype_supers.get(datatype)
            if datatype is not None and supers is not None:
                for implicit in (datatype, *supers):
                    types.add(implicit)
                    types.update(rules.superclasses.get(implicit, ()))
                if lexical_error(self.terms.term(node)):
                    yield "dt-lexical", node, datatype, -1
        if not types:
            return
        if rules.nothing in types:
            yield "cls-nothing2", node, rules.nothing, -1
        for first in types:
            for second, rule, _axiom in rules.disjoint.get(first, ()):
                if second in types:
                    yield rule, node, first, second
            for second in rules.datatype_disjoint.get(first, ()):
                if (
                    second in types
                    and self._datatype_in_use(first)
                    and self._datatype_in_use(second)
                ):
                    yield "cax-dw", node, first, second
