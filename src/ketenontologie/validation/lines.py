"""Where a node is described: the file and line of a focus node, for results people can find.

Turtle, TriG and N-Triples are read token by token for the line where each subject's block
starts; for RDF/XML and JSON-LD the first line that quotes a subject's IRI is used. A design
written by hand carries its source map: a result points at the YAML line and column of the
entry or statement, the sheet and cell (``Escalaties!B7``), or the ArchiMate element's line,
identifier and name.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import urljoin

import pyoxigraph as ox

from ketenontologie.loading import Parsed

__all__ = ["DesignInput", "Location", "Locator", "term_text"]


class Location(NamedTuple):
    """Where a result points: the file, line and column, and a place in the author's terms
    (a sheet and cell, an ArchiMate element's identifier and name)."""

    file: str | None
    line: int | None
    column: int | None = None
    where: str | None = None


@dataclass(frozen=True, slots=True)
class DesignInput:
    """One design as validated: a parsed source (with its text, for line numbers) or the
    triples of an in-memory graph (no source: ``parsed`` is None, ``name`` too)."""

    quads: list[ox.Quad]
    parsed: Parsed | None = None

    @property
    def name(self) -> str | None:
        """The file or upload name results are reported under."""
        return None if self.parsed is None else self.parsed.name


def term_text(term: object) -> str:
    """An IRI as itself, a blank node as ``_:id``, a literal in N-Triples syntax."""
    if isinstance(term, ox.NamedNode):
        return term.value
    return str(term)


_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n]*)
  | (?P<long>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*''')
  | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<directive>@prefix|@base|(?i:prefix|base)(?=\s))
  | (?P<bnode>_:[\w\-.]*[\w\-])
  | (?P<pname>(?:[A-Za-z][\w\-.]*)?:(?:[\w\-:%]|\\.|\.(?=[\w\-:%\\]))*)
  | (?P<punct>[.;,\[\](){}])
  | (?P<word>[^\s;,()\[\]{}]+)
    """,
    re.VERBOSE,
)


def _subject_lines(text: str, base: str) -> dict[str, int]:
    """For Turtle, TriG or N-Triples text: each subject (full IRI or ``_:label``) → first line."""
    newlines = [i for i, char in enumerate(text) if char == "\n"]
    prefixes: dict[str, str] = {}
    lines: dict[str, int] = {}
    expect_subject, depth = True, 0
    tokens = [(m.lastgroup, m.group(), m.start()) for m in _TOKEN.finditer(text)]
    i = 0
    while i < len(tokens):
        kind, value, start = tokens[i]
        i += 1
        if kind == "comment":
            continue
        if kind == "directive":
            rest = [t for t in tokens[i : i + 4] if t[0] != "comment"]
            if value.lower().endswith("prefix") and len(rest) >= 2:
                prefixes[rest[0][1].rstrip(":")] = _join(base, rest[1][1][1:-1])
                i += 2
            elif rest:
                base = _join(base, rest[0][1][1:-1])
                i += 1
            if i < len(tokens) and tokens[i][1] == ".":
                i += 1
            expect_subject = True
            continue
        if kind == "punct":
            if value in "[(":
                depth += 1
            elif value in "])":
                depth -= 1
            elif value in "{}" or (value == "." and depth == 0):
                expect_subject, depth = True, 0
            continue
        if expect_subject and depth == 0:
            expect_subject = False
            node = _resolve(kind, value, prefixes, base)
            if node is not None and node not in lines:
                lines[node] = bisect.bisect_left(newlines, start) + 1
            if value.upper() == "GRAPH":
                expect_subject = True
    return lines


def _join(base: str, iri: str) -> str:
    """Resolve ``iri`` against ``base``; unlike urljoin, keep an empty fragment (``…/def#``)."""
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", iri):
        return iri
    joined = urljoin(base, iri)
    return joined + "#" if iri.endswith("#") and not joined.endswith("#") else joined


def _resolve(kind: str | None, value: str, prefixes: Mapping[str, str], base: str) -> str | None:
    if kind == "iri":
        return _join(base, value[1:-1])
    if kind == "bnode":
        return value
    if kind == "pname":
        prefix, _, local = value.partition(":")
        if prefix in prefixes:
            return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
    return None


class Locator:
    """Finds the file and line where a focus node is described, reading each file once."""

    def __init__(self, designs: Sequence[DesignInput]) -> None:
        self._designs = designs
        self._lines: dict[int, dict[str, int]] = {}
        self._mentions: dict[str, str] | None = None

    def locate(self, node: str, *, path: str | None = None, value: str | None = None) -> Location:
        """Where ``node`` is described; for a design written by hand, where the statement
        ``node path value`` was written, if it was."""
        for index, design in enumerate(self._designs):
            source = design.parsed
            if source is not None and source.source_map is not None:
                place = source.source_map.locate(node, path=path, value=value)
                if place is not None:
                    return Location(design.name, place.line, place.column, place.where)
                continue
            line = self._subject_line(index, design, node)
            if line is not None:
                return Location(design.name, line)
        return Location(self._mentioned_in(node), None)

    def _subject_line(self, index: int, design: DesignInput, node: str) -> int | None:
        source = design.parsed
        if source is None:
            return None
        if index not in self._lines:
            base = source.base_iri or ""
            if source.source_map is not None:
                self._lines[index] = {}
            elif source.format in ("turtle", "trig", "n-triples", "n-quads"):
                self._lines[index] = _subject_lines(source.text, base)
            else:
                self._lines[index] = _quoted_lines(source.text, design)
        return self._lines[index].get(node)

    def _mentioned_in(self, node: str) -> str | None:
        if self._mentions is None:
            self._mentions = {}
            for design in reversed(self._designs):
                for quad in design.quads:
                    for term in (quad.subject, quad.object):
                        if design.name is not None:
                            self._mentions[term_text(term)] = design.name
        return self._mentions.get(node)


def _quoted_lines(text: str, design: DesignInput) -> dict[str, int]:
    """Best effort for RDF/XML and JSON-LD: the first line that quotes a subject's IRI."""
    subjects = {q.subject.value for q in design.quads if isinstance(q.subject, ox.NamedNode)}
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        for quoted in re.findall(r'"([^"]+)"', line):
            if quoted in subjects and quoted not in lines:
                lines[quoted] = number
    return lines
