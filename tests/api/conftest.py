"""Fixtures of the service tests that need a real uvicorn (see ``tests/services.py``).

The in-process services and the listener are in ``tests/conftest.py``; the names imported here
stay importable from ``api.conftest``.
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
    store_env_for,
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
def server(request: pytest.FixtureRequest) -> Server:
    """A real uvicorn with the project's data, a token, small limits and a 2 s time limit, one
    per store for the session: for real SPARQL clients, the time limit under a real server and
    pages fetched over a socket."""
    return request.getfixturevalue(f"{request.param}_server")  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def virtuoso_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """:func:`server` on a Virtuoso of its own (``oxigraph_server`` is in tests/conftest.py)."""
    running = start_server(
        tmp_path_factory.mktemp("service-virtuoso") / "data",
        env={
            **store_env_for("virtuoso", tmp_path_factory, "service", request.addfinalizer),
            **SHARED_ENV,
            "KETENONTOLOGIE_QUERY_TIMEOUT": "2",
        },
    )
    yield running
    running.stop()
    running.assert_no_fast_path_fault()


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
