"""``ketenontologie validate``: every format and exit code, in process and as a real process.

The real process is the console script pip installed (``.venv/bin/ketenontologie``): every
``--format`` parsed as what it claims to be, and every exit code.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema

from ketenontologie.cli import main
from ketenontologie.validation import validate
from shared_files import shared

ROOT = Path(__file__).resolve().parents[1]
DESIGNS = ROOT / "tests" / "designs"
VALID = DESIGNS / "valid" / "keten-met-ketenmanager.ttl"
R05 = DESIGNS / "invalid" / "KS-R05-ketenmanager-buiten-bestuur.ttl"
R06 = DESIGNS / "invalid" / "KS-R06-escalatiekring.ttl"
R13 = DESIGNS / "invalid" / "KS-R13-partner-niet-in-bestuur.ttl"  # an info, project advice
C01 = DESIGNS / "invalid" / "KS-C01-bestuur-ook-ketenbureau.ttl"
ONTOLOGY = "https://w3id.org/ketenontologie/def"
ID = "https://w3id.org/ketenontologie/id/"
FORMATS = ["text", "json", "turtle", "junit", "sarif", "github"]


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main(["validate", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


# --- the installed command, as a real process ---------------------------------------------------


def console_script() -> Path:
    """The ``ketenontologie`` script pip installed beside this Python (``.venv/bin``)."""
    found = shutil.which("ketenontologie", path=str(Path(sys.executable).parent))
    assert found, f"no ketenontologie script beside {sys.executable}: run pip install -e ."
    return Path(found)


def parses_as_text(out: str) -> None:
    assert "KS-R06" in out and str(R06) in out
    assert "KS-R06 schending (projectregel)" in out  # a project rule says so
    assert f"Keten: Proefketen ({ID}keten/proefketen)" in out  # a verdict per chain
    assert "2 schendingen, 0 waarschuwingen, 2 meldingen. De keten voldoet niet." in out
    assert out.rstrip().endswith("Ketens die voldoen: 0 van 1. Het ontwerp voldoet niet.")
    assert "\033[" not in out


def parses_as_json(out: str) -> None:
    document = json.loads(out)
    assert document == validate(R06).to_dict()
    assert document["conforms"] is False


def parses_as_turtle(out: str) -> None:
    from rdflib import RDF, SH, Graph

    graph = Graph().parse(data=out, format="turtle")
    (report,) = graph.subjects(RDF.type, SH.ValidationReport)
    assert graph.value(report, SH.conforms).toPython() is False  # type: ignore[union-attr]
    results = list(graph.objects(report, SH.result))
    assert len(results) == len(validate(R06).results) > 0
    assert all((result, RDF.type, SH.ValidationResult) in graph for result in results)


def parses_as_junit(out: str) -> None:
    junit_schema().validate(out)  # what Jenkins reads
    root = ET.fromstring(out)
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")  # one chain: one suite, named after it
    assert suite.get("name") == "Proefketen"
    assert suite.find("properties/property[@name='chain']").get("value") == ID + "keten/proefketen"  # type: ignore[union-attr]
    failed = [
        case.get("name", "")[:6]
        for case in suite.iter("testcase")
        if case.find("failure") is not None
    ]
    assert failed == ["KS-R06"]
    assert (root.get("failures"), root.get("errors")) == ("1", "0")


def parses_as_sarif(out: str) -> None:
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0"
    assert sarif["$schema"].endswith("sarif-2.1.0.json")
    (run_,) = sarif["runs"]
    assert run_["tool"]["driver"]["name"] == "ketenontologie"
    results = run_["results"]
    assert {r["ruleId"] for r in results if r["level"] == "error"} == {"KS-R06"}
    assert {r["ruleId"] for r in results} == {"KS-R06", "KS-R21"}  # and the TOOI advice
    for result in results:
        assert result["properties"]["basis"] == "project"
        (location,) = result["locations"]
        assert location["physicalLocation"]["artifactLocation"]["uri"] == str(R06)
        assert location["physicalLocation"]["region"]["startLine"] >= 1
        assert result["properties"]["chains"] == [ID + "keten/proefketen"]
        (print_,) = result["partialFingerprints"].values()
        assert re.fullmatch("[0-9a-f]{64}", print_)
    assert run_["invocations"] == [{"executionSuccessful": True}]
    (verdict,) = run_["properties"]["chains"]
    assert (verdict["label"], verdict["conforms"]) == ("Proefketen", False)


def parses_as_github(out: str) -> None:
    lines = out.strip().splitlines()
    # A group per chain, titled with its verdict; an annotation per result; a closing line.
    assert lines[0] == (
        "::group::Keten Proefketen: 2 schendingen, 0 waarschuwingen, 2 meldingen. "
        "De keten voldoet niet."
    )
    assert lines[-2:] == [
        "::endgroup::",
        "2 schendingen, 0 waarschuwingen, 2 meldingen. Ketens die voldoen: 0 van 1. "
        "Het ontwerp voldoet niet.",
    ]
    annotations = lines[1:-2]
    assert len(annotations) == len(validate(R06).results) > 0
    errors = [line for line in annotations if line.startswith("::error")]
    assert errors
    for line in errors:
        pattern = rf"::error file={re.escape(str(R06))},line=\d+,title=KS-R06::\(projectregel\) .+"
        assert re.fullmatch(pattern, line)
    assert all(line.startswith(("::error", "::notice")) for line in annotations)


PARSES_AS = {
    "text": parses_as_text,
    "json": parses_as_json,
    "turtle": parses_as_turtle,
    "junit": parses_as_junit,
    "sarif": parses_as_sarif,
    "github": parses_as_github,
}
assert list(PARSES_AS) == FORMATS


def junit_schema() -> xmlschema.XMLSchema:
    """The JUnit schema Jenkins validates reports against (``../shared/fixtures/junit``)."""
    return xmlschema.XMLSchema(str(shared("fixtures", "junit", "junit-10.xsd", what="JUnit XSD")))


def says_text_is_unusable(out: str, broken: Path) -> None:
    assert out == ""  # the message is on stderr


def says_json_is_unusable(out: str, broken: Path) -> None:
    document = json.loads(out)
    assert document["error"] == "rdf-syntax"
    assert (document["file"], document["line"]) == (str(broken), 3)
    assert isinstance(document["column"], int)
    assert document["message"].startswith(f"{broken}:3:")


def says_turtle_is_unusable(out: str, broken: Path) -> None:
    from rdflib import Graph

    assert len(Graph().parse(data=out, format="turtle")) == 0  # a document, of comments only
    assert out.startswith("# Onbruikbare invoer: ") and f"{broken}:3:" in out


def says_junit_is_unusable(out: str, broken: Path) -> None:
    junit_schema().validate(out)
    root = ET.fromstring(out)
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("1", "0", "1")
    (error,) = root.iter("error")
    assert error.get("type") == "rdf-syntax"
    assert f"{broken}:3:" in (error.get("message") or "")


def says_sarif_is_unusable(out: str, broken: Path) -> None:
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0"
    (run_,) = sarif["runs"]
    assert run_["results"] == []  # a list: GitHub's upload refuses a run without one
    (invocation,) = run_["invocations"]
    assert invocation["executionSuccessful"] is False
    (notification,) = invocation["toolExecutionNotifications"]
    assert notification["level"] == "error" and notification["descriptor"] == {"id": "rdf-syntax"}
    (location,) = notification["locations"]
    physical = location["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == str(broken)
    assert physical["region"]["startLine"] == 3 and physical["region"]["startColumn"] >= 1


def says_github_is_unusable(out: str, broken: Path) -> None:
    pattern = rf"::error file={re.escape(str(broken))},line=3,col=\d+,title=Onbruikbare invoer::.+"
    assert re.fullmatch(pattern, out.strip())


SAYS_UNUSABLE = {
    "text": says_text_is_unusable,
    "json": says_json_is_unusable,
    "turtle": says_turtle_is_unusable,
    "junit": says_junit_is_unusable,
    "sarif": says_sarif_is_unusable,
    "github": says_github_is_unusable,
}
assert list(SAYS_UNUSABLE) == FORMATS

# (arguments, exit code, what stderr holds); None for a file made by the test.
REAL_RUNS = {
    **{f"format-{f}": (["--format", f, str(R06)], 1, "") for f in FORMATS},
    **{f"syntax-error-{f}": (["--format", f, None], 2, ":3:") for f in FORMATS},
    "valid": ([str(VALID)], 0, ""),
    "warnings-pass": ([str(R05)], 0, ""),
    "fail-on-warning": (["--fail-on", "warning", str(R05)], 1, ""),
    "infos-pass-a-warning-run": (["--fail-on", "warning", str(R13)], 0, ""),
    "fail-on-info": (["--fail-on", "info", str(R13)], 1, ""),
    "missing-file": (["nergens.ttl"], 2, "nergens.ttl"),
    "unknown-option": (["--no-such-option", str(VALID)], 2, "--no-such-option"),
}


@pytest.mark.parametrize("case", REAL_RUNS)
def test_installed_command_formats_and_exit_codes(case: str, tmp_path: Path) -> None:
    arguments, code, stderr = REAL_RUNS[case]
    broken = tmp_path / "kapot.ttl"
    broken.write_text("@prefix ex: <https://example.org/> .\n\nex:a ex:b ex:c ] .\n", "utf-8")
    arguments = [str(broken) if a is None else a for a in arguments]
    # The installed script, running this checkout's sources (whatever the editable install of
    # the environment points at).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    process = subprocess.run(
        [str(console_script()), "validate", *arguments],
        capture_output=True,
        text=True,
        env={**env, "PYTHONPATH": str(ROOT / "src"), "NO_COLOR": "1"},
        cwd=ROOT,
        timeout=120,
    )
    assert process.returncode == code, process.stderr
    if code == 2:
        assert stderr in process.stderr and "Traceback" not in process.stderr
        if case.startswith("syntax-error"):  # file:line:column, and a document that says so
            assert re.search(rf"{re.escape(str(broken))}:3:\d+", process.stderr)
            output = (
                arguments[arguments.index("--format") + 1] if "--format" in arguments else "text"
            )
            SAYS_UNUSABLE[output](process.stdout, broken)
        else:
            assert process.stdout == ""
        return
    assert process.stderr == stderr
    if case.startswith("format-"):
        PARSES_AS[case.removeprefix("format-")](process.stdout)
    else:
        assert process.stdout.strip()


def test_real_process_json_and_exit_codes() -> None:
    command = [sys.executable, "-m", "ketenontologie", "validate", "--format", "json"]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    failing = subprocess.run([*command, str(R06)], capture_output=True, text=True, env=env)
    assert failing.returncode == 1, failing.stderr
    document = json.loads(failing.stdout)
    assert document == validate(R06).to_dict()
    passing = subprocess.run([*command, str(VALID)], capture_output=True, text=True, env=env)
    assert (passing.returncode, json.loads(passing.stdout)["conforms"]) == (0, True)
    missing = subprocess.run([*command, "nergens.ttl"], capture_output=True, text=True, env=env)
    assert missing.returncode == 2
    assert "nergens.ttl" in missing.stderr


@pytest.mark.parametrize("output", FORMATS)
def test_every_format_on_a_failing_design(capsys: pytest.CaptureFixture[str], output: str) -> None:
    code, out, err = run(capsys, "--format", output, R06)
    assert (code, err) == (1, "")
    assert out.strip()


@pytest.mark.parametrize("output", FORMATS)
def test_an_inconsistency_fails_in_every_format(
    capsys: pytest.CaptureFixture[str], output: str
) -> None:
    # The board is also a chain bureau: SHACL sees nothing, OWL 2 RL an inconsistency.
    code, out, err = run(capsys, "--format", output, "--lang", "en", C01)
    assert (code, err) == (1, "")
    (result,) = [r for r in validate(C01).results if r.rule != "KS-R21"]
    assert result.rule == "KS-C01"
    for text in (result.focus_node, "KS-C01", result.message["en"]):
        assert text in out


def test_text_groups_per_file_and_rule_in_either_language(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, dutch, _ = run(capsys, R05, R06)
    _, english, _ = run(capsys, "--lang", "en", R05, R06)
    report = validate([R05, R06])
    for result in report.results:
        assert result.message["nl"] in dutch
        assert result.message["en"] in english
    assert dutch.index(str(R05)) < dutch.index("KS-R05") < dutch.index(str(R06))
    assert dutch.index(str(R06)) < dutch.index("KS-R06")
    assert "regel 37" in dutch and "line 37" in english
    # A project rule is marked as such; a NORA rule is not.
    assert (
        "KS-R06 schending (projectregel)" in dutch and "KS-R06 violation (project rule)" in english
    )
    assert "KS-R05 waarschuwing ketenmanager" in dutch
    assert dutch.rstrip().endswith("Het ontwerp voldoet niet.")
    assert "\033[" not in dutch  # not a terminal: no colour


def test_colour_only_on_a_terminal_without_no_color(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.delenv("NO_COLOR", raising=False)
    _, coloured, _ = run(capsys, R06)
    assert "\033[1;31m" in coloured
    monkeypatch.setenv("NO_COLOR", "1")
    _, plain, _ = run(capsys, R06)
    assert "\033[" not in plain


def test_json_format_is_the_contract(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "--format", "json", R06, R13)
    document = json.loads(out)
    # The library's dict is checked against the contract in test_validation.py.
    assert set(document) == {"conforms", "summary", "chains", "results"}
    assert document == validate([R06, R13]).to_dict()
    assert document["results"]


def test_warnings_fail_only_with_fail_on_warning(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, R05)[0] == 0
    assert run(capsys, "--fail-on", "warning", R05)[0] == 1
    assert run(capsys, "--fail-on", "warning", VALID)[0] == 0
    # Project advice (an info) fails only a run that asks for it.
    assert run(capsys, "--fail-on", "warning", R13)[0] == 0
    assert run(capsys, "--fail-on", "info", R13)[0] == 1


def test_extra_shapes(capsys: pytest.CaptureFixture[str]) -> None:
    shapes = DESIGNS / "shapes" / "eigen-regels.ttl"
    code, out, _ = run(capsys, "--format", "json", "--shapes", shapes, VALID)
    assert code == 0
    results = json.loads(out)["results"]
    # ORG-01 wants a phase, which this design states; ORG-02 a person, which it does not.
    assert {r["rule"] for r in results} == {"ORG-02", "KS-R21"}
    assert {r["basis"] for r in results} == {"project"}
    assert run(capsys, "--shapes", shapes, "--fail-on", "info", VALID)[0] == 1


def test_unusable_input_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    broken = tmp_path / "kapot.ttl"
    broken.write_text("@prefix ex: <https://example.org/> .\n\nex:a ex:b ex:c ] .\n", "utf-8")
    code, out, err = run(capsys, broken)
    assert (code, out) == (2, "")
    assert f"{broken}:3:" in err  # file:line:column
    assert run(capsys, tmp_path / "nergens.ttl")[0] == 2
    assert main(["validate", "--no-such-option", str(VALID)]) == 2
    assert main(["validate"]) == 2
    assert main(["validate", "--format", "yaml", str(VALID)]) == 2


def test_turtle_is_a_shacl_validation_report(capsys: pytest.CaptureFixture[str]) -> None:
    from rdflib import RDF, SH, Graph, URIRef

    _, out, _ = run(capsys, "--format", "turtle", R06, R13)
    graph = Graph().parse(data=out, format="turtle")
    (report,) = graph.subjects(RDF.type, SH.ValidationReport)
    assert str(graph.value(report, SH.conforms)) == "false"
    results = list(graph.objects(report, SH.result))
    assert len(results) == len(validate([R06, R13]).results)
    kss = "https://w3id.org/ketenontologie/shapes#"
    for result in results:
        for predicate in (SH.focusNode, SH.resultSeverity, SH.sourceShape):
            assert graph.value(result, predicate) is not None
        assert graph.value(result, SH.sourceConstraintComponent) is not None
        assert str(graph.value(result, URIRef(kss + "basis"))) == kss + "ProjectRule"


def test_junit_has_a_suite_per_chain_and_a_case_per_rule(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, out, _ = run(capsys, "--format", "junit", "--fail-on", "warning", R06, R05)
    junit_schema().validate(out)
    root = ET.fromstring(out)
    suites = root.findall("testsuite")
    # One suite per chain, by label: the R05 design's "Kleine keten", the R06 design's.
    assert [s.get("name") for s in suites] == ["Kleine keten", "Proefketen"]
    rules = validate(R06).rules
    for suite in suites:
        # KS-R01 … KS-R21 and KS-C01 (consistency with the ontology)
        cases = suite.findall("testcase")
        assert len(cases) == len(rules) == 22
        assert {case.get("classname") for case in cases} == {suite.get("name")}
        assert any(case.get("name", "").startswith("KS-C01 ") for case in cases)
        basis = {
            p.get("name", "").removeprefix("basis "): p.get("value")
            for p in suite.iterfind("properties/property")
            if p.get("name", "").startswith("basis ")
        }
        assert basis == {rule_id: rule.basis for rule_id, rule in rules.items()}
        assert suite.get("errors") == "0"
    failures = {
        (case.get("classname"), case.get("name", "")[:6])
        for case in root.iter("testcase")
        if case.find("failure") is not None
    }
    # Infos (the TOOI advice) do not fail a run that fails on warnings.
    assert failures == {("Proefketen", "KS-R06"), ("Kleine keten", "KS-R05")}
    assert root.get("failures") == "2"


def test_junit_shows_the_value_and_the_results_outside_every_chain(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # A partner that no chain names: its findings (KS-R02 name, KS-R21 advice) are in no chain.
    loose = tmp_path / "los.ttl"
    loose.write_text(
        "@prefix keten: <https://w3id.org/ketenontologie/def#> .\n"
        f"<{ID}organisatie/los> a keten:ChainPartner .\n",
        "utf-8",
    )
    _, out, _ = run(capsys, "--format", "junit", "--fail-on", "info", R13, loose)
    junit_schema().validate(out)
    root = ET.fromstring(out)
    assert [s.get("name") for s in root.findall("testsuite")] == [
        "Kleine keten",
        "Buiten een keten",
    ]
    general = root.findall("testsuite")[1]
    assert general.find("properties/property[@name='chain']") is None
    failed = [c for c in general.iter("testcase") if c.find("failure") is not None]
    assert {c.get("name", "")[:6] for c in failed} == {"KS-R02", "KS-R21"}
    (seat,) = [c for c in root.iter("testcase") if c.get("name", "").startswith("KS-R13")][:1]
    text = seat.findtext("failure") or ""
    assert f"(waarde: {ID}organisatie/partner-b)" in text  # which partner has no seat


def test_sarif_is_structurally_valid(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "--format", "sarif", "--lang", "en", R06, R13)
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0"
    assert sarif["$schema"].endswith("sarif-2.1.0.json")
    (run_,) = sarif["runs"]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "ketenontologie"
    ids = [rule["id"] for rule in driver["rules"]]
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["help"]["text"]
        if rule["properties"]["basis"] == "nora":
            assert rule["helpUri"].startswith("https://www.noraonline.nl/wiki/"), rule["id"]
        else:
            assert (rule["properties"]["basis"], rule["helpUri"]) == ("project", ONTOLOGY)
    basis = {rule["id"]: rule["properties"]["basis"] for rule in driver["rules"]}
    assert basis["KS-C01"] == basis["KS-R06"] == "project" and basis["KS-R01"] == "nora"
    levels = {"error", "warning", "note"}
    for result in run_["results"]:
        assert result["level"] in levels
        assert result["properties"]["basis"] == basis[result["ruleId"]]
        assert ids[result["ruleIndex"]] == result["ruleId"]
        assert result["message"]["text"]
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert Path(physical["artifactLocation"]["uri"]).is_file()
        line = physical["region"]["startLine"]
        assert isinstance(line, int) and line >= 1
    assert {(r["ruleId"], r["level"]) for r in run_["results"]} == {
        ("KS-R06", "error"),
        ("KS-R13", "note"),
        ("KS-R21", "note"),
    }
    # The value a message speaks of (KS-R13: which partner has no seat), and an identity per
    # finding that holds across runs and line moves.
    (seat,) = [r for r in run_["results"] if r["ruleId"] == "KS-R13"]
    partner = f"{ID}organisatie/partner-b"
    assert seat["properties"]["value"] == partner and f"value: {partner}" in seat["message"]["text"]
    prints = [r["partialFingerprints"]["ketenontologieFinding/v1"] for r in run_["results"]]
    assert len(set(prints)) == len(prints)
    assert {r["properties"]["chains"][0] for r in run_["results"]} == {
        ID + "keten/proefketen",
        ID + "keten/kleine-keten",
    }
    verdicts = {v["chain"]: v["conforms"] for v in run_["properties"]["chains"]}
    assert verdicts == {ID + "keten/proefketen": False, ID + "keten/kleine-keten": True}


def test_sarif_fingerprints_hold_when_lines_move(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    moved = tmp_path / "verschoven.ttl"
    moved.write_text("# Een regel erbij.\n\n" + R06.read_text("utf-8"), "utf-8")

    def prints(path: Path) -> dict[str, tuple[int, str]]:
        _, out, _ = run(capsys, "--format", "sarif", path)
        return {
            r["partialFingerprints"]["ketenontologieFinding/v1"]: (
                r["locations"][0]["physicalLocation"]["region"]["startLine"],
                r["ruleId"],
            )
            for r in json.loads(out)["runs"][0]["results"]
        }

    before, again, after = prints(R06), prints(R06), prints(moved)
    assert before == again  # stable across runs
    assert before.keys() == after.keys()  # and across line moves
    assert all(after[key][0] == line + 2 for key, (line, _) in before.items())


def test_github_annotations_point_at_the_lines(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "--format", "github", "--lang", "en", R06, R13)
    lines = [line for line in out.strip().splitlines() if line.startswith(("::e", "::w", "::n"))]
    lines = [line for line in lines if not line.startswith("::endgroup")]
    report = validate([R06, R13])
    assert len(lines) == len(report.results)
    commands = {"Violation": "error", "Warning": "warning", "Info": "notice"}
    # Grouped per chain: the results of the R06 design's chain after the R13 design's.
    ordered = sorted(report.results, key=lambda r: (r.file != str(R13), r.line or 0))
    for line, result in zip(lines, ordered, strict=True):
        command = commands[result.severity]
        assert line.startswith(f"::{command} file={result.file},line={result.line},title=")
        assert ("(project rule) " in line) == (result.basis == "project")
        value = f"; value: {result.value}" if result.value else ""
        assert line.endswith(f"({result.focus_node}{value})")
        assert result.message["en"] in line
    assert any("; value: " in line for line in lines), "KS-R13 names the partner without a seat"


# --- unusable input, file names, closed pipes -----------------------------------------------------


@pytest.mark.parametrize("output", FORMATS)
def test_a_missing_file_is_said_in_every_format(
    capsys: pytest.CaptureFixture[str], output: str, tmp_path: Path
) -> None:
    missing = tmp_path / "nergens.ttl"
    code, out, err = run(capsys, "--format", output, "--lang", "en", missing)
    assert code == 2 and f"{missing}: no such file" in err
    if output == "text":
        assert out == ""
    elif output == "json":
        assert json.loads(out) == {
            "error": "input-not-found",
            "message": err.strip().removeprefix("ketenontologie: error: "),
            "file": str(missing),
        }
    elif output == "junit":
        junit_schema().validate(out)
        (error,) = ET.fromstring(out).iter("error")
        assert error.get("type") == "input-not-found"
    elif output == "sarif":
        (invocation,) = json.loads(out)["runs"][0]["invocations"]
        (notification,) = invocation["toolExecutionNotifications"]
        (location,) = notification["locations"]
        assert location["physicalLocation"] == {"artifactLocation": {"uri": str(missing)}}
        assert notification["message"]["text"].startswith("Unusable input: ")
    elif output == "github":
        assert out.startswith(f"::error file={missing},title=Unusable input::")
    else:
        assert out.startswith("# Unusable input: ")


def test_a_file_that_cannot_be_read_is_named(tmp_path: Path) -> None:
    from ketenontologie.errors import UnreadableInputError
    from ketenontologie.loading import parse_file
    from ketenontologie.validation.render import render_error

    folder = tmp_path / "map.ttl"
    folder.mkdir()
    with pytest.raises(UnreadableInputError) as caught:
        parse_file(folder)
    assert caught.value.path == str(folder)
    assert render_error(caught.value, "github", lang="en").startswith(f"::error file={folder},")


NAME = "ontwerp, v1: 100% #1\nnaam.ttl"
"""A file name with every character a format must escape: , and : (GitHub properties), %
(GitHub, SARIF URIs), # and a space (URIs), and a line break (every line-based format)."""


