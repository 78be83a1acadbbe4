"""Validation of chain designs against the governance rules, and its reports.

The stages, one module each: :mod:`~ketenontologie.validation.shapes` (the rules as SHACL,
compiled to SPARQL), :mod:`~ketenontologie.validation.consistency` (KS-C01, from the
reasoner's inconsistencies), :mod:`~ketenontologie.validation.lines`
(where a statement is written), :mod:`~ketenontologie.validation.chains` (which chain a
finding is about), :mod:`~ketenontologie.validation.engine` (:func:`validate`),
:mod:`~ketenontologie.validation.report` (the report and its JSON contract) and
:mod:`~ketenontologie.validation.render` (text, JSON, Turtle, JUnit, SARIF, GitHub). OWL 2 RL
inference is :mod:`ketenontologie.reasoning`'s, as everywhere in the project.

>>> report = validate(["tests/designs/valid/kleine-keten.ttl"])
>>> report.conforms, report.summary.violations
(True, 0)
>>> print(render(validate("tests/designs/invalid/KS-R03-zonder-bestuur.ttl"), "github", lang="en"))
... # doctest: +ELLIPSIS
::group::Chain Kleine keten: 0 violations, 1 warning, 2 infos. The chain conforms.
::warning file=tests/designs/invalid/KS-R03-zonder-bestuur.ttl,line=13,title=KS-R03...
"""

from __future__ import annotations

from ketenontologie.validation.engine import Engine, Source, validate
from ketenontologie.validation.render import render
from ketenontologie.validation.report import (
    Basis,
    ChainVerdict,
    FailOn,
    Language,
    OutputFormat,
    Rule,
    Severity,
    Summary,
    ValidationReport,
    ValidationResult,
)
from ketenontologie.validation.shapes import default_shape_files

__all__ = [
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
