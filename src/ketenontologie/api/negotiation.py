"""Content negotiation for every route: the one reading of ``Accept`` and ``Accept-Language``.

An offer's quality is the q of the most specific media range that matches it (RFC 9110,
section 12.5.1): its own media type, then one of its aliases (other names of the same format,
such as ``application/json`` for SPARQL JSON), then ``type/*`` of its own media type (the type
it is sent as: ``application/*`` does not match HTML, sent as ``text/html``, nor ``text/*``
SPARQL XML, sent as ``application/sparql-results+xml``), then ``*/*``. ``q=0`` refuses an offer,
a q that is not a number counts as 0, and a tie goes to the offer listed first. What is on offer
is data kept where it is used: the result formats in :mod:`ketenontologie.sparql.results`, the
document formats in :mod:`ketenontologie.publication.formats`, the page languages in
:mod:`ketenontologie.publication.words`.

* :func:`choose`: SPARQL results and graphs (``/sparql``, ``/graphs``, ``/designs``, named
  queries), with ``format=``/``output=`` winning over ``Accept`` when they name a format that
  can carry the result, and ``Accept`` deciding otherwise;
* :func:`choose_document`: linked-data documents, with an extension winning over ``Accept``;
* :func:`choose_report`: the validation report (JSON or Turtle);
* :func:`choose_diff`: what changed between two versions of a design (text, JSON, Markdown or
  RDF Patch), with ``format=`` winning over ``Accept``;
* :func:`choose_language`: the language of a page (``?lang=``, then ``Accept-Language``);
* :func:`prefers_html`: whether an error is answered with a page (a browser) or JSON.

>>> choose("text/csv;q=0.5, application/sparql-results+xml", kind="solutions").name
'xml'
>>> choose("*/*", kind="graph").name
'turtle'
>>> choose("*/*", kind="graph", format=["json"]).name  # SPARQLWrapper's JSON on a CONSTRUCT
'jsonld'
>>> choose("text/*", kind="solutions").name
'csv'
>>> choose_document("text/turtle;q=0.9, application/ld+json").name
'jsonld'
>>> choose_document("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8").name
'html'
>>> choose_language(None, "en-GB,en;q=0.9,nl;q=0.8")
'en'
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal, TypeVar

from ketenontologie.changes import DiffFormat
from ketenontologie.errors import BadRequestError, ConflictingFormatError, NotAcceptableError
from ketenontologie.publication.formats import (
    FORMATS,
    HTML,
    NQUADS,
    RDF_FORMATS,
    TRIG,
    DocumentFormat,
)
from ketenontologie.publication.words import LANGUAGES, Language
from ketenontologie.sparql.results import ResultFormat, format_by_name, formats_for
from ketenontologie.sparql.text import ResultKind

__all__ = [
    "DIFF_MEDIA_TYPES",
    "choose",
    "choose_diff",
    "choose_document",
    "choose_language",
    "choose_report",
    "parse_accept",
    "prefers_html",
    "quality",
]

Offer = TypeVar("Offer")
Ranges = Sequence[tuple[str, float]]

_JSON = ("application/json",)
_TURTLE = ("text/turtle", "application/x-turtle")
_NOT_PAGES: tuple[tuple[str, ...], ...] = (
    _JSON,
    *(fmt.media_types for fmt in (*RDF_FORMATS, TRIG, NQUADS)),
)
"""What a client may prefer to a page: JSON (the error body) and every RDF format."""


def parse_accept(header: str) -> list[tuple[str, float]]:
    """``(range, q)`` pairs of an ``Accept`` (or ``Accept-Language``) header, lower case.

    A q that is not a number counts as 0; a bare ``*`` is ``*/*``.

    >>> parse_accept("text/csv;q=0.5, */*;q=bad, text/turtle")
    [('text/csv', 0.5), ('*/*', 0.0), ('text/turtle', 1.0)]
    """
    ranges = []
    for part in header.split(","):
        pieces = [piece.strip() for piece in part.split(";")]
        value = pieces[0].lower()
        if not value:
            continue
        if value == "*":
            value = "*/*"
        q = 1.0
        for param in pieces[1:]:
            key, _, number = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(1.0, max(0.0, float(number)))
                except ValueError:
                    q = 0.0
        ranges.append((value, q))
    return ranges


def quality(media_types: Sequence[str], ranges: Ranges) -> float:
    """The q that ``ranges`` give an offer known by ``media_types`` (the type it is sent as
    first, then its aliases): that of the most specific range matching it; 0 when none does.

    A ``type/*`` range matches the offer's own media type only: an alias is another name a
    client may ask for exactly, not the type of what is sent.

    >>> quality(("text/turtle",), parse_accept("text/*;q=0.3, text/turtle;q=0.8, */*"))
    0.8
    >>> quality(("text/html", "application/xhtml+xml"), parse_accept("application/*"))
    0.0
    """
    best = (-1, 0.0)
    for rank, media in enumerate(media_types):
        top = media.partition("/")[0]
        for accepted, q in ranges:
            if accepted == media:
                specificity = 3 if rank == 0 else 2
            elif rank == 0 and accepted == f"{top}/*":
                specificity = 1
            elif accepted == "*/*":
                specificity = 0
            else:
                continue
            if specificity > best[0]:
                best = (specificity, q)
    return best[1]


def _best(
    offers: Sequence[Offer], ranges: Ranges, media_types: Callable[[Offer], Sequence[str]]
) -> tuple[Offer, float]:
    """The offer with the highest q, the first among equals, and its q."""
    chosen, best = offers[0], -1.0
    for offer in offers:
        q = quality(media_types(offer), ranges)
        if q > best:
            chosen, best = offer, q
    return chosen, best


def choose(
    accept: str | None,
    *,
    kind: ResultKind,
    format: str | Sequence[str] | None = None,
) -> ResultFormat:
    """The format of a query result of ``kind``.

    ``format`` holds the values of the ``format`` and ``output`` parameters (one value or
    several). A value that names a format able to carry the result wins over ``Accept``; values
    that name the same format are one; a value that cannot carry this kind of result (``csv``
    for a CONSTRUCT) or that names no format at all is passed over, and ``Accept`` decides, so
    that a parameter never refuses what ``Accept`` would take. Two values naming two different
    formats that can both carry the result: :class:`ConflictingFormatError`. Without a usable
    value: the best by ``Accept``, else the first; :class:`NotAcceptableError` when none will do.

    >>> choose("*/*", kind="graph", format=["tsv", "text/tab-separated-values"]).name
    'turtle'
    """
    options = formats_for(kind)
    values = [format] if isinstance(format, str) else list(format or ())
    named = _named(values, kind)
    if named is not None:
        return named
    if not accept or not accept.strip():
        return options[0]
    best, q = _best(options, parse_accept(accept), lambda fmt: (fmt.media_type, *fmt.aliases))
    if q <= 0:
        passed = [value for value in values if value.strip()]
        given = f" (format/output {', '.join(map(repr, passed))} cannot carry it either)"
        raise NotAcceptableError(
            f"None of the media types in Accept ({accept}) can carry a {kind} result"
            f"{given if passed else ''} (geen gevraagd formaat past bij dit resultaat). "
            f"Accept one of: {', '.join(f.media_type for f in options)}, or add "
            f"format=<{'|'.join(f.name for f in options)}>."
        )
    return best


def _named(values: Sequence[str], kind: ResultKind) -> ResultFormat | None:
    """The one format of ``kind`` that ``values`` name, if any; refuse two different ones."""
    found: dict[str, tuple[ResultFormat, list[str]]] = {}
    for value in values:
        if not value.strip():
            continue  # SPARQLWrapper sends an empty second value where it has no media type
        fmt = format_by_name(value, kind=kind)
        if fmt is not None:
            found.setdefault(fmt.name, (fmt, []))[1].append(value)
    if len(found) > 1:
        named = "; ".join(
            f"{' and '.join(map(repr, given))} name {fmt.name} ({fmt.media_type})"
            for fmt, given in found.values()
        )
        raise ConflictingFormatError(
            f"The format and output parameters name different formats for this {kind} result: "
            f"{named} (format en output noemen verschillende formaten). Give one of them, or "
            "the same one each time."
        )
    return next((fmt for fmt, _ in found.values()), None)


def choose_document(
    accept: str | None,
    *,
    extension: DocumentFormat | None = None,
    formats: tuple[DocumentFormat, ...] = FORMATS,
) -> DocumentFormat:
    """The representation of a document among ``formats``: the one its ``extension`` names, else
    the best by ``Accept``, else the first (HTML); :class:`NotAcceptableError` when none will do.
    """
    if extension is not None:
        if extension not in formats:
            raise NotAcceptableError(
                f"This document is not available as {extension.label} "
                f"(dit document bestaat niet als {extension.label}). "
                f"Use one of: {', '.join(fmt.extension for fmt in formats)}."
            )
        return extension
    if not accept or not accept.strip():
        return formats[0]
    best, q = _best(formats, parse_accept(accept), lambda fmt: fmt.media_types)
    if q <= 0:
        raise NotAcceptableError(
            f"None of the media types in Accept ({accept}) is offered here (geen van de gevraagde "
            f"formaten is beschikbaar). Accept one of: "
            f"{', '.join(fmt.media_type for fmt in formats)}."
        )
    return best


def choose_report(accept: str | None) -> Literal["json", "turtle"]:
    """The validation report's format: JSON unless ``Accept`` prefers Turtle.

    >>> choose_report("text/turtle;q=0.5, application/json"), choose_report("text/turtle")
    ('json', 'turtle')
    """
    if not accept or not accept.strip():
        return "json"
    offers: tuple[tuple[Literal["json", "turtle"], tuple[str, ...]], ...] = (
        ("json", _JSON),
        ("turtle", _TURTLE),
    )
    (name, _), q = _best(offers, parse_accept(accept), lambda offer: offer[1])
    if q <= 0:
        raise NotAcceptableError(
            f"The report is JSON (application/json) or Turtle (text/turtle); Accept ({accept}) "
            "takes neither."
        )
    return name


DIFF_MEDIA_TYPES: dict[DiffFormat, tuple[str, ...]] = {
    "text": ("text/plain",),
    "json": _JSON,
    "markdown": ("text/markdown", "text/x-markdown"),
    "patch": ("application/rdf-patch",),
}
"""The formats of a diff and their media types (its own first), in the order offered."""


def choose_diff(accept: str | None, *, format: str | None = None) -> DiffFormat:
    """The format of a diff: ``format`` when given, else the best by ``Accept``, else text.

    >>> choose_diff("text/markdown, text/plain;q=0.5"), choose_diff("*/*", format="patch")
    ('markdown', 'patch')
    """
    offers = tuple(DIFF_MEDIA_TYPES.items())
    if format:
        for name, _ in offers:
            if format in (name, *DIFF_MEDIA_TYPES[name]):
                return name
        raise NotAcceptableError(
            f"format={format!r} is not a format of a diff. Use one of: "
            f"{', '.join(name for name, _ in offers)}."
        )
    if not accept or not accept.strip():
        return offers[0][0]
    (name, _), q = _best(offers, parse_accept(accept), lambda offer: offer[1])
    if q <= 0:
        raise NotAcceptableError(
            f"None of the media types in Accept ({accept}) can carry a diff (geen van de "
            "gevraagde formaten is beschikbaar). Accept one of: "
            f"{', '.join(media for _, (media, *_) in offers)}, or add "
            f"format=<{'|'.join(name for name, _ in offers)}>."
        )
    return name


def choose_language(
    lang: str | None,
    accept_language: str | None,
    *,
    unknown: Literal["ignore", "refuse"] = "ignore",
) -> Language:
    """The page language: ``lang`` (``?lang=``) when it names one of ours, else the best of
    ``Accept-Language`` (``en-GB`` counts as ``en``), else Dutch.

    A ``lang`` that names none of ours is passed over, or with ``unknown="refuse"`` refused
    (:class:`BadRequestError`). Among tags of equal q the first wins; ``*`` picks no language.

    >>> choose_language("en", "nl"), choose_language(None, "fr, en;q=0.5")
    ('en', 'en')
    >>> choose_language("fr", "en"), choose_language(None, "de-DE, fr;q=0.5")
    ('en', 'nl')
    """
    if lang is not None and (lang or unknown == "refuse"):
        wanted = lang.strip().lower()
        for language in LANGUAGES:
            if wanted == language:
                return language
        if unknown == "refuse":
            raise BadRequestError(
                f"lang={lang!r} is not offered. Use "
                f"{' or '.join(f'lang={language}' for language in LANGUAGES)}."
            )
    best: tuple[float, Language] = (0.0, LANGUAGES[0])
    for tag, q in parse_accept(accept_language or ""):
        primary = tag.partition("-")[0]
        for language in LANGUAGES:
            if primary == language and q > best[0]:
                best = (q, language)
    return best[1]


def prefers_html(accept: str | None) -> bool:
    """True when ``Accept`` names HTML and likes it at least as much as JSON and every RDF
    format (a browser): such a client gets an error as a page, any other as JSON.

    ``*/*`` or no header (API clients, curl) keeps the JSON body; only a client that asks for
    ``text/html`` by name gets a page.

    >>> prefers_html("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
    True
    >>> prefers_html("*/*"), prefers_html(None), prefers_html("text/html;q=0.5, text/turtle")
    (False, False, False)
    """
    if not accept or not accept.strip():
        return False
    ranges = parse_accept(accept)
    html = max((q for media, q in ranges if media in HTML.media_types), default=0.0)
    return html > 0 and all(html >= quality(other, ranges) for other in _NOT_PAGES)
