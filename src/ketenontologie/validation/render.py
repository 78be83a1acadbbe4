"""Render a :class:`~ketenontologie.validation.report.ValidationReport` for people and CI.

Formats: ``text`` (per chain with its verdict, then per file and rule, optionally coloured),
``json`` (the contract CI scripts parse), ``turtle`` (a standard ``sh:ValidationReport``),
``junit`` (a test suite per chain, a test case per rule), ``sarif`` (SARIF 2.1.0, for code
scanning) and ``github`` (GitHub Actions workflow commands: a group per chain, annotations on the
lines of a pull request). Every format says which results come from a project rule rather than
from a NORA principle (the rule's ``basis``); :func:`render_error` writes each format's document
for input that could not be used.

>>> from ketenontologie.validation.engine import validate
>>> report = validate("tests/designs/invalid/KS-R05-ketenmanager-buiten-bestuur.ttl")
>>> print(render(report, "text", lang="en"))  # doctest: +ELLIPSIS
Chain: Kleine keten (https://w3id.org/ketenontologie/id/keten/kleine-keten)
  tests/designs/invalid/KS-R05-ketenmanager-buiten-bestuur.ttl
    KS-R05 warning chain manager on the board
...
    KS-R21 info (project rule) TOOI identifier of a partner (advice)
...
  0 violations, 1 warning, 2 infos. The chain conforms.
<BLANKLINE>
0 violations, 1 warning, 2 infos. Chains that conform: 1 of 1. The design conforms.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple, get_args
from urllib.parse import quote

import pyoxigraph as ox

from ketenontologie.errors import InputError, KetenontologieError, shown
from ketenontologie.namespaces import SHAPES
from ketenontologie.validation.report import (
    ChainVerdict,
    Language,
    OutputFormat,
    Summary,
    ValidationReport,
    ValidationResult,
)

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

__all__ = ["fingerprint", "render", "render_error"]

_SH = "http://www.w3.org/ns/shacl#"
_FORMATS = get_args(OutputFormat)
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
        "chain": "Keten",
        "general": "Buiten een keten",
        "chain_conforms": "De keten voldoet.",
        "chain_fails": "De keten voldoet niet.",
        "part_conforms": "Dit deel voldoet.",
        "part_fails": "Dit deel voldoet niet.",
        "tally": "Ketens die voldoen: {k} van {n}.",
        "unusable": "Onbruikbare invoer",
        "input": "invoer",
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
        "chain": "Chain",
        "general": "Not in a chain",
        "chain_conforms": "The chain conforms.",
        "chain_fails": "The chain does not conform.",
        "part_conforms": "This part conforms.",
        "part_fails": "This part does not conform.",
        "tally": "Chains that conform: {k} of {n}.",
        "unusable": "Unusable input",
        "input": "input",
    },
}


def _text_in(texts: Mapping[str, str], lang: Language) -> str:
    """The text in ``lang``, else in the other language, else any text at all."""
    other = "en" if lang == "nl" else "nl"
    return texts.get(lang) or texts.get(other) or next(iter(texts.values()), "")


def _count(n: int, severity: str, lang: Language) -> str:
    words = _WORDS[lang]
    return f"{n} {words[severity] if n == 1 else words[severity + 's']}"


def _counts(summary: Summary, lang: Language) -> str:
    return ", ".join(
        (
            _count(summary.violations, "Violation", lang),
            _count(summary.warnings, "Warning", lang),
            _count(summary.infos, "Info", lang),
        )
    )


def _totals(report: ValidationReport, lang: Language) -> str:
    """The closing line: counts, how many chains conform, and the verdict on the whole."""
    words = _WORDS[lang]
    tally = ""
    if report.chains:
        conforming = sum(verdict.conforms for verdict in report.chains)
        tally = " " + words["tally"].format(k=conforming, n=len(report.chains))
    verdict = words["conforms" if report.conforms else "fails"]
    return f"{_counts(report.summary, lang)}.{tally} {verdict}"


def _basis(report: ValidationReport, result: ValidationResult) -> str | None:
    """The basis of ``result``'s rule: its own, else the rule's (``nora``, ``project``)."""
    rule = report.rules.get(result.rule)
    return result.basis or (rule.basis if rule else None)


def _by_file_and_rule(
    results: Iterable[ValidationResult],
) -> dict[str, dict[str, list[ValidationResult]]]:
    grouped: dict[str, dict[str, list[ValidationResult]]] = defaultdict(lambda: defaultdict(list))
    for result in results:
        grouped[result.file or _NO_FILE][result.rule].append(result)
    return grouped


class _Group(NamedTuple):
    """A chain with its verdict and results, or (``verdict`` None) the results outside every
    chain."""

    verdict: ChainVerdict | None
    results: tuple[ValidationResult, ...]

    def title(self, lang: Language) -> str:
        """The chain's label (control characters escaped: a label with a line break must not
        start a line of a CI log), or the name of the results outside every chain."""
        if self.verdict is None:
            return _WORDS[lang]["general"]
        return shown(_text_in(self.verdict.label, lang))

    def conforms(self, report: ValidationReport) -> bool:
        if self.verdict is not None:
            return self.verdict.conforms
        return not any(report.fails_on(r.severity) for r in self.results)

    def summary(self) -> Summary:
        return self.verdict.summary if self.verdict is not None else Summary.of(self.results)

    def outcome(self, report: ValidationReport, lang: Language) -> str:
        """The group's counts and verdict, as a sentence."""
        words = _WORDS[lang]
        part = "chain" if self.verdict is not None else "part"
        verdict = words[f"{part}_{'conforms' if self.conforms(report) else 'fails'}"]
        return f"{_counts(self.summary(), lang)}. {verdict}"


