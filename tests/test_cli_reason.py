"""The ``reason`` and ``explain`` commands: in process, and once as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, URIRef

from ketenontologie.cli import main
from ketenontologie.loading import load_graph
from ketenontologie.namespaces import ID, design_graph, inferred_graph
from ketenontologie.reasoning import Reasoner
from ketenontologie.terms import TermCache

ROOT = Path(__file__).resolve().parents[1]
HAVENSTAD = ROOT / "data" / "voorbeeldketen-havenstad.ttl"
LOON = ROOT / "data" / "loonaangifteketen.ttl"


@pytest.fixture(scope="module")
def expected() -> frozenset[tuple[object, object, object]]:
    """What the reasoner infers (pyoxigraph terms), as rdflib triples to compare with output."""
    inferred = Reasoner.from_ontology().infer(load_graph(HAVENSTAD))
    return frozenset(TermCache().rdflib_triples(inferred))


def test_reason_inferred_only_as_n_triples(
    capsys: pytest.CaptureFixture[str], expected: frozenset[tuple[object, object, object]]
) -> None:
    assert main(["reason", str(HAVENSTAD), "--format", "nt", "--inferred-only"]) == 0
    written = Graph().parse(data=capsys.readouterr().out, format="nt")
    assert set(written) == expected


def test_reason_writes_asserted_and_inferred_by_default(
    capsys: pytest.CaptureFixture[str], expected: frozenset[tuple[object, object, object]]
) -> None:
    assert main(["reason", str(HAVENSTAD)]) == 0
    written = Graph().parse(data=capsys.readouterr().out, format="turtle")
    assert set(written) == set(load_graph(HAVENSTAD)) | expected


def test_reason_trig_keeps_asserted_and_inferred_apart(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reason", str(HAVENSTAD), str(LOON), "--format", "trig"]) == 0
    dataset = Dataset()
    dataset.parse(data=capsys.readouterr().out, format="trig")
    asserted = dataset.graph(URIRef(design_graph("loonaangifteketen")))
    assert set(asserted) == set(load_graph(LOON))
    inferred = dataset.graph(URIRef(inferred_graph("ontwerpen")))
    both = Reasoner.from_ontology().infer([load_graph(HAVENSTAD), load_graph(LOON)])
    assert set(inferred) == set(TermCache().rdflib_triples(both))


def test_reason_json_ld(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reason", str(LOON), "--format", "jsonld", "--inferred-only"]) == 0
    assert json.loads(capsys.readouterr().out)


def test_reason_reports_an_inconsistency(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    design = tmp_path / "tegenstrijdig.ttl"
    design.write_text(
        "@prefix keten: <https://w3id.org/ketenontologie/def#> .\n"
        f"<{ID}orgaan/x> a keten:ChainBoard , keten:ChainBureau .\n",
        encoding="utf-8",
    )
    assert main(["reason", str(design), "--inferred-only"]) == 1
    error = capsys.readouterr().err
    assert "inconsistency" in error and "ChainBureau" in error


def test_reason_refuses_a_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reason", "bestaat-niet.ttl"]) == 2
    assert "bestaat-niet.ttl" in capsys.readouterr().err


def test_explain_prints_the_derivation(capsys: pytest.CaptureFixture[str]) -> None:
    triple = (
        "rol:professional-gemeente-havenstad keten:escalatesEventuallyTo "
        "orgaan:ketenbestuur-havenstad"
    )
    assert main(["explain", str(HAVENSTAD), "--triple", triple]) == 0
    output = capsys.readouterr().out
    first = output.splitlines()[0]
    assert first.startswith(triple)
    assert "transitive property (prp-trp)" in first
    assert "asserted in voorbeeldketen-havenstad" in output
    assert "└─" in output


def test_explain_accepts_full_iris(capsys: pytest.CaptureFixture[str]) -> None:
    triple = (
        f"<{ID}rol/ketenmanager-havenstad> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        "<https://w3id.org/ketenontologie/def#GovernanceActor>"
    )
    assert main(["explain", str(HAVENSTAD), "--triple", triple]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("rol:ketenmanager-havenstad rdf:type keten:GovernanceActor")
    assert any(rule in first for rule in ("(cax-sco)", "(prp-dom)", "(prp-rng)"))


def test_explain_a_triple_that_does_not_hold(capsys: pytest.CaptureFixture[str]) -> None:
    triple = "rol:ketenmanager-havenstad a keten:ChainBoard"
    assert main(["explain", str(HAVENSTAD), "--triple", triple]) == 1
    assert "neither asserted nor inferred" in capsys.readouterr().err


def test_explain_refuses_an_unreadable_triple(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", str(HAVENSTAD), "--triple", "rol:a keten:actsIn"]) == 2
    assert "Cannot read the triple" in capsys.readouterr().err


def test_reason_as_a_subprocess() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "ketenontologie", "reason", str(LOON), "--format", "nt"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=ROOT,
    )
    assert completed.returncode == 0, completed.stderr
    written = Graph().parse(data=completed.stdout, format="nt")
    assert set(load_graph(LOON)) <= set(written)
    assert len(written) > len(load_graph(LOON))
