"""Locate the project's hand-edited sources: ontology, shapes, queries and example designs.

In a source checkout (also an editable install) they are the top-level directories
``ontology/``, ``shapes/``, ``queries/`` and ``data/``. A built wheel ships the same directories
as package data under ``ketenontologie/_resources/``. The checkout wins when both exist, so
edits show up without reinstalling.

>>> from ketenontologie.resources import resource_dir
>>> resource_dir("ontology").name  # doctest: +SKIP
'ontology'
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from ketenontologie.errors import InputNotFoundError

__all__ = [
    "ResourceKind",
    "cache_dir",
    "design_files",
    "ontology_files",
    "query_files",
    "resource_dir",
    "shape_files",
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
    """Where derived files are kept between runs (compiled rules): ``KETENONTOLOGIE_CACHE_DIR``,
    else ``$XDG_CACHE_HOME/ketenontologie``, else ``~/.cache/ketenontologie``; None when the
    variable is set to an empty value (keep nothing)."""
    configured = os.environ.get("KETENONTOLOGIE_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured else None
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "ketenontologie"


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
