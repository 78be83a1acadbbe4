"""What the route modules share: the store, settings, token check, bodies and answers."""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from urllib.parse import parse_qs

from fastapi import Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ketenontologie.config import Settings
from ketenontologie.errors import (
    AuthenticationRequiredError,
    BadRequestError,
    UnsupportedMediaTypeError,
    WritesDisabledError,
)
from ketenontologie.store import GraphStore, QueryDataset, QueryResult, run_query

from .negotiation import choose

__all__ = [
    "FORMAT_PARAMETERS",
    "INFERENCE_HEADER",
    "RDFLIB_DEFAULT_GRAPH",
    "answer_query",
    "client_of",
    "dataset_from",
    "form_fields",
    "format_values",
    "inference_from",
    "media_type_of",
    "read_text_body",
    "require_writer",
    "settings_of",
    "single",
    "store_of",
]

INFERENCE_HEADER = "Ketenontologie-Inference"


def store_of(request: Request) -> GraphStore:
    """The store the application opened at start-up."""
    store: GraphStore = request.app.state.store
    return store


def client_of(request: Request) -> str | None:
    """Who asks, for a fair share of the query workers: the client's address."""
    return request.client.host if request.client else None


def settings_of(request: Request) -> Settings:
    """The application's settings."""
    settings: Settings = request.app.state.settings
    return settings


def require_writer(request: Request) -> None:
    """Let a write through only with the configured bearer token (compared in constant time)."""
    token = settings_of(request).update_token
    if not token:
        raise WritesDisabledError(
            "Writes are switched off on this service (schrijven staat uit): no update token is "
            "configured. Set KETENONTOLOGIE_UPDATE_TOKEN and restart to allow them."
        )
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        given.strip().encode(), token.encode()
    ):
        raise AuthenticationRequiredError(
            "This write needs the update token (geen of een verkeerd token): send "
            "'Authorization: Bearer <token>'."
        )


def media_type_of(request: Request) -> tuple[str, str | None]:
    """The request's media type (lower case) and its charset parameter, if any."""
    header = request.headers.get("content-type", "")
    parts = [part.strip() for part in header.split(";")]
    charset = None
    for param in parts[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return parts[0].lower(), charset


async def read_text_body(request: Request, *, charset: str | None) -> str:
    """The body as text: UTF-8 only, as the SPARQL Protocol asks."""
    if charset not in (None, "utf-8", "utf8"):
        raise UnsupportedMediaTypeError(
            f"The body is declared as {charset}; SPARQL is sent as UTF-8. "
            "Encode it as UTF-8 (charset=utf-8) and try again."
        )
    data = await request.body()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadRequestError(
            f"The body is not valid UTF-8 (byte {error.start}). Encode it as UTF-8."
        ) from None


async def form_fields(request: Request) -> dict[str, list[str]]:
    """Fields of an ``application/x-www-form-urlencoded`` body."""
    text = await read_text_body(request, charset=media_type_of(request)[1])
    return parse_qs(text, keep_blank_values=True)


def single(values: Sequence[str], *, name: str) -> str | None:
    """The one value of a parameter that may be given once; None when absent."""
    if len(values) > 1:
        raise BadRequestError(
            f"The parameter {name!r} was given {len(values)} times; give it once."
        )
    return values[0] if values else None


FORMAT_PARAMETERS = ("format", "output")
"""The parameters that name a result format beside ``Accept``: SPARQLWrapper sends both (and
``results``, which no server reads), Virtuoso reads ``format``, Fuseki ``output``."""


def format_values(request: Request, fields: dict[str, list[str]] | None = None) -> list[str]:
    """Every value of ``format`` and ``output``, in the URL and (for a form) in ``fields``;
    :func:`~ketenontologie.api.negotiation.choose` decides what they mean together."""
    params = request.query_params
    values = [value for name in FORMAT_PARAMETERS for value in params.getlist(name)]
    for name in FORMAT_PARAMETERS:
        values += (fields or {}).get(name, [])
    return values


RDFLIB_DEFAULT_GRAPH = "urn:x-rdflib:default"
"""rdflib's name for the default graph of a ``Dataset``. A ``Dataset`` over rdflib's
``SPARQLStore`` sends it as ``default-graph-uri`` with every query: it means the default graph,
so the service's own default graph answers."""


def dataset_from(default: Sequence[str], named: Sequence[str]) -> QueryDataset | None:
    """The protocol's dataset (default-graph-uri / named-graph-uri), if any was given.

    ``default-graph-uri=urn:x-rdflib:default`` alone (rdflib's ``Dataset``) asks for the
    default graph: no dataset of its own.
    """
    if list(default) == [RDFLIB_DEFAULT_GRAPH] and not named:
        return None
    if not default and not named:
        return None
    return QueryDataset(default_graphs=tuple(default), named_graphs=tuple(named))


def inference_from(value: str | None, header: str | None) -> bool:
    """Whether inferred triples take part: ``inference=false`` or the header turn them off."""
    raw = value if value is not None else header
    if raw is None or raw == "":
        return True
    lowered = raw.strip().lower()
    if lowered in ("true", "on", "1", "yes"):
        return True
    if lowered in ("false", "off", "0", "no"):
        return False
    raise BadRequestError(f"inference={raw!r} is not understood. Use true or false.")


async def answer_query(
    request: Request,
    query: str,
    *,
    dataset: QueryDataset | None,
    inference: bool,
    format: Sequence[str],
    checked: bool = False,
) -> Response:
    """Run a query under the service's rules and answer with the negotiated serialisation.

    ``checked``: the text is a named query's, whose template was checked when it was loaded.
    """
    settings = settings_of(request)
    accept = request.headers.get("accept")
    base = str(request.url.replace(query="", fragment=""))
    result: QueryResult = await run_in_threadpool(
        run_query,
        store_of(request),
        query,
        choose_format=lambda kind: choose(accept, kind=kind, format=format),
        inference=inference,
        dataset=dataset,
        base_iri=base,
        timeout=settings.query_timeout,
        row_limit=settings.row_limit,
        max_query_bytes=settings.max_query_bytes,
        max_bytes=settings.max_result_bytes,
        checked=checked,
        client=client_of(request),
    )
    return Response(
        result.body,
        media_type=result.format.content_type,
        headers={
            "Vary": "Accept",
            "Ketenontologie-Result-Count": str(result.count),
            "Ketenontologie-Result-Truncated": "true" if result.truncated else "false",
            "Ketenontologie-Row-Limit": str(settings.row_limit),
            "Ketenontologie-Inference": "true" if inference else "false",
        },
    )
