"""Linked data at the service's root: ``/def``, ``/shapes``, ``/id/…`` (303), ``/doc/…``,
``/doc?uri=…`` (any other IRI a stored design describes), the named graphs ``/graph/…``, VoID and
the dumps.

Every handler picks the format (:func:`~ketenontologie.api.negotiation.choose_document`: an
extension, else ``Accept``) and the language (``?lang=``, else ``Accept-Language``), asks
:class:`~ketenontologie.publication.LinkedData` for the document and answers with it: ``Vary``,
``Link`` to each RDF format, ``Content-Location`` and, for a page, ``Content-Language``. Where
nothing is published the library raises :class:`~ketenontologie.errors.NotPublishedError`, which
:mod:`ketenontologie.api.errors` answers with a 404 (for a browser, :func:`not_found_page`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ketenontologie.authoring.schema import MEDIA_TYPE as SCHEMA_MEDIA_TYPE
from ketenontologie.authoring.schema import schema_bytes
from ketenontologie.errors import BadRequestError, NotPublishedError
from ketenontologie.publication.formats import (
    FORMATS,
    GRAPH_FORMATS,
    HTML,
    DocumentFormat,
    format_for_extension,
    split_extension,
)
from ketenontologie.publication.pages import stylesheet as stylesheet_bytes
from ketenontologie.publication.site import Ask, Document, LinkedData

from .common import settings_of, store_of
from .designs import catalogue_of, version_lines
from .negotiation import choose_document, choose_language, prefers_html

__all__ = ["ask_of", "linked_data_of", "not_found_page", "router"]

_VARY = "Accept, Accept-Language"
"""What every linked-data answer depends on (also every 404: a browser gets a page)."""

router = APIRouter(tags=["Linked data"])
Endpoint = TypeVar("Endpoint", bound=Callable[..., Response])
_NEGOTIATED: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The document, as HTML or RDF by Accept (or by extension).",
        "content": {fmt.media_type: {} for fmt in FORMATS},
    },
    404: {"description": "Nothing is known here: a page with suggestions (or JSON)."},
    406: {"description": "None of the accepted formats is offered."},
}


def _get(path: str, **options: Any) -> Callable[[Endpoint], Endpoint]:
    """Route GET and HEAD on ``path`` to the endpoint; only GET is an OpenAPI operation (one
    operation id each; HEAD is GET without the body)."""

    def register(endpoint: Endpoint) -> Endpoint:
        router.add_api_route(path, endpoint, methods=["GET"], **options)
        router.add_api_route(path, endpoint, methods=["HEAD"], include_in_schema=False)
        return endpoint

    return register


def linked_data_of(request: Request) -> LinkedData:
    """The application's :class:`LinkedData` for its store and base IRI, made once."""
    state = request.app.state
    store = store_of(request)
    service: LinkedData | None = getattr(state, "linked_data", None)
    if service is None or service.store is not store:
        service = LinkedData(
            store,
            base_iri=settings_of(request).base_iri,
            history=functools.partial(version_lines, catalogue_of(request)),
        )
        state.linked_data = service
    return service


def ask_of(request: Request) -> Ask:
    """What ``request`` asks for, its language chosen."""
    params = request.query_params
    lang = params.get("lang")
    return Ask(
        path=request.url.path,
        query=request.url.query,
        lang=choose_language(lang, request.headers.get("accept-language")),
        lang_given=bool(lang),
        inferred=params.get("inferred", "").strip().lower() in ("true", "1", "yes", "on"),
        address=settings_of(request).public_url or str(request.base_url).rstrip("/"),
    )


def _format(
    request: Request,
    extension: str | DocumentFormat | None = None,
    *,
    formats: tuple[DocumentFormat, ...] = FORMATS,
) -> DocumentFormat:
    """The format to answer with: the extension's (one we do not know: nothing is there), else
    the best by ``Accept``."""
    if isinstance(extension, str):
        named = format_for_extension(extension)
        if named is None:
            raise NotPublishedError(request.url.path)
        extension = named
    return choose_document(request.headers.get("accept"), extension=extension, formats=formats)


def _headers(
    stem: str, fmt: DocumentFormat, formats: Sequence[DocumentFormat], query: str = ""
) -> dict[str, str]:
    after = f"?{query}" if query else ""
    alternates = ", ".join(
        f'<{stem}.{other.extension}{after}>; rel="alternate"; type="{other.media_type}"'
        for other in formats
        if other.is_rdf
    )
    return {
        "Vary": _VARY,
        "Link": alternates,
        "Content-Location": f"{stem}.{fmt.extension}{after}",
    }


def _send(document: Document, fmt: DocumentFormat, ask: Ask) -> Response:
    """``document`` in ``fmt``, with the headers that say what else there is."""
    headers = _headers(document.stem, fmt, document.formats, document.query)
    if fmt.is_rdf:
        return Response(document.rdf(fmt), media_type=fmt.content_type, headers=headers)
    headers["Content-Language"] = ask.lang
    if not document.page_is_file:
        del headers["Content-Location"]
    return Response(document.page().encode("utf-8"), media_type=HTML.content_type, headers=headers)


