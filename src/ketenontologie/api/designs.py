"""``/designs`` (upload, list, fetch, replace, delete chain designs) and ``/validate``.

Handlers are thin: :mod:`ketenontologie.designs` reads, validates, reasons and stores an
upload. An upload answers with the validation report, the same JSON as
``ketenontologie validate --format json``.
"""

from __future__ import annotations

import datetime
import hashlib
from typing import Annotated, Any, Literal
from urllib.parse import unquote

import pyoxigraph as ox
from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from ketenontologie.authoring.spreadsheet import MEDIA_TYPE as XLSX_MEDIA_TYPE
from ketenontologie.changes import render as render_diff
from ketenontologie.designs import (
    DESIGN_ID,
    DesignCatalogue,
    DesignInfo,
    UploadChecker,
    check_design_id,
    store_upload,
    upload_name,
)
from ketenontologie.errors import BadRequestError, DesignExistsError, UnknownDesignError
from ketenontologie.loading import UPLOAD_MEDIA_TYPES
from ketenontologie.namespaces import PREFIXES, design_graph, version_graph
from ketenontologie.publication.chains import VersionLine
from ketenontologie.sparql.results import FORMATS, RDF_FORMATS
from ketenontologie.validation import ValidationReport, render

from .common import client_of, format_values, media_type_of, require_writer
from .errors import READ_ERRORS, WRITE_ERRORS, documented
from .negotiation import DIFF_MEDIA_TYPES, choose, choose_diff, choose_language, choose_report

__all__ = ["REPORT_SCHEMA", "VERSION_NAME_HEADER", "catalogue_of", "router", "version_lines"]

VERSION_NAME_HEADER = "Ketenontologie-Version-Name"
"""The request header that names the version an upload stores (kept in the design's history)."""

router = APIRouter(tags=["Designs"])

_NULLABLE_STRING = {"type": ["string", "null"]}
_SUMMARY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["violations", "warnings", "infos"],
    "properties": {
        "violations": {"type": "integer", "minimum": 0},
        "warnings": {"type": "integer", "minimum": 0},
        "infos": {"type": "integer", "minimum": 0},
    },
}
_TEXTS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["nl", "en"],
    "properties": {"nl": {"type": "string"}, "en": {"type": "string"}},
}
REPORT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["conforms", "summary", "chains", "results"],
    "additionalProperties": False,
    "properties": {
        "conforms": {"type": "boolean"},
        "summary": _SUMMARY_SCHEMA,
        "chains": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["chain", "label", "conforms", "summary"],
                "properties": {
                    "chain": {"type": "string"},
                    "label": _TEXTS_SCHEMA,
                    "conforms": {"type": "boolean"},
                    "summary": _SUMMARY_SCHEMA,
                },
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
                    "chains",
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
                    "message": _TEXTS_SCHEMA,
                    "source": _NULLABLE_STRING,
                    "basis": {"enum": ["nora", "project", None]},
                    "chains": {"type": "array", "items": {"type": "string"}},
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
    "`mode=strict` refuses a design that does not conform (422, the stored version stays). "
    "The version replaced is kept in the design's history (`GET /designs/{id}/history`); "
    f"a `{VERSION_NAME_HEADER}` header names the new version there.",
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
    version_name = _version_name(request)
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
        version_name=version_name,
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
    "(its inferred graph), `include=all` both. `version=N` gives version N of its history "
    "(`GET /designs/{id}/history`) as it was stored: its asserted triples only, also for a "
    "design that was deleted since.",
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
    version: Annotated[
        int | None, Query(description="a version of the design's history (1 is the first)")
    ] = None,
) -> Response:
    """Serialise a design."""
    # `format` is declared for the API description; every value of it and of `output` counts
    fmt = choose(request.headers.get("accept"), kind="graph", format=format_values(request))
    catalogue = catalogue_of(request)
    if version is None:
        triples = await run_in_threadpool(catalogue.read, design_id, include=include)
    else:
        if include != "asserted":
            raise BadRequestError(
                f"include={include} cannot be combined with version={version}: a version keeps "
                "the design's asserted triples only (een versie bewaart alleen het ontwerp). "
                "Leave include out, or leave version out for the stored design's inferred "
                "triples."
            )
        _check_version(version, name="version")
        triples = await run_in_threadpool(catalogue.read_version, design_id, version)
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
    "one transaction; its history keeps it as its last version (`GET "
    "/designs/{id}/history`), and storing the id again continues that history.",
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


