"""Build hook: the wheel ships what validation derives from the project's files.

A CI job validates one design in a fresh process, often on a fresh machine: compiling the
ontology's rules (owlrl's closure) and the shapes there would cost seconds on its first run. So
the wheel carries them, made here by the package's own code
(:func:`ketenontologie.validation.engine.prepare`) under the names its cache gives them (a hash
of the files, the code and owlrl's version), in ``ketenontologie/_resources/compiled/``. An
installed package reads them from there; a checkout or an editable install (nothing to build)
makes them on first use and keeps them in the user's cache (``docs/validation.md``).

``[build-system] requires`` pins pyoxigraph, rdflib and owlrl to the lock's versions, so the
shipped rules carry the owlrl version the package is installed with; another owlrl gets new
rules on first use.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

COMPILED = "ketenontologie/_resources/compiled"


class CompiledTablesHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        self._made = Path(tempfile.mkdtemp(prefix="ketenontologie-compiled-"))
        # The package's source first; then whatever the build environment puts on the path
        # (pip's isolated build installs the build requirements in a folder it names there).
        path = [str(Path(self.root) / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(path),
            "KETENONTOLOGIE_CACHE_DIR": str(self._made),
        }
        subprocess.run(
            [
                sys.executable,
                "-c",
                "from ketenontologie.validation.engine import prepare; prepare()",
            ],
            env=env,
            check=True,
            cwd=self._made,
        )
        made = sorted(self._made.glob("*.pickle"))
        kinds = {path.name.split("-", 1)[0] for path in made}
        if kinds != {"described", "rules", "shapes"}:
            raise RuntimeError(f"compiling the tables made {[p.name for p in made]}")
        for path in made:
            build_data["force_include"][str(path)] = f"{COMPILED}/{path.name}"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        made = getattr(self, "_made", None)
        if made is not None:
            shutil.rmtree(made, ignore_errors=True)
