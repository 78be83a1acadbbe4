"""ketenontologie: a knowledge graph of ketensturing (chain governance, NORA Online).

The public surface is :data:`__all__`: load RDF into rdflib graphs, summarise chain designs, and
one error tree.

>>> import ketenontologie
>>> ketenontologie.__version__  # doctest: +SKIP
'0.2.0'
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

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


def _version() -> str:
    """The installed distribution's version; from pyproject.toml when run from a bare checkout."""
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


__version__ = _version()

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
