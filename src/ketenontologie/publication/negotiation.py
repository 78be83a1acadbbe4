"""Choose a representation: media type by ``Accept`` (with q-values) or extension, and language.

Documents about our IRIs come as HTML for people and as Turtle, JSON-LD, RDF/XML or N-Triples
for machines. An extension (``/def.ttl``) wins over the ``Accept`` header; without either, HTML.

>>> negotiate("text/turtle;q=0.9, application/ld+json").name
'jsonld'
>>> negotiate("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8").name
'html'
>>> negotiate_language(None, "en-GB,en;q=0.9,nl;q=0.8")
'en'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeAlias

from ketenontologie.errors import NotAcceptableError

__all__ = [
    "FORMATS",
    "GRAPH_FORMATS",
    "HTML",
    "JSONLD",
    "LANGUAGES",
    "NQUADS",
    "NTRIPLES",
    "RDFXML",
    "RDF_FORMATS",
    "TRIG",
    "TURTLE",
    "DocumentFormat",
    "Language",
    "format_for_extension",
    "negotiate",
    "negotiate_language",
    "parse_accept",
    "prefers_html",
    "split_extension",
]

Language: TypeAlias = Literal["nl", "en"]
LANGUAGES: tuple[Language, ...] = ("nl", "en")
"""The page languages; the first is the default."""


@dataclass(frozen=True, slots=True)
class DocumentFormat:
    """One representation of a document: short name, media type, extension, rdflib format."""

    name: str
    media_type: str
    extension: str
    rdflib_format: str | None
    """The rdflib serializer's name; ``None`` for HTML."""
    aliases: tuple[str, ...] = ()
    label: str = ""

    @property
    def content_type(self) -> str:
        """The ``Content-Type`` header value, with the charset for text formats."""
        if self.name == "rdfxml":
            return self.media_type
        return f"{self.media_type}; charset=utf-8"

    @property
    def is_rdf(self) -> bool:
        """True for the RDF serialisations, false for HTML."""
        return self.rdflib_format is not None

    @property
    def is_dataset(self) -> bool:
        """True for the formats that name their graphs (TriG, N-Quads)."""
        return self.rdflib_format in ("trig", "nquads")


HTML = DocumentFormat("html", "text/html", "html", None, ("application/xhtml+xml",), "HTML")
TURTLE = DocumentFormat(
    "turtle", "text/turtle", "ttl", "turtle", ("application/x-turtle",), "Turtle"
)
JSONLD = DocumentFormat(
    "jsonld", "application/ld+json", "jsonld", "json-ld", ("application/json",), "JSON-LD"
)
RDFXML = DocumentFormat(
    "rdfxml", "application/rdf+xml", "rdf", "xml", ("application/xml", "text/xml"), "RDF/XML"
)
NTRIPLES = DocumentFormat(
    "ntriples", "application/n-triples", "nt", "nt", ("text/plain",), "N-Triples"
)
FORMATS: tuple[DocumentFormat, ...] = (HTML, TURTLE, JSONLD, RDFXML, NTRIPLES)
"""Every representation, preferred first: HTML wins a tie (``*/*``)."""
RDF_FORMATS: tuple[DocumentFormat, ...] = tuple(fmt for fmt in FORMATS if fmt.is_rdf)
TRIG = DocumentFormat("trig", "application/trig", "trig", "trig", (), "TriG")
NQUADS = DocumentFormat("nquads", "application/n-quads", "nq", "nquads", (), "N-Quads")
GRAPH_FORMATS: tuple[DocumentFormat, ...] = (*FORMATS, TRIG, NQUADS)
"""What a named graph (``/graph/…``) is offered as: the document formats, and the two that
carry the graph's name."""
_JSON = DocumentFormat("json", "application/json", "json", None)


def format_for_extension(
    extension: str, *, formats: tuple[DocumentFormat, ...] = FORMATS
) -> DocumentFormat | None:
    """The format among ``formats`` whose extension is ``extension`` (without the dot), if any."""
    wanted = extension.lower()
    return next((fmt for fmt in formats if fmt.extension == wanted), None)


