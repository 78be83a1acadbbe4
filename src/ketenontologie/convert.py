"""Convert a chain design between Turtle (the canonical form), YAML, a workbook and ArchiMate.

Turtle out is canonical: the same statements give the same bytes (blank nodes labelled by their
place in the graph, statements sorted, the type of each thing first). YAML and the workbook keep
every statement; ArchiMate keeps the governance and carries what else it can as properties, and
says in its notes what it could not carry.

>>> conversion = convert_file("data/loonaangifteketen.ttl", to="yaml")
>>> conversion.data.startswith(b"# yaml-language-server")
True

The writers of YAML, workbooks and ArchiMate are imported where a design is written in them:
``validate`` asks this module for the notes on what it read, and should not pay for them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TypeAlias, get_args

import pyoxigraph as ox

from ketenontologie.errors import InputError, UnknownFormatError
from ketenontologie.loading import Parsed, parse_file
from ketenontologie.namespaces import PREFIXES

__all__ = [
    "OUTPUT_EXTENSIONS",
    "Conversion",
    "OutputFormat",
    "TemplateFormat",
    "canonical_turtle",
    "convert_file",
    "output_format_for",
    "reading_notes",
    "template",
    "write_design",
]

OutputFormat: TypeAlias = Literal[
    "turtle", "n-triples", "json-ld", "rdf-xml", "yaml", "xlsx", "archimate"
]
TemplateFormat: TypeAlias = Literal["yaml", "xlsx", "archimate"]

OUTPUT_EXTENSIONS: dict[str, OutputFormat] = {
    ".ttl": "turtle",
    ".nt": "n-triples",
    ".jsonld": "json-ld",
    ".rdf": "rdf-xml",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".xlsx": "xlsx",
    ".xml": "archimate",
}
"""The format each extension of an output file means."""

_RDF = {
    "turtle": ox.RdfFormat.TURTLE,
    "n-triples": ox.RdfFormat.N_TRIPLES,
    "json-ld": ox.RdfFormat.JSON_LD,
    "rdf-xml": ox.RdfFormat.RDF_XML,
}
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@dataclass(frozen=True)
class Conversion:
    """A converted design: its bytes, and notes on what the target format could not hold."""

    data: bytes
    format: OutputFormat
    notes: list[str] = field(default_factory=list)


def output_format_for(
    path: str | os.PathLike[str], *, to: OutputFormat | None = None
) -> OutputFormat:
    """The format to write ``path`` in: ``to`` if given, else the one its extension means."""
    if to is not None:
        if to not in get_args(OutputFormat):
            raise UnknownFormatError(
                path,
                problem=f"{to!r} is not a format designs are written in",
                hint="Use one of: " + ", ".join(get_args(OutputFormat)),
            )
        return to
    suffix = Path(path).suffix.lower()
    if suffix not in OUTPUT_EXTENSIONS:
        raise UnknownFormatError(
            path,
            problem=f"cannot tell the format to write from the extension {suffix or '(none)'!r}",
            hint=f"Name the file with one of {', '.join(OUTPUT_EXTENSIONS)}, or give --to",
        )
    return OUTPUT_EXTENSIONS[suffix]


def _triples(quads: Iterable[ox.Quad | ox.Triple]) -> list[ox.Triple]:
    """The statements once each, blank nodes labelled by the graph's canonical form."""
    dataset = ox.Dataset(ox.Quad(q.subject, q.predicate, q.object) for q in quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return [ox.Triple(q.subject, q.predicate, q.object) for q in dataset]


def _order(triple: ox.Triple) -> tuple[int, str, int, str, str]:
    subject = triple.subject
    return (
        isinstance(subject, ox.BlankNode),
        str(subject),
        triple.predicate.value != _RDF_TYPE,
        triple.predicate.value,
        str(triple.object),
    )


def canonical_turtle(quads: Iterable[ox.Quad | ox.Triple]) -> bytes:
    """The design as canonical Turtle: sorted, with the project's prefixes that it uses."""
    triples = sorted(_triples(quads), key=_order)
    text = " ".join(str(t) for t in triples)
    used = {prefix: namespace for prefix, namespace in PREFIXES.items() if f"<{namespace}" in text}
    body = (ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=used) or b"").decode("utf-8")
    lines = [f"@prefix {prefix}: <{namespace}> ." for prefix, namespace in sorted(used.items())]
    for line in body.splitlines():
        if line.startswith("@prefix"):
            continue
        if not line.startswith(("\t", " ")):  # a new subject: a blank line before its block
            lines.append("")
        lines.append(line)
    return ("\n".join(lines) + "\n").encode("utf-8")


def write_design(quads: Sequence[ox.Quad | ox.Triple], format: OutputFormat) -> Conversion:
    """The design in ``format``."""
    if format == "turtle":
        return Conversion(canonical_turtle(quads), format)
    if format in _RDF:
        data = ox.serialize(sorted(_triples(quads), key=_order), format=_RDF[format])
        return Conversion(data or b"", format)
    if format == "yaml":
        from ketenontologie.authoring.yaml import write_yaml

        return Conversion(write_yaml(quads).encode("utf-8"), format)
    if format == "xlsx":
        from ketenontologie.authoring.spreadsheet import write_workbook

        return Conversion(write_workbook(quads), format)
    if format == "archimate":
        from ketenontologie.authoring.archimate import write_archimate

        data, notes = write_archimate(quads)
        return Conversion(data, format, notes)
    raise UnknownFormatError(
        "output",
        problem=f"{format!r} is not a format designs are written in",
        hint="Use one of: " + ", ".join(get_args(OutputFormat)),
    )


def convert_file(source: str | os.PathLike[str], *, to: OutputFormat) -> Conversion:
    """Read a design in any format the loader knows and write it in ``to``; the notes say what
    the source held outside the design (ArchiMate) and what the target could not hold."""
    parsed = parse_file(source)
    if not parsed.quads:
        raise InputError(
            f"{parsed.name}: holds no statements of a design (het ontwerp is leeg), so there is "
            f"nothing to convert.{_notes_text(parsed)}"
        )
    conversion = write_design(parsed.quads, to)
    notes = list(parsed.source_map.notes) if parsed.source_map is not None else []
    return Conversion(conversion.data, conversion.format, notes + conversion.notes)


def _notes_text(parsed: Parsed) -> str:
    if parsed.source_map is None or not parsed.source_map.notes:
        return ""
    return "\n" + "\n".join(parsed.source_map.notes)


def reading_notes(paths: Iterable[str | os.PathLike[str]]) -> list[str]:
    """What reading the ArchiMate files among ``paths`` reports (what maps and what does not)."""
    notes: list[str] = []
    for path in paths:
        if Path(path).suffix.lower() == ".xml" and Path(path).is_file():
            parsed = parse_file(path)
            if parsed.source_map is not None:
                notes += parsed.source_map.notes
    return notes


def template(format: TemplateFormat) -> bytes:
    """A template to start a design from: an empty workbook with its drop-down lists, or the
    starter design (one chain with one entry of each kind) in YAML or ArchiMate."""
    from ketenontologie.authoring.spreadsheet import write_workbook
    from ketenontologie.authoring.starter import starter_quads

    if format == "xlsx":
        return write_workbook([])
    if format in ("yaml", "archimate"):
        return write_design(starter_quads(), format).data
    raise UnknownFormatError(
        "template",
        problem=f"there is no template in {format!r}",
        hint="Use one of: " + ", ".join(get_args(TemplateFormat)),
    )
