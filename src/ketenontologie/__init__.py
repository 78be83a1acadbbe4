"""ketenontologie: a knowledge graph of ketensturing (chain governance, NORA Online).

The public surface is :data:`__all__`: load RDF into rdflib graphs, summarise chain designs, and
one error tree.

>>> import ketenontologie
>>> ketenontologie.__version__  # doctest: +SKIP
'0.2.0'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ketenontologie.errors import (
        InputError,
        InputNotFoundError,
        KetenontologieError,
        RDFSyntaxError,
        RemoteContextError,
        UnknownFormatError,
    )
    from ketenontologie.loading import (
        RDFFormat,
        find_rdf_files,
        load_dataset,
        load_graph,
        load_ontology,
        parse_quads,
    )
    from ketenontologie.resources import (
        design_files,
        ontology_files,
        query_files,
        shape_files,
    )
    from ketenontologie.summary import ChainSummary, render_summary, summarize

_HOMES = {
    "ketenontologie.errors": (
        "InputError",
        "InputNotFoundError",
        "KetenontologieError",
        "RDFSyntaxError",
        "RemoteContextError",
        "UnknownFormatError",
    ),
    "ketenontologie.loading": (
        "RDFFormat",
        "find_rdf_files",
        "load_dataset",
        "load_graph",
        "load_ontology",
        "parse_quads",
    ),
    "ketenontologie.resources": ("design_files", "ontology_files", "query_files", "shape_files"),
    "ketenontologie.summary": ("ChainSummary", "render_summary", "summarize"),
}
"""Where each public name lives. They are imported when first used, so that a command (or a
module of the package) loads only what it needs."""
_HOME = {name: module for module, names in _HOMES.items() for name in names}


def _version() -> str:
    """The installed distribution's version; from pyproject.toml when run from a bare checkout."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ketenontologie")
    except PackageNotFoundError:  # pragma: no cover - only without any install
        import tomllib
        from pathlib import Path

        pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
        try:
            return str(tomllib.loads(pyproject.read_text("utf-8"))["project"]["version"])
        except (OSError, KeyError, tomllib.TOMLDecodeError):
            return "0+unknown"


def __getattr__(name: str) -> Any:
    if name == "__version__":
        value: Any = _version()
    elif name in _HOME:
        value = getattr(importlib.import_module(_HOME[name]), name)
    else:
        raise AttributeError(f"module 'ketenontologie' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = [
    "ChainSummary",
    "InputError",
    "InputNotFoundError",
    "KetenontologieError",
    "RDFFormat",
    "RDFSyntaxError",
    "RemoteContextError",
    "UnknownFormatError",
    "__version__",
    "design_files",
    "find_rdf_files",
    "load_dataset",
    "load_graph",
    "load_ontology",
    "ontology_files",
    "parse_quads",
    "query_files",
    "render_summary",
    "shape_files",
    "summarize",
]
