"""A design's history in the catalogue, on the embedded store: what is kept, and what is not.

The routes and both stores are tested through the service
(``tests/api/test_api_designs_history.py``) and under kill -9 (``tests/api/test_api_crash.py``);
here the catalogue is driven directly.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from ketenontologie.designs import DesignCatalogue
from ketenontologie.errors import InconsistencyError, UnknownDesignError, UnknownVersionError
from ketenontologie.history import History
from ketenontologie.namespaces import design_graph, history_graph, inferred_graph, version_graph
from ketenontologie.sparql.results import format_by_name
from ketenontologie.store import OxigraphStore

EX = "https://example.org/"
KETEN = "https://w3id.org/ketenontologie/def#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def design(*values: str) -> list[ox.Triple]:
    return [
        ox.Triple(ox.NamedNode(EX + "a"), ox.NamedNode(EX + "p"), ox.Literal(v)) for v in values
    ]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[OxigraphStore]:
    opened = OxigraphStore(tmp_path / "data", workers=1)
    yield opened
    opened.close()


def test_a_design_written_before_histories_were_kept_starts_one(store: OxigraphStore) -> None:
    store.replace_graphs({design_graph("oud"): design("1"), inferred_graph("oud"): []})
    catalogue = DesignCatalogue.open(store)
    history = catalogue.history("oud")
    assert [(v.number, v.stored, v.triples, v.current) for v in history.versions] == [
        (1, None, 1, True)
    ]
    assert not store.has_graph(history_graph("oud")), "reading writes nothing"
    catalogue.put("oud", design("2", "3"), name="tweede")
    history = catalogue.history("oud")
    assert [(v.number, v.stored is None, v.name) for v in history.versions] == [
        (1, True, None),
        (2, False, "tweede"),
    ]
    assert catalogue.read_version("oud", 1) == design("1")
    assert sorted(map(str, catalogue.read_version("oud", 2))) == sorted(map(str, design("2", "3")))
    assert History.from_triples("oud", _graph(store, history_graph("oud"))) == history


def test_a_refused_write_keeps_no_version(store: OxigraphStore) -> None:
    catalogue = DesignCatalogue.open(store)
    catalogue.put("k", design("1"))
    before = catalogue.history("k")
    graphs = store.graphs()
    contradiction = [
        ox.Triple(ox.NamedNode(EX + "x"), RDF_TYPE, kind)
        for kind in (ox.NamedNode(KETEN + "ChainBoard"), ox.NamedNode(KETEN + "ChainBureau"))
    ]
    with pytest.raises(InconsistencyError):
        catalogue.put("k", contradiction)
    assert catalogue.history("k") == before
    assert store.graphs() == graphs
    assert not store.has_graph(version_graph("k", 1))


def test_versions_are_numbered_on_over_deletions(store: OxigraphStore) -> None:
    catalogue = DesignCatalogue.open(store)
    catalogue.put("k", design("1"))
    catalogue.remove("k")
    with pytest.raises(UnknownDesignError):
        catalogue.read("k")
    assert catalogue.history("k").last.deleted  # type: ignore[union-attr]
    catalogue.put("k", design("2"))
    catalogue.put("k", design("3"))
    assert [v.number for v in catalogue.history("k").versions] == [1, 2, 3]
    assert [catalogue.read_version("k", n) for n in (1, 2, 3)] == [
        design("1"),
        design("2"),
        design("3"),
    ]
    with pytest.raises(UnknownVersionError, match="1 to 3"):
        catalogue.read_version("k", 4)
    stored = [v.stored for v in catalogue.history("k").versions]
    assert all(isinstance(s, datetime.datetime) and s.tzinfo for s in stored)
    reopened = DesignCatalogue.open(store)
    assert reopened.history("k") == catalogue.history("k")


def test_a_summary_says_what_changed_since_the_version_before(store: OxigraphStore) -> None:
    catalogue = DesignCatalogue.open(store)
    chain = ox.NamedNode("https://w3id.org/ketenontologie/id/keten/k")
    partner = ox.NamedNode(KETEN + "hasPartner")
    a = ox.NamedNode("https://w3id.org/ketenontologie/id/organisatie/a")
    b = ox.NamedNode("https://w3id.org/ketenontologie/id/organisatie/b")
    catalogue.put("k", [ox.Triple(chain, partner, a)])
    catalogue.put("k", [ox.Triple(chain, partner, a), ox.Triple(chain, partner, b)])
    catalogue.put("k", [ox.Triple(chain, partner, a), ox.Triple(chain, partner, b)])
    assert catalogue.summary("k", 1, lang="en") == "First version, 1 triple."
    assert catalogue.summary("k", 2, lang="en").startswith("Partner added")
    assert catalogue.summary("k", 3, lang="nl") == "Geen wijzigingen."


def _graph(store: OxigraphStore, name: str) -> list[ox.Triple]:
    fmt = format_by_name("ntriples", kind="graph")
    assert fmt is not None
    quads = ox.parse(store.dump(name, format=fmt), format=ox.RdfFormat.N_TRIPLES)
    return [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
