"""The example designs: one chain per file, and a sound OWL 2 RL closure with the ontology."""

from __future__ import annotations

from pathlib import Path

import owlrl
import pytest
from rdflib import OWL, RDF, RDFS, Graph, Namespace, URIRef

ROOT = Path(__file__).resolve().parents[1]
KETEN = Namespace("https://w3id.org/ketenontologie/def#")
ORG = Namespace("http://www.w3.org/ns/org#")
ERRNS = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")
DESIGNS = sorted((ROOT / "data").glob("*.ttl"))


def _ontology() -> Graph:
    graph = Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        graph.parse(path)
    return graph


@pytest.fixture(scope="session")
def closure() -> Graph:
    """Ontology, concept scheme, W3C ORG's own axioms and every example, closed under OWL 2 RL."""
    graph = _ontology()
    graph.parse(ROOT / "tests" / "fixtures" / "w3c-org-axioms.ttl")
    for path in DESIGNS:
        graph.parse(path)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    return graph


@pytest.mark.parametrize("path", DESIGNS, ids=lambda p: p.name)
def test_one_chain_per_design_file(path: Path) -> None:
    graph = Graph().parse(path)
    chains = set(graph.subjects(RDF.type, KETEN.Chain))
    assert len(chains) == 1, f"{path.name} describes {len(chains)} chains"


def test_closure_is_consistent(closure: Graph) -> None:
    errors = [str(m) for m in closure.objects(None, ERRNS.error)]
    assert errors == []


def test_every_partner_is_an_organisation(closure: Graph) -> None:
    partners = set(closure.objects(None, KETEN.hasPartner))
    assert partners, "the examples name partners"
    for partner in partners:
        assert (partner, RDF.type, ORG.Organization) in closure
        assert (partner, RDF.type, KETEN.ChainPartner) in closure


def test_no_chain_is_a_formal_organisation(closure: Graph) -> None:
    chains = set(closure.subjects(RDF.type, KETEN.Chain))
    assert len(chains) == len(DESIGNS)
    for chain in chains:
        assert (chain, RDF.type, ORG.OrganizationalCollaboration) in closure
        assert (chain, RDF.type, ORG.FormalOrganization) not in closure


def test_no_board_or_bureau_is_a_formal_organisation_or_a_unit_of_one(closure: Graph) -> None:
    for cls in (KETEN.ChainBoard, KETEN.ChainBureau, KETEN.CoreTeam):
        for body in closure.subjects(RDF.type, cls):
            assert (body, RDF.type, ORG.FormalOrganization) not in closure
    assert not list(closure.triples((None, ORG.unitOf, None)))


def test_chain_managers_are_chain_roles_and_posts(closure: Graph) -> None:
    managers = set(closure.subjects(RDF.type, KETEN.ChainManager))
    assert managers
    for manager in managers:
        assert (manager, RDF.type, KETEN.ChainRole) in closure
        assert (manager, RDF.type, KETEN.GovernanceActor) in closure
        assert (manager, RDF.type, ORG.Post) in closure


def test_escalation_paths_are_closed_transitively(closure: Graph) -> None:
    for a, _, b in closure.triples((None, KETEN.escalatesTo, None)):
        for _, _, c in closure.triples((b, KETEN.escalatesTo, None)):
            assert (a, KETEN.escalatesEventuallyTo, c) in closure


def test_posts_on_a_board_are_not_made_part_of_it(closure: Graph) -> None:
    for board, _, member in closure.triples((None, KETEN.boardMember, None)):
        assert (member, ORG.postIn, board) not in closure
        assert isinstance(member, URIRef)


# --- the fictional example uses every term for describing a chain --------------------------------