_VERSION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["version", "stored", "until", "current", "name", "triples", "summary", "href"],
    "properties": {
        "version": {"type": "integer", "minimum": 1},
        "stored": {"type": ["string", "null"], "format": "date-time"},
        "until": {"type": ["string", "null"], "format": "date-time"},
        "current": {"type": "boolean"},
        "name": _NULLABLE_STRING,
        "triples": {"type": "integer", "minimum": 0},
        "summary": {"type": "string"},
        "href": {"type": "string"},
        "diff": _NULLABLE_STRING,
        "graph": {"type": "string", "format": "uri"},
    },
}


@router.get(
    "/designs/{design_id}/history",
    name="design_history",
    summary="The versions of a design",
    description="Every version of the design, numbered from 1 in the order they were stored; "
    "the last is the design as stored now (`current`), unless it was deleted (then every "
    "version has an `until`). Each has when it was stored and replaced (`until`), the name "
    f"the upload gave in `{VERSION_NAME_HEADER}`, its number of asserted triples, a one-line "
    "summary of what changed since the version before it (in `lang`, else by "
    "`Accept-Language`), and links to the version and to that diff. A design deleted and "
    "stored again continues its history.",
    responses={
        200: {
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["id", "current", "versions"],
                        "properties": {
                            "id": {"type": "string"},
                            "current": {"type": ["integer", "null"]},
                            "versions": {"type": "array", "items": _VERSION_SCHEMA},
                        },
                    }
                }
            }
        },
        **READ_ERRORS,
    },
)
async def design_history(
    request: Request,
    design_id: DesignId,
    lang: Annotated[str | None, Query(description="nl or en (else Accept-Language)")] = None,
) -> JSONResponse:
    """List a design's versions."""
    language = choose_language(lang, request.headers.get("accept-language"), unknown="refuse")
    catalogue = catalogue_of(request)

    def run() -> dict[str, Any]:
        history = catalogue.history(design_id)
        href = str(request.url_for("get_design", design_id=design_id))
        diff = str(request.url_for("design_diff", design_id=design_id))
        versions = []
        for version in history.versions:
            versions.append(
                {
                    "version": version.number,
                    "stored": _time(version.stored),
                    "until": _time(version.until),
                    "current": version.current,
                    "name": version.name,
                    "triples": version.triples,
                    "summary": catalogue.summary(design_id, version.number, lang=language),
                    "href": f"{href}?version={version.number}",
                    "diff": None
                    if version.number == 1
                    else f"{diff}?from={version.number - 1}&to={version.number}",
                    "graph": design_graph(design_id)
                    if version.current
                    else version_graph(design_id, version.number),
                }
            )
        last = history.last
        current = last.number if last is not None and last.current else None
        return {"id": design_id, "current": current, "versions": versions}

    body = await run_in_threadpool(run)
    return JSONResponse(body, headers={"Vary": "Accept-Language"})


