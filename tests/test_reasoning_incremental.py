"""Incremental reasoning: every add, replace and remove leaves the state equal to owlrl's closure
of the designs then present, computed from scratch; each delta is exactly the difference.

What the comparison leaves out is said in ``tests/test_reasoning.py``.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from ketenontologie.errors import DesignError
from ketenontologie.namespaces import ID, KETEN, ORG
from ketenontologie.reasoning import Reasoner, ReasoningState
from ketenontologie.resources import design_files
from ketenontologie.terms import TermTriple, to_ox
from test_reasoning import (
    PREFIXES,
    Design,
    Reference,
    as_graphs,
    as_ox,
    assert_equal,
    file_design,
    random_designs,
    synthetic,
)

RDFTriple = tuple[Node, Node, Node]


@pytest.fixture(scope="module")
def reference() -> Reference:
    return Reference()


@pytest.fixture(scope="module")
def reasoner(reference: Reference) -> Reasoner:
    return Reasoner.from_ontology(reference.ontology)


def design(body: str) -> Design:
    return as_ox(Graph().parse(data=PREFIXES + body, format="turtle"))


def term(triple: RDFTriple) -> TermTriple:
    s, p, o = triple
    return (to_ox(s), to_ox(p), to_ox(o))


def term_of(triple: ox.Triple) -> TermTriple:
    return (triple.subject, triple.predicate, triple.object)  # type: ignore[return-value]


def check(state: ReasoningState, designs: dict[str, Design], reference: Reference) -> None:
    assert set(state.designs) == set(designs)
    assert_equal(state.inferred(), reference.infer(designs.values()))


def apply(
    state: ReasoningState, operation: str, name: str, graph: Design | None
) -> tuple[frozenset[TermTriple], frozenset[TermTriple]]:
    before = frozenset(state.inferred())
    if operation == "add":
        assert graph is not None
        delta = state.add(name, graph)
    elif operation == "replace":
        assert graph is not None
        delta = state.replace(name, graph)
    else:
        delta = state.remove(name)
    after = frozenset(state.inferred())
    assert delta.added == after - before
    assert delta.removed == before - after
    assert delta.inconsistencies == state.inconsistencies
    return delta.added, delta.removed


@pytest.mark.slow
def test_adding_and_removing_examples_one_by_one(reasoner: Reasoner, reference: Reference) -> None:
    designs = {path.stem: file_design(path) for path in design_files()}
    designs["synthetic-0"] = as_ox(Graph().parse(data=synthetic.design(0), format="turtle"))
    state = reasoner.state()
    present: dict[str, Design] = {}
    for name, graph in designs.items():
        added, _ = apply(state, "add", name, graph)
        assert added
        present[name] = graph
        check(state, present, reference)
    for name in list(designs)[::2]:
        _, removed = apply(state, "remove", name, None)
        assert removed
        del present[name]
        check(state, present, reference)


def test_shared_partner_stays_typed_until_no_design_names_it(
    reasoner: Reasoner, reference: Reference
) -> None:
    """Two chains both have UWV as partner: UWV stays an org:Organization until both are gone."""
    first = design("ketens:a keten:hasPartner organisatie:uwv .")
    second = design("ketens:b keten:hasPartner organisatie:uwv .")
    uwv = URIRef(f"{ID}organisatie/uwv")
    organisation = term((uwv, RDF.type, ORG.Organization))
    state = reasoner.state()
    apply(state, "add", "a", first)
    added, _ = apply(state, "add", "b", second)
    assert organisation not in added  # already inferred from the first design
    _, removed = apply(state, "remove", "a", None)
    assert organisation not in removed
    assert term((uwv, KETEN.partnerIn, URIRef(f"{ID}keten/a"))) in removed
    check(state, {"b": second}, reference)
    _, removed = apply(state, "remove", "b", None)
    assert organisation in removed
    assert not state.inferred()


def test_escalation_path_across_designs(reasoner: Reasoner, reference: Reference) -> None:
    """An escalation path through two designs holds only while both are present."""
    lower = design("rol:professional keten:escalatesTo rol:coach .")
    upper = design("rol:coach keten:escalatesTo rol:manager .")
    path = term(
        (URIRef(f"{ID}rol/professional"), KETEN.escalatesEventuallyTo, URIRef(f"{ID}rol/manager"))
    )
    state = reasoner.state()
    apply(state, "add", "lower", lower)
    added, _ = apply(state, "add", "upper", upper)
    assert path in added
    explanation = state.explain(path)
    assert {leaf.designs for leaf in explanation.premises[0].premises} | {
        leaf.designs for leaf in explanation.premises[1].premises
    } == {("lower",), ("upper",)}
    _, removed = apply(state, "remove", "upper", None)
    assert path in removed
    check(state, {"lower": lower}, reference)


def test_replace_rederives_only_what_changed(reasoner: Reasoner, reference: Reference) -> None:
    havenstad = file_design(Path(design_files()[0]).parent / "voorbeeldketen-havenstad.ttl")
    manager = ox.NamedNode(f"{ID}rol/ketenmanager-havenstad")
    escalates = to_ox(KETEN.escalatesTo)
    changed = [t for t in havenstad if not (t.subject == manager and t.predicate == escalates)]
    assert len(changed) < len(havenstad)
    # contradicts ChainRole: inconsistent
    changed.append(ox.Triple(manager, to_ox(RDF.type), to_ox(KETEN.ChainBoard)))  # type: ignore[arg-type]
    state = reasoner.state()
    apply(state, "add", "havenstad", havenstad)
    apply(state, "replace", "havenstad", changed)
    check(state, {"havenstad": changed}, reference)
    assert not state.inferred().consistent
    apply(state, "replace", "havenstad", havenstad)
    check(state, {"havenstad": havenstad}, reference)
    assert state.inferred().consistent


def test_schema_in_a_design_is_reasoned_exactly_and_can_be_taken_out(
    reasoner: Reasoner, reference: Reference
) -> None:
    plain = design("rol:x a keten:ChainManager .")
    schema = design(
        "<https://example.org/S> rdfs:subClassOf keten:ChainManager . "
        "rol:y a <https://example.org/S> ."
    )
    state = reasoner.state()
    apply(state, "add", "plain", plain)
    apply(state, "add", "schema", schema)
    check(state, {"plain": plain, "schema": schema}, reference)
    apply(state, "remove", "schema", None)
    check(state, {"plain": plain}, reference)
    assert state.engine == "rules"


def test_unknown_and_duplicate_designs_are_refused(reasoner: Reasoner) -> None:
    state = reasoner.state()
    state.add("a", design("rol:x a keten:ChainManager ."))
    with pytest.raises(DesignError, match="already in the state"):
        state.add("a", [])
    with pytest.raises(DesignError, match="not in the state"):
        state.remove("b")


operations = st.lists(
    st.tuples(st.sampled_from(["add", "replace", "remove"]), st.sampled_from("abc")),
    min_size=1,
    max_size=4,
)


@pytest.mark.slow
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations, random_designs, random_designs)
def test_random_updates_equal_owlrl_from_scratch(
    reasoner: Reasoner,
    reference: Reference,
    steps: list[tuple[str, str]],
    first: list[list[RDFTriple]],
    second: list[list[RDFTriple]],
) -> None:
    """Random add/replace/remove sequences over random designs, checked against owlrl."""
    pool = as_graphs(first + second)
    state = reasoner.state()
    present: dict[str, Design] = {}
    for number, (operation, name) in enumerate(steps):
        graph = pool[number % len(pool)]
        if operation == "add" and name in present:
            operation = "replace"
        if operation == "remove" and name not in present:
            operation = "add"
        apply(state, operation, name, graph)
        if operation == "remove":
            del present[name]
        else:
            present[name] = graph
        check(state, present, reference)


def test_asserting_what_owlrl_would_infer_moves_it_out_of_the_inferred_triples(
    reasoner: Reasoner, reference: Reference
) -> None:
    """A design may state what another design entails (also ``x owl:sameAs x``): it is then
    asserted, not inferred, until that design goes."""
    chain = design("rol:x keten:actsIn ketens:k .")
    restating = design(
        "rol:x owl:sameAs rol:x ; a keten:GovernanceActor . "
        "ketens:k keten:hasGovernanceActor rol:x ."
    )
    state = reasoner.state()
    apply(state, "add", "chain", chain)
    _, removed = apply(state, "add", "restating", restating)
    assert {term_of(t) for t in restating} <= removed
    check(state, {"chain": chain, "restating": restating}, reference)
    added, _ = apply(state, "remove", "restating", None)
    assert {term_of(t) for t in restating} <= added
    check(state, {"chain": chain}, reference)


def test_adding_a_design_does_the_same_work_whatever_the_state_holds(
    reasoner: Reasoner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The work of an update is bounded by the design, not by the store: the same new design
    costs no more rule applications beside 40 designs than beside 2, although the synthetic
    designs share partners and ministers with it (counted, not timed; a little less, since some
    shared facts already hold)."""
    from ketenontologie.reasoning.facts import FactStore

    calls = {"consequences": 0, "derivations": 0}
    consequences, derivations = FactStore._consequences, FactStore.derivations

    def counted_consequences(self: FactStore, triple: object) -> object:
        calls["consequences"] += 1
        return consequences(self, triple)  # type: ignore[arg-type]

    def counted_derivations(self: FactStore, triple: object) -> object:
        calls["derivations"] += 1
        return derivations(self, triple)  # type: ignore[arg-type]

    monkeypatch.setattr(FactStore, "_consequences", counted_consequences)
    monkeypatch.setattr(FactStore, "derivations", counted_derivations)
    new = as_ox(Graph().parse(data=synthetic.design(500, seed=2), format="turtle"))
    work = []
    for size in (2, 40):
        state = reasoner.state()
        for index in range(size):
            base = as_ox(Graph().parse(data=synthetic.design(index), format="turtle"))
            state.add(f"base-{index}", base)
        calls.update(consequences=0, derivations=0)
        state.add("new", new)
        added = dict(calls)
        calls.update(consequences=0, derivations=0)
        state.remove("new")
        work.append((added, dict(calls)))
    (small_add, small_remove), (large_add, large_remove) = work
    assert small_add["consequences"] > 1000, "the count measures real work"
    for small, large in ((small_add, large_add), (small_remove, large_remove)):
        for kind in calls:
            assert large[kind] <= small[kind], (kind, work)
            assert large[kind] >= 0.95 * small[kind], (kind, work)
