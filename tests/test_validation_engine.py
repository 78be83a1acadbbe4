"""The fast path on its own: the one reasoner against owlrl on small schemas, compiled shapes
against pySHACL.

Validation's OWL 2 RL inference is :mod:`ketenontologie.reasoning`'s (there is no second
materialisation): these tests check it on schemas of their own, beyond the project's ontology,
including the OWL that only owlrl itself (the reasoner's fallback) covers.
"""

from __future__ import annotations

import importlib.util
import textwrap
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
from rdflib import RDF, SH, Graph, URIRef

from ketenontologie.reasoning import Reasoner
from ketenontologie.reasoning.rules import compile_rules
from ketenontologie.terms import TermCache, to_rdflib_graph
from ketenontologie.validation.shapes import UnsupportedShape, compile_shapes, run_shapes
from test_reasoning import as_rdflib, compared, owlrl_closure

PREFIXES = """\
@prefix ex: <https://voorbeeld.nl/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

SCHEMA = (
    PREFIXES
    + """
ex:Manager rdfs:subClassOf ex:Role . ex:Role owl:equivalentClass ex:Post .
ex:manages rdfs:domain ex:Manager ; rdfs:range ex:Unit ; rdfs:subPropertyOf ex:involvedIn .
ex:involvedIn owl:inverseOf ex:involves .
ex:above a owl:TransitiveProperty . ex:peer a owl:SymmetricProperty .
ex:grand owl:propertyChainAxiom ( ex:above ex:above ) .
"""
)
FACTS = """
ex:a ex:manages ex:u ; ex:above ex:b ; ex:peer ex:c ; ex:label "a" .
ex:b ex:above ex:c . ex:c ex:above ex:d .
"""


def quads(text: str) -> list[ox.Quad]:
    return list(ox.parse(text.encode(), format=ox.RdfFormat.TURTLE))


def to_rdflib(term: object) -> object:
    return TermCache().as_rdflib(term)


Outcome = tuple[set[tuple[object, object, object]], set[str]]


def reason(schema: str, data: str) -> tuple[Outcome, Outcome, str]:
    """The reasoner on ``data`` with ``schema`` as its ontology, and owlrl on the same parse:
    inferred triples (as rdflib triples) and owlrl's wording of the inconsistencies; and the
    reasoner's engine."""
    ontology, design = quads(schema), quads(PREFIXES + data)
    result = Reasoner(compile_rules(ontology)).infer(design)
    ours = (as_rdflib(result), {i.owlrl_message for i in result.inconsistencies})
    return ours, owlrl_says(ontology, design), result.engine


def owlrl_says(schema: list[ox.Quad], data: list[ox.Quad]) -> Outcome:
    """owlrl's inferred triples about ``data`` (closure less the schema's closure and the
    asserted triples, compared as in ``test_reasoning``) and its error messages."""
    ontology = to_rdflib_graph(schema)
    design = to_rdflib_graph(data)
    base, _ = owlrl_closure(ontology)
    closure, errors = owlrl_closure(ontology + design)
    inferred = {t for t in closure if t not in base and t not in design and compared(t)}
    return inferred, errors


def test_the_reasoner_equals_owlrl_on_a_schema_of_its_own() -> None:
    ours, owlrl, engine = reason(SCHEMA, FACTS)
    assert ours == owlrl
    assert engine == "rules"
    inferred = ours[0]
    ex = "https://voorbeeld.nl/"
    assert (URIRef(ex + "a"), RDF.type, URIRef(ex + "Post")) in inferred
    assert (URIRef(ex + "a"), URIRef(ex + "grand"), URIRef(ex + "c")) in inferred


@pytest.mark.parametrize(
    "axiom",
    [
        "ex:a owl:sameAs ex:b .",
        "ex:above a owl:FunctionalProperty .",
        "ex:C owl:intersectionOf ( ex:Manager ex:Unit ) .",
        "ex:p rdfs:subPropertyOf rdf:type . ex:a ex:p ex:Unit .",
        "rdfs:label rdfs:domain ex:Thing . ex:a rdfs:label 'a' .",
        # Property axioms that can only make the graph inconsistent.
        "ex:above a owl:IrreflexiveProperty . ex:d ex:above ex:d .",
        "ex:above a owl:AsymmetricProperty . ex:d ex:above ex:c .",
        "ex:above owl:propertyDisjointWith ex:peer . ex:a ex:peer ex:b .",
        "[] a owl:AllDisjointProperties ; owl:members ( ex:above ex:peer ) . ex:a ex:peer ex:b .",
    ],
)
def test_owl_beyond_the_compiled_rules_is_reasoned_exactly(axiom: str) -> None:
    """What the compiled rules do not express is reasoned by owlrl inside the reasoner (or by
    rules compiled again with the design's schema): validation sees owlrl's result."""
    ours, owlrl, _ = reason(SCHEMA, FACTS + axiom)
    assert ours == owlrl


