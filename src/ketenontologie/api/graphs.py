"""``/graphs``: the SPARQL 1.1 Graph Store HTTP Protocol (indirect graph identification)."""

from __future__ import annotations

from typing import Annotated

import pyoxigraph as ox
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from ketenontologie.errors import BadRequestError, GraphNotFoundError
from ketenontologie.loading import UPLOAD_MEDIA_TYPES, parse_upload
from ketenontologie.namespaces import is_inferred
from ketenontologie.sparql.policy import check_graph_write
from ketenontologie.sparql.results import FORMATS
from ketenontologie.store import DEFAULT_GRAPH, GraphName

from .common import format_values, media_type_of, require_writer, store_of
from .errors import READ_ERRORS, WRITE_ERRORS
from .negotiation import choose

__all__ = ["router"]

router = APIRouter(tags=["Graph Store"])

_GRAPH_PARAMS = {
    "parameters": [
        {
            "name": "graph",
            "in": "query",
            "required": False,
            "schema": {"type": "string", "format": "uri"},
            "description": "IRI of the graph",
        },
        {
            "name": "default",
            "in": "query",
            "required": False,
            "allowEmptyValue": True,
            "schema": {"type": "string"},
            "description": "present (no value): the default graph",
        },
    ]
}
_DESIGN_NOTE = (
    " Design graphs (…/graph/ontwerp/{id}) and inferred graphs (…/graph/afgeleid…) are "
    "written only through /designs (400 `design-graph` here)."
)
_BODY = {
    "requestBody": {
        "content": {media: {"schema": {"type": "string"}} for media in UPLOAD_MEDIA_TYPES}
    }
}
_GRAPH_CONTENT: dict[str, dict[str, object]] = {
    fmt.media_type: {} for fmt in FORMATS if "graph" in fmt.kinds
}


def _target(request: Request, *, required: bool = True) -> GraphName | None:
    params = request.query_params
    graphs = params.getlist("graph")
    if "default" in params and graphs:
        raise BadRequestError("Give either ?default or ?graph=<IRI>, not both.")
    if "default" in params:
        return DEFAULT_GRAPH
    if len(graphs) > 1:
        raise BadRequestError("Give ?graph=<IRI> once.")
    if graphs:
        iri = graphs[0]
        if ":" not in iri or any(c in iri for c in ' <>"{}|\\^`'):
            raise BadRequestError(f"?graph={iri!r} is not an absolute IRI. Give a full IRI.")
        return iri
    if required:
        raise BadRequestError(
            "Name the graph with ?graph=<IRI> or ?default (Graph Store Protocol)."
        )
    return None


def _label(graph: GraphName) -> str:
    return "the default graph" if graph is DEFAULT_GRAPH else f"<{graph}>"


@router.get(
    "/graphs",
    summary="Read a graph, or list the graphs",
    description="With ?graph=<IRI> or ?default: the graph, serialised by `Accept` or `format`. "
    "Without: a JSON list of the stored graphs (inferred ones marked).",
    openapi_extra=_GRAPH_PARAMS,
    responses={200: {"content": {**_GRAPH_CONTENT, "application/json": {}}}, **READ_ERRORS},
)
async def get_graph(
    request: Request,
    format: Annotated[
        str | None, Query(description="a result format; `output` is read as well")
    ] = None,
) -> Response:
    """Serialise one graph, or list them all."""
    graph = _target(request, required=False)
    store = store_of(request)
    if graph is None:
        names = await run_in_threadpool(store.graphs)
        return JSONResponse(
            {"graphs": [{"graph": name, "inferred": is_inferred(name)} for name in names]}
        )
    # `format` is declared for the API description; every value of it and of `output` counts
    fmt = choose(request.headers.get("accept"), kind="graph", format=format_values(request))
    if not await run_in_threadpool(store.has_graph, graph):
        raise GraphNotFoundError(f"{_label(graph)} is not stored. GET /graphs lists the graphs.")
    body = await run_in_threadpool(store.dump, graph, format=fmt)
    return Response(body, media_type=fmt.content_type, headers={"Vary": "Accept"})


async def _triples_of(request: Request, graph: GraphName) -> list[ox.Triple]:
    media_type, _ = media_type_of(request)
    data = await request.body()
    base = graph if isinstance(graph, str) else str(request.url.replace(query=""))
    upload = await run_in_threadpool(
        parse_upload, data, media_type=media_type, name="request body", base_iri=base
    )
    return [ox.Triple(q.subject, q.predicate, q.object) for q in upload.quads]


@router.put(
    "/graphs",
    summary="Replace a graph (needs the update token)",
    description="Set a graph to the uploaded RDF in one transaction." + _DESIGN_NOTE,
    status_code=204,
    openapi_extra={**_GRAPH_PARAMS, **_BODY},
    responses={201: {"description": "Created"}, 204: {"description": "Replaced"}, **WRITE_ERRORS},
)
async def put_graph(request: Request) -> Response:
    """Set a graph to the uploaded RDF, in one transaction: 201 when new, 204 when replaced."""
    require_writer(request)
    graph = _target(request)
    assert graph is not None
    check_graph_write(graph)
    triples = await _triples_of(request, graph)
    store = store_of(request)
    existed = await run_in_threadpool(store.has_graph, graph)
    await run_in_threadpool(store.replace_graphs, {graph: triples})
    return Response(status_code=204 if existed else 201)


@router.post(
    "/graphs",
    summary="Add to a graph (needs the update token)",
    description="Merge the uploaded RDF into a graph in one transaction." + _DESIGN_NOTE,
    status_code=204,
    openapi_extra={**_GRAPH_PARAMS, **_BODY},
    responses={201: {"description": "Created"}, 204: {"description": "Added"}, **WRITE_ERRORS},
)
async def post_graph(request: Request) -> Response:
    """Merge the uploaded RDF into a graph, in one transaction."""
    require_writer(request)
    graph = _target(request)
    assert graph is not None
    check_graph_write(graph)
    triples = await _triples_of(request, graph)
    store = store_of(request)
    existed = await run_in_threadpool(store.has_graph, graph)
    await run_in_threadpool(store.add_triples, graph, triples)
    return Response(status_code=204 if existed else 201)


@router.delete(
    "/graphs",
    summary="Delete a graph (needs the update token)",
    description="Remove a graph (empty the default graph)." + _DESIGN_NOTE,
    status_code=204,
    openapi_extra=_GRAPH_PARAMS,
    responses=WRITE_ERRORS,
)
async def delete_graph(request: Request) -> Response:
    """Remove a graph (empty the default graph)."""
    require_writer(request)
    graph = _target(request)
    assert graph is not None
    check_graph_write(graph)
    store = store_of(request)
    if not await run_in_threadpool(store.has_graph, graph):
        raise GraphNotFoundError(f"{_label(graph)} is not stored; nothing to delete.")
    await run_in_threadpool(store.drop_graphs, [graph])
    return Response(status_code=204)
