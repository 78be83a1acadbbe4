"""``/queries``: the named queries of ``queries/*.rq``, each with its own documented route."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import URL

from ketenontologie.errors import PageOffsetError, QueryHeaderError
from ketenontologie.queries import NamedQuery, Parameter
from ketenontologie.sparql.results import formats_for
from ketenontologie.sparql.text import inspect_query

from .common import (
    INFERENCE_HEADER,
    answer_query,
    format_values,
    inference_from,
    settings_of,
    single,
)
from .errors import READ_ERRORS

__all__ = ["add_named_query_routes", "describe", "offset_from", "page_links"]

_RESERVED = {"format", "output", "inference", "offset"}
_SCHEMA: dict[str, dict[str, str]] = {
    "string": {"type": "string"},
    "iri": {"type": "string", "format": "uri"},
    "integer": {"type": "integer"},
    "decimal": {"type": "number"},
    "boolean": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},
}


def describe(query: NamedQuery) -> dict[str, Any]:
    """The JSON description of a named query, as listed by ``GET /queries``."""
    return {
        "name": query.name,
        "path": f"/queries/{query.name}",
        "summary": query.summary,
        "description": query.description,
        "tags": list(query.tags),
        "expect": query.expect,
        "parameters": [
            {
                "name": p.name,
                "kind": p.kind,
                "required": p.required,
                "description": p.description,
                "example": p.example,
            }
            for p in query.parameters
        ],
    }


def _openapi_parameter(parameter: Parameter) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "name": parameter.name,
        "in": "query",
        "required": parameter.required,
        "description": parameter.description or f"value for ?{parameter.variable}",
        "schema": {**_SCHEMA[parameter.kind], "minLength": 1}
        if _SCHEMA[parameter.kind]["type"] == "string"
        else _SCHEMA[parameter.kind],
    }
    if parameter.example:
        spec["example"] = parameter.example
    return spec


def _endpoint(query: NamedQuery) -> Callable[[Request], Awaitable[Response]]:
    paged = inspect_query(query.text).kind == "solutions"

    async def run(request: Request) -> Response:
        params = request.query_params
        values = {k: v for k, v in params.items() if k not in _RESERVED}
        offset = offset_from(params.getlist("offset")) if paged else 0
        size = settings_of(request).row_limit
        # A page asks for the row limit's rows, no more: a sorted slice up to row 10,000 is
        # what Virtuoso sorts by default. A full page (or one the byte limit cut) has a next.
        text = query.bind(values, offset=offset, limit=size) if paged else query.bind(values)
        response = await answer_query(
            request,
            text,
            dataset=None,
            inference=inference_from(
                params.get("inference"), request.headers.get(INFERENCE_HEADER)
            ),
            format=format_values(request),
            checked=True,  # the template is the project's; values are bound as typed terms
        )
        if paged:
            count = int(response.headers["Ketenontologie-Result-Count"])
            more = count >= size or response.headers["Ketenontologie-Result-Truncated"] == "true"
            response.headers["Link"] = page_links(
                request.url, offset=offset, size=size, count=count, more=more
            )
            response.headers["Ketenontologie-Page-Offset"] = str(offset)
        return response

    run.__doc__ = query.summary
    return run


_MAX_OFFSET = 10**12


def offset_from(values: Sequence[str]) -> int:
    """The row a page starts at (``offset``, 0 when absent); :class:`PageOffsetError` for
    anything but one whole number from 0 up."""
    raw = single(values, name="offset")
    if raw is None:
        return 0
    if not raw.isascii() or not raw.isdigit() or int(raw) > _MAX_OFFSET:
        raise PageOffsetError(
            f"offset={raw!r} is not a row number (geen rijnummer): give a whole number from 0 "
            f"to {_MAX_OFFSET} (een geheel getal vanaf 0), or follow the Link header's "
            'rel="next" from the previous page (volg de link rel="next").'
        )
    return int(raw)


def page_links(url: URL, *, offset: int, size: int, count: int, more: bool) -> str:
    """The ``Link`` header (RFC 8288) of a page: ``first``, ``prev`` (not on the first page)
    and ``next`` (when the page is full, or the byte limit cut it: rows may follow; after a
    full last page, ``next`` gives an empty page). ``next`` starts after the last row this page
    holds, so a page the byte limit cut short is continued, not skipped."""

    def at(start: int) -> str:
        target = url.remove_query_params("offset")
        return str(target.include_query_params(offset=start) if start else target)

    links = [f'<{at(0)}>; rel="first"']
    if offset > 0:
        links.append(f'<{at(max(0, offset - size))}>; rel="prev"')
    if more and count > 0:
        links.append(f'<{at(offset + count)}>; rel="next"')
    return ", ".join(links)


def add_named_query_routes(app: FastAPI, queries: Mapping[str, NamedQuery]) -> None:
    """Add ``GET /queries`` and a documented ``GET /queries/<name>`` for each query."""

    async def list_queries() -> JSONResponse:
        return JSONResponse({"queries": [describe(q) for q in queries.values()]})

    app.add_api_route(
        "/queries",
        list_queries,
        methods=["GET"],
        summary="List the named queries",
        description="Every file in queries/ with its #+ header.",
        tags=["Named queries"],
    )
    for query in queries.values():
        taken = sorted({p.name for p in query.parameters} & _RESERVED)
        if taken:
            raise QueryHeaderError(
                f"{query.name}: the parameter name {taken[0]!r} is the service's own "
                f"({', '.join(sorted(_RESERVED))}). Rename ?_{taken[0]} in the query."
            )
        formats = formats_for(inspect_query(query.text).kind)
        common = [
            {
                "name": "format",
                "in": "query",
                "required": False,
                "schema": {"type": "string", "enum": [f.name for f in formats]},
                "description": "result format (also as `output`); wins over Accept when it "
                "can carry the result",
            },
            {
                "name": "inference",
                "in": "query",
                "required": False,
                "schema": {"type": "boolean", "default": True},
                "description": "false: leave inferred triples out",
            },
        ]
        headers: dict[str, Any] = {}
        if inspect_query(query.text).kind == "solutions":
            common.append(
                {
                    "name": "offset",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "integer", "minimum": 0, "maximum": _MAX_OFFSET},
                    "description": "the row the page starts at (default 0). A page holds at "
                    "most the row limit's rows, in the query's order; follow the Link header "
                    '(rel="next") for the next page rather than counting',
                }
            )
            headers = {
                "Link": {
                    "description": 'RFC 8288: rel="first", rel="prev" (not on the first '
                    'page) and rel="next" (when the page is full or the byte limit cut it)',
                    "schema": {"type": "string"},
                },
                "Ketenontologie-Page-Offset": {
                    "description": "the row this page starts at",
                    "schema": {"type": "integer"},
                },
            }
        app.add_api_route(
            f"/queries/{query.name}",
            _endpoint(query),
            methods=["GET"],
            name=query.name,
            summary=query.summary,
            description=query.description
            + (
                "\n\nQuality check: returns no rows on sound data."
                if query.is_violation_check
                else ""
            ),
            tags=["Named queries", *query.tags],
            openapi_extra={
                "parameters": [_openapi_parameter(p) for p in query.parameters] + common
            },
            responses={
                200: {
                    "description": "Query results (of a SELECT: one page of them)",
                    "content": {f.media_type: {} for f in formats},
                    **({"headers": headers} if headers else {}),
                },
                **READ_ERRORS,
            },
        )
