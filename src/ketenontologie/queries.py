"""Named queries: one question per ``queries/<verb>-<object>.rq`` file, opened by a ``#+`` header.

The header (grlc style) drives the CLI listing, the HTTP endpoint ``/queries/<name>``, its
OpenAPI description and the tests::

    # + summary: Escalatiepad per operationele rol / Escalation path of every operational role
    # + description: Longer text; continuation lines are indented.
    # + tags:
    # +   - escalatie
    # + params:
    # +   - chain: the chain to look at (IRI)
    # + examples:
    # +   - chain: https://w3id.org/ketenontologie/id/keten/loonaangifteketen
    # + expect: nonempty

Parameters are the query's ``?_name`` variables (grlc): ``?_name`` takes a string,
``?_name_iri`` an IRI, ``?_name_integer``/``_decimal``/``_boolean``/``_date`` a typed literal;
a double underscore (``?__name``) makes it optional. A value is bound as a typed RDF term in a
``VALUES`` block at the start of the query's ``WHERE`` group, never pasted into the text.
``expect`` is ``empty`` (QC queries, named ``…-violation.rq``) or ``nonempty``.

>>> query = NamedQuery.parse("list-x", "#+ summary: X\\nSELECT ?s WHERE { ?s ?p ?_value_iri }")
>>> query.parameters[0].name, query.parameters[0].kind
('value', 'iri')
>>> print(query.bind({"value": "https://example.org/a"}))  # doctest: +NORMALIZE_WHITESPACE
#+ summary: X
SELECT ?s WHERE { VALUES ?_value_iri { <https://example.org/a> } ?s ?p ?_value_iri }
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TypeAlias

import pyoxigraph as ox

from ketenontologie.errors import ParameterError, QueryHeaderError, UnknownQueryError
from ketenontologie.resources import query_files
from ketenontologie.sparql.text import Token, inspect_query, tokenize

__all__ = [
    "Expectation",
    "NamedQuery",
    "Parameter",
    "ParameterKind",
    "get_query",
    "load_queries",
]

ParameterKind: TypeAlias = Literal["string", "iri", "integer", "decimal", "boolean", "date"]
Expectation: TypeAlias = Literal["empty", "nonempty", "any"]

_XSD = "http://www.w3.org/2001/XMLSchema#"
_KINDS: tuple[ParameterKind, ...] = ("iri", "integer", "decimal", "boolean", "date")
_NAME = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)+$")


@dataclass(frozen=True, slots=True)
class Parameter:
    """A ``?_name`` variable of a named query that callers fill in."""

    name: str
    variable: str
    kind: ParameterKind
    required: bool
    description: str = ""
    example: str | None = None

    def term(self, value: str) -> ox.NamedNode | ox.Literal:
        """The RDF term for ``value``; raises :class:`ParameterError` when it does not fit."""
        try:
            if self.kind == "iri":
                if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$", value):
                    raise ValueError("not an absolute IRI")
                return ox.NamedNode(value)
            if self.kind == "string":
                return ox.Literal(value)
            checks = {
                "integer": r"^[+-]?\d+$",
                "decimal": r"^[+-]?(?:\d+\.?\d*|\.\d+)$",
                "boolean": r"^(?:true|false)$",
                "date": r"^\d{4}-\d{2}-\d{2}$",
            }
            if not re.match(checks[self.kind], value):
                raise ValueError(f"not an xsd:{self.kind}")
            return ox.Literal(value, datatype=ox.NamedNode(_XSD + self.kind))
        except ValueError as error:
            raise ParameterError(
                f"The parameter {self.name!r} must be {_describe(self.kind)}, but {value!r} is "
                f"{error}. Give a value like {self.example or _EXAMPLES[self.kind]!r}."
            ) from None


_EXAMPLES: dict[ParameterKind, str] = {
    "string": "tekst",
    "iri": "https://w3id.org/ketenontologie/id/keten/loonaangifteketen",
    "integer": "3",
    "decimal": "2.5",
    "boolean": "true",
    "date": "2026-01-31",
}


def _describe(kind: ParameterKind) -> str:
    return "an absolute IRI" if kind == "iri" else f"a {kind}"


@dataclass(frozen=True, slots=True)
class NamedQuery:
    """A named query: its file name, header fields and text."""

    name: str
    text: str
    summary: str
    description: str = ""
    tags: tuple[str, ...] = ()
    parameters: tuple[Parameter, ...] = ()
    expect: Expectation = "any"
    path: Path | None = field(default=None, compare=False)

    @property
    def is_violation_check(self) -> bool:
        """True for QC queries (``…-violation``): they must return no rows on shipped data."""
        return self.name.endswith("-violation")

    @classmethod
    def parse(cls, name: str, text: str, *, path: Path | None = None) -> NamedQuery:
        """Read a query's ``#+`` header and its ``?_name`` parameters."""
        where = str(path or name)
        fields = _read_header(text, where=where)
        if "summary" not in fields:
            raise QueryHeaderError(f"{where}: the header has no '#+ summary:'. Add one line.")
        described = _pairs(fields.get("params", []))
        examples = _pairs(fields.get("examples", []))
        parameters = []
        seen: set[str] = set()
        for token in tokenize(text):
            match = re.fullmatch(r"[?$](__?)([a-z][a-z0-9]*)(?:_([a-z]+))?", token.text)
            if token.kind != "var" or not match or token.text[1:] in seen:
                continue
            seen.add(token.text[1:])
            underscores, pname, suffix = match.groups()
            if suffix is not None and suffix not in _KINDS:
                pname, suffix = f"{pname}_{suffix}", None
            parameters.append(
                Parameter(
                    name=pname,
                    variable=token.text[1:],
                    kind=suffix or "string",
                    required=underscores == "_",
                    description=described.get(pname, ""),
                    example=examples.get(pname),
                )
            )
        expect = _first(
            fields.get("expect"), default="empty" if name.endswith("-violation") else "any"
        )
        if expect not in ("empty", "nonempty", "any"):
            raise QueryHeaderError(
                f"{where}: '#+ expect: {expect}' is not understood. Use empty, nonempty or any."
            )
        return cls(
            name=name,
            text=text,
            summary=_first(fields["summary"], default=""),
            description=" ".join(fields.get("description", [])),
            tags=tuple(fields.get("tags", [])),
            parameters=tuple(parameters),
            expect=expect,  # type: ignore[arg-type]
            path=path,
        )

    @property
    def is_totally_ordered(self) -> bool:
        """True when the query's ``ORDER BY`` puts its rows in one order, so that pages of it
        (:meth:`bind` with ``offset``) never overlap or leave a row out.

        That is: a SELECT whose ``ORDER BY`` names every projected variable (rows equal on all
        of them are the same row), or every ``GROUP BY`` variable (one row per group).
        """
        return _totally_ordered(self.text)

    def bind(self, values: Mapping[str, str], *, offset: int = 0, limit: int | None = None) -> str:
        """The query text with ``values`` bound to its parameters as typed RDF terms.

        ``offset`` and ``limit`` take a slice of its (ordered) rows, a page: they are combined
        with the query's own ``OFFSET`` and ``LIMIT``, if it has them.
        """
        text = self._bind(values)
        if offset or limit is not None:
            text = _slice(text, offset=offset, limit=limit)
        return text

    def _bind(self, values: Mapping[str, str]) -> str:
        known = {p.name: p for p in self.parameters}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ParameterError(
                f"The query {self.name!r} has no parameter {unknown[0]!r}. "
                f"Its parameters are: {', '.join(known) or 'none'}."
            )
        rows = []
        for parameter in self.parameters:
            value = values.get(parameter.name)
            if value == "":
                raise ParameterError(
                    f"The parameter {parameter.name!r} is empty. Give a value "
                    f"(like {parameter.example or _EXAMPLES[parameter.kind]!r}) or leave it out."
                )
            if value is None:
                if parameter.required:
                    raise ParameterError(
                        f"The query {self.name!r} needs the parameter {parameter.name!r} "
                        f"({parameter.description or _describe(parameter.kind)}). "
                        f"Add ?{parameter.name}=... to the request."
                    )
                continue
            rows.append(f"VALUES ?{parameter.variable} {{ {parameter.term(value)} }}")
        if not rows:
            return self.text
        position = _where_group(self.text)
        return f"{self.text[: position + 1]} {' '.join(rows)}{self.text[position + 1 :]}"


