"""SPARQL text without a store: tokenize, inspect, refuse what would reach out, write results.

The service must never send a request because of what a user wrote. Oxigraph would fetch for
``SERVICE`` and ``LOAD``; ``FROM``/``FROM NAMED`` (and the protocol's dataset parameters) may only
name graphs that are stored. :func:`inspect_query` and :func:`inspect_update` check this on a
real SPARQL tokenizer, so an IRI, a string or a comment that *contains* ``SERVICE`` is no
problem, and ``FROM`` with a prefixed name or a relative IRI is resolved like the parser would.

>>> info = inspect_query("PREFIX g: <https://example.org/> SELECT * FROM g:one { ?s ?p ?o }")
>>> info.form, info.default_graphs
('SELECT', ('https://example.org/one',))
>>> inspect_query("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
Traceback (most recent call last):
...
ketenontologie.sparql.ForbiddenOperationError: The query uses SERVICE...
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias
from urllib.parse import urljoin
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from ketenontologie.errors import KetenontologieError

__all__ = [
    "FORMATS",
    "ForbiddenOperationError",
    "QueryForm",
    "QueryInfo",
    "ResultFormat",
    "ResultKind",
    "SparqlSyntaxError",
    "Token",
    "UpdateInfo",
    "add_using",
    "format_by_name",
    "formats_for",
    "inspect_query",
    "inspect_update",
    "tokenize",
    "write_boolean",
    "write_solutions",
]

QueryForm: TypeAlias = Literal["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]
ResultKind: TypeAlias = Literal["solutions", "boolean", "graph"]


# --- errors -------------------------------------------------------------------------------------


class SparqlSyntaxError(KetenontologieError):
    """A query or update is not valid SPARQL; the message is the parser's, with its position."""

    code = "sparql-syntax"


class ForbiddenOperationError(KetenontologieError):
    """A query or update asks for something the service refuses: it never reaches outside."""

    code = "forbidden-operation"


# --- tokenizer ----------------------------------------------------------------------------------

_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS = _PN_CHARS_BASE + "_0-9\u00b7\u0300-\u036f\u203f-\u2040\\-"
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_PNAME = (
    rf"(?:[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)?:"
    rf"(?:(?:[{_PN_CHARS}:]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?)?"
)
_TOKEN_PATTERNS: list[tuple[str, str]] = [
    ("ws", r"\s+"),
    ("comment", r"#[^\n\r]*"),
    ("iri", r"<[^<>\"{}|^`\\\x00-\x20]*>"),
    ("string", r"'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^\"\\]|\\.|\"(?!\"\"))*\"\"\""),
    ("string", r"'(?:[^'\\\n\r]|\\.)*'|\"(?:[^\"\\\n\r]|\\.)*\""),
    ("var", rf"[?$][{_PN_CHARS}]+"),
    ("bnode", rf"_:[{_PN_CHARS}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"),
    ("pname", _PNAME),
    ("langtag", r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*(?:--[A-Za-z]+)?"),
    ("number", r"[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)"),
    ("word", rf"[{_PN_CHARS_BASE}_][{_PN_CHARS}]*"),
    ("punct", r"\^\^|\|\||&&|!=|<=|>=|."),
]
_TOKEN_RE = re.compile(
    "|".join(f"(?P<{kind}{i}>{p})" for i, (kind, p) in enumerate(_TOKEN_PATTERNS))
)


@dataclass(frozen=True, slots=True)
class Token:
    """One SPARQL token: its kind, its text and where it starts in the source."""

    kind: str
    text: str
    start: int

    @property
    def keyword(self) -> str | None:
        """The upper-cased word when the token is a bare word (keyword or function name)."""
        return self.text.upper() if self.kind == "word" else None


def tokenize(text: str) -> list[Token]:
    """Split SPARQL text into tokens, leaving out white space and comments.

    >>> [t.text for t in tokenize('ASK { <a#b> ?p "# no comment" } # comment')]
    ['ASK', '{', '<a#b>', '?p', '"# no comment"', '}']
    """
    tokens = []
    for match in _TOKEN_RE.finditer(text):
        kind = (match.lastgroup or "punct").rstrip("0123456789")
        if kind in ("ws", "comment"):
            continue
        tokens.append(Token(kind, match.group(), match.start()))
    return tokens


# --- inspecting queries and updates -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QueryInfo:
    """What a query is and which graphs its ``FROM`` and ``FROM NAMED`` clauses name."""

    form: QueryForm
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()

    @property
    def has_dataset(self) -> bool:
        """True when the query names its own dataset with ``FROM`` or ``FROM NAMED``."""
        return bool(self.default_graphs or self.named_graphs)

    @property
    def kind(self) -> ResultKind:
        """The kind of result the query gives."""
        if self.form == "SELECT":
            return "solutions"
        return "boolean" if self.form == "ASK" else "graph"


@dataclass(frozen=True, slots=True)
class UpdateInfo:
    """The operations of an update request (upper-cased first keywords)."""

    operations: tuple[str, ...]


class _Prologue:
    """``BASE`` and ``PREFIX`` declarations, to resolve IRIs like the SPARQL parser does."""

    def __init__(self, base_iri: str | None) -> None:
        self.base = base_iri
        self.prefixes: dict[str, str] = {}

    def resolve(self, token: Token) -> str:
        if token.kind == "iri":
            iri = _unescape_iri(token.text[1:-1])
            return urljoin(self.base, iri) if self.base else iri
        prefix, _, local = token.text.partition(":")
        if prefix not in self.prefixes:
            raise SparqlSyntaxError(
                f"The prefix {prefix + ':'!r} is used but not declared. "
                f"Add 'PREFIX {prefix}: <...>' at the top of the query."
            )
        return self.prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)

    def read(self, tokens: Sequence[Token], index: int) -> int:
        """Consume declarations starting at ``index``; return the index after them."""
        while index < len(tokens):
            keyword = tokens[index].keyword
            if keyword == "BASE" and index + 1 < len(tokens) and tokens[index + 1].kind == "iri":
                self.base = self.resolve(tokens[index + 1])
                index += 2
            elif (
                keyword == "PREFIX"
                and index + 2 < len(tokens)
                and tokens[index + 1].kind == "pname"
                and tokens[index + 2].kind == "iri"
            ):
                self.prefixes[tokens[index + 1].text.rstrip(":")] = self.resolve(tokens[index + 2])
                index += 3
            else:
                return index
        return index


