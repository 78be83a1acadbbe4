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
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

import services
from virtuoso import Virtuoso

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


def client_from(url: str, address: str = "127.0.0.1", **options: object) -> httpx.Client:
    """A client of ``url`` whose connections come from the loopback ``address``."""
    transport = httpx.HTTPTransport(local_address=address)
    return httpx.Client(base_url=url, timeout=60, transport=transport, **options)  # type: ignore[arg-type]


@dataclass
class Server:
    """A service (``tests/services.py``) that can be restarted, with its settings and, on
    Virtuoso, its database."""

    data_dir: Path
    env: dict[str, str]
    args: Sequence[str] = ()
    running: services.Server | None = None
    database: Virtuoso | None = None
    """The Virtuoso the service stores in (None: the embedded store)."""

    @property
    def url(self) -> str:
        assert self.running is not None
        return self.running.url

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    @property
    def process(self) -> subprocess.Popen[bytes] | None:
        return self.running.process if self.running is not None else None

    def client(self, address: str = "127.0.0.1", **options: object) -> httpx.Client:
        return client_from(self.url, address, **options)

    def start(self) -> None:
        """Start the service on a free loopback port and wait until it answers."""
        self.running = services.start_server(self.data_dir, env=self.env, args=self.args)

    def stop(self) -> None:
        if self.running is not None:
            self.running.stop()
            self.running = None

    def restart(self) -> None:
        self.stop()
        self.start()
        self.warm()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_text(self) -> str:
        log = self.running.log if self.running is not None else None
        return log.read_text(errors="replace") if log is not None and log.exists() else ""

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
    with contextlib.ExitStack() as stack:
        database = None
        if store == "virtuoso":
            database = services.start_database(
                tmp_path_factory, "regression", stack.callback, buffers=10_000
            )
            # An attack that gets past the service could make Virtuoso take the machine's
            # memory (one did: 18 GB, then the kernel killed it); here it may take at most this.
            assert database.pid is not None
            resource.prlimit(database.pid, resource.RLIMIT_DATA, (VIRTUOSO_MEMORY,) * 2)
        server = start_server(
            data_dir or tmp_path_factory.mktemp(f"own-{store}") / "data",
            env={**(database.env() if database else {}), **(env or {})},
            args=args,
        )
        server.database = database
        stack.callback(server.stop)
        yield server


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
