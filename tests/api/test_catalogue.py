"""The design catalogue keeps the stored inferred graphs equal to reasoning over all designs.

After every add, replace and remove, the union of the stored ``…/graph/afgeleid/{id}`` graphs is
exactly what OWL 2 RL infers from all stored designs (``Reasoner.infer``, the batch path), each
inferred triple is stored once, and a refused write leaves store and state as they were.
"""

from __future__ import annotations

import importlib.util
import sys
import types
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import ModuleType

import pyoxigraph as ox
import pytest

from ketenontologie import designs as designs_module
from ketenontologie import terms
from ketenontologie.designs import DesignCatalogue, load_project, store_upload
from ketenontologie.errors import InconsistencyError, UnknownDesignError
from ketenontologie.namespaces import design_graph, inferred_graph
from ketenontologie.reasoning import Reasoner
from ketenontologie.store import OxigraphStore

ROOT = Path(__file__).resolve().parents[2]


def _synthetic() -> ModuleType:
    spec = importlib.util.spec_from_file_location("synthetic", ROOT / "bench" / "synthetic.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("synthetic", module)
    spec.loader.exec_module(module)
    return module


synthetic = _synthetic()


def triples_of(text: str) -> list[ox.Triple]:
    return [
        ox.Triple(q.subject, q.predicate, q.object)
        for q in ox.parse(text.encode(), format=ox.RdfFormat.TURTLE)
    ]


def file_triples(path: Path) -> list[ox.Triple]:
    return triples_of(path.read_text("utf-8"))


@pytest.fixture(scope="module")
def reasoner() -> Reasoner:
    return Reasoner.from_ontology()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[OxigraphStore]:
    opened = OxigraphStore(tmp_path / "data", workers=1)
    yield opened
    opened.close()


def stored(store: OxigraphStore, graph: str) -> set[ox.Triple]:
    if not store.has_graph(graph):
        return set()
    from ketenontologie.sparql.results import format_by_name

    fmt = format_by_name("ntriples", kind="graph")
    assert fmt is not None
    return {
        ox.Triple(q.subject, q.predicate, q.object)
        for q in ox.parse(store.dump(graph, format=fmt), format=ox.RdfFormat.N_TRIPLES)
    }


def expected(reasoner: Reasoner, designs: Mapping[str, list[ox.Triple]]) -> set[ox.Triple]:
    """What batch reasoning infers from ``designs``, as the store can hold it."""
    if not designs:
        return set()
    return {
        ox.Triple(s, p, o)  # type: ignore[arg-type]
        for s, p, o in reasoner.infer(designs)
        if not isinstance(s, ox.BlankNode) and not isinstance(o, ox.BlankNode)
    }


def assert_in_line(
    store: OxigraphStore, reasoner: Reasoner, designs: Mapping[str, list[ox.Triple]]
) -> None:
    """Stored designs and inferred graphs are exactly what reasoning over the designs gives."""
    prefix = inferred_graph("")
    inferred_graphs = [g for g in store.graphs() if g.startswith(prefix)]
    assert sorted(g[len(prefix) :] for g in inferred_graphs) == sorted(designs)
    union: set[ox.Triple] = set()
    total = 0
    for graph in inferred_graphs:
        content = stored(store, graph)
        total += len(content)
        union |= content
    assert total == len(union), "an inferred triple is stored in more than one graph"
    assert union == expected(reasoner, designs)
    for design_id, triples in designs.items():
        assert stored(store, design_graph(design_id)) == set(triples)


def test_adds_replaces_and_removes_keep_inferred_graphs_exact(
    store: OxigraphStore, reasoner: Reasoner
) -> None:
    catalogue = DesignCatalogue.open(store, reasoner=reasoner)
    designs: dict[str, list[ox.Triple]] = {}
    # Three synthetic designs share partners (UWV, SVB …) and ministers: cross-design triples.
    for index in (1, 2, 3):
        designs[f"s{index}"] = triples_of(synthetic.design(index))
        outcome = catalogue.put(f"s{index}", designs[f"s{index}"])
        assert outcome.created
        assert_in_line(store, reasoner, designs)
    for path in sorted((ROOT / "data").glob("*.ttl")):
        designs[path.stem] = file_triples(path)
        catalogue.put(path.stem, designs[path.stem])
    assert_in_line(store, reasoner, designs)

    designs["s2"] = triples_of(synthetic.design(7))
    assert not catalogue.put("s2", designs["s2"]).created
    assert_in_line(store, reasoner, designs)

    for design_id in ("s1", "loonaangifteketen", "s2"):
        catalogue.remove(design_id)
        del designs[design_id]
        assert_in_line(store, reasoner, designs)
    with pytest.raises(UnknownDesignError):
        catalogue.remove("s1")

    # A restart finds nothing to repair.
    assert DesignCatalogue(store, reasoner=reasoner).rebuild() == []


def test_a_design_asserting_what_another_infers_takes_it_over(
    store: OxigraphStore, reasoner: Reasoner
) -> None:
    catalogue = DesignCatalogue.open(store, reasoner=reasoner)
    first = triples_of(
        "@prefix keten: <https://w3id.org/ketenontologie/def#> .\n"
        "<https://e.org/a> keten:escalatesTo <https://e.org/b> ."
    )
    second = triples_of(
        "@prefix keten: <https://w3id.org/ketenontologie/def#> .\n"
        "<https://e.org/a> keten:escalatesEventuallyTo <https://e.org/b> ."
    )
    designs = {"first": first}
    catalogue.put("first", first)
    assert_in_line(store, reasoner, designs)
    designs["second"] = second
    catalogue.put("second", second)
    assert_in_line(store, reasoner, designs)
    catalogue.remove("second")
    del designs["second"]
    assert_in_line(store, reasoner, designs)


def test_a_first_start_loads_the_project_in_line(store: OxigraphStore, reasoner: Reasoner) -> None:
    load_project(store, reasoner=reasoner)
    catalogue = DesignCatalogue.open(store, reasoner=reasoner)
    designs = {path.stem: file_triples(path) for path in sorted((ROOT / "data").glob("*.ttl"))}
    assert catalogue.ids() == sorted(designs)
    assert_in_line(store, reasoner, designs)


def test_an_inconsistent_design_is_refused_and_nothing_changes(
    store: OxigraphStore, reasoner: Reasoner
) -> None:
    catalogue = DesignCatalogue.open(store, reasoner=reasoner)
    good = file_triples(ROOT / "tests" / "designs" / "valid" / "kleine-keten.ttl")
    catalogue.put("klein", good)
    graphs = store.graphs()
    bad = triples_of(
        "@prefix keten: <https://w3id.org/ketenontologie/def#> .\n"
        "<https://e.org/x> a keten:ChainBoard, keten:ChainBureau ."
    )
    with pytest.raises(InconsistencyError) as refused:
        catalogue.put("klein", bad)
    assert "https://e.org/x" in str(refused.value)
    assert store.graphs() == graphs
    assert_in_line(store, reasoner, {"klein": good})
    # The state was put back too: the next write still reasons from the good design.
    catalogue.put("ander", triples_of(synthetic.design(3)))
    assert_in_line(store, reasoner, {"klein": good, "ander": triples_of(synthetic.design(3))})


class _FailingStore:
    """A store whose next write fails, as a full disk would."""

    def __init__(self, store: OxigraphStore) -> None:
        self._store = store
        self.fail = False

    def __getattr__(self, name: str) -> object:
        return getattr(self._store, name)

    def replace_graphs(self, graphs: object, *, drop: object = ()) -> None:
        if self.fail:
            raise OSError("disk full")
        self._store.replace_graphs(graphs, drop=drop)  # type: ignore[arg-type]


def test_a_failed_write_leaves_the_state_as_it_was(
    store: OxigraphStore, reasoner: Reasoner
) -> None:
    failing = _FailingStore(store)
    catalogue = DesignCatalogue.open(failing, reasoner=reasoner)  # type: ignore[arg-type]
    one = triples_of(synthetic.design(1))
    catalogue.put("one", one)
    failing.fail = True
    with pytest.raises(OSError, match="disk full"):
        catalogue.put("two", triples_of(synthetic.design(2)))
    with pytest.raises(OSError, match="disk full"):
        catalogue.remove("one")
    failing.fail = False
    assert catalogue.ids() == ["one"]
    assert_in_line(store, reasoner, {"one": one})
    catalogue.put("three", triples_of(synthetic.design(3)))
    assert_in_line(store, reasoner, {"one": one, "three": triples_of(synthetic.design(3))})


class _RecordingStore(_FailingStore):
    """A store that notes the graphs each write sets."""

    def __init__(self, store: OxigraphStore) -> None:
        super().__init__(store)
        self.written: list[list[str]] = []

    def replace_graphs(self, graphs: object, *, drop: object = ()) -> None:
        self.written.append([str(g) for g in graphs])  # type: ignore[attr-defined]
        super().replace_graphs(graphs, drop=drop)


def test_an_edit_that_changes_no_inferred_triple_rewrites_no_inferred_graph(
    store: OxigraphStore, reasoner: Reasoner
) -> None:
    recording = _RecordingStore(store)
    catalogue = DesignCatalogue.open(recording, reasoner=reasoner)  # type: ignore[arg-type]
    text = synthetic.design(1)
    designs = {"one": triples_of(text), "two": triples_of(synthetic.design(2))}
    for design_id, triples in designs.items():
        catalogue.put(design_id, triples)
    assert inferred_graph("two") in recording.written[-1]  # a new design's graph is written
    designs["one"] = triples_of(text.replace('"@nl', ' (herzien)"@nl', 1))
    recording.written.clear()
    catalogue.put("one", designs["one"])
    (written,) = recording.written
    assert design_graph("one") in written
    assert not [g for g in written if g.startswith(inferred_graph(""))]
    assert_in_line(store, reasoner, designs)
    assert DesignCatalogue(store, reasoner=reasoner).rebuild() == []


def test_an_upload_reaches_the_store_as_pyoxigraph_terms(
    store: OxigraphStore, reasoner: Reasoner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From parsing to storage an upload stays pyoxigraph terms: validation's fast path and the
    catalogue reason with ``ketenontologie.reasoning`` on them, and nothing converts them to
    rdflib (every conversion goes through ``ketenontologie.terms``, refused here)."""
    catalogue = DesignCatalogue.open(store, reasoner=reasoner)
    catalogue.put("warm", file_triples(ROOT / "tests" / "designs" / "valid" / "kleine-keten.ttl"))

    def refuse(*args: object, **kwargs: object) -> object:
        raise AssertionError(f"converted to or from rdflib: {args!r}")

    ours = [
        module
        for module in list(sys.modules.values())
        if isinstance(module, types.ModuleType) and module.__name__.startswith("ketenontologie")
    ]
    for name in ("to_rdflib", "to_ox", "to_rdflib_graph", "from_rdflib_graph"):
        original = getattr(terms, name)
        for module in ours:
            if getattr(module, name, None) is original:
                monkeypatch.setattr(module, name, refuse)
    monkeypatch.setattr(terms.TermCache, "as_rdflib", refuse)
    monkeypatch.setattr(terms.TermCache, "as_ox", refuse)

    path = ROOT / "data" / "voorbeeldketen-havenstad.ttl"
    outcome, report = store_upload(
        catalogue, path.read_bytes(), media_type="text/turtle", design_id="havenstad"
    )
    assert report.conforms and outcome.created and outcome.added > 0
    assert stored(store, design_graph("havenstad")) == set(file_triples(path))
    assert stored(store, inferred_graph("havenstad"))
    monkeypatch.undo()
    assert_in_line(
        store,
        reasoner,
        {
            "warm": file_triples(ROOT / "tests/designs/valid/kleine-keten.ttl"),
            "havenstad": file_triples(path),
        },
    )
    # The catalogue holds no rdflib at all.
    assert not [
        name
        for name, value in vars(designs_module).items()
        if getattr(value, "__module__", "").startswith("rdflib")
    ]