def not_found_page(request: Request, reason: str | None) -> Response | None:
    """The helpful 404 page when the client prefers HTML (a browser), else None (send JSON)."""
    if not prefers_html(request.headers.get("accept")):
        return None
    if getattr(request.app.state, "store", None) is None:
        return None  # not started: nothing to suggest from
    html = linked_data_of(request).not_found_page(ask_of(request), reason=reason)
    return Response(
        html.encode("utf-8"), status_code=404, media_type=HTML.content_type, headers={"Vary": _VARY}
    )


@_get("/def", summary="The ontology", responses=_NEGOTIATED)
def ontology(request: Request) -> Response:
    """The ontology: HTML for browsers, Turtle, JSON-LD, RDF/XML or N-Triples by Accept."""
    fmt = _format(request)
    ask = ask_of(request)
    return _send(linked_data_of(request).ontology(ask), fmt, ask)


@_get("/def.{ext}", summary="The ontology in one format")
def ontology_file(request: Request, ext: str) -> Response:
    """The ontology as ``ttl``, ``jsonld``, ``rdf``, ``nt`` or ``html``."""
    fmt = _format(request, ext)
    ask = ask_of(request)
    return _send(linked_data_of(request).ontology(ask), fmt, ask)


@_get("/def/service", summary="The service vocabulary", responses=_NEGOTIATED)
def service_vocabulary(request: Request) -> Response:
    """The terms the SPARQL service writes into its answers (``…/def/service#truncated``)."""
    fmt = _format(request)
    ask = ask_of(request)
    return _send(linked_data_of(request).service_terms(ask), fmt, ask)


@_get("/def/service.{ext}", summary="The service vocabulary in one format")
def service_vocabulary_file(request: Request, ext: str) -> Response:
    """The service vocabulary as ``ttl``, ``jsonld``, ``rdf``, ``nt`` or ``html``."""
    fmt = _format(request, ext)
    ask = ask_of(request)
    return _send(linked_data_of(request).service_terms(ask), fmt, ask)


@_get(
    "/def/ontwerp.schema.json",
    summary="The JSON Schema of chain designs in YAML",
    responses={200: {"content": {SCHEMA_MEDIA_TYPE: {}}}},
)
def design_schema(request: Request) -> Response:
    """The JSON Schema editors use to complete and check a design in YAML (docs/authoring.md);
    generated from the ontology and the shapes."""
    return Response(
        schema_bytes(),
        media_type=SCHEMA_MEDIA_TYPE,
        headers={"Cache-Control": "public, max-age=3600"},
    )


@_get("/def/{version}", summary="A version of the ontology")
def ontology_version(request: Request, version: str) -> Response:
    """The version IRI ``/def/{version}`` (the current version only), optionally ``.ttl`` etc."""
    number, extension = split_extension(version)
    fmt = _format(request, extension)
    ask = ask_of(request)
    return _send(linked_data_of(request).ontology(ask, version=number), fmt, ask)


@_get("/shapes", summary="The rules", responses=_NEGOTIATED)
def shapes(request: Request) -> Response:
    """The SHACL shapes (rules ``KS-R01``…): HTML or RDF by Accept."""
    fmt = _format(request)
    ask = ask_of(request)
    return _send(linked_data_of(request).shapes_document(ask), fmt, ask)


@_get("/shapes.{ext}", summary="The rules in one format")
def shapes_file(request: Request, ext: str) -> Response:
    """The shapes as ``ttl``, ``jsonld``, ``rdf``, ``nt`` or ``html``."""
    fmt = _format(request, ext)
    ask = ask_of(request)
    return _send(linked_data_of(request).shapes_document(ask), fmt, ask)


@_get("/shapes/{version}", summary="A version of the rules")
def shapes_version(request: Request, version: str) -> Response:
    """The version IRI ``/shapes/{version}`` (the current version only), optionally ``.ttl``."""
    number, extension = split_extension(version)
    fmt = _format(request, extension)
    ask = ask_of(request)
    return _send(linked_data_of(request).shapes_document(ask, version=number), fmt, ask)


@_get(
    "/id/{kind}/{ref}",
    summary="A thing: 303 See Other to its document",
    responses={303: {"description": "See /doc/{kind}/{ref}"}, 404: {"description": "Unknown"}},
)
def thing(request: Request, kind: str, ref: str) -> Response:
    """A concept, the scheme or a thing in a stored design: redirects to its document."""
    linked_data_of(request).thing(ask_of(request), kind, ref)
    query = request.url.query
    location = f"/doc/{kind}/{ref}" + (f"?{query}" if query else "")
    return Response(
        b"", status_code=303, media_type="text/plain", headers={"Location": location, "Vary": _VARY}
    )