def split_extension(name: str) -> tuple[str, DocumentFormat | None]:
    """Split a known format extension off ``name``: ``"P1.ttl"`` → ``("P1", TURTLE)``.

    >>> split_extension("ketenkaart-1.jsonld")[1].name
    'jsonld'
    >>> split_extension("versie.1")
    ('versie.1', None)
    """
    stem, dot, extension = name.rpartition(".")
    if dot and stem:
        fmt = format_for_extension(extension)
        if fmt is not None:
            return stem, fmt
    return name, None


def parse_accept(header: str) -> list[tuple[str, float]]:
    """``(media range, q)`` pairs of an ``Accept`` header; a bad q-value counts as 0."""
    ranges = []
    for part in header.split(","):
        pieces = [piece.strip() for piece in part.split(";")]
        media = pieces[0].lower()
        if not media:
            continue
        if media == "*":
            media = "*/*"
        q = 1.0
        for param in pieces[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(1.0, max(0.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((media, q))
    return ranges


def _quality(fmt: DocumentFormat, ranges: list[tuple[str, float]]) -> float:
    """The q of the most specific range that matches ``fmt`` (RFC 9110, section 12.5.1)."""
    best = (-1, 0.0)
    for rank, media in enumerate((fmt.media_type, *fmt.aliases)):
        top = media.partition("/")[0]
        for accepted, q in ranges:
            if accepted == media:
                # An alias (application/xml for RDF/XML) counts a little less than the real type.
                specificity = 3 if rank == 0 else 2
            elif accepted == f"{top}/*":
                specificity = 1
            elif accepted == "*/*":
                specificity = 0
            else:
                continue
            if specificity > best[0]:
                best = (specificity, q)
    return best[1]


def negotiate(
    accept: str | None,
    *,
    extension: DocumentFormat | None = None,
    formats: tuple[DocumentFormat, ...] = FORMATS,
) -> DocumentFormat:
    """The format to answer with: the extension's, else the best by ``Accept``, else HTML.

    Raises :class:`NotAcceptableError` when the client accepts none of ``formats``.
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
    ranges = parse_accept(accept)
    scored = [(_quality(fmt, ranges), -index, fmt) for index, fmt in enumerate(formats)]
    q, _, best = max(scored, key=lambda item: (item[0], item[1]))
    if q <= 0:
        raise NotAcceptableError(
            f"None of the media types in Accept ({accept}) is offered here (geen van de gevraagde "
            f"formaten is beschikbaar). Accept one of: "
            f"{', '.join(fmt.media_type for fmt in formats)}."
        )
    return best


def prefers_html(accept: str | None) -> bool:
    """True when ``Accept`` names HTML and likes it at least as much as JSON and RDF (a browser).

    Error answers use this: ``*/*`` or no header (API clients, curl) keeps the JSON body; only a
    client that asks for ``text/html`` by name gets a page.

    >>> prefers_html("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
    True
    >>> prefers_html("*/*"), prefers_html(None), prefers_html("text/html;q=0.5, text/turtle")
    (False, False, False)
    """
    if not accept or not accept.strip():
        return False
    ranges = parse_accept(accept)
    named = [q for media, q in ranges if media in (HTML.media_type, *HTML.aliases)]
    html = max(named, default=0.0)
    others = (_JSON, *RDF_FORMATS, TRIG, NQUADS)
    return html > 0 and all(html >= _quality(fmt, ranges) for fmt in others)


def negotiate_language(explicit: str | None, accept_language: str | None) -> Language:
    """The page language: ``?lang=`` when it names one of ours, else ``Accept-Language``, else nl.

    >>> negotiate_language("en", "nl")
    'en'
    >>> negotiate_language(None, "fr, en;q=0.5")
    'en'
    >>> negotiate_language(None, None)
    'nl'
    """
    if explicit:
        wanted = explicit.strip().lower()
        for language in LANGUAGES:
            if wanted == language:
                return language
    if accept_language:
        best: tuple[float, int, Language] | None = None
        for index, (tag, q) in enumerate(parse_accept(accept_language)):
            primary = tag.partition("-")[0]
            for language in LANGUAGES:
                if q > 0 and primary == language:
                    candidate = (q, -index, language)
                    if best is None or candidate[:2] > best[:2]:
                        best = candidate
        if best is not None:
            return best[2]
    return LANGUAGES[0]
