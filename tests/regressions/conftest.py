"""Fixtures for the regressions of issue 16: real services on loopback ports, on both stores.

Each service is ``python -m ketenontologie serve`` in a subprocess with small limits (2 s per
query, 5 s per validation, 2 s for a stalled body, 1 MB per answer), so that an attack that is
stopped is stopped fast. ``attacked`` is one such service per store, shared by the tests of
a session; tests that need a service of their own (a restart, a small disk) start one.

The service tells clients apart by their address. On loopback every test would be
127.0.0.1, so :func:`client_from` binds a client's sockets to another loopback address
(127.0.0.2, 127.0.0.3, …), which Linux routes to the service like any other.

A missing Virtuoso skips the Virtuoso half, except under ``CI=true``, where it fails.
"""

from __future__ import annotations

import contextlib
import http.server
import os
import resource
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from virtuoso import Virtuoso, VirtuosoUnavailableError, find_virtuoso, must_have_virtuoso
from virtuoso import start_virtuoso as _start_virtuoso

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "regression-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
STORES = ["oxigraph", "virtuoso"]

QUERY_TIMEOUT = 2.0
VALIDATION_TIMEOUT = 5.0
BODY_TIMEOUT = 2.0
MAX_RESULT_BYTES = 1_000_000

LIMITS = {
    "KETENONTOLOGIE_UPDATE_TOKEN": TOKEN,
    "KETENONTOLOGIE_QUERY_TIMEOUT": f"{QUERY_TIMEOUT:g}",
    "KETENONTOLOGIE_VALIDATION_TIMEOUT": f"{VALIDATION_TIMEOUT:g}",
    "KETENONTOLOGIE_BODY_TIMEOUT": f"{BODY_TIMEOUT:g}",
    "KETENONTOLOGIE_MAX_RESULT_BYTES": str(MAX_RESULT_BYTES),
}
"""The settings of every service these tests start (a test may add to them)."""

VIRTUOSO_MEMORY = 4 * 1024**3
"""The most memory (data segment) a Virtuoso of these tests may take."""

GRAPH = "https://w3id.org/ketenontologie/graph/"
HAVENSTAD = "voorbeeldketen-havenstad"


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def client_from(url: str, address: str = "127.0.0.1", **options: object) -> httpx.Client:
    """A client of ``url`` whose connections come from the loopback ``address``."""
    transport = httpx.HTTPTransport(local_address=address)
    return httpx.Client(base_url=url, timeout=60, transport=transport, **options)  # type: ignore[arg-type]


