"""Linked data at the service's root: ``/def``, ``/shapes``, ``/id/…`` (303), ``/doc/…``,
the named graphs ``/graph/…``, VoID and the dumps.

Every handler reads the request into an :class:`~ketenontologie.publication.service.Ask`, calls
:class:`~ketenontologie.publication.service.LinkedData` and copies its answer; negotiation,
pages and the helpful 404 live in :mod:`ketenontologie.publication`.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ketenontologie.publication.negotiation import prefers_html, split_extension
from ketenontologie.publication.service import Answer, Ask, LinkedData

from .common import settings_of, store_of

__all__ = ["ask_of", "linked_data_of", "not_found_page", "router", "send"]

router = APIRouter(tags=["Linked data"])
_GET = ["GET", "HEAD"]
_NEGOTIATED: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The document, as HTML or RDF by Accept (or by extension).",
        "content": {
            media: {}
            for media in (
                "text/html",
                "text/turtle",
                "application/ld+json",
                "application/rdf+xml",
                "application/n-triples",
            )
        },
    },
    404: {"description": "Nothing is known here: a page with suggestions (or JSON)."},
    406: {"description": "None of the accepted formats is offered."},
}


def linked_data_of(request: Request) -> LinkedData:
    """The application's :class:`LinkedData` for its store and base IRI, made once."""
    state = request.app.state
    store = store_of(request)
    service: LinkedData | None = getattr(state, "linked_data", None)
    if service is None or service.store is not store:
        service = LinkedData(store, base_iri=settings_of(request).base_iri)
        state.linked_data = service
    return service


def ask_of(request: Request) -> Ask:
    """What ``request`` asks, for :class:`LinkedData`."""
    params = request.query_params
    return Ask(
        path=request.url.path,
        query=request.url.query,
        accept=request.headers.get("accept"),
        accept_language=request.headers.get("accept-language"),
        lang=params.get("lang"),
        inferred=params.get("inferred", "").strip().lower() in ("true", "1", "yes", "on"),
    )


def send(answer: Answer) -> Response:
    """The HTTP response for ``answer``."""
    return Response(
        answer.body,
        status_code=answer.status,
        media_type=answer.media_type,
        headers=dict(answer.headers),
    )


def not_found_page(request: Request, message: str | None) -> Response | None:
    """The helpful 404 page when the client prefers HTML (a browser), else None (send JSON)."""
    if not prefers_html(request.headers.get("accept")):
        return None
    if getattr(request.app.state, "store", None) is None:
        return None  # not started: nothing to suggest from
    return send(linked_data_of(request).not_found(ask_of(request), message=message))


@router.api_route("/def", methods=_GET, summary="The ontology", responses=_NEGOTIATED)
def ontology(request: Request) -> Response:
    """The ontology: HTML for browsers, Turtle, JSON-LD, RDF/XML or N-Triples by Accept."""
    return send(linked_data_of(request).ontology(ask_of(request)))


@router.api_route("/def.{ext}", methods=_GET, summary="The ontology in one format")
def ontology_file(request: Request, ext: str) -> Response:
    """The ontology as ``ttl``, ``jsonld``, ``rdf``, ``nt`` or ``html``."""
    return send(linked_data_of(request).ontology(ask_of(request), extension=ext))


@router.api_route(
    "/def/service", methods=_GET, summary="The service vocabulary", responses=_NEGOTIATED
)
def service_vocabulary(request: Request) -> Response:
    """The terms the SPARQL service writes into its answers (``…/def/service#truncated``)."""
    return send(linked_data_of(request).service_terms(ask_of(request)))


@router.api_route(
    "/def/service.{ext}", methods=_GET, summary="The service vocabulary in one format"
)
def service_vocabulary_file(request: Request, ext: str) -> Response:
    """The service vocabulary as ``ttl``, ``jsonld``, ``rdf``, ``nt`` or ``html``."""
    return send(linked_data_of(request).service_terms(ask_of(request), extension=ext))


@router.api_route("/def/{version}", methods=_GET, summary="A version of the ontology")
def ontology_version(request: Request, version: str) -> Response:
    """The version IRI ``/def/{version}`` (the current version only), optionally ``.ttl`` etc."""
    number, fmt = split_extension(version)
    extension = None if fmt is None else fmt.extension
    answer = linked_data_of(request).ontology(ask_of(request), extension=extension, version=number)
    return send(answer)


