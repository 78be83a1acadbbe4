"""What Virtuoso guarantees for a write, and what the remote store makes of it.

Measured here (and relied on by ``ketenontologie.store.remote``): one SPARQL Update request is
one transaction for a crash of the server and for concurrent readers, but an operation that
fails leaves the operations before it in place. The store journals every write with backup
copies, so a write is there whole or not at all after a refused operation, a crash of the
server, or a crash of the service between the requests of a large write.
"""

from __future__ import annotations

import contextlib
import http.server
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest

import ketenontologie.store.remote as store_sparql
from graph_writes import write_design
from ketenontologie.errors import StoreSettingError, StoreUnavailableError
from ketenontologie.namespaces import design_graph, inferred_graph
from ketenontologie.sparql.results import format_by_name
from ketenontologie.store import design_ids, open_store, run_query
from ketenontologie.store.remote import ADMIN, SparqlStore
from virtuoso import USER, Virtuoso

from .conftest import need_virtuoso, open_sparql_store, start_own_virtuoso, wipe

EX = "https://example.org/"

# A server that has just replayed its transaction log after kill -9 may take a while to answer
# its first queries (it checkpoints); httpx's default of 5 s is too short for that.
SLOW_SERVER = 120.0


def design(ident: str, size: int, *, tag: str = "") -> tuple[list[ox.Triple], list[ox.Triple]]:
    """A design of ``size`` triples and as many inferred ones."""
    asserted = [
        ox.Triple(ox.NamedNode(f"{EX}{ident}/{i}"), ox.NamedNode(EX + "p"), ox.Literal(f"{tag}{i}"))
        for i in range(size)
    ]
    inferred = [
        ox.Triple(ox.NamedNode(f"{EX}{ident}/{i}"), ox.NamedNode(EX + "q"), ox.Literal(f"{tag}{i}"))
        for i in range(size)
    ]
    return asserted, inferred


def counts(store: SparqlStore) -> dict[str, int]:
    """Triples per graph, as the service's queries see them."""
    result = run_query(
        store,
        "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
        choose_format=lambda kind: format_by_name("json", kind=kind),  # type: ignore[arg-type,return-value]
    )
    import json

    rows = json.loads(result.body)["results"]["bindings"]
    return {row["g"]["value"]: int(row["n"]["value"]) for row in rows}


