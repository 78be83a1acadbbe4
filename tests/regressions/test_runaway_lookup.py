"""Regression (issue 16): a lookup-shaped query with nested ``REPLACE`` ran in the server's event
loop for 25-38 s (the limit was 10 s), and every other request waited for it.

Lookups now run in query workers under the time limit like any query, and a query whose values
can grow past ``bounds.MAX_VALUE_GROWTH`` (this one doubles the label twenty times) is refused
before any store runs it. What is left to check: it is refused at once, on both stores, while
other clients are answered."""

from __future__ import annotations

import threading
import time

import httpx

from conftest import QUERY_TIMEOUT, Server

HAVENSTAD = "<https://w3id.org/ketenontologie/id/keten/voorbeeldketen-havenstad>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"

PROMPTLY = 1.0
"""Seconds within which a cheap request must be answered while a runaway query runs."""


def nested_replace(levels: int = 20) -> str:
    """A lookup whose filter doubles the label ``levels`` times (run, it took over a minute)."""
    expression = "STR(?o)"
    for _ in range(levels):
        expression = f'REPLACE({expression}, ".", "$0$0")'
    return f"SELECT ?o WHERE {{ {HAVENSTAD} {LABEL} ?o FILTER(STRLEN({expression}) > 0) }}"


def test_a_runaway_lookup_is_refused_at_once_and_others_are_answered(attacked: Server) -> None:
    """Nested REPLACE in a lookup, sent over and over: 400 query-too-costly well within the time
    limit each time; cheap requests of another client answered promptly meanwhile."""
    answers: list[httpx.Response] = []
    seconds: list[float] = []
    stop = threading.Event()

    def runaway() -> None:
        with attacked.client("127.0.0.2") as client:
            while not stop.is_set():
                started = time.monotonic()
                answers.append(client.get("/sparql", params={"query": nested_replace()}))
                seconds.append(time.monotonic() - started)

    thread = threading.Thread(target=runaway)
    thread.start()
    try:
        time.sleep(0.5)
        waited: dict[str, float] = {}
        with attacked.client("127.0.0.3") as other:
            for path, params in [("/queries", {}), ("/sparql", {"query": "ASK {}"})]:
                started = time.monotonic()
                answer = other.get(path, params=params)
                waited[path] = round(time.monotonic() - started, 2)
                assert answer.status_code == 200, answer.text
    finally:
        stop.set()
        thread.join(timeout=60)
    assert answers, "the runaway client got no answer"
    for answer in answers:
        assert answer.status_code == 400, answer.text
        assert answer.json()["error"] == "query-too-costly", answer.text
    assert max(seconds) < QUERY_TIMEOUT, f"refusals took up to {max(seconds):.1f} s"
    assert max(waited.values()) < PROMPTLY, f"cheap requests waited {waited} s"
    attacked.answers()
