"""Writes of a design graph with its inferred graph straight to a store, for the store tests.

The service writes designs only through :class:`ketenontologie.designs.DesignCatalogue`, which
reasons first; these helpers test the store's own promise underneath it: several graphs replaced
or dropped in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from ketenontologie.namespaces import design_graph, inferred_graph
from ketenontologie.store import GraphStore


def write_design(
    store: GraphStore,
    design_id: str,
    *,
    asserted: Iterable[ox.Triple],
    inferred: Iterable[ox.Triple],
) -> None:
    """Replace a design's graph and its inferred graph in one transaction."""
    store.replace_graphs({design_graph(design_id): asserted, inferred_graph(design_id): inferred})


def drop_design(store: GraphStore, design_id: str) -> bool:
    """Drop both graphs of a design in one transaction; False when it was not there."""
    if not store.has_graph(design_graph(design_id)):
        return False
    store.drop_graphs([design_graph(design_id), inferred_graph(design_id)])
    return True
