"""Lookups answered before the rest of the application sees them, and remembered.

A ``GET /sparql`` query that :func:`~ketenontologie.sparql.lookup.lookup_plan` finds to be a
lookup (one triple pattern on an anchor) is run here, like any query, by a confined query worker
under the time limit (:func:`~ketenontologie.store.run_query`), without the routing and
middleware layers; its answer is kept until the store's next write. Errors get the same answers
as on the route (:func:`~ketenontologie.api.errors.error_response`). Anything else goes the
usual way. An unexpected failure here is logged with its traceback, and the request then goes
the usual way too: the fast path never hides an error.
"""

from __future__ import annotations

import functools
import logging
from collections import OrderedDict
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from ketenontologie.config import Settings
from ketenontologie.errors import KetenontologieError
from ketenontologie.sparql.lookup import lookup_plan
from ketenontologie.sparql.results import ResultFormat
from ketenontologie.sparql.text import ResultKind
from ketenontologie.store import OxigraphStore, QueryResult, run_query

from .common import FORMAT_PARAMETERS, INFERENCE_HEADER, inference_from
from .errors import error_response
from .negotiation import choose

__all__ = ["FastLookupMiddleware", "install_fast_path"]

logger = logging.getLogger(__name__)

_INFERENCE = INFERENCE_HEADER.lower().encode()


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
            except KetenontologieError as error:
                await error_response(error)(scope, receive, send)
                return
            except Exception:
                # A fault here must not cost the client its answer: the route still gives it.
                logger.exception(
                    "the fast path failed on GET /sparql?%.300s; the route answers instead",
                    scope["query_string"].decode("latin-1"),
                )
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
        text, inference_param, formats = parameters
        base = f"{scope.get('scheme', 'http')}://{_host(scope, headers)}{scope['path']}"
        settings: Settings = scope["app"].state.settings
        try:
            plan = lookup_plan(text, base_iri=base)
            if plan is None:
                return None
            inference = inference_from(inference_param, _header(headers, _INFERENCE))
            fmt = _choose(_header(headers, b"accept"), plan.kind, formats)
        except KetenontologieError:
            return None  # the route explains a bad parameter
        client = scope.get("client")
        result = await run_in_threadpool(
            run_query,
            store,
            text,
            choose_format=lambda kind: fmt,
            inference=inference,
            base_iri=base,
            timeout=settings.query_timeout,
            row_limit=settings.row_limit,
            max_query_bytes=settings.max_query_bytes,
            max_bytes=settings.max_result_bytes,
            client=client[0] if client else None,
        )
        return _Answer(result, settings.row_limit, inference, plan.repeatable)


@functools.lru_cache(maxsize=4096)
def _parameters(query_string: bytes) -> tuple[str, str | None, tuple[str, ...]] | None:
    """``query``, ``inference`` and the ``format``/``output`` values of a query string; None
    when the route must answer (no query, a parameter twice, a dataset, an update)."""
    params: dict[str, str] = {}
    formats: list[str] = []
    for key, value in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True):
        if key in FORMAT_PARAMETERS:
            formats.append(value)
            continue
        if key in params or key in ("default-graph-uri", "named-graph-uri", "update"):
            return None
        params[key] = value
    text = params.get("query")
    return (text, params.get("inference"), tuple(formats)) if text else None


@functools.lru_cache(maxsize=1024)
def _choose(accept: str | None, kind: ResultKind, formats: tuple[str, ...]) -> ResultFormat:
    return choose(accept, kind=kind, format=formats)


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
                (
                    b"ketenontologie-result-truncated",
                    b"true" if self.result.truncated else b"false",
                ),
                (b"ketenontologie-row-limit", str(self.row_limit).encode()),
                (b"ketenontologie-inference", b"true" if self.inference else b"false"),
            ]
        )


async def _send(send: Send, answer: _Answer) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": list(answer.headers)})
    await send({"type": "http.response.body", "body": answer.result.body})
