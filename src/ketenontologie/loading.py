"""Load RDF files into rdflib graphs and datasets, or into pyoxigraph quads.

Designs written by hand in YAML, a workbook (``.xlsx``) or ArchiMate (``.xml``) are read here
too, by :mod:`ketenontologie.authoring`: their :class:`Parsed` carries a source map that says
where in the author's file each statement was written.

RDF is parsed by pyoxigraph: it is fast, reports precise positions, never fetches remote
JSON-LD contexts and never resolves external XML entities. Every file loads whole or not at
all: a syntax error raises :class:`~ketenontologie.errors.RDFSyntaxError` with file, line and
column, and nothing of that call's input is returned.

>>> from ketenontologie.loading import load_graph
>>> graph = load_graph("tests/fixtures/loading/valid/chain.ttl")  # doctest: +SKIP
>>> len(graph)  # doctest: +SKIP
3
"""

from __future__ import annotations

import io
import json
import os
import re
import xml.parsers.expat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Literal, TypeAlias, cast, get_args

import pyoxigraph as ox

from ketenontologie.authoring import XLSX_MEDIA_TYPE
from ketenontologie.bounds import check_nesting, check_size
from ketenontologie.errors import (
    InputError,
    InputNotFoundError,
    RDFSyntaxError,
    RemoteContextError,
    UnknownFormatError,
    UnreadableInputError,
)
from ketenontologie.resources import ontology_files

if TYPE_CHECKING:  # rdflib and the authoring readers load only where a graph or design needs them
    from rdflib import Dataset, Graph

    from ketenontologie.authoring.sourcemap import SourceMap

__all__ = [
    "DESIGN_FORMATS",
    "EXTENSIONS",
    "RDF_EXTENSIONS",
    "SYNTAXES",
    "UPLOAD_MEDIA_TYPES",
    "DesignFormat",
    "Format",
    "GraphPlacement",
    "Parsed",
    "PathLike",
    "RDFFormat",
    "Syntax",
    "find_rdf_files",
    "format_for",
    "load_dataset",
    "load_graph",
    "load_ontology",
    "parse_bytes",
    "parse_data",
    "parse_file",
    "parse_quads",
    "parse_upload",
    "syntax_for_media_type",
]

RDFFormat: TypeAlias = Literal["turtle", "trig", "n-triples", "n-quads", "json-ld", "rdf-xml"]
"""The RDF serialisations the loader reads."""

DesignFormat: TypeAlias = Literal["yaml", "xlsx", "archimate"]
"""Designs written by hand: YAML, a workbook, an ArchiMate exchange file."""
Format: TypeAlias = RDFFormat | DesignFormat
DESIGN_FORMATS: tuple[DesignFormat, ...] = get_args(DesignFormat)

GraphPlacement: TypeAlias = Literal["as-written", "per-file"]
"""Where :func:`parse_quads` puts a file's default-graph triples: keep them in the default
graph, or move them into a named graph for the file."""

PathLike: TypeAlias = str | os.PathLike[str]


@dataclass(frozen=True, slots=True)
class Syntax:
    """One RDF serialisation: its name, the parser's format, file extensions and media types.

    The first extension is the one files get; the first media type is the canonical one.
    """

    name: Format
    ox_format: ox.RdfFormat | None
    """pyoxigraph's format; None for a design written by hand (read by its own reader)."""
    extensions: tuple[str, ...]
    media_types: tuple[str, ...]
    upload: bool = True
    """Whether an upload of one design (one graph) may come in this syntax."""
    text: bool = True
    """Whether the syntax is text in UTF-8 (a workbook is not)."""


