"""ASGI middleware: a request body bounded in size (counted on the stream, not taken from
``Content-Length``) and in time (a client that stops sending is answered 408 and let go); and
``HEAD`` answered on every route that answers ``GET``."""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ketenontologie.api.errors import error_response
from ketenontologie.errors import PayloadTooLargeError, RequestTimeoutError

__all__ = ["BodyLimitMiddleware", "HeadMiddleware"]


class HeadMiddleware:
    """Answer ``HEAD`` as the application answers ``GET``, without the body (RFC 9110, 9.3.2).

    The request goes on as ``GET``, so every route that answers ``GET`` answers ``HEAD`` with
    the same status and headers (``Content-Length`` included: it is the length ``GET`` would
    send); the body is dropped here. Link checkers and uptime probes ask with ``HEAD``.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return
        done = False

        async def without_body(message: Message) -> None:
            nonlocal done
            if message["type"] != "http.response.body":
                await send(message)
            elif not done and not message.get("more_body", False):
                done = True
                await send({"type": "http.response.body", "body": b"", "more_body": False})

        await self.app({**scope, "method": "GET"}, receive, without_body)


class BodyLimitMiddleware:
    """Answer 413 once a request body grows past ``max_bytes``, however it is sent, and 408
    when no part of it arrives for ``timeout`` seconds."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, timeout: float = 30.0) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > self.max_bytes:
                await error_response(PayloadTooLargeError(self._too_large()))(scope, receive, send)
                return
        received = 0
        started = False

        async def bounded_receive() -> Message:
            nonlocal received
            try:
                message = await asyncio.wait_for(receive(), self.timeout)
            except TimeoutError:
                raise RequestTimeoutError(
                    f"No part of the request body arrived for {self.timeout:g} s (te traag), so "
                    "the connection is closed. Send the whole body at once and try again."
                ) from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise PayloadTooLargeError(self._too_large())
            return message

        async def watching_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, bounded_receive, watching_send)
        except (PayloadTooLargeError, RequestTimeoutError) as error:
            if not started:
                await error_response(error)(scope, receive, send)

    def _too_large(self) -> str:
        return (
            f"The request body is larger than {self.max_bytes} bytes (te groot). Send less, "
            "or ask the administrator to raise KETENONTOLOGIE_MAX_BODY_BYTES."
        )
