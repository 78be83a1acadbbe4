"""The store on an existing SPARQL 1.1 server (Virtuoso; Fuseki and GraphDB by the same protocol).

:class:`SparqlStore` implements :class:`~ketenontologie.store.protocol.GraphStore` with the
SPARQL 1.1 Protocol only (see :mod:`ketenontologie.store.remote_http`); the service, the designs,
validation, the named queries and the linked-data pages work on it unchanged. It keeps three
graphs of its own, under ``…/graph/beheer/`` and never part of any query's dataset:

* ``…/beheer/register`` lists the graphs the store holds (a SPARQL server forgets empty graphs,
  the service does not), so ``graphs()`` and ``has_graph()`` never scan the server;
* ``…/beheer/standaardgraaf`` holds the unnamed default graph (the Graph Store Protocol's
  ``?default``; Virtuoso has no unnamed graph);
* ``…/beheer/journaal`` records writes in flight, with a backup copy of every graph they change.

**Datasets.** Without ``FROM`` a query's default graph is the union of the store's graphs and
``GRAPH ?g`` ranges over its named graphs, with the inferred graphs left out when inference is
off — as on the embedded store. On Virtuoso this is its own all-graphs dataset less the graphs
that are not the store's (Virtuoso's system graphs, the administration graphs), named with
``define input:default-graph-exclude`` / ``named-graph-exclude``: Virtuoso refuses more than a
few thousand ``FROM`` graphs and is slow from a few hundred. Turning inference off excludes every
inferred graph the same way, which works up to :data:`MAX_EXCLUDED` designs. Other servers get
the store's graphs as ``default-graph-uri`` / ``named-graph-uri`` lists.

**Atomicity** (measured on Virtuoso 7.2, ``tests/stores/test_virtuoso_atomicity.py``). One
update request is one transaction for crashes and for readers: after ``kill -9`` of the server
in the middle of a request none of it is there, and a concurrent query sees all of it or none.
But when an operation *fails*, the operations before it in the request stay. So every write is
one request that starts by recording the write in the journal with a server-side ``COPY`` of each
graph it changes, and ends by removing that record. A write the server refuses half-way is rolled
back at once from the copies; one that could not be rolled back (the server went away) is
rolled back when a store next opens on the server. A write too large for one request (over
:data:`MAX_REQUEST_BYTES` or :data:`OPERATIONS_PER_REQUEST`) is sent in several: it is then
atomic for crashes by the same journal, but readers can see it half-done while it runs.

Several service processes can share one server when exactly one of them writes (has
credentials); see ``docs/deploy.md``.

>>> store = SparqlStore(
...     "sparql+http://127.0.0.1:8890/sparql", user="u", password="p"
... )  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import datetime
import itertools
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from ketenontologie.errors import (
    StoreError,
    StoreSettingError,
    StoreUnavailableError,
    UnknownGraphError,
)
from ketenontologie.namespaces import ADMIN_GRAPH, is_inferred, is_version
from ketenontologie.sparql.algebra import QueryFacts
from ketenontologie.sparql.policy import check_query, check_update
from ketenontologie.sparql.results import (
    RDF_FORMATS,
    ResultFormat,
    bounded_triples,
    write_boolean,
    write_bounded_solutions,
)
from ketenontologie.sparql.text import tokenize
from ketenontologie.store.protocol import DefaultGraph, GraphName, QueryDataset, QueryResult
from ketenontologie.store.remote_http import SETTING, Endpoints, SparqlClient
from ketenontologie.store.workers import WorkerPool

__all__ = [
    "ADMIN_GRAPHS",
    "DEFAULT_GRAPH_IRI",
    "JOURNAL_GRAPH",
    "MAX_EXCLUDED",
    "MAX_REQUEST_BYTES",
    "REGISTER_GRAPH",
    "SparqlStore",
]

ADMIN = ADMIN_GRAPH
REGISTER_GRAPH = f"{ADMIN}register"
JOURNAL_GRAPH = f"{ADMIN}journaal"
DEFAULT_GRAPH_IRI = f"{ADMIN}standaardgraaf"
BACKUP_PREFIX = f"{ADMIN}kopie/"
ADMIN_GRAPHS = (REGISTER_GRAPH, JOURNAL_GRAPH, DEFAULT_GRAPH_IRI)

MAX_REQUEST_BYTES = 4_000_000
"""Update text per request; Virtuoso refuses requests of about 10 MB."""
OPERATIONS_PER_REQUEST = 200
"""Operations per request: Virtuoso compiles a request into one procedure and refuses one of
800 ``INSERT DATA`` operations (400 pass)."""
TRIPLES_PER_OPERATION = 1_000
"""Triples per ``INSERT DATA``: Virtuoso's parser stops at about 5,000 in one block."""
MAX_EXCLUDED = 3_000
"""Graphs a Virtuoso query can leave out of its dataset (it refuses about 4,000)."""
PAGE = 10_000
"""Rows per page when reading graphs; a server that returns fewer says so (Virtuoso) or ends."""

