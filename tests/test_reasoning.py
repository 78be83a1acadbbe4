"""OWL 2 RL reasoning equals owlrl's closure: on the examples, synthetic designs and random ones.

The reference is ``owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(g)`` of the ontology
(with the concept scheme) and the designs, computed here independently of the library. Its
*inferred triples about the designs* are the closure less the ontology's own closure less the
asserted design triples. Three kinds of owlrl output are left out of the comparison, on both
sides:

- triples whose subject is a literal (generalised RDF, not storable RDF): owlrl's dt-type2
  typing of literals (``"true"^^xsd:boolean a xsd:boolean``), eq-ref on literals
  (``"x" owl:sameAs "x"``) and range typing of literal values;
- datatype axioms, triples about a datatype that owlrl's datatype rules add once the designs use
  it (``xsd:boolean a rdfs:Datatype``, ``xsd:boolean owl:disjointWith xsd:decimal``): they say
  nothing about the designs' nodes;
- owlrl's error-message nodes (``[] a err:ErrorMessage; err:error "…"]``): compared instead
  with the reasoner's inconsistencies, message by message.

owlrl adds no axiomatic triples by default (``axiomatic_triples=False``), so none appear.

The reasoner speaks pyoxigraph terms and owlrl rdflib terms: designs are handed to the reasoner
as pyoxigraph triples and to owlrl as rdflib graphs, and the results are compared as rdflib
triples, every conversion through ``ketenontologie.terms`` (the project's one bridge).
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import os
import pickle
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType
from typing import ClassVar

import owlrl
import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from owlrl.Namespaces import ERRNS
from owlrl.XsdDatatypes import OWL_RL_Datatypes
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

from ketenontologie.errors import InconsistencyError, InputError, NotEntailedError
from ketenontologie.loading import load_graph, load_ontology, parse_file
from ketenontologie.namespaces import ID, KETEN, ORG
from ketenontologie.reasoning import (
    Explanation,
    InferredTriples,
    Reasoner,
    infer,
    is_datatype_axiom,
    parse_triple,
)
from ketenontologie.reasoning.rules import compile_rules
from ketenontologie.resources import design_files
from ketenontologie.terms import (
    TermCache,
    TermTriple,
    from_rdflib_graph,
    to_ox,
    to_rdflib,
    to_rdflib_graph,
)

ROOT = Path(__file__).resolve().parents[1]
RDFTriple = tuple[Node, Node, Node]
Design = list[ox.Triple]


def _load_synthetic() -> ModuleType:
    spec = importlib.util.spec_from_file_location("synthetic", ROOT / "bench" / "synthetic.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("synthetic", module)
    spec.loader.exec_module(module)
    return module


synthetic = _load_synthetic()


# --- the reference ------------------------------------------------------------------------------


def owlrl_closure(graph: Graph) -> tuple[Graph, set[str]]:
    """owlrl's closure of a copy of ``graph``, and its error messages (taken out of the graph)."""
    closure = Graph()
    for triple in graph:
        closure.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closure)
    errors = set()
    for node in list(closure.subjects(RDF.type, ERRNS.ErrorMessage)):
        errors.update(str(message) for message in closure.objects(node, ERRNS.error))
        closure.remove((node, None, None))
    return closure, errors


def compared(triple: RDFTriple) -> bool:
    """Whether a triple takes part in the comparison (see the module docstring)."""
    return not isinstance(triple[0], Literal) and not is_datatype_axiom(ox_triple(triple))


def ox_triple(triple: RDFTriple) -> TermTriple:
    s, p, o = triple
    return (to_ox(s), to_ox(p), to_ox(o))


def as_ox(graph: Graph) -> Design:
    """An rdflib graph as the pyoxigraph triples the reasoner takes."""
    return list(from_rdflib_graph(graph))


def file_design(path: Path) -> Design:
    return [ox.Triple(q.subject, q.predicate, q.object) for q in parse_file(path).quads]