SYNTAXES: tuple[Syntax, ...] = (
    Syntax(
        "turtle", ox.RdfFormat.TURTLE, (".ttl", ".turtle"), ("text/turtle", "application/x-turtle")
    ),
    Syntax("trig", ox.RdfFormat.TRIG, (".trig",), ("application/trig",), upload=False),
    Syntax("n-triples", ox.RdfFormat.N_TRIPLES, (".nt",), ("application/n-triples", "text/plain")),
    Syntax("n-quads", ox.RdfFormat.N_QUADS, (".nq",), ("application/n-quads",), upload=False),
    Syntax("json-ld", ox.RdfFormat.JSON_LD, (".jsonld",), ("application/ld+json",)),
    Syntax("rdf-xml", ox.RdfFormat.RDF_XML, (".rdf", ".owl"), ("application/rdf+xml",)),
    Syntax(
        "yaml", None, (".yaml", ".yml"), ("application/yaml", "application/x-yaml", "text/yaml")
    ),
    Syntax("xlsx", None, (".xlsx",), (XLSX_MEDIA_TYPE,), text=False),
    Syntax("archimate", None, (".xml",), ("application/xml", "text/xml")),
)
"""Every format the project reads: the one table of names, extensions and types."""

_BY_NAME: Mapping[Format, Syntax] = {syntax.name: syntax for syntax in SYNTAXES}

EXTENSIONS: Mapping[str, Format] = {
    extension: syntax.name for syntax in SYNTAXES for extension in syntax.extensions
}
"""File extensions (lower case) and the format each one means."""

RDF_EXTENSIONS: Mapping[str, RDFFormat] = {
    extension: name  # type: ignore[misc]
    for extension, name in EXTENSIONS.items()
    if name not in DESIGN_FORMATS
}
"""Extensions of the RDF formats: what a directory is searched for (a design in YAML, a
workbook or ArchiMate is read when it is named)."""

UPLOAD_MEDIA_TYPES: Mapping[str, Syntax] = {
    media_type: syntax for syntax in SYNTAXES if syntax.upload for media_type in syntax.media_types
}
"""Media types of an uploaded design (one graph each) and the syntax each one means."""

_UTF8_BOM = b"\xef\xbb\xbf"
_POSITION_PREFIX = re.compile(r"^Parser error (?:at|between) [^:]*:\s*")
_DOCTYPE = re.compile(rb"<!doctype", re.IGNORECASE)


# --- finding files ------------------------------------------------------------------------------


def _as_paths(path_or_paths: PathLike | Iterable[PathLike]) -> list[PathLike]:
    if isinstance(path_or_paths, str | os.PathLike):
        return [path_or_paths]
    return list(path_or_paths)


def find_rdf_files(paths: PathLike | Iterable[PathLike]) -> list[Path]:
    """Expand files and directories into the RDF files to load.

    Files are kept as given, whatever their extension. Directories are searched recursively for
    files with an extension in :data:`RDF_EXTENSIONS` (hidden directories are skipped), sorted.
    Duplicates are dropped; the order of the arguments is kept.

    >>> find_rdf_files(["ontology", "data/loonaangifteketen.ttl"])  # doctest: +SKIP
    [PosixPath('ontology/begrippenkader.ttl'), PosixPath('ontology/ketenontologie.ttl'), ...]
    """
    found: dict[Path, Path] = {}  # resolved path -> path as given, so each file loads once
    for raw in _as_paths(paths):
        path = Path(raw)
        if not str(raw):
            raise InputError("An empty path was given. Name an RDF file or a directory.")
        if path.is_dir():
            in_directory = sorted(
                candidate
                for candidate in path.rglob("*")
                if candidate.suffix.lower() in RDF_EXTENSIONS
                and candidate.is_file()
                and not any(part.startswith(".") for part in candidate.relative_to(path).parts)
            )
            if not in_directory:
                raise InputNotFoundError(
                    path,
                    problem="the directory holds no RDF files",
                    hint=f"Put files with one of {', '.join(RDF_EXTENSIONS)} in it, "
                    "or name the files directly",
                )
            for candidate in in_directory:
                found.setdefault(candidate.resolve(), candidate)
        elif path.is_file():
            found.setdefault(path.resolve(), path)
        else:
            raise InputNotFoundError(
                path, problem="no such file or directory", hint="Check the path and try again"
            )
    return list(found.values())


