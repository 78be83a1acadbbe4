"""Regression (issue 16): on Virtuoso, readers saw a half-finished write in about 0.4 % of their
reads while designs were uploaded: a design's graph of one version with the inferred graph of
another."""

from __future__ import annotations

import os
import threading
import time
from collections import Counter

from conftest import AUTH, GRAPH, Server, design_variant

SOAK = os.environ.get("SOAK_SECONDS")
SECONDS = {"virtuoso": float(SOAK or 30), "oxigraph": float(SOAK or 10)}
"""How long to look: the issue saw 0.4 % of reads half-done on Virtuoso, so there it takes
some 600 reads to see one with good odds."""
DESIGN = "wissel"
COUNTS = f"""
SELECT (COUNT(?a) AS ?asserted) (COUNT(?i) AS ?inferred) WHERE {{
  {{ GRAPH <{GRAPH}ontwerp/{DESIGN}> {{ ?s ?p ?o }} BIND(1 AS ?a) }}
  UNION
  {{ GRAPH <{GRAPH}afgeleid/{DESIGN}> {{ ?s ?p ?o }} BIND(1 AS ?i) }}
}}"""
"""Both graphs of the design, counted in one query (so in one state of the store)."""

VERSIONS = [design_variant(DESIGN), design_variant(DESIGN, extra_roles=40)]


def counts(server: Server, address: str = "127.0.0.1") -> tuple[int, int]:
    with server.client(address) as client:
        answer = client.get("/sparql", params={"query": COUNTS})
    assert answer.status_code == 200, answer.text
    row = answer.json()["results"]["bindings"][0]
    return int(row["asserted"]["value"]), int(row["inferred"]["value"])


def put(server: Server, version: int) -> None:
    with server.client("127.0.0.6") as client:
        answer = client.put(
            f"/designs/{DESIGN}",
            content=VERSIONS[version],
            headers={"Content-Type": "text/turtle", **AUTH},
        )
    assert answer.status_code in (200, 201), answer.text


def test_readers_never_see_a_design_half_replaced(attacked: Server) -> None:
    """One client replaces a design by two versions in turn; readers see only whole versions."""
    whole = []
    for version in (0, 1):
        put(attacked, version)
        whole.append(counts(attacked))
    assert whole[0] != whole[1] and all(whole[0]) and all(whole[1]), whole
    stop = threading.Event()
    seen: Counter[tuple[int, int]] = Counter()
    problems: list[str] = []
    failed_reads: Counter[str] = Counter()

    def writer() -> None:
        version = 0
        while not stop.is_set():
            try:
                put(attacked, version)
            except AssertionError as error:
                problems.append(f"write: {error}")
            version = 1 - version

    def reader(address: str) -> None:
        while not stop.is_set():
            try:
                seen[counts(attacked, address)] += 1
            except AssertionError as error:  # a read that failed saw no state at all
                failed_reads[str(error)[:80]] += 1

    threads = [
        threading.Thread(target=writer),
        *(threading.Thread(target=reader, args=(f"127.0.0.{n}",)) for n in (4, 5, 8)),
    ]
    for thread in threads:
        thread.start()
    time.sleep(SECONDS["oxigraph" if attacked.database is None else "virtuoso"])
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    assert not problems, problems[:5]
    mixtures = {pair: n for pair, n in seen.items() if pair not in whole}
    assert not mixtures, f"half-replaced states seen: {mixtures} (whole: {whole}, all: {seen})"
    assert sum(seen.values()) > 100, (seen, failed_reads)
    assert all(seen[pair] for pair in whole), f"both versions were seen: {seen}"
