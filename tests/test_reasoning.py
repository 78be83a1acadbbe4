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
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

import owlrl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from owlrl.Namespaces import ERRNS
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

from ketenontologie.errors import InconsistencyError, InputError, NotEntailedError
from ketenontologie.loading import load_graph, load_ontology
from ketenontologie.namespaces import ID, KETEN, ORG
from ketenontologie.reasoning import (
    Explanation,
    InferredTriples,
    Reasoner,
    infer,
    is_datatype_axiom,
    parse_triple,
)
from ketenontologie.resources import design_files

ROOT = Path(__file__).resolve().parents[1]
RDFTriple = tuple[Node, Node, Node]


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
    return not isinstance(triple[0], Literal) and not is_datatype_axiom(triple)


class Reference:
    """owlrl's answers for the project's ontology, its own closure computed once."""

    def __init__(self) -> None:
        self.ontology = load_ontology()
        self.closure, self.errors = owlrl_closure(self.ontology)

    def infer(self, designs: Iterable[Graph]) -> tuple[set[RDFTriple], set[str]]:
        graph = Graph()
        for triple in self.ontology:
            graph.add(triple)
        asserted: set[RDFTriple] = set()
        for design in designs:
            for triple in design:
                graph.add(triple)
                asserted.add(triple)
        closure, errors = owlrl_closure(graph)
        inferred = {
            t for t in closure if t not in self.closure and t not in asserted and compared(t)
        }
        return inferred, errors


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
    ours = set(result)
    assert not ours - triples, f"not inferred by owlrl: {sorted(ours - triples)[:10]}"
    assert not triples - ours, f"missing: {sorted(triples - ours)[:10]}"
    assert messages(result) == errors


# --- exactness ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", design_files(), ids=lambda path: path.name)
def test_example_design_equals_owlrl(path: Path, reasoner: Reasoner, reference: Reference) -> None:
    design = load_graph(path)
    result = reasoner.infer(design)
    assert result.engine == "rules"
    assert len(result) > 0
    assert_equal(result, reference.infer([design]))


def test_all_examples_together_equal_owlrl(reasoner: Reasoner, reference: Reference) -> None:
    designs = [load_graph(path) for path in design_files()]
    assert_equal(reasoner.infer(designs), reference.infer(designs))


@pytest.mark.slow
def test_synthetic_designs_equal_owlrl(reasoner: Reasoner, reference: Reference) -> None:
    designs = [Graph().parse(data=text, format="turtle") for text in synthetic.designs(3_000)]
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


def as_graphs(designs: list[list[RDFTriple]]) -> list[Graph]:
    graphs = []
    for design in designs:
        graph = Graph()
        for triple in design:
            graph.add(triple)
        graphs.append(graph)
    return graphs


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
    design = Graph().parse(data=PREFIXES + body, format="turtle")
    result = reasoner.infer(design)
    assert result.engine == engine
    assert_equal(result, reference.infer([design]))


# --- inconsistencies ----------------------------------------------------------------------------


def test_a_role_that_is_also_a_political_principal_is_reported(
    reasoner: Reasoner, reference: Reference
) -> None:
    design = Graph().parse(
        data=PREFIXES + "rol:x a keten:ChainManager , keten:PoliticalPrincipal .", format="turtle"
    )
    result = reasoner.infer(design)
    (found,) = result.inconsistencies
    assert found.rule == "cax-adc"  # owl:AllDisjointClasses (body, role, principal)
    assert set(found.classes) == {KETEN.ChainRole, KETEN.PoliticalPrincipal}
    assert messages(result) == reference.infer([design])[1]


def test_board_and_bureau_is_reported(reasoner: Reasoner, reference: Reference) -> None:
    body = "orgaan:x a keten:ChainBoard , keten:ChainBureau ; keten:atLevel niveau:tactisch ."
    design = Graph().parse(
        data=PREFIXES + "@prefix niveau: <https://w3id.org/ketenontologie/id/niveau/> .\n" + body,
        format="turtle",
    )
    result = reasoner.infer(design)
    assert not result.consistent
    (found,) = result.inconsistencies
    assert found.rule == "cax-dw"  # owl:disjointWith since 0.2.0 (board and core team are not)
    assert found.node == URIRef(f"{ID}orgaan/x")
    assert set(found.classes) == {KETEN.ChainBoard, KETEN.ChainBureau}
    assert messages(result) == reference.infer([design])[1]
    with pytest.raises(InconsistencyError, match="ChainBureau"):
        result.raise_for_inconsistency()
    with pytest.raises(InconsistencyError):
        infer(design, ontology=reference.ontology)
    assert len(infer(design, ontology=reference.ontology, on_inconsistency="ignore")) > 0


def test_wrong_literal_is_reported(reasoner: Reasoner, reference: Reference) -> None:
    """owlrl checks literals of its datatypes with its own converters ("ja" passes as a boolean;
    "nul" is no positive integer)."""
    design = Graph().parse(
        data=PREFIXES + 'keten:x keten:contributionStage "nul"^^xsd:positiveInteger .',
        format="turtle",
    )
    result = reasoner.infer(design)
    assert [found.rule for found in result.inconsistencies] == ["dt-lexical"]
    assert messages(result) == reference.infer([design])[1]


# --- the convenience function and the cache -----------------------------------------------------


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
    assert isomorphic(reasoner.ontology_inferred(), expected)


# --- explanations -------------------------------------------------------------------------------


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
    result = reasoner.infer({"havenstad": design})
    triple = parse_triple(text, prefixes={"organisatie": f"{ID}organisatie/"})
    explanation = result.explain(triple)
    assert explanation.triple == triple
    steps = verify(explanation, design, reference.closure)
    assert (steps == 0) == (triple in design)
    rendered = explanation.render()
    assert "asserted in havenstad" in rendered


def test_explaining_a_triple_that_does_not_hold(reasoner: Reasoner) -> None:
    design = load_graph(ROOT / "data" / "voorbeeldketen-havenstad.ttl")
    result = reasoner.infer(design)
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
    assert parse_triple(text) == expected


@pytest.mark.parametrize(
    "text", ["rol:a keten:actsIn", "onbekend:a onbekend:b onbekend:c", "<a> <b> <c> . <d> <e> <f>"]
)
def test_parse_triple_refuses_what_is_not_one_triple(text: str) -> None:
    with pytest.raises(InputError):
        parse_triple(text)
