"""``/sparql`` (SPARQL 1.1 Protocol query operation, service description) and ``/sparql/update``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

import pyoxigraph as ox
from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ketenontologie.errors import BadRequestError, UnsupportedMediaTypeError
from ketenontologie.namespaces import is_version
from ketenontologie.sparql.results import FORMATS, RDF_FORMATS
from ketenontologie.store import run_update

from .common import (
    INFERENCE_HEADER,
    answer_query,
    client_of,
    dataset_from,
    form_fields,
    format_values,
    inference_from,
    media_type_of,
    read_text_body,
    require_writer,
    settings_of,
    single,
    store_of,
)
from .errors import READ_ERRORS, WRITE_ERRORS
from .negotiation import choose, prefers_html
from .page import query_page

__all__ = ["router", "service_description"]

router = APIRouter(tags=["SPARQL"])

_QUERY_DOC = (
    "SPARQL 1.1 Protocol query operation. Without a query: the service description "
    "(W3C SPARQL 1.1 Service Description). The default graph is the union of all graphs, "
    "asserted and inferred; `inference=false` (or the header `Ketenontologie-Inference: false`) "
    "leaves the inferred graphs out. Results are chosen by `Accept` (with q-values) or `format`. "
    "A result cut at the row limit says so in `Ketenontologie-Result-Truncated` (and in JSON "
    'with `"truncated": true`). SERVICE, and FROM/FROM NAMED/default-graph-uri/named-graph-uri '
    "naming graphs that are not stored, are refused with 400."
)
_FORMAT_DOC = (
    "A result format beside Accept (SPARQLWrapper, Virtuoso and Fuseki send it): json, xml, csv, "
    "tsv for tables; turtle/ttl/n3, ntriples/nt, jsonld/json-ld/json, rdfxml/rdf+xml/rdf/xml for "
    "graphs; or a media type. A value that cannot carry the result is passed over (Accept "
    "decides); two values naming different formats that both could are refused with 400."
)
_RESULT_CONTENT: dict[str, dict[str, object]] = {fmt.media_type: {} for fmt in FORMATS}
_QUERY_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"description": "Query results or the service description", "content": _RESULT_CONTENT},
    **READ_ERRORS,
}

Multi = Annotated[list[str], Query()]


@router.get(
    "/sparql",
    summary="Query (GET) or service description",
    description=_QUERY_DOC,
    responses=_QUERY_RESPONSES,
)
async def query_get(
    request: Request,
    query: Multi = [],  # noqa: B006 - FastAPI reads the default, never mutates it
    default_graph_uri: Annotated[list[str], Query(alias="default-graph-uri")] = [],  # noqa: B006
    named_graph_uri: Annotated[list[str], Query(alias="named-graph-uri")] = [],  # noqa: B006
    inference: str | None = None,
    format: Annotated[list[str], Query(description=_FORMAT_DOC)] = [],  # noqa: B006
    output: Annotated[list[str], Query(description="the same as format")] = [],  # noqa: B006
    inference_header: Annotated[str | None, Header(alias=INFERENCE_HEADER)] = None,
) -> Response:
    """Answer a query given in the URL; without one, the query page for a browser, else the
    service description."""
    if "update" in request.query_params:
        raise BadRequestError(
            "Updates are not accepted by GET. POST them to /sparql/update with the update token."
        )
    text = single(query, name="query")
    if text is None:
        if prefers_html(request.headers.get("accept")):
            # A browser opening the endpoint gets the query page, as Fuseki and Oxigraph do.
            return query_page(request, lang=request.query_params.get("lang"), vary="Accept")
        return service_description(request, format=[*format, *output])
    return await answer_query(
        request,
        text,
        dataset=dataset_from(default_graph_uri, named_graph_uri),
        inference=inference_from(inference, inference_header),
        format=[*format, *output],
    )


@router.post(
    "/sparql",
    summary="Query (POST, form or direct)",
    description=_QUERY_DOC,
    responses=_QUERY_RESPONSES,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/sparql-query": {"schema": {"type": "string"}},
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "query": {"type": "string"},
                            "default-graph-uri": {"type": "array", "items": {"type": "string"}},
                            "named-graph-uri": {"type": "array", "items": {"type": "string"}},
                        },
                        "required": ["query"],
                    }
                },
            },
        }
    },
)
async def query_post(
    request: Request,
    inference_header: Annotated[str | None, Header(alias=INFERENCE_HEADER)] = None,
) -> Response:
    """Answer a query sent as a form or directly as ``application/sparql-query``."""
    params = request.query_params
    default = params.getlist("default-graph-uri")
    named = params.getlist("named-graph-uri")
    inference = params.get("inference")
    format = format_values(request)
    media_type, charset = media_type_of(request)
    if media_type == "application/x-www-form-urlencoded":
        fields = await form_fields(request)
        if "update" in fields:
            raise BadRequestError(
                "This is the query endpoint. POST updates to /sparql/update with the token."
            )
        text = single(fields.get("query", []), name="query")
        default = default + fields.get("default-graph-uri", [])
        named = named + fields.get("named-graph-uri", [])
        inference = single(fields.get("inference", []), name="inference") or inference
        format = format_values(request, fields)
    elif media_type == "application/sparql-query":
        text = await read_text_body(request, charset=charset)
    else:
        raise UnsupportedMediaTypeError(
            f"A query is POSTed as application/x-www-form-urlencoded (query=...) or as "
            f"application/sparql-query, not as {media_type or '(no Content-Type)'}."
        )
    if not text:
        raise BadRequestError("The request has no query. Send query=... or a query body.")
    return await answer_query(
        request,
        text,
        dataset=dataset_from(default, named),
        inference=inference_from(inference, inference_header),
        format=format,
    )


@router.post(
    "/sparql/update",
    summary="SPARQL Update (needs the update token)",
    description="SPARQL 1.1 Protocol update operation, as a form (`update=...`) or directly as "
    "`application/sparql-update`; `using-graph-uri`/`using-named-graph-uri` are honoured. "
    "Needs `Authorization: Bearer <token>`; off (403) when no token is configured. LOAD and "
    "SERVICE are refused. The request runs as one transaction. Design graphs "
    "(…/graph/ontwerp/{id}) and inferred graphs (…/graph/afgeleid…) are written only through "
    "/designs, which keeps the inferred triples right: an update that may write them (a GRAPH "
    "IRI, WITH, CLEAR/DROP/CREATE/ADD/COPY/MOVE target, a template's GRAPH ?g, CLEAR/DROP "
    "ALL or NAMED) is refused with 400 `design-graph`. Its WHERE may read any stored graph: "
    "USING, USING NAMED, using-graph-uri and using-named-graph-uri naming a graph that is not "
    "stored (nor written earlier in the request) are refused with 400 `unknown-graph`, as FROM "
    "is for queries; so is WITH naming one in an operation that only deletes (an operation "
    "that inserts may create its WITH graph).",
    status_code=204,
    responses=WRITE_ERRORS,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/sparql-update": {"schema": {"type": "string"}},
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "properties": {"update": {"type": "string"}},
                        "required": ["update"],
                    }
                },
            },
        }
    },
)
async def update_post(request: Request) -> Response:
    """Run an update with the token, as one transaction."""
    require_writer(request)
    params = request.query_params
    using = params.getlist("using-graph-uri")
    using_named = params.getlist("using-named-graph-uri")
    media_type, charset = media_type_of(request)
    if media_type == "application/x-www-form-urlencoded":
        fields = await form_fields(request)
        text = single(fields.get("update", []), name="update")
        using = using + fields.get("using-graph-uri", [])
        using_named = using_named + fields.get("using-named-graph-uri", [])
    elif media_type == "application/sparql-update":
        text = await read_text_body(request, charset=charset)
    else:
        raise UnsupportedMediaTypeError(
            f"An update is POSTed as application/x-www-form-urlencoded (update=...) or as "
            f"application/sparql-update, not as {media_type or '(no Content-Type)'}."
        )
    if not text:
        raise BadRequestError("The request has no update. Send update=... or an update body.")
    settings = settings_of(request)
    await run_in_threadpool(
        run_update,
        store_of(request),
        text,
        base_iri=str(request.url.replace(query="", fragment="")),
        using=using,
        using_named=using_named,
        max_query_bytes=settings.max_query_bytes,
        client=client_of(request),
    )
    return Response(status_code=204)


# --- service description ------------------------------------------------------------------------

_SD = "http://www.w3.org/ns/sparql-service-description#"
_FORMATS_NS = "http://www.w3.org/ns/formats/"
_FORMAT_IRIS = {
    "json": "SPARQL_Results_JSON",
    "xml": "SPARQL_Results_XML",
    "csv": "SPARQL_Results_CSV",
    "tsv": "SPARQL_Results_TSV",
    "turtle": "Turtle",
    "ntriples": "N-Triples",
    "jsonld": "JSON-LD",
    "rdfxml": "RDF_XML",
}
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def service_description(request: Request, *, format: Sequence[str]) -> Response:
    """The W3C service description of this service, in the negotiated RDF format.

    Two ``sd:Service``: the query endpoint (``/sparql``: SPARQL 1.1 Query, the union default
    graph, OWL 2 RL entailment — the OWL RDF-Based Semantics regime with the RL profile), and,
    only when writes are on (an update token is configured), the update endpoint
    (``/sparql/update``: SPARQL 1.1 Update, bearer token; no union default graph and no
    entailment regime are claimed for it: on the embedded store an update's ``WHERE`` reads the
    unnamed graph as its default graph). Without a token ``/sparql/update`` answers every request
    with 403, so it is not described.
    """
    fmt = choose(request.headers.get("accept"), kind="graph", format=format)
    endpoint = str(request.url.replace(query="", fragment=""))
    sd = {
        name: ox.NamedNode(_SD + name)
        for name in (
            "Service",
            "endpoint",
            "supportedLanguage",
            "SPARQL11Query",
            "SPARQL11Update",
            "resultFormat",
            "feature",
            "UnionDefaultGraph",
            "defaultEntailmentRegime",
            "defaultSupportedEntailmentProfile",
            "defaultDataset",
            "Dataset",
            "defaultGraph",
            "Graph",
            "namedGraph",
            "NamedGraph",
            "name",
        )
    }
    service = ox.BlankNode()
    triples = [
        ox.Triple(service, _RDF_TYPE, sd["Service"]),
        ox.Triple(service, sd["endpoint"], ox.NamedNode(endpoint)),
        ox.Triple(service, sd["supportedLanguage"], sd["SPARQL11Query"]),
        ox.Triple(service, sd["feature"], sd["UnionDefaultGraph"]),
        ox.Triple(
            service,
            sd["defaultEntailmentRegime"],
            ox.NamedNode("http://www.w3.org/ns/entailment/OWL-RDF-Based"),
        ),
        ox.Triple(
            service,
            sd["defaultSupportedEntailmentProfile"],
            ox.NamedNode("http://www.w3.org/ns/owl-profile/RL"),
        ),
    ]
    triples += [
        ox.Triple(service, sd["resultFormat"], ox.NamedNode(_FORMATS_NS + iri))
        for iri in _FORMAT_IRIS.values()
    ]
    dataset, default = ox.BlankNode(), ox.BlankNode()
    triples += [
        ox.Triple(service, sd["defaultDataset"], dataset),
        ox.Triple(dataset, _RDF_TYPE, sd["Dataset"]),
        ox.Triple(dataset, sd["defaultGraph"], default),
        ox.Triple(default, _RDF_TYPE, sd["Graph"]),
    ]
    named = []
    for graph in store_of(request).graphs():
        if is_version(graph):
            continue  # named by FROM, never in the default dataset (docs/service.md)
        node = ox.BlankNode()
        named.append(node)
        triples += [
            ox.Triple(dataset, sd["namedGraph"], node),
            ox.Triple(node, _RDF_TYPE, sd["NamedGraph"]),
            ox.Triple(node, sd["name"], ox.NamedNode(graph)),
        ]
    if settings_of(request).update_token:
        triples += _update_service(str(request.url_for("update_post")), sd, named)
    if fmt.name == "turtle":
        body = ox.serialize(triples, format=RDF_FORMATS[fmt.name], prefixes={"sd": _SD})
    else:
        body = ox.serialize(triples, format=RDF_FORMATS[fmt.name])
    return Response(body or b"", media_type=fmt.content_type, headers={"Vary": "Accept"})


def _update_service(
    endpoint: str, sd: dict[str, ox.NamedNode], named: list[ox.BlankNode]
) -> list[ox.Triple]:
    """The update endpoint as an ``sd:Service`` of its own, sharing the named graphs."""
    service, dataset, default = ox.BlankNode(), ox.BlankNode(), ox.BlankNode()
    comment = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")
    return [
        ox.Triple(service, _RDF_TYPE, sd["Service"]),
        ox.Triple(service, sd["endpoint"], ox.NamedNode(endpoint)),
        ox.Triple(service, sd["supportedLanguage"], sd["SPARQL11Update"]),
        ox.Triple(
            service,
            comment,
            ox.Literal(
                "SPARQL 1.1 Update; needs 'Authorization: Bearer <token>'. Design graphs and "
                "inferred graphs are written only through /designs.",
                language="en",
            ),
        ),
        ox.Triple(
            service,
            comment,
            ox.Literal(
                "SPARQL 1.1 Update; vraagt 'Authorization: Bearer <token>'. Ontwerpen en "
                "afgeleide grafen schrijf je alleen via /designs.",
                language="nl",
            ),
        ),
        ox.Triple(service, sd["defaultDataset"], dataset),
        ox.Triple(dataset, _RDF_TYPE, sd["Dataset"]),
        ox.Triple(dataset, sd["defaultGraph"], default),
        ox.Triple(default, _RDF_TYPE, sd["Graph"]),
        *(ox.Triple(dataset, sd["namedGraph"], node) for node in named),
    ]
