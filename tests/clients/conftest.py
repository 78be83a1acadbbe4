"""The real clients' fixtures: the JavaScript clients of ``package.json`` under Node.

The Python clients (SPARQLWrapper, rdflib) come from the lock file. The JavaScript ones are
pinned in ``package.json`` and ``package-lock.json`` here and installed into ``node_modules``
here by ``npm ci`` (``.ci/run`` does so; a test does it too when they are missing). Without
``node`` and ``npm`` the tests skip, except under ``CI=true``, where that is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "clients.mjs"
NODE_MAJOR = 20
"""The oldest Node the pinned clients run on (Debian's)."""


def _missing(message: str) -> None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI=true and {message}")
    pytest.skip(message)


@dataclass(frozen=True)
class JavaScriptClients:
    """Node with the pinned clients, run on a batch of queries at once (one process)."""

    node: str

    def run(self, client: str, endpoint: str, queries: Sequence[dict[str, str]]) -> list[object]:
        """The answers of ``client`` to ``queries`` (see ``clients.mjs``), in order."""
        job = json.dumps({"client": client, "endpoint": endpoint, "queries": list(queries)})
        done = subprocess.run(
            [self.node, str(SCRIPT)],
            input=job.encode(),
            capture_output=True,
            timeout=180,
            cwd=HERE,
            check=False,
        )
        assert done.returncode == 0, done.stderr.decode(errors="replace")
        answers: list[object] = json.loads(done.stdout)
        return answers


@pytest.fixture(scope="session")
def javascript_clients() -> JavaScriptClients:
    """Node and the pinned clients, installed with ``npm ci`` when they are not there yet."""
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        _missing("node is not installed (apt-get install -y nodejs npm)")
    assert node is not None
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True)
    major = int(version.stdout.strip().lstrip("v").split(".")[0])
    if major < NODE_MAJOR:
        _missing(f"node {version.stdout.strip()} is older than {NODE_MAJOR}")
    installed = HERE / "node_modules" / "@comunica" / "query-sparql" / "package.json"
    if not installed.exists():
        npm = shutil.which("npm")
        if npm is None:
            _missing("npm is not installed (apt-get install -y npm)")
        assert npm is not None
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=HERE,
            capture_output=True,
            timeout=600,
            check=False,
        )
        if done.returncode != 0 or not installed.exists():
            _missing(f"npm ci in {HERE} failed: {done.stderr.decode(errors='replace')[-2000:]}")
    return JavaScriptClients(node)
