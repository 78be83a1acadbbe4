"""The triple store: one small interface, an embedded Oxigraph behind it, graphs per source.

Everything the project stores goes through :class:`GraphStore`; nothing else talks to a
pyoxigraph or rdflib store. :class:`OxigraphStore` keeps an on-disk Oxigraph store in a data
directory; a later backend can put any SPARQL 1.1 server behind the same interface.

Graphs (see ``docs/service.md``): one named graph per source — the ontology, the concept
scheme, each shapes file, each design — and inferred triples in graphs of their own. The default
graph of a query is the union of all graphs; with ``inference=False`` it is the union of the
asserted graphs only.

Atomicity: every write is one Oxigraph transaction (a SPARQL update or ``extend``), which
RocksDB commits as one write batch in its write-ahead log: after a crash, also ``kill -9``, a
write is there whole or not at all. A design and its inferred triples are written in one such
transaction (:func:`put_design`).

Time limits: queries run in worker processes on a read-only snapshot of the store (a RocksDB
checkpoint made after each write, cheap because it hard-links the files). A query that runs past
its time limit is stopped by killing its worker; the store itself is never touched by a query.
The one exception is :meth:`OxigraphStore.lookup`: a query whose work the row limit bounds (one
triple pattern on an anchor with at most row-limit quads) runs in this process, which saves the
round trip to a worker.

>>> from ketenontologie.store import OxigraphStore, put_design
>>> store = OxigraphStore("/tmp/ketenontologie-data")  # doctest: +SKIP
>>> put_design(store, "loonaangifteketen", asserted=triples, inferred=inferred)  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import enum
import itertools
import json
import multiprocessing
import multiprocessing.connection
import queue
import re
import shutil
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeAlias

import pyoxigraph as ox

from ketenontologie.errors import KetenontologieError
from ketenontologie.namespaces import BASE
from ketenontologie.sparql import (
    RDF_FORMATS,
    ResultFormat,
    ResultKind,
    SparqlSyntaxError,
    inspect_query,
    inspect_update,
    write_boolean,
    write_solutions,
)

if TYPE_CHECKING:
    from ketenontologie.reasoning import Reasoner as ProjectReasoner

__all__ = [
    "DEFAULT_GRAPH",
    "GRAPH",
    "INFERRED_GRAPH",
    "ONTOLOGY_GRAPH",
    "SCHEME_GRAPH",
    "DefaultGraph",
    "GraphName",
    "GraphStore",
    "InferFunction",
    "OxigraphStore",
    "QueryDataset",
    "QueryResult",
    "QueryTimeoutError",
    "StoreError",
    "UnknownGraphError",
    "design_graph",
    "design_ids",
    "inferred_graph",
    "is_inferred",
    "load_project",
    "parse_triples",
    "put_design",
    "reasoner_inference",
    "remove_design",
    "run_query",
    "shapes_graph",
]

# --- graph names --------------------------------------------------------------------------------

GRAPH = f"{BASE}/graph/"
ONTOLOGY_GRAPH = f"{GRAPH}ontologie"
SCHEME_GRAPH = f"{GRAPH}begrippenkader"
INFERRED_GRAPH = f"{GRAPH}afgeleid"
"""Inferred triples of the ontology and concept scheme on their own (their OWL 2 RL closure)."""


def design_graph(design_id: str) -> str:
    """The graph of a design's asserted triples: ``…/graph/ontwerp/{id}``."""
    return f"{GRAPH}ontwerp/{design_id}"


def inferred_graph(design_id: str) -> str:
    """The graph of the triples inferred from one design: ``…/graph/afgeleid/{id}``."""
    return f"{INFERRED_GRAPH}/{design_id}"


def shapes_graph(family: str) -> str:
    """The graph of one shapes file: ``…/graph/shapes/{family}``."""
    return f"{GRAPH}shapes/{family}"


def is_inferred(graph: str) -> bool:
    """True for graphs that hold inferred triples (left out when inference is off)."""
    return graph == INFERRED_GRAPH or graph.startswith(INFERRED_GRAPH + "/")


class DefaultGraph(enum.Enum):
    """The store's unnamed default graph (the Graph Store Protocol's ``?default``)."""

    DEFAULT = "default"


DEFAULT_GRAPH = DefaultGraph.DEFAULT
GraphName: TypeAlias = str | DefaultGraph


# --- errors -------------------------------------------------------------------------------------


class StoreError(KetenontologieError):
    """The store cannot do what was asked (it is unavailable, or the request is impossible)."""

    code = "store"


