"""The example designs: one chain per file, and a sound OWL 2 RL closure with the ontology."""

from __future__ import annotations

from pathlib import Path

import owlrl
import pytest
from rdflib import RDF, Graph, Namespace, URIRef

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