HAVENSTAD = ROOT / "data" / "voorbeeldketen-havenstad.ttl"
NOT_FOR_DESCRIBING_A_CHAIN = {
    # Abstract classes: a design states the concrete role or body; these follow by inference.
    "GovernanceActor": "abstract: every board, bureau, core team, role and principal",
    "GovernanceBody": "abstract: board, bureau and core team",
    "ChainRole": "abstract: chain manager, director, line manager, coaching manager, professional",
    # Terms of the concept scheme: they describe the dimensions, pillars, building blocks,
    # levels and phases (ontology/begrippenkader.ttl), which a design only points at.
    "Dimension": "concept scheme",
    "Pillar": "concept scheme",
    "BuildingBlock": "concept scheme",
    "ManagementLevel": "concept scheme",
    "DevelopmentPhase": "concept scheme",
    "ContributionWeight": "concept scheme",
    "Contribution": "concept scheme: how a building block contributes to a pillar",
    "inDimension": "concept scheme: pillar to dimension",
    "higherLevelThan": "concept scheme: order of the management levels",
    "contributesTo": "concept scheme: building block to pillar or dimension",
    "contributesDominantlyTo": "concept scheme: building block to pillar or dimension",
    "contributesSecondarilyTo": "concept scheme: building block to pillar or dimension",
    "hasContribution": "concept scheme: building block to contribution",
    "contributionTo": "concept scheme: contribution to pillar or dimension",
    "hasWeight": "concept scheme: contribution to its weight",
    "contributionWeight": "deprecated: replaced by keten:hasWeight",
    "tooiIdentifier": "only a real organisation has one; the fictional partners have none",
    "contributionStage": "concept scheme: order of a building block's contributions",
    # Only inferred: the transitive closure of keten:escalatesTo.
    "escalatesEventuallyTo": "inferred from keten:escalatesTo steps",
}
"""Terms of the ontology that a chain design does not state, and why."""


def declared_terms() -> dict[str, str]:
    """Every class and property ontology/ketenontologie.ttl declares in the keten: namespace."""
    ontology = Graph().parse(ROOT / "ontology" / "ketenontologie.ttl")
    kinds = {OWL.Class: "class", OWL.ObjectProperty: "property", OWL.DatatypeProperty: "property"}
    terms = {}
    for kind, name in kinds.items():
        for term in ontology.subjects(RDF.type, kind):
            if isinstance(term, URIRef) and term.startswith(str(KETEN)):
                terms[term.removeprefix(str(KETEN))] = name
    return terms


def test_the_fictional_example_uses_every_term_for_describing_a_chain() -> None:
    terms = declared_terms()
    assert set(NOT_FOR_DESCRIBING_A_CHAIN) <= set(terms), "the exclusions are declared terms"
    design = Graph().parse(HAVENSTAD)
    classes = set(design.objects(None, RDF.type))
    properties = set(design.predicates())
    wanted = {name: kind for name, kind in terms.items() if name not in NOT_FOR_DESCRIBING_A_CHAIN}
    assert len(wanted) >= 20
    unused = sorted(
        f"keten:{name} ({kind})"
        for name, kind in wanted.items()
        if KETEN[name] not in (classes if kind == "class" else properties)
    )
    assert unused == [], f"{HAVENSTAD.name} does not use {', '.join(unused)}"


def test_the_excluded_classes_are_abstract_and_the_inferred_property_is_inferred() -> None:
    ontology = Graph().parse(ROOT / "ontology" / "ketenontologie.ttl")
    for name in ("GovernanceActor", "GovernanceBody", "ChainRole"):
        assert set(ontology.subjects(RDFS.subClassOf, KETEN[name])), f"{name} has subclasses"
    eventually = KETEN.escalatesEventuallyTo
    assert (eventually, RDF.type, OWL.TransitiveProperty) in ontology
    assert (KETEN.escalatesTo, RDFS.subPropertyOf, eventually) in ontology


def test_closure_reports_an_individual_in_disjoint_classes() -> None:
    graph = _ontology()
    graph.parse(
        data="""
        @prefix keten: <https://w3id.org/ketenontologie/def#> .
        <https://example.org/x> a keten:ChainBoard , keten:ChainBureau .
        """,
        format="turtle",
    )
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    assert [str(m) for m in graph.objects(None, ERRNS.error)]
