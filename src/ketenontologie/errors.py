"""The one error tree of ketenontologie.

Every error the library raises on purpose is a :class:`KetenontologieError`, and every such class
lives here, grouped by the stage of the data flow that raises it. Each class has a unique,
stable ``code`` string (a test checks): the HTTP layer turns an error into
``{"error": code, "message": ...}`` with the status from its one table
(:mod:`ketenontologie.api.errors`) and the CLI turns :class:`InputError` into exit code 2.
Messages say what is wrong *and* what to do about it.

>>> error = RDFSyntaxError("keten.ttl", line=3, column=7, problem="A dot is expected")
>>> str(error)
'keten.ttl:3:7: A dot is expected. Fix the RDF syntax at that position and try again.'
>>> error.code
'rdf-syntax'
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Protocol

__all__ = [
    "ArchimateVersionError",
    "AuthenticationRequiredError",
    "AuthoringBoundsError",
    "AuthoringError",
    "BadRequestError",
    "ConflictingFormatError",
    "DesignError",
    "DesignExistsError",
    "DesignGraphWriteError",
    "DesignTooCostlyError",
    "DiagramError",
    "ForbiddenOperationError",
    "GitRevisionError",
    "GraphNotFoundError",
    "InconsistencyError",
    "InputError",
    "InputNotFoundError",
    "InputTooDeepError",
    "InputTooLargeError",
    "KetenontologieError",
    "NotAcceptableError",
    "NotConformingError",
    "NotEntailedError",
    "NotPublishedError",
    "PageOffsetError",
    "ParameterError",
    "PayloadTooLargeError",
    "QueryHeaderError",
    "QueryResourceError",
    "QueryTimeoutError",
    "RDFSyntaxError",
    "ReasoningError",
    "RemoteContextError",
    "RequestTimeoutError",
    "ServiceBusyError",
    "SettingError",
    "SortLimitError",
    "SparqlSyntaxError",
    "SpreadsheetLayoutError",
    "StoreError",
    "StoreFullError",
    "StoreSettingError",
    "StoreUnavailableError",
    "UndeclaredPrefixError",
    "UnknownDesignError",
    "UnknownFormatError",
    "UnknownGraphError",
    "UnknownQueryError",
    "UnknownReferenceError",
    "UnknownVersionError",
    "UnreadableInputError",
    "UnsafeInputError",
    "UnsupportedMediaTypeError",
    "WritesDisabledError",
    "YAMLSyntaxError",
    "shown",
]


def shown(path: str | os.PathLike[str]) -> str:
    """A file name as messages show it: control characters written as escapes, so that a name
    with a line break cannot start a line of its own (a CI log reads commands from lines).

    >>> shown("ontwerp\\n::error::x.ttl")
    'ontwerp\\\\n::error::x.ttl'
    """
    text = os.fspath(path)
    if not any(ord(char) < 0x20 or ord(char) == 0x7F for char in text):
        return text
    return "".join(
        char.encode("unicode_escape").decode("ascii")
        if ord(char) < 0x20 or ord(char) == 0x7F
        else char
        for char in text
    )


class KetenontologieError(Exception):
    """Root of every error raised on purpose by ketenontologie."""

    code: str = "ketenontologie"

    @property
    def message(self) -> str:
        """The human-readable message (what is wrong, and what to do)."""
        return str(self)

    def to_dict(self) -> dict[str, object]:
        """The JSON body for this error: ``{"error": code, "message": ...}``."""
        return {"error": self.code, "message": self.message}

    @classmethod
    def rebuilt(
        cls, code: str, message: str, attributes: dict[str, object] | None = None
    ) -> KetenontologieError:
        """The error of class ``code`` with ``message`` and ``attributes`` (its ``vars``), as
        a worker process reported it.

        >>> KetenontologieError.rebuilt("unknown-graph", "<g> is not stored.").code
        'unknown-graph'
        """
        pending: list[type[KetenontologieError]] = [KetenontologieError]
        while pending:
            candidate = pending.pop()
            if candidate.code == code:
                error = candidate.__new__(candidate)
                Exception.__init__(error, message)
                error.__dict__.update(attributes or {})
                return error
            pending.extend(candidate.__subclasses__())
        return KetenontologieError(message)


# --- input: settings, files, uploads, their formats -------------------------------------


class InputError(KetenontologieError):
    """The input cannot be used: missing, unreadable, unknown format or not valid RDF."""

    code = "input"


class SettingError(InputError):
    """A setting (``KETENONTOLOGIE_*`` variable or option) has a value that cannot be used."""

    code = "setting"


class InputTooLargeError(InputError):
    """An input is larger than the bound the project sets for it; the message names the bound."""

    code = "too-large"

    def __init__(self, what: str, *, size: int, limit: int, setting: str | None = None) -> None:
        self.size = size
        self.limit = limit
        raise_it = f" or raise {setting}" if setting else ""
        super().__init__(
            f"{shown(what)} is {size:,} bytes, more than the {limit:,} read here (te groot). "
            f"Send less{raise_it}."
        )


class InputTooDeepError(InputError):
    """An input nests deeper than the bound the project sets; the message names the bound."""

    code = "too-deep"

    def __init__(self, what: str, *, limit: int, line: int | None = None) -> None:
        self.limit = limit
        self.line = line
        where = f" (line {line})" if line is not None else ""
        super().__init__(
            f"{shown(what)} nests brackets, groups or elements more than {limit} deep{where}, "
            "which is not read here (te diep genest). Flatten it and try again."
        )


class InputNotFoundError(InputError):
    """A file or directory that was asked for does not exist (or holds no RDF files)."""

    code = "input-not-found"

    def __init__(self, path: str | os.PathLike[str], *, problem: str, hint: str) -> None:
        self.path = os.fspath(path)
        super().__init__(f"{shown(self.path)}: {problem}. {hint}")


class UnreadableInputError(InputError):
    """A file that was asked for exists but cannot be read (a directory, no permission)."""

    code = "unreadable"

    def __init__(self, path: str | os.PathLike[str], *, problem: str, hint: str) -> None:
        self.path = os.fspath(path)
        super().__init__(f"{shown(self.path)}: {problem}. {hint}")


class UnknownFormatError(InputError):
    """The RDF format of a file cannot be told from its extension, or is not supported."""

    code = "unknown-format"

    def __init__(self, path: str | os.PathLike[str], *, problem: str, hint: str) -> None:
        self.path = os.fspath(path)
        super().__init__(f"{shown(self.path)}: {problem}. {hint}")


class RDFSyntaxError(InputError):
    """A file is not valid RDF in its format; ``line`` and ``column`` are 1-based.

    When the parser cannot tell the position, ``line`` and/or ``column`` are ``None`` and the
    message says so instead of guessing.
    """

    code = "rdf-syntax"

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        line: int | None,
        column: int | None,
        problem: str,
        hint: str = "Fix the RDF syntax at that position and try again",
    ) -> None:
        self.path = os.fspath(path)
        self.line = line
        self.column = column
        self.problem = problem.rstrip(".")
        self.hint = hint.rstrip(".")
        super().__init__(f"{self.location}: {self.problem}. {self.hint}.")

    @property
    def location(self) -> str:
        """``path:line:column``, or ``path:line`` / ``path`` with a note when unknown."""
        if self.line is None:
            return f"{shown(self.path)} (line unknown)"
        if self.column is None:
            return f"{shown(self.path)}:{self.line} (column unknown)"
        return f"{shown(self.path)}:{self.line}:{self.column}"

    def to_dict(self) -> dict[str, object]:
        """The JSON body, with the position: ``file``, ``line`` and ``column``."""
        return {**super().to_dict(), "file": self.path, "line": self.line, "column": self.column}


class RemoteContextError(InputError):
    """A JSON-LD file refers to a remote ``@context``, which is never fetched."""

    code = "remote-context"

    def __init__(self, path: str | os.PathLike[str], *, context: str | None) -> None:
        self.path = os.fspath(path)
        self.context = context
        what = (
            f"the remote JSON-LD @context {context!r}" if context else "a remote JSON-LD @context"
        )
        super().__init__(
            f"{shown(self.path)}: the file refers to {what}, and remote documents are never "
            "fetched. "
            "Put the context inline in the file (an @context object) and try again."
        )


class GitRevisionError(InputError):
    """A git revision (or the repository it should be in) cannot be read for a comparison."""

    code = "git-revision"

    def __init__(self, revision: str, *, problem: str, hint: str) -> None:
        self.revision = revision
        super().__init__(f"{shown(revision)}: {problem}. {hint}.")


# --- designs written in YAML, a spreadsheet or ArchiMate --------------------------------------


class AuthoringError(InputError):
    """A design in YAML, a spreadsheet or ArchiMate cannot be read; the place is in the author's
    terms: ``line`` and ``column`` (1-based) of a YAML or XML file, or ``where`` (a sheet and
    cell such as ``Escalaties!B7``, an ArchiMate element's identifier and name)."""

    code = "authoring"

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        problem: str,
        hint: str,
        line: int | None = None,
        column: int | None = None,
        where: str | None = None,
    ) -> None:
        self.path = os.fspath(path)
        self.line = line
        self.column = column
        self.where = where
        self.problem = problem.rstrip(".")
        self.hint = hint.rstrip(".")
        super().__init__(f"{self.location}: {self.problem}. {self.hint}.")

    @property
    def location(self) -> str:
        """``path:line:column``, ``path:line``, ``path (where)`` or ``path``."""
        place = self.path
        if self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        if self.where:
            place += f" ({self.where})"
        return place

    def to_dict(self) -> dict[str, object]:
        """The JSON body, with the place: ``file``, ``line``, ``column`` and ``where``."""
        return {
            **super().to_dict(),
            "file": self.path,
            "line": self.line,
            "column": self.column,
            "where": self.where,
        }