class UnknownGraphError(StoreError):
    """A graph was named that the store does not hold."""

    code = "unknown-graph"

    def __init__(self, graph: str, *, hint: str | None = None) -> None:
        self.graph = graph
        super().__init__(
            f"<{graph}> is not a graph in this store (deze graaf bestaat niet). "
            + (
                hint
                or "Nothing is ever fetched from the web: name a stored graph. "
                "GET /graphs lists them."
            )
        )


class QueryTimeoutError(StoreError):
    """A query ran past its time limit and was stopped."""

    code = "query-timeout"

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(
            f"The query did not finish within {seconds:g} s and was stopped (de query duurde te "
            "lang). Make it more selective (fewer unbound variables, a LIMIT, filters early), "
            "or ask the administrator for a longer time limit."
        )


# --- interface ----------------------------------------------------------------------------------


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


# --- policy, for any backend --------------------------------------------------------------------


def run_query(
    store: GraphStore,
    query: str,
    *,
    choose_format: Callable[[ResultKind], ResultFormat],
    inference: bool = True,
    dataset: QueryDataset | None = None,
    base_iri: str | None = None,
    timeout: float | None = None,
    row_limit: int | None = None,
) -> QueryResult:
    """Run a query under the service's rules: nothing outbound, only stored graphs.

    ``SERVICE`` is refused; graphs named by ``FROM``/``FROM NAMED`` or by ``dataset`` must be
    stored. ``choose_format`` picks the serialisation once the kind of result is known.
    """
    info = inspect_query(query, base_iri=base_iri)
    if dataset is not None:
        named: Sequence[GraphName] = (*dataset.default_graphs, *dataset.named_graphs)
    else:
        named = (*info.default_graphs, *info.named_graphs)
    if named:
        stored = set(store.graphs())
        for graph in named:
            if isinstance(graph, str) and graph not in stored:
                raise UnknownGraphError(graph)
    return store.query(
        query,
        format=choose_format(info.kind),
        inference=inference,
        dataset=dataset,
        base_iri=base_iri,
        timeout=timeout,
        row_limit=row_limit,
    )


def put_design(
    store: GraphStore,
    design_id: str,
    *,
    asserted: Iterable[ox.Triple],
    inferred: Iterable[ox.Triple],
) -> None:
    """Store a design with its inferred triples in one transaction, replacing an older version."""
    store.replace_graphs({design_graph(design_id): asserted, inferred_graph(design_id): inferred})


def remove_design(store: GraphStore, design_id: str) -> bool:
    """Remove a design and its inferred triples in one transaction; False if it was not there."""
    if not store.has_graph(design_graph(design_id)):
        return False
    store.drop_graphs([design_graph(design_id), inferred_graph(design_id)])
    return True


def design_ids(store: GraphStore) -> list[str]:
    """The ids of the stored designs, sorted."""
    prefix = design_graph("")
    return sorted(g[len(prefix) :] for g in store.graphs() if g.startswith(prefix))


# --- reading uploads ---------------------------------------------------------------------------

UPLOAD_FORMATS: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
"""Media types of RDF bodies the service reads (one graph each)."""


