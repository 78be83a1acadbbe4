"""Render a :class:`~ketenontologie.validation.report.ValidationReport` for people and CI.

Formats: ``text`` (grouped per file and rule, optionally coloured), ``json`` (the contract CI
scripts parse), ``turtle`` (a standard ``sh:ValidationReport``), ``junit`` (one test case per
file and rule), ``sarif`` (SARIF 2.1.0, for code scanning) and ``github`` (GitHub Actions
workflow commands that annotate the lines of a pull request). Every format says which results
come from a project rule rather than from a NORA principle (the rule's ``basis``).

>>> from ketenontologie.validation.engine import validate
>>> report = validate("tests/designs/invalid/KS-R05-ketenmanager-buiten-bestuur.ttl")
>>> print(render(report, "text", lang="en"))  # doctest: +ELLIPSIS
tests/designs/invalid/KS-R05-ketenmanager-buiten-bestuur.ttl
  KS-R05 warning chain manager on the board
...
  KS-R21 info (project rule) TOOI identifier of a partner (advice)
...
0 violations, 1 warning, 2 infos. The design conforms.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any

import pyoxigraph as ox

from ketenontologie.errors import InputError, shown
from ketenontologie.namespaces import SHAPES
from ketenontologie.validation.report import (
    Language,
    OutputFormat,
    ValidationReport,
    ValidationResult,
)

__all__ = ["render"]

_SH = "http://www.w3.org/ns/shacl#"
_NO_FILE = "(graph)"
_SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {"Violation": "error", "Warning": "warning", "Info": "note"}
_GITHUB_COMMAND = {"Violation": "error", "Warning": "warning", "Info": "notice"}
_COLOUR = {"Violation": "\033[1;31m", "Warning": "\033[1;33m", "Info": "\033[1;36m"}
_DIM, _BOLD, _RESET = "\033[2m", "\033[1m", "\033[0m"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_BOOL = ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")

_WORDS: Mapping[str, Mapping[str, str]] = {
    "nl": {
        "Violation": "schending",
        "Warning": "waarschuwing",
        "Info": "melding",
        "Violations": "schendingen",
        "Warnings": "waarschuwingen",
        "Infos": "meldingen",
        "line": "regel",
        "value": "waarde",
        "clean": "Geen problemen gevonden: het ontwerp houdt zich aan alle regels.",
        "conforms": "Het ontwerp voldoet.",
        "fails": "Het ontwerp voldoet niet.",
        "source": "bron",
        "project": "projectregel",
    },
    "en": {
        "Violation": "violation",
        "Warning": "warning",
        "Info": "info",
        "Violations": "violations",
        "Warnings": "warnings",
        "Infos": "infos",
        "line": "line",
        "value": "value",
        "clean": "No problems found: the design keeps every rule.",
        "conforms": "The design conforms.",
        "fails": "The design does not conform.",
        "source": "source",
        "project": "project rule",
    },
}


def _text_in(texts: Mapping[str, str], lang: Language) -> str:
    """The text in ``lang``, else in the other language, else any text at all."""
    other = "en" if lang == "nl" else "nl"
    return texts.get(lang) or texts.get(other) or next(iter(texts.values()), "")


def _count(n: int, severity: str, lang: Language) -> str:
    words = _WORDS[lang]
    return f"{n} {words[severity] if n == 1 else words[severity + 's']}"


def _totals(report: ValidationReport, lang: Language) -> str:
    summary = report.summary
    counts = ", ".join(
        (
            _count(summary.violations, "Violation", lang),
            _count(summary.warnings, "Warning", lang),
            _count(summary.infos, "Info", lang),
        )
    )
    verdict = _WORDS[lang]["conforms" if report.conforms else "fails"]
    return f"{counts}. {verdict}"


def _basis(report: ValidationReport, result: ValidationResult) -> str | None:
    """The basis of ``result``'s rule: its own, else the rule's (``nora``, ``project``)."""
    rule = report.rules.get(result.rule)
    return result.basis or (rule.basis if rule else None)


def _by_file_and_rule(
    report: ValidationReport,
) -> dict[str, dict[str, list[ValidationResult]]]:
    grouped: dict[str, dict[str, list[ValidationResult]]] = defaultdict(lambda: defaultdict(list))
    for result in report.results:
        grouped[result.file or _NO_FILE][result.rule].append(result)
    return grouped


# --- text ----------------------------------------------------------------------------------------


def render_text(report: ValidationReport, *, lang: Language = "nl", color: bool = False) -> str:
    """Results grouped per file and rule, with a summary line; ANSI colour only if ``color``."""

    def paint(code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if color else text

    if not report.results:
        return _WORDS[lang]["clean"]
    words = _WORDS[lang]
    lines: list[str] = []
    for file, rules in sorted(_by_file_and_rule(report).items()):
        lines.append(paint(_BOLD, shown(file)))
        for rule_id, results in sorted(rules.items()):
            rule = report.rules.get(rule_id)
            severity = results[0].severity
            name = f" {_text_in(rule.name, lang)}" if rule and rule.name else ""
            label = paint(_COLOUR[severity], f"{rule_id} {words[severity]}")
            project = f" ({words['project']})" if _basis(report, results[0]) == "project" else ""
            lines.append(f"  {label}{project}{name}")
            for result in results:
                where = _position(result, lang) or "—"
                value = f"  ({words['value']}: {result.value})" if result.value else ""
                lines.append(f"    {paint(_DIM, where)}  {result.focus_node}{value}")
                lines.append(f"      {_text_in(result.message, lang)}")
            if results[0].source:
                lines.append(f"    {paint(_DIM, words['source'] + ': ' + results[0].source)}")
        lines.append("")
    lines.append(_totals(report, lang))
    return "\n".join(lines)


def _position(result: ValidationResult, lang: Language) -> str:
    """Where a result points, in the author's terms: ``regel 12:5``, ``Escalaties!B7``, or an
    ArchiMate element's line, identifier and name."""
    parts = []
    if result.line:
        parts.append(
            f"{_WORDS[lang]['line']} {result.line}" + (f":{result.column}" if result.column else "")
        )
    if result.where:
        parts.append(shown(result.where))
    return ", ".join(parts)