class YAMLSyntaxError(AuthoringError):
    """A YAML design is not valid YAML, or uses a field or value the design format lacks."""

    code = "yaml-syntax"


class UnknownReferenceError(AuthoringError):
    """A design refers to an entry, level, phase, building block or kind that it does not know;
    ``candidates`` are the nearest known names."""

    code = "unknown-reference"

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        name: str,
        what: str,
        candidates: Iterable[str] = (),
        line: int | None = None,
        column: int | None = None,
        where: str | None = None,
    ) -> None:
        self.name = name
        self.candidates = tuple(candidates)
        nearest = (
            "The nearest known names are: " + ", ".join(repr(c) for c in self.candidates)
            if self.candidates
            else "Add an entry with this key, or write a full IRI"
        )
        super().__init__(
            path,
            problem=f"{what} {name!r} is not known here (onbekende naam)",
            hint=nearest,
            line=line,
            column=column,
            where=where,
        )


class SpreadsheetLayoutError(AuthoringError):
    """A workbook lacks a sheet or a column the design needs, or a cell cannot be read."""

    code = "spreadsheet-layout"


class UnsafeInputError(AuthoringError):
    """Input that could reach outside or blow up is refused: a YAML tag, an XML DOCTYPE,
    entity or XInclude, a spreadsheet that unpacks far beyond its size."""

    code = "unsafe-input"


