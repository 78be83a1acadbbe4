"""Where in the author's own file a subject or a statement of a design was written.

>>> places = SourceMap()
>>> places.add_subject(ox.NamedNode("https://e.org/a"), Place(line=3, column=5))
>>> places.locate("https://e.org/a")
Place(line=3, column=5, where=None)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

__all__ = ["Place", "SourceMap", "term_key"]

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@dataclass(frozen=True, slots=True)
class Place:
    """A place in the author's terms: a line and column (YAML, XML), and/or ``where``: a sheet
    and cell (``Escalaties!B7``) or an ArchiMate element's identifier and name."""

    line: int | None = None
    column: int | None = None
    where: str | None = None


def term_key(term: object) -> str:
    """A term as validation results name it: an IRI as itself, a blank node as ``_:id``, a
    literal in N-Triples syntax."""
    if isinstance(term, ox.NamedNode):
        return term.value
    return str(term)


@dataclass
class SourceMap:
    """Subjects and statements of a design, each with the place it was written."""

    subjects: dict[str, Place] = field(default_factory=dict)
    statements: dict[tuple[str, str, str], Place] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    """What the reader wants the author to know (e.g. ArchiMate elements outside the mapping)."""

    def add_subject(self, subject: object, place: Place) -> None:
        """Record where ``subject`` is described (the first place wins)."""
        self.subjects.setdefault(term_key(subject), place)

    def add_statement(self, quad: ox.Quad | ox.Triple, place: Place) -> None:
        """Record where the statement ``quad`` was written (the first place wins)."""
        key = (term_key(quad.subject), term_key(quad.predicate), term_key(quad.object))
        self.statements.setdefault(key, place)

    def add_statements(self, quads: Iterable[ox.Quad | ox.Triple], place: Place) -> None:
        """Record one place for several statements."""
        for quad in quads:
            self.add_statement(quad, place)

    def locate(
        self, node: str, *, path: str | None = None, value: str | None = None
    ) -> Place | None:
        """The place of the statement ``node path value`` if known, else of any statement
        ``node path …``, else of any statement ``node … value``, else of ``node`` itself (terms
        as :func:`term_key` writes them)."""
        if path is not None and value is not None:
            found = self.statements.get((node, path, value))
            if found is not None:
                return found
        if path is not None:
            for (subject, predicate, _), place in self.statements.items():
                if subject == node and predicate == path:
                    return place
        if value is not None:  # a rule whose path is not the stated property (a path of paths)
            for (subject, predicate, obj), place in self.statements.items():
                if subject == node and obj == value and predicate != _RDF_TYPE:
                    return place
        return self.subjects.get(node)
