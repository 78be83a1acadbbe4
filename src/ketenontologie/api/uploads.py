"""Uploaded designs: read them safely, validate them with line numbers, report by name.

An upload is read by the store's parser (:func:`ketenontologie.store.parse_triples`: nothing in
it is ever fetched; RDF/XML with a ``DOCTYPE`` and JSON-LD with a remote ``@context`` are
refused). Syntax errors name the upload, line and column. The design is then validated as the
command line validates a file (:func:`ketenontologie.validation.validate`), from a temporary
copy, so results carry line numbers; the report names the upload instead of the copy.

>>> triples = read_upload(
...     b"<https://e.org/a> a <https://e.org/B> .",
...     media_type="text/turtle",
...     name="ontwerp.ttl",
...     base_iri="https://e.org/",
... )
>>> len(triples)
1
"""

from __future__ import annotations

import dataclasses
import json
import tempfile
from pathlib import Path

import pyoxigraph as ox

from ketenontologie.errors import InputError, RDFSyntaxError, RemoteContextError
from ketenontologie.store import UPLOAD_FORMATS, design_graph, parse_triples
from ketenontologie.validation import FailOn, ValidationReport, validate

from .catalogue import DesignCatalogue, PutOutcome
from .errors import NotConformingError

__all__ = ["EXTENSIONS", "read_upload", "store_upload", "upload_name", "validate_upload"]

EXTENSIONS: dict[ox.RdfFormat, str] = {
    ox.RdfFormat.TURTLE: "ttl",
    ox.RdfFormat.N_TRIPLES: "nt",
    ox.RdfFormat.JSON_LD: "jsonld",
    ox.RdfFormat.RDF_XML: "rdf",
}
"""The file extension the validator reads each upload format by."""

_BOM = b"\xef\xbb\xbf"


def _format(media_type: str) -> ox.RdfFormat | None:
    return UPLOAD_FORMATS.get(media_type.split(";")[0].strip().lower())


def upload_name(stem: str, media_type: str) -> str:
    """The name an upload is reported by: ``stem`` with the extension of its format."""
    rdf_format = _format(media_type)
    return f"{stem}.{EXTENSIONS[rdf_format]}" if rdf_format is not None else stem


def read_upload(data: bytes, *, media_type: str, name: str, base_iri: str) -> list[ox.Triple]:
    """Parse an uploaded design; errors name ``name`` with line and column.

    Raises :class:`~ketenontologie.errors.UnknownFormatError` for a media type that is not an
    RDF format read here, :class:`~ketenontologie.errors.RDFSyntaxError` for bad syntax (and a
    ``DOCTYPE`` in RDF/XML), :class:`~ketenontologie.errors.RemoteContextError` for a remote
    JSON-LD context, and :class:`~ketenontologie.errors.InputError` for an empty design.
    """
    data = data.removeprefix(_BOM)
    try:
        triples = parse_triples(data, media_type=media_type, base_iri=base_iri)
    except RemoteContextError:
        raise RemoteContextError(name, context=_remote_context(data)) from None
    except RDFSyntaxError as error:
        raise RDFSyntaxError(
            name, line=error.line, column=error.column, problem=error.problem, hint=error.hint
        ) from None
    if not triples:
        raise InputError(
            f"{name}: the upload holds no triples (het ontwerp is leeg). Send the design's RDF "
            "in the request body."
        )
    return triples


def validate_upload(
    data: bytes,
    *,
    media_type: str,
    name: str,
    base_iri: str,
    triples: list[ox.Triple],
    fail_on: FailOn = "violation",
) -> ValidationReport:
    """Validate an upload that :func:`read_upload` accepted, as the command line would.

    Results carry the upload's line numbers. Relative IRIs resolve against ``base_iri`` as in
    the stored design: Turtle gets ``@base`` on its first line (no line moves); JSON-LD and
    RDF/XML that use relative IRIs are validated from their triples, without line numbers.
    """
    rdf_format = _format(media_type)
    assert rdf_format is not None
    data = data.removeprefix(_BOM)
    if rdf_format == ox.RdfFormat.TURTLE:
        data = f"@base <{base_iri}> . ".encode() + data
    elif rdf_format != ox.RdfFormat.N_TRIPLES and _uses_base(triples, base_iri):
        from rdflib import Graph

        graph = Graph()
        graph.parse(
            data=(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode(),
            format="nt",
        )
        return _renamed(validate(graph, fail_on=fail_on), name=name, copy=None)
    with tempfile.TemporaryDirectory(prefix="ketenontologie-upload-") as folder:
        copy = Path(folder) / f"upload.{EXTENSIONS[rdf_format]}"
        copy.write_bytes(data)
        return _renamed(validate(copy, fail_on=fail_on), name=name, copy=copy)


def _uses_base(triples: list[ox.Triple], base_iri: str) -> bool:
    return any(
        isinstance(term, ox.NamedNode) and term.value.startswith(base_iri)
        for t in triples
        for term in (t.subject, t.predicate, t.object)
    )


def _renamed(report: ValidationReport, *, name: str, copy: Path | None) -> ValidationReport:
    """The report with the temporary copy's path replaced by the upload's name."""
    path = str(copy) if copy is not None else None
    results = tuple(
        dataclasses.replace(result, file=name) if path and result.file == path else result
        for result in report.results
    )
    return dataclasses.replace(report, results=results, files=(name,))


def _remote_context(data: bytes) -> str | None:
    """The first ``@context`` given as a reference rather than inline, if one can be found."""
    try:
        stack = [json.loads(data)]
    except ValueError:
        return None
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            context = node.get("@context")
            for ref in context if isinstance(context, list) else [context]:
                if isinstance(ref, str):
                    return ref
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return None


def store_upload(
    catalogue: DesignCatalogue,
    data: bytes,
    *,
    media_type: str,
    design_id: str,
    strict: bool = False,
    fail_on: FailOn = "violation",
) -> tuple[PutOutcome, ValidationReport]:
    """Read, validate and store an uploaded design with its inferred triples.

    With ``strict``, a design whose report does not conform is refused
    (:class:`~ketenontologie.api.errors.NotConformingError`) and nothing is stored. Relative
    IRIs resolve against the design's graph IRI.
    """
    name = upload_name(design_id, media_type)
    base = design_graph(design_id)
    triples = read_upload(data, media_type=media_type, name=name, base_iri=base)
    report = validate_upload(
        data, media_type=media_type, name=name, base_iri=base, triples=triples, fail_on=fail_on
    )
    if strict and not report.conforms:
        counts = report.summary
        raise NotConformingError(
            f"The design {design_id!r} breaks the rules ({counts.violations} violation(s), "
            f"{counts.warnings} warning(s)), and mode=strict stores only designs that conform; "
            "nothing was stored (niets opgeslagen). Fix what the report lists and upload it "
            "again, or upload without mode=strict.",
            report=report.to_dict(),
        )
    return catalogue.put(design_id, triples), report
