"""The standards and fixtures kept beside the project in ``../shared`` (used in place, never
copied in; ``KETENONTOLOGIE_SHARED`` points elsewhere). A missing one skips the tests that read
it, except under ``CI=true``: there it fails them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("KETENONTOLOGIE_SHARED", ROOT.parent / "shared"))


def shared(*parts: str, what: str) -> Path:
    """The path ``parts`` below ``../shared``; skip (or on CI fail) when it is not there."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        message = f"{what}: not found at {path}"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"CI=true and {message}")
        pytest.skip(message)
    return path
