"""Shared fixtures: paths to the small RDF files in tests/fixtures/ and a network guard."""

from __future__ import annotations

import socket
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