def _where_group(text: str) -> int:
    """Offset of the ``{`` that opens the query's top-level WHERE group."""
    form = inspect_query(text).form
    tokens = tokenize(text)
    depth = 0
    after_where = form != "CONSTRUCT"
    for token in tokens:
        if depth == 0 and token.keyword == "WHERE":
            after_where = True
        elif token.text == "{":
            if depth == 0 and after_where:
                return token.start
            depth += 1
        elif token.text == "}":
            depth -= 1
    raise QueryHeaderError("The query has no WHERE group to bind its parameters in.")


def _top_level(text: str) -> tuple[list[Token], int]:
    """The tokens of a query and the index of its form keyword (after the prologue)."""
    tokens = tokenize(text)
    for index, token in enumerate(tokens):
        if token.keyword in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            return tokens, index
    raise QueryHeaderError("The text has no query form (SELECT, ASK, CONSTRUCT, DESCRIBE).")


def _modifiers(tokens: list[Token], start: int) -> dict[str, list[int]]:
    """Where the top-level solution modifiers are: for each of ``GROUP``, ``ORDER``,
    ``LIMIT``, ``OFFSET`` and ``VALUES`` (trailing inline data), the indexes of its tokens."""
    found: dict[str, list[int]] = {}
    current: str | None = None
    depth = 0
    opened = False
    for index in range(start, len(tokens)):
        token = tokens[index]
        if token.text == "{":
            depth += 1
            opened = True
        elif token.text == "}":
            depth -= 1
        if depth > 0 or not opened or token.text == "}":
            continue
        keyword = token.keyword
        if keyword in ("GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "VALUES"):
            current = keyword
            found.setdefault(keyword, []).append(index)
        elif current is not None:
            found[current].append(index)
    return found


def _slice(text: str, *, offset: int, limit: int | None) -> str:
    """``text`` with its rows from ``offset`` on, at most ``limit`` of them (SELECT only)."""
    tokens, form = _top_level(text)
    if tokens[form].keyword != "SELECT":
        raise QueryHeaderError("Only the rows of a SELECT query can be paged.")
    modifiers = _modifiers(tokens, form + 1)
    own = {}
    cuts = []
    for keyword in ("LIMIT", "OFFSET"):
        indexes = modifiers.get(keyword, [])
        if indexes:
            number = tokens[indexes[-1]]
            own[keyword] = int(number.text)
            cuts.append((tokens[indexes[0]].start, number.start + len(number.text)))
    start = own.get("OFFSET", 0) + offset
    if "LIMIT" in own:
        left = max(0, own["LIMIT"] - offset)
        limit = left if limit is None else min(limit, left)
    clause = f"\nOFFSET {start}" + ("" if limit is None else f" LIMIT {limit}") + "\n"
    values = modifiers.get("VALUES")
    at = tokens[values[0]].start if values else len(text)
    # Cut from the end, so that earlier positions stay right.
    for begin, end in sorted([*cuts, (at, at)], reverse=True):
        text = text[:begin] + (clause if begin == at == end else "") + text[end:]
    return text


def _totally_ordered(text: str) -> bool:
    tokens, form = _top_level(text)
    if tokens[form].keyword != "SELECT":
        return True  # one row (ASK) or a graph: nothing to page
    projected: list[tuple[str, str | None]] = []  # (name, the variable it renames, if any)
    index = form + 1
    depth = opening = 0
    while index < len(tokens) and tokens[index].text != "{" and tokens[index].keyword != "WHERE":
        token = tokens[index]
        if token.text == "*":
            return False
        if token.text == "(":
            if depth == 0:
                opening = index
            depth += 1
        elif token.text == ")":
            depth -= 1
        elif depth == 0 and token.kind == "var":
            projected.append((token.text[1:], None))
        elif depth == 1 and token.keyword == "AS":
            inner = tokens[opening + 1 : index]
            alias = tokens[index + 1].text[1:]
            projected.append((alias, inner[0].text[1:] if len(inner) == 1 else None))
        index += 1
    modifiers = _modifiers(tokens, form + 1)
    order = _order_keys([tokens[i] for i in modifiers.get("ORDER", [])[2:]])
    if all(name in order or source in order for name, source in projected):
        return True
    group = [tokens[i] for i in modifiers.get("GROUP", [])[2:]]
    return (
        bool(group)
        and all(t.kind == "var" for t in group)
        and all(t.text[1:] in order for t in group)
    )


def _order_keys(condition: list[Token]) -> set[str]:
    """The variables an ``ORDER BY`` sorts on by themselves: ``?x``, ``ASC(?x)``, ``DESC(?x)``
    (a variable inside an expression does not make the order total)."""
    keys = set()
    depth = 0
    for index, token in enumerate(condition):
        if token.text == "(":
            depth += 1
        elif token.text == ")":
            depth -= 1
        elif token.kind != "var":
            continue
        elif depth == 0 or (
            depth == 1
            and index >= 2
            and condition[index - 2].keyword in ("ASC", "DESC")
            and index + 1 < len(condition)
            and condition[index + 1].text == ")"
        ):
            keys.add(token.text[1:])
    return keys


def _read_header(text: str, *, where: str) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    key: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#+"):
            if line.strip() and not line.startswith("#"):
                break
            continue
        content = line[2:]
        item = re.match(r"^\s+-\s*(.*)$", content)
        field_match = re.match(r"^\s?([a-z]+):\s*(.*)$", content)
        if field_match and not content.startswith("  "):
            key, value = field_match.groups()
            fields[key] = [value.strip()] if value.strip() else []
        elif key is not None and item:
            fields[key].append(item.group(1).strip())
        elif key is not None and content.strip():
            if fields[key]:
                fields[key][-1] += " " + content.strip()
            else:
                fields[key].append(content.strip())
        elif content.strip():
            raise QueryHeaderError(
                f"{where}:{number}: '#+' line outside a field. Start it with 'key: value'."
            )
    return fields


def _pairs(items: list[str]) -> dict[str, str]:
    pairs = {}
    for item in items:
        key, _, value = item.partition(":")
        pairs[key.strip()] = value.strip()
    return pairs


def _first(values: list[str] | None, *, default: str) -> str:
    return " ".join(values) if values else default


def load_queries(directory: Path | None = None) -> dict[str, NamedQuery]:
    """Every named query in ``directory`` (default: the project's ``queries/``), by name.

    >>> sorted(load_queries())[:1]  # doctest: +SKIP
    ['find-concept-without-english-label-violation']
    """
    paths = sorted(directory.glob("*.rq")) if directory else query_files()
    queries = {}
    for path in paths:
        if not _NAME.match(path.stem):
            raise QueryHeaderError(
                f"{path}: query files are named <verb>-<object>.rq in lower case. Rename it."
            )
        queries[path.stem] = NamedQuery.parse(path.stem, path.read_text("utf-8"), path=path)
    return queries


def get_query(name: str, *, queries: Mapping[str, NamedQuery]) -> NamedQuery:
    """The named query ``name``; :class:`UnknownQueryError` names the ones that exist."""
    try:
        return queries[name]
    except KeyError:
        raise UnknownQueryError(
            f"There is no named query {name!r}. GET /queries lists them: "
            f"{', '.join(sorted(queries))}."
        ) from None
