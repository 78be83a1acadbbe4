"""Regression (issue 16): a request whose body stopped arriving held its connection open with no
time limit (2,000 such connections were held for 45 s)."""

from __future__ import annotations

import socket
import threading
import time

from conftest import BODY_TIMEOUT, TOKEN, Server

MARGIN = 3.0
"""Seconds past the body time limit within which a stalled request must be let go."""
STALLED = 40


def stall(port: int, method: str, path: str, media_type: str) -> socket.socket:
    """Open a request that announces 100 bytes of body, send six, and stop."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=BODY_TIMEOUT + MARGIN + 5)
    sock.sendall(
        f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {media_type}\r\n"
        f"Authorization: Bearer {TOKEN}\r\nContent-Length: 100\r\n\r\nSELECT".encode()
    )
    return sock


ROUTES = [
    ("POST", "/sparql", "application/sparql-query"),
    ("POST", "/sparql", "application/x-www-form-urlencoded"),
    ("POST", "/sparql/update", "application/sparql-update"),
    ("POST", "/validate", "text/turtle"),
    ("PUT", "/designs/traag", "text/turtle"),
    ("PUT", "/graphs?graph=https://example.org/traag", "text/turtle"),
]


def outcome(sock: socket.socket, started: float) -> tuple[bytes, float | None, float | None]:
    """What the service sent, when its first byte came and when it closed the connection
    (seconds since ``started``; None when it did not within the socket's timeout)."""
    received = b""
    answered = closed = None
    try:
        while chunk := sock.recv(65536):
            answered = answered or time.monotonic() - started
            received += chunk
        closed = time.monotonic() - started
    except ConnectionResetError:
        closed = time.monotonic() - started
    except TimeoutError:
        pass
    finally:
        sock.close()
    return received, answered, closed


def stall_many(server: Server) -> list[tuple[bytes, float | None, float | None]]:
    """Hold :data:`STALLED` stalled requests on every body route; check that a normal request
    is answered meanwhile; return each stalled request's outcome."""
    started = time.monotonic()
    held = [stall(server.port, *ROUTES[i % len(ROUTES)]) for i in range(STALLED)]
    outcomes: list[tuple[bytes, float | None, float | None]] = [(b"", None, None)] * len(held)

    def watch(number: int) -> None:
        outcomes[number] = outcome(held[number], started)

    watchers = [threading.Thread(target=watch, args=(n,)) for n in range(len(held))]
    for watcher in watchers:
        watcher.start()
    with server.client("127.0.0.3") as client:
        answer = client.get("/sparql", params={"query": "ASK {}"})
        assert answer.status_code == 200, answer.text
        assert client.get("/queries").status_code == 200
    for watcher in watchers:
        watcher.join()
    return outcomes


def test_stalled_request_bodies_get_408_in_time_and_others_are_answered(attacked: Server) -> None:
    """Dozens of bodies that stop arriving: each 408 (or closed) near the limit; others answered."""
    for received, answered, closed in stall_many(attacked):
        first = answered if answered is not None else closed
        assert first is not None and first < BODY_TIMEOUT + MARGIN, (first, received[:100])
        assert received == b"" or received.startswith(b"HTTP/1.1 408 "), received[:200]
    attacked.answers()


def test_a_stalled_request_is_closed_with_its_408(attacked: Server) -> None:
    """After its 408 a stalled request's connection is closed, as the answer says, not held on."""
    outcomes = stall_many(attacked)
    late = [round(closed, 1) if closed else None for _, _, closed in outcomes]
    assert all(closed is not None and closed < BODY_TIMEOUT + MARGIN for closed in late), (
        f"connections closed after (s): {late}"
    )
    attacked.answers()
