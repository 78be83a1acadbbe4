"""A design at a git revision and in the working tree: the two versions of a pull request.

The old version's files are read from the repository with ``git ls-tree`` and
``git cat-file`` into memory, never checked out: the working tree is not touched. They are
parsed as the working tree's files are (:func:`ketenontologie.loading.parse_data`, with the
work-tree file's ``file:`` IRI as base, so relative IRIs mean the same in both versions), and
messages name them ``REV:path``. Which files count follows ``validate``: a named file in any
format the project reads; in a directory, the RDF files outside hidden directories.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePosixPath

from ketenontologie.changes.compare import Design
from ketenontologie.errors import GitRevisionError, InputNotFoundError
from ketenontologie.loading import (
    RDF_EXTENSIONS,
    Parsed,
    PathLike,
    find_rdf_files,
    format_for,
    parse_data,
    parse_file,
)

__all__ = ["read_revision"]


def _git(root: Path, *arguments: str, revision: str) -> bytes:
    command = ["git", "-C", str(root), *arguments]
    environment = {**os.environ, "GIT_LITERAL_PATHSPECS": "1", "LC_ALL": "C"}
    try:
        done = subprocess.run(command, capture_output=True, env=environment, check=False)
    except FileNotFoundError:
        raise GitRevisionError(
            revision,
            problem="git is not installed (or not on PATH)",
            hint="Install git, or compare two files or directories with diff OLD NEW",
        ) from None
    if done.returncode != 0:
        problem = done.stderr.decode("utf-8", errors="replace").strip().splitlines()
        raise GitRevisionError(
            revision,
            problem=f"git {arguments[0]} failed ({problem[-1] if problem else done.returncode})",
            hint="Check the revision and the paths, and run the command inside the repository",
        )
    return done.stdout


def _root(start: Path, revision: str) -> Path:
    try:
        text = _git(start, "rev-parse", "--show-toplevel", revision=revision)
    except GitRevisionError:
        raise GitRevisionError(
            revision,
            problem="the current directory is not inside a git repository",
            hint="Run the command in the repository, or compare with diff OLD NEW",
        ) from None
    return Path(text.decode("utf-8").strip())


def _commit(root: Path, revision: str) -> str:
    if revision.startswith("-") or not revision.strip():
        raise GitRevisionError(
            revision,
            problem="is no revision",
            hint="Name a commit, branch or tag, e.g. origin/main or HEAD~1",
        )
    try:
        found = _git(
            root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}", revision=revision
        )
    except GitRevisionError:
        raise GitRevisionError(
            revision,
            problem="the repository has no such commit",
            hint="Name a commit, branch or tag that exists (fetch it first in a shallow clone)",
        ) from None
    return found.decode("ascii").strip()


def _in_repository(root: Path, path: PathLike, revision: str) -> PurePosixPath:
    for candidate in (Path(os.path.normpath(Path.cwd() / path)), Path(path).resolve()):
        try:
            return PurePosixPath(candidate.relative_to(root).as_posix())
        except ValueError:
            continue
    raise GitRevisionError(
        revision,
        problem=f"{os.fspath(path)} is outside the repository at {root}",
        hint="Name paths inside the repository",
    )


def _selected(entries: Iterable[str], wanted: PurePosixPath) -> list[str]:
    """The files of ``entries`` that ``wanted`` names: itself, or the RDF files under it."""
    found = []
    for entry in entries:
        path = PurePosixPath(entry)
        if path == wanted:
            found.append(entry)
            continue
        if str(wanted) != "." and wanted not in path.parents:
            continue
        inside = path.relative_to(wanted) if str(wanted) != "." else path
        if path.suffix.lower() in RDF_EXTENSIONS and not any(
            part.startswith(".") for part in inside.parts
        ):
            found.append(entry)
    return found


def _old_sources(
    root: Path, commit: str, revision: str, wanted: list[PurePosixPath]
) -> list[Parsed]:
    arguments = ["ls-tree", "-r", "-z", "--name-only", commit, "--"]
    listing = _git(root, *arguments, *(str(w) for w in wanted), revision=revision)
    # A name that is not UTF-8 stays as its bytes (surrogate escapes) on the way back to git.
    entries = [e for e in listing.decode("utf-8", errors="surrogateescape").split("\0") if e]
    chosen = dict.fromkeys(entry for w in wanted for entry in _selected(entries, w))
    sources = []
    for entry in chosen:
        name = f"{revision}:{entry}"
        data = _git(root, "cat-file", "blob", f"{commit}:{entry}", revision=revision)
        rdf_format = format_for(entry)
        base = (root / entry).as_uri()
        sources.append(parse_data(data, name=name, format=rdf_format, base_iri=base))
    return sources


def _new_sources(paths: Sequence[PathLike]) -> list[Parsed]:
    files: list[Path] = []
    for path in paths:
        if Path(path).is_file() or Path(path).is_dir():
            try:
                files += find_rdf_files([path])
            except InputNotFoundError:  # a directory whose designs were all removed
                continue
    unique = {file.resolve(): file for file in files}
    return [parse_file(file) for file in unique.values()]


def read_revision(
    revision: str, paths: Sequence[PathLike] = (".",), *, cwd: PathLike | None = None
) -> tuple[Design, Design]:
    """The design under ``paths`` at git ``revision`` and in the working tree: (old, new).

    A file that exists in only one of them makes the other version lack it (a design added or
    removed). ``cwd`` is where ``paths`` are relative to (default: the current directory).

    Raises :class:`~ketenontologie.errors.GitRevisionError` when there is no repository or no
    such revision, and :class:`~ketenontologie.errors.InputNotFoundError` when a path is in
    neither version.
    """
    base = Path(cwd) if cwd is not None else Path.cwd()
    given = [base / path if cwd is not None else Path(path) for path in (paths or ["."])]
    root = _root(base, revision)
    commit = _commit(root, revision)
    wanted = [_in_repository(root, base / path, revision) for path in given]
    old = _old_sources(root, commit, revision, wanted)
    new = _new_sources(given)
    if not old and not new:
        raise InputNotFoundError(
            ", ".join(os.fspath(p) for p in given),
            problem=f"no design files here, neither in the working tree nor at {revision}",
            hint="Name the files or directories that hold the designs",
        )
    where = ", ".join(os.fspath(p) for p in given)
    return Design(tuple(old), f"{where} @ {revision}"), Design(tuple(new), where)