# --- turtle ---------------------------------------------------------------------------------------


def _term(text: str) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The RDF term a report field holds: an IRI, ``_:label`` or an N-Triples literal."""
    if text.startswith("_:"):
        return ox.BlankNode(text[2:])
    if text.startswith('"'):
        quad = next(iter(ox.parse(f"<x:s> <x:p> {text} .", format=ox.RdfFormat.N_TRIPLES)))
        assert isinstance(quad.object, ox.Literal)
        return quad.object
    return ox.NamedNode(text)


def render_turtle(report: ValidationReport) -> str:
    """A standard ``sh:ValidationReport`` in Turtle."""

    def sh(name: str) -> ox.NamedNode:
        return ox.NamedNode(_SH + name)

    root = ox.BlankNode()
    triples: list[ox.Triple] = [
        ox.Triple(root, ox.NamedNode(_RDF_TYPE), sh("ValidationReport")),
        ox.Triple(root, sh("conforms"), ox.Literal(str(report.conforms).lower(), datatype=_BOOL)),
    ]
    for result in report.results:
        node = ox.BlankNode()
        triples += [
            ox.Triple(root, sh("result"), node),
            ox.Triple(node, ox.NamedNode(_RDF_TYPE), sh("ValidationResult")),
            ox.Triple(node, sh("focusNode"), _term(result.focus_node)),
            ox.Triple(node, sh("resultSeverity"), sh(result.severity)),
            ox.Triple(node, sh("sourceShape"), ox.NamedNode(result.shape or SHAPES + result.rule)),
        ]
        basis = _basis(report, result)
        if basis is not None:
            value = SHAPES + ("NoraRule" if basis == "nora" else "ProjectRule")
            triples.append(ox.Triple(node, ox.NamedNode(SHAPES + "basis"), ox.NamedNode(value)))
        if result.component:
            triples.append(
                ox.Triple(node, sh("sourceConstraintComponent"), ox.NamedNode(result.component))
            )
        if result.path:
            triples.append(ox.Triple(node, sh("resultPath"), ox.NamedNode(result.path)))
        if result.value is not None:
            triples.append(ox.Triple(node, sh("value"), _term(result.value)))
        for lang, message in sorted(result.message.items()):
            literal = ox.Literal(message, language=lang) if lang else ox.Literal(message)
            triples.append(ox.Triple(node, sh("resultMessage"), literal))
    data = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes={"sh": _SH, "kss": SHAPES})
    assert data is not None
    return data.decode("utf-8")


# --- junit ----------------------------------------------------------------------------------------


def render_junit(report: ValidationReport, *, lang: Language = "nl") -> str:
    """JUnit XML: a test suite per file, a test case per rule; failing results fail the case.

    A result fails its test case when it would make the report fail: every violation, and
    warnings or infos too when ``fail_on`` says so. Other results are written as output.
    """
    grouped = _by_file_and_rule(report)
    files = list(report.files) + [f for f in grouped if f not in report.files]
    rule_ids = sorted(set(report.rules) | {r.rule for r in report.results})
    suites = ET.Element("testsuites", name="ketenontologie validate")
    total = failed = 0
    for file in files or [_NO_FILE]:
        suite = ET.SubElement(suites, "testsuite", name=file)
        suite_failed = 0
        for rule_id in rule_ids:
            rule = report.rules.get(rule_id)
            name = f"{rule_id} {_text_in(rule.name, lang)}" if rule and rule.name else rule_id
            case = ET.SubElement(suite, "testcase", classname=file, name=name)
            if rule is not None and rule.basis is not None:
                properties = ET.SubElement(case, "properties")
                ET.SubElement(properties, "property", name="basis", value=rule.basis)
            results = grouped.get(file, {}).get(rule_id, [])
            failing = [r for r in results if report.fails_on(r.severity)]
            lines = [_plain_line(r, lang) for r in results]
            if failing:
                failure = ET.SubElement(
                    case,
                    "failure",
                    type=failing[0].severity,
                    message=_text_in(failing[0].message, lang),
                )
                failure.text = "\n".join(lines)
                suite_failed += 1
            elif lines:
                ET.SubElement(case, "system-out").text = "\n".join(lines)
        suite.set("tests", str(len(rule_ids)))
        suite.set("failures", str(suite_failed))
        total += len(rule_ids)
        failed += suite_failed
    suites.set("tests", str(total))
    suites.set("failures", str(failed))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode")


def _plain_line(result: ValidationResult, lang: Language) -> str:
    file = shown(result.file) if result.file else _NO_FILE
    where = f"{file}:{result.line}" if result.line else file
    if result.line and result.column:
        where += f":{result.column}"
    if result.where:
        where += f" ({shown(result.where)})"
    return f"{where}: {result.severity} {result.rule} {result.focus_node}: " + _text_in(
        result.message, lang
    )


# --- sarif ----------------------------------------------------------------------------------------


def render_sarif(report: ValidationReport, *, lang: Language = "nl") -> str:
    """SARIF 2.1.0: the rules with help text, the results with file and line."""
    from ketenontologie import __version__

    rule_ids = sorted(set(report.rules) | {r.rule for r in report.results})
    rules: list[dict[str, Any]] = []
    for rule_id in rule_ids:
        rule = report.rules.get(rule_id)
        entry: dict[str, Any] = {"id": rule_id}
        if rule is not None:
            name = _text_in(rule.name, lang) or rule_id
            description = _text_in(rule.description, lang) or name
            help_text = description + (f" ({rule.source})" if rule.source else "")
            entry.update(
                name=name,
                shortDescription={"text": name},
                fullDescription={"text": description},
                help={"text": help_text},
                defaultConfiguration={"level": _SARIF_LEVEL[rule.severity]},
            )
            if rule.source:
                entry["helpUri"] = rule.source
            if rule.basis is not None:
                entry["properties"] = {"basis": rule.basis}
        rules.append(entry)
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    results: list[dict[str, Any]] = []
    for result in report.results:
        item: dict[str, Any] = {
            "ruleId": result.rule,
            "ruleIndex": index[result.rule],
            "level": _SARIF_LEVEL[result.severity],
            "message": {"text": f"{_text_in(result.message, lang)} ({result.focus_node})"},
            "properties": {"basis": _basis(report, result)},
        }
        if result.where:
            item["message"]["text"] += f" [{result.where}]"
        if result.file:
            location: dict[str, Any] = {"artifactLocation": {"uri": result.file}}
            if result.line:
                location["region"] = {"startLine": result.line}
                if result.column:
                    location["region"]["startColumn"] = result.column
            place: dict[str, Any] = {"physicalLocation": location}
            if result.where:
                # A sheet and cell, or an ArchiMate element: the place in the author's terms.
                place["logicalLocations"] = [{"name": result.where, "kind": "element"}]
            item["locations"] = [place]
        results.append(item)
    sarif = {
        "$schema": _SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "ketenontologie",
                        "version": __version__,
                        "informationUri": "https://w3id.org/ketenontologie",
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(sarif, indent=2, ensure_ascii=False)


# --- github ---------------------------------------------------------------------------------------


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(report: ValidationReport, *, lang: Language = "nl") -> str:
    """GitHub Actions workflow commands, one per result (``::error file=…,line=…::…``)."""
    lines = []
    for result in report.results:
        properties = []
        if result.file:
            properties.append(f"file={_escape_property(result.file)}")
            if result.line:
                properties.append(f"line={result.line}")
                if result.column:
                    properties.append(f"col={result.column}")
        title = f"{result.rule} ({result.where})" if result.where else result.rule
        properties.append(f"title={_escape_property(title)}")
        words = _WORDS[lang]
        value = f"; {words['value']}: {result.value}" if result.value else ""
        project = f"({words['project']}) " if _basis(report, result) == "project" else ""
        message = f"{project}{_text_in(result.message, lang)} ({result.focus_node}{value})"
        command = _GITHUB_COMMAND[result.severity]
        lines.append(f"::{command} {','.join(properties)}::{_escape_data(message)}")
    return "\n".join(lines)


# --- dispatch -------------------------------------------------------------------------------------


def render(
    report: ValidationReport,
    format: OutputFormat = "text",
    *,
    lang: Language = "nl",
    color: bool = False,
) -> str:
    """Render ``report`` in ``format``; ``lang`` picks the messages, ``color`` only for text."""
    renderers: dict[str, Callable[[], str]] = {
        "text": lambda: render_text(report, lang=lang, color=color),
        "json": report.to_json,
        "turtle": lambda: render_turtle(report),
        "junit": lambda: render_junit(report, lang=lang),
        "sarif": lambda: render_sarif(report, lang=lang),
        "github": lambda: render_github(report, lang=lang),
    }
    if format not in renderers:
        raise InputError(f"Unknown output format {format!r}. Use one of: {', '.join(renderers)}.")
    return renderers[format]()