def as_rdflib(triples: Iterable[TermTriple | ox.Triple]) -> set[RDFTriple]:
    """Term triples (the reasoner's results) as rdflib triples, to compare with owlrl's."""
    return set(TermCache().rdflib_triples(triples))


class Reference:
    """owlrl's answers for the project's ontology, its own closure computed once.

    owlrl takes most of this suite's time, so its answer for a set of asserted triples is
    kept for the run: the example designs come back in several tests, alone and together.
    """

    _answers: ClassVar[dict[frozenset[RDFTriple], tuple[frozenset[RDFTriple], frozenset[str]]]] = {}

    def __init__(self) -> None:
        self.ontology = load_ontology()
        self.closure, self.errors = owlrl_closure(self.ontology)

    def infer(self, designs: Iterable[Design]) -> tuple[set[RDFTriple], set[str]]:
        asserted: set[RDFTriple] = set()
        for design in designs:
            asserted |= as_rdflib(design)
        key = frozenset(asserted)
        if key not in self._answers:
            graph = Graph()
            for triple in self.ontology:
                graph.add(triple)
            for triple in asserted:
                graph.add(triple)
            closure, errors = owlrl_closure(graph)
            inferred = {
                t for t in closure if t not in self.closure and t not in asserted and compared(t)
            }
            self._answers[key] = (frozenset(inferred), frozenset(errors))
        inferred_answer, errors_answer = self._answers[key]
        return set(inferred_answer), set(errors_answer)


def messages(result: InferredTriples) -> set[str]:
    return {inconsistency.owlrl_message for inconsistency in result.inconsistencies}


@pytest.fixture(scope="session")
def reference() -> Reference:
    return Reference()


@pytest.fixture(scope="session")
def reasoner(reference: Reference) -> Reasoner:
    return Reasoner.from_ontology(reference.ontology)


def assert_equal(result: InferredTriples, expected: tuple[set[RDFTriple], set[str]]) -> None:
    triples, errors = expected
    ours = as_rdflib(result)
    assert not ours - triples, f"not inferred by owlrl: {sorted(ours - triples)[:10]}"
    assert not triples - ours, f"missing: {sorted(triples - ours)[:10]}"
    assert messages(result) == errors


# --- exactness ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", design_files(), ids=lambda path: path.name)
def test_example_design_equals_owlrl(path: Path, reasoner: Reasoner, reference: Reference) -> None:
    design = file_design(path)
    result = reasoner.infer(design)
    assert result.engine == "rules"
    assert len(result) > 0
    assert_equal(result, reference.infer([design]))


def test_all_examples_together_equal_owlrl(reasoner: Reasoner, reference: Reference) -> None:
    designs = [file_design(path) for path in design_files()]
    assert_equal(reasoner.infer(designs), reference.infer(designs))


@pytest.mark.slow
def test_synthetic_designs_equal_owlrl(reasoner: Reasoner, reference: Reference) -> None:
    designs = [
        as_ox(Graph().parse(data=text, format="turtle")) for text in synthetic.designs(3_000)
    ]
    result = reasoner.infer(designs)
    assert result.consistent
    assert_equal(result, reference.infer(designs))


def _vocabulary() -> tuple[list[URIRef], list[URIRef], list[URIRef]]:
    ontology = load_ontology()
    classes = sorted(
        {c for c in ontology.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)} | {OWL.Thing}
    )
    objects = sorted(
        {p for p in ontology.subjects(RDF.type, OWL.ObjectProperty) if isinstance(p, URIRef)}
        | {ORG.heldBy}
    )
    data = sorted(
        p for p in ontology.subjects(RDF.type, OWL.DatatypeProperty) if isinstance(p, URIRef)
    )
    return classes, objects, data