@pytest.mark.parametrize("output", FORMATS)
def test_file_names_are_escaped_in_every_format(
    capsys: pytest.CaptureFixture[str], output: str, tmp_path: Path
) -> None:
    from urllib.parse import unquote

    design = tmp_path / NAME
    design.write_text(R06.read_text("utf-8"), "utf-8")
    code, out, _ = run(capsys, "--format", output, design)
    assert code == 1
    shown = str(design).replace("\n", "\\n")
    if output == "text":
        assert f"  {shown}\n" in out and str(design) not in out
    elif output == "json":
        assert {r["file"] for r in json.loads(out)["results"]} == {str(design)}
    elif output == "turtle":
        assert "ontwerp" not in out  # no file names in a SHACL report
    elif output == "junit":
        junit_schema().validate(out)
        assert shown in out and str(design) not in out
    elif output == "sarif":
        uris = {
            loc["physicalLocation"]["artifactLocation"]["uri"]
            for r in json.loads(out)["runs"][0]["results"]
            for loc in r["locations"]
        }
        (uri,) = uris
        assert unquote(uri) == str(design)
        assert not set(uri) & set(" %#:\n") - {"%"} and "%25" in uri and "%0A" in uri
    else:
        escaped = str(design).replace("%", "%25").replace("\n", "%0A")
        escaped = escaped.replace(":", "%3A").replace(",", "%2C")
        annotations = [
            line for line in out.splitlines() if line.startswith(("::error", "::notice"))
        ]
        assert annotations and all(f" file={escaped},line=" in line for line in annotations)
        # Every line is a workflow command or the closing line: no file name starts a line.
        assert all(line.startswith("::") for line in out.splitlines()[:-1])