class AuthoringBoundsError(AuthoringError):
    """A YAML, spreadsheet or ArchiMate design is larger or deeper than is read here
    (aliases that expand too far, nesting too deep, too many rows or elements)."""

    code = "authoring-bounds"


class ArchimateVersionError(AuthoringError):
    """An ArchiMate exchange file in a version that is not read yet (ArchiMate 4)."""

    code = "archimate-version"


# --- SPARQL text --------------------------------------------------------------------------------


class SparqlSyntaxError(KetenontologieError):
    """A query or update is not valid SPARQL; the message is the parser's, with its position."""

    code = "sparql-syntax"


class UndeclaredPrefixError(SparqlSyntaxError):
    """A prefixed name uses a prefix the text does not declare; ``line`` and ``column`` are
    1-based and point at the prefixed name.

    >>> error = UndeclaredPrefixError("skos", line=4, column=5, what="query")
    >>> error.to_dict()["line"], error.to_dict()["prefix"]
    (4, 'skos')
    """

    code = "undeclared-prefix"

    def __init__(
        self, prefix: str, *, line: int, column: int, what: str = "query", iri: str | None = None
    ) -> None:
        self.prefix = prefix
        self.line = line
        self.column = column
        declaration = f"PREFIX {prefix}: <{iri or '...'}>"
        super().__init__(
            f"The prefix '{prefix}:' is used at line {line}, column {column} of the {what} but "
            f"not declared (het prefix '{prefix}:' wordt gebruikt maar is niet gedeclareerd). "
            f"Add '{declaration}' at the top of the {what} and send it again."
        )

    def to_dict(self) -> dict[str, object]:
        """The JSON body, with the prefix and its position: ``prefix``, ``line``, ``column``."""
        position = {"prefix": self.prefix, "line": self.line, "column": self.column}
        return {**super().to_dict(), **position}


class ForbiddenOperationError(KetenontologieError):
    """A query or update asks for something the service refuses: it never reaches outside."""

    code = "forbidden-operation"


