"""Compare two versions of a design: statements, governance and validation findings.

A version is a :class:`Design` (the sources it was read from, parsed once by
:mod:`ketenontologie.loading`) or simply its triples, as a store keeps them. Both versions are
made sets of triples with blank nodes named by their structure
(:mod:`~ketenontologie.changes.canonical`), reasoned with the project's one reasoner
(:mod:`ketenontologie.reasoning`) for the governance view, and validated
(:mod:`ketenontologie.validation`) for the findings each has.

>>> same = read_design("tests/designs/valid/kleine-keten.ttl")
>>> compare(same, same).changes
()
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import chain
from typing import TypeAlias

import pyoxigraph as ox

from ketenontologie.changes.canonical import canonical_triples
from ketenontologie.changes.governance import Facts, View, governance_changes, names_of
from ketenontologie.changes.model import Change, Comparison, Finding
from ketenontologie.loading import Parsed, PathLike, find_rdf_files, parse_file
from ketenontologie.reasoning import Reasoner
from ketenontologie.resources import ontology_files
from ketenontologie.terms import TermTriple
from ketenontologie.validation import ValidationResult, validate
from ketenontologie.validation.lines import term_text

__all__ = ["Design", "Version", "compare", "read_design"]


@dataclass(frozen=True)
class Design:
    """One version of a design: the sources it was read from (none for a design that did not
    exist yet), and how reports name it."""

    sources: tuple[Parsed, ...] = ()
    name: str = ""

    @classmethod
    def from_triples(
        cls, triples: Iterable[ox.Quad | ox.Triple | TermTriple], *, name: str
    ) -> Design:
        """A version given as triples or quads (e.g. from a store), named ``name``."""
        quads = [
            item
            if isinstance(item, ox.Quad)
            else ox.Quad(item.subject, item.predicate, item.object)
            if isinstance(item, ox.Triple)
            else ox.Quad(*item)  # type: ignore[arg-type]
            for item in triples
        ]
        return cls((Parsed(name, "n-quads", b"", None, quads),), name)

    @property
    def quads(self) -> list[ox.Quad]:
        """Every quad of every source."""
        return [quad for source in self.sources for quad in source.quads]


Version: TypeAlias = "Design | Iterable[ox.Quad | ox.Triple | TermTriple]"
"""A version to compare: a :class:`Design`, or its triples (or quads)."""


def read_design(paths: PathLike | Iterable[PathLike]) -> Design:
    """Read a version from files and directories, as ``validate`` reads them: named files in
    any format the project reads, directories searched for RDF files.

    >>> read_design("data/loonaangifteketen.ttl").name
    'data/loonaangifteketen.ttl'
    """
    given = [paths] if isinstance(paths, str | os.PathLike) else list(paths)
    sources = tuple(parse_file(path) for path in find_rdf_files(given))
    return Design(sources, ", ".join(os.fspath(path) for path in given))


@lru_cache(maxsize=2)
def _reasoner() -> Reasoner:
    return Reasoner.from_files(tuple(ontology_files()))


@lru_cache(maxsize=2)
def _ontology_names() -> Mapping[str, Mapping[str, str]]:
    return Facts.from_terms(_reasoner().ontology()).names


def _view(triples: frozenset[ox.Triple]) -> View:
    inferred = _reasoner().infer(list(triples)) if triples else ()
    return View(
        Facts.from_terms(chain(triples, inferred)),
        asserted_subjects=frozenset(term_text(t.subject) for t in triples),
        asserted_terms=frozenset(
            term_text(term) for t in triples for term in (t.subject, t.object)
        ),
    )


def compare(
    old: Version,
    new: Version,
    *,
    shapes: Iterable[str | os.PathLike[str]] | None = None,
) -> Comparison:
    """What changed from ``old`` to ``new``: governance changes, ``other`` statements, and
    validation findings new and fixed (``shapes`` adds an organisation's own rules, as in
    :func:`~ketenontologie.validation.validate`).

    Raises :class:`~ketenontologie.errors.InputError` for unusable input or shapes.
    """
    before = old if isinstance(old, Design) else Design.from_triples(old, name="old")
    after = new if isinstance(new, Design) else Design.from_triples(new, name="new")
    old_set, new_set = canonical_triples(before.quads), canonical_triples(after.quads)
    removed, added = old_set - new_set, new_set - old_set
    old_view, new_view = _view(old_set), _view(new_set)
    changes = governance_changes(old_view, new_view, removed=removed, added=added)
    if removed or added:  # the same statements give the same findings
        changes += _finding_changes(
            _findings(before, old_set, shapes),
            _findings(after, new_set, shapes),
            old_view=old_view,
            new_view=new_view,
        )
    ontology = _ontology_names()
    return Comparison(
        changes=tuple(sorted(changes, key=Change.sort_key)),
        removed=removed,
        added=added,
        names_before=names_of(old_view.facts, ontology),
        names_after=names_of(new_view.facts, ontology),
        before_name=before.name,
        after_name=after.name,
    )


def _findings(
    design: Design,
    triples: frozenset[ox.Triple],
    shapes: Iterable[str | os.PathLike[str]] | None,
) -> list[ValidationResult]:
    """The version's validation results, blank nodes under their structural names.

    The sources keep their text (for the line of each result) and give their statements
    without blank nodes; the structurally named triples come last, so a result about a blank
    node names it as the changes do.
    """
    if not triples:
        return []
    plain = [
        replace(
            source,
            quads=[
                q
                for q in source.quads
                if not isinstance(q.subject, ox.BlankNode)
                and not isinstance(q.object, ox.BlankNode)
            ],
        )
        for source in design.sources
    ]
    name = design.sources[0].name if design.sources else design.name
    whole = Parsed(
        name, "n-quads", b"", None, [ox.Quad(t.subject, t.predicate, t.object) for t in triples]
    )
    return list(validate([*plain, whole], shapes=list(shapes) if shapes else None).results)


def _key(result: ValidationResult) -> tuple[str, str, str | None, str | None]:
    return (result.rule, result.focus_node, result.path, result.value)


def _finding_changes(
    old: list[ValidationResult],
    new: list[ValidationResult],
    *,
    old_view: View,
    new_view: View,
) -> list[Change]:
    """``finding-new`` and ``finding-fixed``: results by rule, focus node, path and value."""
    changes = []
    counts = (Counter(map(_key, old)), Counter(map(_key, new)))
    for results, view, mine, theirs in (
        (new, new_view, counts[1], counts[0]),
        (old, old_view, counts[0], counts[1]),
    ):
        left = mine - theirs
        for result in results:
            key = _key(result)
            if left[key] <= 0:
                continue
            left[key] -= 1
            chains = view.chain_of(result.focus_node) or (
                old_view if view is new_view else new_view
            ).chain_of(result.focus_node)
            finding = Finding(
                rule=result.rule,
                severity=result.severity,
                message=dict(result.message),
                path=result.path,
                value=result.value,
                file=result.file,
                line=result.line,
                source=result.source,
            )
            fixed = view is old_view
            changes.append(
                Change(
                    "finding-fixed" if fixed else "finding-new",
                    chains[0] if chains else None,
                    result.focus_node,
                    before=result.rule if fixed else None,
                    after=None if fixed else result.rule,
                    finding=finding,
                )
            )
    return changes
