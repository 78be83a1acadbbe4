"""One model of a design for every hand-written format: entries with fixed fields, escalation
steps, and a general part for every other statement.

:func:`design_from_quads` sorts the statements of a design into that model without losing one;
:class:`Builder` turns what a reader found (keys, names, values, each with its place) back into
quads and a source map. YAML and the spreadsheet are both written from and read into it, so they
hold the same statements, and Turtle → YAML → Turtle gives the same graph.

>>> chain = ox.NamedNode("https://w3id.org/ketenontologie/id/keten/k")
>>> kind = ox.NamedNode("https://w3id.org/ketenontologie/def#Chain")
>>> rdf_type = ox.NamedNode(RDF_TYPE)
>>> [entry.key for entry in design_from_quads([ox.Triple(chain, rdf_type, kind)]).entries]
['k']
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeAlias

import pyoxigraph as ox

from ketenontologie.authoring.sourcemap import Place, SourceMap, term_key
from ketenontologie.authoring.vocabulary import (
    COMMON_FIELDS,
    ESCALATES_TO,
    RDF_TYPE,
    ConceptScheme,
    Field,
    Kind,
    Section,
    compact,
    concept_name,
    concepts,
    expand,
    find_concept,
    sections,
    slug,
)
from ketenontologie.errors import AuthoringError, UnknownReferenceError, YAMLSyntaxError

__all__ = [
    "KEY",
    "LANGUAGES",
    "UNWRITABLE",
    "Builder",
    "Design",
    "Entry",
    "Term",
    "design_from_quads",
    "field_text",
    "fields_of",
    "generic_parts",
    "reference_text",
]

Term: TypeAlias = ox.NamedNode | ox.BlankNode | ox.Literal
KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
"""What a key looks like: letters, digits, '.', '_' and '-', never a colon."""
LANGUAGES = ("nl", "en")
"""The languages text fields hold (other languages go into the general part)."""
UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters a workbook cell cannot hold (XML 1.0 forbids them)."""
_XSD = "http://www.w3.org/2001/XMLSchema#"
_BOOLEAN = ox.NamedNode(_XSD + "boolean")


@dataclass
class Entry:
    """One thing of a design: its section, key, IRI, kind, fixed fields and other statements."""

    section: Section
    key: str
    iri: ox.NamedNode
    explicit_iri: bool
    kind: Kind
    fields: dict[str, list[Term]] = field(default_factory=dict)
    other: dict[str, list[Term]] = field(default_factory=dict)


@dataclass
class Design:
    """A design as the hand-written formats hold it."""

    entries: list[Entry]
    escalations: list[tuple[Entry, Term]]
    other: dict[Term, dict[str, list[Term]]]
    """Statements about things that are not entries, by subject and property."""

    def key_of(self, term: Term) -> str | None:
        """The key of the entry ``term`` is, if any."""
        return self._keys.get(term_key(term))

    def __post_init__(self) -> None:
        self._keys = {entry.iri.value: entry.key for entry in self.entries}


def _sort_key(term: Term) -> tuple[int, str]:
    return (
        0 if isinstance(term, ox.NamedNode) else 1 if isinstance(term, ox.Literal) else 2,
        str(term),
    )


def _fits(f: Field, value: Term, taken: Sequence[Term]) -> bool:
    """Whether ``value`` can be written in field ``f`` (which already holds ``taken``)."""
    if f.value == "text":
        return (
            isinstance(value, ox.Literal)
            and value.language in LANGUAGES
            and not any(isinstance(t, ox.Literal) and t.language == value.language for t in taken)
            and _writable(value.value)
        )
    if f.value == "boolean":
        return (
            isinstance(value, ox.Literal)
            and value.datatype == _BOOLEAN
            and value.value in ("true", "false")
            and not taken
        )
    return isinstance(value, ox.NamedNode) and _writable(value.value)


def _writable(text: str) -> bool:
    """Text a cell keeps as it is: no control characters a spreadsheet cannot hold."""
    return not UNWRITABLE.search(text)


def _entry_key(section: Section, iri: str, used: set[str]) -> tuple[str, bool]:
    rest = iri[len(section.prefix) :] if iri.startswith(section.prefix) else None
    if rest is not None and KEY.fullmatch(rest) and rest not in used:
        return rest, False
    base = slug(re.split(r"[/#:]", iri.rstrip("/#"))[-1]) or section.name
    candidate, n = base, 1
    while candidate in used or not KEY.fullmatch(candidate):
        n += 1
        candidate = f"{base}-{n}"
    return candidate, True