class QueryTooCostlyError(ForbiddenOperationError):
    """A query builds values that could grow past the bound the project sets: not run."""

    code = "query-too-costly"

    def __init__(self, *, growth: int, limit: int) -> None:
        self.growth = growth
        self.limit = limit
        shown_growth = f"{growth:,}" if growth < 10**12 else "more than a trillion"
        super().__init__(
            f"The query or update builds a value that can grow to {shown_growth} times the "
            "length of the values it starts from (CONCAT or REPLACE of a value built the same "
            f"way, step after step), more than the {limit:,} times allowed here, so it was not "
            "run (de query bouwt waarden die te groot kunnen worden). Build the value in fewer "
            "steps, or let the client put the pieces together."
        )


class SortLimitError(ForbiddenOperationError):
    """The SPARQL server sorts at most a set number of rows for a page: this one lies beyond."""

    code = "sort-limit"


class DesignGraphWriteError(KetenontologieError):
    """A write through SPARQL Update or the Graph Store Protocol would touch a design graph."""

    code = "design-graph"


# --- the store ----------------------------------------------------------------------------------


class StoreError(KetenontologieError):
    """The store cannot do what was asked (it is unavailable, or the request is impossible)."""

    code = "store"


class UnknownGraphError(StoreError):
    """A graph was named that the store does not hold."""

    code = "unknown-graph"

    def __init__(self, graph: str, *, hint: str | None = None) -> None:
        self.graph = graph
        super().__init__(
            f"<{graph}> is not a graph in this store (deze graaf bestaat niet). "
            + (
                hint
                or "Nothing is ever fetched from the web: name a stored graph. "
                "GET /graphs lists them."
            )
        )


class QueryTimeoutError(StoreError):
    """A query ran past its time limit and was stopped."""

    code = "query-timeout"

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(
            f"The query did not finish within {seconds:g} s and was stopped (de query duurde te "
            "lang). Make it more selective (fewer unbound variables, a LIMIT, filters early), "
            "or ask the administrator for a longer time limit."
        )


class QueryResourceError(StoreError):
    """A query needed more memory than a query may use, or made its worker fail."""

    code = "query-resource"


class ServiceBusyError(StoreError):
    """Too many requests wait for a query worker; the client should try again shortly."""

    code = "busy"


class StoreFullError(StoreError):
    """The disk of the store is full; the message says whether the write was stored."""

    code = "store-full"

    def __init__(self, *, stored: bool) -> None:
        self.stored = stored
        outcome = (
            "The write WAS stored (opgeslagen), but the service could not prepare it for "
            "queries yet; queries see the state before it until the next write succeeds."
            if stored
            else "Nothing of the write was stored (niets opgeslagen)."
        )
        super().__init__(
            f"The disk of the store is full (de schijf is vol). {outcome} Free disk space "
            "and try again; no restart is needed."
        )


class StoreSettingError(StoreError):
    """The store setting cannot be used (unknown scheme, malformed URL, bad option)."""

    code = "store-setting"


class StoreUnavailableError(StoreError):
    """The SPARQL server cannot be reached, refuses our credentials, or failed a request."""

    code = "store-unavailable"


# --- reasoning ----------------------------------------------------------------------------------


class _Found(Protocol):
    """An inconsistency as :class:`InconsistencyError` lists it."""

    @property
    def message(self) -> str: ...


class ReasoningError(KetenontologieError):
    """Reasoning could not give an answer."""

    code = "reasoning"


class InconsistencyError(ReasoningError):
    """The designs contradict the ontology (OWL 2 RL finds an inconsistency).

    With ``design_id`` it is the refusal of a write: that design was not stored.
    """

    code = "inconsistent"

    def __init__(self, inconsistencies: Iterable[_Found], *, design_id: str | None = None) -> None:
        self.inconsistencies: tuple[_Found, ...] = tuple(inconsistencies)
        self.design_id = design_id
        if design_id is None:
            lines = "\n".join(f"  - {found.message}" for found in self.inconsistencies)
            super().__init__(
                f"The design is inconsistent with the ontology ({len(self.inconsistencies)} "
                f"problem(s)):\n{lines}"
            )
            return
        listed = " ".join(f"({n}) {item.message}" for n, item in enumerate(self.inconsistencies, 1))
        super().__init__(
            f"The design {design_id!r} contradicts the ontology, so nothing was stored (het "
            f"ontwerp is inconsistent met de ontologie): {listed} Change the design and upload "
            "it again."
        )


class NotEntailedError(ReasoningError):
    """A triple asked about is neither asserted nor inferred."""

    code = "not-entailed"


class DesignError(ReasoningError):
    """A design id is unknown to a reasoning state, or already in it."""

    code = "design"


# --- designs ------------------------------------------------------------------------------------


