"""Regression: rules that were stricter than NORA turned an architect's CI red for designs NORA
allows. Both real chains NORA describes failed (KS-R15, KS-R04) because their source is silent;
NORA's own alternative, a stable chain led by chain directors, failed KS-R07; an escalation
straight to the chain manager was a KS-R10 warning; one post on two chains' boards failed KS-R18;
and a chain director with ``keten:hasOverridingPower false`` was inferred to be a chain manager
through the property's ``rdfs:domain`` and tripped KS-R16. Each case is checked here by what NORA
says, against the rule that broke."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Namespace, URIRef

from ketenontologie.cli import main
from ketenontologie.loading import load_graph
from ketenontologie.reasoning import Reasoner
from ketenontologie.validation import validate

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
VALID = ROOT / "tests" / "designs" / "valid"
KETEN = Namespace("https://w3id.org/ketenontologie/def#")
ID = "https://w3id.org/ketenontologie/id/"


def verdicts(source: object) -> set[tuple[str, str]]:
    return {(r.rule, r.severity) for r in validate(source).results}  # type: ignore[arg-type]


def test_the_real_chains_break_no_rule(capsys: pytest.CaptureFixture[str]) -> None:
    """Where the source is silent they get warnings and infos, never a violation."""
    assert verdicts(DATA / "loonaangifteketen.ttl") == {
        ("KS-R03", "Warning"),  # the page names no board
        ("KS-R19", "Warning"),  # nor the chain objective
        ("KS-R15", "Info"),  # nor where the chain manager's post is hosted
    }
    werk_en_inkomen = validate(DATA / "keten-werk-en-inkomen.ttl")
    assert {(r.rule, r.severity) for r in werk_en_inkomen.results} == {
        ("KS-R03", "Warning"),
        ("KS-R04", "Warning"),  # no manager and no director named
        ("KS-R19", "Warning"),
        ("KS-R21", "Info"),
    }
    # UWV carries its TOOI identifier; CWI (checked: none recorded) and the generic social
    # services department do not.
    assert {r.focus_node for r in werk_en_inkomen.results if r.rule == "KS-R21"} == {
        ID + "organisatie/cwi",
        ID + "organisatie/lokale-of-regionale-sociale-dienst",
    }
    assert main(["validate", str(DATA)]) == 0
    assert "0 schendingen" in capsys.readouterr().out


def test_make_run_needs_no_tolerance_for_exit_1() -> None:
    makefile = (ROOT / "Makefile").read_text("utf-8")
    (line,) = [line for line in makefile.splitlines() if "validate data/" in line]
    assert line.strip() == "$(BIN)/ketenontologie validate data/"


STABLE_DIRECTORS_NO_MANAGER_NO_BOARD = """\
@prefix fase: <https://w3id.org/ketenontologie/id/fase/> .
@prefix keten: <https://w3id.org/ketenontologie/def#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix id: <https://w3id.org/ketenontologie/id/> .

id:keten\\/stil a keten:Chain ;
  rdfs:label "Stille keten"@nl ;
  org:purpose id:doel\\/stil ;
  keten:hasPartner id:organisatie\\/a , id:organisatie\\/b ;
  keten:inPhase fase:stabiel .
id:organisatie\\/a a keten:ChainPartner ; rdfs:label "Organisatie A"@nl .
id:organisatie\\/b a keten:ChainPartner ; rdfs:label "Organisatie B"@nl .
id:rol\\/regisseur a keten:ChainDirector ; rdfs:label "Ketenregisseur"@nl ;
  keten:actsIn id:keten\\/stil ; org:postIn id:organisatie\\/a .
id:rol\\/coach a keten:CoachingManager ; rdfs:label "Teammanager"@nl ;
  keten:actsIn id:keten\\/stil ; org:postIn id:organisatie\\/b ;
  keten:escalatesTo id:rol\\/regisseur .
id:rol\\/professional a keten:AutonomousProfessional ; rdfs:label "Professional"@nl ;
  keten:actsIn id:keten\\/stil ; org:postIn id:organisatie\\/b ;
  keten:escalatesTo id:rol\\/coach .
"""


def test_a_stable_chain_led_by_chain_directors_needs_no_manager(tmp_path: Path) -> None:
    """NORA: simple or very stable chains can do without a manager, with strong directors."""
    design = tmp_path / "stil.ttl"
    design.write_text(textwrap.dedent(STABLE_DIRECTORS_NO_MANAGER_NO_BOARD), "utf-8")
    report = validate(design)
    assert report.conforms and report.exit_code == 0
    # The path ends at the director (no KS-R07); only the board NORA describes is missing.
    assert verdicts(design) == {("KS-R03", "Warning"), ("KS-R21", "Info")}


@pytest.mark.parametrize(
    ("design", "rule"),
    [
        ("professional-direct-naar-ketenmanager.ttl", "KS-R10"),  # stepwise or straight
        ("escalatie-eindigt-bij-ketenregisseur.ttl", "KS-R07"),  # no manager: directors
        ("lijnmanager-in-twee-ketenbesturen.ttl", "KS-R18"),  # a post may serve two chains
        ("ketenmanager-bij-adviesbureau.ttl", "KS-R15"),  # hosted outside the partners
        ("ketenregisseur-zonder-doorzettingsmacht.ttl", "KS-R16"),  # no second manager
    ],
)
def test_what_nora_allows_breaks_nothing(design: str, rule: str) -> None:
    report = validate(VALID / design, fail_on="warning")
    assert report.conforms
    assert rule not in {r.rule for r in report.results}


def test_overriding_power_makes_nobody_a_chain_manager() -> None:
    design = load_graph(VALID / "ketenregisseur-zonder-doorzettingsmacht.ttl")
    director = URIRef(ID + "rol/proefketen-ketenregisseur")
    closed = Graph()
    closed += design
    closed += Reasoner.from_ontology().infer(design).graph()
    assert (director, RDF.type, KETEN.ChainDirector) in closed
    assert (director, RDF.type, KETEN.ChainManager) not in closed