_SD_GRAPH = "<http://www.w3.org/ns/sparql-service-description#NamedGraph>"
_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_J = "https://w3id.org/ketenontologie/def/store#"
"""Terms of the journal (internal; not part of the published vocabulary)."""


def _iri(value: str) -> str:
    return str(ox.NamedNode(value))


@dataclass
class _Registry:
    """The store's graphs as known to this process, and when they were read."""

    graphs: set[str] = field(default_factory=set)
    foreign: set[str] = field(default_factory=set)
    """Graphs on the server that are not the store's (Virtuoso's own, other datasets)."""
    read_at: float = 0.0


class SparqlStore:
    """A :class:`~ketenontologie.store.protocol.GraphStore` on a SPARQL 1.1 server.

    ``url`` is the ``KETENONTOLOGIE_STORE`` value (``sparql+http://host:port/sparql``);
    ``user``/``password`` an account that may update (none: read only). ``refresh`` is how
    many seconds this process trusts its list of graphs when another process may write.
    """

    def __init__(
        self,
        url: str,
        *,
        user: str | None = None,
        password: str | None = None,
        default_timeout: float = 10.0,
        refresh: float = 2.0,
        readers: int = 2,
        memory_bytes: int | None = None,
    ) -> None:
        self.url = url
        self._client = SparqlClient(Endpoints.parse(url), user=user, password=password)
        self._client.connect()
        self._default_timeout = default_timeout
        self._refresh = refresh
        self._lock = _ReadWriteLock()
        """Queries of this process share it; a write has it alone, so that no query of this
        process sees a write half-done (see docs/deploy.md for other processes)."""
        self._registry = _Registry()
        self._backups: set[str] = set()
        """Backup graphs of the write in flight (left out of queries while it runs)."""
        self._read_only = user is None
        self._readers = WorkerPool(size=readers, memory_bytes=memory_bytes)
        """Confined processes that read queries and updates with their parser (see query)."""
        if not self._read_only:
            # Check the account at once (an empty update), not at the first upload.
            self._client.update("INSERT DATA { }")
            self.repair()
        self._load_registry()

    @property
    def dialect(self) -> str:
        """The kind of server: virtuoso, fuseki, graphdb or generic."""
        return self._client.dialect

    # --- the register -------------------------------------------------------------------------

    def _load_registry(self) -> None:
        rows = self._pages(
            f"SELECT ?g WHERE {{ GRAPH {_iri(REGISTER_GRAPH)} {{ ?g {_RDF_TYPE} {_SD_GRAPH} }} }}"
        )
        graphs = {str(row[0].value) for row in rows if isinstance(row[0], ox.NamedNode)}
        foreign: set[str] = set()
        if self.dialect == "virtuoso":
            holding = self._pages("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
            foreign = {
                str(row[0].value)
                for row in holding
                if isinstance(row[0], ox.NamedNode)
                and str(row[0].value) not in graphs
                and not str(row[0].value).startswith(ADMIN)
            }
            if len(foreign) > MAX_EXCLUDED // 2:
                raise StoreSettingError(
                    f"The SPARQL server at {self._client.endpoints.query} holds "
                    f"{len(foreign)} graphs that are not ketenontologie's; queries could not "
                    "leave them out. Give ketenontologie a Virtuoso database of its own "
                    "(docs/deploy.md)."
                )
        self._registry = _Registry(graphs, foreign, time.monotonic())

    def _known(self) -> _Registry:
        if self._read_only and time.monotonic() - self._registry.read_at > self._refresh:
            self._load_registry()
        return self._registry

    def _pages(self, select: str, *, ordered_by: str = "?g") -> list[list[Any]]:
        """Every row of ``select``, in pages when the server cuts long results."""
        first = self._client.select(select, timeout=300, limit=PAGE)
        if not first.more:
            return first.rows
        rows: list[list[Any]] = []
        for offset in itertools.count(0, PAGE):
            page = self._client.select(
                f"{select} ORDER BY {ordered_by} LIMIT {PAGE} OFFSET {offset}", timeout=300
            )
            rows += page.rows
            if len(page.rows) < PAGE and not page.more:
                return rows
            if not page.rows:
                return rows
        return rows  # pragma: no cover - itertools.count never ends

    # --- reading ------------------------------------------------------------------------------

    def is_empty(self) -> bool:
        """True when the store holds no graph and its default graph is empty."""
        return not self._known().graphs and not self._client.ask(
            f"ASK {{ GRAPH {_iri(DEFAULT_GRAPH_IRI)} {{ ?s ?p ?o }} }}"
        )

    def graphs(self) -> list[str]:
        """The names of the named graphs in the store, sorted."""
        return sorted(self._known().graphs)

    def has_graph(self, graph: GraphName) -> bool:
        """True when the graph exists (the default graph always does)."""
        return isinstance(graph, DefaultGraph) or graph in self._known().graphs

    def dump(self, graph: GraphName, *, format: ResultFormat) -> bytes:
        """Serialise one graph in an RDF format."""
        if not self.has_graph(graph):
            raise UnknownGraphError(str(graph))
        with self._lock.reading():
            triples = self._read_graph(self._physical(graph))
        return ox.serialize(triples, format=RDF_FORMATS[format.name]) or b""

    def _read_graph(self, name: str) -> list[ox.Triple]:
        rows = self._pages(
            f"SELECT ?s ?p ?o WHERE {{ GRAPH {_iri(name)} {{ ?s ?p ?o }} }}",
            ordered_by="?s ?p ?o",
        )
        return [ox.Triple(s, p, o) for s, p, o in rows]

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
        """Check a query, then run it on the server within the time limit and the bounds.

        The query is read by its parser in a confined worker and checked there against the
        service's rules, with the store's graphs and, on Virtuoso, no functions of the server's
        own (``bif:``, ``sql:`` …): only SPARQL's own functions and XSD casts.
        """
        limit = self._default_timeout if timeout is None else timeout
        started = time.monotonic()
        job = {"kind": "read", "update": False, "text": query, "base_iri": base_iri}
        info: QueryFacts = self._readers.run(job, timeout=limit, client=client)
        if not checked:
            named = [] if dataset is None else [*dataset.default_graphs, *dataset.named_graphs]
            check_query(
                info,
                stored=self._known().graphs,
                dataset=[g for g in named if isinstance(g, str)],
                functions=_standard_function if self.dialect == "virtuoso" else None,
            )
        limit = max(0.1, limit - (time.monotonic() - started))
        with self._lock.reading():
            return self._run(
                query,
                info,
                format=format,
                inference=inference,
                dataset=dataset,
                base_iri=base_iri,
                limit=limit,
                row_limit=row_limit,
                max_bytes=max_bytes,
            )

    def _run(
        self,
        query: str,
        info: QueryFacts,
        *,
        format: ResultFormat,
        inference: bool,
        dataset: QueryDataset | None,
        base_iri: str | None,
        limit: float,
        row_limit: int | None,
        max_bytes: int | None,
    ) -> QueryResult:
        text, params = self._with_dataset(
            query, inference=inference, dataset=dataset, own=info.has_dataset
        )
        if base_iri:
            text = f"BASE {_iri(base_iri)}\n{text}"
        if self.dialect == "virtuoso":
            # Virtuoso describes nothing from its all-graphs dataset without this pragma.
            pragma = 'define sql:describe-mode "CBD" ' if info.form == "DESCRIBE" else ""
            excluding = self._excluding(inference, own=info.has_dataset or bool(dataset))
            if excluding:
                text = _pin_graphs(text)
            text = pragma + excluding + text
        if info.form == "ASK":
            answer = self._client.ask(text, params=params, timeout=limit)
            return QueryResult(write_boolean(answer, fmt=format), format, "boolean", 1, False)
        if info.form == "SELECT":
            found = self._client.select(text, params=params, timeout=limit, limit=row_limit)
            keep = [i for i, v in enumerate(found.variables) if not v.startswith(_PINNED)]
            variables = [found.variables[i] for i in keep]
            rows = ([row[i] for i in keep] for row in found.rows)
            body, count, cut = write_bounded_solutions(
                variables,
                rows,
                fmt=format,
                row_limit=row_limit,
                max_bytes=max_bytes,
                cut_before=found.more,
            )
            return QueryResult(body, format, "solutions", count, cut)
        found_triples, more = self._client.construct(
            text, params=params, timeout=limit, limit=row_limit
        )
        triples, cut = bounded_triples(found_triples, limit=row_limit, max_bytes=max_bytes)
        body = ox.serialize(triples, format=RDF_FORMATS[format.name]) or b""
        return QueryResult(body, format, "graph", len(triples), more or cut)

    def _with_dataset(
        self,
        query: str,
        *,
        inference: bool,
        dataset: QueryDataset | None,
        own: bool,
    ) -> tuple[str, dict[str, list[str]]]:
        """The query and the protocol's dataset parameters for it (see the module docstring)."""
        if dataset is not None:
            return query, {
                "default-graph-uri": [self._physical(g) for g in dataset.default_graphs],
                "named-graph-uri": list(dataset.named_graphs),
            }
        if own:
            return query, {}
        if self.dialect == "virtuoso":
            return query, {}
        named = [
            g
            for g in self._known().graphs
            if (inference or not is_inferred(g)) and not is_version(g)
        ]
        return query, {"default-graph-uri": [DEFAULT_GRAPH_IRI, *named], "named-graph-uri": named}

    def _excluding(self, inference: bool, *, own: bool) -> str:
        """Virtuoso pragmas that leave every graph that is not in the dataset out of it."""
        if own:
            return ""
        known = self._known()
        left_out = {*known.foreign, REGISTER_GRAPH, JOURNAL_GRAPH}
        left_out |= self._journal_graphs()
        # Earlier versions of designs and their histories are named by a query, never in its
        # default dataset (as on the embedded store).
        left_out |= {g for g in known.graphs if is_version(g)}
        inferred = set() if inference else {g for g in known.graphs if is_inferred(g)}
        if len(inferred) + len(left_out) > MAX_EXCLUDED:
            raise StoreError(
                f"Queries leave out every earlier version of a design"
                f"{' and every inferred graph' if inferred else ''}, and this store has "
                f"{len(inferred) + len(left_out)} such graphs: more than Virtuoso can leave out "
                f"({MAX_EXCLUDED}). Name the graphs to query (FROM, or GRAPH <…>) instead."
            )
        left_out |= inferred
        default = "".join(f"define input:default-graph-exclude {_iri(g)} " for g in left_out)
        named = "".join(
            f"define input:named-graph-exclude {_iri(g)} " for g in {*left_out, DEFAULT_GRAPH_IRI}
        )
        return default + named

    def _journal_graphs(self) -> set[str]:
        """Backup graphs of writes in flight in this process (others are rolled back at open)."""
        return set(self._backups)

    def _physical(self, graph: GraphName) -> str:
        return DEFAULT_GRAPH_IRI if isinstance(graph, DefaultGraph) else graph

    # --- writing ------------------------------------------------------------------------------

    def update(
        self,
        update: str,
        *,
        base_iri: str | None = None,
        parameters: Sequence[str] = (),
        client: str | None = None,
    ) -> None:
        """Check a SPARQL update on its parsed operations, then run it on the server.

        ``CLEAR``/``DROP`` of ``ALL``, ``NAMED`` or ``DEFAULT`` apply to the store's graphs only
        (never to the rest of the server); the register follows the graphs the update names.
        """
        job = {"kind": "read", "update": True, "text": update, "base_iri": base_iri}
        operations = self._readers.run(job, timeout=self._default_timeout, client=client)
        check_update(
            operations,
            stored=self.graphs(),
            parameters=parameters,
            functions=_standard_function if self.dialect == "virtuoso" else None,
        )
        text, targets, unknown = _rewrite_update(update, self.graphs())
        if base_iri:
            text = f"BASE {_iri(base_iri)}\n{text}"
        # Virtuoso writes triples outside GRAPH {…} to the protocol's default graph; but that
        # parameter also empties the named graphs a WHERE clause sees, so an update whose WHERE
        # reads named graphs goes without it (and may then not write to the default graph).
        params = (
            {"default-graph-uri": DEFAULT_GRAPH_IRI}
            if self.dialect == "virtuoso" and not _where_reads_named_graphs(update)
            else {}
        )
        with self._lock.writing():
            self._require_writer()
            self._client.update(text, params=params)
            self._sync_register(targets, scan=unknown)

    def _sync_register(self, targets: Mapping[str, str], *, scan: bool) -> None:
        """Bring the register in line after a user's update: created, dropped, written."""
        registered = set(self._registry.graphs)
        add: set[str] = set()
        remove: set[str] = set()
        for graph, effect in targets.items():
            if graph.startswith(ADMIN) or graph in self._registry.foreign:
                continue
            if effect == "drop":
                remove.add(graph)
            elif effect == "create" or self._client.ask(
                f"ASK {{ GRAPH {_iri(graph)} {{ ?s ?p ?o }} }}"
            ):
                add.add(graph)
        if scan:
            rows = self._pages("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
            add |= {
                str(row[0].value)
                for row in rows
                if isinstance(row[0], ox.NamedNode)
                and str(row[0].value) not in self._registry.foreign
                and not str(row[0].value).startswith(ADMIN)
            }
        add -= registered
        remove &= registered
        if add or remove:
            self._client.update(_register_text(add=add, remove=remove))
            self._registry.graphs = (registered | add) - remove

    def replace_graphs(
        self,
        graphs: Mapping[GraphName, Iterable[ox.Triple]],
        *,
        drop: Iterable[GraphName] = (),
    ) -> None:
        """Atomically drop ``drop``, then set each graph in ``graphs`` to exactly its triples."""
        contents = {self._physical(g): list(t) for g, t in graphs.items()}
        dropped = [self._physical(g) for g in drop]
        self._write(replace=contents, drop=dropped)

    def add_triples(self, graph: GraphName, triples: Iterable[ox.Triple]) -> None:
        """Atomically add triples to a graph, creating it if needed."""
        self._write(add={self._physical(graph): list(triples)})

    def drop_graphs(self, graphs: Iterable[GraphName]) -> None:
        """Atomically remove graphs (clear, for the default graph); missing ones are ignored."""
        self._write(drop=[self._physical(g) for g in graphs])

    def _require_writer(self) -> None:
        if self._read_only:
            raise StoreUnavailableError(
                f"This service has no credentials for the SPARQL server ({SETTING}), so it "
                "cannot write. Set KETENONTOLOGIE_STORE_USER and KETENONTOLOGIE_STORE_PASSWORD "
                "in the one process that writes."
            )

    def _write(
        self,
        *,
        replace: Mapping[str, list[ox.Triple]] | None = None,
        add: Mapping[str, list[ox.Triple]] | None = None,
        drop: Sequence[str] = (),
    ) -> None:
        """One journaled write (see the module docstring for the protocol)."""
        replace = replace or {}
        add = add or {}
        with self._lock.writing():
            self._require_writer()
            known = self._registry.graphs
            changed = list(dict.fromkeys([*drop, *replace, *add]))
            plan = _Plan.make(changed, known=known)
            requests = list(plan.requests(replace=replace, add=add, drop=drop))
            self._backups = set(plan.backups.values())
            try:
                for text in requests:
                    self._client.update(text)
            except StoreError:
                self._roll_back_after_failure(plan)
                raise
            finally:
                self._backups = set()
            dropped = {g for g in drop if g not in replace and g not in add}
            self._registry.graphs = (known - dropped) | (set(replace) | set(add)) - {
                DEFAULT_GRAPH_IRI
            }

    def _roll_back_after_failure(self, plan: _Plan) -> None:
        try:
            self._client.update(plan.rollback_text())
        except StoreError as error:
            raise StoreUnavailableError(
                f"A write failed and could not be undone yet ({error}). Nothing is lost: the "
                "journal on the server still holds it, and the next start of the service rolls "
                "it back. Restart the service once the SPARQL server answers again."
            ) from None

    def repair(self) -> list[str]:
        """Roll back every write the journal holds (left by a failure); returns their ids."""
        rows = self._pages(
            f"SELECT ?w ?p ?o WHERE {{ GRAPH {_iri(JOURNAL_GRAPH)} {{ ?w ?p ?o }} }}",
            ordered_by="?w ?p ?o",
        )
        writes: dict[str, dict[str, list[str]]] = {}
        for w, p, o in rows:
            writes.setdefault(w.value, {}).setdefault(p.value, []).append(o.value)
        for write, facts in writes.items():
            plan = _Plan.from_journal(write, facts)
            self._client.update(plan.rollback_text())
        return sorted(writes)

    def close(self) -> None:
        """Close the connections to the server and stop the readers."""
        self._readers.close()
        self._client.close()


# --- the write protocol ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Plan:
    """One write: its journal entry, the graphs it changes and their backup copies."""

    write: str
    changed: tuple[str, ...]
    existed: frozenset[str]
    """Changed graphs that were in the register before (they have a backup)."""
    backups: Mapping[str, str]
    backed_up: bool = True

    @classmethod
    def make(cls, changed: Sequence[str], *, known: set[str]) -> _Plan:
        write = f"{ADMIN}schrijven/{uuid.uuid4()}"
        existed = frozenset(g for g in changed if g in known or g == DEFAULT_GRAPH_IRI)
        backups = {g: f"{BACKUP_PREFIX}{uuid.uuid4()}" for g in changed}
        return cls(write, tuple(changed), existed, backups)

    @classmethod
    def from_journal(cls, write: str, facts: Mapping[str, list[str]]) -> _Plan:
        changed = facts.get(f"{_J}graph", [])
        existed = frozenset(facts.get(f"{_J}existed", []))
        backups: dict[str, str] = {}
        for pair in facts.get(f"{_J}backup", []):
            backup, _, graph = pair.partition(" ")
            backups[graph] = backup
        backed_up = bool(facts.get(f"{_J}backedUp"))
        return cls(write, tuple(changed), existed, backups, backed_up)

    def journal_entry(self) -> list[str]:
        """The operations that record the write (a long write takes several)."""
        w = _iri(self.write)
        facts = [f'{w} <{_J}started> "{_now()}"']
        facts += [f"{w} <{_J}graph> {_literal(g)}" for g in self.changed]
        facts += [f"{w} <{_J}existed> {_literal(g)}" for g in self.existed]
        facts += [f"{w} <{_J}backup> {_literal(b + ' ' + g)}" for g, b in self.backups.items()]
        return [
            f"INSERT DATA {{ GRAPH {_iri(JOURNAL_GRAPH)} {{ {' . '.join(chunk)} }} }}"
            for chunk in _chunks(facts, TRIPLES_PER_OPERATION)
        ]

    def requests(
        self,
        *,
        replace: Mapping[str, list[ox.Triple]],
        add: Mapping[str, list[ox.Triple]],
        drop: Sequence[str],
    ) -> Iterator[str]:
        """The update requests of the write, each under :data:`MAX_REQUEST_BYTES`."""
        w = _iri(self.write)
        opening = self.journal_entry()
        opening += [
            f"COPY SILENT GRAPH {_iri(g)} TO GRAPH {_iri(self.backups[g])}" for g in self.existed
        ]
        opening.append(
            f'INSERT DATA {{ GRAPH {_iri(JOURNAL_GRAPH)} {{ {w} <{_J}backedUp> "true" }} }}'
        )
        opening += [f"DROP SILENT GRAPH {_iri(g)}" for g in [*drop, *replace]]
        new = [g for g in [*replace, *add] if g not in self.existed or g in drop]
        removed = [g for g in drop if g not in replace and g not in add]
        register = _register_text(add=set(new) - {DEFAULT_GRAPH_IRI}, remove=set(removed))
        if register:
            opening.append(register)
        inserts = [
            op
            for graph, triples in [*replace.items(), *add.items()]
            for op in _insert_operations(graph, triples)
        ]
        closing = [f"DROP SILENT GRAPH {_iri(b)}" for b in self.backups.values()]
        closing.append(f"DELETE WHERE {{ GRAPH {_iri(JOURNAL_GRAPH)} {{ {w} ?p ?o }} }}")
        yield from _batch([*opening, *inserts, *closing])

    def rollback_text(self) -> str:
        """Put every changed graph back as it was, forget the write and its copies."""
        ops: list[str] = []
        if self.backed_up:
            for graph in self.changed:
                ops.append(f"DROP SILENT GRAPH {_iri(graph)}")
                if graph in self.existed:
                    ops.append(
                        f"COPY SILENT GRAPH {_iri(self.backups[graph])} TO GRAPH {_iri(graph)}"
                    )
            register = _register_text(
                add=set(self.existed) - {DEFAULT_GRAPH_IRI},
                remove=set(self.changed) - set(self.existed),
            )
            if register:
                ops.append(register)
        ops += [f"DROP SILENT GRAPH {_iri(b)}" for b in self.backups.values()]
        ops.append(f"DELETE WHERE {{ GRAPH {_iri(JOURNAL_GRAPH)} {{ {_iri(self.write)} ?p ?o }} }}")
        return " ;\n".join(ops)


def _chunks(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _batch(operations: Sequence[str]) -> Iterator[str]:
    """Join operations into requests of at most :data:`MAX_REQUEST_BYTES` and
    :data:`OPERATIONS_PER_REQUEST` operations, in order."""
    current: list[str] = []
    size = 0
    for op in operations:
        if current and (
            size + len(op) > MAX_REQUEST_BYTES or len(current) >= OPERATIONS_PER_REQUEST
        ):
            yield " ;\n".join(current)
            current, size = [], 0
        current.append(op)
        size += len(op) + 3
    if current:
        yield " ;\n".join(current)


def _insert_operations(graph: str, triples: Sequence[ox.Triple]) -> Iterator[str]:
    """``INSERT DATA`` operations for ``triples``; blank nodes go through ``INSERT … WHERE {}``.

    Virtuoso refuses blank nodes in ``INSERT DATA``. In an ``INSERT`` template a label stands
    for one new blank node per operation, so the triples that share blank nodes (an OWL
    restriction, an RDF list) are kept in one operation.
    """
    plain = [t for t in triples if not _has_blank(t)]
    for start in range(0, len(plain), TRIPLES_PER_OPERATION):
        body = _body(plain[start : start + TRIPLES_PER_OPERATION])
        yield f"INSERT DATA {{ GRAPH {_iri(graph)} {{\n{body}\n}} }}"
    for group in _blank_groups([t for t in triples if _has_blank(t)]):
        yield f"INSERT {{ GRAPH {_iri(graph)} {{\n{_body(group)}\n}} }} WHERE {{}}"


def _body(triples: Iterable[ox.Triple]) -> str:
    return "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)


def _has_blank(triple: ox.Triple) -> bool:
    return isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode)


def _blank_groups(triples: Sequence[ox.Triple]) -> Iterator[list[ox.Triple]]:
    """Pack triples into groups of about :data:`TRIPLES_PER_OPERATION`, never splitting the
    triples that share a blank node."""
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for t in triples:
        blanks = [str(x) for x in (t.subject, t.object) if isinstance(x, ox.BlankNode)]
        for other in blanks[1:]:
            parent[root(other)] = root(blanks[0])
    components: dict[str, list[ox.Triple]] = {}
    for t in triples:
        blank = t.subject if isinstance(t.subject, ox.BlankNode) else t.object
        components.setdefault(root(str(blank)), []).append(t)
    group: list[ox.Triple] = []
    for component in components.values():
        if group and len(group) + len(component) > TRIPLES_PER_OPERATION:
            yield group
            group = []
        group += component
    if group:
        yield group


def _register_text(*, add: Iterable[str], remove: Iterable[str]) -> str:
    """An update (operations joined by ``;``) that adds and removes graphs in the register."""
    ops = []
    removed = sorted(remove)
    added = sorted(add)
    for start in range(0, len(removed), TRIPLES_PER_OPERATION):
        facts = " ".join(
            f"{_iri(g)} {_RDF_TYPE} {_SD_GRAPH} ." for g in removed[start : start + 1000]
        )
        ops.append(f"DELETE DATA {{ GRAPH {_iri(REGISTER_GRAPH)} {{ {facts} }} }}")
    for start in range(0, len(added), TRIPLES_PER_OPERATION):
        facts = " ".join(
            f"{_iri(g)} {_RDF_TYPE} {_SD_GRAPH} ." for g in added[start : start + 1000]
        )
        ops.append(f"INSERT DATA {{ GRAPH {_iri(REGISTER_GRAPH)} {{ {facts} }} }}")
    return " ;\n".join(ops)


def _literal(value: str) -> str:
    return str(ox.Literal(value))


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


# --- user updates ------------------------------------------------------------------------------


def _rewrite_update(text: str, graphs: Sequence[str]) -> tuple[str, dict[str, str], bool]:
    """Confine ``CLEAR``/``DROP`` ``ALL|NAMED|DEFAULT`` to the store; tell the graphs written.

    Returns the text to send, the graphs the update names with what it does to them
    (``drop``, ``create`` or ``write``), and whether it writes to graphs it does not name
    (``GRAPH ?g`` in a template), which makes the register scan the server afterwards.
    """
    tokens = tokenize(text)
    pieces: list[str] = []
    targets: dict[str, str] = {}
    unknown = False
    position = 0
    index = 0
    prefixes: dict[str, str] = {}
    base: str | None = None
    while index < len(tokens):
        token = tokens[index]
        word = token.keyword
        if word == "PREFIX" and index + 2 < len(tokens):
            prefixes[tokens[index + 1].text.rstrip(":")] = tokens[index + 2].text[1:-1]
            index += 3
            continue
        if word == "BASE" and index + 1 < len(tokens):
            base = tokens[index + 1].text[1:-1]
            index += 2
            continue
        if word in ("CLEAR", "DROP"):
            scope_at = index + 1
            silent = scope_at < len(tokens) and tokens[scope_at].keyword == "SILENT"
            scope_at += silent
            scope = tokens[scope_at].keyword if scope_at < len(tokens) else None
            if scope in ("ALL", "NAMED", "DEFAULT"):
                chosen = [] if scope == "DEFAULT" else list(graphs)
                if scope != "NAMED":
                    chosen.append(DEFAULT_GRAPH_IRI)
                ops = [f"{word} SILENT GRAPH {_iri(g)}" for g in chosen]
                if word == "DROP":
                    targets.update({g: "drop" for g in chosen if g != DEFAULT_GRAPH_IRI})
                pieces.append(text[position : token.start])
                pieces.append(" ;\n".join(ops) if ops else "CLEAR SILENT GRAPH " + _iri(ADMIN))
                position = tokens[scope_at].start + len(tokens[scope_at].text)
                index = scope_at + 1
                continue
            if scope == "GRAPH" and scope_at + 1 < len(tokens):
                iri = _resolve(tokens[scope_at + 1].text, prefixes, base)
                if iri and word == "DROP":
                    targets[iri] = "drop"
                if iri and not silent:
                    if iri not in graphs:
                        raise StoreError(
                            f"The update failed: {word} GRAPH <{iri}> names a graph that does not "
                            f"exist. Write {word} SILENT to ignore that, or name a stored graph."
                        )
                    # Virtuoso refuses DROP of a graph that holds triples but was never
                    # CREATEd; the graph is known to exist, so SILENT changes nothing else.
                    pieces.append(text[position : tokens[scope_at].start])
                    pieces.append("SILENT ")
                    position = tokens[scope_at].start
        elif word == "MOVE":
            at = index + 1 + (index + 1 < len(tokens) and tokens[index + 1].keyword == "SILENT")
            at += at < len(tokens) and tokens[at].keyword == "GRAPH"
            if at < len(tokens):
                iri = _resolve(tokens[at].text, prefixes, base)
                if iri:
                    targets[iri] = "drop"
        elif word == "CREATE":
            at = index + 1 + (index + 1 < len(tokens) and tokens[index + 1].keyword == "SILENT")
            if at + 1 < len(tokens):
                iri = _resolve(tokens[at + 1].text, prefixes, base)
                if iri:
                    targets.setdefault(iri, "create")
        elif word in ("GRAPH", "INTO", "TO", "WITH") and index + 1 < len(tokens):
            following = tokens[index + 1]
            iri = _resolve(following.text, prefixes, base)
            if iri:
                targets.setdefault(iri, "write")
            elif following.kind == "var":
                unknown = True
        index += 1
    pieces.append(text[position:])
    return "".join(pieces), targets, unknown


def _resolve(text: str, prefixes: Mapping[str, str], base: str | None) -> str | None:
    from urllib.parse import urljoin

    if text.startswith("<") and text.endswith(">"):
        iri = text[1:-1]
        return urljoin(base, iri) if base else iri
    prefix, colon, local = text.partition(":")
    if colon and prefix in prefixes and not text.startswith(("?", "$", '"')):
        return prefixes[prefix] + local
    return None


def _where_reads_named_graphs(update: str) -> bool:
    """True when ``GRAPH`` follows a ``WHERE`` in the update (approximately: anywhere after)."""
    seen_where = False
    for token in tokenize(update):
        seen_where = seen_where or token.keyword == "WHERE"
        if seen_where and token.keyword == "GRAPH":
            return True
    return False


_PINNED = "__ketenontologie_graph_"


def _pin_graphs(query: str) -> str:
    """Write ``GRAPH <iri> { P }`` as ``{ VALUES ?v { <iri> } GRAPH ?v { P } }``.

    Virtuoso answers ``GRAPH <iri>`` wrongly once a query leaves graphs out of its dataset
    (``define input:named-graph-exclude``): ``ASK { GRAPH <none> { ?s ?p ?o } }`` is true and
    ``SELECT * { GRAPH <g> { ?s ?p ?o } }`` is empty. A graph variable bound by ``VALUES`` is
    answered right and means the same; the variable is taken out of the results again.
    """
    tokens = tokenize(query)
    inserts: list[tuple[int, str]] = []
    replaced: list[tuple[int, int, str]] = []
    count = 0
    for index, token in enumerate(tokens[:-2]):
        target, brace = tokens[index + 1], tokens[index + 2]
        if token.keyword != "GRAPH" or target.kind not in ("iri", "pname") or brace.text != "{":
            continue
        count += 1
        variable = f"?{_PINNED}{count}"
        replaced.append(
            (
                token.start,
                target.start + len(target.text),
                f"{{ VALUES {variable} {{ {target.text} }} GRAPH {variable}",
            )
        )
        depth = 0
        for closing in tokens[index + 2 :]:
            depth += (closing.text == "{") - (closing.text == "}")
            if depth == 0:
                inserts.append((closing.start + 1, " }"))
                break
    edits = sorted(
        [(start, end, text) for start, end, text in replaced]
        + [(at, at, text) for at, text in inserts],
        reverse=True,
    )
    for start, end, text in edits:
        query = query[:start] + text + query[end:]
    return query


_STANDARD_FUNCTIONS = ("http://www.w3.org/2001/XMLSchema#",)


def _standard_function(iri: str) -> bool:
    """Whether a query on a server with functions of its own may call ``iri``: XSD casts only.

    SPARQL's own functions (``STR``, ``REGEX`` …) are no IRIs and always allowed; Virtuoso
    resolves ``bif:`` and ``sql:`` names to functions that fetch URLs or run SQL.
    """
    return iri.startswith(_STANDARD_FUNCTIONS)


class _ReadWriteLock:
    """Many readers or one writer; a waiting writer goes before new readers."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._readers = 0
        self._writing = False
        self._writers_waiting = 0

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        with self._changed:
            while self._writing or self._writers_waiting:
                self._changed.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._changed:
                self._readers -= 1
                self._changed.notify_all()

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        with self._changed:
            self._writers_waiting += 1
            while self._writing or self._readers:
                self._changed.wait()
            self._writers_waiting -= 1
            self._writing = True
        try:
            yield
        finally:
            with self._changed:
                self._writing = False
                self._changed.notify_all()
