"""The validation report: rules, results, summary; the JSON contract.

>>> from ketenontologie.validation import validate
>>> report = validate(["tests/designs/valid/kleine-keten.ttl"])
>>> sorted(report.to_dict())
['chains', 'conforms', 'results', 'summary']
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

__all__ = [
    "FAIL_RANK",
    "RANK",
    "Basis",
    "ChainVerdict",
    "FailOn",
    "Language",
    "OutputFormat",
    "Rule",
    "Severity",
    "Summary",
    "ValidationReport",
    "ValidationResult",
]

Severity: TypeAlias = Literal["Violation", "Warning", "Info"]
Basis: TypeAlias = Literal["nora", "project"]
"""What a rule rests on (``kss:basis``): a principle of the NORA dossier, or the project's own
requirement on data and model (or advice). ``None`` for a shape that does not say."""
FailOn: TypeAlias = Literal["violation", "warning", "info"]
"""The lowest severity that makes a design fail (``conforms`` false, exit code 1)."""
Language: TypeAlias = Literal["nl", "en"]
OutputFormat: TypeAlias = Literal["text", "json", "turtle", "junit", "sarif", "github"]

RANK: Mapping[str, int] = {"Info": 1, "Warning": 2, "Violation": 3}
"""Severities from mild to severe."""
FAIL_RANK: Mapping[FailOn, int] = {"info": 1, "warning": 2, "violation": 3}


@dataclass(frozen=True)
class Rule:
    """A rule as the shapes describe it: id, severity, name, description, message, source and
    basis (``nora`` or ``project``, see :data:`Basis`)."""

    id: str
    severity: Severity
    name: Mapping[str, str]
    description: Mapping[str, str]
    message: Mapping[str, str]
    source: str | None
    basis: Basis | None = None


@dataclass(frozen=True)
class ValidationResult:
    """One finding about one node of the design (the JSON contract's ``results`` item).

    ``basis`` is the basis of its rule (``nora`` or ``project``; ``None`` for an organisation's
    own shape that does not state one). ``shape`` and ``component`` (the shape and SHACL
    constraint component behind the result) are not part of the JSON contract; the Turtle
    renderer writes them as ``sh:sourceShape`` and ``sh:sourceConstraintComponent``.
    """

    rule: str
    severity: Severity
    file: str | None
    line: int | None
    focus_node: str
    path: str | None
    value: str | None
    message: Mapping[str, str]
    source: str | None
    basis: Basis | None = None
    column: int | None = None
    """The column in a YAML or XML file, where the design was written by hand."""
    where: str | None = None
    """The place in the author's terms: a sheet and cell (``Escalaties!B7``), or an ArchiMate
    element's identifier and name."""
    chains: tuple[str, ...] = ()
    """The chains the focus node belongs to (see :mod:`~ketenontologie.validation.chains`);
    none for a node outside every chain."""
    shape: str | None = field(default=None, compare=False, repr=False)
    component: str | None = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The result in the JSON contract's form."""
        return {
            "rule": self.rule,
            "severity": self.severity,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "where": self.where,
            "focusNode": self.focus_node,
            "path": self.path,
            "value": self.value,
            "message": {"nl": self.message.get("nl", ""), "en": self.message.get("en", "")},
            "source": self.source,
            "basis": self.basis,
            "chains": list(self.chains),
        }


@dataclass(frozen=True)
class Summary:
    """How many results of each severity."""

    violations: int
    warnings: int
    infos: int

    @classmethod
    def of(cls, results: Iterable[ValidationResult]) -> Summary:
        """The counts of ``results``."""
        severities = [result.severity for result in results]
        return cls(
            violations=severities.count("Violation"),
            warnings=severities.count("Warning"),
            infos=severities.count("Info"),
        )

    def to_dict(self) -> dict[str, int]:
        """The counts in the JSON contract's form."""
        return {"violations": self.violations, "warnings": self.warnings, "infos": self.infos}


@dataclass(frozen=True)
class ChainVerdict:
    """The verdict on one chain of the design: its results counted, and whether they let it
    conform (under the report's ``fail_on``)."""

    chain: str
    label: Mapping[str, str]
    """The chain's label in ``nl`` and ``en``."""
    conforms: bool
    summary: Summary

    def to_dict(self) -> dict[str, Any]:
        """The verdict in the JSON contract's form."""
        return {
            "chain": self.chain,
            "label": {"nl": self.label.get("nl", ""), "en": self.label.get("en", "")},
            "conforms": self.conforms,
            "summary": self.summary.to_dict(),
        }


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of :func:`validate`: ``conforms``, ``summary`` and ``results``.

    :meth:`to_dict` is exactly the JSON contract. ``rules`` (every rule that was checked),
    ``files`` (every file that was read) and ``fail_on`` are kept for the JUnit and SARIF
    renderers, which list passing checks too.

    >>> from ketenontologie.validation import validate
    >>> report = validate(["tests/designs/valid/kleine-keten.ttl"])
    >>> report.exit_code
    0
    """

    conforms: bool
    summary: Summary
    results: tuple[ValidationResult, ...]
    chains: tuple[ChainVerdict, ...] = ()
    """One verdict per chain of the design, by IRI; results about nodes outside every chain
    (``chains`` empty) count only in the whole report's verdict."""
    rules: Mapping[str, Rule] = field(default_factory=dict, compare=False, repr=False)
    files: tuple[str, ...] = field(default=(), compare=False, repr=False)
    fail_on: FailOn = field(default="violation", compare=False, repr=False)

    def fails_on(self, severity: Severity) -> bool:
        """Whether a result of ``severity`` makes this report fail (see ``fail_on``)."""
        return RANK[severity] >= FAIL_RANK[self.fail_on]

    @property
    def exit_code(self) -> int:
        """0 when the design conforms, 1 when it does not (the command's exit code)."""
        return 0 if self.conforms else 1

    def to_dict(self) -> dict[str, Any]:
        """The report in the JSON contract's form."""
        return {
            "conforms": self.conforms,
            "summary": self.summary.to_dict(),
            "chains": [verdict.to_dict() for verdict in self.chains],
            "results": [result.to_dict() for result in self.results],
        }

    def results_of(self, chain: str | None) -> tuple[ValidationResult, ...]:
        """The results about ``chain`` (its verdict rests on them); for None, those about nodes
        outside every chain."""
        if chain is None:
            return tuple(r for r in self.results if not r.chains)
        return tuple(r for r in self.results if chain in r.chains)

    def to_json(self) -> str:
        """The JSON contract as text."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)
