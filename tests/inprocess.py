"""The service in the test process: the FastAPI application, its lifespan run once, no socket.

:func:`serve_in_process` builds the application as ``ketenontologie serve`` does (the same
``KETENONTOLOGIE_*`` settings), runs its lifespan (store, catalogue, query workers) once on an
event loop in a thread of its own, and hands out ordinary synchronous ``httpx.Client``\\ s whose
requests go straight to the application on that loop. Each client is new (no cookies shared
between tests); the application and its store are shared.

An exception that escapes the application is raised in the test (``raise_app_exceptions``),
where a real uvicorn would only answer 500: in-process tests see strictly more.

Usage::

    with serve_in_process(tmp_path / "data", env={"KETENONTOLOGIE_UPDATE_TOKEN": "t"}) as service:
        with service.client() as client:
            assert client.get("/queries").status_code == 200
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import anyio.from_thread
import httpx
from fastapi import FastAPI

from ketenontologie.api import create_app
from ketenontologie.config import ENV_PREFIX, Settings

__all__ = ["Service", "serve_in_process", "settings_for"]

URL = "http://testserver"


class PortalTransport(httpx.BaseTransport):
    """A synchronous transport that runs each request through ``httpx.ASGITransport`` on the
    event loop of ``portal`` (where the application's lifespan runs)."""

    def __init__(
        self,
        app: FastAPI,
        portal: anyio.from_thread.BlockingPortal,
        *,
        raise_app_exceptions: bool = True,
    ) -> None:
        self._asgi = httpx.ASGITransport(app=app, raise_app_exceptions=raise_app_exceptions)
        self._portal = portal

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()  # a streamed (chunked) body becomes one the event loop can read
        status, headers, body = self._portal.call(self._handle, request)
        return httpx.Response(status, headers=headers, stream=httpx.ByteStream(body))

    async def _handle(self, request: httpx.Request) -> tuple[int, httpx.Headers, bytes]:
        response = await self._asgi.handle_async_request(request)
        assert isinstance(response.stream, httpx.AsyncByteStream)
        body = b"".join([part async for part in response.stream])
        return response.status_code, response.headers, body


@dataclass
class Service:
    """The application running in this process; ``client()`` makes a client of it."""

    app: FastAPI
    data_dir: Path
    portal: anyio.from_thread.BlockingPortal
    url: str = URL

    def client(self, *, raise_app_exceptions: bool = True, **options: object) -> httpx.Client:
        """A new client of the application. With ``raise_app_exceptions=False`` an exception
        that escapes the application is answered 500, as a real server answers it."""
        transport = PortalTransport(
            self.app, self.portal, raise_app_exceptions=raise_app_exceptions
        )
        return httpx.Client(
            base_url=self.url,
            transport=transport,
            timeout=30,
            **options,  # type: ignore[arg-type]
        )


def settings_for(data_dir: Path, env: Mapping[str, str] | None = None) -> Settings:
    """The settings ``ketenontologie serve --data-dir data_dir`` gets in environment ``env``.

    Only ``env`` counts: ``KETENONTOLOGIE_*`` variables of the test process are left out, as
    :func:`api.conftest.start_server` leaves them out of the service's environment.
    """
    clean = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIX)}
    with mock.patch.dict(os.environ, {**clean, **(env or {})}, clear=True):
        return Settings(data_dir=data_dir)


@contextmanager
def serve_in_process(data_dir: Path, *, env: Mapping[str, str] | None = None) -> Iterator[Service]:
    """The service on ``data_dir`` with the settings in ``env``, started and, at the end,
    stopped (store closed, workers ended) in this process."""
    app = create_app(settings_for(data_dir, env))
    try:
        with (
            anyio.from_thread.start_blocking_portal() as portal,
            portal.wrap_async_context_manager(app.router.lifespan_context(app)),
        ):
            yield Service(app, data_dir, portal)
    finally:
        # The store is closed; let it go, so that a restart on the same data directory can
        # open it (Oxigraph lets go of its lock file when the store is collected).
        for name in ("store", "catalogue"):
            with contextlib.suppress(AttributeError):
                delattr(app.state, name)
        gc.collect()