CLASSES, OBJECT_PROPERTIES, DATA_PROPERTIES = _vocabulary()
NODES: list[Node] = [URIRef(f"{ID}rol/h{n}") for n in range(1, 7)] + [
    URIRef(f"{ID}niveau/strategisch"),
    URIRef(f"{ID}niveau/operationeel"),
    URIRef(f"{ID}fase/crisis"),
    URIRef(f"{ID}bouwsteen/ketenkaart"),
    URIRef(f"{ID}pijler/P1"),
    BNode("hypothesis-b1"),
]
LITERALS: list[Node] = [
    Literal(True),
    Literal(False),
    Literal("ja", datatype=XSD.boolean),
    Literal("2", datatype=XSD.positiveInteger),
    Literal("nul", datatype=XSD.positiveInteger),
    Literal(3),
    Literal("tekst", lang="nl"),
    Literal("plain"),
    Literal("2", datatype=XSD.string),
]

triples = st.one_of(
    st.tuples(st.sampled_from(NODES), st.just(RDF.type), st.sampled_from(CLASSES)),
    st.tuples(st.sampled_from(NODES), st.sampled_from(OBJECT_PROPERTIES), st.sampled_from(NODES)),
    st.tuples(st.sampled_from(NODES), st.sampled_from(DATA_PROPERTIES), st.sampled_from(LITERALS)),
    st.tuples(
        st.sampled_from(NODES), st.sampled_from(OBJECT_PROPERTIES), st.sampled_from(LITERALS)
    ),
)
random_designs = st.lists(st.lists(triples, max_size=25), min_size=1, max_size=3)


def as_graphs(designs: list[list[RDFTriple]]) -> list[Design]:
    """Generated designs as the reasoner takes them (through an rdflib graph, which also
    normalises literals such as ``"ja"^^xsd:boolean`` to ``false``, as owlrl sees them)."""
    graphs = []
    for design in designs:
        graph = Graph()
        for triple in design:
            graph.add(triple)
        graphs.append(as_ox(graph))
    return graphs


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_designs)
def test_random_designs_equal_owlrl(
    reasoner: Reasoner, reference: Reference, designs: list[list[RDFTriple]]
) -> None:
    """Random designs from the ontology's classes and properties, some with wrong literals or
    contradictory types: the same triples and the same inconsistencies as owlrl."""
    graphs = as_graphs(designs)
    assert_equal(reasoner.infer(graphs), reference.infer(graphs))


# --- designs with schema of their own -----------------------------------------------------------

EX = "https://example.org/schema#"
SCHEMA_CASES = {
    "subclass": (
        "rules",
        f"<{EX}Special> rdfs:subClassOf keten:ChainManager . rol:x a <{EX}Special> .",
    ),
    "subproperty": (
        "rules",
        f"<{EX}p> rdfs:subPropertyOf keten:escalatesTo . rol:a <{EX}p> rol:b . "
        "rol:b keten:escalatesTo rol:c .",
    ),
    "equivalent-class-inconsistent": (
        "rules",
        f"<{EX}Board> owl:equivalentClass keten:ChainBoard . "
        f"orgaan:x a <{EX}Board> , keten:ChainBureau .",
    ),
    "new-transitive-property": (
        "rules",
        f"<{EX}near> a owl:TransitiveProperty . rol:a <{EX}near> rol:b . rol:b <{EX}near> rol:c .",
    ),
    "punning": ("rules", "rol:a a owl:Class . rol:b a rol:a . rol:a keten:actsIn ketens:k ."),
    "explicit-datatype": (
        "rules",
        'rol:a a xsd:string . rol:a keten:hasOverridingPower "nee"^^xsd:string . '
        "rol:b keten:hasOverridingPower true .",
    ),
    "same-as": ("owlrl", "rol:a owl:sameAs rol:b . rol:a a keten:ChainManager ."),
    "functional": (
        "owlrl",
        "keten:hasBoard a owl:FunctionalProperty . ketens:k keten:hasBoard orgaan:x , orgaan:y .",
    ),
}
PREFIXES = (
    "@prefix keten: <https://w3id.org/ketenontologie/def#> .\n"
    "@prefix ketens: <https://w3id.org/ketenontologie/id/keten/> .\n"
    "@prefix orgaan: <https://w3id.org/ketenontologie/id/orgaan/> .\n"
    "@prefix organisatie: <https://w3id.org/ketenontologie/id/organisatie/> .\n"
    "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    "@prefix rol: <https://w3id.org/ketenontologie/id/rol/> .\n"
    "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
)


