"""The public surface of the package: what ``__all__`` offers, its version, its examples."""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil
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

# Every module's docstring examples are run here (examples that need a running store say SKIP).
DOCTESTED = sorted(
    info.name
    for info in pkgutil.walk_packages(ketenontologie.__path__, prefix="ketenontologie.")
    if not info.name.endswith("__main__")
)


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


def _subclasses(cls: type[ketenontologie.KetenontologieError]) -> list[type]:
    found = [cls]
    for sub in cls.__subclasses__():
        found += _subclasses(sub)
    return found


def test_errors_form_one_tree_with_unique_codes_in_one_module() -> None:
    for module_name in DOCTESTED:  # import every module, so that every error class exists
        importlib.import_module(module_name)
    errors = _subclasses(ketenontologie.KetenontologieError)
    assert len(errors) > 30
    codes = [error.code for error in errors]
    assert len(set(codes)) == len(codes), sorted(c for c in codes if codes.count(c) > 1)
    assert {error.__module__ for error in errors} == {"ketenontologie.errors"}
    input_errors = [
        ketenontologie.InputError,
        ketenontologie.InputNotFoundError,
        ketenontologie.RDFSyntaxError,
        ketenontologie.RemoteContextError,
        ketenontologie.UnknownFormatError,
    ]
    assert all(issubclass(error, ketenontologie.InputError) for error in input_errors)


@pytest.mark.parametrize("module_name", DOCTESTED)
def test_docstring_examples(module_name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    module = importlib.import_module(module_name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.failed == 0
