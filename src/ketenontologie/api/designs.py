"""``/designs`` (upload, list, fetch, replace, delete chain designs) and ``/validate``.

Handlers are thin: :mod:`ketenontologie.designs` reads, validates, reasons and stores an
upload. An upload answers with the validation report, the same JSON as
``ketenontologie validate --format json``.
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Any, Literal

import pyoxigraph as ox
from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from ketenontologie.authoring.spreadsheet import MEDIA_TYPE as XLSX_MEDIA_TYPE
from ketenontologie.designs import (
    DESIGN_ID,
    DesignCatalogue,
    DesignInfo,
    UploadChecker,
    check_design_id,
    store_upload,
    upload_name,
)
from ketenontologie.errors import DesignExistsError
from ketenontologie.loading import UPLOAD_MEDIA_TYPES
from ketenontologie.namespaces import PREFIXES
from ketenontologie.sparql.results import FORMATS, RDF_FORMATS
from ketenontologie.validation import ValidationReport, render

from .common import client_of, format_values, media_type_of, require_writer
from .errors import READ_ERRORS, WRITE_ERRORS, documented
from .negotiation import choose, choose_report

__all__ = ["REPORT_SCHEMA", "catalogue_of", "router"]

router = APIRouter(tags=["Designs"])

_NULLABLE_STRING = {"type": ["string", "null"]}
REPORT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["conforms", "summary", "results"],
    "additionalProperties": False,
    "properties": {
        "conforms": {"type": "boolean"},
        "summary": {
            "type": "object",
            "required": ["violations", "warnings", "infos"],
            "properties": {
                "violations": {"type": "integer", "minimum": 0},
                "warnings": {"type": "integer", "minimum": 0},
                "infos": {"type": "integer", "minimum": 0},
            },
        },
        "results": {
            "type": "array",
            "items": {
                "type": "object",
                "required": [
                    "rule",
                    "severity",
                    "file",
                    "line",
                    "column",
                    "where",
                    "focusNode",
                    "path",
                    "value",
                    "message",
                    "source",
                    "basis",
                ],
                "properties": {
                    "rule": {"type": "string"},
                    "severity": {"enum": ["Violation", "Warning", "Info"]},
                    "file": _NULLABLE_STRING,
                    "line": {"type": ["integer", "null"]},
                    "column": {"type": ["integer", "null"]},
                    "where": _NULLABLE_STRING,
                    "focusNode": {"type": "string"},
                    "path": _NULLABLE_STRING,
                    "value": _NULLABLE_STRING,
                    "message": {
                        "type": "object",
                        "required": ["nl", "en"],
                        "properties": {"nl": {"type": "string"}, "en": {"type": "string"}},
                    },
                    "source": _NULLABLE_STRING,
                    "basis": {"enum": ["nora", "project", None]},
                },
            },
        },
    },
}
"""JSON schema of the validation report (the command line's ``--format json`` contract)."""

_DESIGN_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "href", "graph", "inferredGraph", "triples", "inferred"],
    "properties": {
        "id": {"type": "string"},
        "href": {"type": "string"},
        "graph": {"type": "string", "format": "uri"},
        "inferredGraph": {"type": "string", "format": "uri"},
        "triples": {"type": "integer", "minimum": 0},
        "inferred": {"type": "integer", "minimum": 0},
    },
}
_REFUSED_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {
        "error": {"type": "string"},
        "message": {"type": "string"},
        "report": REPORT_SCHEMA,
    },
}
_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "description": "The design as Turtle, N-Triples, JSON-LD or RDF/XML, or written by "
        "hand: YAML, a workbook (.xlsx) or an ArchiMate 3.1 exchange file (docs/authoring.md). "
        "Findings point into that file (line and column, sheet and cell, element).",
        "content": {
            media: {"schema": {"type": "string", "format": "binary"}}
            if media == XLSX_MEDIA_TYPE
            else {"schema": {"type": "string"}}
            for media in UPLOAD_MEDIA_TYPES
        },
    }
}
_REPORT_CONTENT = {"application/json": {"schema": REPORT_SCHEMA}}
_REFUSED: dict[int | str, dict[str, Any]] = {
    422: {
        "description": "Refused, nothing stored: the design breaks the rules (mode=strict; the "
        "body carries the report) or contradicts the ontology",
        "content": {"application/json": {"schema": _REFUSED_SCHEMA}},
    }
}
_GRAPH_CONTENT: dict[str, dict[str, object]] = {
    fmt.media_type: {"schema": {"type": "string"}} for fmt in FORMATS if "graph" in fmt.kinds
}

