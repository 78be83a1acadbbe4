"""Regression (issue 16): a 128 MB result, built by 26 doubling ``BIND``s in a query of a few
hundred bytes, was served whole; Virtuoso went on building such values after the service gave
up on the query.

A query whose values can grow past the bound (``bounds.MAX_VALUE_GROWTH``) is now refused before
any store runs it, and an answer of many ordinary rows is cut at the byte bound. Each store runs
in a service (and, for Virtuoso, a server) of its own here: if the store kept building a value
after the answer, the next tests would pay for it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import MAX_RESULT_BYTES, Server, own_server
from ketenontologie.bounds import MAX_VALUE_GROWTH

SLACK = 1024
"""Bytes a cut answer may exceed the bound by (its head and tail)."""
SERVICE_MEMORY = 600 * 1024**2
"""The service's own process stays below this (it starts at about 110 MB)."""


def doubling(times: int = 26) -> str:
    """The issue's query: ``?x{n+1}`` is ``?x{n}`` twice; 26 times makes 128 MB in all."""
    binds = " ".join(f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(times))
    return f'SELECT * WHERE {{ BIND("ab" AS ?x0) {binds} }}'


def doubling_in_the_select(times: int = 26) -> str:
    """The same, with the doubling in the ``SELECT`` clause (a later expression may use an
    earlier one), on a pattern that looks like a lookup."""
    steps = " ".join(f"(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(times))
    return f"SELECT (STR(?p) AS ?x0) {steps} WHERE {{ <urn:x:a> ?p ?o }}"


def growing_in_a_filter(times: int = 12) -> str:
    """Nested ``REPLACE``s that put ten characters in for each one: a number comes out (the
    length), but the store builds a string of ten to the twelfth times its start first."""
    value = "STR(?o)"
    for _ in range(times):
        value = f'REPLACE({value}, ".", "0123456789")'
    return f"ASK {{ ?s ?p ?o FILTER(STRLEN({value}) > 1) }}"


def wide_rows() -> str:
    """1,600 rows of some 2 KB: 3 MB, three times the byte bound, far below the row limit."""
    numbers = " ".join(str(n) for n in range(40))
    padding = "x" * 2000
    return (
        f"SELECT ?x ?y ?z WHERE {{ VALUES ?x {{ {numbers} }} VALUES ?y {{ {numbers} }} "
        f'BIND(CONCAT(STR(?x), "-", STR(?y), "{padding}") AS ?z) }}'
    )


@pytest.fixture(params=["oxigraph", "virtuoso"])
def alone(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    with own_server(request.param, tmp_path_factory, args=["--no-load-project"]) as server:
        yield server


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100  # utime + stime, in clock ticks


def test_a_huge_result_is_cut_or_refused_and_the_service_stays_small(alone: Server) -> None:
    """3 MB of rows, and doubling BINDs: cut at the byte bound or refused; memory stays small."""
    with alone.client() as client:
        for accept in ("application/sparql-results+json", "text/csv"):
            answer = client.get(
                "/sparql", params={"query": wide_rows()}, headers={"Accept": accept}
            )
            assert answer.status_code == 200, answer.text
            assert answer.headers["ketenontologie-result-truncated"] == "true"
            assert int(answer.headers["ketenontologie-result-count"]) < 1_600
            assert MAX_RESULT_BYTES // 2 < len(answer.content) <= MAX_RESULT_BYTES + SLACK
        # The 128 MB, and its cousins: refused before any store builds a value.
        for query in (doubling(), doubling_in_the_select(), growing_in_a_filter()):
            for answer in (
                client.get("/sparql", params={"query": query}),
                client.post("/sparql", data={"query": query}),
            ):
                assert answer.status_code == 400, answer.text
                body = answer.json()
                assert body["error"] == "query-too-costly", body
                assert f"{MAX_VALUE_GROWTH:,}" in body["message"], body
        # Growth below the bound is an ordinary query.
        answer = client.get("/sparql", params={"query": doubling(times=8)})
        assert answer.status_code == 200, answer.text
        assert len(answer.json()["results"]["bindings"][0]["x8"]["value"]) == 2 * 2**8
    assert alone.rss_bytes() < SERVICE_MEMORY
    if alone.database is not None and alone.database.pid is not None:
        # The query the service gave up on must not go on in Virtuoso.
        time.sleep(1)
        before = cpu_seconds(alone.database.pid)
        time.sleep(4)
        busy = cpu_seconds(alone.database.pid) - before
        assert busy < 1.0, f"Virtuoso worked {busy:.1f} s of 4 s after the answer"
        assert alone.database.rss_bytes() < 2 * 1024**3, "Virtuoso's memory exploded"
    alone.answers()