def format_for(path: PathLike, *, format: Format | None = None) -> Format:
    """The format to parse ``path`` with: ``format`` if given, else the one its extension means.

    >>> format_for("keten.ttl"), format_for("keten.txt", format="n-triples")
    ('turtle', 'n-triples')
    """
    if format is not None:
        if format not in _BY_NAME:
            raise UnknownFormatError(
                path,
                problem=f"{format!r} is not a supported RDF format or design format",
                hint=f"Use one of: {', '.join(_BY_NAME)}",
            )
        return format
    suffix = Path(path).suffix.lower()
    try:
        return EXTENSIONS[suffix]
    except KeyError:
        raise UnknownFormatError(
            path,
            problem="cannot tell the RDF format or design format from the extension "
            f"{suffix or '(none)'!r}",
            hint=f"Rename the file to one of {', '.join(EXTENSIONS)}, "
            "or name the format explicitly",
        ) from None


# --- parsing one file ---------------------------------------------------------------------------


def _read_bytes(path: Path) -> bytes:
    try:
        check_size(path.stat().st_size, name=str(path))
        return path.read_bytes()
    except FileNotFoundError:
        raise InputNotFoundError(
            path, problem="no such file", hint="Check the path and try again"
        ) from None
    except IsADirectoryError:
        raise UnreadableInputError(
            path,
            problem="is a directory, not a file",
            hint="Name a file, or pass the directory where directories are accepted",
        ) from None
    except OSError as error:
        raise UnreadableInputError(
            path,
            problem=f"cannot be read ({error.strerror})",
            hint="Check its permissions and try again",
        ) from None


def _check_utf8(name: str, data: bytes) -> None:
    """Raise a positioned error for bytes that are not UTF-8 (the encoding of every text format)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        line_start = before.rfind(b"\n") + 1
        column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
        raise RDFSyntaxError(
            name,
            line=line,
            column=column,
            problem=f"The byte 0x{data[error.start]:02x} is not valid UTF-8",
            hint="Save the file as UTF-8 and try again",
        ) from None


def syntax_for_media_type(media_type: str, *, name: str = "request body") -> Syntax:
    """The syntax of an uploaded design's media type (parameters such as charset ignored).

    Raises :class:`~ketenontologie.errors.UnknownFormatError` naming the types that are read.
    """
    syntax = UPLOAD_MEDIA_TYPES.get(media_type.split(";")[0].strip().lower())
    if syntax is None:
        raise UnknownFormatError(
            name,
            problem=f"the media type {media_type or '(none)'!r} is not a format read here",
            hint=f"Send it as one of: {', '.join(UPLOAD_MEDIA_TYPES)}",
        )
    return syntax


@dataclass(frozen=True, slots=True)
class Parsed:
    """A parsed source: its name, format, text (for line numbers) and quads, read once."""

    name: str
    format: Format
    data: bytes
    """The bytes as parsed (a byte order mark dropped), for telling where a node is written."""
    base_iri: str | None
    quads: list[ox.Quad]
    path: Path | None = None
    """The file, when the source is one."""
    source_map: SourceMap | None = None
    """For a design written by hand: where in the author's file each statement was written."""

    @property
    def text(self) -> str:
        """The source as text (every RDF format is read as UTF-8)."""
        return self.data.decode("utf-8", errors="replace")


def parse_file(
    path: PathLike, *, format: Format | None = None, base_iri: str | None = None
) -> Parsed:
    """Read and parse one file (its format from the extension unless ``format`` is given).

    Relative IRIs resolve against ``base_iri``, by default the file's own ``file:`` IRI.

    >>> parse_file("tests/fixtures/loading/valid/chain.ttl").format
    'turtle'
    """
    path = Path(path)
    rdf_format = format_for(path, format=format)
    data = _read_bytes(path)
    if _BY_NAME[rdf_format].text:
        data = data.removeprefix(_UTF8_BOM)
    base = base_iri or path.resolve().as_uri()
    quads, places = _parse(data, format=rdf_format, name=str(path), base_iri=base)
    return Parsed(str(path), rdf_format, data, base, quads, path, places)


