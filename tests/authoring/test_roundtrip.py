"""Every example design survives Turtle → YAML → Turtle and Turtle → workbook → Turtle as the
same graph, and Turtle → ArchiMate → Turtle with the same governance; generated designs too."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ketenontologie.authoring.archimate import read_archimate, write_archimate
from ketenontologie.authoring.model import design_from_quads
from ketenontologie.authoring.spreadsheet import read_workbook, write_workbook
from ketenontologie.authoring.yaml import read_yaml, write_yaml
from ketenontologie.convert import canonical_turtle
from ketenontologie.loading import parse_file
from ketenontologie.namespaces import ORG

from .conftest import EXAMPLES, canonical

IDS = [str(path.relative_to(path.parents[1])) for path in EXAMPLES]


def _governance(quads: list[ox.Quad]) -> set[ox.Quad]:
    """The statements about the design's entries and the memberships between them: what
    ArchiMate keeps."""
    entries = {entry.iri for entry in design_from_quads(quads).entries}
    memberships = {q.subject for q in quads if q.object == ox.NamedNode(str(ORG) + "Membership")}
    return {q for q in canonical(quads) if q.subject in entries | memberships}


@pytest.mark.parametrize("path", EXAMPLES, ids=IDS)
def test_turtle_yaml_turtle_keeps_every_statement(path: Path) -> None:
    quads = parse_file(path).quads
    text = write_yaml(quads)
    back, _ = read_yaml(text.encode(), name="ontwerp.yaml")
    assert canonical(back) == canonical(quads)
    assert canonical_turtle(back) == canonical_turtle(quads)
    assert write_yaml(back) == text, "writing the same design again gives the same text"


@pytest.mark.parametrize("path", EXAMPLES, ids=IDS)
def test_turtle_workbook_turtle_keeps_every_statement(path: Path) -> None:
    quads = parse_file(path).quads
    back, _ = read_workbook(write_workbook(quads), name="ontwerp.xlsx")
    assert canonical(back) == canonical(quads)


@pytest.mark.parametrize("path", EXAMPLES, ids=IDS)
def test_turtle_archimate_turtle_keeps_the_governance(path: Path, archimate_schema: object) -> None:
    quads = parse_file(path).quads
    data, notes = write_archimate(quads)
    archimate_schema.validate(data.decode())  # type: ignore[attr-defined]
    back, places = read_archimate(data, name="model.xml")
    assert _governance(back) == _governance(quads)
    others = len(canonical(quads)) - len(_governance(quads))
    if others:
        assert notes and str(others) in notes[0], "what ArchiMate cannot hold is reported"
    assert "read as a chain design" in places.notes[0]


# --- generated designs ---------------------------------------------------------------------------

KETEN = "https://w3id.org/ketenontologie/def#"
ID = "https://w3id.org/ketenontologie/id/"
_KINDS = {
    "keten": ["Chain"],
    "organisatie": ["ChainPartner"],
    "orgaan": ["ChainBoard", "ChainBureau", "CoreTeam"],
    "rol": [
        "ChainManager",
        "ChainDirector",
        "LineManager",
        "CoachingManager",
        "PoliticalPrincipal",
    ],
    "doel": ["ChainObjective"],
}
_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=["Cs", "Cc"], blacklist_characters="\ufffe\uffff"),
    min_size=0,
    max_size=20,
) | st.sampled_from(["ja", "true", "12", "a, b", " spatie ", "=SOM(A1)", "regel\nregel", "- x", ""])
_PROPERTIES = [
    "hasPartner", "partnerIn", "hasBoard", "actsIn", "boardMember", "escalatesTo", "coaches",
    "atLevel", "inPhase", "appliesBuildingBlock",
]  # fmt: skip


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@st.composite
def generated(draw: st.DrawFn) -> list[ox.Quad]:
    """A design: typed things with links between them, names, levels and other values."""
    quads: list[ox.Quad] = []
    things: list[ox.NamedNode | ox.BlankNode] = []
    for prefix, classes in _KINDS.items():
        for n in range(draw(st.integers(0, 3))):
            node = ox.NamedNode(f"{ID}{prefix}/{prefix}-{n}")
            things.append(node)
            for cls in draw(st.lists(st.sampled_from(classes), min_size=1, max_size=2)):
                quads.append(ox.Quad(node, ox.NamedNode(RDF_TYPE), ox.NamedNode(KETEN + cls)))
    if draw(st.booleans()):
        things.append(ox.NamedNode("https://voorbeeld.nl/iets#x"))
    if draw(st.booleans()):
        things.append(ox.BlankNode())
    if not things:
        return quads
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    for thing in things:
        for lang in draw(st.lists(st.sampled_from(["nl", "en", "de", None]), max_size=3)):
            text = draw(_TEXT)
            value = ox.Literal(text, language=lang) if lang else ox.Literal(text)
            quads.append(ox.Quad(thing, label, value))
    for _ in range(draw(st.integers(0, 8))):
        subject, target = draw(st.sampled_from(things)), draw(st.sampled_from(things))
        predicate = ox.NamedNode(KETEN + draw(st.sampled_from(_PROPERTIES)))
        if predicate.value.endswith(("atLevel", "inPhase", "appliesBuildingBlock")):
            scheme = {"atLevel": "niveau/strategisch", "inPhase": "fase/crisis"}.get(
                predicate.value.rsplit("#", 1)[1], "bouwsteen/ketenkaart"
            )
            quads.append(ox.Quad(subject, predicate, ox.NamedNode(ID + scheme)))
        else:
            quads.append(ox.Quad(subject, predicate, target))
    power = ox.NamedNode(KETEN + "hasOverridingPower")
    boolean = ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")
    for lexical in draw(st.lists(st.sampled_from(["true", "false", "1", "ja"]), max_size=2)):
        quads.append(
            ox.Quad(draw(st.sampled_from(things)), power, ox.Literal(lexical, datatype=boolean))
        )
    number = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    for lexical in draw(st.lists(st.sampled_from(["1", "01", "-7"]), max_size=1)):
        quads.append(
            ox.Quad(
                draw(st.sampled_from(things)),
                ox.NamedNode("https://voorbeeld.nl/aantal"),
                ox.Literal(lexical, datatype=number),
            )
        )
    return quads


_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(generated())
def test_generated_designs_survive_yaml(quads: list[ox.Quad]) -> None:
    back, _ = read_yaml(write_yaml(quads).encode(), name="ontwerp.yaml")
    assert canonical(back) == canonical(quads)


@_SETTINGS
@given(generated())
def test_generated_designs_survive_the_workbook(quads: list[ox.Quad]) -> None:
    back, _ = read_workbook(write_workbook(quads), name="ontwerp.xlsx")
    assert canonical(back) == canonical(quads)


@_SETTINGS
@given(generated())
def test_generated_designs_keep_their_governance_in_archimate(quads: list[ox.Quad]) -> None:
    data, _ = write_archimate(quads)
    back, _ = read_archimate(data, name="model.xml")
    assert _governance(back) == _governance(quads)


def test_an_export_in_archis_style_reads_back(archimate_schema: object) -> None:
    """Archi's own export renumbers property definitions (``propid-N``), writes a language on
    every value and adds organisations (folders): the design reads back the same."""
    import re

    from ketenontologie.authoring.starter import starter_quads

    quads = starter_quads()
    text = write_archimate(quads)[0].decode()
    ids = dict.fromkeys(re.findall(r'propertyDefinitionRef="([^"]+)"', text))
    for n, identifier in enumerate(ids, 1):
        text = text.replace(f'"{identifier}"', f'"propid-{n}"')
    text = re.sub(r"<value>", '<value xml:lang="nl">', text)
    first = re.search(r'<element identifier="([^"]+)"', text)
    assert first is not None
    folders = (
        '  <organizations>\n    <item>\n      <label xml:lang="nl">Business</label>\n'
        f'      <item identifierRef="{first.group(1)}" />\n    </item>\n  </organizations>\n'
    )
    text = text.replace("  <propertyDefinitions>", folders + "  <propertyDefinitions>")
    archimate_schema.validate(text)  # type: ignore[attr-defined]
    back, _ = read_archimate(text.encode(), name="archi-export.xml")
    assert _governance(back) == _governance(quads)


def test_memberships_survive_archimate_as_aggregations(archimate_schema: object) -> None:
    """A membership with its role (``org:Membership``) is drawn as an aggregation with the
    specialization ``Lidmaatschap`` and reads back with its IRI, labels and role; drawn by hand
    without an IRI it becomes a membership of its own."""
    import re

    from ketenontologie.loading import parse_file

    path = Path(__file__).parents[2] / "data" / "voorbeeldketen-havenstad.ttl"
    quads = [ox.Quad(q.subject, q.predicate, q.object) for q in parse_file(path).quads]
    memberships = {
        q.subject for q in quads if q.object == ox.NamedNode("http://www.w3.org/ns/org#Membership")
    }
    assert memberships
    data, notes = write_archimate(quads)
    archimate_schema.validate(data.decode())  # type: ignore[attr-defined]
    assert not any("left out" in note for note in notes)
    back, _ = read_archimate(data, name="model.xml")
    for node in memberships:
        assert {q for q in quads if q.subject == node} == {q for q in back if q.subject == node}
    text = re.sub(
        r"<value>https://w3id.org/ketenontologie/id/lidmaatschap/[^<]+</value>",
        "<value></value>",
        data.decode(),
    )
    hand, _ = read_archimate(text.encode(), name="model.xml")
    drawn = {
        q.subject for q in hand if q.object == ox.NamedNode("http://www.w3.org/ns/org#Membership")
    }
    assert len(drawn) == len(memberships) and all(isinstance(n, ox.BlankNode) for n in drawn)
