"""The store: graphs per source, atomic writes (also under kill -9), time and row limits."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph_writes import drop_design, write_design
from ketenontologie.designs import load_project
from ketenontologie.errors import (
    ForbiddenOperationError,
    QueryTimeoutError,
    SparqlSyntaxError,
    UnknownGraphError,
)
from ketenontologie.loading import load_ontology
from ketenontologie.namespaces import (
    INFERRED_GRAPH,
    ONTOLOGY_GRAPH,
    design_graph,
    inferred_graph,
    is_inferred,
)
from ketenontologie.reasoning import Reasoner
from ketenontologie.reasoning.rules import compile_rules
from ketenontologie.sparql.results import format_by_name
from ketenontologie.store import (
    DEFAULT_GRAPH,
    OxigraphStore,
    QueryResult,
    design_ids,
    run_query,
)


def own_reasoner() -> Reasoner:
    """Inference by a reasoner of these tests' own, leaving the process-wide cache alone.

    ``Reasoner.from_ontology()`` caches compiled rules per process; other tests compare blank
    nodes of the ontology closure and must not get rules compiled from another parse.
    """
    return Reasoner(compile_rules(load_ontology()))


ROOT = Path(__file__).resolve().parents[1]
EX = "https://example.org/"
RUNAWAY = (
    "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(12)) + " }"
)


def triple(s: str, p: str, o: str) -> ox.Triple:
    return ox.Triple(ox.NamedNode(EX + s), ox.NamedNode(EX + p), ox.NamedNode(EX + o))


def select(store: OxigraphStore, query: str, **options: object) -> list[dict[str, str]]:
    result = run_query(
        store,
        query,
        choose_format=lambda kind: format_by_name("json", kind=kind),  # type: ignore[return-value]
        **options,  # type: ignore[arg-type]
    )
    rows = json.loads(result.body)["results"]["bindings"]
    return [{k: v["value"] for k, v in row.items()} for row in rows]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[OxigraphStore]:
    store = OxigraphStore(tmp_path / "data", workers=1, default_timeout=5)
    write_design(
        store,
        "a",
        asserted=[triple("x", "escalatesTo", "y")],
        inferred=[triple("x", "escalatesEventuallyTo", "y")],
    )
    yield store
    store.close()


def test_graph_names_follow_the_documented_scheme() -> None:
    assert design_graph("abc") == "https://w3id.org/ketenontologie/graph/ontwerp/abc"
    assert inferred_graph("abc") == "https://w3id.org/ketenontologie/graph/afgeleid/abc"
    assert is_inferred(inferred_graph("abc"))
    assert is_inferred(INFERRED_GRAPH)
    assert not is_inferred(design_graph("abc"))
    assert not is_inferred(ONTOLOGY_GRAPH)


def test_a_design_is_stored_with_its_inferred_triples(store: OxigraphStore) -> None:
    assert design_ids(store) == ["a"]
    assert store.graphs() == [inferred_graph("a"), design_graph("a")]
    rows = select(store, "SELECT ?p { ?s ?p ?o }")
    assert {row["p"] for row in rows} == {EX + "escalatesTo", EX + "escalatesEventuallyTo"}


def test_inference_off_queries_the_asserted_graphs_only(store: OxigraphStore) -> None:
    rows = select(store, "SELECT ?p { ?s ?p ?o }", inference=False)
    assert [row["p"] for row in rows] == [EX + "escalatesTo"]
    graphs = select(store, "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }", inference=False)
    assert [row["g"] for row in graphs] == [design_graph("a")]


def test_replacing_a_design_replaces_both_graphs(store: OxigraphStore) -> None:
    write_design(store, "a", asserted=[triple("x", "new", "y")], inferred=[])
    rows = select(store, "SELECT ?p { ?s ?p ?o }")
    assert [row["p"] for row in rows] == [EX + "new"]
    assert store.has_graph(inferred_graph("a"))  # kept, empty: the design has no inferences


def test_removing_a_design_removes_both_graphs(store: OxigraphStore) -> None:
    assert drop_design(store, "a")
    assert store.graphs() == []
    assert not drop_design(store, "a")


def test_the_default_graph_is_part_of_the_union(store: OxigraphStore) -> None:
    store.add_triples(DEFAULT_GRAPH, [triple("d", "p", "o")])
    rows = select(store, "SELECT ?s { ?s <https://example.org/p> ?o }")
    assert rows == [{"s": EX + "d"}]
    assert b"https://example.org/d" in store.dump(
        DEFAULT_GRAPH,
        format=format_by_name("ntriples", kind="graph"),  # type: ignore[arg-type]
    )


def test_from_must_name_a_stored_graph(store: OxigraphStore) -> None:
    rows = select(store, f"SELECT ?p FROM <{design_graph('a')}> {{ ?s ?p ?o }}")
    assert [row["p"] for row in rows] == [EX + "escalatesTo"]
    with pytest.raises(UnknownGraphError, match="GET /graphs"):
        select(store, "SELECT * FROM <http://127.0.0.1:9/data.ttl> { ?s ?p ?o }")


def test_service_is_refused_before_the_store_sees_it(store: OxigraphStore) -> None:
    with pytest.raises(ForbiddenOperationError, match="SERVICE"):
        select(store, "SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    with pytest.raises(ForbiddenOperationError, match="LOAD"):
        store.update("LOAD <http://127.0.0.1:9/data.ttl>")


def test_a_syntax_error_carries_the_parser_position(store: OxigraphStore) -> None:
    with pytest.raises(SparqlSyntaxError, match=r"1:\d+"):
        select(store, "SELECT * { ?s ?p }")


def test_the_row_limit_truncates_and_says_so(store: OxigraphStore) -> None:
    result: QueryResult = run_query(
        store,
        "SELECT * { ?s ?p ?o }",
        choose_format=lambda kind: format_by_name("json", kind=kind),  # type: ignore[return-value]
        row_limit=1,
    )
    assert result.truncated
    assert result.count == 1
    assert json.loads(result.body)["truncated"] is True


def test_a_runaway_query_is_stopped_and_the_store_answers_after(store: OxigraphStore) -> None:
    for i in range(40):
        store.add_triples(DEFAULT_GRAPH, [triple(f"s{i}", "p", f"o{i}")])
    started = time.monotonic()
    with pytest.raises(QueryTimeoutError):
        select(store, RUNAWAY, timeout=1.0)
    assert time.monotonic() - started < 5
    assert select(store, "SELECT ?p { ?s ?p ?o } LIMIT 1")


def test_a_restart_reuses_what_is_stored(tmp_path: Path) -> None:
    store = OxigraphStore(tmp_path, workers=1)
    write_design(store, "b", asserted=[triple("x", "p", "y")], inferred=[])
    store.close()
    del store
    again = OxigraphStore(tmp_path, workers=1)
    try:
        assert design_ids(again) == ["b"]
        assert select(again, "SELECT ?o { ?s ?p ?o }") == [{"o": EX + "y"}]
    finally:
        again.close()


@pytest.mark.slow
def test_load_project_puts_every_source_in_its_graph(tmp_path: Path) -> None:
    store = OxigraphStore(tmp_path, workers=1)
    try:
        load_project(store, reasoner=own_reasoner())
        graphs = store.graphs()
        assert ONTOLOGY_GRAPH in graphs
        assert INFERRED_GRAPH in graphs
        for path in sorted((ROOT / "data").glob("*.ttl")):
            assert design_graph(path.stem) in graphs
            assert inferred_graph(path.stem) in graphs
        rows = select(
            store,
            "PREFIX keten: <https://w3id.org/ketenontologie/def#> "
            "SELECT ?a { ?a keten:escalatesEventuallyTo ?b } LIMIT 1",
        )
        assert rows, "the inferred escalation closure is queryable"
    finally:
        store.close()


# --- atomicity under kill -9 --------------------------------------------------------------------

WRITER = textwrap.dedent(
    """
    import sys
    import pyoxigraph as ox
    from ketenontologie.namespaces import design_graph, inferred_graph
    from ketenontologie.store import OxigraphStore

    EX = "https://example.org/"
    store = OxigraphStore(sys.argv[1], workers=1)
    size = int(sys.argv[2])
    for n in range(100000):
        ident = f"d{n}"
        asserted = [
            ox.Triple(ox.NamedNode(f"{EX}{ident}/{i}"), ox.NamedNode(EX + "p"), ox.Literal(str(i)))
            for i in range(size)
        ]
        inferred = [
            ox.Triple(ox.NamedNode(f"{EX}{ident}/{i}"), ox.NamedNode(EX + "q"), ox.Literal(str(i)))
            for i in range(size)
        ]
        store.replace_graphs({design_graph(ident): asserted, inferred_graph(ident): inferred})
        print(ident, flush=True)
    """
)


@pytest.mark.slow
def test_kill_9_during_uploads_leaves_only_whole_designs(tmp_path: Path) -> None:
    size = 3000
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    process = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(tmp_path), str(size)],
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    )
    assert process.stdout is not None
    acknowledged = []
    deadline = time.monotonic() + 60
    while len(acknowledged) < 15 and time.monotonic() < deadline:
        acknowledged.append(process.stdout.readline().strip())
    time.sleep(0.037)  # land somewhere inside a write
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert len(acknowledged) == 15
    acknowledged += process.stdout.read().split()  # acknowledged before the kill, not yet read

    store = OxigraphStore(tmp_path, workers=1)
    try:
        stored = design_ids(store)
        assert set(acknowledged) <= set(stored)
        # Only the write in flight may be there unacknowledged, and then whole.
        assert len(stored) - len(acknowledged) <= 1
        counts = select(
            store,
            "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
        )
        per_graph = {row["g"]: int(row["n"]) for row in counts}
        for ident in stored:
            assert per_graph[design_graph(ident)] == size, ident
            assert per_graph[inferred_graph(ident)] == size, ident
        assert len(per_graph) == 2 * len(stored)
    finally:
        store.close()
