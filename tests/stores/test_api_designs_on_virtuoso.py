"""The service's design tests (``tests/api/test_api_designs.py``) once more, on Virtuoso.

The tests are imported from that module unchanged; only the ``service`` fixture differs: the
service keeps its store in a throwaway Virtuoso (``KETENONTOLOGIE_STORE``) instead of its data
directory. The restart test starts services of its own, so it has a Virtuoso variant here: a
second service on the same Virtuoso rebuilds the reasoning state from it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api import test_api_designs as designs
from api.conftest import TOKEN, Server, listener, readonly_server, start_server
from api.test_api_designs import *  # noqa: F403 - the same tests, collected here again
from virtuoso import Virtuoso

from .conftest import need_virtuoso, start_own_virtuoso

__all__ = ["listener", "readonly_server"]  # fixtures used by the imported tests

del test_a_restart_rebuilds_the_reasoning_state  # noqa: F821 - replaced below


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    need_virtuoso()
    server = start_own_virtuoso(tmp_path_factory.mktemp("virtuoso-designs"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory, database: Virtuoso) -> Iterator[Server]:
    """The service with the project's data in Virtuoso (these tests add and remove designs)."""
    running = start_server(
        tmp_path_factory.mktemp("designs") / "data",
        env={
            **database.env(),
            "KETENONTOLOGIE_UPDATE_TOKEN": TOKEN,
            "KETENONTOLOGIE_MAX_BODY_BYTES": "1000000",
        },
    )
    yield running
    running.stop()


@pytest.fixture
def client(service: Server) -> Iterator[httpx.Client]:
    with service.client() as client:
        yield client


def test_a_restart_on_the_same_server_rebuilds_the_reasoning_state(tmp_path: Path) -> None:
    need_virtuoso()
    database = start_own_virtuoso(tmp_path / "virtuoso")
    env = {**database.env(), "KETENONTOLOGIE_UPDATE_TOKEN": TOKEN}
    try:
        first = start_server(tmp_path / "one", env=env, args=["--no-load-project"])
        try:
            with first.client() as client:
                lines = designs.ESCALATION.strip().splitlines()
                turtle = designs.TURTLE
                client.put("/designs/een", content="\n".join(lines[:3]), headers=turtle)
                client.put(
                    "/designs/twee", content="\n".join([*lines[:2], lines[3]]), headers=turtle
                )
                assert designs.ask(client, designs.EVENTUALLY)
        finally:
            first.stop()
        second = start_server(tmp_path / "two", env=env, args=["--no-load-project"])
        try:
            with second.client() as client:
                assert designs.ask(client, designs.EVENTUALLY)
                assert client.delete("/designs/een", headers=designs.AUTH).status_code == 204
                assert not designs.ask(client, designs.EVENTUALLY)
        finally:
            second.stop()
    finally:
        database.stop()


def test_a_reader_process_sees_what_the_writer_stores(tmp_path: Path) -> None:
    """docs/deploy.md: one process writes (store account and token), others only read."""
    need_virtuoso()
    database = start_own_virtuoso(tmp_path / "virtuoso")
    try:
        writer = start_server(
            tmp_path / "writer",
            env={**database.env(), "KETENONTOLOGIE_UPDATE_TOKEN": TOKEN},
            args=["--no-load-project"],
        )
        reader = None
        try:
            reader_env = {"KETENONTOLOGIE_STORE": database.store_url}
            reader = start_server(tmp_path / "reader", env=reader_env, args=["--no-load-project"])
            body = designs.ESCALATION.strip()
            with writer.client() as client:
                stored = client.put("/designs/een", content=body, headers=designs.TURTLE)
                assert stored.status_code == 201, stored.text
            with reader.client() as client:
                assert designs.ask(client, designs.EVENTUALLY), "inferred triples are shared"
                # New graph names reach a reader within its refresh time (2 s).
                deadline = time.monotonic() + 10
                while (
                    designs.DESIGNS + "een" not in designs.graph_names(client)
                    and time.monotonic() < deadline
                ):
                    time.sleep(0.5)
                assert designs.DESIGNS + "een" in designs.graph_names(client)
                refused = client.put("/designs/twee", content=body, headers=designs.TURTLE)
                assert refused.status_code in (401, 403)
        finally:
            writer.stop()
            if reader is not None:
                reader.stop()
    finally:
        database.stop()
