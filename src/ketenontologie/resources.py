"""Locate the project's hand-edited sources: ontology, shapes, queries and example designs.

In a source checkout (also an editable install) they are the top-level directories
``ontology/``, ``shapes/``, ``queries/`` and ``data/``. A built wheel ships the same directories
as package data under ``ketenontologie/_resources/``. The checkout wins when both exist, so
edits show up without reinstalling.

What is derived from them and costs time to make (the ontology's compiled rules, the shapes
compiled to SPARQL) is one pickle per artefact, named by a hash of the bytes it was made from and
of the code that made it: a changed file or a new version of the code gets a new name, and
nothing is ever stale. A built wheel ships the project's own under
``ketenontologie/_resources/compiled/`` (made by ``hatch_build.py`` when the wheel is built), so
an installed package never makes them; whatever else is derived (in a checkout, after an edit,
for another owlrl) is made on first use and kept between runs in a cache directory
(:func:`cache_dir`). Nothing derived is committed (see ``docs/validation.md``).

>>> from ketenontologie.resources import resource_dir
>>> resource_dir("ontology").name  # doctest: +SKIP
'ontology'
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from ketenontologie.errors import InputNotFoundError

__all__ = [
    "ResourceKind",
    "cache_dir",
    "cache_key",
    "design_files",
    "load_cached",
    "ontology_files",
    "query_files",
    "resource_dir",
    "shape_files",
    "store_cached",
]

ResourceKind = Literal["ontology", "shapes", "queries", "data"]

_PACKAGE_DIR = Path(__file__).resolve().parent
_CHECKOUT_DIR = _PACKAGE_DIR.parents[1]  # src/ketenontologie -> repository root


def _candidates(kind: ResourceKind) -> list[Path]:
    candidates = []
    # Only trust the checkout when it really is this project's checkout, not some
    # unrelated directory two levels above an installed package.
    if (_CHECKOUT_DIR / "pyproject.toml").is_file() and (_CHECKOUT_DIR / "src").is_dir():
        candidates.append(_CHECKOUT_DIR / kind)
    candidates.append(_PACKAGE_DIR / "_resources" / kind)
    return candidates


def resource_dir(kind: ResourceKind) -> Path:
    """Return the directory holding the project's ``kind`` files.

    Raises :class:`~ketenontologie.errors.InputNotFoundError` when neither the checkout nor the
    installed package has it.
    """
    candidates = _candidates(kind)
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise InputNotFoundError(
        candidates[0],
        problem=f"the project's {kind}/ directory was not found",
        hint="Run from a complete source checkout or reinstall the ketenontologie package",
    )


def _files(kind: ResourceKind, pattern: str) -> list[Path]:
    directory = resource_dir(kind)
    files = sorted(path for path in directory.glob(pattern) if path.is_file())
    if not files:
        raise InputNotFoundError(
            directory,
            problem=f"no {pattern} files in the project's {kind}/ directory",
            hint="Run from a complete source checkout or reinstall the ketenontologie package",
        )
    return files


def cache_dir() -> Path | None:
    """Where derived files are kept between runs (compiled rules and shapes):
    ``KETENONTOLOGIE_CACHE_DIR``, else ``$XDG_CACHE_HOME/ketenontologie``, else
    ``~/.cache/ketenontologie``; None when the variable is set to an empty value (keep
    nothing)."""
    configured = os.environ.get("KETENONTOLOGIE_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured else None
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "ketenontologie"


def cache_key(
    *, code: Iterable[str | os.PathLike[str]], files: Iterable[Path], extra: str = ""
) -> str:
    """A hash of the ``code`` that derives an artefact (source files), the ``files`` it is
    derived from (names and bytes) and anything ``extra`` it depends on (a library's version).

    >>> len(cache_key(code=[], files=[]))
    64
    """
    digest = hashlib.sha256()
    for source in code:
        digest.update(Path(source).read_bytes())
    digest.update(extra.encode())
    for path in files:
        digest.update(Path(path).name.encode() + b"\0" + Path(path).read_bytes() + b"\0")
    return digest.hexdigest()


_SHIPPED_DIR = _PACKAGE_DIR / "_resources" / "compiled"
"""Where a built wheel keeps the artefacts derived from the files it ships (``hatch_build.py``)."""


def _cache_file(kind: str, key: str) -> Path | None:
    directory = cache_dir()
    return None if directory is None else directory / f"{kind}-{key}.pickle"


def load_cached(kind: str, key: str) -> object | None:
    """The artefact ``kind`` made under ``key``: the one the wheel ships, else the one kept in
    the cache directory; None when neither has it (also when the file cannot be read)."""
    for path in (_SHIPPED_DIR / f"{kind}-{key}.pickle", _cache_file(kind, key)):
        if path is None:
            continue
        try:
            with path.open("rb") as file:
                return pickle.load(file)  # type: ignore[no-any-return]
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
            continue
    return None


def store_cached(kind: str, key: str, value: object) -> None:
    """Keep an artefact, written whole or not at all; a failure to write is no error."""
    path = _cache_file(kind, key)
    if path is None:
        return
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
        with partial.open("wb") as file:
            pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(path)


def ontology_files() -> list[Path]:
    """The ontology and the concept scheme: ``ontology/*.ttl``, sorted.

    >>> [path.name for path in ontology_files()]  # doctest: +SKIP
    ['begrippenkader.ttl', 'ketenontologie.ttl']
    """
    return _files("ontology", "*.ttl")


def design_files() -> list[Path]:
    """The example chain designs, one chain per file: ``data/*.ttl``, sorted."""
    return _files("data", "*.ttl")


def shape_files() -> list[Path]:
    """The SHACL shapes, one family per file: ``shapes/*.ttl``, sorted."""
    return _files("shapes", "*.ttl")


def query_files() -> list[Path]:
    """The named SPARQL queries, one question per file: ``queries/*.rq``, sorted."""
    return _files("queries", "*.rq")