def parse_triples(data: bytes, *, media_type: str, base_iri: str) -> list[ox.Triple]:
    """Parse an uploaded RDF document into triples; nothing in it is ever fetched.

    RDF/XML with a ``DOCTYPE`` (entity declarations, external entities) is refused outright;
    JSON-LD that refers to a remote ``@context`` is refused (the parser has no loader).
    """
    from ketenontologie.errors import RDFSyntaxError, RemoteContextError, UnknownFormatError

    rdf_format = UPLOAD_FORMATS.get(media_type.split(";")[0].strip().lower())
    if rdf_format is None:
        raise UnknownFormatError(
            "request body",
            problem=f"the media type {media_type or '(none)'!r} is not an RDF format read here",
            hint=f"Send it as one of: {', '.join(UPLOAD_FORMATS)}",
        )
    if rdf_format == ox.RdfFormat.RDF_XML and (b"<!doctype" in data.lower()):
        raise RDFSyntaxError(
            "request body",
            line=None,
            column=None,
            problem="RDF/XML with a DOCTYPE is refused: entity declarations can reach outside "
            "or blow up",
            hint="Remove the DOCTYPE and write the entities out",
        )
    try:
        quads = ox.parse(data, format=rdf_format, base_iri=base_iri, rename_blank_nodes=True)
        return [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
    except SyntaxError as error:
        problem = error.msg or str(error)
        if "LoadDocumentCallback" in problem or "remote context" in problem.lower():
            raise RemoteContextError("request body", context=None) from None
        raise RDFSyntaxError(
            "request body", line=error.lineno, column=error.offset, problem=problem
        ) from None


# --- first start -------------------------------------------------------------------------------

InferFunction: TypeAlias = Callable[[Sequence[ox.Triple] | None], list[ox.Triple]]
"""``infer(design)``: the triples OWL 2 RL infers from a design with the ontology and concept
scheme, beyond their own closure and the design itself; ``infer(None)``: that closure's own
inferred triples."""


def load_project(store: GraphStore, *, infer: InferFunction | None = None) -> list[str]:
    """Load the ontology, concept scheme, shapes and example designs in one transaction.

    Each source goes into its own graph (see the module docstring); the inferred triples of the
    ontology and of each design into theirs. Returns the names of the graphs written.
    ``infer`` defaults to :class:`ketenontologie.reasoning.Reasoner` on the project's ontology.
    """
    from ketenontologie.resources import design_files, ontology_files, shape_files

    infer = infer or reasoner_inference()
    graphs: dict[GraphName, list[ox.Triple]] = {}
    for path in ontology_files():
        name = ONTOLOGY_GRAPH if path.stem == "ketenontologie" else f"{GRAPH}{path.stem}"
        graphs[name] = _triples(path)
    graphs[INFERRED_GRAPH] = infer(None)
    for path in shape_files():
        graphs[shapes_graph(path.stem)] = _triples(path)
    for path in design_files():
        triples = _triples(path)
        graphs[design_graph(path.stem)] = triples
        graphs[inferred_graph(path.stem)] = infer(triples)
    store.replace_graphs(graphs)
    return [str(name) for name in graphs]


def _triples(path: Path) -> list[ox.Triple]:
    from ketenontologie.loading import parse_quads

    return [ox.Triple(q.subject, q.predicate, q.object) for q in parse_quads(path)]


def reasoner_inference(*, reasoner: ProjectReasoner | None = None) -> InferFunction:
    """Inference with ``reasoner`` (default: the project's, compiled once per process).

    Inferred triples with blank nodes are left out: they concern the ontology's own structure,
    and a blank node cannot be shared between graphs stored apart.
    """
    from rdflib import Graph

    from ketenontologie.reasoning import Reasoner

    reasoner = reasoner or Reasoner.from_ontology()

    def to_ox(graph: Graph) -> list[ox.Triple]:
        data = graph.serialize(format="nt", encoding="utf-8")
        return [
            ox.Triple(q.subject, q.predicate, q.object)
            for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)
            if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)
        ]

    def infer(design: Sequence[ox.Triple] | None) -> list[ox.Triple]:
        if design is None:
            return to_ox(reasoner.ontology_inferred())
        data = ox.serialize(list(design), format=ox.RdfFormat.N_TRIPLES) or b""
        graph = Graph().parse(data=data.decode("utf-8"), format="nt")
        inferred = reasoner.infer(graph)
        inferred.raise_for_inconsistency()
        return to_ox(inferred.graph())

    return infer


# --- Oxigraph -----------------------------------------------------------------------------------


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


_ROW_START = re.compile(rb'[\[,]\{"[^},]')


def json_rows(body: bytes) -> int:
    """The number of rows in SPARQL JSON results as Oxigraph writes them (compact).

    A row is an object in the ``bindings`` array, so it starts with ``[{"`` or ``,{"`` followed
    by a variable name. Inside a string a quote is escaped, so these bytes occur unescaped only
    where a string *ends* in ``[{`` or ``,{`` — and then a ``,`` or ``}`` follows, never a
    variable name. Rows without any binding (``{}``) are not told apart from string content
    this way; when the body holds ``{}`` anywhere, the rows are counted by parsing it.

    >>> row = b'{"o":{"type":"literal","value":"a,{"}}'
    >>> json_rows(b'{"head":{"vars":["o"]},"results":{"bindings":[' + row + b"," + row + b"]}}")
    2
    """
    if b"{}" in body:
        return len(json.loads(body)["results"]["bindings"])
    return len(_ROW_START.findall(body))


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
        self._pool = _WorkerPool(size=workers)
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


# --- query workers ------------------------------------------------------------------------------


class _WorkerPool:
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
    from ketenontologie.sparql import format_by_name

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
