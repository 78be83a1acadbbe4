"""The service for the tests: in this process for most, a real uvicorn where one must be seen.

Most service tests talk to the application in the test process (``tests/inprocess.py``): the
same application, settings and store as ``ketenontologie serve``, without a socket. A real
service on a loopback port (``ketenontologie serve`` in a subprocess, :func:`start_server`) is
kept for what only it shows: real SPARQL clients (SPARQLWrapper, rdflib's SPARQLStore), the time
limit that kills a worker under a real server, kill -9 of the process, the W3C protocol suite
and the browsers.

The fixtures (``tests/conftest.py``, ``tests/api/conftest.py``) share one service per store and
kind for the session where tests do not write, or put back what they write; a module whose tests
write starts its own, in this process.

A fault of the fast path (``ketenontologie.api.fastpath``) is answered by the route instead,
so it would go unseen: in this process every test fails on one (``fast_path_faults`` in
``tests/conftest.py``), and a real server's log is checked for one when it stops.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from virtuoso import Virtuoso, VirtuosoUnavailableError, find_virtuoso, must_have_virtuoso
from virtuoso import start_virtuoso as _start_virtuoso

__all__ = [
    "FAST_PATH_FAILED",
    "ORIGIN",
    "SHARED_ENV",
    "STORES",
    "TOKEN",
    "Listener",
    "Server",
    "free_port",
    "start_database",
    "start_server",
    "store_env",
    "store_env_for",
]

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "test-token-0123456789"
ORIGIN = "https://architect.example"
STORES = ["oxigraph", "virtuoso"]
"""The service fixtures run every test on the embedded store and on a real Virtuoso."""
SHARED_ENV = {
    "KETENONTOLOGIE_UPDATE_TOKEN": TOKEN,
    "KETENONTOLOGIE_ROW_LIMIT": "1000",
    "KETENONTOLOGIE_MAX_BODY_BYTES": "65536",
    "KETENONTOLOGIE_CORS_ORIGINS": ORIGIN,
}
"""The shared services: the project's data, a token and small limits."""
FAST_PATH_FAILED = "the fast path failed"
"""What the fast path logs on a fault; a real server's log must not hold it either."""


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A running service: its URL, data directory and process."""

    url: str
    data_dir: Path
    process: subprocess.Popen[bytes]
    log: Path

    def client(self, **options: object) -> httpx.Client:
        """A client of this server over its socket."""
        return httpx.Client(base_url=self.url, timeout=30, **options)  # type: ignore[arg-type]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def assert_no_fast_path_fault(self) -> None:
        """Fail when the service logged a fault of its fast path (see the module docstring)."""
        log = self.log.read_text(errors="replace")
        if FAST_PATH_FAILED in log:
            pytest.fail(f"the fast path of {self.url} logged a fault:\n{log}", pytrace=False)


def start_server(
    data_dir: Path, *, env: dict[str, str] | None = None, args: Sequence[str] = ()
) -> Server:
    """Start the service on a free loopback port and wait until it answers."""
    port = free_port()
    log = data_dir.parent / f"server-{port}.log"
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("KETENONTOLOGIE_")},
        "PYTHONPATH": str(ROOT / "src"),
        **(env or {}),
    }
    command = [
        sys.executable,
        "-m",
        "ketenontologie",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--data-dir",
        str(data_dir),
        *args,
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=environment, stdout=out, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", data_dir, process, log)
    deadline = time.monotonic() + 180  # a loaded machine starts a service slowly
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the service stopped:\n{log.read_text()}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{server.url}/queries", timeout=2).status_code == 200:
                return server
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"the service did not start in time:\n{log.read_text()}")


def start_database(
    tmp_path_factory: pytest.TempPathFactory,
    name: str,
    addfinalizer: Callable[[Callable[[], object]], None],
    *,
    buffers: int = 20_000,
) -> Virtuoso:
    """A Virtuoso of its own (stopped by ``addfinalizer``).

    Without ``virtuoso-t`` the test is skipped, except under ``CI=true``: there it fails.
    """
    try:
        find_virtuoso()
        database = _start_virtuoso(tmp_path_factory.mktemp(f"virtuoso-{name}"), buffers=buffers)
    except VirtuosoUnavailableError as error:
        if must_have_virtuoso():
            pytest.fail(f"CI=true and Virtuoso is not available: {error}")
        pytest.skip(str(error))
    addfinalizer(database.stop)
    return database


def store_env_for(
    store: str,
    tmp_path_factory: pytest.TempPathFactory,
    name: str,
    addfinalizer: Callable[[Callable[[], object]], None],
) -> dict[str, str]:
    """The environment that points a service at ``store``: nothing for the embedded one, a
    Virtuoso of its own (:func:`start_database`) for ``virtuoso``."""
    if store == "oxigraph":
        return {}
    return start_database(tmp_path_factory, name, addfinalizer).env()


def store_env(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, name: str
) -> dict[str, str]:
    """:func:`store_env_for` the store a fixture parametrised over :data:`STORES` is on."""
    return store_env_for(request.param, tmp_path_factory, name, request.addfinalizer)


@dataclass
class Listener:
    """A TCP listener on loopback that records every connection made to it."""

    port: int
    connections: list[bytes] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"
