"""Shared fixtures: the small RDF files in tests/fixtures/, a network guard, and a watch on
the service's fast path that fails any test during which it logged a fault."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph

from ketenontologie import load_graph

SUMMARY = Path(__file__).resolve().parent / "fixtures" / "summary"


@pytest.fixture(scope="session")
def summary_graph() -> Graph:
    """The fixture chains with the few ontology axioms the summary needs, loaded once."""
    return load_graph([SUMMARY / "terms.ttl", SUMMARY / "chains.ttl"])


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Fail any attempt to open a network connection from Python; returns the attempts made."""
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


class FastPathFaults(logging.Handler):
    """Collects what the fast path logs at ERROR (its faults, with their tracebacks)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def report(self) -> str:
        return "\n".join(self.format(record) for record in self.records)


@pytest.fixture(autouse=True)
def fast_path_faults() -> Iterator[FastPathFaults]:
    """Fail the test when the service's fast path logged a fault during it, in this process.

    The fast path answers a fault through the route, so the client gets the same answer: only
    the log tells. A test that provokes faults on purpose takes this fixture, checks
    ``records`` and clears them.
    """
    handler = FastPathFaults()
    logger = logging.getLogger("ketenontologie.api.fastpath")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
    if handler.records:
        pytest.fail(f"the fast path logged a fault:\n{handler.report()}", pytrace=False)