@dataclass
class Server:
    """A running service: its URL, data directory, settings and process (restartable)."""

    data_dir: Path
    env: dict[str, str]
    args: Sequence[str] = ()
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    log: Path = field(default_factory=Path)
    database: Virtuoso | None = None
    """The Virtuoso the service stores in (None: the embedded store)."""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client(self, address: str = "127.0.0.1", **options: object) -> httpx.Client:
        return client_from(self.url, address, **options)

    def start(self) -> None:
        """Start the service on a free loopback port and wait until it answers."""
        self.port = free_port()
        self.log = self.data_dir.parent / f"server-{self.port}.log"
        environment = {
            **{k: v for k, v in os.environ.items() if not k.startswith("KETENONTOLOGIE_")},
            "PYTHONPATH": str(ROOT / "src"),
            **self.env,
        }
        command = [
            sys.executable,
            "-m",
            "ketenontologie",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--data-dir",
            str(self.data_dir),
            *self.args,
        ]
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                command, env=environment, stdout=out, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the service stopped:\n{self.log_text()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/queries", timeout=2).status_code == 200:
                    return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the service did not start in time:\n{self.log_text()}")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()
        self.warm()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def rss_bytes(self) -> int:
        """Resident memory of the service's own process (not its workers)."""
        assert self.process is not None
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        return 0

    def warm(self) -> None:
        """Wait until both query workers answer at once (a new worker reads its parser first)."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            times: list[float] = []
            askers = [
                threading.Thread(target=self._time_ask, args=(f"127.0.0.{n}", times))
                for n in (11, 12)
            ]
            for asker in askers:
                asker.start()
            for asker in askers:
                asker.join()
            if len(times) == 2 and max(times) < 0.5:
                return
        raise RuntimeError(f"the query workers did not get ready:\n{self.log_text()[-3000:]}")

    def _time_ask(self, address: str, times: list[float]) -> None:
        started = time.monotonic()
        with self.client(address) as client:
            if client.get("/sparql", params={"query": "ASK {}"}).status_code == 200:
                times.append(time.monotonic() - started)

    def answers(self) -> None:
        """Assert the service is alive and answers a cheap query (nothing crashed)."""
        assert self.alive(), f"the service died:\n{self.log_text()[-3000:]}"
        with self.client("127.0.0.9") as client:
            response = client.get("/sparql", params={"query": "ASK {}"})
        assert response.status_code == 200, response.text
        assert response.json()["boolean"] is True


def start_server(
    data_dir: Path, *, env: dict[str, str] | None = None, args: Sequence[str] = ()
) -> Server:
    """A started service with :data:`LIMITS` and ``env`` on top."""
    server = Server(data_dir, {**LIMITS, **(env or {})}, args)
    server.start()
    server.warm()
    return server


def store_env(
    store: str, tmp_path_factory: pytest.TempPathFactory, finalizers: list[object]
) -> dict[str, str]:
    """What points a service at ``store``: nothing for the embedded one, a Virtuoso of its own
    for ``virtuoso`` (stopped by the caller's finalizer). Missing Virtuoso: skip, or fail
    under ``CI=true``."""
    if store == "oxigraph":
        return {}
    try:
        find_virtuoso()
        database: Virtuoso = _start_virtuoso(tmp_path_factory.mktemp("virtuoso"), buffers=10_000)
    except VirtuosoUnavailableError as error:
        if must_have_virtuoso():
            pytest.fail(f"CI=true and Virtuoso is not available: {error}")
        pytest.skip(str(error))
    finalizers.append(database)
    # An attack that gets past the service could make Virtuoso take the machine's memory (one
    # did: 18 GB, then the kernel killed it); on a shared machine it may take at most this.
    assert database.pid is not None
    resource.prlimit(database.pid, resource.RLIMIT_DATA, (VIRTUOSO_MEMORY, VIRTUOSO_MEMORY))
    return database.env()


@contextlib.contextmanager
def own_server(
    store: str,
    tmp_path_factory: pytest.TempPathFactory,
    *,
    env: dict[str, str] | None = None,
    args: Sequence[str] = (),
    data_dir: Path | None = None,
) -> Iterator[Server]:
    """A service of the test's own on ``store`` (and a Virtuoso of its own), stopped after."""
    databases: list[object] = []
    try:
        environment = {**store_env(store, tmp_path_factory, databases), **(env or {})}
        server = start_server(
            data_dir or tmp_path_factory.mktemp(f"own-{store}") / "data",
            env=environment,
            args=args,
        )
        server.database = next((d for d in databases if isinstance(d, Virtuoso)), None)
        try:
            yield server
        finally:
            server.stop()
    finally:
        for database in databases:
            assert isinstance(database, Virtuoso)
            database.stop()


@pytest.fixture(scope="session", params=STORES)
def attacked(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """The service with the project's data and small limits, on each store."""
    with own_server(request.param, tmp_path_factory) as server:
        yield server


ON_VIRTUOSO = pytest.mark.parametrize("attacked", ["virtuoso"], indirect=True)
"""For a test of what only the Virtuoso backend did: ``attacked`` on Virtuoso alone."""


@pytest.fixture
def client(attacked: Server) -> Iterator[httpx.Client]:
    """A client of ``attacked`` from 127.0.0.1."""
    with attacked.client() as client:
        yield client


# --- a listener that would notice any request the service sends out -------------------------------


@dataclass
class Listener:
    """An HTTP server on loopback that records every connection and request made to it."""

    port: int
    connections: list[tuple[str, int]] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def heard(self) -> list[object]:
        return [*self.connections, *self.requests]


class _Recording(http.server.ThreadingHTTPServer):
    daemon_threads = True
    seen: Listener

    def verify_request(self, request: object, client_address: tuple[str, int]) -> bool:  # type: ignore[override]
        self.seen.connections.append(client_address)
        return True


class _Answer(http.server.BaseHTTPRequestHandler):
    server: _Recording

    def _answer(self) -> None:
        self.server.seen.requests.append(f"{self.command} {self.path}")
        body = b'{"head": {"vars": ["x"]}, "results": {"bindings": []}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_HEAD = _answer

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def listener() -> Iterator[Listener]:
    """A loopback HTTP listener, checked to hear a request before the test starts."""
    httpd = _Recording(("127.0.0.1", 0), _Answer)
    seen = Listener(httpd.server_address[1])
    httpd.seen = seen
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    assert httpx.get(f"{seen.url}/probe", timeout=5).status_code == 200
    assert seen.requests == ["GET /probe"], "the listener hears requests"
    seen.connections.clear()
    seen.requests.clear()
    yield seen
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


def cli(
    *args: str, cwd: Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``ketenontologie ARGS`` as a real subprocess; returns what it did."""
    return subprocess.run(
        [sys.executable, "-m", "ketenontologie", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=cwd,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("KETENONTOLOGIE_")},
            "PYTHONPATH": str(ROOT / "src"),
        },
    )


# --- designs for the tests that write ---------------------------------------------------------


def design_variant(name: str, *, extra_roles: int = 0) -> str:
    """The Havenstad example with every IRI of its own renamed after ``name``, and
    ``extra_roles`` more coaching managers that escalate to its chain manager."""
    text = (ROOT / "data" / f"{HAVENSTAD}.ttl").read_text().replace("havenstad", name)
    extra = "".join(
        f"\nrol:extra-{number}-{name}\n  a keten:CoachingManager ;\n"
        f"  keten:actsIn ketens:voorbeeldketen-{name} ;\n"
        f'  rdfs:label "Extra teammanager {number}"@nl ;\n'
        f"  keten:escalatesTo rol:ketenmanager-{name} ;\n.\n"
        for number in range(extra_roles)
    )
    return text + extra
