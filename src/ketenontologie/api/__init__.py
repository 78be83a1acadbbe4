"""The HTTP service: SPARQL 1.1 Protocol, Graph Store Protocol and named queries on FastAPI.

Handlers are thin: they read the request, call :mod:`ketenontologie.store` and
:mod:`ketenontologie.queries`, and write the answer. Errors become
``{"error": CODE, "message": ...}`` in :mod:`ketenontologie.api.errors`. FastAPI is imported
only when an application is made, so the command line works without it.

>>> from ketenontologie.api import Settings, create_app
>>> app = create_app(Settings(data_dir="/tmp/ketenontologie-doc"))  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ketenontologie.config import Settings

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["Settings", "create_app", "serve"]


def create_app(settings: Settings) -> FastAPI:
    """The FastAPI application for ``settings``; the store opens when it starts."""
    from ketenontologie.api.app import create_app as create

    return create(settings)


def serve(settings: Settings) -> None:
    """Run the service on uvicorn until it is stopped (Ctrl-C or SIGTERM)."""
    import uvicorn

    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level="info",
        proxy_headers=False,
    )
