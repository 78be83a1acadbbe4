"""The fast path on its own: materialisation against owlrl, compiled shapes against pySHACL."""

from __future__ import annotations

import re
import textwrap

import owlrl
import pyoxigraph as ox
import pyshacl
import pytest
from rdflib import RDF, SH, BNode, Graph, Literal, URIRef

from ketenontologie.reasoning.rules import lexical_error
from ketenontologie.validation.checks import (
    UnsupportedInput,
    check_literals,
    find_clashes,
    materialise,
)
from ketenontologie.validation.shapes import UnsupportedShape, compile_shapes, run_shapes

PREFIXES = """\
@prefix ex: <https://voorbeeld.nl/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

SCHEMA_AND_DATA = (
    PREFIXES
    + """
ex:Manager rdfs:subClassOf ex:Role . ex:Role owl:equivalentClass ex:Post .
ex:manages rdfs:domain ex:Manager ; rdfs:range ex:Unit ; rdfs:subPropertyOf ex:involvedIn .
ex:involvedIn owl:inverseOf ex:involves .
ex:above a owl:TransitiveProperty . ex:peer a owl:SymmetricProperty .
ex:grand owl:propertyChainAxiom ( ex:above ex:above ) .
ex:a ex:manages ex:u ; ex:above ex:b ; ex:peer ex:c ; ex:label "a" .
ex:b ex:above ex:c . ex:c ex:above ex:d .
"""
)


def quads(text: str) -> list[ox.Quad]:
    return list(ox.parse(text.encode(), format=ox.RdfFormat.TURTLE))


def to_rdflib(term: object) -> object:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    assert isinstance(term, ox.Literal)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def test_materialise_equals_owlrl_outside_rdf_rdfs_and_owl_terms() -> None:
    graph = Graph().parse(data=SCHEMA_AND_DATA, format="turtle")
    asserted = set(graph)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    vocabularies = ("http://www.w3.org/1999/02/", "http://www.w3.org/2000/01/", str(owlrl.OWL))
    expected = {
        triple
        for triple in set(graph) - asserted
        if not isinstance(triple[0], Literal)
        and not any(str(term).startswith(vocabularies) for term in triple[1:] if term != RDF.type)
        and not (triple[1] == RDF.type and str(triple[2]).startswith(vocabularies))
    }
    got = {tuple(map(to_rdflib, t)) for t in materialise(quads(SCHEMA_AND_DATA))}
    got = {t for t in got if not str(t[1]).startswith(vocabularies) or t[1] == RDF.type}
    assert got == expected
    assert (URIRef("https://voorbeeld.nl/a"), RDF.type, URIRef("https://voorbeeld.nl/Post")) in got


@pytest.mark.parametrize(
    "axiom",
    [
        "ex:a owl:sameAs ex:b .",
        "ex:p a owl:FunctionalProperty .",
        "ex:C owl:intersectionOf ( ex:A ex:B ) .",
        "ex:p rdfs:subPropertyOf rdf:type .",
        "rdfs:label rdfs:domain ex:Thing .",
        # Property axioms that can only make the graph inconsistent: the exact path checks them.
        "ex:p a owl:IrreflexiveProperty .",
        "ex:p a owl:AsymmetricProperty .",
        "ex:p owl:propertyDisjointWith ex:q .",
        "[] a owl:AllDisjointProperties ; owl:members ( ex:p ex:q ) .",
    ],
)
def test_materialise_refuses_owl_it_does_not_cover(axiom: str) -> None:
    text = PREFIXES + "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n" + axiom
    with pytest.raises(UnsupportedInput):
        materialise(quads(text))


DISJOINT = PREFIXES + textwrap.dedent(
    """
    ex:Body rdfs:subClassOf ex:Actor . ex:Board rdfs:subClassOf ex:Body .
    ex:Body owl:disjointWith ex:Role .
    [] a owl:AllDisjointClasses ; owl:members ( ex:Board ex:Bureau ex:Team ) .
    ex:chairs rdfs:domain ex:Role .
    ex:b1 a ex:Board , ex:Bureau , ex:Team .
    ex:b2 a ex:Board ; ex:chairs ex:b1 .
    ex:r a ex:Role , ex:Actor .
    """
)


def owlrl_clashes(text: str) -> set[tuple[str, tuple[str, str]]]:
    """owlrl's disjointness errors as (node, (class, class)), the pair in IRI order."""
    graph = Graph().parse(data=text, format="turtle")
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    found = set()
    errors = URIRef("http://www.daml.org/2002/03/agents/agent-ont#error")
    pattern = re.compile(r"Disjoint classes (\S+) and (\S+) have a common individual (\S+)")
    for message in map(str, graph.objects(None, errors)):
        match = pattern.fullmatch(message)
        assert match, message
        first, second, node = match.groups()
        found.add((node, (min(first, second), max(first, second))))
    return found


def test_clashes_are_owlrls_disjointness_errors() -> None:
    store = ox.Store()
    store.extend(quads(DISJOINT))
    store.extend(ox.Quad(*t) for t in materialise(quads(DISJOINT)))  # type: ignore[arg-type]
    got = {(c.node.value, (c.classes[0].value, c.classes[1].value)) for c in find_clashes(store)}
    expected = owlrl_clashes(DISJOINT)
    ex = "https://voorbeeld.nl/"
    assert (ex + "b1", (ex + "Board", ex + "Bureau")) in expected
    assert (ex + "b2", (ex + "Body", ex + "Role")) in expected  # through the domain of chairs
    assert got == expected


