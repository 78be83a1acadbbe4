"""Regression (issue 16): two clients looping runaway queries (as many as there are query
workers) made every query that needs a worker, even ``ASK {}``, answer 503.

The service tells clients apart by their address. The two attackers here are two threads
whose connections come from 127.0.0.2 (one client, as two browser tabs would be); the third
client asks from 127.0.0.3."""

from __future__ import annotations

import threading
import time

from conftest import QUERY_TIMEOUT, Server

RUNAWAY = (
    "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(8)) + " }"
)
ATTACK_SECONDS = 8.0


def test_runaway_queries_of_one_client_leave_a_worker_for_others(attacked: Server) -> None:
    """Two threads of one client loop runaway queries; another client's ASK {} is answered 200."""
    stop = threading.Event()
    attacks: list[int] = []

    def attacker() -> None:
        with attacked.client("127.0.0.2") as client:
            while not stop.is_set():
                attacks.append(client.get("/sparql", params={"query": RUNAWAY}).status_code)

    threads = [threading.Thread(target=attacker) for _ in range(2)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    answers: list[tuple[int, float, str]] = []
    deadline = time.monotonic() + ATTACK_SECONDS
    try:
        with attacked.client("127.0.0.3") as victim:
            while time.monotonic() < deadline:
                started = time.monotonic()
                answer = victim.get("/sparql", params={"query": "ASK {}"})
                answers.append(
                    (answer.status_code, round(time.monotonic() - started, 2), answer.text[:120])
                )
                time.sleep(0.25)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    assert attacks and set(attacks) <= {503}, f"the attack did run: {attacks}"
    assert len(attacks) >= 2
    failed = [a for a in answers if a[0] != 200]
    assert not failed, f"{len(failed)} of {len(answers)} ASK {{}} failed: {failed[:5]}"
    assert max(seconds for _, seconds, _ in answers) < QUERY_TIMEOUT
    attacked.answers()