def _groups(report: ValidationReport, lang: Language) -> list[_Group]:
    """One group per chain (by label in ``lang``), then the results outside every chain if
    there are any; with no chain at all, one group of every result."""
    verdicts = sorted(report.chains, key=lambda v: (_text_in(v.label, lang).casefold(), v.chain))
    groups = [_Group(v, report.results_of(v.chain)) for v in verdicts]
    general = report.results_of(None)
    if general or not groups:
        groups.append(_Group(None, general))
    return groups


# --- text ----------------------------------------------------------------------------------------


def render_text(report: ValidationReport, *, lang: Language = "nl", color: bool = False) -> str:
    """Results per chain (with its verdict), then per file and rule, with a closing line; ANSI
    colour only if ``color``. A design without chains is shown per file and rule."""

    def paint(code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if color else text

    words = _WORDS[lang]
    if not report.chains:
        if not report.results:
            return words["clean"]
        return "\n".join(
            [*_file_blocks(report, report.results, lang, paint), _totals(report, lang)]
        )
    lines: list[str] = []
    for group in _groups(report, lang):
        heading = group.title(lang)
        if group.verdict is not None:
            heading = f"{words['chain']}: {heading} ({group.verdict.chain})"
        lines.append(paint(_BOLD, heading))
        lines.extend(
            "  " + line if line else line
            for line in _file_blocks(report, group.results, lang, paint)
        )
        lines.extend([f"  {group.outcome(report, lang)}", ""])
    lines.append(words["clean"] if not report.results else _totals(report, lang))
    return "\n".join(lines)


def _file_blocks(
    report: ValidationReport,
    results: Iterable[ValidationResult],
    lang: Language,
    paint: Callable[[str, str], str],
) -> list[str]:
    """The results per file and rule: position, focus node, value, message and source."""
    words = _WORDS[lang]
    lines: list[str] = []
    for file, rules in sorted(_by_file_and_rule(results).items()):
        lines.append(paint(_BOLD, shown(file)))
        for rule_id, found in sorted(rules.items()):
            rule = report.rules.get(rule_id)
            severity = found[0].severity
            name = f" {_text_in(rule.name, lang)}" if rule and rule.name else ""
            label = paint(_COLOUR[severity], f"{rule_id} {words[severity]}")
            project = f" ({words['project']})" if _basis(report, found[0]) == "project" else ""
            lines.append(f"  {label}{project}{name}")
            for result in found:
                where = _position(result, lang) or "—"
                value = f"  ({words['value']}: {result.value})" if result.value else ""
                lines.append(f"    {paint(_DIM, where)}  {result.focus_node}{value}")
                lines.append(f"      {_text_in(result.message, lang)}")
            if found[0].source:
                lines.append(f"    {paint(_DIM, words['source'] + ': ' + found[0].source)}")
        lines.append("")
    return lines


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
    """JUnit XML: a test suite per chain (and one for results outside every chain), a test case
    per rule; failing results fail the case.

    A result fails its test case when it would make the report fail: every violation, and
    warnings or infos too when ``fail_on`` says so. Other results are written as output. The
    suite's properties hold the chain's IRI and the basis of each rule. Valid against the
    ``junit-10.xsd`` that Jenkins reads.
    """
    import xml.etree.ElementTree as ET  # only here: the other formats start faster without it

    rule_ids = sorted(set(report.rules) | {r.rule for r in report.results})
    suites = ET.Element("testsuites", name="ketenontologie validate")
    total = failed = 0
    for group in _groups(report, lang):
        name = _xml_text(group.title(lang))
        suite = ET.SubElement(suites, "testsuite", name=name)
        properties = ET.SubElement(suite, "properties")
        if group.verdict is not None:
            ET.SubElement(properties, "property", name="chain", value=group.verdict.chain)
        ET.SubElement(properties, "property", name="verdict", value=group.outcome(report, lang))
        by_rule: dict[str, list[ValidationResult]] = defaultdict(list)
        for result in group.results:
            by_rule[result.rule].append(result)
        suite_failed = 0
        for rule_id in rule_ids:
            rule = report.rules.get(rule_id)
            if rule is not None and rule.basis is not None:
                ET.SubElement(properties, "property", name=f"basis {rule_id}", value=rule.basis)
            title = f"{rule_id} {_text_in(rule.name, lang)}" if rule and rule.name else rule_id
            title = _xml_text(title)
            case = ET.SubElement(suite, "testcase", classname=name, name=title)
            results = by_rule.get(rule_id, [])
            failing = [r for r in results if report.fails_on(r.severity)]
            lines = [_plain_line(r, lang) for r in results]
            if failing:
                failure = ET.SubElement(
                    case,
                    "failure",
                    type=failing[0].severity,
                    message=_xml_text(_text_in(failing[0].message, lang)),
                )
                failure.text = _xml_text("\n".join(lines))
                suite_failed += 1
            elif lines:
                ET.SubElement(case, "system-out").text = _xml_text("\n".join(lines))
        _counted(suite, tests=len(rule_ids), failures=suite_failed)
        total += len(rule_ids)
        failed += suite_failed
    _counted(suites, tests=total, failures=failed)
    return _xml(suites)


def _counted(element: ET.Element, *, tests: int, failures: int = 0, errors: int = 0) -> None:
    element.set("tests", str(tests))
    element.set("failures", str(failures))
    element.set("errors", str(errors))


def _xml(root: ET.Element) -> str:
    import xml.etree.ElementTree as ET

    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


_NOT_XML = "[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"
"""What XML 1.0 cannot hold (compiled on first use, by the formats that write XML)."""


def _xml_text(text: str) -> str:
    """``text`` with the characters XML 1.0 cannot hold (control characters) as escapes."""
    return re.sub(_NOT_XML, lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def _plain_line(result: ValidationResult, lang: Language) -> str:
    file = shown(result.file) if result.file else _NO_FILE
    where = f"{file}:{result.line}" if result.line else file
    if result.line and result.column:
        where += f":{result.column}"
    if result.where:
        where += f" ({shown(result.where)})"
    value = f" ({_WORDS[lang]['value']}: {result.value})" if result.value else ""
    return f"{where}: {result.severity} {result.rule} {result.focus_node}{value}: " + _text_in(
        result.message, lang
    )


# --- sarif ----------------------------------------------------------------------------------------

_FINGERPRINT = "ketenontologieFinding/v1"
"""The key of each result's ``partialFingerprints``: a hash of rule, focus node, path and value
(blank node labels left out), so that a finding keeps its identity across runs and line moves."""


def fingerprint(result: ValidationResult) -> str:
    """A finding's identity, stable across runs and line moves: rule, focus node, path and value
    (a blank node without its label, which changes from run to run), hashed.

    >>> from dataclasses import replace
    >>> from ketenontologie.validation.report import ValidationResult
    >>> a = ValidationResult("KS-R13", "Info", "a.ttl", 3, "https://e.org/b", None, None, {}, None)
    >>> fingerprint(a) == fingerprint(replace(a, file="b.ttl", line=9))
    True
    """
    parts = (result.rule, result.focus_node, result.path or "", result.value or "")
    stable = ("_:" if part.startswith("_:") else part for part in parts)
    return hashlib.sha256("\x1f".join(stable).encode("utf-8")).hexdigest()


def _sarif_uri(path: str) -> str:
    """A file name as a URI reference (spaces, ``%`` and ``#`` percent-encoded)."""
    # ":" too: in a first segment ("a:b.ttl") it would read as a URI scheme.
    return quote(path.replace(os.sep, "/"), safe="/@!$&'()*+,;=-._~")


def _sarif_log(run: dict[str, Any]) -> str:
    sarif = {"$schema": _SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(sarif, indent=2, ensure_ascii=False)


def _sarif_driver(rules: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    from ketenontologie import __version__

    driver: dict[str, Any] = {
        "name": "ketenontologie",
        "version": __version__,
        "informationUri": "https://w3id.org/ketenontologie",
    }
    if rules is not None:
        driver["rules"] = rules
    return {"driver": driver}


def render_sarif(report: ValidationReport, *, lang: Language = "nl") -> str:
    """SARIF 2.1.0: the rules with help text, the results with file and line, the value their
    message speaks of and a stable fingerprint; the verdict per chain in the run's properties."""
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
    words = _WORDS[lang]
    results: list[dict[str, Any]] = []
    for result in report.results:
        value = f"; {words['value']}: {result.value}" if result.value else ""
        item: dict[str, Any] = {
            "ruleId": result.rule,
            "ruleIndex": index[result.rule],
            "level": _SARIF_LEVEL[result.severity],
            "message": {"text": f"{_text_in(result.message, lang)} ({result.focus_node}{value})"},
            "partialFingerprints": {_FINGERPRINT: fingerprint(result)},
            "properties": {
                "basis": _basis(report, result),
                "focusNode": result.focus_node,
                "path": result.path,
                "value": result.value,
                "chains": list(result.chains),
            },
        }
        if result.where:
            item["message"]["text"] += f" [{result.where}]"
        if result.file:
            location: dict[str, Any] = {"artifactLocation": {"uri": _sarif_uri(result.file)}}
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
    chains = [
        {
            "chain": group.verdict.chain,
            "label": _text_in(group.verdict.label, lang),
            "conforms": group.verdict.conforms,
            "summary": group.verdict.summary.to_dict(),
            "verdict": group.outcome(report, lang),
        }
        for group in _groups(report, lang)
        if group.verdict is not None
    ]
    return _sarif_log(
        {
            "tool": _sarif_driver(rules),
            "invocations": [{"executionSuccessful": True}],
            "results": results,
            "properties": {"conforms": report.conforms, "chains": chains},
        }
    )


# --- github ---------------------------------------------------------------------------------------


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _annotation(command: str, message: str, **properties: object) -> str:
    """A workflow command ``::command key=value,…::message``, every part escaped."""
    given = ",".join(
        f"{key}={_escape_property(str(value))}"
        for key, value in properties.items()
        if value is not None
    )
    return (
        f"::{command} {given}::{_escape_data(message)}"
        if given
        else f"::{command}::{_escape_data(message)}"
    )


def render_github(report: ValidationReport, *, lang: Language = "nl") -> str:
    """GitHub Actions workflow commands: a collapsible group per chain titled with its verdict,
    holding an annotation per result (``::error file=…,line=…::…``), and a closing line.

    A result about a node in several chains is annotated once, in the first chain's group.
    """
    words = _WORDS[lang]
    lines: list[str] = []
    done: set[int] = set()
    groups = _groups(report, lang)
    for group in groups:
        grouped = bool(report.chains)
        if grouped:
            title = group.title(lang)
            if group.verdict is not None:
                title = f"{words['chain']} {title}"
            lines.append("::group::" + _escape_data(f"{title}: {group.outcome(report, lang)}"))
        for result in group.results:
            if id(result) in done:
                continue
            done.add(id(result))
            lines.append(_github_line(report, result, lang))
        if grouped:
            lines.append("::endgroup::")
    lines.append(words["clean"] if not report.results else _totals(report, lang))
    return "\n".join(lines)


def _github_line(report: ValidationReport, result: ValidationResult, lang: Language) -> str:
    words = _WORDS[lang]
    value = f"; {words['value']}: {result.value}" if result.value else ""
    project = f"({words['project']}) " if _basis(report, result) == "project" else ""
    message = f"{project}{_text_in(result.message, lang)} ({result.focus_node}{value})"
    title = f"{result.rule} ({result.where})" if result.where else result.rule
    return _annotation(
        _GITHUB_COMMAND[result.severity],
        message,
        file=result.file,
        line=result.line if result.file else None,
        col=result.column if result.file and result.line else None,
        title=title,
    )


# --- unusable input -------------------------------------------------------------------------------


def render_error(error: KetenontologieError, format: OutputFormat, *, lang: Language = "nl") -> str:
    """A document in ``format`` that says the input could not be used, with the file and
    position where known: SARIF with a tool execution notification (and ``executionSuccessful``
    false), JUnit with an ``<error>``, a GitHub ``::error`` command, the JSON error object, a
    Turtle comment; nothing for text (the message goes to stderr).

    >>> from ketenontologie.errors import RDFSyntaxError
    >>> error = RDFSyntaxError("a.ttl", line=3, column=14, problem="unexpected ']'")
    >>> print(render_error(error, "github", lang="en"))  # doctest: +ELLIPSIS
    ::error file=a.ttl,line=3,col=14,title=Unusable input::a.ttl:3:14: unexpected ']'. Fix ...
    """
    words = _WORDS[lang]
    file, line, column = _error_place(error)
    message = error.message
    if format == "text":
        return ""
    if format == "json":
        body = error.to_dict()
        if file is not None:
            body.setdefault("file", file)
        return json.dumps(body, indent=2, ensure_ascii=False)
    if format == "turtle":
        comment = "\n".join(f"# {part}" for part in f"{words['unusable']}: {message}".splitlines())
        return _xml_text(comment) + "\n"
    if format == "github":
        return _annotation(
            "error",
            message,
            file=file,
            line=line if file else None,
            col=column if file and line else None,
            title=words["unusable"],
        )
    if format == "junit":
        import xml.etree.ElementTree as ET

        suites = ET.Element("testsuites", name="ketenontologie validate")
        suite = ET.SubElement(suites, "testsuite", name=words["unusable"])
        case = ET.SubElement(
            suite,
            "testcase",
            classname=words["unusable"],
            name=_xml_text(shown(file or words["input"])),
        )
        failure = ET.SubElement(case, "error", type=error.code, message=_xml_text(message))
        failure.text = _xml_text(message)
        _counted(suite, tests=1, errors=1)
        _counted(suites, tests=1, errors=1)
        return _xml(suites)
    if format == "sarif":
        notification: dict[str, Any] = {
            "level": "error",
            "message": {"text": f"{words['unusable']}: {message}"},
            "descriptor": {"id": error.code},
        }
        if file is not None:
            location: dict[str, Any] = {"artifactLocation": {"uri": _sarif_uri(file)}}
            if line:
                location["region"] = {"startLine": line}
                if column:
                    location["region"]["startColumn"] = column
            notification["locations"] = [{"physicalLocation": location}]
        invocation = {
            "executionSuccessful": False,
            "exitCode": 2,
            "toolExecutionNotifications": [notification],
        }
        # An empty list of results (not none): GitHub's upload refuses a run without one.
        return _sarif_log({"tool": _sarif_driver(), "invocations": [invocation], "results": []})
    raise InputError(f"Unknown output format {format!r}. Use one of: {', '.join(_FORMATS)}.")


def _error_place(error: KetenontologieError) -> tuple[str | None, int | None, int | None]:
    """The file, line and column an error names, where it names them."""
    path = getattr(error, "path", None)
    line = getattr(error, "line", None)
    column = getattr(error, "column", None)
    return (
        None if path is None else str(path),
        line if isinstance(line, int) and line >= 1 else None,
        column if isinstance(column, int) and column >= 1 else None,
    )


# --- dispatch -------------------------------------------------------------------------------------


def render(
    report: ValidationReport,
    format: OutputFormat = "text",
    *,
    lang: Language = "nl",
    color: bool = False,
) -> str:
    """Render ``report`` in ``format``; ``lang`` picks the messages, ``color`` only for text."""
    renderers: dict[str, Callable[[], str]] = {  # the order of _FORMATS
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
