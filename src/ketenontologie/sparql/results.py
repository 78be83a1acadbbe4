"""Query results: the formats a result can be written in, and the writers.

SELECT and ASK results are written in the four SPARQL results formats; CONSTRUCT and DESCRIBE
results (and graphs) in the RDF formats of :data:`RDF_FORMATS`.

>>> format_by_name("application/sparql-results+json", kind="solutions").name
'json'
>>> format_by_name("json", kind="graph").name  # SPARQLWrapper's JSON on a CONSTRUCT
'jsonld'
>>> [fmt.name for fmt in formats_for("graph")]
['turtle', 'ntriples', 'jsonld', 'rdfxml']
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeAlias
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from ketenontologie.namespaces import SERVICE
from ketenontologie.sparql.text import ResultKind

__all__ = [
    "FORMATS",
    "RDF_FORMATS",
    "ResultFormat",
    "bounded_triples",
    "format_by_name",
    "formats_for",
    "json_rows",
    "write_boolean",
    "write_bounded_solutions",
    "write_solutions",
]


@dataclass(frozen=True, slots=True)
class ResultFormat:
    """A serialisation of query results: its short name, media type and kinds of result.

    ``aliases`` are other media types that name it in ``Accept`` (matched exactly, never by a
    ``type/*`` range); ``names`` are further values of the ``format``/``output`` parameter
    that name it, as SPARQLWrapper, Virtuoso and Fuseki send them.
    """

    name: str
    media_type: str
    kinds: frozenset[ResultKind]
    aliases: tuple[str, ...] = ()
    names: tuple[str, ...] = ()

    @property
    def content_type(self) -> str:
        """The ``Content-Type`` header value, with the charset for text formats."""
        if self.name == "rdfxml":
            return self.media_type
        return f"{self.media_type}; charset=utf-8"


_TABULAR: frozenset[ResultKind] = frozenset({"solutions", "boolean"})
_GRAPH: frozenset[ResultKind] = frozenset({"graph"})

FORMATS: tuple[ResultFormat, ...] = (
    ResultFormat(
        "json", "application/sparql-results+json", _TABULAR, ("application/json",), ("srj",)
    ),
    ResultFormat(
        "xml",
        "application/sparql-results+xml",
        _TABULAR,
        ("application/xml", "text/xml"),
        ("srx",),
    ),
    ResultFormat("csv", "text/csv", _TABULAR),
    ResultFormat("tsv", "text/tab-separated-values", _TABULAR),
    ResultFormat(
        "turtle",
        "text/turtle",
        _GRAPH,
        ("application/x-turtle",),
        ("ttl", "n3", "text/n3", "text/rdf+n3", "application/turtle"),
    ),
    ResultFormat("ntriples", "application/n-triples", _GRAPH, ("text/plain",), ("nt", "n-triples")),
    ResultFormat(
        "jsonld",
        "application/ld+json",
        _GRAPH,
        ("application/json",),
        ("json-ld", "json", "application/x-json+ld"),
    ),
    ResultFormat(
        "rdfxml",
        "application/rdf+xml",
        _GRAPH,
        ("application/xml", "text/xml"),
        ("rdf+xml", "rdf", "xml"),
    ),
)
"""Every result format, in order of preference within each kind of result.

The ``format``/``output`` names carry over between the kinds the way SPARQLWrapper, Virtuoso
and Fuseki use them: ``json`` is SPARQL JSON for a table and JSON-LD for a graph, ``xml`` SPARQL
XML or RDF/XML, ``n3`` Turtle (Turtle is N3 without its extensions)."""

RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


def formats_for(kind: ResultKind) -> list[ResultFormat]:
    """The formats that can carry a result of ``kind``, preferred first."""
    return [fmt for fmt in FORMATS if kind in fmt.kinds]


def format_by_name(name: str, *, kind: ResultKind) -> ResultFormat | None:
    """The format of ``kind`` called ``name`` (a short name, a ``format``/``output`` value or a
    media type; parameters such as ``;charset=utf-8`` ignored), if there is one.

    >>> format_by_name("text/tab-separated-values", kind="solutions").name
    'tsv'
    >>> format_by_name("N3", kind="graph").name, format_by_name("csv", kind="graph")
    ('turtle', None)
    """
    wanted = name.partition(";")[0].strip().lower()
    for fmt in formats_for(kind):
        if wanted in (fmt.name, fmt.media_type, *fmt.aliases, *fmt.names):
            return fmt
    return None


# --- writing results ----------------------------------------------------------------------------

Term: TypeAlias = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def _json_term(term: Term) -> dict[str, object]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _json_term(term.subject),
                "predicate": _json_term(term.predicate),
                "object": _json_term(term.object),
            },
        }
    result: dict[str, object] = {"type": "literal", "value": term.value}
    if term.language:
        result["xml:lang"] = term.language
    elif term.datatype.value != _XSD_STRING:
        result["datatype"] = term.datatype.value
    return result


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Triple):
        return (
            f"<triple><subject>{_xml_term(term.subject)}</subject>"
            f"<predicate>{_xml_term(term.predicate)}</predicate>"
            f"<object>{_xml_term(term.object)}</object></triple>"
        )
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype.value != _XSD_STRING:
        return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


def _csv_term(term: Term) -> str:
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return str(term)
    return term.value


_TRUNCATED_LINK = f"{SERVICE}truncated"


def write_solutions(
    variables: Sequence[str],
    rows: Iterable[Sequence[Term | None]],
    *,
    fmt: ResultFormat,
    truncated: bool = False,
) -> bytes:
    """Serialise SELECT results in one of the four SPARQL results formats.

    A truncated result says so inside the document where the format allows: a top-level
    ``"truncated": true`` in JSON and a ``<link>`` in the XML head (parsers ignore both).

    >>> fmt = format_by_name("csv", kind="solutions")
    >>> write_solutions(["x"], [[ox.Literal("a,b")]], fmt=fmt)
    b'x\\r\\n"a,b"\\r\\n'
    """
    encode = _ROW_WRITERS[fmt.name]
    return _document(fmt, variables, [encode(variables, row) for row in rows], truncated)


def write_bounded_solutions(
    variables: Sequence[str],
    rows: Iterable[Sequence[Term | None]],
    *,
    fmt: ResultFormat,
    row_limit: int | None,
    max_bytes: int | None,
    cut_before: bool = False,
) -> tuple[bytes, int, bool]:
    """Serialise at most ``row_limit`` rows in at most about ``max_bytes``; say if any were cut.

    Returns the document, the number of rows in it and whether rows were left out (also when
    ``cut_before``: the rows given are already a cut answer). Rows are written one by one, so a
    result is never built whole beyond its bounds.

    >>> fmt = format_by_name("json", kind="solutions")
    >>> rows = ([ox.Literal("x" * 100)] for _ in range(1000))
    >>> body, count, truncated = write_bounded_solutions(
    ...     ["o"], rows, fmt=fmt, row_limit=None, max_bytes=1000
    ... )
    >>> count, truncated, len(body) <= 1000
    (5, True, True)
    """
    encode = _ROW_WRITERS[fmt.name]
    budget = None if max_bytes is None else max_bytes - 256  # room for head and tail
    written: list[str] = []
    size = 0
    truncated = cut_before
    for row in rows:
        if row_limit is not None and len(written) >= row_limit:
            truncated = True
            break
        text = encode(variables, row)
        size += len(text.encode("utf-8")) + 1
        if budget is not None and size > budget:
            truncated = True
            break
        written.append(text)
    return _document(fmt, variables, written, truncated), len(written), truncated


def _document(
    fmt: ResultFormat, variables: Sequence[str], rows: list[str], truncated: bool
) -> bytes:
    if fmt.name == "json":
        head = json.dumps({"vars": list(variables)}, ensure_ascii=False)
        tail = ',"truncated":true}' if truncated else "}"
        return f'{{"head":{head},"results":{{"bindings":[{",".join(rows)}]}}{tail}'.encode()
    if fmt.name == "xml":
        out = [
            '<?xml version="1.0" encoding="utf-8"?>\n'
            '<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>'
        ]
        out += [f"<variable name={quoteattr(var)}/>" for var in variables]
        if truncated:
            out.append(f'<link href="{_TRUNCATED_LINK}"/>')
        out.append("</head><results>")
        out += rows
        out.append("</results></sparql>\n")
        return "".join(out).encode()
    if fmt.name == "csv":
        return (_csv_line(variables) + "".join(rows)).encode()
    if fmt.name == "tsv":
        return ("\t".join(f"?{var}" for var in variables) + "\n" + "".join(rows)).encode()
    raise ValueError(f"{fmt.name} is not a SPARQL results format")


def _json_row(variables: Sequence[str], row: Sequence[Term | None]) -> str:
    return json.dumps(
        {
            var: _json_term(term)
            for var, term in zip(variables, row, strict=True)
            if term is not None
        },
        ensure_ascii=False,
    )


def _xml_row(variables: Sequence[str], row: Sequence[Term | None]) -> str:
    bindings = "".join(
        f"<binding name={quoteattr(var)}>{_xml_term(term)}</binding>"
        for var, term in zip(variables, row, strict=True)
        if term is not None
    )
    return f"<result>{bindings}</result>"


def _csv_line(values: Sequence[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(values)
    return buffer.getvalue()


def _csv_row(variables: Sequence[str], row: Sequence[Term | None]) -> str:
    return _csv_line([_csv_term(t) if t is not None else "" for t in row])


def _tsv_row(variables: Sequence[str], row: Sequence[Term | None]) -> str:
    return "\t".join(str(t) if t is not None else "" for t in row) + "\n"


_ROW_WRITERS: dict[str, Callable[[Sequence[str], Sequence[Term | None]], str]] = {
    "json": _json_row,
    "xml": _xml_row,
    "csv": _csv_row,
    "tsv": _tsv_row,
}


def bounded_triples(
    triples: Iterable[ox.Triple], *, limit: int | None, max_bytes: int | None
) -> tuple[list[ox.Triple], bool]:
    """At most ``limit`` triples whose N-Triples take at most ``max_bytes``; and whether any
    were left out (the answer of a CONSTRUCT or DESCRIBE is cut by the same bounds as a table).
    """
    kept: list[ox.Triple] = []
    size = 0
    for triple in triples:
        if limit is not None and len(kept) >= limit:
            return kept, True
        size += len(str(triple).encode("utf-8")) + 3
        if max_bytes is not None and size > max_bytes:
            return kept, True
        kept.append(triple)
    return kept, False


def write_boolean(value: bool, *, fmt: ResultFormat) -> bytes:
    """Serialise an ASK result as SPARQL JSON or XML, or in CSV or TSV as one column
    ``_askResult`` (the W3C CSV/TSV note describes SELECT only; this is how Jena writes an ASK,
    and the SPARQL Protocol allows both formats for it).

    >>> write_boolean(True, fmt=format_by_name("csv", kind="boolean"))
    b'_askResult\\r\\ntrue\\r\\n'
    """
    word = "true" if value else "false"
    if fmt.name == "csv":
        return f"_askResult\r\n{word}\r\n".encode()
    if fmt.name == "tsv":
        return f"?_askResult\n{word}\n".encode()
    if fmt.name == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt.name == "xml":
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n'
            '<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
            f"<boolean>{'true' if value else 'false'}</boolean></sparql>\n"
        ).encode()
    raise ValueError(f"{fmt.name} cannot carry a boolean result")


_ROW_START = re.compile(rb'[\[,]\{"[^},]')


def json_rows(body: bytes) -> int:
    """The number of rows in SPARQL JSON results as Oxigraph writes them (compact).

    A row is an object in the ``bindings`` array, so it starts with ``[{"`` or ``,{"`` followed
    by a variable name. Inside a string a quote is escaped, so these bytes occur unescaped only
    where a string *ends* in ``[{`` or ``,{`` — and then a ``,`` or ``}`` follows, never a
    variable name. Rows without any binding (``{}``) are not told apart from string content
    this way; when the body holds ``{}`` anywhere, the rows are counted by parsing it.

    >>> row = b'{"o":{"type":"literal","value":"a,{"}}'
    >>> json_rows(b'{"head":{"vars":["o"]},"results":{"bindings":[' + row + b"," + row + b"]}}")
    2
    """
    if b"{}" in body:
        return len(json.loads(body)["results"]["bindings"])
    return len(_ROW_START.findall(body))