class UnknownDesignError(KetenontologieError):
    """No design with this id is stored."""

    code = "design-not-found"

    def __init__(self, design_id: str) -> None:
        self.design_id = design_id
        super().__init__(
            f"There is no design {design_id!r} (dit ontwerp bestaat niet). The stored designs "
            "are listed by GET /designs and by 'ketenontologie designs list'."
        )


class UnknownVersionError(KetenontologieError):
    """A design's history has no version with this number."""

    code = "version-not-found"

    def __init__(self, design_id: str, number: int, *, last: int | None) -> None:
        self.design_id = design_id
        self.number = number
        known = (
            f"its versions are 1 to {last}" if last else "it has no versions (no history is kept)"
        )
        super().__init__(
            f"The design {design_id!r} has no version {number} (deze versie bestaat niet): "
            f"{known}. GET /designs/{design_id}/history lists them."
        )


class DesignTooCostlyError(InputError):
    """Checking a design took longer or needed more memory than a check may: nothing stored."""

    code = "design-too-costly"

    def __init__(self, name: str, *, seconds: float) -> None:
        self.name = name
        super().__init__(
            f"{shown(name)}: checking this design took more than {seconds:g} s or more memory "
            "than a check may use, so it was stopped and nothing was stored (te zwaar om te "
            "controleren). Long chains of escalation steps make the check grow fast; split the "
            "design, or shorten its escalation paths, and try again."
        )


class DesignExistsError(KetenontologieError):
    """A new design names an id that is already stored."""

    code = "design-exists"


class NotConformingError(KetenontologieError):
    """A strict write refused a design that breaks the rules; the error carries the report."""

    code = "not-conforming"

    def __init__(self, message: str, *, report: dict[str, object]) -> None:
        self.report = report
        super().__init__(message)

    def to_dict(self) -> dict[str, object]:
        """``{"error", "message", "report"}``: the report is the validation JSON contract."""
        return {**super().to_dict(), "report": self.report}


# --- named queries, diagrams --------------------------------------------------------------------


class QueryHeaderError(KetenontologieError):
    """A query file's name or ``#+`` header does not follow the convention."""

    code = "query-header"


class UnknownQueryError(KetenontologieError):
    """No named query has the name that was asked for."""

    code = "unknown-query"


class ParameterError(KetenontologieError):
    """A named query's parameter is missing, unknown, or has a value of the wrong kind."""

    code = "query-parameter"


class PageOffsetError(ParameterError):
    """A named query's ``offset`` (where its page of results starts) is not a row number."""

    code = "page-offset"


class DiagramError(KetenontologieError):
    """The diagram could not be drawn: Graphviz is missing, failed or took too long."""

    code = "diagram"


# --- requests (raised by the HTTP layer; listed here so the tree stays one) -------------------


class BadRequestError(KetenontologieError):
    """The request breaks the protocol (a parameter twice, a missing body, ...)."""

    code = "bad-request"


class ConflictingFormatError(BadRequestError):
    """The ``format``/``output`` parameters name two different formats that can both carry the
    answer: which one the client wants cannot be told."""

    code = "conflicting-format"


class NotAcceptableError(KetenontologieError):
    """None of the media types the client accepts can represent this answer."""

    code = "not-acceptable"


class UnsupportedMediaTypeError(KetenontologieError):
    """The request body's ``Content-Type`` is not one this route reads."""

    code = "unsupported-media-type"


class AuthenticationRequiredError(KetenontologieError):
    """A write came without the right bearer token."""

    code = "unauthorized"


class WritesDisabledError(KetenontologieError):
    """Writes are off because no update token is configured."""

    code = "writes-disabled"


class PayloadTooLargeError(KetenontologieError):
    """The request body is larger than the configured maximum."""

    code = "payload-too-large"


class RequestTimeoutError(KetenontologieError):
    """The client stopped sending the request body before it was whole."""

    code = "request-timeout"


class GraphNotFoundError(KetenontologieError):
    """The Graph Store Protocol names a graph that does not exist."""

    code = "graph-not-found"


# --- publication --------------------------------------------------------------------------------


class NotPublishedError(KetenontologieError):
    """Nothing is published at a path of the linked data: no such thing, graph, version or dump.

    ``reason`` says why, when there is more to say than that nothing is known there.
    """

    code = "not-found"

    def __init__(self, path: str, reason: str | None = None) -> None:
        self.path = path
        self.reason = reason
        text = reason or f"Nothing is known at {path} (hier is niets bekend)."
        super().__init__(f"{text} See /def, /shapes and /.well-known/void.")
