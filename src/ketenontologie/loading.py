"""Load RDF files into rdflib graphs and datasets, or into pyoxigraph quads.

Parsing is done by pyoxigraph: it is fast, reports precise positions, never fetches remote
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
from pathlib import Path
from typing import IO, Literal, TypeAlias, cast, get_args

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, URIRef
from rdflib import Literal as RDFLiteral
from rdflib.term import IdentifiedNode, Node

from ketenontologie.errors import (
    InputError,
    InputNotFoundError,
    RDFSyntaxError,
    RemoteContextError,
    UnknownFormatError,
)
from ketenontologie.namespaces import bind_prefixes
from ketenontologie.resources import ontology_files

__all__ = [
    "RDF_EXTENSIONS",
    "GraphPlacement",
    "PathLike",
    "RDFFormat",
    "find_rdf_files",
    "format_for",
    "load_dataset",
    "load_graph",
    "load_ontology",
    "parse_quads",
]

RDFFormat: TypeAlias = Literal["turtle", "trig", "n-triples", "n-quads", "json-ld", "rdf-xml"]
"""The RDF serialisations the loader reads."""

GraphPlacement: TypeAlias = Literal["as-written", "per-file"]
"""Where :func:`parse_quads` puts a file's default-graph triples: keep them in the default
graph, or move them into a named graph for the file."""

PathLike: TypeAlias = str | os.PathLike[str]

RDF_EXTENSIONS: Mapping[str, RDFFormat] = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".trig": "trig",
    ".nt": "n-triples",
    ".nq": "n-quads",
    ".jsonld": "json-ld",
    ".rdf": "rdf-xml",
    ".owl": "rdf-xml",
}
"""File extensions (lower case) and the format each one means."""

_OX_FORMATS: Mapping[RDFFormat, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "n-triples": ox.RdfFormat.N_TRIPLES,
    "n-quads": ox.RdfFormat.N_QUADS,
    "json-ld": ox.RdfFormat.JSON_LD,
    "rdf-xml": ox.RdfFormat.RDF_XML,
}

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_UTF8_BOM = b"\xef\xbb\xbf"
_POSITION_PREFIX = re.compile(r"^Parser error (?:at|between) [^:]*:\s*")


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


def format_for(path: PathLike, *, format: RDFFormat | None = None) -> RDFFormat:
    """The format to parse ``path`` with: ``format`` if given, else the one its extension means.

    >>> format_for("keten.ttl"), format_for("keten.txt", format="n-triples")
    ('turtle', 'n-triples')
    """
    if format is not None:
        if format not in _OX_FORMATS:
            raise UnknownFormatError(
                path,
                problem=f"{format!r} is not a supported RDF format",
                hint=f"Use one of: {', '.join(get_args(RDFFormat))}",
            )
        return format
    suffix = Path(path).suffix.lower()
    try:
        return RDF_EXTENSIONS[suffix]
    except KeyError:
        raise UnknownFormatError(
            path,
            problem=f"cannot tell the RDF format from the extension {suffix or '(none)'!r}",
            hint=f"Rename the file to one of {', '.join(RDF_EXTENSIONS)}, "
            "or name the format explicitly",
        ) from None


# --- parsing one file ---------------------------------------------------------------------------


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputNotFoundError(
            path, problem="no such file", hint="Check the path and try again"
        ) from None
    except IsADirectoryError:
        raise InputError(
            f"{path}: is a directory, not a file. Name a file, or pass the directory "
            "where directories are accepted."
        ) from None
    except OSError as error:
        raise InputError(
            f"{path}: cannot be read ({error.strerror}). Check its permissions and try again."
        ) from None


def _check_utf8(path: Path, data: bytes) -> None:
    """Raise a positioned error for bytes that are not UTF-8 (the encoding of every text format)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        line_start = before.rfind(b"\n") + 1
        column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
        raise RDFSyntaxError(
            path,
            line=line,
            column=column,
            problem=f"The byte 0x{data[error.start]:02x} is not valid UTF-8",
            hint="Save the file as UTF-8 and try again",
        ) from None


def _parse_file(path: Path, rdf_format: RDFFormat) -> list[ox.Quad]:
    data = _read_bytes(path)
    # Every format is read as UTF-8 (pyoxigraph's RDF/XML parser too). A byte order mark, as
    # some Windows editors write, is dropped so that it is not read as part of the first term.
    data = data.removeprefix(_UTF8_BOM)
    _check_utf8(path, data)
    try:
        return list(
            ox.parse(
                data,
                format=_OX_FORMATS[rdf_format],
                base_iri=path.resolve().as_uri(),
                rename_blank_nodes=True,
            )
        )
    except SyntaxError as error:
        raise _syntax_error(path, data, rdf_format, error) from None


