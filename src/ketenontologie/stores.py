"""Choosing the store: the one place that knows which backends exist.

``KETENONTOLOGIE_STORE`` (or ``--store``) is ``oxigraph`` (the default: the embedded store in the
data directory) or the URL of a SPARQL 1.1 server, ``sparql+http://host:port/sparql`` (or
``sparql+https://``); the account for writes comes from ``KETENONTOLOGIE_STORE_USER`` and
``KETENONTOLOGIE_STORE_PASSWORD``. See ``docs/deploy.md``.

>>> from types import SimpleNamespace
>>> settings = SimpleNamespace(store="redis://x", data_dir=".", query_workers=1, query_timeout=1)
>>> open_store(settings)
Traceback (most recent call last):
...
ketenontologie.sparql_http.StoreSettingError: KETENONTOLOGIE_STORE='redis://x' is not a store...
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from ketenontologie.store import GraphStore

__all__ = ["OpenedStore", "StoreSettings", "open_store"]


class OpenedStore(GraphStore, Protocol):
    """A store as :func:`open_store` gives it: it can also tell whether it is empty."""

    def is_empty(self) -> bool:
        """True when the store holds no quad and no named graph (a first start)."""
        ...


class StoreSettings(Protocol):
    """What :func:`open_store` reads (``ketenontologie.api.settings.Settings`` has it all)."""

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
    from ketenontologie.sparql_http import Endpoints

    url = (getattr(settings, "store", None) or "oxigraph").strip()
    if url == "oxigraph":
        from ketenontologie.store import OxigraphStore

        return OxigraphStore(
            settings.data_dir,
            workers=settings.query_workers,
            default_timeout=settings.query_timeout,
        )
    Endpoints.parse(url)  # a clear error for anything else before importing more
    from ketenontologie.store_sparql import SparqlStore

    return SparqlStore(
        url,
        user=getattr(settings, "store_user", None) or None,
        password=getattr(settings, "store_password", None) or None,
        default_timeout=settings.query_timeout,
    )
