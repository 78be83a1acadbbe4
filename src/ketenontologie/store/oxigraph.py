"""The embedded store: an on-disk Oxigraph, with queries in killable worker processes.

:class:`OxigraphStore` keeps an on-disk Oxigraph store in a data directory and implements
:class:`~ketenontologie.store.protocol.GraphStore` on it.

Atomicity: every write is one Oxigraph transaction (a SPARQL update or ``extend``), which
RocksDB commits as one write batch in its write-ahead log: after a crash, also ``kill -9``, a
write is there whole or not at all (:meth:`OxigraphStore.replace_graphs` writes several graphs,
a design with its inferred triples, in one such transaction).

Time limits: queries run in worker processes on a read-only snapshot of the store (a RocksDB
checkpoint made after each write, cheap because it hard-links the files). A query that runs past
its time limit is stopped by killing its worker; the store itself is never touched by a query.
The one exception is :meth:`OxigraphStore.lookup`: a query whose work the row limit bounds (one
triple pattern on an anchor with at most row-limit quads) runs in this process, which saves the
round trip to a worker.

>>> store = OxigraphStore("/tmp/ketenontologie-data")  # doctest: +SKIP
>>> store.replace_graphs({"https://example.org/g": triples})  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import shutil
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pyoxigraph as ox

from ketenontologie.errors import (
    SparqlSyntaxError,
    StoreError,
    UnknownGraphError,
)
from ketenontologie.namespaces import is_inferred
from ketenontologie.sparql.results import RDF_FORMATS, ResultFormat, json_rows, write_boolean
from ketenontologie.sparql.text import inspect_update
from ketenontologie.store.protocol import DefaultGraph, GraphName, QueryDataset, QueryResult
from ketenontologie.store.workers import WorkerPool

__all__ = ["OxigraphStore"]


def _term(graph: GraphName) -> ox.NamedNode | ox.DefaultGraph:
    return ox.DefaultGraph() if isinstance(graph, DefaultGraph) else ox.NamedNode(graph)


def _update_text(graphs: Mapping[GraphName, Iterable[ox.Triple]], drop: Iterable[GraphName]) -> str:
    """One SPARQL update that drops and refills graphs: Oxigraph runs it as one transaction."""
    parts = []
    for graph in [*drop, *graphs]:
        parts.append(
            "DROP SILENT DEFAULT"
            if isinstance(graph, DefaultGraph)
            else f"DROP SILENT GRAPH <{graph}>"
        )
    for graph in graphs:
        if isinstance(graph, str):
            parts.append(f"CREATE SILENT GRAPH <{graph}>")
    blocks = []
    for graph, triples in graphs.items():
        # N-Triples terms are valid SPARQL terms; Oxigraph escapes literals for N-Triples.
        body = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
        blocks.append(
            body if isinstance(graph, DefaultGraph) else f"GRAPH <{graph}> {{\n{body}\n}}"
        )
    parts.append("INSERT DATA {\n" + "\n".join(blocks) + "\n}")
    return " ;\n".join(parts)


@dataclass
class _Snapshots:
    """Read-only checkpoints of the store for the query workers, one per write generation."""

    root: Path
    generation: int = 0
    in_use: Counter[int] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def path(self, generation: int) -> Path:
        return self.root / str(generation)

    def publish(self, store: ox.Store) -> None:
        """Checkpoint the store as the next generation and forget unused older ones."""
        with self.lock:
            generation = self.generation + 1
        store.backup(str(self.path(generation)))
        with self.lock:
            self.generation = generation
        self.collect()

    @contextlib.contextmanager
    def current(self) -> Any:
        with self.lock:
            generation = self.generation
            self.in_use[generation] += 1
        try:
            yield generation, self.path(generation)
        finally:
            with self.lock:
                self.in_use[generation] -= 1
            self.collect()

    def collect(self) -> None:
        with self.lock:
            keep = {self.generation} | {g for g, n in self.in_use.items() if n > 0}
        for child in self.root.iterdir() if self.root.is_dir() else ():
            if child.name.isdigit() and int(child.name) not in keep:
                shutil.rmtree(child, ignore_errors=True)


class OxigraphStore:
    """An on-disk Oxigraph store in ``data_dir``, with queries in killable worker processes.

    ``data_dir/store`` holds the store; ``data_dir/snapshots`` the read-only checkpoints that
    the workers query. Writes are serialised by a lock; each one is a single transaction.
    """

    def __init__(
        self,
        data_dir: str | Path,
        *,
        workers: int = 2,
        default_timeout: float = 10.0,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        try:
            self._store = ox.Store(str(self.data_dir / "store"))
        except OSError as error:
            raise StoreError(
                f"{self.data_dir}: the store cannot be opened ({error}). Check that no other "
                "process uses this data directory and that it is writable."
            ) from None
        self._write_lock = threading.Lock()
        self._default_timeout = default_timeout
        self._snapshots = _Snapshots(self.data_dir / "snapshots")
        shutil.rmtree(self._snapshots.root, ignore_errors=True)
        self._snapshots.root.mkdir()
        self._snapshots.publish(self._store)
        self._pool = WorkerPool(size=workers)
        self._asserted: tuple[int, list[ox.NamedNode]] | None = None
        self._counts: dict[tuple[str, str], tuple[int, bool]] = {}
        """Quads per lookup anchor (count, exact) in generation ``_counts_generation``."""
        self._counts_generation = -1

    # reading

    @property
    def generation(self) -> int:
        """A number that grows with every write (for caches of answers)."""
        return self._snapshots.generation

    def is_empty(self) -> bool:
        """True when the store holds no quad and no named graph."""
        return next(iter(self._store.named_graphs()), None) is None and not self._store.query(
            "ASK { ?s ?p ?o }"
        )

    def graphs(self) -> list[str]:
        """The names of the named graphs in the store, sorted."""
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def has_graph(self, graph: GraphName) -> bool:
        """True when the graph exists (the default graph always does)."""
        return isinstance(graph, DefaultGraph) or self._store.contains_named_graph(_term(graph))

    def dump(self, graph: GraphName, *, format: ResultFormat) -> bytes:
        """Serialise one graph in an RDF format."""
        if not self.has_graph(graph):
            raise UnknownGraphError(str(graph))
        data = self._store.dump(format=RDF_FORMATS[format.name], from_graph=_term(graph))
        return data or b""

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
        """Run a query in a worker process on the current snapshot; kill it at the time limit."""
        limit = self._default_timeout if timeout is None else timeout
        with self._snapshots.current() as (_, path):
            job = {
                "snapshot": str(path),
                "query": query,
                "base_iri": base_iri,
                "inference": inference,
                "dataset": None
                if dataset is None
                else (
                    [None if isinstance(g, DefaultGraph) else g for g in dataset.default_graphs],
                    list(dataset.named_graphs),
                ),
                "format": format.name,
                "row_limit": row_limit,
            }
            status, payload = self._pool.run(job, timeout=limit)
        if status == "syntax":
            raise SparqlSyntaxError(f"The query is not valid SPARQL: {payload}")
        if status != "ok":
            raise StoreError(f"The query failed in the store: {payload}")
        body, kind, count, truncated = payload
        return QueryResult(body, format, kind, count, truncated)

    def lookup(
        self,
        query: str,
        *,
        anchor: ox.NamedNode,
        position: Literal["subject", "object"],
        format: ResultFormat,
        inference: bool = True,
        base_iri: str | None = None,
        row_limit: int = 10_000,
    ) -> QueryResult | None:
        """Answer a lookup in this process, when its work is bounded by the row limit.

        For a query whose only triple pattern has ``anchor`` as its subject (or object) and
        whose answer has at most as many rows as that pattern has matches (see
        :mod:`ketenontologie.api.fastpath`): when the store holds at most ``row_limit`` quads
        with ``anchor`` there, evaluating the query reads at most those, so it needs no time
        limit; it runs here, without a worker round trip, and is serialised by Oxigraph.
        Returns None when the anchor has more quads (ask :meth:`query` instead), or for a
        result that is not a table or a boolean.
        """
        if self._anchored(anchor, position, row_limit) > row_limit:
            return None
        results = self._store.query(query, base_iri=base_iri, **self._dataset(inference))
        if isinstance(results, ox.QueryBoolean):
            return QueryResult(
                write_boolean(bool(results), fmt=format), format, "boolean", 1, False
            )
        if not isinstance(results, ox.QuerySolutions) or format.name not in _RESULTS_FORMATS:
            return None
        body = results.serialize(format=_RESULTS_FORMATS[format.name]) or b""
        if format.name == "json":
            count = json_rows(body)
        elif format.name == "tsv":
            count = body.count(b"\n") - 1
        else:  # CSV and XML rows are not told by line: count on a second run
            again = self._store.query(query, base_iri=base_iri, **self._dataset(inference))
            assert isinstance(again, ox.QuerySolutions)
            count = sum(1 for _ in again)
        return QueryResult(body, format, "solutions", count, False)

    def _anchored(
        self, anchor: ox.NamedNode, position: Literal["subject", "object"], limit: int
    ) -> int:
        """How many quads have ``anchor`` at ``position``, counting up to ``limit + 1``.

        Counted by Oxigraph (a limited subquery per part of the dataset), remembered until the
        next write.
        """
        generation = self._snapshots.generation
        if self._counts_generation != generation or len(self._counts) > 10_000:
            self._counts, self._counts_generation = {}, generation
        key = (anchor.value, position)
        known = self._counts.get(key)
        if known is not None and (known[1] or known[0] > limit):
            return known[0]
        pattern = f"{anchor} ?p ?o" if position == "subject" else f"?s ?p {anchor}"
        query = (
            f"SELECT (COUNT(*) AS ?n) WHERE {{ {{ SELECT * WHERE {{ GRAPH ?g {{ {pattern} }} }} "
            f"LIMIT {limit + 1} }} UNION {{ SELECT * WHERE {{ {pattern} }} LIMIT {limit + 1} }} }}"
        )
        solutions = self._store.query(query)
        assert isinstance(solutions, ox.QuerySolutions)
        count = int(next(iter(solutions))[0].value)
        self._counts[key] = (count, count <= limit)
        return count

    def _dataset(self, inference: bool) -> dict[str, Any]:
        """The query options for the service's default dataset (see the module docstring)."""
        if inference:
            return {"use_default_graph_as_union": True}
        generation = self._snapshots.generation
        if self._asserted is None or self._asserted[0] != generation:
            graphs = [
                g
                for g in self._store.named_graphs()
                if isinstance(g, ox.NamedNode) and not is_inferred(g.value)
            ]
            self._asserted = (generation, graphs)
        asserted = self._asserted[1]
        return {"default_graph": [ox.DefaultGraph(), *asserted], "named_graphs": asserted}

    # writing

    def update(self, update: str, *, base_iri: str | None = None) -> None:
        """Run a SPARQL update as one transaction; ``LOAD`` and ``SERVICE`` are refused."""
        inspect_update(update)
        with self._write_lock:
            try:
                self._store.update(update, base_iri=base_iri)
            except SyntaxError as error:
                raise SparqlSyntaxError(f"The update is not valid SPARQL: {error}") from None
            except (OSError, RuntimeError, ValueError) as error:
                raise StoreError(f"The update failed: {error}") from None
            self._snapshots.publish(self._store)

    def replace_graphs(
        self,
        graphs: Mapping[GraphName, Iterable[ox.Triple]],
        *,
        drop: Iterable[GraphName] = (),
    ) -> None:
        """Atomically drop ``drop``, then set each graph in ``graphs`` to exactly its triples."""
        text = _update_text(graphs, drop)
        with self._write_lock:
            self._store.update(text)
            self._snapshots.publish(self._store)

    def add_triples(self, graph: GraphName, triples: Iterable[ox.Triple]) -> None:
        """Atomically add triples to a graph, creating it if needed."""
        name = _term(graph)
        quads = [ox.Quad(t.subject, t.predicate, t.object, name) for t in triples]
        with self._write_lock:
            if isinstance(name, ox.NamedNode):
                self._store.add_graph(name)
            self._store.extend(quads)
            self._snapshots.publish(self._store)

    def drop_graphs(self, graphs: Iterable[GraphName]) -> None:
        """Atomically remove graphs (clear, for the default graph); missing ones are ignored."""
        text = _update_text({}, graphs)
        with self._write_lock:
            self._store.update(text)
            self._snapshots.publish(self._store)

    def close(self) -> None:
        """Stop the workers and flush the store."""
        self._pool.close()
        with self._write_lock:
            self._store.flush()


_RESULTS_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
