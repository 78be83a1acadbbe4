"""Lookups: queries whose work the row limit bounds, told from their text.

Queries normally run in worker processes, which can be killed at the time limit. That costs a
round trip between processes on every request, more than a lookup of one resource costs
itself. So ``GET /sparql`` first asks :func:`lookup_plan` whether the query is a *lookup*:

* ``SELECT`` or ``ASK``, no ``FROM``, ``SERVICE`` or dataset parameters;
* its ``WHERE`` group is **one triple pattern** with an IRI as subject (or, failing that, as
  object) — the *anchor* — and a plain predicate (no property path), optionally followed by
  ``FILTER`` expressions; no nested groups (so no ``OPTIONAL``, ``UNION``, ``GRAPH``,
  ``EXISTS``, subqueries), no ``BIND`` and no ``VALUES``;
* after the group only ``GROUP BY``, ``HAVING``, ``ORDER BY``, ``LIMIT`` and ``OFFSET``.

Such a query reads only the quads that match its anchor, and has at most as many rows as there
are such quads. :meth:`~ketenontologie.store.oxigraph.OxigraphStore.lookup` counts them first
(stopping at the row limit + 1): when there are at most ``row_limit``, the query's work is
bounded by the row limit, so it needs no time limit and runs in the server process, serialised
by Oxigraph (:mod:`ketenontologie.api.fastpath`). Anything else — also a lookup on an anchor
with more quads, and every error — goes the usual way, to a worker with its time limit.

>>> plan = lookup_plan("SELECT ?p ?o WHERE { <https://example.org/a> ?p ?o }")
>>> plan.anchor.value, plan.position, plan.kind
('https://example.org/a', 'subject', 'solutions')
>>> lookup_plan("SELECT * WHERE { ?s ?p ?o }") is None
True
>>> lookup_plan("SELECT * WHERE { <a:b> ?p ?o OPTIONAL { ?o ?q ?r } }") is None
True
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Literal

import pyoxigraph as ox

from ketenontologie.sparql.text import Prologue, ResultKind, Token, tokenize

__all__ = ["LookupPlan", "lookup_plan"]

_REFUSED_WORDS = {"SERVICE", "FROM", "VALUES", "BIND", "GRAPH", "EXISTS", "SELECT", "WHERE"}
"""Words that make a query something other than a lookup (wherever they stand, even where
they would be harmless: the check stays simple and errs towards the worker)."""
_TERM_KINDS = {"iri", "pname", "var"}
_UNREPEATABLE = {"RAND", "NOW", "UUID", "STRUUID", "BNODE"}


@dataclass(frozen=True, slots=True)
class LookupPlan:
    """A query :func:`lookup_plan` found to be a lookup, with its anchor."""

    kind: ResultKind
    anchor: ox.NamedNode
    position: Literal["subject", "object"]
    repeatable: bool = True
    """False when the answer may differ between runs on the same data (RAND, NOW, UUID …)."""


def lookup_plan(text: str, *, base_iri: str | None = None) -> LookupPlan | None:
    """The plan for a lookup (see the module docstring), or None for any other query.

    Plans are remembered for the last 4,096 query texts (clients repeat their queries).
    """
    return _plan(text, base_iri)


@functools.lru_cache(maxsize=4096)
def _plan(text: str, base_iri: str | None) -> LookupPlan | None:
    tokens = tokenize(text)
    prologue = Prologue(base_iri)
    index = prologue.read(tokens, 0)
    if index >= len(tokens) or tokens[index].keyword not in ("SELECT", "ASK"):
        return None
    kind: ResultKind = "solutions" if tokens[index].keyword == "SELECT" else "boolean"
    braces = [i for i in range(index, len(tokens)) if tokens[i].text in ("{", "}")]
    if len(braces) != 2 or tokens[braces[0]].text != "{":
        return None  # nested groups, or not a group at all
    opening, closing = braces
    head, group, tail = (
        tokens[index + 1 : opening],
        tokens[opening + 1 : closing],
        tokens[closing + 1 :],
    )
    if head and head[-1].keyword == "WHERE":
        head = head[:-1]
    words = {t.keyword for part in (head, group, tail) for t in part} - {None}
    if not _REFUSED_WORDS.isdisjoint(words):
        return None
    if not _one_pattern(group):
        return None
    for position, token in (("subject", group[0]), ("object", group[2])):
        if token.kind in ("iri", "pname"):
            iri = prologue.resolve(token)
            if iri is None:
                return None
            repeatable = _UNREPEATABLE.isdisjoint(words)
            try:
                return LookupPlan(kind, ox.NamedNode(iri), position, repeatable)  # type: ignore[arg-type]
            except ValueError:
                return None
    return None


def _one_pattern(group: list[Token]) -> bool:
    """``s p o [.]`` with plain terms (no paths, blank nodes or lists), then only FILTERs."""
    if len(group) < 3 or group[0].kind not in _TERM_KINDS:
        return False
    if group[1].kind not in _TERM_KINDS and group[1].text != "a":
        return False
    position = _object_end(group, 2)
    if position is None:
        return False
    if position < len(group) and group[position].text == ".":
        position += 1
    while position < len(group):  # FILTER [function] ( expression ) [.]
        if group[position].keyword != "FILTER":
            return False
        position += 1
        if position < len(group) and group[position].text != "(":
            position += 1  # FILTER regex(...), FILTER <fn>(...)
        if position >= len(group) or group[position].text != "(":
            return False
        depth = 0
        for position in range(position, len(group)):  # noqa: B020 - continues after the loop
            depth += group[position].text == "("
            depth -= group[position].text == ")"
            if depth == 0:
                break
        if depth != 0:
            return False
        position += 1
        if position < len(group) and group[position].text == ".":
            position += 1
    return True


def _object_end(group: list[Token], index: int) -> int | None:
    """The index after the object term at ``index`` (a literal with its tag or datatype)."""
    token = group[index]
    if token.kind in _TERM_KINDS or token.kind == "number":
        return index + 1
    if token.kind == "string":
        after = index + 1
        if after < len(group) and group[after].kind == "langtag":
            return after + 1
        if after + 1 < len(group) and group[after].text == "^^":
            return after + 2 if group[after + 1].kind in ("iri", "pname") else None
        return after
    return None