Mode = Annotated[
    Literal["lenient", "strict"],
    Query(description="strict: refuse (422) and store nothing when the design does not conform"),
]
FailOnParam = Annotated[
    Literal["violation", "warning", "info"],
    Query(alias="fail-on", description="the lowest severity that makes the design not conform"),
]
DesignId = Annotated[
    str, Path(pattern=DESIGN_ID, description="the design's id: letters, digits, '.', '_', '-'")
]


def checker_of(request: Request) -> UploadChecker:
    """The confined workers that read and validate uploads."""
    checker: UploadChecker = request.app.state.checker
    return checker


def catalogue_of(request: Request) -> DesignCatalogue:
    """The catalogue the application opened at start-up."""
    catalogue: DesignCatalogue = request.app.state.catalogue
    return catalogue


def _describe(request: Request, info: DesignInfo) -> dict[str, Any]:
    return {
        "id": info.id,
        "href": str(request.url_for("get_design", design_id=info.id)),
        "graph": info.graph,
        "inferredGraph": info.inferred_graph,
        "triples": info.triples,
        "inferred": info.inferred,
    }


def _report(report: ValidationReport, *, status: int, headers: dict[str, str]) -> JSONResponse:
    return JSONResponse(report.to_dict(), status_code=status, headers=headers)


@router.get(
    "/designs",
    summary="List the stored designs",
    description="Every stored chain design with its graphs and how many triples it asserts "
    "and how many inferred triples its inferred graph holds.",
    responses={
        200: {
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["designs"],
                        "properties": {"designs": {"type": "array", "items": _DESIGN_SCHEMA}},
                    }
                }
            }
        },
        **READ_ERRORS,
    },
)
async def list_designs(request: Request) -> JSONResponse:
    """List the designs."""
    infos = await run_in_threadpool(catalogue_of(request).infos)
    return JSONResponse({"designs": [_describe(request, info) for info in infos]})


@router.post(
    "/designs",
    summary="Upload a new design (needs the update token)",
    description="Validate the design, reason over it with the stored designs and store it with "
    "its inferred triples in one transaction. The id comes from `id` (or a `Slug` header); "
    "without one it is made from the content. Answers 201 with the validation report and "
    "`Location`; 409 when the id is taken (replace with PUT). `mode=strict` refuses a design "
    "that does not conform (422, nothing stored). A design that contradicts the ontology is "
    "always refused (422).",
    status_code=201,
    openapi_extra=_UPLOAD_BODY,
    responses={
        201: {"description": "Stored; the validation report", "content": _REPORT_CONTENT},
        **WRITE_ERRORS,
        **documented((409, "A design with this id is already stored")),
        **_REFUSED,
    },
)
async def create_design(
    request: Request,
    id: Annotated[str | None, Query(pattern=DESIGN_ID, description="the new design's id")] = None,
    mode: Mode = "lenient",
    fail_on: FailOnParam = "violation",
) -> JSONResponse:
    """Store a new design."""
    require_writer(request)
    data = await request.body()
    design_id = check_design_id(id or request.headers.get("slug") or _content_id(data))
    catalogue = catalogue_of(request)
    if design_id in catalogue:
        raise DesignExistsError(
            f"A design {design_id!r} is already stored (bestaat al). Replace it with "
            f"PUT /designs/{design_id}, or choose another id."
        )
    return await _store(request, catalogue, data, design_id, mode=mode, fail_on=fail_on)


@router.put(
    "/designs/{design_id}",
    summary="Store or replace a design (needs the update token)",
    description="Validate the design and store it under this id with its inferred triples, "
    "replacing an older version in the same transaction: 201 when new, 200 when replaced, "
    "with the validation report. Only what the change touches is reasoned again. "
    "`mode=strict` refuses a design that does not conform (422, the stored version stays).",
    status_code=200,
    openapi_extra=_UPLOAD_BODY,
    responses={
        200: {"description": "Replaced; the validation report", "content": _REPORT_CONTENT},
        201: {"description": "Stored; the validation report", "content": _REPORT_CONTENT},
        **WRITE_ERRORS,
        **_REFUSED,
    },
)
async def put_design(
    request: Request,
    design_id: DesignId,
    mode: Mode = "lenient",
    fail_on: FailOnParam = "violation",
) -> JSONResponse:
    """Store or replace a design."""
    require_writer(request)
    data = await request.body()
    return await _store(request, catalogue_of(request), data, design_id, mode=mode, fail_on=fail_on)


