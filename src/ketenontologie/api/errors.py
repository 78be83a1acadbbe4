"""HTTP errors and the one mapping from the project's error tree to statuses and JSON bodies.

Every error answer is ``{"error": CODE, "message": ...}`` with the status below. A 404 for a
client that prefers HTML by name (a browser) is the helpful page of the linked-data routes
instead: what was asked, IRIs that look like it, and the ways in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from ketenontologie.errors import (
    AuthenticationRequiredError,
    BadRequestError,
    DesignExistsError,
    DesignGraphWriteError,
    DesignTooCostlyError,
    ForbiddenOperationError,
    GraphNotFoundError,
    InconsistencyError,
    InputError,
    InputTooDeepError,
    InputTooLargeError,
    KetenontologieError,
    NotAcceptableError,
    NotConformingError,
    NotPublishedError,
    ParameterError,
    PayloadTooLargeError,
    QueryHeaderError,
    QueryResourceError,
    QueryTimeoutError,
    RequestTimeoutError,
    ServiceBusyError,
    SparqlSyntaxError,
    StoreError,
    StoreFullError,
    UnknownDesignError,
    UnknownFormatError,
    UnknownGraphError,
    UnknownQueryError,
    UnknownVersionError,
    UnsupportedMediaTypeError,
    WritesDisabledError,
)

__all__ = [
    "READ_ERRORS",
    "WRITE_ERRORS",
    "NotFoundPage",
    "documented",
    "error_response",
    "install_error_handlers",
    "status_for",
]

NotFoundPage: TypeAlias = Callable[[Request, str | None], Response | None]
"""The helpful 404 page for a client that prefers HTML, or None to answer with JSON; the text
is what the page says about the path (None: only that nothing is known there)."""

_VARY: dict[int, str] = {404: "Accept, Accept-Language", 406: "Accept"}
"""What an error answer depends on: a 404 is a page for a browser (in its language), JSON
otherwise; a 406 names what ``Accept`` asked for."""

_STATUS: list[tuple[type[KetenontologieError], int]] = [
    (AuthenticationRequiredError, 401),
    (WritesDisabledError, 403),
    (GraphNotFoundError, 404),
    (UnknownQueryError, 404),
    (UnknownDesignError, 404),
    (UnknownVersionError, 404),
    (NotPublishedError, 404),
    (DesignExistsError, 409),
    (NotConformingError, 422),
    (DesignTooCostlyError, 422),
    (InconsistencyError, 422),
    (DesignGraphWriteError, 400),
    (NotAcceptableError, 406),
    (PayloadTooLargeError, 413),
    (RequestTimeoutError, 408),
    (UnsupportedMediaTypeError, 415),
    (UnknownFormatError, 415),
    (QueryTimeoutError, 503),
    (ServiceBusyError, 503),
    (QueryResourceError, 503),
    (StoreFullError, 507),
    (InputTooLargeError, 413),
    (InputTooDeepError, 400),
    (QueryHeaderError, 500),
    (SparqlSyntaxError, 400),
    (ForbiddenOperationError, 400),
    (UnknownGraphError, 400),
    (ParameterError, 400),
    (BadRequestError, 400),
    (InputError, 400),
    (StoreError, 500),
]


_ERROR_SCHEMA = {
    "type": "object",
    "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
    "required": ["error", "message"],
}


def documented(*statuses: tuple[int, str]) -> dict[int | str, dict[str, object]]:
    """OpenAPI entries for error answers: each status with its text and the JSON error body."""
    return {
        status: {"description": text, "content": {"application/json": {"schema": _ERROR_SCHEMA}}}
        for status, text in statuses
    }


READ_ERRORS = documented(
    (400, "Bad request: syntax error, refused operation, unknown graph or parameter"),
    (404, "Not found"),
    (406, "No acceptable result format"),
    (413, "Request body or query text too large"),
    (415, "Unsupported request media type"),
    (503, "The query ran past its time or memory limit, or the service is busy: try again"),
)
"""Error answers of the read routes, for OpenAPI."""

WRITE_ERRORS = documented(
    (400, "Bad request: syntax error, refused operation, missing graph name"),
    (401, "No or wrong bearer token"),
    (403, "Writes are off: no token configured"),
    (404, "No such graph"),
    (413, "Request body or update text too large"),
    (415, "Unsupported request media type"),
    (503, "The update's check ran past its time limit, or the service is busy: try again"),
    (507, "The disk of the store is full; the message says whether the write was stored"),
)
"""Error answers of the write routes, for OpenAPI."""


def status_for(error: KetenontologieError) -> int:
    """The HTTP status for ``error`` (500 for anything not listed)."""
    for cls, status in _STATUS:
        if isinstance(error, cls):
            return status
    return 500


def error_response(error: KetenontologieError) -> JSONResponse:
    """The JSON answer for ``error``, with ``WWW-Authenticate`` / ``Retry-After`` where due, and
    ``Vary`` where the answer depends on the request's headers."""
    status = status_for(error)
    headers = {"Vary": _VARY[status]} if status in _VARY else {}
    if isinstance(error, AuthenticationRequiredError):
        headers["WWW-Authenticate"] = 'Bearer realm="ketenontologie"'
    if isinstance(error, QueryTimeoutError | ServiceBusyError | QueryResourceError):
        headers["Retry-After"] = "1"
    if status in (408, 413):
        # the rest of the body is not read: the connection cannot carry another request
        headers["Connection"] = "close"
    return JSONResponse(error.to_dict(), status_code=status, headers=headers)


def install_error_handlers(app: FastAPI, *, not_found_page: NotFoundPage) -> None:
    """Answer every error, also FastAPI's own, as ``{"error": CODE, "message": ...}`` (or, for
    a browser asking for something that is not there, as ``not_found_page``)."""

    async def project_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, KetenontologieError)
        if status_for(error) == 404:
            about = error.reason if isinstance(error, NotPublishedError) else error.message
            page = await run_in_threadpool(not_found_page, request, about)
            if page is not None:
                return page
        return error_response(error)

    async def http_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, StarletteHTTPException)
        code = {404: "not-found", 405: "method-not-allowed"}.get(error.status_code, "http")
        message = str(error.detail)
        if error.status_code == 404:
            page = await run_in_threadpool(not_found_page, request, None)
            if page is not None:
                return page
            message = f"There is nothing at {request.url.path}. See /docs for the routes."
        elif error.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path}. See /docs."
        headers = dict(getattr(error, "headers", None) or {})
        if error.status_code in _VARY:
            headers["Vary"] = _VARY[error.status_code]
        return JSONResponse(
            {"error": code, "message": message}, status_code=error.status_code, headers=headers
        )

    async def validation_error(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, RequestValidationError)
        problems = "; ".join(
            f"{'.'.join(str(part) for part in e['loc'])}: {e['msg']}" for e in error.errors()
        )
        return JSONResponse(
            {"error": "bad-request", "message": f"The request is not valid: {problems}."},
            status_code=400,
        )

    async def internal_error(request: Request, error: Exception) -> JSONResponse:
        return JSONResponse(
            {
                "error": "internal",
                "message": f"The service failed unexpectedly ({type(error).__name__}). "
                "Try again; if it persists, report it with the request you sent.",
            },
            status_code=500,
        )

    app.add_exception_handler(KetenontologieError, project_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(Exception, internal_error)
