"""The pre-commit hook, run by pre-commit itself against a local clone of this repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DESIGNS = ROOT / "tests" / "designs"

pytestmark = pytest.mark.slow


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=test", "-c", "user.email=test@example.org", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


@pytest.fixture(scope="module")
def user_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A user's repository whose .pre-commit-config.yaml uses the hook at this commit."""
    pytest.importorskip("pre_commit")
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    base = tmp_path_factory.mktemp("precommit")
    hooks = base / "ketenontologie"
    git(base, "clone", "--quiet", str(ROOT), str(hooks))
    rev = git(hooks, "rev-parse", "HEAD")
    repo = base / "ontwerpen"
    repo.mkdir()
    git(repo, "init", "--quiet")
    (repo / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        f"  - repo: {hooks}\n"
        f"    rev: {rev}\n"
        "    hooks:\n"
        "      - id: ketenontologie-validate\n",
        "utf-8",
    )
    env = {**os.environ, "PRE_COMMIT_HOME": str(base / "cache"), "NO_COLOR": "1"}
    return repo, env


def run_hooks(repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    git(repo, "add", "--all")
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )


def test_hook_passes_a_valid_design_and_fails_an_invalid_one(
    user_repo: tuple[Path, dict[str, str]],
) -> None:
    repo, env = user_repo
    shutil.copy(DESIGNS / "valid" / "keten-met-ketenmanager.ttl", repo / "keten.ttl")
    passing = run_hooks(repo, env)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "validate chain designs" in passing.stdout

    shutil.copy(DESIGNS / "invalid" / "KS-R01-een-partner.ttl", repo / "fout.ttl")  # a violation
    failing = run_hooks(repo, env)
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "KS-R01" in failing.stdout
    assert "fout.ttl" in failing.stdout
