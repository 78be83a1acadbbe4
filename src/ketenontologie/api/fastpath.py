"""Lookups answered in the server process: a query whose work the row limit bounds.

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
are such quads. :meth:`~ketenontologie.store.OxigraphStore.lookup` counts them first (stopping
at the row limit + 1): when there are at most ``row_limit``, the query's work is bounded by the
row limit, so it needs no time limit and runs here, serialised by Oxigraph. Anything else —
also a lookup on an anchor with more quads, and every error — goes the usual way, to a worker
with its time limit, through the FastAPI route (which gives the errors their answers).

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
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import parse_qsl

import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from ketenontologie.errors import KetenontologieError
from ketenontologie.sparql import ResultFormat, ResultKind, Token, tokenize
from ketenontologie.store import OxigraphStore, QueryResult

from .common import INFERENCE_HEADER, inference_from
from .negotiation import choose
from .protection import Prologue
from .settings import Settings

__all__ = ["FastLookupMiddleware", "LookupPlan", "install_fast_path", "lookup_plan"]

_REFUSED_WORDS = {"SERVICE", "FROM", "VALUES", "BIND", "GRAPH", "EXISTS", "SELECT", "WHERE"}
"""Words that make a query something other than a lookup (wherever they stand, even where
they would be harmless: the check stays simple and errs towards the worker)."""
_TERM_KINDS = {"iri", "pname", "var"}
_INFERENCE = INFERENCE_HEADER.lower().encode()
_UNREPEATABLE = {"RAND", "NOW", "UUID", "STRUUID", "BNODE"}
_INLINE_BELOW = 1_000
"""Lookups on anchors with fewer quads run on the event loop; larger ones in a thread."""


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


class FastLookupMiddleware:
    """Answer ``GET /sparql`` lookups in this process; pass every other request on.

    Answers of repeatable lookups (up to 64 KB) are kept for the last 1,024 distinct requests
    (query string, ``Accept``, inference header, host) until the store's next write.
    """

    def __init__(self, app: ASGIApp, *, cache_size: int = 1024) -> None:
        self.app = app
        self._cache_size = cache_size
        self._answers: OrderedDict[tuple[bytes, ...], tuple[int, _Answer]] = OrderedDict()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] == "GET"
            and scope["path"] == "/sparql"
            and scope["query_string"]
        ):
            try:
                answer = await self._answer(scope)
            except Exception:
                answer = None
            if answer is not None:
                await _send(send, answer)
                return
        await self.app(scope, receive, send)

    async def _answer(self, scope: Scope) -> _Answer | None:
        state = scope["app"].state
        store = getattr(state, "store", None)
        if not isinstance(store, OxigraphStore):
            return None
        headers = dict(scope["headers"])
        if b"origin" in headers:
            return None  # cross-origin: the CORS middleware must see it
        key = (
            scope["query_string"],
            headers.get(b"accept", b""),
            headers.get(_INFERENCE, b""),
            headers.get(b"host", b""),
            scope.get("scheme", "http").encode(),
        )
        kept = self._answers.get(key)
        if kept is not None and kept[0] == store.generation:
            self._answers.move_to_end(key)
            return kept[1]
        generation = store.generation
        answer = await self._compute(scope, store, headers)
        if answer is not None and answer.repeatable and len(answer.result.body) <= 65_536:
            self._answers[key] = (generation, answer)
            if len(self._answers) > self._cache_size:
                self._answers.popitem(last=False)
        return answer

    async def _compute(
        self, scope: Scope, store: OxigraphStore, headers: dict[bytes, bytes]
    ) -> _Answer | None:
        parameters = _parameters(scope["query_string"])
        if parameters is None:
            return None
        text, inference_param, format_param = parameters
        base = f"{scope.get('scheme', 'http')}://{_host(scope, headers)}{scope['path']}"
        settings: Settings = scope["app"].state.settings
        try:
            plan = lookup_plan(text, base_iri=base)
            if plan is None:
                return None
            inference = inference_from(inference_param, _header(headers, _INFERENCE))
            fmt = _choose(_header(headers, b"accept"), plan.kind, format_param)
            lookup = functools.partial(
                store.lookup,
                text,
                anchor=plan.anchor,
                position=plan.position,
                format=fmt,
                inference=inference,
                base_iri=base,
            )
            result = lookup(row_limit=min(settings.row_limit, _INLINE_BELOW))
            if result is None and settings.row_limit > _INLINE_BELOW:
                result = await run_in_threadpool(lookup, row_limit=settings.row_limit)
        except (KetenontologieError, SyntaxError, ValueError, OSError):
            return None  # the route gives the error its answer
        if result is None:
            return None
        return _Answer(result, settings.row_limit, inference, plan.repeatable)


@functools.lru_cache(maxsize=4096)
def _parameters(query_string: bytes) -> tuple[str, str | None, str | None] | None:
    """``query``, ``inference`` and ``format`` of a query string; None when the route must
    answer (no query, a parameter twice, a dataset, an update)."""
    params: dict[str, str] = {}
    for key, value in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True):
        if key in params or key in ("default-graph-uri", "named-graph-uri", "update"):
            return None
        params[key] = value
    text = params.get("query")
    return (text, params.get("inference"), params.get("format")) if text else None


@functools.lru_cache(maxsize=1024)
def _choose(accept: str | None, kind: ResultKind, format: str | None) -> ResultFormat:
    return choose(accept, kind=kind, format=format)


def install_fast_path(app: Starlette) -> None:
    """Put :class:`FastLookupMiddleware` in front of ``app``'s whole middleware stack.

    A lookup then skips the error, body-limit and CORS layers (cross-origin requests are passed
    on to them; every error is answered by the route), which is a tenth of its time.
    """
    build = app.build_middleware_stack

    def build_with_fast_path() -> ASGIApp:
        return FastLookupMiddleware(build())

    app.build_middleware_stack = build_with_fast_path  # type: ignore[method-assign]


def _header(headers: dict[bytes, bytes], name: bytes) -> str | None:
    value = headers.get(name)
    return None if value is None else value.decode("latin-1")


def _host(scope: Scope, headers: dict[bytes, bytes]) -> str:
    host = headers.get(b"host")
    if host:
        return host.decode("latin-1")
    server = scope.get("server") or ("localhost", 80)
    return f"{server[0]}:{server[1]}"


@dataclass(frozen=True, slots=True)
class _Answer:
    result: QueryResult
    row_limit: int
    inference: bool
    repeatable: bool
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.headers.extend(
            [
                (b"content-type", self.result.format.content_type.encode()),
                (b"content-length", str(len(self.result.body)).encode()),
                (b"vary", b"Accept"),
                (b"ketenontologie-result-count", str(self.result.count).encode()),
                (b"ketenontologie-result-truncated", b"false"),
                (b"ketenontologie-row-limit", str(self.row_limit).encode()),
                (b"ketenontologie-inference", b"true" if self.inference else b"false"),
            ]
        )


async def _send(send: Send, answer: _Answer) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": list(answer.headers)})
    await send({"type": "http.response.body", "body": answer.result.body})
