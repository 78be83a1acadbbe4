"""The validation library: inputs, engines, own nodes, extra shapes, lines and the JSON contract."""

from __future__ import annotations

import inspect
import json
import textwrap
from pathlib import Path

import jsonschema
import pytest
from rdflib import Graph

from ketenontologie.errors import InputError, InputNotFoundError, RDFSyntaxError
from ketenontologie.validation import ValidationReport, validate
from ketenontologie.validation.lines import _subject_lines

ROOT = Path(__file__).resolve().parents[1]
DESIGNS = ROOT / "tests" / "designs"
SMALL = DESIGNS / "valid" / "kleine-keten.ttl"
FULL = DESIGNS / "valid" / "keten-met-ketenmanager.ttl"
OWN_SHAPES = DESIGNS / "shapes" / "eigen-regels.ttl"
ID = "https://w3id.org/ketenontologie/id/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

CONTRACT_RESULT = {
    "rule": str,
    "severity": str,
    "file": (str, type(None)),
    "line": (int, type(None)),
    "column": (int, type(None)),
    "where": (str, type(None)),
    "focusNode": str,
    "path": (str, type(None)),
    "value": (str, type(None)),
    "message": dict,
    "source": (str, type(None)),
    "basis": (str, type(None)),
    "chains": list,
}


def check_contract(document: dict[str, object]) -> None:
    """The JSON contract CI scripts parse: exact keys, exact types."""
    assert list(document) == ["conforms", "summary", "chains", "results"]
    assert isinstance(document["conforms"], bool)
    summary = document["summary"]
    assert isinstance(summary, dict)
    assert set(summary) == {"violations", "warnings", "infos"}
    assert all(type(n) is int for n in summary.values())
    chains = document["chains"]
    assert isinstance(chains, list)
    for verdict in chains:
        assert list(verdict) == ["chain", "label", "conforms", "summary"]
        assert isinstance(verdict["chain"], str) and isinstance(verdict["conforms"], bool)
        assert set(verdict["label"]) == {"nl", "en"}
        assert set(verdict["summary"]) == {"violations", "warnings", "infos"}
    results = document["results"]
    assert isinstance(results, list)
    for result in results:
        assert set(result) == set(CONTRACT_RESULT)
        for key, kind in CONTRACT_RESULT.items():
            assert isinstance(result[key], kind), key
        assert result["severity"] in {"Violation", "Warning", "Info"}
        assert result["basis"] in {"nora", "project"}  # the project's rules all state it
        assert set(result["message"]) == {"nl", "en"}
        assert all(isinstance(text, str) and text for text in result["message"].values())
        assert all(chain in {v["chain"] for v in chains} for chain in result["chains"])


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), "utf-8")
    return path


# --- the report -----------------------------------------------------------------------------------


def test_report_matches_the_json_contract() -> None:
    paths = sorted((DESIGNS / "invalid").glob("KS-R1*.ttl"))
    report = validate(paths)
    document = json.loads(report.to_json())
    check_contract(document)
    assert document == report.to_dict()
    assert document["summary"] == {
        "violations": report.summary.violations,
        "warnings": report.summary.warnings,
        "infos": report.summary.infos,
    }
    assert len(document["results"]) == sum(document["summary"].values()) > 0


def test_results_carry_the_rules_texts_source_and_basis() -> None:
    report = validate(DESIGNS / "invalid" / "KS-R05-ketenmanager-buiten-bestuur.ttl")
    (result,) = [r for r in report.results if r.rule == "KS-R05"]
    rule = report.rules["KS-R05"]
    assert result.message == rule.message
    assert result.source == rule.source
    assert result.basis == rule.basis == "nora"
    advice = [r for r in report.results if r.rule == "KS-R21"]
    assert advice and all(r.basis == "project" for r in advice)
    assert result.value == ID + "orgaan/kleine-keten-bestuur"
    assert result.path is None


def test_warnings_pass_unless_fail_on_warning() -> None:
    path = DESIGNS / "invalid" / "KS-R05-ketenmanager-buiten-bestuur.ttl"
    lenient = validate(path)
    strict = validate(path, fail_on="warning")
    assert (lenient.conforms, lenient.exit_code) == (True, 0)
    assert (strict.conforms, strict.exit_code) == (False, 1)
    assert lenient.results == strict.results
    assert lenient.summary.warnings == 1


