"""Query workers: processes answering queries on a read-only snapshot, killed at the time limit."""

from __future__ import annotations

import itertools
import multiprocessing
import multiprocessing.connection
import queue
import threading
import time
from typing import Any

import pyoxigraph as ox

from ketenontologie.errors import QueryTimeoutError
from ketenontologie.namespaces import is_inferred
from ketenontologie.sparql.results import (
    RDF_FORMATS,
    format_by_name,
    write_boolean,
    write_solutions,
)
from ketenontologie.sparql.text import ResultKind, inspect_query

__all__ = ["WorkerPool"]


class WorkerPool:
    """Worker processes that run queries; a worker past its time limit is killed and replaced."""

    def __init__(self, *, size: int) -> None:
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._size = max(1, size)
        self._lock = threading.Lock()
        # Started at once: a worker's imports then overlap with the server's start-up.
        for _ in range(self._size):
            self._idle.put(_Worker(self._context))
        self._started = self._size

    def _take(self, deadline: float) -> _Worker | None:
        """An idle worker, a new one while fewer than ``size`` run, or None at the deadline."""
        with self._lock:
            if self._idle.empty() and self._started < self._size:
                self._started += 1
                return _Worker(self._context)
        try:
            return self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            return None

    def run(self, job: dict[str, Any], *, timeout: float) -> tuple[str, Any]:
        """Run ``job`` in a worker; kill the worker and raise at the time limit."""
        deadline = time.monotonic() + timeout
        worker = self._take(deadline)
        if worker is None:  # every worker stayed busy until the time limit
            raise QueryTimeoutError(timeout)
        try:
            worker.conn.send(job)
            if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                raise TimeoutError
            result: tuple[str, Any] = worker.conn.recv()
        except (TimeoutError, EOFError, OSError, BrokenPipeError) as error:
            worker.kill()
            with self._lock:
                self._started -= 1
            if isinstance(error, TimeoutError):
                raise QueryTimeoutError(timeout) from None
            return "error", f"the query worker stopped unexpectedly ({error!r})"
        self._idle.put(worker)
        return result

    def close(self) -> None:
        """Stop the idle workers (busy ones are daemons and end with the process)."""
        while True:
            try:
                self._idle.get_nowait().kill()
            except queue.Empty:
                return


class _Worker:
    def __init__(self, context: Any) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child,), daemon=True)
        self.process.start()
        child.close()

    def kill(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


def _worker_main(conn: multiprocessing.connection.Connection) -> None:
    """Run query jobs from ``conn`` until it closes; opens each snapshot read-only once."""
    opened: str | None = None
    store: ox.Store | None = None
    asserted: list[ox.NamedNode] = []
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if job["snapshot"] != opened or store is None:
                store = None
                store = ox.Store.read_only(job["snapshot"])
                opened = job["snapshot"]
                asserted = [
                    g
                    for g in store.named_graphs()
                    if isinstance(g, ox.NamedNode) and not is_inferred(g.value)
                ]
            conn.send(("ok", _execute(store, job, asserted)))
        except SyntaxError as error:
            conn.send(("syntax", str(error)))
        except Exception as error:  # reported to the caller, the worker lives on
            conn.send(("error", f"{type(error).__name__}: {error}"))


def _execute(
    store: ox.Store, job: dict[str, Any], asserted: list[ox.NamedNode]
) -> tuple[bytes, ResultKind, int, bool]:
    options: dict[str, Any] = {}
    if job["dataset"] is not None:
        default, named = job["dataset"]
        options["default_graph"] = [
            ox.DefaultGraph() if g is None else ox.NamedNode(g) for g in default
        ]
        options["named_graphs"] = [ox.NamedNode(g) for g in named]
    elif inspect_query(job["query"], base_iri=job["base_iri"]).has_dataset:
        pass  # the query's own FROM / FROM NAMED
    elif job["inference"]:
        options["use_default_graph_as_union"] = True
    else:
        options["default_graph"] = [ox.DefaultGraph(), *asserted]
        options["named_graphs"] = asserted
    results = store.query(job["query"], base_iri=job["base_iri"], **options)
    limit = job["row_limit"]
    if isinstance(results, ox.QueryBoolean):
        fmt = format_by_name(job["format"], kind="boolean")
        assert fmt is not None
        return write_boolean(bool(results), fmt=fmt), "boolean", 1, False
    if isinstance(results, ox.QuerySolutions):
        fmt = format_by_name(job["format"], kind="solutions")
        assert fmt is not None
        variables = [v.value for v in results.variables]
        rows = [[s[v] for v in variables] for s in itertools.islice(results, _plus_one(limit))]
        truncated = limit is not None and len(rows) > limit
        rows = rows[:limit] if truncated else rows
        body = write_solutions(variables, rows, fmt=fmt, truncated=truncated)
        return body, "solutions", len(rows), truncated
    fmt = format_by_name(job["format"], kind="graph")
    assert fmt is not None
    triples = list(itertools.islice(results, _plus_one(limit)))
    truncated = limit is not None and len(triples) > limit
    triples = triples[:limit] if truncated else triples
    body = ox.serialize(triples, format=RDF_FORMATS[fmt.name]) or b""
    return body, "graph", len(triples), truncated


def _plus_one(limit: int | None) -> int | None:
    return None if limit is None else limit + 1
