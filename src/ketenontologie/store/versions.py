"""Earlier versions of designs, kept in an Oxigraph store of their own beside the embedded store.

Why a store of their own: a query's default graph is the union of the graphs that hold the
designs as they are now, never their earlier versions (``…/graph/versie/…``). Oxigraph answers
its union default graph (``use_default_graph_as_union``) with one index scan per triple pattern,
but a default graph given as a list of graphs with one scan per graph in the list: with the
versions in the same store the union could not be used, and every pattern of every query cost
a scan per stored graph (two per design, so 2,000 at 1,000 designs; ``list-escalation-paths``
went from 0.8 s to 10 s on four designs). So the graphs of versions and histories live in
``data_dir/versions``, and the main store holds exactly what a query sees by default.

One write, two stores. A write that changes both (a design replaced: its new triples in the
main store, the version it ends and its history here) is made whole after a crash, ``kill -9``
too, by a journal that rolls it forward:

1. the journal file (``data_dir/versions.journal``) is written: the SPARQL update for this
   store and the name of a marker graph;
2. the main store commits the write together with the marker graph (empty, so no query pattern
   matches it): this is the moment the write happens;
3. this store runs the update from the journal;
4. the main store drops the marker graph, and the journal is removed.

On opening (and before the next write, if step 3 failed) a journal is finished: run again when
its marker graph is in the main store (the update drops and refills its graphs, so running it
twice is running it once), thrown away when not (the main write never happened, nor step 3).
Queries read snapshots made after step 4, so they never see the marker graph.

>>> split({"https://w3id.org/ketenontologie/graph/versie/k": [], "https://example.org/g": []})
({'https://example.org/g': []}, {'https://w3id.org/ketenontologie/graph/versie/k': []})
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox

from ketenontologie.namespaces import ADMIN_GRAPH, is_version
from ketenontologie.store.protocol import GraphName

__all__ = ["MARKERS", "Journal", "drop_markers", "graph_names", "move_versions", "split"]

MARKERS = f"{ADMIN_GRAPH}schrijven/"
"""Prefix of the marker graphs of writes in flight (empty graphs of the main store)."""

K = TypeVar("K", bound=GraphName)
T = TypeVar("T")


def split(graphs: Mapping[K, T]) -> tuple[dict[K, T], dict[K, T]]:
    """``graphs`` as the part for the main store and the part for the versions store."""
    main: dict[K, T] = {}
    aside: dict[K, T] = {}
    for graph, value in graphs.items():
        (aside if _is_version(graph) else main)[graph] = value
    return main, aside


def _is_version(graph: GraphName) -> bool:
    return isinstance(graph, str) and is_version(graph)


class Journal:
    """The journal of the write in flight across both stores (at most one: writes are serial)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def begin(self, update: str) -> str:
        """Write the journal of a write whose versions part is ``update``; returns its marker."""
        marker = f"{MARKERS}{uuid.uuid4().hex}"
        partial = self.path.with_suffix(".partial")
        partial.write_text(json.dumps({"marker": marker, "update": update}), "utf-8")
        partial.replace(self.path)  # whole or not at all: a torn journal is never read
        return marker

    def pending(self) -> tuple[str, str] | None:
        """The marker and update of an unfinished write, if there is one."""
        try:
            entry = json.loads(self.path.read_text("utf-8"))
        except FileNotFoundError:
            return None
        return str(entry["marker"]), str(entry["update"])

    def end(self) -> None:
        self.path.unlink(missing_ok=True)

    def finish(self, main: ox.Store, versions: ox.Store) -> bool:
        """Finish or throw away an unfinished write (see the module); True if one was found."""
        pending = self.pending()
        if pending is None:
            return False
        marker, update = pending
        if main.contains_named_graph(ox.NamedNode(marker)):
            versions.update(update)
        drop_markers(main)
        self.end()
        return True


def drop_markers(main: ox.Store) -> None:
    """Drop the marker graphs of writes from the main store (they are empty)."""
    markers = [g for g in graph_names(main) if g.startswith(MARKERS)]
    if markers:
        main.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in markers))


def move_versions(main: ox.Store, versions: ox.Store) -> int:
    """Move the graphs of versions that an earlier release kept in the main store; how many.

    Each graph is copied whole (dropped and refilled) before one transaction drops them all
    from the main store, so that a move cut short is done again, whole, at the next start.
    """
    found = [g for g in main.named_graphs() if isinstance(g, ox.NamedNode) and is_version(g.value)]
    for graph in found:
        versions.update(f"DROP SILENT GRAPH <{graph.value}> ; CREATE SILENT GRAPH <{graph.value}>")
        versions.extend(main.quads_for_pattern(None, None, None, graph))
    if found:
        versions.flush()
        main.update(" ;\n".join(f"DROP SILENT GRAPH <{g.value}>" for g in found))
    return len(found)


def graph_names(store: ox.Store) -> Iterable[str]:
    """The names of the named graphs of a store."""
    return (g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