def test_infos_pass_unless_fail_on_info() -> None:
    path = DESIGNS / "invalid" / "KS-R13-partner-niet-in-bestuur.ttl"
    assert validate(path, fail_on="warning").conforms
    assert not validate(path, fail_on="info").conforms
    assert validate(path).summary.warnings == 0


def test_unknown_options_are_input_errors() -> None:
    with pytest.raises(InputError, match="fail_on"):
        validate(SMALL, fail_on="sometimes")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="engine"):
        validate(SMALL, engine="turbo")  # type: ignore[arg-type]


# --- inputs ---------------------------------------------------------------------------------------


def test_several_files_and_directories_make_one_design(tmp_path: Path) -> None:
    # The chain in one file, its board in another: only together do they keep KS-R03.
    text = SMALL.read_text("utf-8")
    prefixes, body = text.split("\nketens:kleine-keten", 1)
    chain, rest = body.split("\norganisatie:partner-a", 1)
    (tmp_path / "keten.ttl").write_text(prefixes + "\nketens:kleine-keten" + chain)
    (tmp_path / "deel").mkdir()
    (tmp_path / "deel" / "rest.ttl").write_text(prefixes + "\norganisatie:partner-a" + rest)
    together = validate([tmp_path])
    assert together.conforms
    assert {(r.rule, r.severity) for r in together.results} == {("KS-R21", "Info")}
    assert sorted(Path(f).name for f in together.files) == ["keten.ttl", "rest.ttl"]
    alone = validate(tmp_path / "keten.ttl")
    assert {r.rule for r in alone.results} >= {"KS-R02", "KS-R04"}


def test_a_graph_is_a_source() -> None:
    path = DESIGNS / "invalid" / "KS-R04-zonder-ketenmanager.ttl"
    from_graph = validate(Graph().parse(path))
    from_file = validate(path)
    assert [(r.rule, r.focus_node) for r in from_graph.results] == [
        (r.rule, r.focus_node) for r in from_file.results
    ]
    assert all(r.file is None and r.line is None for r in from_graph.results)


def test_missing_file_and_syntax_error_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputNotFoundError):
        validate(tmp_path / "nergens.ttl")
    broken = write(tmp_path, "kapot.ttl", "@prefix ex: <https://example.org/> .\nex:a ex:b .\n")
    with pytest.raises(RDFSyntaxError) as caught:
        validate(broken)
    assert caught.value.line == 2
    assert caught.value.column is not None
    assert str(caught.value).startswith(f"{broken}:2:")
    with pytest.raises(InputError, match=r"No design"):
        validate([])


# --- what is reported -----------------------------------------------------------------------------


def test_ontology_and_scheme_never_produce_results() -> None:
    # As a design of its own, the context has no own nodes left to report on...
    report = validate(sorted((ROOT / "ontology").glob("*.ttl")))
    assert report.results == ()
    # ...and with every result kept, a design that uses levels and phases gets none about them:
    # only the advice about its own (fictional) partners, which have no TOOI identifier.
    from ketenontologie.resources import ontology_files
    from ketenontologie.validation import engine, shapes

    designs = engine._load_designs([FULL])
    rules = tuple(shapes.default_shape_files())
    closed = engine._close(designs, tuple(ontology_files()))
    hits = engine._run(closed, rules, engine="auto")
    assert {(hit.shape.rpartition("#")[2], hit.focus) for hit in hits} == {
        ("KS-R21", ID + "organisatie/gemeente-voorbeeld"),
        ("KS-R21", ID + "organisatie/dienst-voorbeeld"),
    }
    assert engine.clashes_from(closed.inconsistencies, designs) == set()


def test_results_only_about_the_designs_own_nodes(tmp_path: Path) -> None:
    # Re-describing a level from the concept scheme as a chain must not report on the scheme.
    design = write(
        tmp_path,
        "ontwerp.ttl",
        """\
        @prefix keten: <https://w3id.org/ketenontologie/def#> .
        <https://w3id.org/ketenontologie/id/keten/x> a keten:Chain ;
          keten:inPhase <https://w3id.org/ketenontologie/id/fase/crisis> .
        """,
    )
    report = validate(design)
    focus = {r.focus_node for r in report.results}
    assert focus == {ID + "keten/x"}
    assert {r.rule for r in report.results} == {
        "KS-R01",
        "KS-R02",
        "KS-R03",
        "KS-R04",
        "KS-R11",
        "KS-R19",
    }


