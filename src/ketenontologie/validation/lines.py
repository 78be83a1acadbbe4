"""Where a finding is written: the file and line of the statement that breaks a rule.

A result points at the statement ``focus path value`` where a design asserts it (in whichever of
its files), else at a statement ``focus path …``, else at one ``focus … value``, else at the
block that describes the focus node (for a statement that is missing): in the file that states
the node's type, else the first that describes it. Turtle, TriG, N-Triples and N-Quads are read
token by token for the line of each subject's block and of each object; for RDF/XML and JSON-LD
the first line that quotes a subject's IRI is used. A design written by hand carries its source
map: a result points at the YAML line and column of the entry or statement, the sheet and cell
(``Escalaties!B7``), or the ArchiMate element's line, identifier and name.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
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


# Each match skips the white space and comments before a token (possessively: a comment is
# never read again for tokens), so the engine does not try every branch at every blank. Then
# the most frequent tokens first (the engine tries the branches in order). No two branches
# match at the same place, except that "word" takes what none before it does (a "." is punct),
# "long" goes before "string" (a triple quote is no empty string) and "directive" before "lang".
# What no token matches (a lone "^") is "other", and the end of the text ends the last match:
# neither is a token.
_TOKEN = re.compile(
    r"""
    (?:\s++|\#[^\n]*+)*+
    (?:
    (?P<punct>[.;,\[\](){}])
  | (?P<pname>(?:[A-Za-z][\w\-.]*)?:(?:[\w\-:%]|\\.|\.(?=[\w\-:%\\]))*)
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<long>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*''')
  | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<directive>@prefix|@base|(?i:prefix|base)(?=\s))
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<caret>\^\^)
  | (?P<bnode>_:[\w\-.]*[\w\-])
  | (?P<word>[^\s;,()\[\]{}^]+)
  | (?P<other>\^)
  | \Z
    )
    """,
    re.VERBOSE,
)
_NO_TOKEN = (None, "other")
_NEWLINE = re.compile("\n")
_ESCAPE = re.compile(r"\\(.)")
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


class _Object(NamedTuple):
    """An object as written: its line, and the term (an IRI or ``_:label``) or, for a literal,
    its text with a datatype written out in full (read as a term only when asked)."""

    line: int
    term: str | None
    literal: str | None = None


class _Scan:
    """What a Turtle, TriG or N-Triples text says where: the first line of each subject's block
    and the line of each object, by subject and predicate."""

    __slots__ = ("_predicates", "objects", "subjects")

    def __init__(self, subjects: dict[str, int] | None = None) -> None:
        self.subjects: dict[str, int] = {} if subjects is None else subjects
        self.objects: dict[tuple[str, str], list[_Object]] = {}
        self._predicates: dict[str, list[str]] | None = None
        """Each subject's predicates, in the order of ``objects`` (made on the first look-up)."""

    def line_of(self, subject: str, predicate: str | None, value: str | None) -> int | None:
        """The line of the statement ``subject predicate value``; a None predicate is any but
        ``rdf:type``, a None value any value."""
        if self._predicates is None:
            self._predicates = defaultdict(list)
            for s, p in self.objects:
                self._predicates[s].append(p)
        for p in self._predicates.get(subject, ()):
            if p != predicate if predicate else p == _RDF_TYPE:
                continue
            objects = self.objects[subject, p]
            for found in objects:
                if value is None or value in (found.term, _literal_text(found.literal)):
                    return found.line
        return None


def _subject_lines(text: str, base: str) -> dict[str, int]:
    """For Turtle, TriG or N-Triples text: each subject (full IRI or ``_:label``) → first line."""
    return _scan(text, base).subjects


def _scan(text: str, base: str) -> _Scan:
    """Read Turtle, TriG, N-Triples or N-Quads text for where each statement is written.

    Statements inside brackets (a blank node's own properties, collections) are not listed: a
    result about such a node falls back to the block around it.
    """
    newlines = [found.start() for found in _NEWLINE.finditer(text)]
    prefixes: dict[str, str] = {}
    scan = _Scan()
    tokens = [
        (kind, m.group(kind), m.start(kind))
        for m in _TOKEN.finditer(text)
        if (kind := m.lastgroup) not in _NO_TOKEN
    ]
    # What comes next at the top level: a subject, a verb, an object, or after an object one of
    # "," ";" "." (the state "next").
    expect, depth = "subject", 0
    subject: str | None = None
    predicate: str | None = None
    i = 0
    while i < len(tokens):
        kind, value, start = tokens[i]
        i += 1
        if kind == "directive":
            rest = tokens[i : i + 3]
            if value.lower().endswith("prefix") and len(rest) >= 2:
                prefixes[rest[0][1].rstrip(":")] = _join(base, rest[1][1][1:-1])
                i += 2
            elif rest:
                base = _join(base, rest[0][1][1:-1])
                i += 1
            if i < len(tokens) and tokens[i][1] == ".":
                i += 1
            expect, depth = "subject", 0
            continue
        if kind == "punct":
            if value in "[(":
                if depth == 0 and expect == "object" and subject and predicate:
                    _add(scan, subject, predicate, _Object(_line(newlines, start), None))
                if depth == 0 and expect == "subject":
                    subject = None  # an anonymous subject: its statements are not listed
                depth += 1
            elif value in "])":
                depth = max(depth - 1, 0)
                if depth == 0:
                    expect = "verb" if expect == "subject" else "next"
            elif value in "{}" or (value == "." and depth == 0):
                expect, depth = "subject", 0
            elif depth == 0 and value == ";":
                expect = "verb"
            elif depth == 0 and value == ",":
                expect = "object"
            continue
        if depth:
            continue
        if expect == "subject":
            subject = _resolve(kind, value, prefixes, base)
            if subject is not None:
                scan.subjects.setdefault(subject, _line(newlines, start))
            expect = "subject" if value.upper() == "GRAPH" else "verb"
        elif expect == "verb":
            predicate = _RDF_TYPE if value == "a" else _resolve(kind, value, prefixes, base)
            expect = "object"
        elif expect == "object":
            literal, i = _literal_at(tokens, i - 1, prefixes, base)
            if subject and predicate:
                term = None if literal else _resolve(kind, value, prefixes, base)
                _add(scan, subject, predicate, _Object(_line(newlines, start), term, literal))
            expect = "next"
    return scan


def _literal_at(
    tokens: Sequence[tuple[str | None, str, int]], i: int, prefixes: Mapping[str, str], base: str
) -> tuple[str | None, int]:
    """The literal that starts at token ``i`` (its text, a datatype written as a full IRI) and
    the index of the token after it; None and ``i + 1`` for a token that is no literal."""
    kind, value, _ = tokens[i]
    i += 1
    if kind not in ("string", "long", "word"):
        return None, i
    literal = value
    if i < len(tokens) and tokens[i][0] == "lang":
        literal += tokens[i][1]
        i += 1
    elif i + 1 < len(tokens) and tokens[i][0] == "caret":
        datatype = _resolve(tokens[i + 1][0], tokens[i + 1][1], prefixes, base)
        literal += f"^^<{datatype}>" if datatype else ""
        i += 2
    return literal, i


def _line(newlines: list[int], offset: int) -> int:
    return bisect.bisect_left(newlines, offset) + 1


def _add(scan: _Scan, subject: str, predicate: str, found: _Object) -> None:
    scan.objects.setdefault((subject, predicate), []).append(found)


@lru_cache(maxsize=4096)
def _literal_text(literal: str | None) -> str | None:
    """A literal as written (``"ja"``, ``1``, ``true``, ``"x"@nl``, ``"1"^^<…>``) in N-Triples
    form, as results give values; None if it is not one."""
    if literal is None:
        return None
    try:
        quads = ox.parse(f"<x:s> <x:p> {literal} .".encode(), format=ox.RdfFormat.TURTLE)
        return term_text(next(iter(quads)).object)
    except (SyntaxError, ValueError, StopIteration):
        return None


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
            return prefixes[prefix] + (_ESCAPE.sub(r"\1", local) if "\\" in local else local)
    return None


class Locator:
    """Finds the file and line of the statement a result is about, reading each file once."""

    def __init__(self, designs: Sequence[DesignInput]) -> None:
        self._designs = designs
        self._scans: dict[int, _Scan] = {}
        self._asserted: list[dict[str, list[tuple[str, str]]]] | None = None
        self._mentions: dict[str, str] | None = None

    def locate(self, node: str, *, path: str | None = None, value: str | None = None) -> Location:
        """Where the statement ``node path value`` is written (see the module's docstring):
        that statement, else one like it, else the block that describes ``node``."""
        stated = [design.get(node, ()) for design in self._statements()]
        tiers: list[tuple[str | None, str | None]] = []
        if path is not None and value is not None:
            tiers.append((path, value))
        if path is not None:
            tiers.append((path, None))
        if value is not None:
            tiers.append((None, value))
        for predicate, obj in tiers:
            for index, design in enumerate(self._designs):
                if any(
                    (p == predicate if predicate else p != _RDF_TYPE) and obj in (None, o)
                    for p, o in stated[index]
                ):
                    return self._place(index, design, node, path=predicate, value=obj)
        # A statement that is missing: the block that describes the node, in the file that
        # states its type if one does.
        count = len(self._designs)
        typed = [i for i in range(count) if any(p == _RDF_TYPE for p, _ in stated[i])]
        for index in typed + [i for i in range(count) if i not in typed]:
            found = self._place(index, self._designs[index], node)
            if found.line is not None or found.where is not None:
                return found
        return Location(self._mentioned_in(node), None)

    def _place(
        self,
        index: int,
        design: DesignInput,
        node: str,
        *,
        path: str | None = None,
        value: str | None = None,
    ) -> Location:
        """Where in ``design`` the statement is written, else the block of ``node`` there."""
        source = design.parsed
        if source is not None and source.source_map is not None:
            place = source.source_map.locate(node, path=path, value=value)
            if place is None:
                return Location(design.name, None)
            return Location(design.name, place.line, place.column, place.where)
        scan = self._scan(index, design)
        if scan is None:
            return Location(design.name, None)
        line = scan.line_of(node, path, value) if path or value else None
        return Location(design.name, line or scan.subjects.get(node))

    def _statements(self) -> list[dict[str, list[tuple[str, str]]]]:
        """Per design: each subject's (predicate, object), terms as results write them."""
        if self._asserted is None:
            self._asserted = []
            for design in self._designs:
                by_subject: dict[str, list[tuple[str, str]]] = defaultdict(list)
                for q in design.quads:
                    by_subject[term_text(q.subject)].append(
                        (term_text(q.predicate), term_text(q.object))
                    )
                self._asserted.append(by_subject)
        return self._asserted

    def _scan(self, index: int, design: DesignInput) -> _Scan | None:
        source = design.parsed
        if source is None:
            return None
        if index not in self._scans:
            if source.format in ("turtle", "trig", "n-triples", "n-quads"):
                self._scans[index] = _scan(source.text, source.base_iri or "")
            else:
                self._scans[index] = _Scan(subjects=_quoted_lines(source.text, design))
        return self._scans[index]

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
