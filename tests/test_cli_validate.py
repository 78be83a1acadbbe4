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

from ketenontologie.cli import main
from ketenontologie.validation import validate

ROOT = Path(__file__).resolve().parents[1]
DESIGNS = ROOT / "tests" / "designs"
VALID = DESIGNS / "valid" / "keten-met-ketenmanager.ttl"
R05 = DESIGNS / "invalid" / "KS-R05-ketenmanager-buiten-bestuur.ttl"
R06 = DESIGNS / "invalid" / "KS-R06-escalatiekring.ttl"
R13 = DESIGNS / "invalid" / "KS-R13-partner-niet-in-bestuur.ttl"  # an info, project advice
C01 = DESIGNS / "invalid" / "KS-C01-bestuur-ook-ketenbureau.ttl"
ONTOLOGY = "https://w3id.org/ketenontologie/def"
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
    assert out.rstrip().endswith("Het ontwerp voldoet niet.")
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
    root = ET.fromstring(out)
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == str(R06)
    failed = [case.get("name", "")[:6] for case in suite if case.find("failure") is not None]
    assert failed == ["KS-R06"]
    assert root.get("failures") == "1"


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


def parses_as_github(out: str) -> None:
    lines = out.strip().splitlines()
    assert len(lines) == len(validate(R06).results) > 0
    errors = [line for line in lines if line.startswith("::error")]
    assert errors
    for line in errors:
        pattern = rf"::error file={re.escape(str(R06))},line=\d+,title=KS-R06::\(projectregel\) .+"
        assert re.fullmatch(pattern, line)
    assert all(line.startswith(("::error", "::notice")) for line in lines)


PARSES_AS = {
    "text": parses_as_text,
    "json": parses_as_json,
    "turtle": parses_as_turtle,
    "junit": parses_as_junit,
    "sarif": parses_as_sarif,
    "github": parses_as_github,
}
assert list(PARSES_AS) == FORMATS

# (arguments, exit code, what stderr holds); None for a file made by the test.
REAL_RUNS = {
    **{f"format-{f}": (["--format", f, str(R06)], 1, "") for f in FORMATS},
    "valid": ([str(VALID)], 0, ""),
    "warnings-pass": ([str(R05)], 0, ""),
    "fail-on-warning": (["--fail-on", "warning", str(R05)], 1, ""),
    "infos-pass-a-warning-run": (["--fail-on", "warning", str(R13)], 0, ""),
    "fail-on-info": (["--fail-on", "info", str(R13)], 1, ""),
    "syntax-error": ([None], 2, ":3:"),
    "missing-file": (["nergens.ttl"], 2, "nergens.ttl"),
    "unknown-option": (["--no-such-option", str(VALID)], 2, "--no-such-option"),
}


@pytest.mark.parametrize("case", REAL_RUNS)
def test_installed_command_formats_and_exit_codes(case: str, tmp_path: Path) -> None:
    arguments, code, stderr = REAL_RUNS[case]
    broken = tmp_path / "kapot.ttl"
    broken.write_text("@prefix ex: <https://example.org/> .\n\nex:a ex:b ex:c ] .\n", "utf-8")
    arguments = [str(broken) if a is None else a for a in arguments]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    process = subprocess.run(
        [str(console_script()), "validate", *arguments],
        capture_output=True,
        text=True,
        env={**env, "NO_COLOR": "1"},
        cwd=ROOT,
        timeout=120,
    )
    assert process.returncode == code, process.stderr
    if code == 2:
        assert stderr in process.stderr and process.stdout == ""
        if case == "syntax-error":  # file:line:column
            assert re.search(rf"{re.escape(str(broken))}:3:\d+", process.stderr)
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
    assert set(document) == {"conforms", "summary", "results"}
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


def test_junit_has_a_case_per_file_and_rule(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "--format", "junit", "--fail-on", "warning", R06, R05)
    root = ET.fromstring(out)
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [str(R06), str(R05)]
    rules = validate(R06).rules
    for suite in suites:
        # KS-R01 … KS-R21 and KS-C01 (consistency with the ontology)
        assert len(suite.findall("testcase")) == len(rules) == 22
        assert any(case.get("name", "").startswith("KS-C01 ") for case in suite)
        for case in suite:
            (basis,) = case.findall("properties/property[@name='basis']")
            assert basis.get("value") == rules[case.get("name", "")[:6]].basis
    failures = {
        (case.get("classname"), case.get("name", "")[:6])
        for case in root.iter("testcase")
        if case.find("failure") is not None
    }
    # Infos (the TOOI advice) do not fail a run that fails on warnings.
    assert failures == {(str(R06), "KS-R06"), (str(R05), "KS-R05")}
    assert root.get("failures") == "2"


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


def test_github_annotations_point_at_the_lines(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "--format", "github", "--lang", "en", R06, R13)
    lines = out.strip().splitlines()
    report = validate([R06, R13])
    assert len(lines) == len(report.results)
    commands = {"Violation": "error", "Warning": "warning", "Info": "notice"}
    for line, result in zip(lines, report.results, strict=True):
        command = commands[result.severity]
        assert line.startswith(f"::{command} file={result.file},line={result.line},title=")
        assert ("(project rule) " in line) == (result.basis == "project")
        value = f"; value: {result.value}" if result.value else ""
        assert line.endswith(f"({result.focus_node}{value})")
        assert result.message["en"] in line
    assert any("; value: " in line for line in lines), "KS-R13 names the partner without a seat"