@pytest.mark.parametrize("case", SCHEMA_CASES, ids=str)
def test_design_with_schema_equals_owlrl(
    case: str, reasoner: Reasoner, reference: Reference
) -> None:
    engine, body = SCHEMA_CASES[case]
    design = as_ox(Graph().parse(data=PREFIXES + body, format="turtle"))
    result = reasoner.infer(design)
    assert result.engine == engine
    assert_equal(result, reference.infer([design]))


# --- inconsistencies ----------------------------------------------------------------------------


def test_a_role_that_is_also_a_political_principal_is_reported(
    reasoner: Reasoner, reference: Reference
) -> None:
    graph = Graph().parse(
        data=PREFIXES + "rol:x a keten:ChainManager , keten:PoliticalPrincipal .", format="turtle"
    )
    design = as_ox(graph)
    result = reasoner.infer(design)
    (found,) = result.inconsistencies
    assert found.rule == "cax-adc"  # owl:AllDisjointClasses (body, role, principal)
    assert set(found.classes) == {to_ox(KETEN.ChainRole), to_ox(KETEN.PoliticalPrincipal)}
    assert messages(result) == reference.infer([design])[1]


def test_board_and_bureau_is_reported(reasoner: Reasoner, reference: Reference) -> None:
    body = "orgaan:x a keten:ChainBoard , keten:ChainBureau ; keten:atLevel niveau:tactisch ."
    graph = Graph().parse(
        data=PREFIXES + "@prefix niveau: <https://w3id.org/ketenontologie/id/niveau/> .\n" + body,
        format="turtle",
    )
    design = as_ox(graph)
    result = reasoner.infer(design)
    assert not result.consistent
    (found,) = result.inconsistencies
    assert found.rule == "cax-dw"  # owl:disjointWith since 0.2.0 (board and core team are not)
    assert found.node == ox.NamedNode(f"{ID}orgaan/x")
    assert set(found.classes) == {to_ox(KETEN.ChainBoard), to_ox(KETEN.ChainBureau)}
    assert messages(result) == reference.infer([design])[1]
    with pytest.raises(InconsistencyError, match="ChainBureau"):
        result.raise_for_inconsistency()
    with pytest.raises(InconsistencyError):
        infer(design, ontology=reference.ontology)
    assert len(infer(graph, ontology=reference.ontology, on_inconsistency="ignore")) > 0


def test_wrong_literal_is_reported(reasoner: Reasoner, reference: Reference) -> None:
    """owlrl checks literals of its datatypes with its own converters ("ja" passes as a boolean,
    since rdflib reads it as false; "nul" is no positive integer)."""
    text = 'keten:x keten:contributionStage "nul"^^xsd:positiveInteger .'
    design = file_like(text)
    result = reasoner.infer(design)
    assert [found.rule for found in result.inconsistencies] == ["dt-lexical"]
    assert result.inconsistencies[0].node == ox.Literal(
        "nul", datatype=ox.NamedNode(str(XSD.positiveInteger))
    )
    assert messages(result) == reference.infer([design])[1]
    # Parsed by pyoxigraph, "ja" stays "ja"; owlrl's verdict is on the literal as rdflib reads it.
    boolean = file_like('keten:x keten:hasOverridingPower "ja"^^xsd:boolean .')
    assert boolean[0].object == ox.Literal("ja", datatype=ox.NamedNode(str(XSD.boolean)))
    assert reasoner.infer(boolean).consistent
    assert reference.infer([boolean])[1] == set()


def file_like(body: str) -> Design:
    """A design parsed as files are (by pyoxigraph: literals kept as written)."""
    data = (PREFIXES + body).encode()
    return [
        ox.Triple(q.subject, q.predicate, q.object)
        for q in ox.parse(data, format=ox.RdfFormat.TURTLE)
    ]


