"""ASGI middleware: a request body limit counted on the stream, not taken from Content-Length."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ketenontologie.errors import PayloadTooLargeError

__all__ = ["BodyLimitMiddleware"]


class BodyLimitMiddleware:
    """Answer 413 once a request body grows past ``max_bytes``, however it is sent."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > self.max_bytes:
                await self._refuse(send)
                return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise PayloadTooLargeError(self._message())
            return message

        async def watching_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except PayloadTooLargeError:
            if not started:
                await self._refuse(send)

    def _message(self) -> str:
        return (
            f"The request body is larger than {self.max_bytes} bytes (te groot). Send less, "
            "or ask the administrator to raise KETENONTOLOGIE_MAX_BODY_BYTES."
        )

    async def _refuse(self, send: Send) -> None:
        body = json.dumps({"error": PayloadTooLargeError.code, "message": self._message()})
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body.encode()})
