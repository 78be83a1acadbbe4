"""``/queries``: the named queries of ``queries/*.rq``, each with its own documented route."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from ketenontologie.queries import NamedQuery, Parameter
from ketenontologie.sparql.results import formats_for
from ketenontologie.sparql.text import inspect_query

from .common import INFERENCE_HEADER, answer_query, format_values, inference_from
from .errors import READ_ERRORS

__all__ = ["add_named_query_routes", "describe"]

_RESERVED = {"format", "output", "inference"}
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
    async def run(request: Request) -> Response:
        params = request.query_params
        values = {k: v for k, v in params.items() if k not in _RESERVED}
        text = query.bind(values)
        return await answer_query(
            request,
            text,
            dataset=None,
            inference=inference_from(
                params.get("inference"), request.headers.get(INFERENCE_HEADER)
            ),
            format=format_values(request),
            checked=True,  # the template is the project's; values are bound as typed terms
        )

    run.__doc__ = query.summary
    return run


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
                    "description": "Query results",
                    "content": {f.media_type: {} for f in formats},
                },
                **READ_ERRORS,
            },
        )