def test_extra_shapes_core_and_sparql() -> None:
    report = validate(SMALL, shapes=[OWN_SHAPES])
    got = {(r.rule, r.severity, r.focus_node, r.line, r.basis) for r in report.results}
    assert {result for result in got if result[0].startswith("ORG-")} == {
        ("ORG-01", "Warning", ID + "keten/kleine-keten", 14, None),
        ("ORG-02", "Info", ID + "rol/kleine-keten-ketenmanager", 38, "project"),
    }
    by_rule = {r.rule: r for r in report.results}
    assert by_rule["ORG-01"].message["en"] == "State the development phase with keten:inPhase."
    assert by_rule["ORG-01"].path == "https://w3id.org/ketenontologie/def#inPhase"
    assert report.conforms
    assert not validate(SMALL, shapes=[OWN_SHAPES], fail_on="info").conforms
    assert {"ORG-01", "ORG-02", "KS-R01"} <= set(report.rules)


def test_unusable_extra_shapes_are_input_errors(tmp_path: Path) -> None:
    shapes = write(
        tmp_path,
        "fout.ttl",
        """\
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        <https://voorbeeld.nl/s> a sh:NodeShape ;
          sh:targetNode <https://voorbeeld.nl/x> ;
          sh:sparql [ sh:select "SELECT $this WHERE { MINUS { $this ?p ?o } }" ] .
        """,
    )
    with pytest.raises(InputError, match=r"fout\.ttl"):
        validate(SMALL, shapes=[shapes])


def test_owl_beyond_the_compiled_rules_is_validated_on_both_engines(tmp_path: Path) -> None:
    # owl:sameAs makes two IRIs one chain manager: only full OWL 2 RL sees the second IRI's seat.
    # The reasoner hands that to owlrl; both engines run the shapes on its closure.
    text = (DESIGNS / "invalid" / "KS-R05-ketenmanager-buiten-bestuur.ttl").read_text("utf-8")
    text += textwrap.dedent(
        """
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        rol:kleine-keten-ketenmanager owl:sameAs rol:zelfde-ketenmanager .
        orgaan:kleine-keten-bestuur keten:boardMember rol:zelfde-ketenmanager .
        """
    )
    design = write(tmp_path, "sameas.ttl", text)
    auto = validate(design)
    assert auto.to_dict() == validate(design, engine="pyshacl").to_dict()
    assert auto.to_dict() == validate(design, engine="fast").to_dict()
    assert "KS-R05" not in {r.rule for r in auto.results}


# --- inconsistencies (KS-C01) ---------------------------------------------------------------------

HAVENSTAD = ROOT / "data" / "voorbeeldketen-havenstad.ttl"
HAVENSTAD_BOARD = ID + "orgaan/ketenbestuur-havenstad"
ONTOLOGY = "https://w3id.org/ketenontologie/def"


def board_also_bureau(tmp_path: Path) -> Path:
    """The fictional example chain with its board typed a chain bureau as well (disjoint)."""
    text = HAVENSTAD.read_text("utf-8")
    old = "orgaan:ketenbestuur-havenstad\n  a keten:ChainBoard ;"
    assert old in text
    path = tmp_path / "havenstad.ttl"
    path.write_text(text.replace(old, old[:-2] + " , keten:ChainBureau ;"), "utf-8")
    return path