LEXICAL_FORMS = st.one_of(
    st.sampled_from(["0", "01", " 5", "+5", "-0", "1_000", "1.50", "1e0", "INF", "ja", "TRUE"]),
    st.sampled_from(["2024-02-29", "2023-02-29", "2024-1-1", "10:00:00", "P1Y", "0A", "a b"]),
    st.text(alphabet="0123456789+-.eE:TZ_ab ", max_size=10),
)


@settings(max_examples=300, deadline=None)
@given(LEXICAL_FORMS, st.sampled_from(sorted(str(dt) for dt in OWL_RL_Datatypes)))
def test_lexical_check_is_owlrls_verdict(lexical: str, datatype: str) -> None:
    """A literal's lexical form against its datatype: owlrl's converter on the literal as
    rdflib gives it (normalised where rdflib can read it), for every OWL 2 RL datatype. Where
    the converter crashes (so would owlrl), the literal does not fit."""
    from owlrl.DatatypeHandling import AltXSDToPYTHON

    from ketenontologie.reasoning.rules import lexical_error
    from ketenontologie.terms import quiet_rdflib_literals

    literal = ox.Literal(lexical, datatype=ox.NamedNode(datatype))
    convert = AltXSDToPYTHON.get(URIRef(datatype))
    with quiet_rdflib_literals():
        as_rdflib_reads = to_rdflib(literal)
    expected = False
    if convert is not None and literal.language is None and datatype != str(XSD.string):
        try:
            convert(str(as_rdflib_reads))
        except Exception:  # a ValueError, or a crash of owlrl's converter
            expected = True
    assert lexical_error(literal) == expected


QUICK_FORMS = st.one_of(
    LEXICAL_FORMS,
    st.sampled_from(["https://example.org/a b", "urn:x", "?a", ":b", "%zz", "%4", "", "a:"]),
    st.sampled_from(["0000-01-01", "0001-01-01", "9999-12-31", "2024-02-30", "2024-13-01"]),
    st.text(alphabet="0123456789-:/%?#aZ+", max_size=12),
)


@settings(max_examples=300, deadline=None)
@given(QUICK_FORMS, st.sampled_from(["anyURI", "boolean", "date", "integer"]))
def test_the_quick_lexical_checks_accept_only_what_owlrl_accepts(lexical: str, name: str) -> None:
    """``lexical_error`` tells common forms fit without loading owlrl: each one it accepts so,
    owlrl's converter accepts as written (so the verdict is owlrl's)."""
    from owlrl.DatatypeHandling import AltXSDToPYTHON

    from ketenontologie.reasoning.rules import _surely_fits

    if _surely_fits(f"{XSD}{name}", lexical):
        AltXSDToPYTHON[URIRef(f"{XSD}{name}")](lexical)  # raises where owlrl would not accept


# --- the convenience function and the cache -----------------------------------------------------


def test_compiled_rules_are_plain_data(reasoner: Reasoner) -> None:
    """The compiled rules pickle without rdflib (ints and pyoxigraph terms only), and reason
    as before when read back: they can be kept on disk."""
    data = pickle.dumps(reasoner.rules)
    assert b"rdflib" not in data and b"owlrl" not in data
    again = Reasoner(pickle.loads(data))
    design = file_design(ROOT / "data" / "voorbeeldketen-havenstad.ttl")
    assert set(again.infer(design)) == set(reasoner.infer(design))
    assert again.ontology_inferred() == reasoner.ontology_inferred()


def test_rules_compile_from_pyoxigraph_or_rdflib_alike(reference: Reference) -> None:
    from ketenontologie.loading import parse_quads
    from ketenontologie.resources import ontology_files

    from_ox = compile_rules(parse_quads(ontology_files()))
    from_rdflib = compile_rules(reference.ontology)
    assert from_ox.key == from_rdflib.key
    assert len(from_ox.base) == len(from_rdflib.base)