def parse_upload(data: bytes, *, media_type: str, name: str, base_iri: str) -> Parsed:
    """Parse an uploaded document (one graph) by its media type; see :func:`parse_bytes`.

    >>> parse_upload(b"<a:s> <a:p> <a:o> .", media_type="text/turtle", name="x", base_iri="a:")
    ... # doctest: +ELLIPSIS
    Parsed(name='x', format='turtle', ...)
    """
    syntax = syntax_for_media_type(media_type, name=name)
    if syntax.text:
        data = data.removeprefix(_UTF8_BOM)
    quads, places = _parse(data, format=syntax.name, name=name, base_iri=base_iri)
    return Parsed(name, syntax.name, data, base_iri, quads, source_map=places)


def parse_data(data: bytes, *, name: str, format: Format, base_iri: str) -> Parsed:
    """Parse a file's bytes read from elsewhere than the file system (a git revision), as
    :func:`parse_file` parses the file: the same size bound, the same readers.

    ``name`` is what messages name (e.g. ``HEAD:data/keten.ttl``); ``base_iri`` resolves
    relative IRIs (pass the work-tree file's ``file:`` IRI to read them as that file would).

    >>> parse_data(b"<a:s> <a:p> <a:o> .", name="x", format="n-triples", base_iri="a:").format
    'n-triples'
    """
    check_size(len(data), name=name)
    if _BY_NAME[format_for(name, format=format)].text:
        data = data.removeprefix(_UTF8_BOM)
    quads, places = _parse(data, format=format, name=name, base_iri=base_iri)
    return Parsed(name, format, data, base_iri, quads, source_map=places)


def parse_bytes(
    data: bytes,
    *,
    format: Format,
    name: str,
    base_iri: str | None = None,
) -> list[ox.Quad]:
    """Parse RDF bytes whole or not at all; errors name ``name`` with line and column.

    The one parse of the project, for files and uploads alike. Every format is read as UTF-8
    (a byte order mark is dropped); nothing is ever fetched: RDF/XML with a ``DOCTYPE`` (entity
    declarations, external entities) and JSON-LD with a remote ``@context`` are refused.
    Blank node labels are made unique to this parse.

    >>> [q.object.value for q in parse_bytes(b'<a:s> <a:p> "o" .', format="n-triples", name="x")]
    ['o']
    """
    return _parse(data, format=format, name=name, base_iri=base_iri)[0]


def _parse(
    data: bytes, *, format: Format, name: str, base_iri: str | None
) -> tuple[list[ox.Quad], SourceMap | None]:
    """The quads of ``data`` and, for a design written by hand, its source map."""
    if format in DESIGN_FORMATS:
        if _BY_NAME[format].text and format != "archimate":
            data = data.removeprefix(_UTF8_BOM)
            _check_utf8(name, data)
        return _read_design(data, format=format, name=name, base_iri=base_iri)
    # A byte order mark, as some Windows editors write, is not read as part of the first term.
    data = data.removeprefix(_UTF8_BOM)
    _check_utf8(name, data)
    if format == "rdf-xml":
        _refuse_doctype(name, data)
    check_nesting(data, format=format, name=name)
    ox_format = _BY_NAME[format].ox_format
    assert ox_format is not None
    try:
        return (
            list(ox.parse(data, format=ox_format, base_iri=base_iri, rename_blank_nodes=True)),
            None,
        )
    except SyntaxError as error:
        raise _syntax_error(name, data, format, error) from None


