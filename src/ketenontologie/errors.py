"""The one error tree of ketenontologie.

Every error the library raises on purpose is a :class:`KetenontologieError`. Each class has a
stable ``code`` string: the HTTP layer turns an error into ``{"error": code, "message": ...}``
and the CLI turns :class:`InputError` into exit code 2. Messages say what is wrong *and* what to
do about it.

>>> from ketenontologie.errors import RDFSyntaxError
>>> error = RDFSyntaxError("keten.ttl", line=3, column=7, problem="A dot is expected")
>>> str(error)
'keten.ttl:3:7: A dot is expected. Fix the RDF syntax at that position and try again.'
>>> error.code
'rdf-syntax'
"""

from __future__ import annotations

import os

__all__ = [
    "InputError",
    "InputNotFoundError",
    "KetenontologieError",
    "RDFSyntaxError",
    "RemoteContextError",
    "UnknownFormatError",
]


class KetenontologieError(Exception):
    """Root of every error raised on purpose by ketenontologie."""

    code: str = "ketenontologie"

    @property
    def message(self) -> str:
        """The human-readable message (what is wrong, and what to do)."""
        return str(self)

    def to_dict(self) -> dict[str, str]:
        """The JSON body for this error: ``{"error": code, "message": ...}``."""
        return {"error": self.code, "message": self.message}


class InputError(KetenontologieError):
    """The input cannot be used: missing, unreadable, unknown format or not valid RDF."""

    code = "input"


class InputNotFoundError(InputError):
    """A file or directory that was asked for does not exist (or holds no RDF files)."""

    code = "input-not-found"

    def __init__(self, path: str | os.PathLike[str], *, problem: str, hint: str) -> None:
        self.path = os.fspath(path)
        super().__init__(f"{self.path}: {problem}. {hint}")


class UnknownFormatError(InputError):
    """The RDF format of a file cannot be told from its extension, or is not supported."""

    code = "unknown-format"

    def __init__(self, path: str | os.PathLike[str], *, problem: str, hint: str) -> None:
        self.path = os.fspath(path)
        super().__init__(f"{self.path}: {problem}. {hint}")


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
            return f"{self.path} (line unknown)"
        if self.column is None:
            return f"{self.path}:{self.line} (column unknown)"
        return f"{self.path}:{self.line}:{self.column}"


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
            f"{self.path}: the file refers to {what}, and remote documents are never fetched. "
            "Put the context inline in the file (an @context object) and try again."
        )