def test_an_inconsistent_design_is_a_violation_of_ks_c01(tmp_path: Path) -> None:
    before = validate(HAVENSTAD)
    assert {(r.rule, r.severity) for r in before.results} == {("KS-R21", "Info")}
    path = board_also_bureau(tmp_path)
    report = validate(path)
    check_contract(report.to_dict())
    (result,) = [r for r in report.results if r.rule != "KS-R21"]
    assert (result.rule, result.severity, result.focus_node) == (
        "KS-C01",
        "Violation",
        HAVENSTAD_BOARD,
    )
    board_line = path.read_text("utf-8").splitlines().index("orgaan:ketenbestuur-havenstad") + 1
    assert (result.file, result.line) == (str(path), board_line)
    assert (result.path, result.value, result.source) == (RDF_TYPE, None, ONTOLOGY)
    assert result.basis == "project"
    for text in result.message.values():
        assert "keten:ChainBoard" in text and "keten:ChainBureau" in text
    assert "ketenbestuur" in result.message["nl"] and "chain board" in result.message["en"]
    assert (report.conforms, report.exit_code, report.summary.violations) == (False, 1, 1)
    # Whatever fail_on says: an inconsistency always fails.
    assert not validate(path, fail_on="violation").conforms
    # The exact path finds the same through the reasoner that `ketenontologie reason` uses.
    assert validate(path, engine="pyshacl").to_dict() == report.to_dict()
    from ketenontologie.loading import load_graph
    from ketenontologie.reasoning import Reasoner

    found = Reasoner.from_ontology().infer(load_graph(path)).inconsistencies
    assert {getattr(i.node, "value", None) for i in found} == {HAVENSTAD_BOARD}


def test_ks_c01_is_a_rule_of_every_report() -> None:
    rule = validate(SMALL).rules["KS-C01"]
    assert (rule.severity, rule.source, rule.basis) == ("Violation", ONTOLOGY, "project")
    for texts in (rule.name, rule.description, rule.message):
        assert set(texts) == {"nl", "en"} and all(texts.values())
    assert "KS-C01" in validate(SMALL, shapes=[OWN_SHAPES]).rules


INCONSISTENT = {
    # (extra Turtle for kleine-keten.ttl, focus node, path, value, words in both messages)
    "literal": (
        'ketens:kleine-keten dct:modified "gisteren"^^xsd:date .',
        ID + "keten/kleine-keten",
        "http://purl.org/dc/terms/modified",
        '"gisteren"^^<http://www.w3.org/2001/XMLSchema#date>',
        ["xsd:date", '"gisteren"', "dct:modified"],
    ),
    "nothing": (
        "rol:kleine-keten-ketenmanager a owl:Nothing .",
        ID + "rol/kleine-keten-ketenmanager",
        RDF_TYPE,
        None,
        ["owl:Nothing"],
    ),
    "irreflexive": (
        "keten:escalatesTo a owl:IrreflexiveProperty .\n"
        "rol:kleine-keten-lijnmanager-a keten:escalatesTo rol:kleine-keten-lijnmanager-a .",
        ID + "rol/kleine-keten-lijnmanager-a",
        None,
        None,
        ["owlrl", "Irreflexive property"],
    ),
    "context-node": (
        "niveau:tactisch a keten:Pillar .",
        ID + "niveau/tactisch",
        RDF_TYPE,
        None,
        ["keten:ManagementLevel", "keten:Pillar"],
    ),
}


@pytest.mark.parametrize("case", INCONSISTENT)
def test_inconsistencies_beyond_disjoint_classes(tmp_path: Path, case: str) -> None:
    extra, focus, path, value, words = INCONSISTENT[case]
    design = write(
        tmp_path,
        "ontwerp.ttl",
        SMALL.read_text("utf-8")
        + textwrap.dedent(
            """
            @prefix dct: <http://purl.org/dc/terms/> .
            @prefix owl: <http://www.w3.org/2002/07/owl#> .
            @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
            """
        )
        + extra
        + "\n",
    )
    report = validate(design)
    found = [r for r in report.results if r.rule == "KS-C01"]
    assert [(r.focus_node, r.path, r.value) for r in found] == [(focus, path, value)]
    for text in found[0].message.values():
        assert all(word in text for word in words), text
    assert found[0].line is not None and found[0].file == str(design)
    assert not report.conforms
    assert report.to_dict() == validate(design, engine="pyshacl").to_dict()
    # The fast path finds them too: they are the reasoner's inconsistencies.
    assert report.to_dict() == validate(design, engine="fast").to_dict()


# --- lines ----------------------------------------------------------------------------------------


