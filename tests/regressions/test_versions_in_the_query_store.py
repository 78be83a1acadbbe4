"""Regression (issue 15): once designs had versions, every query on the embedded store was slow.

The versions of designs (``…/graph/versie/…``) were kept in the store that queries read, so the
default dataset could not be Oxigraph's union default graph (it would include them) and was
given as a list of every other graph: one index scan per graph for every triple pattern.
``list-escalation-paths`` on four designs went from 0.8 s to over 10 s (the time limit). Now the
versions live in a store of their own (``store/versions.py``) and the store queries read holds
exactly the default dataset. Speed is measured in ``bench/``; these tests check the layout
that gives it, and that versions are still read, named by a query, and written whole.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from ketenontologie.errors import ForbiddenOperationError
from ketenontologie.namespaces import design_graph, history_graph, version_graph
from ketenontologie.sparql.results import format_by_name
from ketenontologie.store import OxigraphStore, run_query
from ketenontologie.store.versions import MARKERS

LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
THING = ox.NamedNode("https://w3id.org/ketenontologie/id/keten/k")
DESIGN = design_graph("k")
OLD = version_graph("k", 1)
HISTORY = history_graph("k")


def labelled(text: str) -> list[ox.Triple]:
    return [ox.Triple(THING, LABEL, ox.Literal(text))]


def labels(store: OxigraphStore, query: str) -> list[str]:
    result = run_query(
        store,
        query,
        choose_format=lambda kind: format_by_name("json", kind=kind),  # type: ignore[return-value]
    )
    rows = json.loads(result.body)["results"]["bindings"]
    return sorted(row["l"]["value"] for row in rows)


def replaced_once(data: Path) -> OxigraphStore:
    """A design replaced once: version 1 kept, version 2 stored, with a history."""
    opened = OxigraphStore(data, workers=1)
    opened.replace_graphs({DESIGN: labelled("een"), HISTORY: labelled("geschiedenis")})
    opened.replace_graphs(
        {DESIGN: labelled("twee"), OLD: labelled("een"), HISTORY: labelled("geschiedenis 2")}
    )
    return opened


@pytest.fixture
def store(tmp_path: Path) -> Iterator[OxigraphStore]:
    opened = replaced_once(tmp_path / "data")
    yield opened
    opened.close()


def test_the_store_queries_read_holds_no_version(store: OxigraphStore) -> None:
    main = ox.Store.read_only(str(store.data_dir / "store"))
    named = {g.value for g in main.named_graphs() if isinstance(g, ox.NamedNode)}
    assert named == {DESIGN}
    assert {OLD, HISTORY} <= set(store.graphs())


def test_versions_are_left_out_by_default_and_read_when_named(store: OxigraphStore) -> None:
    assert labels(store, "SELECT ?l { ?s ?p ?l }") == ["twee"]
    assert labels(store, "SELECT ?l { GRAPH ?g { ?s ?p ?l } }") == ["twee"]
    assert labels(store, f"SELECT ?l FROM <{OLD}> {{ ?s ?p ?l }}") == ["een"]
    both = f"SELECT ?l FROM NAMED <{OLD}> FROM NAMED <{DESIGN}> {{ GRAPH ?g {{ ?s ?p ?l }} }}"
    assert labels(store, both) == ["een", "twee"]
    assert b"geschiedenis 2" in store.dump(HISTORY, format=format_by_name("ntriples", kind="graph"))  # type: ignore[arg-type]


def test_an_update_that_reads_a_version_says_how_to_read_it(store: OxigraphStore) -> None:
    update = (
        f"INSERT {{ GRAPH <https://example.org/g> {{ ?s ?p ?o }} }} USING <{OLD}> "
        "WHERE { ?s ?p ?o }"
    )
    with pytest.raises(ForbiddenOperationError, match="with a query"):
        store.update(update)


@pytest.mark.parametrize("committed", [True, False], ids=["main-committed", "main-not-committed"])
def test_a_write_cut_between_the_stores_is_made_whole_at_the_next_start(
    tmp_path: Path, committed: bool
) -> None:
    """The state ``kill -9`` leaves between the main store's commit and the versions store's:
    the journal is run again when the main store has the write's marker, dropped when not."""
    data = tmp_path / "data"
    replaced_once(data).close()
    gc.collect()  # Oxigraph lets go of its lock file when the store is collected
    marker = f"{MARKERS}cut"
    later = version_graph("k", 2)
    update = f'INSERT DATA {{ GRAPH <{later}> {{ <{THING.value}> <{LABEL.value}> "twee" }} }}'
    (data / "versions.journal").write_text(
        json.dumps({"marker": marker, "update": update}), "utf-8"
    )
    if committed:
        main = ox.Store(str(data / "store"))
        main.add_graph(ox.NamedNode(marker))
        main.flush()
        del main
        gc.collect()
    reopened = OxigraphStore(data, workers=1)
    try:
        assert (later in reopened.graphs()) is committed
        assert not (reopened.data_dir / "versions.journal").exists()
        assert not any(g.startswith(MARKERS) for g in reopened.graphs())
        main = reopened._store
        assert not any(g.value.startswith(MARKERS) for g in main.named_graphs())  # type: ignore[union-attr]
    finally:
        reopened.close()


def test_a_store_of_an_earlier_release_moves_its_versions_out(tmp_path: Path) -> None:
    """Before, versions were graphs of the main store: the first start moves them."""
    data = tmp_path / "data"
    data.mkdir()
    old = ox.Store(str(data / "store"))
    for graph, text in ((DESIGN, "twee"), (OLD, "een"), (HISTORY, "geschiedenis")):
        old.add(ox.Quad(THING, LABEL, ox.Literal(text), ox.NamedNode(graph)))
    old.flush()
    del old
    gc.collect()
    store = OxigraphStore(data, workers=1)
    try:
        assert store.graphs() == sorted([DESIGN, OLD, HISTORY])
        assert labels(store, "SELECT ?l { ?s ?p ?l }") == ["twee"]
        assert labels(store, f"SELECT ?l FROM <{OLD}> {{ ?s ?p ?l }}") == ["een"]
    finally:
        store.close()
