"""Shared fixtures: the small RDF files in tests/fixtures/, a network guard, the services that
tests in several directories share (see ``tests/services.py``), and a watch on the service's
fast path that fails any test during which it logged a fault."""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib.plugin
from rdflib import Graph
from rdflib.query import Processor

from inprocess import Service, serve_in_process
from ketenontologie import load_graph
from services import SHARED_ENV, STORES, Listener, Server, start_server, store_env_for

SUMMARY = Path(__file__).resolve().parent / "fixtures" / "summary"

# pySHACL's SPARQL-based constraints parsed once per run, not once per design validated.
rdflib.plugin.register("sparql", Processor, "rdflib_parsing", "OnceParsedSPARQL")


@pytest.fixture(scope="session")
def summary_graph() -> Graph:
    """The fixture chains with the few ontology axioms the summary needs, loaded once."""
    return load_graph([SUMMARY / "terms.ttl", SUMMARY / "chains.ttl"])


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Fail any attempt to open a network connection from Python; returns the attempts made."""
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


class FastPathFaults(logging.Handler):
    """Collects what the fast path logs at ERROR (its faults, with their tracebacks)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def report(self) -> str:
        return "\n".join(self.format(record) for record in self.records)


@pytest.fixture(autouse=True)
def fast_path_faults() -> Iterator[FastPathFaults]:
    """Fail the test when the service's fast path logged a fault during it, in this process.

    The fast path answers a fault through the route, so the client gets the same answer: only
    the log tells. A test that provokes faults on purpose takes this fixture, checks
    ``records`` and clears them.
    """
    handler = FastPathFaults()
    logger = logging.getLogger("ketenontologie.api.fastpath")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
    if handler.records:
        pytest.fail(f"the fast path logged a fault:\n{handler.report()}", pytrace=False)


# --- services ------------------------------------------------------------------------------------

_SHARED = {
    "shared_service",
    "oxigraph_service",
    "virtuoso_service",
    "readonly_service",
    "server",
    "oxigraph_server",
    "virtuoso_server",
    "empty_server",
    "each_client",  # takes a shared service by name (tests/test_linked_data.py)
}
"""Session fixtures that start a service or a Virtuoso: expensive, so started once."""


_SERIAL_FILES = {
    "test_api_crash.py",
    "test_virtuoso_atomicity.py",
    "test_browser_yasgui.py",
    "test_pages_browser.py",
    # regressions that bound how long an answer or a refusal takes, or count what is done
    "test_cli_hostile_files.py",
    "test_costly_designs.py",
    "test_fair_sharing.py",
    "test_hidden_service_and_load.py",
    "test_huge_results.py",
    "test_no_half_writes_seen.py",  # and how much is read and written while it runs
    "test_reads_during_writes.py",
    "test_runaway_lookup.py",
    "test_stalled_bodies.py",
}
"""Files whose tests bound a time, kill processes or drive a browser: run alone (``serial``)."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark what must run alone, and group what shares a session's services.

    ``make test`` runs the suite in two steps: everything not marked ``serial`` on two
    pytest-xdist workers (``-n 2 --dist loadgroup``), then the ``serial`` tests alone: those
    that bound a time (regressions of attacks, runaway queries), kill a process or drive a
    browser, so that a second worker cannot slow them past their bounds. Under xdist the tests
    that share a session's services stay on one worker, and those on the store tests' Virtuoso
    on one, so that each is started once. Without xdist the groups do nothing.
    """
    for item in items:
        path = item.path
        if path.name in _SERIAL_FILES or "runaway" in item.name:
            item.add_marker(pytest.mark.serial)
        names = set(getattr(item, "fixturenames", ()))
        if names & _SHARED:
            item.add_marker(pytest.mark.xdist_group("services"))
        elif "virtuoso" in names or "make_store" in names:
            item.add_marker(pytest.mark.xdist_group("stores"))


@pytest.fixture(scope="session", params=STORES)
def shared_service(request: pytest.FixtureRequest) -> Service:
    """The service in this process with the project's data, a token and small limits
    (``SHARED_ENV``), one per store for the session. Tests that write put back what they
    change."""
    return request.getfixturevalue(f"{request.param}_service")  # type: ignore[no-any-return]


def _shared(
    store: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Service]:
    env = store_env_for(store, tmp_path_factory, "in-process", request.addfinalizer)
    data = tmp_path_factory.mktemp(f"in-process-{store}") / "data"
    with serve_in_process(data, env={**env, **SHARED_ENV}) as running:
        yield running


@pytest.fixture(scope="session")
def oxigraph_service(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Service]:
    """:func:`shared_service` on the embedded store."""
    yield from _shared("oxigraph", request, tmp_path_factory)


@pytest.fixture(scope="session")
def virtuoso_service(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Service]:
    """:func:`shared_service` on a Virtuoso of its own."""
    yield from _shared("virtuoso", request, tmp_path_factory)


@pytest.fixture(scope="session")
def readonly_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """The service in this process without an update token: every write is off."""
    data = tmp_path_factory.mktemp("readonly") / "data"
    with serve_in_process(data, env={"KETENONTOLOGIE_LOAD_PROJECT": "false"}) as running:
        yield running


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A real uvicorn on the embedded store with the project's data, a token, small limits and
    a 2 s time limit, for the session: real clients, the time limit and the browsers."""
    running = start_server(
        tmp_path_factory.mktemp("service-oxigraph") / "data",
        env={**SHARED_ENV, "KETENONTOLOGIE_QUERY_TIMEOUT": "2"},
    )
    yield running
    running.stop()
    running.assert_no_fast_path_fault()


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
    """:func:`server` on a Virtuoso of its own (``oxigraph_server`` is above)."""
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


@pytest.fixture
def listener() -> Iterator[Listener]:
    """A loopback listener that would notice any request the service sends out."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    sock.settimeout(0.2)
    seen = Listener(sock.getsockname()[1])
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1)
                with contextlib.suppress(OSError):
                    seen.connections.append(conn.recv(4096))
                with contextlib.suppress(OSError):
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield seen
    stop.set()
    thread.join(timeout=2)
    sock.close()