def test_infer_returns_only_triples_inferred_about_the_design(reference: Reference) -> None:
    design = load_graph(ROOT / "data" / "voorbeeldketen-havenstad.ttl")
    inferred = infer(design, ontology=reference.ontology)
    triples = set(inferred)
    assert triples
    assert not triples & set(design)
    assert not triples & set(reference.closure)
    assert (URIRef(f"{ID}rol/ketenmanager-havenstad"), RDF.type, KETEN.GovernanceActor) in triples


def test_compiled_ontology_is_cached_by_content(reference: Reference) -> None:
    first = Reasoner.from_ontology(reference.ontology)
    again = Reasoner.from_ontology(load_ontology())  # other blank node labels, same triples
    assert first.rules is again.rules
    changed = load_ontology()
    changed.add((KETEN.Extra, RDFS.subClassOf, KETEN.Chain))
    assert Reasoner.from_ontology(changed).rules is not first.rules


def test_ontology_inferred_is_owlrls_closure_of_the_ontology(
    reasoner: Reasoner, reference: Reference
) -> None:
    """Equal up to blank node labels: the cache keeps the copy of the ontology compiled first."""
    expected = Graph()
    for triple in reference.closure:
        if triple not in reference.ontology and compared(triple):
            expected.add(triple)
    assert isomorphic(to_rdflib_graph(reasoner.ontology_inferred()), expected)


# --- explanations -------------------------------------------------------------------------------


def rdflib_explanation(explanation: Explanation) -> Explanation:
    """An explanation with its terms converted to rdflib (through ``terms``), to check it
    against owlrl's closure."""

    def rdf(triple: TermTriple) -> RDFTriple:
        s, p, o = triple
        return (to_rdflib(s), to_rdflib(p), to_rdflib(o))

    return dataclasses.replace(
        explanation,
        triple=rdf(explanation.triple),  # type: ignore[arg-type]
        premises=tuple(rdflib_explanation(premise) for premise in explanation.premises),
        axioms=tuple(rdf(axiom) for axiom in explanation.axioms),  # type: ignore[misc]
    )


def verify(explanation: Explanation, design: Graph, closure: Graph) -> int:
    """Check every step of a derivation against the rule it names; return the number of steps."""
    s, p, o = explanation.triple
    premises = [premise.triple for premise in explanation.premises]
    rule = explanation.rule
    for axiom in explanation.axioms:
        assert axiom in closure, f"{axiom} is not in the ontology's closure"
    if rule == "asserted":
        assert explanation.triple in design
        assert not premises
        return 0
    if rule == "ontology":
        assert explanation.triple in closure
        return 0
    (axiom,) = explanation.axioms if rule != "eq-ref" else ((None, None, None),)
    if rule == "cax-sco":
        assert premises == [(s, RDF.type, axiom[0])] and axiom[1:] == (RDFS.subClassOf, o)
    elif rule == "prp-dom":
        assert premises[0][0] == s and axiom == (premises[0][1], RDFS.domain, o)
    elif rule == "prp-rng":
        assert premises[0][2] == s and axiom == (premises[0][1], RDFS.range, o)
    elif rule == "prp-spo1":
        assert premises == [(s, axiom[0], o)] and axiom[1:] == (RDFS.subPropertyOf, p)
    elif rule == "prp-inv":
        (premise,) = premises
        assert (premise[0], premise[2]) == (o, s)
        assert axiom in {(premise[1], OWL.inverseOf, p), (p, OWL.inverseOf, premise[1])}
    elif rule == "prp-trp":
        first, second = premises
        assert first[:2] == (s, p) and second[1:] == (p, o) and first[2] == second[0]
        assert axiom == (p, RDF.type, OWL.TransitiveProperty)
    elif rule == "prp-spo2":
        chain = list(closure.items(axiom[2]))
        assert axiom[:2] == (p, OWL.propertyChainAxiom)
        assert [premise[1] for premise in premises] == chain
        assert premises[0][0] == s and premises[-1][2] == o
    elif rule == "eq-ref":
        assert s == o and p == OWL.sameAs and s in premises[0]
    else:  # pragma: no cover - a rule the test does not know
        pytest.fail(f"unknown rule {rule}")
    return 1 + sum(verify(premise, design, closure) for premise in explanation.premises)


