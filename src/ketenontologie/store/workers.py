"""Worker processes: read queries and run them, each under the time limit, none able to reach out.

A :class:`WorkerPool` keeps a few processes, started with ``spawn`` and confined
(:func:`~ketenontologie.store.sandbox.confine`: no network sockets, bounded memory) before they
take their first job. A job is one of:

* ``query``: parse the query (:mod:`ketenontologie.sparql.algebra`), check it against the
  service's rules (:func:`~ketenontologie.sparql.policy.check_query`, with the graphs of the
  snapshot it runs on), run it on a read-only snapshot of the embedded store and write the
  answer within the row and size bounds;
* ``read``: only parse a query or an update and return what it does (for a store on a SPARQL
  server, and for updates, which the service checks before it writes);
* ``call``: call a function of the library by its name, ``module:function``, with arguments
  that pickle (the upload pipeline checks designs this way: :mod:`ketenontologie.designs`).

A job that runs past its time limit is stopped by killing its worker; a new one takes its place.
Work is shared fairly: one client runs at most ``size - 1`` jobs at once (when there are two
workers or more), so that its runaway queries cannot take every worker; and at most
``queue_limit`` requests wait for a worker; more are answered at once with
:class:`~ketenontologie.errors.ServiceBusyError` (503 with ``Retry-After``).
"""

from __future__ import annotations

import collections
import contextlib
import importlib
import multiprocessing
import multiprocessing.connection
import queue
import threading
import time
from typing import Any

import pyoxigraph as ox

from ketenontologie.errors import (
    KetenontologieError,
    QueryResourceError,
    QueryTimeoutError,
    ServiceBusyError,
)
from ketenontologie.namespaces import is_inferred, is_version
from ketenontologie.sparql.algebra import query_facts, query_facts_from_tokens, update_facts
from ketenontologie.sparql.policy import check_query
from ketenontologie.sparql.results import (
    RDF_FORMATS,
    bounded_triples,
    format_by_name,
    write_boolean,
    write_bounded_solutions,
)
from ketenontologie.store.sandbox import confine

__all__ = ["VersionsStale", "WorkerPool"]


class VersionsStale(Exception):
    """The query names an earlier version of a design, and the snapshot of the versions store
    is older than the last write: the store makes a new one and runs the query again."""


class WorkerPool:
    """Confined worker processes that read and run queries; killed at the time limit."""

    def __init__(
        self,
        *,
        size: int,
        memory_bytes: int | None = None,
        queue_limit: int | None = None,
        warm: str = "ketenontologie.sparql.algebra:warm",
    ) -> None:
        self._context = multiprocessing.get_context("spawn")
        self._warm = warm
        self._size = max(1, size)
        self._memory = memory_bytes
        self._queue_limit = queue_limit if queue_limit is not None else 8 * self._size
        self._per_client = max(1, self._size - 1)
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._running: collections.Counter[str] = collections.Counter()
        self._pending = 0
        """Requests that have a worker or wait for one."""
        # Started at once: a worker's imports then overlap with the server's start-up.
        for _ in range(self._size):
            self._idle.put(_Worker(self._context, self._memory, self._warm))
        self._started = self._size

    @property
    def size(self) -> int:
        """How many workers run jobs at once."""
        return self._size

    def call(
        self, target: str, *args: Any, timeout: float, client: str | None = None, **kwargs: Any
    ) -> Any:
        """Call the function ``module:function`` in a worker, under the time limit."""
        job = {"kind": "call", "target": target, "args": args, "kwargs": kwargs}
        return self.run(job, timeout=timeout, client=client)

    def run(self, job: dict[str, Any], *, timeout: float, client: str | None = None) -> Any:
        """Run ``job`` in a worker and return its result; raise what the job raised.

        Raises :class:`QueryTimeoutError` at the time limit (the worker is killed),
        :class:`ServiceBusyError` when too many requests wait already, and
        :class:`QueryResourceError` when the worker died (out of memory, or a crash).
        """
        deadline = time.monotonic() + timeout
        who = client or "-"
        with self._changed:
            if self._pending >= self._size + self._queue_limit:
                raise ServiceBusyError(
                    f"{self._pending - self._size} requests are waiting for a query worker "
                    "already (het is te druk)."
                )
            self._pending += 1
        try:
            self._enter(who, deadline, timeout)
            try:
                worker = self._take(deadline)
                if worker is None:  # every worker stayed busy until the time limit
                    raise QueryTimeoutError(timeout)
                return self._send(worker, job, deadline, timeout, who)
            finally:
                self._leave(who)
        finally:
            with self._changed:
                self._pending -= 1

    def _enter(self, who: str, deadline: float, timeout: float) -> None:
        """Wait until ``who`` may start one more job (its share of the workers)."""
        with self._changed:
            while self._running[who] >= self._per_client:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise QueryTimeoutError(timeout)
                self._changed.wait(remaining)
            self._running[who] += 1

    def _leave(self, who: str) -> None:
        """Give back one of ``who``'s share of the workers."""
        with self._changed:
            self._running[who] -= 1
            if self._running[who] <= 0:
                del self._running[who]
            self._changed.notify_all()

    def _take(self, deadline: float) -> _Worker | None:
        """An idle worker, a new one while fewer than ``size`` run, or None at the deadline."""
        with self._lock:
            if self._idle.empty() and self._started < self._size:
                self._started += 1
                return _Worker(self._context, self._memory, self._warm)
        try:
            return self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            return None

    def _send(
        self, worker: _Worker, job: dict[str, Any], deadline: float, timeout: float, who: str
    ) -> Any:
        try:
            if not worker.ready:
                # A worker's start (confinement, its parser) is not the query's time.
                started = time.monotonic()
                worker.wait_ready()
                deadline += time.monotonic() - started
            worker.conn.send(job)
            if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                raise TimeoutError
            status, payload = worker.conn.recv()
        except (TimeoutError, EOFError, OSError) as error:
            worker.kill()
            # Its replacement starts now, and the client whose query was stopped keeps its share
            # until it is ready: so that while it starts, that client cannot take the worker
            # that others are left with.
            with self._changed:
                self._running[who] += 1  # given back by _replace when the replacement is ready
            threading.Thread(target=self._replace, args=(who,), daemon=True).start()
            if isinstance(error, TimeoutError):
                raise QueryTimeoutError(timeout) from None
            raise QueryResourceError(
                "The query stopped its worker: it needed more memory than a query may use, or "
                "it made the worker fail (de query liep vast). Make it ask for less (smaller "
                "values, fewer rows) and try again."
            ) from None
        self._idle.put(worker)
        if status == "stale":
            raise VersionsStale
        if status == "raise":
            code, message, attributes = payload
            raise KetenontologieError.rebuilt(code, message, attributes)
        return payload

    def _replace(self, who: str) -> None:
        """Start a worker in place of a killed one, then give ``who`` its share back."""
        replacement = _Worker(self._context, self._memory, self._warm)
        try:
            replacement.wait_ready()
        except OSError:
            replacement.kill()
            with self._lock:
                self._started -= 1  # the next query that finds no idle worker starts one
        else:
            self._idle.put(replacement)
        finally:
            self._leave(who)

    def close(self) -> None:
        """Stop the idle workers (busy ones are daemons and end with the process)."""
        while True:
            try:
                self._idle.get_nowait().kill()
            except queue.Empty:
                return