def test_lines_point_at_each_subject_in_a_multi_node_file() -> None:
    text = FULL.read_text("utf-8")
    lines = _subject_lines(text, FULL.resolve().as_uri())
    for iri, line in lines.items():
        local = iri.removeprefix(ID).split("/", 1)[-1]
        assert local in text.splitlines()[line - 1], (iri, line)
    assert len(lines) == 13


def test_subject_lines_handle_turtle_syntax() -> None:
    text = textwrap.dedent(
        '''\
        @base <https://voorbeeld.nl/> .
        PREFIX ex: <https://voorbeeld.nl/def#>
        # ex:commentaar a ex:Iets .
        <a> ex:tekst """meer
        regels . ex:nep ex:p ex:o .""" ; ex:lijst ( ex:x ex:y ) .
        ex:b\\-c ex:p [ ex:q ex:r ] .

        _:leeg ex:p "x" . ex:d ex:p 'y' .
        <https://elders.nl/e>
          ex:p ex:o .
        ex:a ex:p ex:o .
        '''
    )
    assert _subject_lines(text, "file:///tmp/x.ttl") == {
        "https://voorbeeld.nl/a": 4,
        "https://voorbeeld.nl/def#b-c": 6,
        "_:leeg": 8,
        "https://voorbeeld.nl/def#d": 8,
        "https://elders.nl/e": 9,
        "https://voorbeeld.nl/def#a": 11,
    }


def test_subject_lines_in_trig_and_n_triples() -> None:
    trig = (
        "@prefix ex: <https://v.nl/> .\n"
        "GRAPH ex:g {\n  ex:a ex:p ex:o .\n}\n"
        "ex:h {\n ex:b ex:p 1 }\n"
    )
    assert _subject_lines(trig, "file:///x")["https://v.nl/a"] == 3
    assert _subject_lines(trig, "file:///x")["https://v.nl/b"] == 6
    nt = "<https://v.nl/a> <https://v.nl/p> <https://v.nl/b> .\n"
    nt += '<https://v.nl/b> <https://v.nl/p> "x" .\n'
    assert _subject_lines(nt, "file:///x") == {"https://v.nl/a": 1, "https://v.nl/b": 2}


def split_design(tmp_path: Path) -> tuple[Path, Path]:
    """The small valid chain in one file, and a second file that adds to it: a board level that
    contradicts the role (KS-R14), overriding power as text (KS-R17) and a comment on the chain,
    whose block is the second file's first."""
    correct = write(tmp_path, "keten.ttl", SMALL.read_text("utf-8").replace("  org:purpose", "  #"))
    extra = write(
        tmp_path,
        "aanvulling.ttl",
        """        @prefix keten: <https://w3id.org/ketenontologie/def#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

        <https://w3id.org/ketenontologie/id/keten/kleine-keten>
          rdfs:comment "Een aanvulling op de kleine keten."@nl .

        <https://w3id.org/ketenontologie/id/orgaan/kleine-keten-bestuur>
          rdfs:comment "Het bestuur."@nl ;
          keten:atLevel <https://w3id.org/ketenontologie/id/niveau/tactisch> .

        <https://w3id.org/ketenontologie/id/rol/kleine-keten-ketenmanager>
          rdfs:comment "De ketenmanager." ;
          keten:hasOverridingPower "ja" .
        """,
    )
    return correct, extra


def test_a_finding_lands_on_the_file_and_line_of_the_statement_that_breaks_the_rule(
    tmp_path: Path,
) -> None:
    correct, extra = split_design(tmp_path)
    for order in ([correct, extra], [extra, correct]):
        report = validate(order)
        found = {r.rule: (r.file, r.line) for r in report.results if r.rule != "KS-R21"}
        assert found == {
            "KS-R14": (str(extra), 9),  # keten:atLevel, not the board's block in keten.ttl
            "KS-R17": (str(extra), 13),  # the literal "ja"
            # A missing statement (no objective): the chain's block where its type is stated,
            # though the other file describes the chain too.
            "KS-R19": (str(correct), 14),
        }
        assert validate(order, engine="pyshacl").to_dict() == report.to_dict()


