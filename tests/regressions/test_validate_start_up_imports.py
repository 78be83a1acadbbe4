"""Regression: ``ketenontologie validate`` started up a third of a second slower once building
the argument parser imported the publication package (for the defaults of ``publish w3id``) and
the summary module parsed its SPARQL queries at import. A CI job pays start-up on every commit,
so the validate command must load neither (checked by what is imported, not by a clock).

Then (issue 15) validating one design in a new process took 1.1 s, most of it importing rdflib,
owlrl, PyYAML and every subcommand's modules that validate does not use: with the compiled
rules and shapes in the cache, validate loads none of them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import contextlib, io, json, sys
from ketenontologie.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(["validate", "--format", "json", sys.argv[1]])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def _modules_of_validate(design: Path, cache: Path) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(design)],
        capture_output=True,
        text=True,
        check=True,
        env={
            "PYTHONPATH": str(ROOT / "src"),
            "PATH": "/usr/bin:/bin",
            "KETENONTOLOGIE_CACHE_DIR": str(cache),
        },
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["code"] == 0
    return set(found["modules"])


def test_validate_loads_neither_the_publication_package_nor_a_sparql_parser(
    tmp_path: Path,
) -> None:
    design = ROOT / "data" / "voorbeeldketen-havenstad.ttl"
    modules = _modules_of_validate(design, tmp_path)
    assert "ketenontologie.validation" in modules, "the probe ran the validation"
    assert not {m for m in modules if m.startswith("ketenontologie.publication")}
    assert "rdflib.plugins.sparql.parser" not in modules
    assert "fastapi" not in modules


def test_validate_with_a_warm_cache_loads_no_rdflib_owlrl_or_pyshacl(tmp_path: Path) -> None:
    design = ROOT / "data" / "voorbeeldketen-havenstad.ttl"
    _modules_of_validate(design, tmp_path)  # fills the cache
    modules = _modules_of_validate(design, tmp_path)
    heavy = {"rdflib", "owlrl", "pyshacl", "yaml", "openpyxl", "jinja2", "importlib.metadata"}
    assert not {m for m in modules if m.split(".")[0] in heavy or m in heavy}
    assert not {
        m for m in modules if m.startswith(("ketenontologie.authoring.", "ketenontologie.changes"))
    }