_STARTUP_SECONDS = 60.0
"""How long a new worker may take to get ready before it counts as failed."""


class _Worker:
    def __init__(self, context: Any, memory: int | None, warm: str) -> None:
        self.ready = False
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, memory, warm), daemon=True)
        self.process.start()
        child.close()

    def wait_ready(self) -> None:
        """Wait until the worker has started (at most :data:`_STARTUP_SECONDS`)."""
        if self.ready:
            return
        try:
            if self.conn.poll(_STARTUP_SECONDS):
                self.conn.recv()
                self.ready = True
        except (EOFError, OSError):
            pass
        if not self.ready:
            raise OSError("the query worker did not start")

    def kill(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


# --- in the worker --------------------------------------------------------------------------------


def _worker_main(
    conn: multiprocessing.connection.Connection, memory: int | None, warm: str
) -> None:
    """Confine this process, make it ready (``warm``: what its first job would load), then run
    jobs from ``conn`` until it closes."""
    confine(memory_bytes=memory)
    with contextlib.suppress(Exception):  # a cold worker is slower, not wrong
        _function(warm)()
    with contextlib.suppress(OSError):
        conn.send(("ready", None))
    snapshot = _Snapshot()
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if job["kind"] == "read":
                reader = update_facts if job["update"] else query_facts
                result: Any = reader(job["text"], base_iri=job["base_iri"])
            elif job["kind"] == "call":
                result = _function(job["target"])(*job["args"], **job["kwargs"])
            else:
                result = _query(snapshot, job)
            conn.send(("ok", result))
        except VersionsStale:
            conn.send(("stale", None))
        except KetenontologieError as error:
            conn.send(("raise", (error.code, error.message, vars(error))))
        except SyntaxError as error:
            conn.send(("raise", ("sparql-syntax", f"The query is not valid SPARQL: {error}", {})))
        except MemoryError:
            conn.send(("raise", ("query-resource", _MEMORY, {})))
        except Exception as error:  # reported to the caller, the worker lives on
            message = f"The query failed in the store: {type(error).__name__}: {error}"
            conn.send(("raise", ("store", message, {})))


_MEMORY = (
    "The query needed more memory than a query may use (de query vroeg te veel geheugen). Make "
    "it ask for less (smaller values, fewer rows) and try again."
)


def _gathered(
    main: ox.Store, versions: ox.Store, graphs: list[str], *, default_graph: bool
) -> ox.Store:
    """The graphs a query names, from both snapshots, in one store in memory.

    Only for a query that names an earlier version of a design (its dataset is explicit, so
    copying it is bounded by what it names; the time limit and the worker's memory bound
    count the copy).
    """
    gathered = ox.Store()
    for name in dict.fromkeys(graphs):
        graph = ox.NamedNode(name)
        source = versions if is_version(name) else main
        if source.contains_named_graph(graph):
            gathered.add_graph(graph)
            gathered.extend(source.quads_for_pattern(None, None, None, graph))
    if default_graph:
        gathered.extend(main.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    return gathered


def _function(target: str) -> Any:
    """The function named ``module:function`` (of this project: the job comes from the service)."""
    module, _, name = target.partition(":")
    if not module.startswith("ketenontologie."):
        raise ValueError(f"{target} is not a function of this project")
    return getattr(importlib.import_module(module), name)


class _Snapshot:
    """The read-only snapshots this worker has open, reopened when the job names others.

    The main snapshot holds exactly the default dataset of a query with inference on (the
    earlier versions of designs are in a store of their own, :mod:`.versions`), so that
    Oxigraph's union default graph is that dataset. The versions snapshot is opened only for a
    query that names a version.
    """

    def __init__(self) -> None:
        self.path: str | None = None
        self.store: ox.Store | None = None
        self.graphs: frozenset[str] = frozenset()
        self.asserted: list[ox.NamedNode] = []
        self.versions_path: str | None = None
        self.versions: ox.Store | None = None
        self.version_graphs: frozenset[str] = frozenset()

    def open(self, path: str) -> ox.Store:
        if self.store is None or path != self.path:
            self.store = None
            self.store = ox.Store.read_only(path)
            self.path = path
            named = [g for g in self.store.named_graphs() if isinstance(g, ox.NamedNode)]
            self.graphs = frozenset(g.value for g in named)
            self.asserted = [g for g in named if not is_inferred(g.value)]
        return self.store

    def open_versions(self, path: str) -> ox.Store:
        if self.versions is None or path != self.versions_path:
            self.versions = None
            self.versions = ox.Store.read_only(path)
            self.versions_path = path
            named = self.versions.named_graphs()
            self.version_graphs = frozenset(g.value for g in named if isinstance(g, ox.NamedNode))
        return self.versions


def _query(snapshot: _Snapshot, job: dict[str, Any]) -> tuple[bytes, str, int, bool]:
    store = snapshot.open(job["snapshot"])
    dataset = job["dataset"]
    text, base = job["query"], job["base_iri"]
    facts = query_facts_from_tokens(text, base_iri=base) or query_facts(text, base_iri=base)
    named = (
        [g for g in (*dataset[0], *dataset[1]) if g is not None]
        if dataset
        else [*facts.default_graphs, *facts.named_graphs]
    )
    versions = None
    if any(is_version(g) for g in named) and job.get("versions"):
        if job.get("versions_stale"):
            raise VersionsStale
        versions = snapshot.open_versions(job["versions"])
    if job["check"]:
        stored = snapshot.graphs | snapshot.version_graphs if versions else snapshot.graphs
        check_query(facts, stored=stored, dataset=named if dataset else [])
    options: dict[str, Any] = {}
    if dataset is not None:
        default, named_graphs = dataset
        options["default_graph"] = [
            ox.DefaultGraph() if g is None else ox.NamedNode(g) for g in default
        ]
        options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
    elif facts.has_dataset:
        pass  # the query's own FROM / FROM NAMED
    elif job["inference"]:
        options["use_default_graph_as_union"] = True
    else:
        options["default_graph"] = [ox.DefaultGraph(), *snapshot.asserted]
        options["named_graphs"] = snapshot.asserted
    if versions is not None:
        default_too = dataset is not None and None in dataset[0]
        store = _gathered(store, versions, named, default_graph=default_too)
    try:
        results = store.query(text, base_iri=base, **options)
    except SyntaxError:
        query_facts(text, base_iri=base)  # its message says where and what to change
        raise
    limit, max_bytes = job["row_limit"], job["max_bytes"]
    if isinstance(results, ox.QueryBoolean):
        fmt = format_by_name(job["format"], kind="boolean")
        assert fmt is not None
        return write_boolean(bool(results), fmt=fmt), "boolean", 1, False
    if isinstance(results, ox.QuerySolutions):
        fmt = format_by_name(job["format"], kind="solutions")
        assert fmt is not None
        variables = [v.value for v in results.variables]
        rows = ([s[v] for v in variables] for s in results)
        body, count, truncated = write_bounded_solutions(
            variables, rows, fmt=fmt, row_limit=limit, max_bytes=max_bytes
        )
        return body, "solutions", count, truncated
    fmt = format_by_name(job["format"], kind="graph")
    assert fmt is not None
    triples, truncated = bounded_triples(results, limit=limit, max_bytes=max_bytes)
    body = ox.serialize(triples, format=RDF_FORMATS[fmt.name]) or b""
    return body, "graph", len(triples), truncated