def _short_blank_nodes(quads: Iterable[ox.Quad | ox.Triple]) -> list[ox.Quad]:
    """The statements with blank nodes labelled ``b1``, ``b2`` … the same way for the same
    graph, so that writing a design twice gives the same text."""
    plain = [ox.Quad(q.subject, q.predicate, q.object) for q in quads]
    if not any(
        isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode) for q in plain
    ):
        return plain
    dataset = ox.Dataset(plain)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    canonical = sorted(dataset, key=str)
    labels: dict[str, ox.BlankNode] = {}
    for quad in canonical:
        for term in (quad.subject, quad.object):
            if isinstance(term, ox.BlankNode) and term.value not in labels:
                labels[term.value] = ox.BlankNode(f"b{len(labels) + 1}")

    def short(term: Term) -> Term:
        return labels[term.value] if isinstance(term, ox.BlankNode) else term

    return [ox.Quad(short(q.subject), q.predicate, short(q.object)) for q in canonical]  # type: ignore[arg-type]


def design_from_quads(quads: Iterable[ox.Quad | ox.Triple]) -> Design:
    """Sort every statement of a design into entries, escalation steps and the general part."""
    by_subject: dict[Term, list[tuple[str, Term]]] = defaultdict(list)
    seen: set[tuple[str, str, str]] = set()
    for quad in _short_blank_nodes(quads):
        statement = (term_key(quad.subject), quad.predicate.value, term_key(quad.object))
        if statement not in seen:
            seen.add(statement)
            by_subject[quad.subject].append((quad.predicate.value, quad.object))  # type: ignore[arg-type,index]
    used: set[str] = set()
    entries: list[Entry] = []
    placed: dict[str, Entry] = {}
    for section in sections():
        candidates = [
            s for s in by_subject if isinstance(s, ox.NamedNode) and s.value not in placed
        ]
        for node in sorted(candidates, key=lambda s: s.value):
            assert isinstance(node, ox.NamedNode)
            types = [
                o.value
                for p, o in by_subject[node]
                if p == RDF_TYPE and isinstance(o, ox.NamedNode)
            ]
            kind = section.kind_of(types)
            if kind is None:
                continue
            key, explicit = _entry_key(section, node.value, used)
            used.add(key)
            new = Entry(section, key, node, explicit, kind)
            placed[node.value] = new
            entries.append(new)
    escalations: list[tuple[Entry, Term]] = []
    other: dict[Term, dict[str, list[Term]]] = {}
    for subject, statements in by_subject.items():
        found = placed.get(subject.value) if isinstance(subject, ox.NamedNode) else None
        if found is None:
            for predicate, value in statements:
                other.setdefault(subject, {}).setdefault(predicate, []).append(value)
            continue
        entry = found
        fields = {f.predicate: f for f in (*entry.section.fields, *COMMON_FIELDS)}
        typed = False
        for predicate, value in sorted(statements, key=lambda s: (s[0], _sort_key(s[1]))):
            if (
                predicate == RDF_TYPE
                and not typed
                and isinstance(value, ox.NamedNode)
                and value.value == entry.kind.type
            ):
                typed = True
                continue
            if predicate == ESCALATES_TO and isinstance(value, ox.NamedNode):
                escalations.append((entry, value))
                continue
            f = fields.get(predicate)
            if f is not None and _fits(f, value, entry.fields.get(f.name, [])):
                entry.fields.setdefault(f.name, []).append(value)
            else:
                entry.other.setdefault(predicate, []).append(value)
    for values in other.values():
        for predicate in values:
            values[predicate].sort(key=_sort_key)
    escalations.sort(key=lambda step: (step[0].section.name, step[0].key, str(step[1])))
    return Design(
        entries, escalations, dict(sorted(other.items(), key=lambda kv: _sort_key(kv[0])))
    )


# --- writing values as text ----------------------------------------------------------------------


def reference_text(design: Design, term: Term) -> str:
    """A reference as an author writes it: the key of an entry, else a prefixed name or IRI."""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return design.key_of(term) or compact(term.value)


def field_text(design: Design, f: Field, term: Term) -> str:
    """The text of one value of a fixed field (text fields give the literal's text)."""
    if f.value in ("text", "boolean"):
        assert isinstance(term, ox.Literal)
        return term.value
    assert isinstance(term, ox.NamedNode)
    if f.value == "ref":
        return reference_text(design, term)
    if (
        f.value == "concept"
        and f.scheme is not None
        and any(c.iri == term.value for c in concepts(f.scheme))
    ):
        return concept_name(term.value)
    return term.value if f.value == "iri" else compact(term.value)


