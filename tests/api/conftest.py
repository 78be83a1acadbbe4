"""Fixtures of the service tests that need a real uvicorn (see ``tests/services.py``).

The in-process services, the real servers shared with ``tests/clients`` (``server``) and the
listener are in ``tests/conftest.py``; the names imported here stay importable from
``api.conftest``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from services import (
    ORIGIN,
    SHARED_ENV,
    STORES,
    TOKEN,
    Listener,
    Server,
    free_port,
    start_server,
    store_env,
)

__all__ = [
    "ORIGIN",
    "SHARED_ENV",
    "STORES",
    "TOKEN",
    "Listener",
    "Server",
    "free_port",
    "start_server",
    "store_env",
]


@pytest.fixture(scope="session", params=STORES)
def empty_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """A real uvicorn that starts empty (no project data), with a token: the W3C protocol suite."""
    running = start_server(
        tmp_path_factory.mktemp("empty") / "data",
        env={**store_env(request, tmp_path_factory, "empty"), "KETENONTOLOGIE_UPDATE_TOKEN": TOKEN},
        args=["--no-load-project"],
    )
    yield running
    running.stop()
    running.assert_no_fast_path_fault()
