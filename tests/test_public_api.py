"""The public surface of the package: what ``__all__`` offers, its version, its examples."""

from __future__ import annotations

import doctest
import importlib
import inspect
import tomllib
from pathlib import Path

import pytest

import ketenontologie

ROOT = Path(__file__).resolve().parents[1]

PUBLIC = [
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

# Modules whose docstring examples are run here.
DOCTESTED = [
    "ketenontologie",
    "ketenontologie.cli",
    "ketenontologie.errors",
    "ketenontologie.loading",
    "ketenontologie.namespaces",
    "ketenontologie.resources",
    "ketenontologie.summary",
]


def test_all_is_pinned() -> None:
    assert ketenontologie.__all__ == PUBLIC


@pytest.mark.parametrize("name", PUBLIC)
def test_every_public_name_exists_and_explains_itself(name: str) -> None:
    value = getattr(ketenontologie, name)
    if inspect.isfunction(value) or inspect.isclass(value):
        assert value.__doc__, f"{name} has no docstring"
        assert value.__doc__.strip().splitlines()[0].endswith(".")


@pytest.mark.parametrize(
    "name", [n for n in PUBLIC if inspect.isfunction(getattr(ketenontologie, n, None))]
)
def test_public_functions_take_options_by_keyword_only(name: str) -> None:
    parameters = list(inspect.signature(getattr(ketenontologie, name)).parameters.values())
    with_defaults = [p for p in parameters if p.default is not inspect.Parameter.empty]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in with_defaults), name


def test_version_is_the_one_in_pyproject() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    assert ketenontologie.__version__ == pyproject["project"]["version"]


def test_errors_form_one_tree_with_stable_codes() -> None:
    errors = [
        ketenontologie.InputError,
        ketenontologie.InputNotFoundError,
        ketenontologie.RDFSyntaxError,
        ketenontologie.RemoteContextError,
        ketenontologie.UnknownFormatError,
    ]
    assert all(issubclass(error, ketenontologie.KetenontologieError) for error in errors)
    assert all(issubclass(error, ketenontologie.InputError) for error in errors)
    codes = [error.code for error in [ketenontologie.KetenontologieError, *errors]]
    assert len(set(codes)) == len(codes)


@pytest.mark.parametrize("module_name", DOCTESTED)
def test_docstring_examples(module_name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    module = importlib.import_module(module_name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.failed == 0