@router.get(
    "/designs/{design_id}/diff",
    name="design_diff",
    summary="What changed between two versions of a design",
    description="The changes from version `from` to version `to` in the words of chain "
    "governance, as `ketenontologie diff` gives them, in the format `Accept` (or `format`) asks "
    "for: text (`text/plain`, the default), JSON (`application/json`), Markdown "
    "(`text/markdown`) or RDF Patch (`application/rdf-patch`, which turns `from` into `to`). "
    "`to` defaults to the last version, `from` to the version before `to`. Labels in `lang` "
    "(else by `Accept-Language`).",
    responses={
        200: {
            "content": {
                media[0]: {"schema": {"type": "object" if name == "json" else "string"}}
                for name, media in DIFF_MEDIA_TYPES.items()
            }
        },
        **READ_ERRORS,
    },
)
async def design_diff(
    request: Request,
    design_id: DesignId,
    from_: Annotated[int | None, Query(alias="from", description="the older version")] = None,
    to: Annotated[int | None, Query(description="the newer version")] = None,
    format: Annotated[
        str | None, Query(description="text, json, markdown or patch (overrides Accept)")
    ] = None,
    lang: Annotated[str | None, Query(description="nl or en (else Accept-Language)")] = None,
) -> Response:
    """Compare two versions of a design."""
    chosen = choose_diff(request.headers.get("accept"), format=format)
    language = choose_language(lang, request.headers.get("accept-language"), unknown="refuse")
    catalogue = catalogue_of(request)
    history = await run_in_threadpool(catalogue.history, design_id)
    last = history.last
    assert last is not None
    newer = last.number if to is None else _check_version(to, name="to")
    older = newer - 1 if from_ is None else _check_version(from_, name="from")
    if older < 1:
        raise BadRequestError(
            f"Version {newer} is the design's first: there is nothing before it to compare "
            f"with (er is geen eerdere versie). Give from= and to= (versions 1 to {last.number})."
        )

    def run() -> str:
        return render_diff(
            catalogue.compare_versions(design_id, older, newer), chosen, lang=language
        )

    body = await run_in_threadpool(run)
    media = DIFF_MEDIA_TYPES[chosen][0]
    return Response(
        body if body.endswith("\n") else body + "\n",
        media_type=f"{media}; charset=utf-8",
        headers={"Vary": "Accept, Accept-Language"},
    )


def version_lines(
    catalogue: DesignCatalogue, design_id: str, lang: Literal["nl", "en"]
) -> list[VersionLine]:
    """A design's history as its chain's page lists it, with links to each version and diff
    (none for a design the catalogue does not know)."""
    try:
        history = catalogue.history(design_id)
    except UnknownDesignError:
        return []
    last = history.last
    return [
        VersionLine(
            design_id=design_id,
            number=v.number,
            stored=_time(v.stored),
            name=v.name,
            summary=catalogue.summary(design_id, v.number, lang=lang),
            href=f"/designs/{design_id}?version={v.number}",
            diff=None
            if v.number == 1
            else f"/designs/{design_id}/diff?from={v.number - 1}&to={v.number}&lang={lang}",
            current=v.current,
            deleted=v is last and not v.current,
        )
        for v in history.versions
    ]


def _check_version(number: int, *, name: str) -> int:
    if number < 1:
        raise BadRequestError(
            f"{name}={number} is no version: versions are numbered from 1 (versies tellen vanaf "
            "1). GET /designs/{id}/history lists them."
        )
    return number


def _time(moment: datetime.datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(datetime.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _version_name(request: Request) -> str | None:
    """The version's name from its header (percent-encoded UTF-8 allowed), or None."""
    raw = request.headers.get(VERSION_NAME_HEADER)
    if raw is None or not raw.strip():
        return None
    try:
        name = unquote(raw.strip(), errors="strict")
    except UnicodeDecodeError:
        name = "\0"  # refused below
    if len(name) > 200 or any(ord(char) < 32 for char in name):
        raise BadRequestError(
            f"The {VERSION_NAME_HEADER} header must be at most 200 characters without control "
            "characters (de naam van de versie is te lang of bevat stuurtekens). Shorten it; "
            "write characters other than ASCII percent-encoded as UTF-8 (%C3%A9 for é)."
        )
    return name


def _content_id(data: bytes) -> str:
    """An id made from the upload's bytes, for uploads that give none."""
    return "ontwerp-" + hashlib.sha256(data).hexdigest()[:12]
