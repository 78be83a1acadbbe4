"""The ontology keeps its own rules: annotations, declarations, the contract names, OWL 2 RL."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, SKOS

ROOT = Path(__file__).resolve().parents[1]
KETEN = Namespace("https://w3id.org/ketenontologie/def#")
ORG = Namespace("http://www.w3.org/ns/org#")
VANN = Namespace("http://purl.org/vocab/vann/")
ONTOLOGY_IRI = URIRef("https://w3id.org/ketenontologie/def")
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")
XSD_BOOLEAN = URIRef("http://www.w3.org/2001/XMLSchema#boolean")
RDF_SUFFIXES = {".ttl", ".trig", ".nt", ".nq", ".jsonld", ".rdf", ".owl"}

RDF_FILES = sorted(
    p
    for folder in ("ontology", "shapes", "data")
    for p in (ROOT / folder).rglob("*")
    if p.suffix in RDF_SUFFIXES
)


@pytest.fixture(scope="session")
def ontology() -> Graph:
    return Graph().parse(ROOT / "ontology" / "ketenontologie.ttl")


def declared_terms(graph: Graph) -> set[URIRef]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    return {
        s
        for kind in kinds
        for s in graph.subjects(RDF.type, kind)
        if isinstance(s, URIRef) and s.startswith(str(KETEN))
    }


@pytest.mark.parametrize("path", RDF_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_file_parses(path: Path) -> None:
    graph = Graph().parse(path)
    assert len(graph) > 0


def test_header_has_version_licence_and_prefix_data(ontology: Graph) -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert ontology.value(ONTOLOGY_IRI, OWL.versionInfo) == Literal(version)
    assert ontology.value(ONTOLOGY_IRI, OWL.versionIRI) == URIRef(f"{ONTOLOGY_IRI}/{version}")
    assert ontology.value(ONTOLOGY_IRI, DCTERMS.license) is not None
    modified = ontology.value(ONTOLOGY_IRI, DCTERMS.modified)
    assert isinstance(modified, Literal) and modified.datatype == XSD_DATE
    assert ontology.value(ONTOLOGY_IRI, VANN.preferredNamespacePrefix) == Literal("keten")
    assert ontology.value(ONTOLOGY_IRI, VANN.preferredNamespaceUri) == Literal(str(KETEN))
    titles = {t.language for t in ontology.objects(ONTOLOGY_IRI, DCTERMS.title)}
    assert titles == {"nl", "en"}


def _languages(graph: Graph, subject: URIRef, predicate: URIRef) -> list[str | None]:
    return [o.language for o in graph.objects(subject, predicate) if isinstance(o, Literal)]


TERMS = sorted(declared_terms(Graph().parse(ROOT / "ontology" / "ketenontologie.ttl")))
# Terms that rest on another standard than NORA, and the source they cite instead.
NOT_FROM_NORA = {KETEN.tooiIdentifier: "https://standaarden.overheid.nl/tooi/"}


@pytest.mark.parametrize("term", TERMS, ids=lambda t: t.removeprefix(str(KETEN)))
def test_every_term_explains_itself(ontology: Graph, term: URIRef) -> None:
    for predicate in (RDFS.label, SKOS.definition):
        languages = _languages(ontology, term, predicate)
        assert sorted(languages) == ["en", "nl"], f"{term} {predicate}: {languages}"
    assert ontology.value(term, RDFS.isDefinedBy) == ONTOLOGY_IRI
    source = ontology.value(term, DCTERMS.source)
    assert isinstance(source, URIRef)
    assert source.startswith(NOT_FROM_NORA.get(term, "https://www.noraonline.nl/")), source
    for note in (SKOS.scopeNote, SKOS.example, SKOS.editorialNote):
        languages = _languages(ontology, term, note)
        assert sorted(languages) in ([], ["en", "nl"]), f"{term} {note} needs nl and en"


def test_every_keten_iri_in_use_is_declared(ontology: Graph) -> None:
    declared = declared_terms(ontology)
    used: dict[URIRef, str] = {}
    for path in RDF_FILES:
        for triple in Graph().parse(path):
            for term in triple:
                if isinstance(term, URIRef) and term.startswith(str(KETEN)):
                    used.setdefault(term, path.name)
    for path in sorted((ROOT / "queries").glob("*.rq")):
        for name in re.findall(r"\bketen:([A-Za-z_][\w-]*)", path.read_text()):
            used.setdefault(KETEN[name], path.name)
        for iri in re.findall(r"<(https://w3id\.org/ketenontologie/def#[^>]+)>", path.read_text()):
            used.setdefault(URIRef(iri), path.name)
    undeclared = {str(t): f for t, f in used.items() if t not in declared}
    assert not undeclared, f"used but not declared in the ontology: {undeclared}"


# The names the issue fixes as a contract, with the superclass each must have.
CONTRACT_CLASSES = {
    "Chain": ORG.OrganizationalCollaboration,
    "ChainPartner": ORG.Organization,
    "GovernanceActor": None,
    "GovernanceBody": ORG.Organization,
    "ChainBoard": KETEN.GovernanceBody,
    "ChainBureau": KETEN.GovernanceBody,
    "CoreTeam": KETEN.GovernanceBody,
    "ChainRole": ORG.Post,
    "ChainManager": KETEN.ChainRole,
    "ChainDirector": KETEN.ChainRole,
    "LineManager": KETEN.ChainRole,
    "CoachingManager": KETEN.ChainRole,
    "AutonomousProfessional": KETEN.ChainRole,
    "PoliticalPrincipal": ORG.Post,
    "Dimension": SKOS.Concept,
    "Pillar": SKOS.Concept,
    "BuildingBlock": SKOS.Concept,
    "ManagementLevel": SKOS.Concept,
    "DevelopmentPhase": SKOS.Concept,
}
CONTRACT_PROPERTIES = {
    "hasPartner": (KETEN.Chain, KETEN.ChainPartner),
    "partnerIn": (KETEN.ChainPartner, KETEN.Chain),
    "hasBoard": (KETEN.Chain, KETEN.ChainBoard),
    "hasBureau": (KETEN.Chain, KETEN.ChainBureau),
    "actsIn": (KETEN.GovernanceActor, KETEN.Chain),
    "atLevel": (KETEN.GovernanceActor, KETEN.ManagementLevel),
    "boardMember": (KETEN.ChainBoard, ORG.Post),
    "escalatesTo": (KETEN.GovernanceActor, KETEN.GovernanceActor),
    "escalatesEventuallyTo": (KETEN.GovernanceActor, KETEN.GovernanceActor),
    "hasOverridingPower": (None, XSD_BOOLEAN),
    "coaches": (KETEN.CoachingManager, KETEN.AutonomousProfessional),
    "inPhase": (KETEN.Chain, KETEN.DevelopmentPhase),
    "appliesBuildingBlock": (KETEN.Chain, KETEN.BuildingBlock),
    "inDimension": (KETEN.Pillar, KETEN.Dimension),
}


@pytest.mark.parametrize("name", sorted(CONTRACT_CLASSES))
def test_contract_class(ontology: Graph, name: str) -> None:
    cls = KETEN[name]
    assert (cls, RDF.type, OWL.Class) in ontology
    superclass = CONTRACT_CLASSES[name]
    if superclass is not None:
        assert (cls, RDFS.subClassOf, superclass) in ontology


def test_bodies_are_not_units_of_the_chain(ontology: Graph) -> None:
    """A chain is a collaboration, not a formal organisation: nothing is org:unitOf it."""
    assert (KETEN.GovernanceBody, RDFS.subClassOf, ORG.OrganizationalUnit) not in ontology
    assert not list(ontology.triples((None, ORG.unitOf, None)))


def test_only_sourced_disjointness_between_bodies(ontology: Graph) -> None:
    """Board and bureau differ; whether a core team is (part of) a board the source leaves open."""
    assert (KETEN.ChainBureau, OWL.disjointWith, KETEN.ChainBoard) in ontology
    assert (KETEN.ChainBureau, OWL.disjointWith, KETEN.CoreTeam) in ontology
    for node in ontology.subjects(RDF.type, OWL.AllDisjointClasses):
        members = set(Graph.items(ontology, ontology.value(node, OWL.members)))
        assert not {KETEN.ChainBoard, KETEN.CoreTeam} <= members
    assert (KETEN.ChainBoard, OWL.disjointWith, KETEN.CoreTeam) not in ontology
    assert (KETEN.CoreTeam, OWL.disjointWith, KETEN.ChainBoard) not in ontology


def test_overriding_power_makes_nobody_a_chain_manager(ontology: Graph) -> None:
    assert ontology.value(KETEN.hasOverridingPower, RDFS.domain) is None
    definition = str(ontology.value(KETEN.hasOverridingPower, SKOS.definition))
    assert "lijnorganisaties" in definition or "line organisations" in definition


def test_no_two_terms_differ_only_by_case(ontology: Graph) -> None:
    current = [
        t for t in declared_terms(ontology) if (t, OWL.deprecated, Literal(True)) not in ontology
    ]
    folded: dict[str, URIRef] = {}
    for term in current:
        other = folded.setdefault(str(term).lower(), term)
        assert other == term, f"{other} and {term} differ only by case"


def test_deprecated_terms_name_their_replacement(ontology: Graph) -> None:
    deprecated = set(ontology.subjects(OWL.deprecated, Literal(True)))
    assert KETEN.contributionWeight in deprecated
    for term in deprecated:
        replacement = ontology.value(term, DCTERMS.isReplacedBy)
        assert replacement in declared_terms(ontology), term
        assert (replacement, OWL.deprecated, Literal(True)) not in ontology


MIM = Namespace("http://modellen.mim-standaard.nl/def/mim#")
ADMS = Namespace("http://www.w3.org/ns/adms#")


def test_header_has_fair_metadata(ontology: Graph) -> None:
    for predicate in (
        DCTERMS.creator,
        DCTERMS.publisher,
        DCTERMS.issued,
        DCTERMS.modified,
        DCTERMS.license,
        OWL.versionIRI,
        OWL.priorVersion,
        ADMS.status,
        DCTERMS.bibliographicCitation,
        VANN.preferredNamespacePrefix,
        VANN.preferredNamespaceUri,
    ):
        assert ontology.value(ONTOLOGY_IRI, predicate) is not None, predicate
    notes = " ".join(str(n) for n in ontology.objects(ONTOLOGY_IRI, SKOS.editorialNote))
    assert "own renderings" in notes and "eigen vertalingen" in notes
    creator = ontology.value(ONTOLOGY_IRI, DCTERMS.creator)
    assert {o.language for o in ontology.objects(creator, RDFS.label)} == {"nl", "en"}


def test_actor_kinds_are_governance_actors(ontology: Graph) -> None:
    for name in ("GovernanceBody", "ChainRole", "PoliticalPrincipal"):
        assert (KETEN[name], RDFS.subClassOf, KETEN.GovernanceActor) in ontology


@pytest.mark.parametrize("name", sorted(CONTRACT_PROPERTIES))
def test_contract_property(ontology: Graph, name: str) -> None:
    prop = KETEN[name]
    domain, range_ = CONTRACT_PROPERTIES[name]
    assert ontology.value(prop, RDFS.domain) == domain
    assert ontology.value(prop, RDFS.range) == range_


def test_escalation_steps_roll_up_into_a_transitive_property(ontology: Graph) -> None:
    assert (KETEN.escalatesTo, RDFS.subPropertyOf, KETEN.escalatesEventuallyTo) in ontology
    assert (KETEN.escalatesEventuallyTo, RDF.type, OWL.TransitiveProperty) in ontology
    assert (KETEN.hasPartner, OWL.inverseOf, KETEN.partnerIn) in ontology


# OWL vocabulary allowed in the ontology. Every axiom built from these alone is in OWL 2 RL
# whichever side of a subclass axiom it stands on; class expressions (restrictions, unions,
# intersections) are not allowed at all, so nothing can land in a position RL forbids.
OWL_RL_SAFE = {
    OWL.Ontology,
    OWL.versionIRI,
    OWL.versionInfo,
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    OWL.TransitiveProperty,
    OWL.deprecated,
    OWL.priorVersion,
    OWL.inverseOf,
    OWL.propertyChainAxiom,
    OWL.AllDisjointClasses,
    OWL.members,
    OWL.disjointWith,
}


def test_ontology_stays_inside_owl2_rl(ontology: Graph) -> None:
    used = {t for triple in ontology for t in triple if isinstance(t, URIRef)}
    owl_terms = {t for t in used if t.startswith(str(OWL))}
    assert owl_terms <= OWL_RL_SAFE, f"not known to be RL-safe here: {owl_terms - OWL_RL_SAFE}"
    # No anonymous class expressions: each blank node is a list cell or an AllDisjointClasses.
    for node in {s for s in ontology.subjects() if isinstance(s, BNode)}:
        types = set(ontology.objects(node, RDF.type))
        assert types <= {OWL.AllDisjointClasses} and (
            types or (node, RDF.first, None) in ontology
        ), f"anonymous class expression at {node}"
    for _, _, domain in ontology.triples((None, RDFS.domain, None)):
        assert isinstance(domain, URIRef)


TURTLE_SOURCES = [p for p in RDF_FILES if p.suffix == ".ttl"]


@pytest.mark.parametrize("path", TURTLE_SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_turtle_sources_sort_their_prefixes(path: Path) -> None:
    prefixes = [
        line.split()[1] for line in path.read_text().splitlines() if line.startswith("@prefix")
    ]
    assert prefixes == sorted(prefixes), f"{path.name}: sort the @prefix lines from A to Z"


def test_ontology_header_comes_first(ontology: Graph) -> None:
    text = (ROOT / "ontology" / "ketenontologie.ttl").read_text()
    statements = [
        line for line in text.splitlines() if line and not line.startswith(("#", "@prefix"))
    ]
    assert statements[0] == f"<{ONTOLOGY_IRI}>"
