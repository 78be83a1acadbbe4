"""Regression: ``ketenontologie validate`` started up a third of a second slower once building
the argument parser imported the publication package (for the defaults of ``publish w3id``) and
the summary module parsed its SPARQL queries at import. A CI job pays start-up on every commit,
so the validate command must load neither (checked by what is imported, not by a clock)."""

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


def test_validate_loads_neither_the_publication_package_nor_a_sparql_parser() -> None:
    design = ROOT / "data" / "voorbeeldketen-havenstad.ttl"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(design)],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["code"] == 0
    modules = set(found["modules"])
    assert "ketenontologie.validation" in modules, "the probe ran the validation"
    assert not {m for m in modules if m.startswith("ketenontologie.publication")}
    assert "rdflib.plugins.sparql.parser" not in modules
    assert "fastapi" not in modules
