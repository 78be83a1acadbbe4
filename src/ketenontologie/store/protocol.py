"""What the project needs from a triple store: one small interface and the values it passes.

Every store (:mod:`ketenontologie.store.oxigraph`, :mod:`ketenontologie.store.remote`) implements
:class:`GraphStore`; nothing else talks to a pyoxigraph store or a SPARQL server.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol, TypeAlias

import pyoxigraph as ox

from ketenontologie.sparql.results import ResultFormat
from ketenontologie.sparql.text import ResultKind

__all__ = [
    "DEFAULT_GRAPH",
    "DefaultGraph",
    "GraphName",
    "GraphStore",
    "OpenedStore",
    "QueryDataset",
    "QueryResult",
]


class DefaultGraph(enum.Enum):
    """The store's unnamed default graph (the Graph Store Protocol's ``?default``)."""

    DEFAULT = "default"


DEFAULT_GRAPH = DefaultGraph.DEFAULT
GraphName: TypeAlias = str | DefaultGraph


@dataclass(frozen=True, slots=True)
class QueryDataset:
    """A dataset given with the request (the protocol's default-graph-uri/named-graph-uri)."""

    default_graphs: tuple[GraphName, ...] = ()
    named_graphs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class QueryResult:
    """A serialised query result and what the service must report about it."""

    body: bytes
    format: ResultFormat
    kind: ResultKind
    count: int
    """Rows (SELECT), triples (CONSTRUCT/DESCRIBE) or 1 (ASK) in the body."""
    truncated: bool
    """True when the row limit cut the result: ``count`` rows were kept, more existed."""


class GraphStore(Protocol):
    """What the project needs from a triple store; the only way code reaches one."""

    def query(
        self,
        query: str,
        *,
        format: ResultFormat,
        inference: bool = True,
        dataset: QueryDataset | None = None,
        base_iri: str | None = None,
        timeout: float | None = None,
        row_limit: int | None = None,
    ) -> QueryResult:
        """Run a SPARQL query and serialise its result (no policy checks: see run_query)."""
        ...

    def update(self, update: str, *, base_iri: str | None = None) -> None:
        """Run a SPARQL update as one transaction."""
        ...

    def graphs(self) -> list[str]:
        """The names of the named graphs in the store, sorted."""
        ...

    def has_graph(self, graph: GraphName) -> bool:
        """True when the graph exists (the default graph always does)."""
        ...

    def dump(self, graph: GraphName, *, format: ResultFormat) -> bytes:
        """Serialise one graph in an RDF format."""
        ...

    def replace_graphs(
        self,
        graphs: Mapping[GraphName, Iterable[ox.Triple]],
        *,
        drop: Iterable[GraphName] = (),
    ) -> None:
        """Atomically drop ``drop``, then set each graph in ``graphs`` to exactly its triples."""
        ...

    def add_triples(self, graph: GraphName, triples: Iterable[ox.Triple]) -> None:
        """Atomically add triples to a graph, creating it if needed."""
        ...

    def drop_graphs(self, graphs: Iterable[GraphName]) -> None:
        """Atomically remove graphs (clear, for the default graph); missing ones are ignored."""
        ...

    def close(self) -> None:
        """Stop workers and release the store."""
        ...


class OpenedStore(GraphStore, Protocol):
    """A store as :func:`~ketenontologie.store.open_store` gives it: it can tell it is empty."""

    def is_empty(self) -> bool:
        """True when the store holds no quad and no named graph (a first start)."""
        ...
