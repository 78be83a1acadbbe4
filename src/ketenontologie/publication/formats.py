"""The representations of a published document: HTML for people, RDF formats for machines.

This module is the table of formats (short name, media type, extension, label): the pages use it
for their download links, the dumps and the release files for their file names. Which format a
client gets is decided in :mod:`ketenontologie.api.negotiation`, the service's one reading of
``Accept``; an extension (``/def.ttl``) names a format directly.

>>> split_extension("P1.ttl")[1].media_type
'text/turtle'
>>> [fmt.extension for fmt in RDF_FORMATS]
['ttl', 'jsonld', 'rdf', 'nt']
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "FORMATS",
    "GRAPH_FORMATS",
    "HTML",
    "JSONLD",
    "NQUADS",
    "NTRIPLES",
    "RDFXML",
    "RDF_FORMATS",
    "TRIG",
    "TURTLE",
    "DocumentFormat",
    "format_for_extension",
    "split_extension",
]


@dataclass(frozen=True, slots=True)
class DocumentFormat:
    """One representation of a document: short name, media type, extension, rdflib format."""

    name: str
    media_type: str
    extension: str
    rdflib_format: str | None
    """The rdflib serializer's name; ``None`` for HTML."""
    aliases: tuple[str, ...] = ()
    """Other media types that ask for this format (``application/xml`` for RDF/XML)."""
    label: str = ""

    @property
    def media_types(self) -> tuple[str, ...]:
        """Its media type, then its aliases: what an ``Accept`` header may name it by."""
        return (self.media_type, *self.aliases)

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
"""Every representation of a document, preferred first: HTML wins a tie (``*/*``)."""
RDF_FORMATS: tuple[DocumentFormat, ...] = tuple(fmt for fmt in FORMATS if fmt.is_rdf)
TRIG = DocumentFormat("trig", "application/trig", "trig", "trig", (), "TriG")
NQUADS = DocumentFormat("nquads", "application/n-quads", "nq", "nquads", (), "N-Quads")
GRAPH_FORMATS: tuple[DocumentFormat, ...] = (*FORMATS, TRIG, NQUADS)
"""What a named graph (``/graph/…``) is offered as: the document formats, and the two that
carry the graph's name."""


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
