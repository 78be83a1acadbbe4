"""kill -9 of the real service during uploads through ``/designs``, and a restart.

``tests/test_store.py`` kills a script that calls ``put_design``; this kills the uvicorn process
itself (SIGKILL) while a client uploads designs over HTTP, at a few different moments, restarts
the service on the same data directory and checks that every acknowledged design is there with
exactly the inferred graphs a fresh sequence of the same uploads gives, and that nothing else
is: at most the upload in flight at the kill, whole. The store is checked as the crash left it
(opened directly, as the next start opens it) and through the restarted service: a start-up
rebuilds the reasoning state and repairs the inferred graphs, which could hide a torn write.

The designs are copies of ``data/loonaangifteketen.ttl`` with their own IRIs, except UWV, which
every copy shares: its inferred triples live in the graph of the first copy that derived them
(see ``api/catalogue.py``), so later uploads must leave the other designs' inferred graphs right.

Every design's history (``…/graph/versie/…``) is written in the same transaction as the design:
the histories are checked against the designs after every kill, and a second test replaces and
deletes one design over and over while the service is killed, and checks that its history
holds exactly the versions written (no version without its change of the design, no change
without its version).
"""

from __future__ import annotations

import contextlib
import gc
import os
import re
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import httpx
import pyoxigraph as ox
import pytest

from ketenontologie.designs import DesignCatalogue
from ketenontologie.history import History
from ketenontologie.namespaces import (
    design_graph,
    history_graph,
    inferred_graph,
    is_version,
    version_graph,
)
from ketenontologie.sparql.results import format_by_name
from ketenontologie.store import GraphStore, OxigraphStore, open_store

from .conftest import STORES, TOKEN, Server, start_server, store_env

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "data" / "loonaangifteketen.ttl"
OWN = re.compile(r"^https://w3id\.org/ketenontologie/id/(keten|orgaan|rol|organisatie)/")
SHARED = "https://w3id.org/ketenontologie/id/organisatie/uwv"
UWV_IS_AN_ORGANIZATION = ox.Triple(
    ox.NamedNode(SHARED),
    ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
    ox.NamedNode("http://www.w3.org/ns/org#Organization"),
)
"""Inferred from every copy (UWV is a partner in each), stored in one graph."""
UPLOAD = {"Content-Type": "application/n-triples", "Authorization": f"Bearer {TOKEN}"}
DELAYS = (0.2, 0.9, 1.7)
"""Seconds after a round's first acknowledged upload at which the service is killed."""

Contents = dict[str, set[ox.Triple]]


def _template() -> list[ox.Triple]:
    return [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(path=str(TEMPLATE))]


def copy_of(template: list[ox.Triple], tag: str) -> list[ox.Triple]:
    """The template with its chain, bodies, roles and partners renamed (UWV kept)."""

    def rename(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> object:
        if isinstance(term, ox.NamedNode) and OWN.match(term.value) and term.value != SHARED:
            return ox.NamedNode(f"{term.value}-{tag}")
        return term

    return [
        ox.Triple(rename(t.subject), t.predicate, rename(t.object))  # type: ignore[arg-type]
        for t in template
    ]


def contents(store: GraphStore) -> Contents:
    """Every named graph of a store with its triples."""
    fmt = format_by_name("ntriples", kind="graph")
    assert fmt is not None
    return {
        graph: {
            ox.Triple(q.subject, q.predicate, q.object)
            for q in ox.parse(store.dump(graph, format=fmt), format=ox.RdfFormat.N_TRIPLES)
        }
        for graph in store.graphs()
    }


def served(client: httpx.Client) -> Contents:
    """Every graph the service lists, with its triples, read through the Graph Store Protocol."""
    found: Contents = {}
    for entry in client.get("/graphs").json()["graphs"]:
        response = client.get(
            "/graphs", params={"graph": entry["graph"]}, headers={"Accept": "application/n-triples"}
        )
        assert response.status_code == 200, response.text
        found[entry["graph"]] = {
            ox.Triple(q.subject, q.predicate, q.object)
            for q in ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)
        }
    return found


def current(found: Contents) -> Contents:
    """The graphs without the histories and earlier versions (whose dates differ between runs)."""
    return {graph: triples for graph, triples in found.items() if not is_version(graph)}


def check_histories(found: Contents, lives: dict[str, list[list[ox.Triple] | None]]) -> None:
    """Each design's history in ``found`` is exactly its life: the versions stored, in order,
    each in its version graph once replaced or deleted (None in a life: a deletion)."""
    versions_left = {graph for graph in found if is_version(graph)}
    for design_id, life in lives.items():
        stored = [set(version) for version in life if version is not None]
        is_stored = life[-1] is not None
        history = History.from_triples(design_id, found[history_graph(design_id)])
        versions_left.discard(history_graph(design_id))
        assert [v.number for v in history.versions] == list(range(1, len(stored) + 1)), design_id
        assert [v.triples for v in history.versions] == [len(v) for v in stored], design_id
        assert [v.current for v in history.versions] == [
            is_stored and n == len(stored) for n in range(1, len(stored) + 1)
        ], design_id
        assert (design_graph(design_id) in found) == is_stored, design_id
        if is_stored:
            assert found[design_graph(design_id)] == stored[-1], design_id
        for number, version in enumerate(stored, start=1):
            if is_stored and number == len(stored):
                assert version_graph(design_id, number) not in found, design_id
                continue
            assert found.get(version_graph(design_id, number)) == version, (design_id, number)
            versions_left.discard(version_graph(design_id, number))
    assert versions_left == set(), "versions of no design"


