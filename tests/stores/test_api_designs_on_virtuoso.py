"""The service's design tests (``tests/api/test_api_designs.py``) once more, on Virtuoso.

The tests are imported from that module unchanged; only the ``service`` fixture differs: the
service (in this process, as there) keeps its store in a throwaway Virtuoso
(``KETENONTOLOGIE_STORE``) instead of its data directory. The restart test starts services of
its own, so it has a Virtuoso variant here: a second service on the same Virtuoso rebuilds the
reasoning state from it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api import test_api_designs as designs
from api.conftest import TOKEN
from api.test_api_designs import *  # noqa: F403 - the same tests, collected here again
from inprocess import Service, serve_in_process
from virtuoso import Virtuoso

from .conftest import need_virtuoso, start_own_virtuoso, wipe

del test_a_restart_rebuilds_the_reasoning_state  # noqa: F821 - replaced below


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    need_virtuoso()
    server = start_own_virtuoso(tmp_path_factory.mktemp("virtuoso-designs"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory, database: Virtuoso) -> Iterator[Service]:
    """The service with the project's data in Virtuoso (these tests add and remove designs)."""
    env = {
        **database.env(),
        "KETENONTOLOGIE_UPDATE_TOKEN": TOKEN,
        "KETENONTOLOGIE_MAX_BODY_BYTES": "1000000",
    }
    with serve_in_process(tmp_path_factory.mktemp("designs") / "data", env=env) as running:
        yield running


@pytest.fixture
def client(service: Service) -> Iterator[httpx.Client]:
    with service.client() as client:
        yield client


def test_a_restart_on_the_same_server_rebuilds_the_reasoning_state(
    tmp_path: Path, virtuoso: Virtuoso
) -> None:
    database = virtuoso
    wipe(database)  # no project data: only the two designs below
    env = {
        **database.env(),
        "KETENONTOLOGIE_UPDATE_TOKEN": TOKEN,
        "KETENONTOLOGIE_LOAD_PROJECT": "false",
    }
    try:
        with serve_in_process(tmp_path / "one", env=env) as first, first.client() as client:
            lines = designs.ESCALATION.strip().splitlines()
            turtle = designs.TURTLE
            client.put("/designs/een", content="\n".join(lines[:3]), headers=turtle)
            client.put("/designs/twee", content="\n".join([*lines[:2], lines[3]]), headers=turtle)
            assert designs.ask(client, designs.EVENTUALLY)
        with serve_in_process(tmp_path / "two", env=env) as second, second.client() as client:
            assert designs.ask(client, designs.EVENTUALLY)
            assert client.delete("/designs/een", headers=designs.AUTH).status_code == 204
            assert not designs.ask(client, designs.EVENTUALLY)
    finally:
        wipe(database)


def test_a_reader_process_sees_what_the_writer_stores(tmp_path: Path, virtuoso: Virtuoso) -> None:
    """docs/deploy.md: one process writes (store account and token), others only read."""
    database = virtuoso
    wipe(database)
    no_project = {"KETENONTOLOGIE_LOAD_PROJECT": "false"}
    writer_env = {**database.env(), "KETENONTOLOGIE_UPDATE_TOKEN": TOKEN, **no_project}
    reader_env = {"KETENONTOLOGIE_STORE": database.store_url, **no_project}
    try:
        with (
            serve_in_process(tmp_path / "writer", env=writer_env) as writer,
            serve_in_process(tmp_path / "reader", env=reader_env) as reader,
        ):
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
        wipe(database)
