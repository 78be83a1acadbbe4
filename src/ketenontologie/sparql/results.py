"""Query results: the formats a result can be written in, and the writers.

SELECT and ASK results are written in the four SPARQL results formats; CONSTRUCT and DESCRIBE
results (and graphs) in the RDF formats of :data:`RDF_FORMATS`.

>>> format_by_name("application/sparql-results+json", kind="solutions").name
'json'
>>> [fmt.name for fmt in formats_for("graph")]
['turtle', 'ntriples', 'jsonld', 'rdfxml']
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
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
    "format_by_name",
    "formats_for",
    "json_rows",
    "write_boolean",
    "write_solutions",
]


@dataclass(frozen=True, slots=True)
class ResultFormat:
    """A serialisation of query results: its short name, media type and kinds of result."""

    name: str
    media_type: str
    kinds: frozenset[ResultKind]
    aliases: tuple[str, ...] = ()

    @property
    def content_type(self) -> str:
        """The ``Content-Type`` header value, with the charset for text formats."""
        if self.name == "rdfxml":
            return self.media_type
        return f"{self.media_type}; charset=utf-8"


_TABULAR: frozenset[ResultKind] = frozenset({"solutions", "boolean"})
_GRAPH: frozenset[ResultKind] = frozenset({"graph"})
_SOLUTIONS: frozenset[ResultKind] = frozenset({"solutions"})

FORMATS: tuple[ResultFormat, ...] = (
    ResultFormat("json", "application/sparql-results+json", _TABULAR, ("application/json",)),
    ResultFormat(
        "xml", "application/sparql-results+xml", _TABULAR, ("application/xml", "text/xml")
    ),
    ResultFormat("csv", "text/csv", _SOLUTIONS),
    ResultFormat("tsv", "text/tab-separated-values", _SOLUTIONS),
    ResultFormat("turtle", "text/turtle", _GRAPH, ("application/x-turtle",)),
    ResultFormat("ntriples", "application/n-triples", _GRAPH, ("text/plain",)),
    ResultFormat("jsonld", "application/ld+json", _GRAPH, ("application/json",)),
    ResultFormat("rdfxml", "application/rdf+xml", _GRAPH, ("application/xml", "text/xml")),
)
"""Every result format, in order of preference within each kind of result."""

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
    """The format of ``kind`` called ``name`` (short name or media type), if there is one."""
    wanted = name.strip().lower()
    for fmt in formats_for(kind):
        if wanted in (fmt.name, fmt.media_type, *fmt.aliases):
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
    if fmt.name == "json":
        document: dict[str, object] = {
            "head": {"vars": list(variables)},
            "results": {
                "bindings": [
                    {
                        var: _json_term(term)
                        for var, term in zip(variables, row, strict=True)
                        if term is not None
                    }
                    for row in rows
                ]
            },
        }
        if truncated:
            document["truncated"] = True
        return json.dumps(document, ensure_ascii=False).encode()
    if fmt.name == "xml":
        out = [
            '<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>'
        ]
        out += [f"<variable name={quoteattr(var)}/>" for var in variables]
        if truncated:
            out.append(f'<link href="{_TRUNCATED_LINK}"/>')
        out.append("</head><results>")
        for row in rows:
            out.append("<result>")
            out += [
                f"<binding name={quoteattr(var)}>{_xml_term(term)}</binding>"
                for var, term in zip(variables, row, strict=True)
                if term is not None
            ]
            out.append("</result>")
        out.append("</results></sparql>\n")
        return "".join(out).encode()
    if fmt.name == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(variables)
        writer.writerows([[_csv_term(t) if t is not None else "" for t in row] for row in rows])
        return buffer.getvalue().encode()
    if fmt.name == "tsv":
        lines = ["\t".join(f"?{var}" for var in variables)]
        lines += ["\t".join(str(t) if t is not None else "" for t in row) for row in rows]
        return ("\n".join(lines) + "\n").encode()
    raise ValueError(f"{fmt.name} is not a SPARQL results format")


def write_boolean(value: bool, *, fmt: ResultFormat) -> bytes:
    """Serialise an ASK result as SPARQL JSON or XML."""
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