def as_left(data: Path, env: dict[str, str]) -> Contents:
    """The store as the crash left it, before a start of the service could repair anything.

    Opened directly, as the service would open it (for Virtuoso that rolls back a journaled
    write cut off by the kill), and released on return.
    """
    settings = SimpleNamespace(
        data_dir=data,
        query_workers=1,
        query_timeout=60.0,
        store=env.get("KETENONTOLOGIE_STORE", "oxigraph"),
        store_user=env.get("KETENONTOLOGIE_STORE_USER"),
        store_password=env.get("KETENONTOLOGIE_STORE_PASSWORD"),
    )
    store = open_store(settings)
    try:
        return contents(store)
    finally:
        store.close()
        del store  # Oxigraph holds the data directory's lock until the store is freed
        gc.collect()


def descendants(pid: int) -> list[int]:
    """The processes started by ``pid`` (its query workers), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = (entry / "stat").read_text()
                parent = int(stat.rsplit(")", 1)[1].split()[1])
                children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def kill_9(server: Server) -> None:
    """SIGKILL the service process, as a crash would; then its orphaned workers, by id."""
    workers = descendants(server.process.pid)
    server.process.send_signal(signal.SIGKILL)
    server.process.wait()
    for pid in workers:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


@pytest.fixture(params=STORES)
def crash_env(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, str]:
    """The store for the service: the embedded one, or a Virtuoso of this test's own."""
    return store_env(request, tmp_path_factory, "crash")


@pytest.fixture
def reference(tmp_path: Path) -> Iterator[DesignCatalogue]:
    """A catalogue on a fresh embedded store: what the same uploads in the same order give."""
    store = OxigraphStore(tmp_path / "reference", workers=1)
    yield DesignCatalogue.open(store)
    store.close()


def upload_until_killed(
    server: Server, template: list[ox.Triple], *, tags: Iterator[str], delay: float
) -> tuple[list[str], list[str]]:
    """Upload designs one after another from a thread; kill the service ``delay`` seconds after
    the first is acknowledged. Returns the ids sent and the ids acknowledged, in order."""
    sent: list[str] = []
    acknowledged: list[str] = []
    refused: list[str] = []
    first = threading.Event()

    def upload() -> None:
        with server.client() as client:
            for tag in tags:
                body = ox.serialize(copy_of(template, tag), format=ox.RdfFormat.N_TRIPLES)
                sent.append(tag)
                try:
                    response = client.put(f"/designs/{tag}", content=body, headers=UPLOAD)
                except httpx.HTTPError:
                    return  # the service is gone
                if not 200 <= response.status_code < 300:
                    refused.append(f"{tag}: {response.status_code} {response.text}")
                    return
                acknowledged.append(tag)
                first.set()

    thread = threading.Thread(target=upload, daemon=True)
    thread.start()
    try:
        assert first.wait(timeout=60), f"nothing acknowledged: {refused}\n{server.log.read_text()}"
        time.sleep(delay)
    finally:
        kill_9(server)
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert refused == [], "every upload before the kill is accepted"
    return sent, acknowledged


@pytest.mark.slow
def test_kill_9_of_the_service_during_uploads_leaves_only_whole_designs(
    tmp_path: Path, crash_env: dict[str, str], reference: DesignCatalogue
) -> None:
    data = tmp_path / "data"
    env = {**crash_env, "KETENONTOLOGIE_UPDATE_TOKEN": TOKEN, "KETENONTOLOGIE_QUERY_WORKERS": "1"}
    template = _template()
    stored: list[str] = []  # the designs the service holds, in the order they were written
    server = start_server(data, env=env, args=["--no-load-project"])
    try:
        for round_, delay in enumerate(DELAYS):
            tags = (f"crash-{round_}-{n:03d}" for n in range(1000))
            sent, acknowledged = upload_until_killed(server, template, tags=tags, delay=delay)
            raw = as_left(data, crash_env)

            server = start_server(data, env=env, args=["--no-load-project"])
            with server.client() as client:
                listed = [d["id"] for d in client.get("/designs").json()["designs"]]
                assert set(acknowledged) <= set(listed), "an acknowledged design was lost"
                new = sorted(set(listed) - set(stored) - set(acknowledged))
                # Only the upload in flight at the kill may be there unacknowledged (whole).
                assert new in ([], [sent[-1]]), new
                for tag in acknowledged + new:
                    reference.put(tag, copy_of(template, tag))
                    stored.append(tag)
                assert sorted(listed) == sorted(stored)
                expected = contents(reference.store)
                assert expected[design_graph(stored[-1])] == set(copy_of(template, stored[-1]))
                found = served(client)
                assert current(found) == current(expected), f"round {round_}: after the restart"
                lives = {tag: [copy_of(template, tag)] for tag in stored}
                check_histories(found, lives)
                shared = [g for g, triples in found.items() if UWV_IS_AN_ORGANIZATION in triples]
                assert shared == [inferred_graph(stored[0])], "stored once, by the first writer"
            assert current(raw) == current(expected), f"round {round_}: as kill -9 left it"
            check_histories(raw, lives)
    finally:
        server.stop()
    assert len(stored) >= len(DELAYS)