def _read_design(
    data: bytes, *, format: DesignFormat, name: str, base_iri: str | None
) -> tuple[list[ox.Quad], SourceMap]:
    """A design written by hand, by its format's reader (imported here: each is slow to load)."""
    if format == "yaml":
        from ketenontologie.authoring.yaml import read_yaml

        return read_yaml(data, name=name, base_iri=base_iri)
    if format == "xlsx":
        from ketenontologie.authoring.spreadsheet import read_workbook

        return read_workbook(data, name=name, base_iri=base_iri)
    from ketenontologie.authoring.archimate import read_archimate

    return read_archimate(data, name=name, base_iri=base_iri)


def _refuse_doctype(name: str, data: bytes) -> None:
    found = _DOCTYPE.search(data)
    if found is None:
        return
    before = data[: found.start()]
    raise RDFSyntaxError(
        name,
        line=before.count(b"\n") + 1,
        column=found.start() - (before.rfind(b"\n") + 1) + 1,
        problem="RDF/XML with a DOCTYPE is refused: its ENTITY declarations can reach outside "
        "the file or blow up",
        hint="Remove the DOCTYPE and write the entities' values out in the file",
    )


def _syntax_error(name: str, data: bytes, rdf_format: Format, error: SyntaxError) -> InputError:
    problem = _POSITION_PREFIX.sub("", error.msg or str(error))
    if "LoadDocumentCallback" in problem or "remote context" in problem.lower():
        return RemoteContextError(name, context=_remote_context(data))
    problem = problem[:1].upper() + problem[1:]
    line, column = error.lineno, error.offset
    if line is None and rdf_format == "rdf-xml":
        line, column = _locate_rdfxml_error(data)
    hint = "Fix the RDF syntax at that position and try again"
    if "UTF-8" in problem:
        hint = 'Save the file as UTF-8 (for RDF/XML: encoding="UTF-8") and try again'
    elif line is None:
        hint = "The parser gave no position; look for this problem in the file and try again"
    return RDFSyntaxError(name, line=line, column=column, problem=problem, hint=hint)


def _remote_context(data: bytes) -> str | None:
    """The first ``@context`` given as a reference rather than inline, if it can be found."""
    try:
        document = json.loads(data)
    except ValueError:
        return None
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            context = node.get("@context")
            refs = context if isinstance(context, list) else [context]
            for ref in refs:
                if isinstance(ref, str):
                    return ref
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return None


class _LineReader(io.RawIOBase):
    """Hands the parser one line per read, so the lines consumed mark where it failed."""

    def __init__(self, data: bytes) -> None:
        self._lines = data.splitlines(keepends=True)
        self.lines_read = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self.lines_read >= len(self._lines):
            return b""
        line = self._lines[self.lines_read]
        if 0 <= size < len(line):
            self._lines[self.lines_read] = line[size:]
            return line[:size]
        self.lines_read += 1
        return line

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        chunk = self.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def _locate_rdfxml_error(data: bytes) -> tuple[int | None, int | None]:
    """Find the line (and column, if possible) of an RDF/XML error pyoxigraph gave no position for.

    The RDF/XML parser reports no position. Feeding it the file one line at a time tells the
    line on which it stopped; expat, run without loading any external entity, gives line and
    column for well-formedness errors, and its column is used when both agree on the line.
    """
    reader = _LineReader(data)
    try:
        for _ in ox.parse(cast(IO[bytes], reader), format=ox.RdfFormat.RDF_XML):
            pass
    except SyntaxError:
        pass
    else:  # pragma: no cover - the second parse fails like the first
        return None, None
    line = reader.lines_read or None

    parser = xml.parsers.expat.ParserCreate()
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as error:
        if line is None or error.lineno == line:
            lines = data.splitlines()
            if 0 < error.lineno <= len(lines):
                prefix = lines[error.lineno - 1][: error.offset]
                return error.lineno, len(prefix.decode("utf-8", errors="replace")) + 1
    return line, None


# --- public API ---------------------------------------------------------------------------------


