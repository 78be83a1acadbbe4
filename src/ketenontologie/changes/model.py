"""What a comparison of two versions of a design finds: changes in governance terms.

A :class:`Change` has a kind (one of :data:`KINDS`, the names the JSON output uses), the chain
it belongs to, its subject and the values before and after. Terms are written as validation
reports write them: an IRI as itself, a blank node as ``_:label`` (its structural name, see
:mod:`ketenontologie.changes.canonical`), a literal in N-Triples form.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias, get_args

import pyoxigraph as ox

__all__ = [
    "KINDS",
    "Change",
    "Comparison",
    "FailOn",
    "Finding",
    "Kind",
    "Names",
    "Value",
]

Kind: TypeAlias = Literal[
    "partner-added",
    "partner-removed",
    "body-added",
    "body-removed",
    "member-added",
    "member-removed",
    "post-added",
    "post-removed",
    "role-changed",
    "level-changed",
    "holder-changed",
    "overriding-power-changed",
    "escalation-added",
    "escalation-removed",
    "escalation-path-changed",
    "building-block-added",
    "building-block-removed",
    "phase-changed",
    "objective-changed",
    "label-changed",
    "finding-new",
    "finding-fixed",
    "other",
]
KINDS: tuple[Kind, ...] = get_args(Kind)
"""Every kind of change, in the order reports list them."""

FailOn: TypeAlias = Literal["new-violation"]
"""What makes a comparison fail (exit code 1): a change that introduces a Violation."""

Value: TypeAlias = "str | tuple[str, ...] | tuple[tuple[str, ...], ...] | None"
"""A value before or after: one term, several (sorted), or an escalation path (its steps in
order, each step the actors reached at that point, sorted); None where there is none."""

Names: TypeAlias = Mapping[str, Mapping[str, str]]
"""Labels of IRIs by language (``""`` for a label without one), as a version of a design and
the ontology give them."""


@dataclass(frozen=True, slots=True)
class Finding:
    """A validation result that one version has and the other has not."""

    rule: str
    severity: str
    message: Mapping[str, str]
    path: str | None = None
    value: str | None = None
    file: str | None = None
    line: int | None = None
    source: str | None = None


@dataclass(frozen=True, slots=True)
class Change:
    """One change in governance terms (or ``other``: statements no governance kind covers)."""

    kind: Kind
    chain: str | None
    """The chain the subject belongs to (None for something that belongs to none)."""
    subject: str
    before: Value = None
    after: Value = None
    finding: Finding | None = None
    """For ``finding-new`` and ``finding-fixed``: the validation result."""
    removed: tuple[str, ...] = ()
    """The asserted triples only in the old version that this change accounts for (N-Triples,
    without the final dot); every such triple belongs to exactly one change."""
    added: tuple[str, ...] = ()
    """The asserted triples only in the new version that this change accounts for."""

    def sort_key(self) -> tuple[str, int, str, str, str]:
        """Chain, kind in the order of :data:`KINDS`, subject, values."""
        return (
            self.chain or "",
            KINDS.index(self.kind),
            self.subject,
            repr(self.before),
            repr(self.after),
        )


@dataclass(frozen=True)
class Comparison:
    """Two versions of a design compared: the changes, and the statements that differ.

    ``removed`` and ``added`` are the asserted triples only in the old and only in the new
    version, blank nodes named by their structure; an RDF Patch of them turns the old version
    into the new one (:func:`ketenontologie.changes.canonical.write_patch`).
    """

    changes: tuple[Change, ...]
    removed: frozenset[ox.Triple]
    added: frozenset[ox.Triple]
    names_before: Names = field(default_factory=dict)
    """Labels as the old version (with the ontology) gives them."""
    names_after: Names = field(default_factory=dict)
    """Labels as the new version (with the ontology) gives them."""
    before_name: str = ""
    """How the old version is named (its files, or a git revision)."""
    after_name: str = ""
    """How the new version is named."""

    @property
    def changed(self) -> bool:
        """Whether the versions differ in any statement or finding."""
        return bool(self.changes or self.removed or self.added)

    @property
    def new_violations(self) -> tuple[Change, ...]:
        """The ``finding-new`` changes whose result is a Violation."""
        return tuple(
            change
            for change in self.changes
            if change.kind == "finding-new"
            and change.finding is not None
            and change.finding.severity == "Violation"
        )

    def fails(self, fail_on: FailOn | None) -> bool:
        """Whether the comparison fails under ``fail_on`` (never when it is None)."""
        return fail_on == "new-violation" and bool(self.new_violations)

    def chains(self) -> tuple[str | None, ...]:
        """The chains with changes, in the order of the changes (None: outside any chain)."""
        return tuple(dict.fromkeys(change.chain for change in self.changes))

    def summary(self) -> dict[str, Any]:
        """Counts: changes by kind, chains, findings new and fixed, triples added and removed."""
        kinds = Counter(change.kind for change in self.changes)
        return {
            "changes": len(self.changes),
            "kinds": {kind: kinds[kind] for kind in KINDS if kinds[kind]},
            "chains": sum(chain is not None for chain in self.chains()),
            "findings": {
                "new": kinds["finding-new"],
                "fixed": kinds["finding-fixed"],
                "newViolations": len(self.new_violations),
            },
            "triples": {"added": len(self.added), "removed": len(self.removed)},
        }