def _unescape_iri(iri: str) -> str:
    return re.sub(
        r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})",
        lambda m: chr(int(m.group(1) or m.group(2), 16)),
        iri,
    )


def _refuse_outbound(tokens: Iterable[Token], *, what: str) -> None:
    for token in tokens:
        if token.keyword == "SERVICE":
            raise ForbiddenOperationError(
                f"The {what} uses SERVICE, and this service never sends requests to other "
                "endpoints (SERVICE wordt niet uitgevoerd). Query the other endpoint yourself "
                "and combine the results, or remove the SERVICE clause."
            )
        if token.keyword == "LOAD":
            raise ForbiddenOperationError(
                f"The {what} uses LOAD, and this service never fetches documents from the web "
                "(LOAD wordt niet uitgevoerd). Upload the data with the Graph Store Protocol "
                "(PUT or POST /graphs?graph=...) instead."
            )


def inspect_query(text: str, *, base_iri: str | None = None) -> QueryInfo:
    """Tell the form of a query and the graphs it names; refuse ``SERVICE``.

    Raises :class:`ForbiddenOperationError` for ``SERVICE`` and :class:`SparqlSyntaxError` when
    the text has no query form (the store's parser reports every other syntax error).
    """
    tokens = tokenize(text)
    _refuse_outbound(tokens, what="query")
    prologue = _Prologue(base_iri)
    index = prologue.read(tokens, 0)
    form = tokens[index].keyword if index < len(tokens) else None
    if form not in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
        found = repr(tokens[index].text) if index < len(tokens) else "the end of the text"
        raise SparqlSyntaxError(
            f"Expected SELECT, ASK, CONSTRUCT or DESCRIBE after the prologue but found {found}. "
            "Send a SPARQL query (updates go to /sparql/update)."
        )
    default: list[str] = []
    named: list[str] = []
    depth = 0
    for position, token in enumerate(tokens[index:], start=index):
        if token.text == "{":
            depth += 1
        elif token.text == "}":
            depth -= 1
        elif depth == 0 and token.keyword == "FROM":
            target = position + 1
            into = default
            if target < len(tokens) and tokens[target].keyword == "NAMED":
                target, into = target + 1, named
            if target < len(tokens) and tokens[target].kind in ("iri", "pname"):
                into.append(prologue.resolve(tokens[target]))
    return QueryInfo(form, tuple(default), tuple(named))  # type: ignore[arg-type]


def inspect_update(text: str) -> UpdateInfo:
    """List the operations of an update request; refuse ``LOAD`` and ``SERVICE``."""
    tokens = tokenize(text)
    _refuse_outbound(tokens, what="update")
    return UpdateInfo(tuple(op[0].keyword or op[0].text for op in _operations(tokens) if op))


def _operations(tokens: Sequence[Token]) -> list[list[Token]]:
    """Split update tokens into operations (without their prologues) at top-level ``;``."""
    operations: list[list[Token]] = []
    current: list[Token] = []
    depth = 0
    for token in tokens:
        if token.text == "{":
            depth += 1
        elif token.text == "}":
            depth -= 1
        if depth == 0 and token.text == ";":
            operations.append(current)
            current = []
        else:
            current.append(token)
    operations.append(current)
    result = []
    for operation in operations:
        start = _Prologue(None).read(operation, 0)
        result.append(operation[start:])
    return result


def add_using(text: str, *, using: Sequence[str] = (), using_named: Sequence[str] = ()) -> str:
    """Give every ``INSERT``/``DELETE ... WHERE`` operation the protocol's ``USING`` graphs.

    The SPARQL 1.1 Protocol's ``using-graph-uri``/``using-named-graph-uri`` parameters set the
    dataset of an update's ``WHERE``; an operation that sets its own with ``USING`` or ``WITH``
    conflicts with them (protocol test ``bad_update_dataset_conflict``).
    """
    if not using and not using_named:
        return text
    clause = " ".join(
        [f"USING <{iri}>" for iri in using] + [f"USING NAMED <{iri}>" for iri in using_named]
    )
    inserts: list[int] = []
    for operation in _operations(tokenize(text)):
        keywords = [token.keyword for token in operation]
        if not operation or keywords[0] not in ("INSERT", "DELETE", "WITH"):
            continue
        if len(keywords) > 1 and keywords[1] in ("DATA", "WHERE"):
            continue
        if "USING" in keywords or keywords[0] == "WITH":
            raise ForbiddenOperationError(
                "The update sets its own dataset with USING or WITH and the request also has "
                "using-graph-uri or using-named-graph-uri parameters. Use one or the other."
            )
        depth = 0
        for token in operation:
            depth += token.text == "{"
            depth -= token.text == "}"
            if depth == 0 and token.keyword == "WHERE":
                inserts.append(token.start)
                break
    for start in sorted(inserts, reverse=True):
        text = f"{text[:start]}{clause} {text[start:]}"
    return text


# --- result formats -----------------------------------------------------------------------------


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


_TRUNCATED_LINK = "https://w3id.org/ketenontologie/def/service#truncated"


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