def parse_quads(
    path_or_paths: PathLike | Iterable[PathLike],
    *,
    format: Format | None = None,
    graphs: GraphPlacement = "as-written",
) -> list[ox.Quad]:
    """Parse files (or directories of them) into pyoxigraph quads, e.g. for an Oxigraph store.

    With ``graphs="per-file"`` the triples of each file's default graph go into a named graph
    named by the file's ``file:`` IRI; named graphs in TriG or N-Quads keep their names.

    >>> quads = parse_quads(["data"], graphs="per-file")  # doctest: +SKIP
    """
    quads: list[ox.Quad] = []
    for path in find_rdf_files(path_or_paths):
        parsed = parse_file(path, format=format).quads
        if graphs == "per-file":
            name = ox.NamedNode(path.resolve().as_uri())
            parsed = [
                ox.Quad(q.subject, q.predicate, q.object, name)
                if isinstance(q.graph_name, ox.DefaultGraph)
                else q
                for q in parsed
            ]
        quads.extend(parsed)
    return quads


def load_graph(
    path_or_paths: PathLike | Iterable[PathLike],
    *,
    format: Format | None = None,
) -> Graph:
    """Load RDF files (or directories of them) into one rdflib graph.

    Named graphs in TriG or N-Quads files are merged into the one graph.

    >>> graph = load_graph(["ontology", "data/loonaangifteketen.ttl"])  # doctest: +SKIP
    """
    from rdflib import Graph

    from ketenontologie.namespaces import bind_prefixes
    from ketenontologie.terms import TermCache

    graph = Graph()
    bind_prefixes(graph)
    files = find_rdf_files(path_or_paths)
    parsed = [(path, parse_file(path, format=format).quads) for path in files]
    terms = TermCache()
    for _, quads in parsed:
        graph.addN((s, p, o, graph) for s, p, o in terms.rdflib_triples(quads))
    return graph


def load_dataset(
    path_or_paths: PathLike | Iterable[PathLike],
    *,
    format: Format | None = None,
    graph_names: Mapping[PathLike, str] | None = None,
) -> Dataset:
    """Load RDF files into an rdflib dataset, one named graph per file.

    A file's default-graph triples go into a graph named by ``graph_names[path]`` if given,
    else by the file's ``file:`` IRI. Named graphs in TriG or N-Quads files keep their names.

    >>> dataset = load_dataset(
    ...     ["data/loonaangifteketen.ttl"],
    ...     graph_names={"data/loonaangifteketen.ttl": "https://example.org/graph/loon"},
    ... )  # doctest: +SKIP
    """
    from rdflib import Dataset, URIRef
    from rdflib.term import IdentifiedNode

    from ketenontologie.namespaces import bind_prefixes
    from ketenontologie.terms import TermCache

    names = {Path(key).resolve(): value for key, value in (graph_names or {}).items()}
    files = find_rdf_files(path_or_paths)
    parsed = [(path, parse_file(path, format=format).quads) for path in files]
    dataset = Dataset()
    bind_prefixes(dataset)
    term = TermCache().as_rdflib
    for path, quads in parsed:
        file_iri = names.get(path.resolve(), path.resolve().as_uri())
        graphs: dict[object, Graph] = {ox.DefaultGraph(): dataset.graph(URIRef(file_iri))}
        for quad in quads:
            graph = graphs.get(quad.graph_name)
            if graph is None:
                name = term(quad.graph_name)
                assert isinstance(name, IdentifiedNode)  # graph names are IRIs or blank nodes
                graph = graphs[quad.graph_name] = dataset.graph(name)
            graph.add((term(quad.subject), term(quad.predicate), term(quad.object)))
    return dataset


def load_ontology() -> Graph:
    """Load the project's ontology and concept scheme (``ontology/*.ttl``) as one graph.

    >>> from ketenontologie.namespaces import KETEN, RDF, OWL
    >>> (KETEN.Chain, RDF.type, OWL.Class) in load_ontology()  # doctest: +SKIP
    True
    """
    return load_graph(ontology_files())