def leftovers(server: Virtuoso) -> list[str]:
    """Journal entries and backup copies on the server (none once every write settled)."""
    answer = httpx.post(
        server.url,
        data={"query": "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=SLOW_SERVER,
    )
    graphs = [row["g"]["value"] for row in answer.json()["results"]["bindings"]]
    return [g for g in graphs if g.startswith(ADMIN) and not g.endswith("register")]


@pytest.fixture
def server(virtuoso: Virtuoso) -> Virtuoso:
    """The session's Virtuoso, emptied of every graph a test may have left (journal included)."""
    wipe(virtuoso)
    return virtuoso


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[Virtuoso]:
    """A Virtuoso of the test's own, for the tests that kill it."""
    need_virtuoso()
    running = start_own_virtuoso(tmp_path / "virtuoso")
    yield running
    running.kill()


# --- the server's own behaviour -------------------------------------------------------------


def test_virtuoso_keeps_earlier_operations_when_a_later_one_fails(server: Virtuoso) -> None:
    """Why every write is journaled: a failed request is not rolled back by the server."""
    auth = httpx.DigestAuth(USER, server.password)
    answer = httpx.post(
        server.url + "-auth",
        data={
            "update": f"INSERT DATA {{ GRAPH <{EX}first> {{ <{EX}a> <{EX}b> <{EX}c> }} }} ; "
            f"DROP GRAPH <{EX}never-created>"
        },
        auth=auth,
        timeout=SLOW_SERVER,
    )
    assert answer.status_code >= 400
    kept = httpx.post(
        server.url,
        data={"query": f"ASK {{ GRAPH <{EX}first> {{ ?s ?p ?o }} }}"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=SLOW_SERVER,
    )
    assert kept.json()["results"]["bindings"], "the first operation stayed"


@pytest.mark.slow
def test_a_crash_of_the_server_loses_a_whole_request_never_part(own_server: Virtuoso) -> None:
    """One update request is one transaction for a crash: kill -9 in the middle leaves none."""
    server = own_server
    auth = httpx.DigestAuth(USER, server.password)
    operations = [
        f"INSERT DATA {{ GRAPH <{EX}{name}> {{ "
        + " ".join(f'<{EX}s{i}> <{EX}p> "{name}{i}" .' for i in range(k, k + 1000))
        + " } }"
        for name in ("one", "two")
        for k in range(0, 60_000, 1000)
    ]

    def send() -> None:
        with contextlib.suppress(httpx.HTTPError):
            httpx.post(
                server.url + "-auth",
                data={"update": " ;\n".join(operations)},
                auth=auth,
                timeout=60,
            )

    writer = threading.Thread(target=send, daemon=True)
    writer.start()
    time.sleep(1.0)
    server.kill()
    writer.join(timeout=10)
    server.start()
    store = open_sparql_store(server)
    try:
        found = {g: n for g, n in _all_counts(server).items() if g in (f"{EX}one", f"{EX}two")}
        assert found in ({}, {f"{EX}one": 60_000, f"{EX}two": 60_000}), found
    finally:
        store.close()


def _all_counts(server: Virtuoso) -> dict[str, int]:
    answer = httpx.post(
        server.url,
        data={"query": "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=SLOW_SERVER,
    )
    rows = answer.json()["results"]["bindings"]
    return {row["g"]["value"]: int(row["n"]["value"]) for row in rows}


# --- the store's writes -----------------------------------------------------------------------


def test_a_write_refused_half_way_is_rolled_back(
    server: Virtuoso, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_sparql_store(server)
    try:
        write_design(
            store, "a", **dict(zip(("asserted", "inferred"), design("a", 1500), strict=True))
        )
        before = counts(store)
        original = store_sparql._insert_operations

        def failing(graph: str, triples: Any) -> Iterator[str]:
            operations = list(original(graph, triples))
            yield operations[0]
            # An operation the server refuses when it runs (the graph was never CREATEd).
            yield f"DROP GRAPH <{EX}never-created>"
            yield from operations[1:]

        monkeypatch.setattr(store_sparql, "_insert_operations", failing)
        asserted, inferred = design("a", 1500, tag="new-")
        with pytest.raises(StoreUnavailableError):
            write_design(store, "a", asserted=asserted, inferred=inferred)
        with pytest.raises(StoreUnavailableError):
            write_design(
                store, "b", **dict(zip(("asserted", "inferred"), design("b", 10), strict=True))
            )
        monkeypatch.undo()
        assert counts(store) == before
        assert store.graphs() == [inferred_graph("a"), design_graph("a")]
        assert leftovers(server) == []
        old = store.dump(design_graph("a"), format=format_by_name("ntriples", kind="graph"))  # type: ignore[arg-type]
        assert b'"new-' not in old
    finally:
        store.close()


def test_a_write_cut_off_between_requests_is_rolled_back_at_the_next_start(
    server: Virtuoso, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_sparql_store(server)
    write_design(store, "a", **dict(zip(("asserted", "inferred"), design("a", 800), strict=True)))
    before = counts(store)
    # A large write goes in several requests; the service dies after the second.
    monkeypatch.setattr(store_sparql, "MAX_REQUEST_BYTES", 50_000)
    sent: list[str] = []
    client = store._client
    real_update = client.update

    def dying(text: str, **options: Any) -> None:
        if len(sent) == 2:
            raise StoreUnavailableError("the service process died here")
        sent.append(text)
        real_update(text, **options)

    monkeypatch.setattr(client, "update", dying)
    asserted, inferred = design("a", 800, tag="new-")
    with pytest.raises(StoreUnavailableError):
        write_design(store, "a", asserted=asserted, inferred=inferred)
    assert leftovers(server), "the journal holds the write that was cut off"
    monkeypatch.undo()
    store.close()

    again = open_sparql_store(server)
    try:
        assert counts(again) == before
        assert leftovers(server) == []
        assert design_ids(again) == ["a"]
    finally:
        again.close()


@pytest.mark.slow
def test_kill_9_of_the_server_during_writes_leaves_only_whole_designs(
    own_server: Virtuoso,
) -> None:
    server = own_server
    size = 1500
    store = open_sparql_store(server)
    acknowledged: list[str] = []

    def write() -> None:
        for n in range(1000):
            ident = f"d{n}"
            asserted, inferred = design(ident, size)
            try:
                write_design(store, ident, asserted=asserted, inferred=inferred)
            except StoreUnavailableError:
                return
            acknowledged.append(ident)

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    deadline = time.monotonic() + 60
    while len(acknowledged) < 8 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.05)  # land somewhere inside a write
    server.kill()
    writer.join(timeout=30)
    store.close()
    server.start()

    again = open_sparql_store(server)
    try:
        stored = design_ids(again)
        assert len(acknowledged) >= 8
        assert set(acknowledged) <= set(stored)
        assert len(stored) - len(acknowledged) <= 1, "only the write in flight may be extra"
        per_graph = counts(again)
        for ident in stored:
            assert per_graph[design_graph(ident)] == size, ident
            assert per_graph[inferred_graph(ident)] == size, ident
        assert len(per_graph) == 2 * len(stored)
        assert leftovers(server) == []
    finally:
        again.close()


def test_readers_never_see_half_a_write(server: Virtuoso) -> None:
    store = open_sparql_store(server)
    sizes = (300, 700)
    write_design(
        store, "a", **dict(zip(("asserted", "inferred"), design("a", sizes[0]), strict=True))
    )
    seen: set[tuple[int, int]] = set()
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            found = counts(store)
            seen.add((found.get(design_graph("a"), 0), found.get(inferred_graph("a"), 0)))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        for n in range(12):
            size = sizes[(n + 1) % 2]
            asserted, inferred = design("a", size, tag=str(n))
            write_design(store, "a", asserted=asserted, inferred=inferred)
    finally:
        stop.set()
        reader.join(timeout=30)
        store.close()
    assert seen <= {(size, size) for size in sizes}, seen


# --- settings and connections -----------------------------------------------------------------


def test_an_unreachable_server_is_an_error_that_names_it_and_the_setting() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(StoreUnavailableError) as caught:
        SparqlStore(f"sparql+http://127.0.0.1:{port}/sparql")
    assert f"http://127.0.0.1:{port}/sparql" in str(caught.value)
    assert "KETENONTOLOGIE_STORE" in str(caught.value)


@pytest.mark.parametrize(
    "url",
    ["redis://127.0.0.1/0", "sparql+ftp://x/sparql", "sparql+http:///sparql", "virtuoso"],
)
def test_an_unknown_store_setting_says_what_is_allowed(url: str, tmp_path: Path) -> None:
    from ketenontologie.config import Settings

    with pytest.raises(StoreSettingError, match="KETENONTOLOGIE_STORE"):
        open_store(Settings(store=url, data_dir=tmp_path))


def test_a_wrong_password_is_an_error_that_names_the_settings(server: Virtuoso) -> None:
    with pytest.raises(StoreUnavailableError, match="KETENONTOLOGIE_STORE_PASSWORD"):
        SparqlStore(server.store_url, user=USER, password="wrong")


def test_a_redirect_is_never_followed() -> None:
    visited: list[str] = []

    class Redirect(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            visited.append(self.path)
            self.send_response(302)
            self.send_header("Location", "http://192.0.2.1/sparql")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Redirect)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        with pytest.raises(StoreUnavailableError, match="never followed"):
            SparqlStore(f"sparql+http://127.0.0.1:{httpd.server_port}/sparql")
        assert len(visited) == 1
    finally:
        httpd.shutdown()