@pytest.mark.parametrize(
    "data",
    [
        "ex:x a owl:Nothing .",
        "ex:C rdfs:subClassOf owl:Nothing . ex:x a ex:C .",
        "ex:C owl:disjointWith owl:Thing . ex:x a ex:C .",
    ],
)
def test_clashes_the_materialised_types_cannot_tell_are_refused(data: str) -> None:
    store = ox.Store()
    store.extend(quads(PREFIXES + data))
    store.extend(ox.Quad(*t) for t in materialise(quads(PREFIXES + data)))  # type: ignore[arg-type]
    with pytest.raises(UnsupportedInput):
        find_clashes(store)


ACCEPTED = ['"tekst"', '"tekst"@nl', "true", '"0"^^xsd:boolean', "-12", '"2024-02-29"^^xsd:date']
REFUSED = [
    '"ja"^^xsd:boolean',
    '"twaalf"^^xsd:integer',
    '"2023-02-29"^^xsd:date',
    '"1.5"^^xsd:decimal',
    '"x"^^ex:eigenType',
]


@pytest.mark.parametrize("literal", ACCEPTED + REFUSED)
def test_check_literals_vouches_only_for_well_formed_literals(literal: str) -> None:
    data = quads(PREFIXES + f"ex:s ex:p {literal} .")
    if literal in REFUSED:
        with pytest.raises(UnsupportedInput):
            check_literals(data)
        return
    check_literals(data)
    # What the fast path accepts, owlrl (the exact path's reference) accepts too.
    assert not lexical_error(to_rdflib(data[0].object))


SHAPES = PREFIXES + textwrap.dedent(
    """
    ex:counts a sh:PropertyShape ; sh:targetClass ex:Chain ; sh:path ex:partner ;
      sh:minCount 2 ; sh:maxCount 3 .
    ex:typed a sh:PropertyShape ; sh:targetSubjectsOf ex:flag ; sh:path ex:flag ;
      sh:datatype xsd:boolean ; sh:severity sh:Warning .
    ex:listed a sh:PropertyShape ; sh:targetNode ex:x , ex:y ; sh:path ex:level ;
      sh:in ( ex:high ex:low ) .
    ex:qualified a sh:PropertyShape ; sh:targetObjectsOf ex:partner ; sh:path ex:name ;
      sh:qualifiedValueShape [ sh:languageIn ( "nl" ) ] ; sh:qualifiedMinCount 1 .
    ex:classes a sh:PropertyShape ; sh:targetClass ex:Chain ; sh:path ex:partner ;
      sh:qualifiedValueShape [ sh:or ( [ sh:class ex:Org ] [ sh:class ex:Unit ] ) ] ;
      sh:qualifiedMaxCount 1 .
    ex:sparql a sh:NodeShape ; sh:targetClass ex:Chain ; sh:severity sh:Info ;
      sh:sparql [ sh:select "SELECT $this WHERE { FILTER NOT EXISTS { $this ex:board ?b } }" ;
                  sh:prefixes ex:prefixes ] .
    ex:prefixes sh:declare [ sh:prefix "ex" ; sh:namespace "https://voorbeeld.nl/"^^xsd:anyURI ] .
    """
)
DATA = PREFIXES + textwrap.dedent(
    """
    ex:c1 a ex:Chain ; ex:partner ex:p1 . ex:p1 ex:name "P1"@en .
    ex:c2 a ex:Chain ; ex:partner ex:p1 , ex:p2 , ex:p3 , ex:p4 ; ex:board ex:b .
    ex:p2 a ex:Org ; ex:name "P2"@nl-BE . ex:p3 a ex:Unit ; ex:name "P3" .
    ex:s ex:flag true , "ja" , "1"^^xsd:boolean , "maybe"^^xsd:boolean .
    ex:x ex:level ex:high , ex:middle . ex:y ex:level "high" .
    """
)


def test_compiled_shapes_give_pyshacls_results() -> None:
    store = ox.Store()
    store.extend(quads(SHAPES))
    compiled = compile_shapes(store)
    data = ox.Store()
    data.extend(quads(DATA))
    fast = {
        (
            hit.shape,
            hit.severity,
            hit.component,
            hit.focus.value,
            hit.path,
            None if hit.value is None else str(to_rdflib(hit.value).n3()),  # type: ignore[attr-defined]
        )
        for hit in run_shapes(data, compiled)
    }
    _, report, _ = pyshacl.validate(
        Graph().parse(data=DATA, format="turtle"),
        shacl_graph=Graph().parse(data=SHAPES, format="turtle"),
    )
    assert isinstance(report, Graph)
    reference = set()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        value = report.value(result, SH.value)
        path = report.value(result, SH.resultPath)
        reference.add(
            (
                str(report.value(result, SH.sourceShape)),
                str(report.value(result, SH.resultSeverity)),
                str(report.value(result, SH.sourceConstraintComponent)),
                str(report.value(result, SH.focusNode)),
                None if path is None else str(path),
                None if value is None else value.n3(),
            )
        )
    assert len(reference) >= 8
    assert fast == reference


@pytest.mark.parametrize(
    "shape",
    [
        "ex:s a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ] .",
        'ex:s a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ex:p ; sh:pattern "^a" .',
        "ex:s a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ( ex:p ex:q ) ; sh:minCount 1 .",
        "ex:s a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ex:p ; sh:datatype xsd:date .",
    ],
)
def test_shapes_beyond_the_fast_path_are_refused(shape: str) -> None:
    store = ox.Store()
    store.extend(quads(PREFIXES + shape))
    with pytest.raises(UnsupportedShape):
        compile_shapes(store)