@pytest.mark.parametrize(("output", "design", "code"), [("text", R06, 1), ("junit", VALID, 0)])
def test_a_closed_pipe_ends_quietly_with_the_verdict(output: str, design: Path, code: int) -> None:
    """`ketenontologie validate … | head -1`: no traceback, and the exit code stays the verdict."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    process = subprocess.Popen(
        [sys.executable, "-m", "ketenontologie", "validate", "--format", output, str(design)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader is gone before the first line is written
    err = process.stderr.read()
    assert process.wait(timeout=120) == code
    assert err == ""


@pytest.mark.parametrize("output", ["text", "junit", "github"])
def test_a_chain_label_cannot_start_a_line_of_its_own(
    capsys: pytest.CaptureFixture[str], output: str, tmp_path: Path
) -> None:
    # A label with a line break, as if to slip a workflow command into a CI log.
    design = tmp_path / "ontwerp.ttl"
    text = R06.read_text("utf-8").replace('"Proefketen"@nl', '"Proef\\n::error::nep"@nl')
    assert text != R06.read_text("utf-8")
    design.write_text(text, "utf-8")
    _, out, _ = run(capsys, "--format", output, design)
    assert not any(line.startswith("::error::nep") for line in out.splitlines())
    if output == "junit":
        junit_schema().validate(out)
        assert ET.fromstring(out).find("testsuite").get("name") == "Proef\\n::error::nep"  # type: ignore[union-attr]
    else:
        assert "Proef\\n::error::nep" in out or "Proef%0A::error::nep" in out