def _syntax_error(path: Path, data: bytes, rdf_format: RDFFormat, error: SyntaxError) -> InputError:
    problem = _POSITION_PREFIX.sub("", error.msg or str(error))
    if "LoadDocumentCallback" in problem or "remote context" in problem.lower():
        return RemoteContextError(path, context=_remote_context(data))
    problem = problem[:1].upper() + problem[1:]
    line, column = error.lineno, error.offset
    if line is None and rdf_format == "rdf-xml":
        line, column = _locate_rdfxml_error(data)
    hint = "Fix the RDF syntax at that position and try again"
    if "UTF-8" in problem:
        hint = 'Save the file as UTF-8 (for RDF/XML: encoding="UTF-8") and try again'
    elif "ENTITY" in problem:
        hint = (
            "External XML entities are never loaded; write the value into the file "
            "(or declare it as an internal entity with a quoted value) and try again"
        )
    elif line is None:
        hint = "The parser gave no position; look for this problem in the file and try again"
    return RDFSyntaxError(path, line=line, column=column, problem=problem, hint=hint)


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


# --- converting terms ---------------------------------------------------------------------------


class _TermConverter:
    """Converts pyoxigraph terms to rdflib terms, remembering each one (IRIs repeat a lot)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._cache: dict[object, Node] = {}

    def __call__(self, term: object) -> Node:
        converted = self._cache.get(term)
        if converted is None:
            converted = self._convert(term)
            self._cache[term] = converted
        return converted

    def _convert(self, term: object) -> Node:
        if isinstance(term, ox.NamedNode):
            return URIRef(term.value)
        if isinstance(term, ox.BlankNode):
            return BNode(term.value)
        if isinstance(term, ox.Literal):
            # rdflib writes plain and language-tagged strings without a datatype.
            # rdflib has no base direction (RDF 1.2 "..."@nl--ltr): the language tag is kept.
            if term.language is not None:
                return RDFLiteral(term.value, lang=term.language)
            datatype = term.datatype.value
            if datatype in (_XSD_STRING, _RDF_LANG_STRING):
                return RDFLiteral(term.value)
            return RDFLiteral(term.value, datatype=URIRef(datatype))
        raise InputError(
            f"{self._path}: holds an RDF 1.2 triple term ({term}), which this project does not "
            "use. Rewrite the statement without triple terms and try again."
        )


# --- public API ---------------------------------------------------------------------------------


def parse_quads(
    path_or_paths: PathLike | Iterable[PathLike],
    *,
    format: RDFFormat | None = None,
    graphs: GraphPlacement = "as-written",
) -> list[ox.Quad]:
    """Parse files (or directories of them) into pyoxigraph quads, e.g. for an Oxigraph store.

    With ``graphs="per-file"`` the triples of each file's default graph go into a named graph
    named by the file's ``file:`` IRI; named graphs in TriG or N-Quads keep their names.

    >>> quads = parse_quads(["data"], graphs="per-file")  # doctest: +SKIP
    """
    quads: list[ox.Quad] = []
    for path in find_rdf_files(path_or_paths):
        parsed = _parse_file(path, format_for(path, format=format))
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
    format: RDFFormat | None = None,
) -> Graph:
    """Load RDF files (or directories of them) into one rdflib graph.

    Named graphs in TriG or N-Quads files are merged into the one graph.

    >>> graph = load_graph(["ontology", "data/loonaangifteketen.ttl"])  # doctest: +SKIP
    """
    graph = Graph()
    bind_prefixes(graph)
    files = find_rdf_files(path_or_paths)
    parsed = [(path, _parse_file(path, format_for(path, format=format))) for path in files]
    for path, quads in parsed:
        term = _TermConverter(path)
        graph.addN((term(q.subject), term(q.predicate), term(q.object), graph) for q in quads)
    return graph


def load_dataset(
    path_or_paths: PathLike | Iterable[PathLike],
    *,
    format: RDFFormat | None = None,
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
    names = {Path(key).resolve(): value for key, value in (graph_names or {}).items()}
    files = find_rdf_files(path_or_paths)
    parsed = [(path, _parse_file(path, format_for(path, format=format))) for path in files]
    dataset = Dataset()
    bind_prefixes(dataset)
    for path, quads in parsed:
        term = _TermConverter(path)
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
