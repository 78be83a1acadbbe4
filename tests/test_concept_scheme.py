"""The NORA concept scheme: its shape (4 dimensions, 8 pillars, 12 building blocks) and NL-SBB."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, SKOS

from shared_files import shared

ROOT = Path(__file__).resolve().parents[1]
KETEN = Namespace("https://w3id.org/ketenontologie/def#")
ID = "https://w3id.org/ketenontologie/id/"
SCHEME = URIRef(ID + "begrippenkader/ketensturing")

# Pillar → dimension, as the source's table gives them (DOMAIN.md).
PILLARS = {
    "P1": "cultureel",
    "P2": "cultureel",
    "P3": "relationeel",
    "P4": "relationeel",
    "P5": "procedureel",
    "P6": "procedureel",
    "P7": "inhoudelijk",
    "P8": "inhoudelijk",
}
BUILDING_BLOCKS = {
    "ketenbestuur",
    "ketenmanager",
    "lijnmanagement",
    "ketenregisseur",
    "ketenbureau",
    "besluitvormingsmodel",
    "ketenoverlegstructuur",
    "ketenrapportage",
    "keteninformatie-infrastructuur",
    "ketenkaart",
    "coachende-manager",
    "autonome-professional",
}


@pytest.fixture(scope="session")
def scheme() -> Graph:
    return Graph().parse(ROOT / "ontology" / "begrippenkader.ttl")


@pytest.fixture(scope="session")
def nl_sbb_shapes() -> Graph:
    return Graph().parse(ROOT / "shapes" / "nl-sbb.ttl")


def members(scheme: Graph, cls: URIRef) -> set[URIRef]:
    return {s for s in scheme.subjects(RDF.type, cls) if isinstance(s, URIRef)}


def test_scheme_conforms_to_nl_sbb(scheme: Graph, nl_sbb_shapes: Graph) -> None:
    conforms, _, text = validate(scheme, shacl_graph=nl_sbb_shapes, inference="none")
    assert conforms, text


# Geonovum's official SHACL profile of NL-SBB, read where the shared standards are kept.
@pytest.fixture(scope="session")
def official_nl_sbb() -> Graph:
    path = shared("standards", "nl-sbb", "skos-ap-nl.ttl", what="Geonovum's NL-SBB profile")
    return Graph().parse(path)  # its owl:imports are not followed (no network)


def test_scheme_conforms_to_geonovums_official_nl_sbb_profile(
    scheme: Graph, official_nl_sbb: Graph
) -> None:
    conforms, report, text = validate(
        scheme, shacl_graph=official_nl_sbb, inference="none", allow_warnings=False
    )
    assert conforms, text
    # Not even a warning or an info: the profile's advice (unique labels, no orphans) holds too.
    assert not list(
        report.subjects(RDF.type, URIRef("http://www.w3.org/ns/shacl#ValidationResult"))
    )


def test_our_profile_is_named_an_extension_of_the_official_one() -> None:
    vocabulary = Graph().parse(ROOT / "shapes" / "vocabulary.ttl")
    profile = URIRef("https://w3id.org/ketenontologie/shapes#NL-SBB")
    prof = Namespace("http://www.w3.org/ns/dx/prof/")
    assert (profile, prof.isProfileOf, URIRef("http://nlbegrip.nl/def/skosapnl#")) in vocabulary


def test_nl_sbb_shapes_catch_a_bad_concept(nl_sbb_shapes: Graph) -> None:
    bad = Graph().parse(
        data="""
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        <urn:x:c> a skos:Concept ;
            skos:prefLabel "een"@nl , "twee"@nl ;
            skos:definition "alleen Nederlands"@nl .
        <urn:x:s> a skos:ConceptScheme .
        """,
        format="turtle",
    )
    conforms, report, _ = validate(bad, shacl_graph=nl_sbb_shapes, inference="none")
    assert not conforms
    sh = Namespace("http://www.w3.org/ns/shacl#")
    rules = set()
    for result in report.subjects(RDF.type, sh.ValidationResult):
        shape = report.value(result, sh.sourceShape)
        owner = (
            shape if isinstance(shape, URIRef) else nl_sbb_shapes.value(None, sh.property, shape)
        )
        assert isinstance(owner, URIRef), f"result from an anonymous shape: {shape}"
        rules.add(owner.rsplit("#", 1)[-1])
        assert report.value(result, sh.resultMessage) is not None
    assert rules == {"NLSBB-01", "NLSBB-02", "NLSBB-03", "NLSBB-04", "NLSBB-05"}


def test_scheme_has_a_title_in_both_languages(scheme: Graph) -> None:
    assert (SCHEME, RDF.type, SKOS.ConceptScheme) in scheme
    assert {t.language for t in scheme.objects(SCHEME, DCTERMS.title)} == {"nl", "en"}


def test_four_dimensions_eight_pillars_two_each(scheme: Graph) -> None:
    dimensions = members(scheme, KETEN.Dimension)
    assert dimensions == {URIRef(ID + "dimensie/" + d) for d in set(PILLARS.values())}
    pillars = members(scheme, KETEN.Pillar)
    assert pillars == {URIRef(ID + "pijler/" + p) for p in PILLARS}
    for notation, dimension in PILLARS.items():
        pillar = URIRef(ID + "pijler/" + notation)
        assert scheme.value(pillar, SKOS.notation) == Literal(notation)
        assert list(scheme.objects(pillar, KETEN.inDimension)) == [
            URIRef(ID + "dimensie/" + dimension)
        ]
        assert (pillar, SKOS.broader, URIRef(ID + "dimensie/" + dimension)) in scheme
    for dimension in dimensions:
        assert len(list(scheme.subjects(KETEN.inDimension, dimension))) == 2


def test_twelve_verified_building_blocks_and_the_unknown_six_are_stated(scheme: Graph) -> None:
    blocks = members(scheme, KETEN.BuildingBlock)
    assert blocks == {URIRef(ID + "bouwsteen/" + b) for b in BUILDING_BLOCKS}
    notes = " ".join(str(n) for n in scheme.objects(SCHEME, SKOS.editorialNote))
    assert "18" in notes or "achttien" in notes


@pytest.mark.parametrize(
    ("cls", "refs"),
    [
        (KETEN.ManagementLevel, {"niveau/strategisch", "niveau/tactisch", "niveau/operationeel"}),
        (KETEN.DevelopmentPhase, {"fase/opbouw", "fase/crisis", "fase/stabiel"}),
    ],
    ids=["levels", "phases"],
)
def test_levels_and_phases(scheme: Graph, cls: URIRef, refs: set[str]) -> None:
    assert members(scheme, cls) == {URIRef(ID + r) for r in refs}


def test_levels_are_ordered(scheme: Graph) -> None:
    strategic, tactical, operational = (
        URIRef(ID + "niveau/" + n) for n in ("strategisch", "tactisch", "operationeel")
    )
    assert (strategic, KETEN.higherLevelThan, tactical) in scheme
    assert (tactical, KETEN.higherLevelThan, operational) in scheme


def test_every_concept_is_in_the_scheme(scheme: Graph) -> None:
    for concept in members(scheme, SKOS.Concept):
        assert (concept, SKOS.inScheme, SCHEME) in scheme, concept


MIM = Namespace("http://modellen.mim-standaard.nl/def/mim#")
ORG = Namespace("http://www.w3.org/ns/org#")
# The one class whose begrip is a collective: a line manager is one member of line management.
MEMBER_OF_ITS_BEGRIP = {KETEN.LineManager}


def test_one_begrip_one_definition(scheme: Graph) -> None:
    """Each class that stands for a building block says so (mim:begrip) and defines it the same."""
    ontology = Graph().parse(ROOT / "ontology" / "ketenontologie.ttl")
    linked = {
        cls: concept
        for cls, concept in ontology.subject_objects(MIM.begrip)
        if str(concept).startswith(ID + "bouwsteen/")
    }
    assert {str(c).removeprefix(ID + "bouwsteen/") for c in linked.values()} == {
        "ketenbestuur",
        "ketenmanager",
        "lijnmanagement",
        "ketenregisseur",
        "ketenbureau",
        "coachende-manager",
        "autonome-professional",
    }
    prefixes = {"nl": "Bouwsteen van ketensturing: ", "en": "Building block of chain governance: "}
    for cls, concept in linked.items():
        assert (concept, RDF.type, KETEN.BuildingBlock) in scheme
        if cls in MEMBER_OF_ITS_BEGRIP:
            continue
        for definition in ontology.objects(cls, SKOS.definition):
            lang = definition.language
            (text,) = [d for d in scheme.objects(concept, SKOS.definition) if d.language == lang]
            said = str(text).removeprefix(prefixes[lang])
            assert said[0].upper() + said[1:] == str(definition), (cls, lang)


def test_roles_for_a_qualified_membership(scheme: Graph) -> None:
    roles = members(scheme, ORG.Role)
    assert {str(r).removeprefix(ID) for r in roles} == {
        "lidmaatschapsrol/ketenpartner",
        "lidmaatschapsrol/verbindende-schakel",
    }
    assert roles <= members(scheme, SKOS.Concept)


def test_version_iris_of_the_scheme_are_described(scheme: Graph) -> None:
    """They are minted under /id/, so each must resolve: the scheme describes them."""
    for predicate in (
        URIRef("http://www.w3.org/2002/07/owl#versionIRI"),
        URIRef("http://www.w3.org/2002/07/owl#priorVersion"),
    ):
        version = scheme.value(SCHEME, predicate)
        assert isinstance(version, URIRef) and str(version).startswith(ID)
        assert (version, DCTERMS.isVersionOf, SCHEME) in scheme
