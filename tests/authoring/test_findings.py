"""Findings on designs written by hand point into the author's file: the YAML line and column of
the entry or step, the sheet and cell, the ArchiMate element's line, identifier and name — in
text, JSON, SARIF and GitHub annotations alike."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest

from ketenontologie.authoring.archimate import write_archimate
from ketenontologie.authoring.spreadsheet import write_workbook
from ketenontologie.authoring.starter import starter_quads
from ketenontologie.authoring.yaml import write_yaml
from ketenontologie.validation import render, validate
from ketenontologie.validation.report import ValidationReport, ValidationResult

BROKEN_YAML = """\
ketens:
  k:
    naam: {nl: Kleine keten}
    partners: [a, b]
partners:
  a: {naam: {nl: A}}
  b: {naam: {nl: B}}
rollen:
  m:
    soort: ketenmanager
    keten: k
    naam: {nl: Manager}
  p:
    soort: autonome-professional
    keten: k
    naam: {nl: Professional}
escalaties:
  - van: p
    naar: m
  - van: m
    naar: p
"""


def _find(report: ValidationReport, rule: str, focus_end: str) -> ValidationResult:
    return next(r for r in report.results if r.rule == rule and r.focus_node.endswith(focus_end))


def test_yaml_findings_point_at_the_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "keten.yaml"
    path.write_text(BROKEN_YAML, "utf-8")
    report = validate(path)
    cycle = _find(report, "KS-R06", "/rol/m")
    assert (cycle.file, cycle.line, cycle.column) == (str(path), 20, 5), "the step m -> p"
    board = _find(report, "KS-R03", "/keten/k")
    assert (board.line, board.column) == (2, 3), "the chain's entry"
    text = render(report, "text", lang="en")
    assert "line 20:5" in text
    result = json.loads(render(report, "json"))["results"]
    assert {"line": 20, "column": 5} in [{"line": r["line"], "column": r["column"]} for r in result]
    sarif = json.loads(render(report, "sarif"))["runs"][0]["results"]
    regions = [loc["physicalLocation"]["region"] for r in sarif for loc in r["locations"]]
    assert {"startLine": 20, "startColumn": 5} in regions
    assert f"file={path},line=20,col=5,title=KS-R06" in render(report, "github")


def test_workbook_findings_point_at_the_sheet_and_cell(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(io.BytesIO(write_workbook(starter_quads())))
    sheet = book["Escalaties"]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == "ketenmanager")
    sheet.cell(row, 2).value = "professional-a"  # the chain manager escalates downwards
    path = tmp_path / "keten.xlsx"
    book.save(path)
    report = validate(path)
    down = _find(report, "KS-R09", "/rol/ketenmanager")
    assert down.where == f"Escalaties!B{row}" and down.line is None
    assert f"Escalaties!B{row}" in render(report, "text")
    assert json.loads(render(report, "json"))["results"][0]["where"]
    sarif = json.loads(render(report, "sarif"))["runs"][0]["results"]
    names = [loc["logicalLocations"][0]["name"] for r in sarif for loc in r["locations"]]
    assert f"Escalaties!B{row}" in names
    assert f"title=KS-R09 (Escalaties!B{row})" in render(report, "github")


def test_archimate_findings_name_the_element(tmp_path: Path) -> None:
    data, _ = write_archimate(starter_quads())
    text = data.decode().replace(
        "<value>Ketenmanager</value>", "<value>Autonome professional</value>"
    )
    path = tmp_path / "model.xml"
    path.write_text(text, "utf-8")
    report = validate(path)
    result = next(r for r in report.results if r.focus_node.endswith("/rol/ketenmanager"))
    assert result.where is not None and "«Ketenmanager»" in result.where
    assert result.where.startswith("id-")
    # the line is the property that holds the level the finding is about, inside the element
    lines = text.splitlines()[: result.line]  # type: ignore[index]
    assert result.path.endswith("#atLevel") and "<property" in lines[-1]
    element = next(line for line in reversed(lines) if "<element" in line)
    assert result.where.split()[0] in element
    assert "«Ketenmanager»" in render(report, "github")


@pytest.mark.parametrize("format", ["yaml", "xlsx", "archimate"])
def test_the_starter_design_keeps_every_rule(tmp_path: Path, format: str) -> None:
    quads = starter_quads()
    writers = {
        "yaml": ("keten.yaml", lambda: write_yaml(quads).encode()),
        "xlsx": ("keten.xlsx", lambda: write_workbook(quads)),
        "archimate": ("model.xml", lambda: write_archimate(quads)[0]),
    }
    name, write = writers[format]
    path = tmp_path / name
    path.write_bytes(write())
    assert validate(path).summary.violations == 0
