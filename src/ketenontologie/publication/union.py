"""Several rdflib graphs read as one, without copying a triple.

A page reads the ontology, the concept scheme and a design together (labels come from one, the
data from another). Copying them into one graph cost most of a page's time; :func:`union` reads
them in place instead: every lookup asks each graph in turn, and a triple that two of them hold
is seen once. The union is read only, and sees later changes to its graphs.

>>> from rdflib import Graph, Literal, URIRef
>>> a, b = Graph(), Graph()
>>> thing, label = URIRef("https://example.org/x"), URIRef("https://example.org/label")
>>> _ = a.add((thing, label, Literal("x"))), b.add((thing, label, Literal("x")))
>>> _ = b.add((thing, label, Literal("y")))
>>> sorted(str(o) for o in union(a, b).objects(thing, label))
['x', 'y']
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, NoReturn

from rdflib import Graph, URIRef
from rdflib.plugins.stores.memory import SimpleMemory
from rdflib.store import Store

__all__ = ["fresh_graph", "union", "view"]


def fresh_graph() -> Graph:
    """An empty graph on rdflib's plain in-memory store (no contexts, about twice as fast to
    read as the default store): what the pages' graphs are parsed into."""
    return Graph(store="SimpleMemory")


def union(*graphs: Graph) -> Graph:
    """``graphs`` read as one graph, each triple once; nothing is copied.

    One graph is returned as it is; read the result, never change it.
    """
    if len(graphs) == 1:
        return graphs[0]
    return view(*graphs)


def view(*graphs: Graph) -> Graph:
    """A new read-only graph over ``graphs`` (also over one), with prefixes of its own: for
    writing them out as one document."""
    return Graph(store=_UnionStore(graphs))


class _UnionStore(Store):
    """The triples of several graphs, read in place."""

    def __init__(self, graphs: Iterable[Graph]) -> None:
        super().__init__()
        flat: list[Graph] = []
        for graph in graphs:  # a union of unions reads the graphs themselves
            store = graph.store
            flat.extend(store._graphs if isinstance(store, _UnionStore) else [graph])
        self._graphs: tuple[Graph, ...] = tuple(flat)
        self._prefixes = SimpleMemory()

    def triples(
        self, triple_pattern: Any, context: Any = None
    ) -> Iterator[tuple[Any, Iterator[Any]]]:
        read: list[Graph] = []
        for graph in self._graphs:
            for triple in graph.triples(triple_pattern):
                if not any(triple in earlier for earlier in read):
                    yield triple, iter(())
            read.append(graph)

    def __len__(self, context: Any = None) -> int:
        return sum(1 for _ in self.triples((None, None, None)))

    def contexts(self, triple: Any = None) -> Iterator[Any]:  # type: ignore[override]
        return iter(())

    def add(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("a union of graphs is read only")

    def addN(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("a union of graphs is read only")

    def remove(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("a union of graphs is read only")

    # Prefixes are the union's own (for serialising it), kept as rdflib's own store keeps them.

    def bind(self, prefix: str, namespace: URIRef, override: bool = True) -> None:
        self._prefixes.bind(prefix, namespace, override=override)

    def namespace(self, prefix: str) -> URIRef | None:
        return self._prefixes.namespace(prefix)

    def prefix(self, namespace: URIRef) -> str | None:
        return self._prefixes.prefix(namespace)

    def namespaces(self) -> Iterator[tuple[str, URIRef]]:
        return self._prefixes.namespaces()