def test_a_statement_is_found_whichever_way_its_terms_are_written(tmp_path: Path) -> None:
    # Full IRIs, a prefixed datatype, a lang tag, N-Triples: the line of the statement itself.
    chain = f"<{ID}keten/kleine-keten>"
    manager = f"<{ID}rol/kleine-keten-ketenmanager>"
    power = "<https://w3id.org/ketenontologie/def#hasOverridingPower>"
    nt = write(
        tmp_path,
        "extra.nt",
        f"""        {chain} <http://www.w3.org/2000/01/rdf-schema#comment> "x"@nl .
        {manager} {power} "1"^^<http://www.w3.org/2001/XMLSchema#integer> .
        """,
    )
    report = validate([SMALL, nt])
    (result,) = [r for r in report.results if r.rule == "KS-R17"]
    assert (result.file, result.line) == (str(nt), 2)
    assert result.value == '"1"^^<http://www.w3.org/2001/XMLSchema#integer>'


def test_lines_in_rdf_xml_are_best_effort(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "ontwerp.rdf",
        """\
        <?xml version="1.0"?>
        <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
                 xmlns:keten="https://w3id.org/ketenontologie/def#">
          <keten:Chain rdf:about="https://w3id.org/ketenontologie/id/keten/x"/>
        </rdf:RDF>
        """,
    )
    report = validate(path)
    assert {(r.focus_node, r.line) for r in report.results} == {(ID + "keten/x", 4)}


def test_each_chain_of_a_design_gets_its_own_verdict() -> None:
    """data/ holds four chains, one per file: each result belongs to its file's chain, and each
    chain's verdict counts only its own results."""
    report = validate(ROOT / "data")
    check_contract(report.to_dict())
    from ketenontologie.api.designs import REPORT_SCHEMA  # what the service documents

    jsonschema.validate(report.to_dict(), REPORT_SCHEMA)
    assert [v.chain.removeprefix(ID + "keten/") for v in report.chains] == [
        "keten-werk-en-inkomen",
        "loonaangifteketen",
        "voorbeeldketen-havenstad",
        "voorbeeldketen-zuiderveld",
    ]
    by_file: dict[str | None, set[tuple[str, ...]]] = {}
    for result in report.results:
        by_file.setdefault(result.file, set()).add(result.chains)
    assert all(len(chains) == 1 and len(next(iter(chains))) == 1 for chains in by_file.values())
    for verdict in report.chains:
        own = report.results_of(verdict.chain)
        assert verdict.summary.warnings == sum(r.severity == "Warning" for r in own)
        assert verdict.summary.infos == sum(r.severity == "Info" for r in own)
    assert sum(v.summary.infos for v in report.chains) == report.summary.infos
    assert report.results_of(None) == ()
    werk = report.chains[0]
    assert werk.label == {"nl": "keten van werk en inkomen", "en": "chain of work and income"}


def test_a_chain_fails_on_its_own_findings_only(tmp_path: Path) -> None:
    # Two designs in one run: the cycle fails its chain, not the other chain.
    report = validate([DESIGNS / "invalid" / "KS-R06-escalatiekring.ttl", SMALL])
    verdicts = {v.chain.removeprefix(ID + "keten/"): v.conforms for v in report.chains}
    assert verdicts == {"proefketen": False, "kleine-keten": True}
    assert not report.conforms and report.exit_code == 1
    # With fail_on="info", the small chain's TOOI advice fails it too.
    strict = validate([DESIGNS / "invalid" / "KS-R06-escalatiekring.ttl", SMALL], fail_on="info")
    assert {v.conforms for v in strict.chains} == {False}


def test_report_is_a_value() -> None:
    assert isinstance(validate(SMALL), ValidationReport)
    assert validate(SMALL) == validate(SMALL)


# --- the public surface ---------------------------------------------------------------------------

PUBLIC = [
    "Basis",
    "ChainVerdict",
    "Engine",
    "FailOn",
    "Language",
    "OutputFormat",
    "Rule",
    "Severity",
    "Source",
    "Summary",
    "ValidationReport",
    "ValidationResult",
    "default_shape_files",
    "render",
    "validate",
]


def test_public_surface_is_pinned() -> None:
    from ketenontologie import validation

    assert validation.__all__ == PUBLIC
    options = list(inspect.signature(validate).parameters.values())[1:]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in options)