@_get("/doc/{kind}/{ref}", summary="The document about a thing", responses=_NEGOTIATED)
def document(request: Request, kind: str, ref: str) -> Response:
    """The document about ``/id/{kind}/{ref}``; ``?inferred=true`` adds inferred data."""
    name, extension = split_extension(ref)
    fmt = _format(request, extension)
    ask = ask_of(request)
    return _send(linked_data_of(request).document(ask, kind, name), fmt, ask)


_ABOUT: dict[int | str, dict[str, Any]] = {
    **_NEGOTIATED,
    303: {"description": "The IRI is one of ours: see its own document (/doc/{kind}/{ref} …)."},
    400: {"description": "No ?uri= given."},
    404: {"description": "No stored design describes the IRI: a page with suggestions (or JSON)."},
}


def _about(request: Request, uri: str | None, extension: str | None) -> Response:
    """The document about ``uri``: 303 to its own path when it has one, else ``/doc?uri=``."""
    if not uri:
        raise BadRequestError(
            "Give the IRI to describe as ?uri=<IRI>, e.g. /doc?uri=https://example.org/id/keten/x "
            "(geef de IRI mee als ?uri=…)."
        )
    if extension is not None and format_for_extension(extension) is None:
        raise NotPublishedError(request.url.path)
    site = linked_data_of(request)
    kept = "&".join(
        f"{key}={quote(value)}" for key, value in request.query_params.multi_items() if key != "uri"
    )
    home = site.home(uri, extension=extension, query=kept)
    if home is not None:
        return Response(
            b"", status_code=303, media_type="text/plain", headers={"Location": home, "Vary": _VARY}
        )
    fmt = _format(request, extension)
    ask = ask_of(request)
    return _send(site.about(ask, uri), fmt, ask)


@_get("/doc", summary="The document about any IRI a stored design describes", responses=_ABOUT)
def document_about(request: Request, uri: str | None = None) -> Response:
    """The document about ``uri``, for IRIs outside our namespaces (a design in its author's
    own, such as ``https://rivierstad.example.nl/id/…``); our own IRIs answer 303 to theirs."""
    return _about(request, uri, None)


@_get("/doc.{ext}", summary="The document about any IRI a stored design describes, in one format")
def document_about_file(request: Request, ext: str, uri: str | None = None) -> Response:
    """``/doc?uri=…`` as ``ttl``, ``jsonld``, ``rdf``, ``nt`` or ``html``."""
    return _about(request, uri, ext)


@_get(
    "/graph/{path:path}",
    summary="A named graph: its triples, or a page about it",
    responses={
        **_NEGOTIATED,
        200: {
            "description": "The graph's triples by Accept (TriG and N-Quads keep its name), "
            "or a page about it for browsers.",
            "content": {fmt.media_type: {} for fmt in GRAPH_FORMATS},
        },
    },
)
def named_graph(request: Request, path: str) -> Response:
    """The stored graph ``https://w3id.org/ketenontologie/graph/{path}``; files: ``/dumps/``."""
    fmt = _format(request, formats=GRAPH_FORMATS)
    ask = ask_of(request)
    return _send(linked_data_of(request).named_graph(ask, path), fmt, ask)


@_get("/.well-known/void", summary="VoID and DCAT of the dataset")
def void(request: Request) -> Response:
    """The dataset description: a page with every dump for browsers, else RDF."""
    fmt = _format(request)
    ask = ask_of(request)
    return _send(linked_data_of(request).dataset(ask), fmt, ask)


@_get("/.well-known/void.{ext}", summary="VoID in one format")
def void_file(request: Request, ext: str) -> Response:
    """The dataset description as ``ttl``, ``jsonld``, ``rdf``, ``nt`` or ``html``."""
    fmt = _format(request, ext)
    ask = ask_of(request)
    return _send(linked_data_of(request).dataset(ask), fmt, ask)


@_get("/dumps", summary="The dumps (the dataset page)")
def dumps(request: Request) -> Response:
    """Every graph and its downloads (the same page as ``/.well-known/void``)."""
    fmt = _format(request)
    ask = ask_of(request)
    return _send(linked_data_of(request).dataset(ask), fmt, ask)


@_get("/dumps/{path:path}", summary="One graph, or all, as a file")
def dump(request: Request, path: str) -> Response:
    """``/dumps/{graph}.{ext}`` (e.g. ``ontwerp/loonaangifteketen.ttl``) or ``alles.nq``."""
    found = linked_data_of(request).dump(ask_of(request), path)
    fmt = found.format
    headers = {} if fmt.is_dataset else _headers(found.stem, fmt, FORMATS)
    return Response(found.body, media_type=fmt.content_type, headers=headers)


@_get("/assets/ketenontologie.css", include_in_schema=False)
def stylesheet() -> Response:
    """The pages' one stylesheet."""
    return Response(
        stylesheet_bytes(),
        media_type="text/css; charset=utf-8",
        headers={"Cache-Control": "max-age=3600"},
    )