async def _store(
    request: Request,
    catalogue: DesignCatalogue,
    data: bytes,
    design_id: str,
    *,
    mode: str,
    fail_on: Any,
) -> JSONResponse:
    media_type, _ = media_type_of(request)
    outcome, report = await run_in_threadpool(
        store_upload,
        catalogue,
        data,
        media_type=media_type,
        design_id=design_id,
        strict=mode == "strict",
        fail_on=fail_on,
        checker=checker_of(request),
        client=client_of(request),
    )
    href = str(request.url_for("get_design", design_id=design_id))
    return _report(
        report,
        status=201 if outcome.created else 200,
        headers={
            "Location": href,
            "Ketenontologie-Inferred-Triples": str(outcome.info.inferred),
        },
    )


@router.get(
    "/designs/{design_id}",
    name="get_design",
    summary="Fetch a design",
    description="The design as stored, in the format `Accept` (or `format`) asks for: Turtle, "
    "N-Triples, JSON-LD or RDF/XML. `include=inferred` gives the triples inferred from it "
    "(its inferred graph), `include=all` both.",
    responses={200: {"content": _GRAPH_CONTENT}, **READ_ERRORS},
)
async def get_design(
    request: Request,
    design_id: DesignId,
    include: Annotated[
        Literal["asserted", "inferred", "all"],
        Query(description="the design's own triples, those inferred from it, or both"),
    ] = "asserted",
    format: Annotated[
        str | None, Query(description="wins over Accept (`output` is read as well)")
    ] = None,
) -> Response:
    """Serialise a design."""
    # `format` is declared for the API description; every value of it and of `output` counts
    fmt = choose(request.headers.get("accept"), kind="graph", format=format_values(request))
    catalogue = catalogue_of(request)
    triples = await run_in_threadpool(catalogue.read, design_id, include=include)
    if fmt.name == "turtle":
        body = ox.serialize(triples, format=RDF_FORMATS[fmt.name], prefixes=dict(PREFIXES))
    else:
        body = ox.serialize(triples, format=RDF_FORMATS[fmt.name])
    return Response(
        body or b"",
        media_type=fmt.content_type,
        headers={"Vary": "Accept", "Ketenontologie-Triples": str(len(triples))},
    )


@router.delete(
    "/designs/{design_id}",
    summary="Delete a design (needs the update token)",
    description="Remove the design and exactly the inferred triples nothing else supports, in "
    "one transaction.",
    status_code=204,
    responses=WRITE_ERRORS,
)
async def delete_design(request: Request, design_id: DesignId) -> Response:
    """Remove a design."""
    require_writer(request)
    await run_in_threadpool(catalogue_of(request).remove, design_id)
    return Response(status_code=204)


@router.post(
    "/validate",
    tags=["Validation"],
    summary="Validate a design without storing it",
    description="The validation report of the posted design, as the command line gives it: "
    "the JSON contract (`application/json`, the default) or a SHACL `sh:ValidationReport` in "
    "Turtle (`Accept: text/turtle`). Nothing is stored; no token needed.",
    openapi_extra=_UPLOAD_BODY,
    responses={
        200: {
            "description": "The validation report",
            "content": {**_REPORT_CONTENT, "text/turtle": {"schema": {"type": "string"}}},
        },
        **READ_ERRORS,
    },
)
async def validate_design(request: Request, fail_on: FailOnParam = "violation") -> Response:
    """Validate a posted design."""
    answer = choose_report(request.headers.get("accept"))
    media_type, _ = media_type_of(request)
    data = await request.body()
    name = upload_name("ontwerp", media_type)
    base = str(request.url.replace(query="", fragment=""))

    def run() -> ValidationReport:
        report, _ = checker_of(request).check(
            data,
            media_type=media_type,
            name=name,
            base_iri=base,
            fail_on=fail_on,
            client=client_of(request),
        )
        return report

    report = await run_in_threadpool(run)
    if answer == "turtle":
        return Response(
            render(report, "turtle"),
            media_type="text/turtle; charset=utf-8",
            headers={"Vary": "Accept"},
        )
    return JSONResponse(report.to_dict(), headers={"Vary": "Accept"})


def _content_id(data: bytes) -> str:
    """An id made from the upload's bytes, for uploads that give none."""
    return "ontwerp-" + hashlib.sha256(data).hexdigest()[:12]
