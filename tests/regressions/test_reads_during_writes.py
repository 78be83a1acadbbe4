"""Regression (issue 16): while designs were being written, 61 % of the reads that run in a query
worker failed with 500 (``FileNotFoundError …/snapshots/N/CURRENT``), and after a burst of writes
every such query answered 500 until a restart."""

from __future__ import annotations

import os
import threading
import time
from collections import Counter

from conftest import AUTH, Server, design_variant

SECONDS = float(os.environ.get("SOAK_SECONDS", "15"))
"""How long readers and writers run together: 15 s in `make test`, minutes in `make soak`."""
READS = [
    "SELECT ?chain WHERE { ?chain a <https://w3id.org/ketenontologie/def#Chain> }",
    "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/ketenontologie/graph/ontwerp/rw-0>"
    " { ?s ?p ?o } }",
    "ASK { ?s ?p ?o }",
]
"""Cheap reads: what broke was reading a snapshot while writes replaced it, not the cost."""


def test_reads_never_fail_while_designs_and_graphs_are_written(attacked: Server) -> None:
    """Readers and writers (uploads, updates) in parallel: every read 200, and after it too."""
    stop = threading.Event()
    reads: list[tuple[str, int, str]] = []
    writes: list[tuple[str, int, str]] = []

    def reader(address: str) -> None:
        with attacked.client(address) as client:
            turn = 0
            while not stop.is_set():
                query = READS[turn % len(READS)]
                answer = client.get("/sparql", params={"query": query})
                reads.append((query[:20], answer.status_code, answer.text[:200]))
                answer = client.get("/designs/rw-0", headers={"Accept": "text/turtle"})
                if answer.status_code != 404:  # not yet uploaded at the very start
                    reads.append(("GET /designs/rw-0", answer.status_code, answer.text[:200]))
                turn += 1

    def uploader() -> None:
        with attacked.client("127.0.0.6") as client:
            turn = 0
            while not stop.is_set():
                # three designs, each replaced in turn by one of three sizes
                design, size = turn % 3, (turn // 3) % 3
                answer = client.put(
                    f"/designs/rw-{design}",
                    content=design_variant(f"rw{design}", extra_roles=5 * size),
                    headers={"Content-Type": "text/turtle", **AUTH},
                )
                writes.append(("PUT /designs", answer.status_code, answer.text[:200]))
                turn += 1

    def updater() -> None:
        with attacked.client("127.0.0.7") as client:
            turn = 0
            while not stop.is_set():
                graph = f"https://example.org/regression/rw/{turn % 5}"
                answer = client.post(
                    "/sparql/update",
                    content=f"DROP SILENT GRAPH <{graph}> ; INSERT DATA {{ GRAPH <{graph}> "
                    f'{{ <urn:rw:{turn}> <urn:rw:p> "{turn}" }} }}',
                    headers={"Content-Type": "application/sparql-update", **AUTH},
                )
                writes.append(("update", answer.status_code, answer.text[:200]))
                turn += 1

    threads = [
        threading.Thread(target=reader, args=("127.0.0.4",)),
        threading.Thread(target=reader, args=("127.0.0.5",)),
        threading.Thread(target=uploader),
        threading.Thread(target=updater),
    ]
    for thread in threads:
        thread.start()
    time.sleep(SECONDS)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    failed_reads = [r for r in reads if r[1] != 200]
    statuses = Counter((kind, status) for kind, status, _ in writes)
    assert len(reads) > 50, f"only {len(reads)} reads"
    assert statuses[("PUT /designs", 200)] + statuses[("PUT /designs", 201)] > 5, statuses
    assert statuses[("update", 204)] > 5, statuses
    assert not failed_reads, (
        f"{len(failed_reads)} of {len(reads)} reads failed, e.g. {failed_reads[:3]}; writes: "
        f"{statuses}"
    )
    assert not [w for w in writes if w[1] >= 500 and w[1] != 503], statuses
    with attacked.client() as client:
        for query in READS:
            answer = client.get("/sparql", params={"query": query})
            assert answer.status_code == 200, answer.text
        listed = {d["id"] for d in client.get("/designs").json()["designs"]}
        assert {"rw-0", "rw-1", "rw-2"} <= listed
    attacked.answers()
