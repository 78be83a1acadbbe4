"""SPARQL text before any parser: tokens, bounds, the prologue, the form of a query.

Everything here runs in time linear in the text's length, in the service's own process:
:func:`check_bounds` refuses text that is too long or nested too deep before a parser sees it,
:func:`inspect_query` tells the form of a query (to choose its result format) and
:func:`add_using` adds the protocol's ``USING`` graphs to an update. What a query or update
may *do* is decided later, on its parsed algebra in a confined worker (:mod:`.algebra`,
:mod:`.policy`).

>>> info = inspect_query("PREFIX g: <https://example.org/> SELECT * FROM g:one { ?s ?p ?o }")
>>> info.form, info.default_graphs
('SELECT', ('https://example.org/one',))
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias
from urllib.parse import urljoin

from ketenontologie.bounds import MAX_NESTING
from ketenontologie.errors import (
    ForbiddenOperationError,
    InputTooDeepError,
    InputTooLargeError,
    SparqlSyntaxError,
    UndeclaredPrefixError,
)
from ketenontologie.namespaces import PREFIXES

__all__ = [
    "Prologue",
    "QueryForm",
    "QueryInfo",
    "ResultKind",
    "Token",
    "add_using",
    "check_bounds",
    "check_prefixes",
    "inspect_query",
    "operations",
    "tokenize",
    "unescape_iri",
]

QueryForm: TypeAlias = Literal["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]
ResultKind: TypeAlias = Literal["solutions", "boolean", "graph"]


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
    ("iri", r"<(?:[^<>\"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>"),
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
    return list(_tokens(text))


@functools.lru_cache(maxsize=16)
def _tokens(text: str) -> tuple[Token, ...]:
    """The tokens of a text, kept for the texts seen last: a query is read by the bounds, its
    form and its facts, each from the same tokens."""
    tokens = []
    for match in _TOKEN_RE.finditer(text):
        kind = (match.lastgroup or "punct").rstrip("0123456789")
        if kind in ("ws", "comment"):
            continue
        tokens.append(Token(kind, match.group(), match.start()))
    return tuple(tokens)


def check_bounds(text: str, *, max_bytes: int, what: str = "The query") -> list[Token]:
    """Refuse text over ``max_bytes`` (UTF-8) or nested deeper than :data:`MAX_NESTING`.

    Runs before any parser sees the text, in time linear in its length; returns its tokens.

    >>> check_bounds("ASK {" * 60, max_bytes=1000)
    Traceback (most recent call last):
    ...
    ketenontologie.errors.InputTooDeepError: The query nests brackets, groups or elements more...
    """
    size = len(text.encode("utf-8", errors="replace"))
    if size > max_bytes:
        raise InputTooLargeError(
            what, size=size, limit=max_bytes, setting="KETENONTOLOGIE_MAX_QUERY_BYTES"
        )
    tokens = tokenize(text)
    depth = 0
    for token in tokens:
        if token.kind != "punct":
            continue
        if token.text in "({[":
            depth += 1
            if depth > MAX_NESTING:
                line = text.count("\n", 0, token.start) + 1
                raise InputTooDeepError(what, limit=MAX_NESTING, line=line)
        elif token.text in ")}]":
            depth -= 1
    return tokens


# --- the prologue -------------------------------------------------------------------------------


class Prologue:
    """``BASE`` and ``PREFIX`` declarations read so far, to resolve IRIs as the parser does."""

    def __init__(self, base: str | None) -> None:
        self.base = base
        self.prefixes: dict[str, str] = {}

    def resolve(self, token: Token) -> str | None:
        """The IRI of an IRI or prefixed-name token; None for other tokens or unknown prefixes."""
        if token.kind == "iri":
            iri = unescape_iri(token.text[1:-1])
            return urljoin(self.base, iri) if self.base else iri
        if token.kind == "pname":
            prefix, _, local = token.text.partition(":")
            if prefix in self.prefixes:
                return self.prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
        return None

    def require(self, token: Token) -> str:
        """:meth:`resolve`, with a clear error for a prefix that is not declared."""
        iri = self.resolve(token)
        if iri is None:
            prefix = token.text.partition(":")[0]
            raise SparqlSyntaxError(
                f"The prefix {prefix + ':'!r} is used but not declared. "
                f"Add 'PREFIX {prefix}: <...>' at the top of the query."
            )
        return iri

    def read(self, tokens: Sequence[Token], index: int) -> int:
        """Read the declarations from ``index`` on; return the index after them."""
        while index + 1 < len(tokens):
            keyword = tokens[index].keyword
            if keyword == "BASE" and tokens[index + 1].kind == "iri":
                self.base = self.resolve(tokens[index + 1])
                index += 2
            elif (
                keyword == "PREFIX"
                and index + 2 < len(tokens)
                and tokens[index + 1].kind == "pname"
                and tokens[index + 2].kind == "iri"
            ):
                self.prefixes[tokens[index + 1].text.rstrip(":")] = (
                    self.resolve(tokens[index + 2]) or ""
                )
                index += 3
            else:
                break
        return index


def unescape_iri(iri: str) -> str:
    """Replace ``\\uXXXX`` and ``\\UXXXXXXXX`` escapes in an IRI by their characters."""
    if "\\" not in iri:
        return iri
    return re.sub(
        r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})",
        lambda m: chr(int(m.group(1) or m.group(2), 16)),
        iri,
    )


def check_prefixes(text: str, tokens: Sequence[Token], *, what: str = "query") -> None:
    """Refuse a prefixed name whose prefix is not declared before it, naming it and where.

    Parsers answer this with their own words (one of them lists every character it expected);
    this says which prefix is missing, where, and the declaration to add (with the IRI when the
    prefix is one of the project's table). An update may declare prefixes between operations;
    a declaration holds from where it stands on.

    >>> text = "ASK {\\n  ?s skos:broader ?o }"
    >>> check_prefixes(text, tokenize(text))
    Traceback (most recent call last):
    ...
    ketenontologie.errors.UndeclaredPrefixError: The prefix 'skos:' is used at line 2, column 6...
    """
    declared: set[str] = set()
    for index, token in enumerate(tokens):
        if token.kind != "pname":
            continue
        prefix = token.text.partition(":")[0]
        if index > 0 and tokens[index - 1].keyword == "PREFIX":
            declared.add(prefix)
        elif prefix not in declared:
            line = text.count("\n", 0, token.start) + 1
            column = token.start - (text.rfind("\n", 0, token.start) + 1) + 1
            raise UndeclaredPrefixError(
                prefix, line=line, column=column, what=what, iri=PREFIXES.get(prefix)
            )


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


def inspect_query(text: str, *, base_iri: str | None = None) -> QueryInfo:
    """Tell the form of a query and the graphs it names, from its tokens (cheap, early).

    What the query may do is decided later, on its parsed algebra (:mod:`.algebra`,
    :mod:`.policy`). Raises :class:`SparqlSyntaxError` when the text has no query form.
    """
    tokens = tokenize(text)
    check_prefixes(text, tokens)
    prologue = Prologue(base_iri)
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
                into.append(prologue.require(tokens[target]))
    return QueryInfo(form, tuple(default), tuple(named))  # type: ignore[arg-type]


def operations(tokens: Sequence[Token]) -> list[list[Token]]:
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
        start = Prologue(None).read(operation, 0)
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
    for operation in operations(tokenize(text)):
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
