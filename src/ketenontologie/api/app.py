"""The FastAPI application: store at start-up, routes, errors, CORS and the body limit."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp

from ketenontologie import __version__
from ketenontologie.config import Settings
from ketenontologie.designs import UploadChecker, open_catalogue
from ketenontologie.queries import load_queries
from ketenontologie.store import open_store

from . import designs, graphs, linked_data, sparql
from .common import INFERENCE_HEADER
from .errors import install_error_handlers
from .fastpath import install_fast_path
from .middleware import BodyLimitMiddleware, HeadMiddleware
from .named import add_named_query_routes
from .page import page_router

__all__ = ["create_app"]

_DESCRIPTION = """
Kennisgraaf van ketensturing / knowledge graph of chain governance (NORA Online).

* `/sparql` — SPARQL 1.1 Protocol (query), service description without a query
* `/sparql/update` — SPARQL Update (bearer token)
* `/graphs` — SPARQL 1.1 Graph Store Protocol (writes need the bearer token)
* `/queries` — named queries, one route each
* `/designs` — chain designs: upload (validated and reasoned), list, fetch, replace, delete
* `/validate` — the validation report of a design, without storing it
* `/` — a query page (YASGUI, served from this package) with the named queries as examples

Errors are `{"error": CODE, "message": ...}`.
"""


def create_app(settings: Settings) -> FastAPI:
    """The application for ``settings``; the store opens when the application starts.

    >>> app = create_app(Settings(data_dir="/tmp/ketenontologie-doc"))  # doctest: +SKIP
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = await run_in_threadpool(open_store, settings)
        try:
            app.state.catalogue = await run_in_threadpool(
                open_catalogue, store, load_project=settings.load_project
            )
            app.state.checker = UploadChecker(
                workers=settings.validation_workers,
                timeout=settings.validation_timeout,
                memory_bytes=settings.query_memory_mb * 1024 * 1024,
            )
            app.state.store = store
            # What start-up built (ontology rules, reasoning state) lives as long as the
            # process: keep the cyclic GC from walking it again and again under load.
            gc.collect()
            gc.freeze()
            yield
        finally:
            gc.unfreeze()
            checker = getattr(app.state, "checker", None)
            if checker is not None:
                checker.close()
            await run_in_threadpool(store.close)

    app = FastAPI(
        title="Ketenontologie",
        version=__version__,
        description=_DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.queries = queries = load_queries()
    install_error_handlers(app, not_found_page=linked_data.not_found_page)
    app.include_router(sparql.router)
    app.include_router(graphs.router)
    app.include_router(designs.router)
    app.include_router(linked_data.router)
    add_named_query_routes(app, queries)
    app.include_router(page_router(queries))

    # Lookups of one resource are answered first, in this process (see fastpath); HEAD is GET
    # without the body, before anything else sees the request.
    install_fast_path(app)
    _answer_head(app)
    # Read-only use from browsers: GET/HEAD/POST (queries) from the configured origins, no
    # credentials. Writes need an Authorization header, which is not allowed cross-origin.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(settings.cors_origins),
        allow_methods=["GET", "HEAD", "POST"],
        allow_headers=["Accept", "Content-Type", INFERENCE_HEADER],
        expose_headers=[
            "Ketenontologie-Result-Count",
            "Ketenontologie-Result-Truncated",
            "Ketenontologie-Row-Limit",
            "Ketenontologie-Inference",
        ],
        allow_credentials=False,
    )
    app.add_middleware(
        BodyLimitMiddleware, max_bytes=settings.max_body_bytes, timeout=settings.body_timeout
    )
    _document_400_not_422(app)
    return app


def _answer_head(app: FastAPI) -> None:
    """Put :class:`HeadMiddleware` around the whole stack, the fast path included."""
    build = app.build_middleware_stack

    def build_with_head() -> ASGIApp:
        return HeadMiddleware(build())

    app.build_middleware_stack = build_with_head  # type: ignore[method-assign]


def _document_400_not_422(app: FastAPI) -> None:
    """Say 400 in OpenAPI where FastAPI says 422: validation errors are answered with 400."""
    make_schema = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = make_schema()
            for path in schema.get("paths", {}).values():
                for operation in path.values():
                    responses = operation.get("responses", {})
                    invalid = responses.pop("422", None)
                    if invalid is not None and "400" not in responses:
                        responses["400"] = {"description": "Bad request"}
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