REVISED = "revisie"
"""The design the second test keeps replacing and deleting."""
COMMENT = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")


def revision(template: list[ox.Triple], number: int) -> list[ox.Triple]:
    """The design of :data:`REVISED` in its ``number``-th revision (one comment differs)."""
    triples = copy_of(template, REVISED)
    chain = triples[0].subject
    return [*triples, ox.Triple(chain, COMMENT, ox.Literal(f"revisie {number}"))]


Operation = tuple[str, int]
"""("put", revision) or ("delete", 0)."""


def revise_until_killed(
    server: Server, template: list[ox.Triple], *, start: int, delay: float
) -> tuple[list[Operation], list[Operation]]:
    """Replace :data:`REVISED` again and again, deleting it every fourth time, from a thread;
    kill the service ``delay`` seconds after the first write is acknowledged. Returns the
    operations sent and those acknowledged, in order."""
    sent: list[Operation] = []
    acknowledged: list[Operation] = []
    refused: list[str] = []
    first = threading.Event()

    def write() -> None:
        with server.client() as client:
            for number in range(start, start + 1000):
                operation: Operation = ("delete", 0) if number % 4 == 0 else ("put", number)
                sent.append(operation)
                try:
                    if operation[0] == "delete":
                        response = client.delete(f"/designs/{REVISED}", headers=UPLOAD)
                    else:
                        body = ox.serialize(
                            revision(template, number), format=ox.RdfFormat.N_TRIPLES
                        )
                        response = client.put(f"/designs/{REVISED}", content=body, headers=UPLOAD)
                except httpx.HTTPError:
                    return  # the service is gone
                if not 200 <= response.status_code < 300:
                    refused.append(f"{operation}: {response.status_code} {response.text}")
                    return
                acknowledged.append(operation)
                first.set()

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    try:
        assert first.wait(timeout=60), f"nothing acknowledged: {refused}\n{server.log.read_text()}"
        time.sleep(delay)
    finally:
        kill_9(server)
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert refused == [], "every write before the kill is accepted"
    return sent, acknowledged


def life_of(template: list[ox.Triple], operations: list[Operation]) -> list[list[ox.Triple] | None]:
    return [None if kind == "delete" else revision(template, n) for kind, n in operations]


@pytest.mark.slow
def test_kill_9_during_replacements_keeps_each_history_with_its_design(
    tmp_path: Path, crash_env: dict[str, str]
) -> None:
    data = tmp_path / "data"
    env = {**crash_env, "KETENONTOLOGIE_UPDATE_TOKEN": TOKEN, "KETENONTOLOGIE_QUERY_WORKERS": "1"}
    template = _template()
    done: list[Operation] = []  # the writes the store holds, in order
    server = start_server(data, env=env, args=["--no-load-project"])
    try:
        for round_, delay in enumerate(DELAYS[:2]):
            sent, acknowledged = revise_until_killed(
                server, template, start=1 + round_ * 1000, delay=delay
            )
            raw = as_left(data, crash_env)
            # The write in flight at the kill is there whole or not at all.
            options = [done + acknowledged]
            if len(sent) > len(acknowledged):
                options.append(done + acknowledged + [sent[len(acknowledged)]])
            matching = []
            for option in options:
                try:
                    check_histories(raw, {REVISED: life_of(template, option)})
                except AssertionError:
                    continue
                matching.append(option)
            assert len(matching) == 1, f"round {round_}: the store as kill -9 left it"
            done = matching[0]
            server = start_server(data, env=env, args=["--no-load-project"])
            with server.client() as client:
                check_histories(served(client), {REVISED: life_of(template, done)})
                history = client.get(f"/designs/{REVISED}/history").json()["versions"]
                assert len(history) == sum(kind == "put" for kind, _ in done)
                if done[-1][0] == "put":  # the service goes on where it was
                    listed = client.get(f"/designs/{REVISED}", params={"format": "ntriples"})
                    found = ox.parse(listed.content, format=ox.RdfFormat.N_TRIPLES)
                    assert {ox.Triple(q.subject, q.predicate, q.object) for q in found} == set(
                        revision(template, done[-1][1])
                    )
    finally:
        server.stop()
    assert sum(kind == "delete" for kind, _ in done) >= 1, "the test deleted the design"