DISJOINT = PREFIXES + textwrap.dedent(
    """
    ex:Body rdfs:subClassOf ex:Actor . ex:Board rdfs:subClassOf ex:Body .
    ex:Body owl:disjointWith ex:Role .
    [] a owl:AllDisjointClasses ; owl:members ( ex:Board ex:Bureau ex:Team ) .
    ex:chairs rdfs:domain ex:Role .
    """
)
CLASHING = """
ex:b1 a ex:Board , ex:Bureau , ex:Team .
ex:b2 a ex:Board ; ex:chairs ex:b1 .
ex:r a ex:Role , ex:Actor .
"""


def test_clashes_are_owlrls_disjointness_errors() -> None:
    (_, errors), owlrl, _ = reason(DISJOINT, CLASHING)
    ex = "https://voorbeeld.nl/"
    assert f"Disjoint classes {ex}Board and {ex}Bureau have a common individual {ex}b1" in errors
    assert f"Disjoint classes {ex}Body and {ex}Role have a common individual {ex}b2" in errors
    assert errors == owlrl[1]


@pytest.mark.parametrize(
    "data",
    [
        "ex:x a owl:Nothing .",
        "ex:C rdfs:subClassOf owl:Nothing . ex:x a ex:C .",
        "ex:C owl:disjointWith owl:Thing . ex:x a ex:C .",
    ],
)
def test_inconsistencies_beyond_disjoint_classes_are_owlrls(data: str) -> None:
    ours, owlrl, _ = reason(PREFIXES, data)
    assert ours == owlrl
    # owlrl types nothing an owl:Thing, so only owl:Nothing clashes here.
    assert bool(ours[1]) == ("Nothing" in data)


LITERALS = [
    '"tekst"',
    '"tekst"@nl',
    "true",
    '"0"^^xsd:boolean',
    "-12",
    '"2024-02-29"^^xsd:date',
    '"ja"^^xsd:boolean',
    '"twaalf"^^xsd:integer',
    '"2023-02-29"^^xsd:date',
    '"1.5"^^xsd:decimal',
    '"x"^^ex:eigenType',
]


@pytest.mark.parametrize("literal", LITERALS)
def test_literals_are_checked_as_owlrl_checks_them(literal: str) -> None:
    """owlrl's verdict on every literal, as pyoxigraph parses it (``"ja"`` stays ``"ja"``; owlrl
    reads it through rdflib, as ``false``, and accepts it)."""
    (_, errors), (_, owlrl_errors), _ = reason(PREFIXES, f"ex:s ex:p {literal} .")
    assert errors == owlrl_errors
    assert bool(errors) == (literal in ('"twaalf"^^xsd:integer', '"2023-02-29"^^xsd:date'))


def test_there_is_one_owl_2_rl_materialisation() -> None:
    """Validation infers with ``ketenontologie.reasoning``: the second materialisation of the
    fast path (``validation.checks``) is gone, and validation reasons through ``Reasoner``."""
    from ketenontologie.validation import engine

    assert importlib.util.find_spec("ketenontologie.validation.checks") is None
    assert engine.Reasoner is Reasoner


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


def test_compiled_shapes_are_kept_on_disk_and_read_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new process reads the project's shapes compiled, with what each rule says, from the
    cache instead of parsing and compiling them again; a changed file gets a new entry."""
    from ketenontologie.validation import shapes

    monkeypatch.setenv("KETENONTOLOGIE_CACHE_DIR", str(tmp_path))
    files = shapes.default_shape_files()
    shapes._tables_of.cache_clear()
    made = shapes.shape_tables(files)
    assert made.compiled and made.infos
    assert len(list(tmp_path.glob("shapes-*.pickle"))) == 1

    def refuse(store: ox.Store) -> list[shapes.CompiledShape]:
        raise AssertionError("compiled again")

    shapes._tables_of.cache_clear()
    monkeypatch.setattr(shapes, "compile_shapes", refuse)
    assert shapes.shape_tables(files) == made

    changed = tmp_path / "shapes" / files[0].name
    changed.parent.mkdir()
    changed.write_bytes(files[0].read_bytes() + b"\n# changed\n")
    monkeypatch.undo()
    monkeypatch.setenv("KETENONTOLOGIE_CACHE_DIR", str(tmp_path))
    shapes._tables_of.cache_clear()
    assert shapes.shape_tables([changed, *files[1:]]).compiled == made.compiled
    assert len(list(tmp_path.glob("shapes-*.pickle"))) == 2
    shapes._tables_of.cache_clear()
