"""The embedded store: an on-disk Oxigraph, with queries in killable worker processes.

:class:`OxigraphStore` keeps an on-disk Oxigraph store in a data directory and implements
:class:`~ketenontologie.store.protocol.GraphStore` on it.

Atomicity: every write is one Oxigraph transaction (a SPARQL update or ``extend``), which
RocksDB commits as one write batch in its write-ahead log: after a crash, also ``kill -9``, a
write is there whole or not at all (:meth:`OxigraphStore.replace_graphs` writes several graphs,
a design with its inferred triples, in one such transaction).

Time limits: every query runs in a confined worker process (:mod:`.workers`: no network
sockets, bounded memory) on a read-only snapshot of the store, a RocksDB checkpoint made after
each write (cheap: it hard-links the files). A query that runs past its time limit is stopped by
killing its worker; the store itself is never touched by a query, and no query runs in the
service's own process. A snapshot is kept while any query uses it.

Earlier versions of designs (``…/graph/versie/…``) are kept in a second store beside the first,
``data_dir/versions`` (:mod:`.versions`): the main store then holds exactly a query's default
dataset, which Oxigraph answers as its union default graph, one index scan per pattern. A write
of both (a design replaced) is still whole or not at all: a journal rolls it forward.

A full disk: a write that fails to commit stores nothing; a write that commits but whose
snapshot cannot be made is stored, and queries see the previous snapshot until a later write
makes one. Both are answered with :class:`~ketenontologie.errors.StoreFullError`, which says
which of the two happened; nothing needs a restart once there is space again.

>>> store = OxigraphStore("/tmp/ketenontologie-data")  # doctest: +SKIP
>>> store.replace_graphs({"https://example.org/g": triples})  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import errno
import gc
import shutil
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ketenontologie.errors import (
    ForbiddenOperationError,
    SparqlSyntaxError,
    StoreError,
    StoreFullError,
    UnknownGraphError,
)
from ketenontologie.namespaces import ADMIN_GRAPH, is_version
from ketenontologie.sparql.algebra import Operation
from ketenontologie.sparql.policy import check_update
from ketenontologie.sparql.results import RDF_FORMATS, ResultFormat
from ketenontologie.store.protocol import DefaultGraph, GraphName, QueryDataset, QueryResult
from ketenontologie.store.versions import Journal, graph_names, move_versions, split
from ketenontologie.store.workers import VersionsStale, WorkerPool

__all__ = ["OxigraphStore"]


def _term(graph: GraphName) -> ox.NamedNode | ox.DefaultGraph:
    return ox.DefaultGraph() if isinstance(graph, DefaultGraph) else ox.NamedNode(graph)


def _update_text(
    graphs: Mapping[GraphName, Iterable[ox.Triple]],
    drop: Iterable[GraphName],
    *,
    create: Iterable[str] = (),
) -> str:
    """One SPARQL update that drops and refills graphs (and creates the empty graphs
    ``create``): Oxigraph runs it as one transaction."""
    parts = [f"CREATE SILENT GRAPH <{graph}>" for graph in create]
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
    """Read-only checkpoints of the store for the query workers, one per write generation.

    A checkpoint is made under a temporary name and renamed into place when it is whole; only
    generations older than the current one and used by no query are removed.
    """

    root: Path
    generation: int = 0
    in_use: Counter[int] = field(default_factory=Counter)
    stale: bool = False
    """True when the last write is stored but its checkpoint could not be made (disk full)."""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def path(self, generation: int) -> Path:
        return self.root / str(generation)

    def publish(self, store: ox.Store) -> None:
        """Checkpoint the store as the next generation and forget unused older ones.

        Raises :class:`OSError` when the checkpoint cannot be made; the current generation
        stays what it was, and ``stale`` says that a newer state waits for a checkpoint.
        """
        with self.lock:
            generation = self.generation + 1
            self.stale = True
        partial = self.root / f"partial-{generation}"
        shutil.rmtree(partial, ignore_errors=True)
        try:
            store.backup(str(partial))
            partial.replace(self.path(generation))
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
        with self.lock:
            self.generation = generation
            self.stale = False
        self.collect()

    @contextlib.contextmanager
    def current(self) -> Iterator[tuple[int, Path]]:
        with self.lock:
            generation = self.generation
            self.in_use[generation] += 1
        try:
            yield generation, self.path(generation)
        finally:
            with self.lock:
                self.in_use[generation] -= 1
                if not self.in_use[generation]:
                    del self.in_use[generation]
            self.collect()

    def collect(self) -> None:
        """Remove the checkpoints of older generations that no query uses."""
        with self.lock:
            current = self.generation
            used = {g for g, n in self.in_use.items() if n > 0}
            old = [
                child
                for child in (self.root.iterdir() if self.root.is_dir() else ())
                if child.name.isdigit()
                and int(child.name) < current
                and int(child.name) not in used
            ]
        for child in old:
            shutil.rmtree(child, ignore_errors=True)


def _open(data_dir: Path, name: str, what: str) -> ox.Store:
    """The Oxigraph store ``name`` in ``data_dir``; :class:`StoreError` saying what to check."""
    try:
        return ox.Store(str(data_dir / name))
    except OSError as error:
        raise StoreError(
            f"{data_dir}: {what} cannot be opened ({error}). Check that no other process uses "
            "this data directory and that it is writable."
        ) from None


class OxigraphStore:
    """An on-disk Oxigraph store in ``data_dir``, with queries in confined worker processes.

    ``data_dir/store`` holds the store, ``data_dir/versions`` the earlier versions of designs
    (:mod:`.versions`); ``data_dir/snapshots`` the read-only checkpoints of both that the
    workers query. Writes are serialised by a lock; each one is whole or not at all.
    """

    def __init__(
        self,
        data_dir: str | Path,
        *,
        workers: int = 2,
        default_timeout: float = 10.0,
        memory_bytes: int | None = None,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._store = _open(self.data_dir, "store", "the store")
        self._versions = _open(self.data_dir, "versions", "the store of earlier versions")
        self._journal = Journal(self.data_dir / "versions.journal")
        self._journal.finish(self._store, self._versions)
        move_versions(self._store, self._versions)
        self._write_lock = threading.Lock()
        self._default_timeout = default_timeout
        self._snapshots = _Snapshots(self.data_dir / "snapshots")
        shutil.rmtree(self._snapshots.root, ignore_errors=True)
        self._snapshots.root.mkdir()
        self._snapshots.publish(self._store)
        self._version_snapshots = _Snapshots(self._snapshots.root / "versions")
        self._version_snapshots.root.mkdir()
        self._version_snapshots.publish(self._versions)
        self._pool = WorkerPool(size=workers, memory_bytes=memory_bytes)
        self._full = False
        """True after a write failed on a full disk: the next write reopens the store first."""

    # reading

    @property
    def generation(self) -> int:
        """A number that grows with every write queries can see (for caches of answers)."""
        return self._snapshots.generation

    def is_empty(self) -> bool:
        """True when the store holds no quad and no named graph."""
        return not self.graphs() and not self._store.query("ASK { ?s ?p ?o }")

    def graphs(self) -> list[str]:
        """The names of the named graphs in the store, sorted."""
        current = (g for g in graph_names(self._store) if not g.startswith(ADMIN_GRAPH))
        return sorted([*current, *graph_names(self._versions)])

    def _holding(self, graph: GraphName) -> ox.Store:
        """The store that holds ``graph``: the versions store for an earlier version."""
        return self._versions if isinstance(graph, str) and is_version(graph) else self._store

    def has_graph(self, graph: GraphName) -> bool:
        """True when the graph exists (the default graph always does)."""
        return isinstance(graph, DefaultGraph) or self._holding(graph).contains_named_graph(
            _term(graph)
        )

    def dump(self, graph: GraphName, *, format: ResultFormat) -> bytes:
        """Serialise one graph in an RDF format."""
        if not self.has_graph(graph):
            raise UnknownGraphError(str(graph))
        data = self._holding(graph).dump(format=RDF_FORMATS[format.name], from_graph=_term(graph))
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
        max_bytes: int | None = None,
        checked: bool = False,
        client: str | None = None,
    ) -> QueryResult:
        """Check and run a query in a worker on the current snapshot; kill it at the time limit.

        The snapshot of the versions store is made when a query names a version (the worker
        says so), not after every write: most queries never read it.
        """
        limit = self._default_timeout if timeout is None else timeout
        self._publish_if_stale()
        with (
            self._snapshots.current() as (_, path),
            self._version_snapshots.current() as (_, versions),
        ):
            job = {
                "kind": "query",
                "snapshot": str(path),
                "versions": str(versions),
                "versions_stale": self._version_snapshots.stale,
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
                "max_bytes": max_bytes,
                "check": not checked,
            }
            try:
                body, kind, count, truncated = self._pool.run(job, timeout=limit, client=client)
                stale = False
            except VersionsStale:
                stale = True
        if stale:  # the query names a version, and the last write's is not in a snapshot
            with self._write_lock:
                if self._version_snapshots.stale:
                    self._publish(self._version_snapshots, self._versions)
            return self.query(
                query,
                format=format,
                inference=inference,
                dataset=dataset,
                base_iri=base_iri,
                timeout=timeout,
                row_limit=row_limit,
                max_bytes=max_bytes,
                checked=checked,
                client=client,
            )
        return QueryResult(body, format, kind, count, truncated)

    def read_update(
        self, update: str, *, base_iri: str | None = None, client: str | None = None
    ) -> tuple[Operation, ...]:
        """The operations of an update, read by its parser in a worker under the time limit."""
        job = {"kind": "read", "update": True, "text": update, "base_iri": base_iri}
        operations: tuple[Operation, ...] = self._pool.run(
            job, timeout=self._default_timeout, client=client
        )
        return operations

    # writing

    def update(
        self,
        update: str,
        *,
        base_iri: str | None = None,
        parameters: Sequence[str] = (),
        client: str | None = None,
    ) -> None:
        """Check a SPARQL update on its parsed operations, then run it as one transaction."""
        operations = self.read_update(update, base_iri=base_iri, client=client)
        with self._write_lock:
            check_update(operations, stored=self.graphs(), parameters=parameters)
            for graph in (g for operation in operations for g in operation.using):
                if is_version(graph):
                    raise _reads_a_version(graph)
            self._write(lambda: self._store.update(update, base_iri=base_iri))

    def replace_graphs(
        self,
        graphs: Mapping[GraphName, Iterable[ox.Triple]],
        *,
        drop: Iterable[GraphName] = (),
    ) -> None:
        """Atomically drop ``drop``, then set each graph in ``graphs`` to exactly its triples."""
        self._write_both(graphs, drop)

    def add_triples(self, graph: GraphName, triples: Iterable[ox.Triple]) -> None:
        """Atomically add triples to a graph, creating it if needed."""
        name = _term(graph)
        if isinstance(name, ox.NamedNode) and is_version(name.value):
            stored = self._versions.quads_for_pattern(None, None, None, name)
            kept = [ox.Triple(q.subject, q.predicate, q.object) for q in stored]
            self._write_both({name.value: [*kept, *triples]}, ())
            return
        quads = [ox.Quad(t.subject, t.predicate, t.object, name) for t in triples]

        def add() -> None:
            if isinstance(name, ox.NamedNode):
                self._store.add_graph(name)
            self._store.extend(quads)

        with self._write_lock:
            self._write(add)

    def drop_graphs(self, graphs: Iterable[GraphName]) -> None:
        """Atomically remove graphs (clear, for the default graph); missing ones are ignored."""
        self._write_both({}, graphs)

    def _write_both(
        self, graphs: Mapping[GraphName, Iterable[ox.Triple]], drop: Iterable[GraphName]
    ) -> None:
        """Drop and refill graphs of either store as one write (see :mod:`.versions`)."""
        main, aside = split(graphs)
        main_drop, aside_drop = split(dict.fromkeys(drop))
        with self._write_lock:
            if not aside and not aside_drop and self._journal.pending() is None:
                text = _update_text(main, main_drop)
                self._write(lambda: self._store.update(text))
                return
            self._finish_journal()
            journal = _update_text(aside, aside_drop)
            try:
                marker = self._journal.begin(journal)
            except OSError as error:
                self._journal.end()
                if _disk_full(error):
                    raise StoreFullError(stored=False) from None
                raise StoreError(f"The write's journal cannot be written: {error}") from None
            text = _update_text(main, main_drop, create=[marker])
            try:
                self._write(lambda: self._store.update(text), publish=False)
            except BaseException:
                self._journal.end()  # nothing was stored
                raise
            try:
                self._write(lambda: self._versions.update(journal), publish=False)
                self._write(lambda: self._store.update(f"DROP GRAPH <{marker}>"), publish=False)
            except StoreFullError:
                raise StoreFullError(stored=True) from None  # finished by the next write
            except StoreError as error:
                raise StoreError(
                    f"The write was stored, but keeping the earlier version failed ({error}); "
                    "it is kept at the next write or start."
                ) from None
            self._journal.end()
            self._version_snapshots.stale = True
            self._publish(self._snapshots, self._store)

    def _finish_journal(self) -> None:
        """Finish a write whose versions part failed earlier (lock held)."""
        if self._journal.pending() is not None:
            self._write(lambda: self._journal.finish(self._store, self._versions), publish=False)
            self._version_snapshots.stale = True
            self._publish(self._snapshots, self._store)

    def _write(self, commit: Callable[[], object], *, publish: bool = True) -> None:
        """Commit one transaction, then make the snapshot queries will read (lock held)."""
        if self._full:
            self._reopen()  # RocksDB refuses every write after a full disk until it is reopened
        try:
            commit()
        except SyntaxError as error:
            raise SparqlSyntaxError(f"The update is not valid SPARQL: {error}") from None
        except (OSError, RuntimeError, ValueError) as error:
            if _disk_full(error):
                self._full = True
                raise StoreFullError(stored=False) from None
            raise StoreError(f"The update failed: {error}") from None
        if publish:
            self._publish(self._snapshots, self._store)

    def _publish(self, snapshots: _Snapshots, store: ox.Store) -> None:
        """Make the snapshot of ``store`` that queries will read (lock held)."""
        try:
            snapshots.publish(store)
        except OSError as error:
            if _disk_full(error):
                # The snapshot flushes the store first; a flush that met the full disk leaves
                # RocksDB refusing writes until it is reopened, as a failed commit does.
                self._full = True
                raise StoreFullError(stored=True) from None
            raise StoreError(
                f"The write was stored, but its snapshot for queries failed ({error}); queries "
                "see the state before it until the next write."
            ) from None

    def _reopen(self) -> None:
        """Open both stores anew (after a full disk); what was committed is all there."""
        main, versions = str(self.data_dir / "store"), str(self.data_dir / "versions")
        # Release RocksDB's locks before reopening.
        self._store = self._versions = None  # type: ignore[assignment]
        gc.collect()
        try:
            self._store = ox.Store(main)
            self._versions = ox.Store(versions)
        except OSError as error:
            # Still full: keep reading (read-only) and try again at the next write.
            self._store = ox.Store.read_only(main)
            self._versions = ox.Store.read_only(versions)
            if _disk_full(error):
                raise StoreFullError(stored=False) from None
            raise StoreError(f"{self.data_dir}: the store cannot be reopened ({error}).") from None
        self._full = False

    def _publish_if_stale(self) -> None:
        """Make the snapshot a stored write could not get (the disk was full), if there is room."""
        if self._snapshots.stale and self._write_lock.acquire(blocking=False):
            try:
                if self._snapshots.stale:
                    with contextlib.suppress(OSError):
                        self._snapshots.publish(self._store)
            finally:
                self._write_lock.release()

    def close(self) -> None:
        """Stop the workers and flush the stores (what cannot be flushed is in their logs)."""
        self._pool.close()
        with self._write_lock, contextlib.suppress(OSError):
            self._store.flush()
            self._versions.flush()


def _reads_a_version(graph: str) -> ForbiddenOperationError:
    return ForbiddenOperationError(
        f"The update reads <{graph}>, an earlier version or the history of a design, which "
        "the embedded store keeps apart from the graphs an update reads (oude versies lees je "
        "met een query). Read it with a query (SELECT or CONSTRUCT … FROM <…>) and write what "
        "you need with INSERT DATA."
    )


def _disk_full(error: BaseException) -> bool:
    return getattr(error, "errno", None) == errno.ENOSPC or "No space left" in str(error)