@router.api_route("/shapes", methods=_GET, summary="The rules", responses=_NEGOTIATED)
def shapes(request: Request) -> Response:
    """The SHACL shapes (rules ``KS-R01``…): HTML or RDF by Accept."""
    return send(linked_data_of(request).shapes_document(ask_of(request)))


@router.api_route("/shapes.{ext}", methods=_GET, summary="The rules in one format")
def shapes_file(request: Request, ext: str) -> Response:
    """The shapes as ``ttl``, ``jsonld``, ``rdf``, ``nt`` or ``html``."""
    return send(linked_data_of(request).shapes_document(ask_of(request), extension=ext))


@router.api_route("/shapes/{version}", methods=_GET, summary="A version of the rules")
def shapes_version(request: Request, version: str) -> Response:
    """The version IRI ``/shapes/{version}`` (the current version only), optionally ``.ttl``."""
    number, fmt = split_extension(version)
    extension = None if fmt is None else fmt.extension
    answer = linked_data_of(request).shapes_document(
        ask_of(request), extension=extension, version=number
    )
    return send(answer)


@router.api_route(
    "/id/{kind}/{ref}",
    methods=_GET,
    summary="A thing: 303 See Other to its document",
    responses={303: {"description": "See /doc/{kind}/{ref}"}, 404: {"description": "Unknown"}},
)
def thing(request: Request, kind: str, ref: str) -> Response:
    """A concept, the scheme or a thing in a stored design: redirects to its document."""
    return send(linked_data_of(request).thing(ask_of(request), kind, ref))


@router.api_route(
    "/doc/{kind}/{ref}", methods=_GET, summary="The document about a thing", responses=_NEGOTIATED
)
def document(request: Request, kind: str, ref: str) -> Response:
    """The document about ``/id/{kind}/{ref}``; ``?inferred=true`` adds inferred data."""
    return send(linked_data_of(request).document(ask_of(request), kind, ref))


@router.api_route(
    "/graph/{path:path}",
    methods=_GET,
    summary="A named graph: its triples, or a page about it",
    responses={
        **_NEGOTIATED,
        200: {
            "description": "The graph's triples by Accept (TriG and N-Quads keep its name), "
            "or a page about it for browsers.",
            "content": {
                **_NEGOTIATED[200]["content"],
                "application/trig": {},
                "application/n-quads": {},
            },
        },
    },
)
def named_graph(request: Request, path: str) -> Response:
    """The stored graph ``https://w3id.org/ketenontologie/graph/{path}``; files: ``/dumps/``."""
    return send(linked_data_of(request).named_graph(ask_of(request), path))


@router.api_route("/.well-known/void", methods=_GET, summary="VoID and DCAT of the dataset")
def void(request: Request) -> Response:
    """The dataset description: a page with every dump for browsers, else RDF."""
    return send(linked_data_of(request).dataset(ask_of(request)))


@router.api_route("/.well-known/void.{ext}", methods=_GET, summary="VoID in one format")
def void_file(request: Request, ext: str) -> Response:
    """The dataset description as ``ttl``, ``jsonld``, ``rdf``, ``nt`` or ``html``."""
    return send(linked_data_of(request).dataset(ask_of(request), extension=ext))


@router.api_route("/dumps", methods=_GET, summary="The dumps (the dataset page)")
def dumps(request: Request) -> Response:
    """Every graph and its downloads (the same page as ``/.well-known/void``)."""
    return send(linked_data_of(request).dataset(ask_of(request)))


@router.api_route("/dumps/{path:path}", methods=_GET, summary="One graph, or all, as a file")
def dump(request: Request, path: str) -> Response:
    """``/dumps/{graph}.{ext}`` (e.g. ``ontwerp/loonaangifteketen.ttl``) or ``alles.nq``."""
    return send(linked_data_of(request).dump(ask_of(request), path))


@router.api_route("/assets/ketenontologie.css", methods=_GET, include_in_schema=False)
def stylesheet(request: Request) -> Response:
    """The pages' one stylesheet."""
    return send(linked_data_of(request).stylesheet())