def generic_parts(design: Design, term: Term) -> tuple[str, str, str | None, str | None]:
    """A value of the general part as (kind, text, language, datatype): kind is ``iri``,
    ``tekst`` or ``knoop``; the datatype is given for literals other than plain strings."""
    if isinstance(term, ox.BlankNode):
        return "knoop", term.value, None, None
    if isinstance(term, ox.NamedNode):
        return "iri", reference_text(design, term), None, None
    if term.language:
        return "tekst", term.value, term.language, None
    datatype = term.datatype.value
    return "tekst", term.value, None, None if datatype == _XSD + "string" else compact(datatype)


# --- reading: names to IRIs, with places ---------------------------------------------------------


class Builder:
    """Collects the statements a reader finds, resolving keys, names and values, each with the
    place it was written; unknown names raise errors that name the nearest known ones."""

    def __init__(
        self,
        name: str,
        *,
        base_iri: str | None = None,
        syntax: type[AuthoringError] = YAMLSyntaxError,
    ) -> None:
        self.name = name
        self.base_iri = base_iri
        self.syntax = syntax
        self.quads: list[ox.Quad] = []
        self.places = SourceMap()
        self.keys: dict[str, ox.NamedNode] = {}
        self._key_places: dict[str, Place] = {}
        self._blank: dict[str, ox.BlankNode] = {}
        self._seen: set[ox.Quad] = set()

    def error(self, place: Place, problem: str, hint: str) -> AuthoringError:
        """An error of this format at ``place``."""
        return self.syntax(
            self.name,
            problem=problem,
            hint=hint,
            line=place.line,
            column=place.column,
            where=place.where,
        )

    def declare(self, section: Section, key: str, iri: str | None, place: Place) -> ox.NamedNode:
        """Register an entry's key (and IRI); a key used twice is an error."""
        if not KEY.fullmatch(key):
            raise self.error(
                place,
                f"{key!r} is not a usable key",
                "Use letters, digits, '.', '_' and '-' only, starting with a letter or digit",
            )
        if key in self.keys:
            earlier = self._key_places[key]
            at = f"line {earlier.line}" if earlier.line else earlier.where or "earlier"
            raise self.error(
                place,
                f"the key {key!r} is used twice (also at {at})",
                "Give every entry its own key",
            )
        node = ox.NamedNode(self.iri(iri, place) if iri else section.prefix + key)
        self.keys[key] = node
        self._key_places[key] = place
        self.places.add_subject(node, place)
        return node

    def iri(self, text: str, place: Place) -> str:
        """An IRI from a prefixed name, ``<IRI>`` or absolute IRI (relative ones against the "
        "base)."""
        found = expand(text)
        if found is None and self.base_iri and text and not text.startswith("_:"):
            from urllib.parse import urljoin

            found = urljoin(self.base_iri, text)
        if found is None or re.search(r"[\s<>\"{}|\\^`]", found):
            raise self.error(
                place,
                f"{text!r} is not an IRI",
                "Write a full IRI (https://…) or a prefixed name such as rol:ketenmanager",
            )
        return found

    def ref(
        self, text: str, place: Place, *, what: str = "the entry"
    ) -> ox.NamedNode | ox.BlankNode:
        """An entry by its key, a blank node ``_:label``, or an IRI."""
        text = text.strip()
        if text in self.keys:
            return self.keys[text]
        if text.startswith("_:"):
            return self.blank(text[2:])
        if ":" in text:
            return ox.NamedNode(self.iri(text, place))
        raise UnknownReferenceError(
            self.name,
            name=text,
            what=what,
            candidates=difflib.get_close_matches(text, list(self.keys), n=3, cutoff=0.5),
            line=place.line,
            column=place.column,
            where=place.where,
        )

    def blank(self, label: str) -> ox.BlankNode:
        """The blank node written ``_:label`` (fresh for this read, the same for each label)."""
        if label not in self._blank:
            self._blank[label] = ox.BlankNode()
        return self._blank[label]

    def concept(self, scheme: ConceptScheme, text: str, place: Place) -> ox.NamedNode:
        """A level, phase or building block by its name, notation or label, or an IRI."""
        found = find_concept(scheme, text)
        if found is not None:
            return ox.NamedNode(found)
        if ":" in text:
            return ox.NamedNode(self.iri(text, place))
        names = [concept_name(c.iri) for c in concepts(scheme)]
        what = {"niveau": "the level", "fase": "the phase", "bouwsteen": "the building block"}[
            scheme
        ]
        raise UnknownReferenceError(
            self.name,
            name=text,
            what=what,
            candidates=difflib.get_close_matches(text.lower(), names, n=3, cutoff=0.3) or names,
            line=place.line,
            column=place.column,
            where=place.where,
        )

    def kind(self, section: Section, text: str | None, place: Place) -> Kind:
        """The kind of a body or role by its word (``ketenmanager``), label or class."""
        if not section.has_kinds:
            return section.kinds[0]
        if text is None or not text.strip():
            raise self.error(
                place,
                f"an entry of {section.name} has no soort",
                "Say which kind it is: " + ", ".join(k.name for k in section.kinds),
            )
        wanted = text.strip().casefold()
        for kind in section.kinds:
            names = {kind.name, *(label.casefold() for label in kind.label.values())}
            if wanted in names or slug(text) == kind.name or expand(text) == kind.type:
                return kind
        raise UnknownReferenceError(
            self.name,
            name=text,
            what="the kind",
            candidates=difflib.get_close_matches(
                slug(text), [k.name for k in section.kinds], n=3, cutoff=0.3
            )
            or [k.name for k in section.kinds],
            line=place.line,
            column=place.column,
            where=place.where,
        )

    def field_value(
        self, f: Field, text: str | bool, place: Place, *, lang: str | None = None
    ) -> Term:
        """The term of one value of a fixed field."""
        if f.value == "boolean":
            if isinstance(text, bool):
                return ox.Literal("true" if text else "false", datatype=_BOOLEAN)
            lowered = text.strip().lower()
            if lowered in ("ja", "yes", "true", "waar"):
                return ox.Literal("true", datatype=_BOOLEAN)
            if lowered in ("nee", "no", "false", "onwaar"):
                return ox.Literal("false", datatype=_BOOLEAN)
            raise self.error(
                place, f"{f.name} is {text!r}, not yes or no", "Write ja or nee (true or false)"
            )
        text = str(text)
        if f.value == "text":
            return ox.Literal(text, language=lang) if lang else ox.Literal(text)
        if f.value == "ref":
            return self.ref(text, place, what="the entry")
        if f.value == "concept" and f.scheme is not None:
            return self.concept(f.scheme, text, place)
        return ox.NamedNode(self.iri(text, place))

    def generic(
        self,
        kind: str,
        text: str,
        place: Place,
        *,
        lang: str | None = None,
        datatype: str | None = None,
    ) -> Term:
        """A value of the general part: ``iri`` (a key, prefixed name or IRI), ``tekst`` or
        ``knoop`` (a blank node label)."""
        if kind == "iri":
            return self.ref(text, place, what="the entry")
        if kind == "knoop":
            return self.blank(text.removeprefix("_:"))
        if kind != "tekst":
            raise self.error(place, f"{kind!r} is not a kind of value", "Use iri, tekst or knoop")
        if lang:
            return ox.Literal(text, language=lang)
        if datatype:
            return ox.Literal(text, datatype=ox.NamedNode(self.iri(datatype, place)))
        return ox.Literal(text)

    def subject(self, text: str, place: Place) -> ox.NamedNode | ox.BlankNode:
        """The subject of a statement of the general part."""
        return self.ref(text, place, what="the subject")

    def predicate(self, text: str, place: Place) -> ox.NamedNode:
        """A property by its prefixed name or IRI."""
        if ":" not in text:
            raise self.error(
                place,
                f"{text!r} is not a property",
                "Write a prefixed name such as skos:altLabel, or a full IRI",
            )
        return ox.NamedNode(self.iri(text, place))

    def add(
        self,
        subject: ox.NamedNode | ox.BlankNode,
        predicate: ox.NamedNode | str,
        value: Term,
        place: Place,
    ) -> None:
        """Add one statement, written at ``place``."""
        quad = ox.Quad(
            subject,
            predicate if isinstance(predicate, ox.NamedNode) else ox.NamedNode(predicate),
            value,
        )
        if quad not in self._seen:
            self._seen.add(quad)
            self.quads.append(quad)
        self.places.add_statement(quad, place)
        if isinstance(subject, ox.BlankNode):
            self.places.add_subject(subject, place)


def fields_of(section: Section) -> tuple[Field, ...]:
    """The fixed fields of an entry of ``section``: its own, then the common ones."""
    return (*section.fields, *COMMON_FIELDS)
