"""The store conformance suite runs on every backend: the embedded Oxigraph and a real Virtuoso.

``virtuoso`` starts one throwaway Virtuoso for the session (see ``tests/virtuoso.py``). Where
``virtuoso-t`` is missing the Virtuoso half is skipped — except under ``CI=true``, where it
fails, so CI never passes without having run it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from ketenontologie.store import OxigraphStore
from ketenontologie.store.remote import SparqlStore
from virtuoso import (
    USER,
    Virtuoso,
    VirtuosoUnavailableError,
    find_virtuoso,
    must_have_virtuoso,
    start_virtuoso,
)

BACKENDS = ["oxigraph", "virtuoso"]


def need_virtuoso() -> None:
    """Skip (or fail under CI=true) when Virtuoso is not installed."""
    try:
        find_virtuoso()
    except VirtuosoUnavailableError as error:
        if must_have_virtuoso():
            pytest.fail(f"CI=true and Virtuoso is missing: {error}")
        pytest.skip(str(error))


def start_own_virtuoso(root: Path) -> Virtuoso:
    """A fresh Virtuoso in ``root``; a failure to start skips (fails under CI=true)."""
    try:
        return start_virtuoso(root, buffers=10_000)
    except VirtuosoUnavailableError as error:
        if must_have_virtuoso():
            pytest.fail(f"CI=true and Virtuoso does not start: {error}")
        pytest.skip(str(error))


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """One Virtuoso for the session's store tests (emptied before each, see make_store)."""
    need_virtuoso()
    server = start_own_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    yield server
    server.stop()


def wipe(server: Virtuoso) -> None:
    """Remove every graph a store test may have left (the server's own graphs stay)."""
    server.sql(
        "DELETE FROM DB.DBA.RDF_QUAD WHERE id_to_iri(G) LIKE 'https://w3id.org/ketenontologie/%'"
        " OR id_to_iri(G) LIKE 'https://example.org/%';"
    )


def open_sparql_store(server: Virtuoso, **options: object) -> SparqlStore:
    return SparqlStore(server.store_url, user=USER, password=server.password, **options)  # type: ignore[arg-type]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def make_store(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[object]:
    """A function that opens a new, empty store of the backend (again on the same data)."""
    opened: list[OxigraphStore | SparqlStore] = []
    server: Virtuoso | None = None
    if backend == "virtuoso":
        server = request.getfixturevalue("virtuoso")
        wipe(server)

    def make(*, reopen: bool = False, **options: object) -> OxigraphStore | SparqlStore:
        """A store on the backend; ``reopen`` closes and forgets the earlier ones first."""
        if reopen:
            while opened:
                opened.pop().close()
            gc.collect()  # Oxigraph lets go of its lock file when the store is collected
        store: OxigraphStore | SparqlStore
        if server is not None:
            store = open_sparql_store(server, **options)
        else:
            store = OxigraphStore(tmp_path / "data", workers=1, **options)  # type: ignore[arg-type]
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()
