"""The triple store: one interface, two kinds of store behind it, graphs per source.

Everything the project stores goes through :class:`GraphStore`
(:mod:`ketenontologie.store.protocol`). :func:`open_store` opens the embedded Oxigraph store
(:mod:`ketenontologie.store.oxigraph`, queries in killable workers:
:mod:`ketenontologie.store.workers`) or an existing SPARQL 1.1 server
(:mod:`ketenontologie.store.remote`, spoken to by :mod:`ketenontologie.store.remote_http`).

Graphs (see ``docs/service.md`` and :mod:`ketenontologie.namespaces`): one named graph per source
— the ontology, the concept scheme, each shapes file, each design — and inferred triples in graphs
of their own. The default graph of a query is the union of all graphs; with ``inference=False``
it is the union of the asserted graphs only.

Atomicity: every write is one transaction: after a crash, also ``kill -9``, a write is there whole
or not at all. A design and its inferred triples are written in one such transaction
(:mod:`ketenontologie.designs`).

``KETENONTOLOGIE_STORE`` (or ``--store``) is ``oxigraph`` (the default: the embedded store in the
data directory) or the URL of a SPARQL 1.1 server, ``sparql+http://host:port/sparql`` (or
``sparql+https://``); the account for writes comes from ``KETENONTOLOGIE_STORE_USER`` and
``KETENONTOLOGIE_STORE_PASSWORD``. See ``docs/deploy.md``.

>>> from types import SimpleNamespace
>>> settings = SimpleNamespace(
...     store="redis://x", data_dir=".", query_workers=1, query_timeout=1, query_memory_mb=512
... )
>>> open_store(settings)
Traceback (most recent call last):
...
ketenontologie.errors.StoreSettingError: KETENONTOLOGIE_STORE='redis://x' is not a store...
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from ketenontologie.namespaces import design_graph
from ketenontologie.sparql.results import ResultFormat
from ketenontologie.sparql.text import (
    ResultKind,
    add_using,
    check_bounds,
    check_prefixes,
    inspect_query,
)
from ketenontologie.store.oxigraph import OxigraphStore
from ketenontologie.store.protocol import (
    DEFAULT_GRAPH,
    DefaultGraph,
    GraphName,
    GraphStore,
    OpenedStore,
    QueryDataset,
    QueryResult,
)
from ketenontologie.store.remote import SparqlStore
from ketenontologie.store.remote_http import Endpoints

__all__ = [
    "DEFAULT_GRAPH",
    "DefaultGraph",
    "GraphName",
    "GraphStore",
    "OpenedStore",
    "OxigraphStore",
    "QueryDataset",
    "QueryResult",
    "SparqlStore",
    "StoreSettings",
    "design_ids",
    "open_store",
    "run_query",
    "run_update",
]

DEFAULT_MAX_QUERY_BYTES = 100_000
"""The longest query or update text the service reads (``KETENONTOLOGIE_MAX_QUERY_BYTES``)."""


class StoreSettings(Protocol):
    """What :func:`open_store` reads (:class:`ketenontologie.config.Settings` has it all)."""

    @property
    def data_dir(self) -> Path | str: ...

    @property
    def query_workers(self) -> int: ...

    @property
    def query_timeout(self) -> float: ...


def open_store(settings: StoreSettings) -> OpenedStore:
    """Open the store the settings name: the embedded Oxigraph or a SPARQL server.

    ``store`` (default ``oxigraph``), ``store_user`` and ``store_password`` are read from the
    settings when they have them.
    """
    url = (getattr(settings, "store", None) or "oxigraph").strip()
    if url == "oxigraph":
        return OxigraphStore(
            settings.data_dir,
            workers=settings.query_workers,
            default_timeout=settings.query_timeout,
            memory_bytes=_memory(settings),
        )
    Endpoints.parse(url)  # a clear error for anything else
    return SparqlStore(
        url,
        user=getattr(settings, "store_user", None) or None,
        password=getattr(settings, "store_password", None) or None,
        default_timeout=settings.query_timeout,
        memory_bytes=_memory(settings),
    )


def _memory(settings: StoreSettings) -> int | None:
    """The memory a worker may use, in bytes (settings without a bound give none)."""
    megabytes = getattr(settings, "query_memory_mb", None)
    return None if megabytes is None else int(megabytes) * 1024 * 1024


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
    max_query_bytes: int = DEFAULT_MAX_QUERY_BYTES,
    max_bytes: int | None = None,
    checked: bool = False,
    client: str | None = None,
) -> QueryResult:
    """Run a query under the service's rules: bounded text, nothing outbound, stored graphs.

    The text's size and nesting are bounded before any parser sees it; the store then checks
    the parsed query (``SERVICE`` refused, graphs named by ``FROM``/``FROM NAMED`` or by
    ``dataset`` must be stored) and runs it under the time limit. ``choose_format`` picks the
    serialisation once the kind of result is known.
    """
    check_bounds(query, max_bytes=max_query_bytes)
    info = inspect_query(query, base_iri=base_iri)
    return store.query(
        query,
        format=choose_format(info.kind),
        inference=inference,
        dataset=dataset,
        base_iri=base_iri,
        timeout=timeout,
        row_limit=row_limit,
        max_bytes=max_bytes,
        checked=checked,
        client=client,
    )


def run_update(
    store: GraphStore,
    update: str,
    *,
    base_iri: str | None = None,
    using: Sequence[str] = (),
    using_named: Sequence[str] = (),
    max_query_bytes: int = DEFAULT_MAX_QUERY_BYTES,
    client: str | None = None,
) -> None:
    """Run an update under the service's rules (see :meth:`GraphStore.update`).

    ``using``/``using_named`` are the protocol's using-graph-uri and using-named-graph-uri
    parameters; they become ``USING`` clauses of the operations that read.
    """
    tokens = check_bounds(update, max_bytes=max_query_bytes, what="The update")
    check_prefixes(update, tokens, what="update")
    text = add_using(update, using=using, using_named=using_named)
    store.update(text, base_iri=base_iri, parameters=[*using, *using_named], client=client)


def design_ids(store: GraphStore) -> list[str]:
    """The ids of the stored designs, sorted."""
    prefix = design_graph("")
    return sorted(g[len(prefix) :] for g in store.graphs() if g.startswith(prefix))