@pytest.mark.parametrize(
    "text",
    [
        "rol:professional-gemeente-havenstad keten:escalatesEventuallyTo "
        "rol:minister-havens-en-goederenvervoer",
        "rol:lijnmanager-gemeente-havenstad a keten:GovernanceActor",
        "organisatie:gemeente-havenstad org:memberOf ketens:voorbeeldketen-havenstad",
        "ketens:voorbeeldketen-havenstad keten:hasGovernanceActor orgaan:ketenbureau-havenstad",
        "rol:ketenmanager-havenstad owl:sameAs rol:ketenmanager-havenstad",
        "rol:ketenmanager-havenstad a keten:ChainManager",
    ],
    ids=lambda text: text.split()[1],
)
def test_explanation_is_a_correct_derivation(
    text: str, reasoner: Reasoner, reference: Reference
) -> None:
    design = load_graph(ROOT / "data" / "voorbeeldketen-havenstad.ttl")
    result = reasoner.infer({"havenstad": as_ox(design)})
    triple = parse_triple(text, prefixes={"organisatie": f"{ID}organisatie/"})
    explanation = result.explain(triple)
    assert explanation.triple == triple
    steps = verify(rdflib_explanation(explanation), design, reference.closure)
    assert (steps == 0) == (as_rdflib([triple]) <= set(design))
    rendered = explanation.render()
    assert "asserted in havenstad" in rendered


def test_explaining_a_triple_that_does_not_hold(reasoner: Reasoner) -> None:
    result = reasoner.infer(file_design(ROOT / "data" / "voorbeeldketen-havenstad.ttl"))
    with pytest.raises(NotEntailedError, match="neither asserted nor inferred"):
        result.explain(parse_triple("rol:ketenmanager-havenstad a keten:ChainBoard"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<urn:a> <urn:b> <urn:c>", (URIRef("urn:a"), URIRef("urn:b"), URIRef("urn:c"))),
        ("rol:a a keten:ChainManager .", (URIRef(f"{ID}rol/a"), RDF.type, KETEN.ChainManager)),
        (
            "rol:a keten:hasOverridingPower true",
            (URIRef(f"{ID}rol/a"), KETEN.hasOverridingPower, Literal(True)),
        ),
    ],
)
def test_parse_triple(text: str, expected: RDFTriple) -> None:
    assert parse_triple(text) == ox_triple(expected)


@pytest.mark.parametrize(
    "text", ["rol:a keten:actsIn", "onbekend:a onbekend:b onbekend:c", "<a> <b> <c> . <d> <e> <f>"]
)
def test_parse_triple_refuses_what_is_not_one_triple(text: str) -> None:
    with pytest.raises(InputError):
        parse_triple(text)


def test_compiled_rules_are_kept_on_disk_and_read_back_without_owlrl(tmp_path: Path) -> None:
    """A new process reads the compiled rules instead of closing the ontology with owlrl again."""
    probe = (
        "import json, sys\n"
        "from ketenontologie.reasoning import Reasoner\n"
        "reasoner = Reasoner.from_ontology()\n"
        "size = len(reasoner.rules.base)\n"
        "print(json.dumps({'owlrl': 'owlrl' in sys.modules, 'rules': size}))\n"
    )
    env = {**os.environ, "KETENONTOLOGIE_CACHE_DIR": str(tmp_path)}
    runs = [
        json.loads(
            subprocess.run(
                [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
            ).stdout
        )
        for _ in range(2)
    ]
    assert [run["owlrl"] for run in runs] == [True, False]
    assert runs[0]["rules"] == runs[1]["rules"] > 0
    assert len(list(tmp_path.glob("rules-*.pickle"))) == 1
    # a damaged cache file is ignored, not trusted
    next(tmp_path.glob("rules-*.pickle")).write_bytes(b"not a pickle")
    again = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    assert json.loads(again.stdout)["owlrl"] is True
