"""Lookups answered by the fast path give exactly what the route gives.

A lookup (one triple pattern anchored on an IRI, see ``ketenontologie.api.fastpath``) skips
the routing and middleware layers and is run, like every query, by a query worker under the
time limit; the same query written so that it is not a lookup (its pattern in a nested group)
goes through the route. Both answers must agree in every format, with and without inference,
and the fast path must follow every write at once.

The service runs in this process, so the tests see which path answered: ``fast_path_queries``
records every query the fast path ran, ``worker_queries`` every query that reached the store.
A lookup that the fast path failed on would still get the right answer from the route; here it
fails the comparison twice over: the fast path did not run it, and the fault is logged
(``fast_path_faults``).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from typing import Any
from xml.etree import ElementTree

import httpx
import pytest

from conftest import FastPathFaults
from inprocess import Service, serve_in_process
from ketenontologie.api import fastpath
from ketenontologie.sparql.lookup import lookup_plan

from .conftest import TOKEN

KETEN = "https://w3id.org/ketenontologie/def#"
CHAIN = "https://w3id.org/ketenontologie/id/keten/loonaangifteketen"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

LOOKUPS = [
    f"SELECT ?p ?o WHERE {{ <{CHAIN}> ?p ?o }}",
    f"PREFIX keten: <{KETEN}>\nSELECT ?partner WHERE {{ <{CHAIN}> keten:hasPartner ?partner }}",
    f"SELECT ?s ?p WHERE {{ ?s ?p <{CHAIN}> }} ORDER BY ?s ?p",
    f"SELECT DISTINCT ?p WHERE {{ <{CHAIN}> ?p ?o . FILTER (isIRI(?o)) }} ORDER BY DESC(?p)",
    f"SELECT ?o WHERE {{ <{CHAIN}> <http://www.w3.org/2000/01/rdf-schema#label> ?o "
    'FILTER (LANG(?o) = "nl") }',
    f"SELECT (COUNT(*) AS ?n) WHERE {{ <{CHAIN}> ?p ?o }}",
    f"SELECT * WHERE {{ <{CHAIN}> a ?type }} LIMIT 3 OFFSET 1",
]


def _as_worker_query(query: str) -> str:
    """The same query with its pattern in a nested group: not a lookup, so a worker runs it."""
    opening = query.index("{")
    closing = query.rindex("}")
    return f"{query[: opening + 1]} {{ {query[opening + 1 : closing]} }} {query[closing:]}"


@pytest.mark.parametrize("query", LOOKUPS)
def test_lookups_are_recognised(query: str) -> None:
    plan = lookup_plan(query)
    assert plan is not None
    assert plan.anchor.value == CHAIN
    assert lookup_plan(_as_worker_query(query)) is None


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { ?s ?p ?o }",
        'SELECT * WHERE { ?s ?p "UWV" }',
        f"SELECT * WHERE {{ <{CHAIN}> ?p ?o . ?o ?q ?r }}",
        f"SELECT * WHERE {{ <{CHAIN}> ?p ?o ; a ?t }}",
        f"SELECT * WHERE {{ <{CHAIN}> <{KETEN}hasPartner>/<{KETEN}x> ?o }}",
        f"SELECT * WHERE {{ <{CHAIN}> <{KETEN}escalatesTo>+ ?o }}",
        f"SELECT * WHERE {{ <{CHAIN}> ?p [ ?q ?r ] }}",
        f"SELECT * WHERE {{ <{CHAIN}> ?p ?o OPTIONAL {{ ?o ?q ?r }} }}",
        f"SELECT * WHERE {{ <{CHAIN}> ?p ?o FILTER EXISTS {{ ?o ?q ?r }} }}",
        f"SELECT * WHERE {{ <{CHAIN}> ?p ?o BIND (1 AS ?x) }}",
        f"SELECT * WHERE {{ <{CHAIN}> ?p ?o }} VALUES ?x {{ 1 2 }}",
        f"SELECT * FROM <{CHAIN}> WHERE {{ <{CHAIN}> ?p ?o }}",
        f"SELECT * WHERE {{ GRAPH ?g {{ <{CHAIN}> ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:9/> {{ <{CHAIN}> ?p ?o }} }}",
        f"CONSTRUCT {{ <{CHAIN}> ?p ?o }} WHERE {{ <{CHAIN}> ?p ?o }}",
        f"DESCRIBE <{CHAIN}>",
        "SELECT * WHERE { undeclared:x ?p ?o }",
        f"INSERT DATA {{ <{CHAIN}> <a:b> <a:c> }}",
    ],
)
def test_other_queries_are_not_lookups(query: str) -> None:
    assert lookup_plan(query) is None


def _rows(response: httpx.Response) -> Any:
    media = response.headers["content-type"].split(";")[0]
    if media == "application/sparql-results+json":
        document = json.loads(response.content)
        if "boolean" in document:
            return document["boolean"]
        return sorted(json.dumps(b, sort_keys=True) for b in document["results"]["bindings"])
    if media == "application/sparql-results+xml":
        root = ElementTree.fromstring(response.content)
        ns = "{http://www.w3.org/2005/sparql-results#}"
        boolean = root.find(f"{ns}boolean")
        if boolean is not None:
            return boolean.text
        return sorted(
            ElementTree.tostring(result, encoding="unicode") for result in root.iter(f"{ns}result")
        )
    if media == "text/csv":
        rows = list(csv.reader(io.StringIO(response.text)))
        return rows[0], sorted(map(tuple, rows[1:]))
    lines = response.text.rstrip("\n").split("\n")
    return lines[0], sorted("\t".join(map(_tsv_term, line.split("\t"))) for line in lines[1:])


def _tsv_term(cell: str) -> str:
    """TSV may write numbers and booleans as in Turtle (``26``) or in full: compare them full."""
    xsd = "http://www.w3.org/2001/XMLSchema#"
    if re.fullmatch(r"[+-]?\d+", cell):
        return f'"{cell}"^^<{xsd}integer>'
    if re.fullmatch(r"[+-]?\d*\.\d+", cell):
        return f'"{cell}"^^<{xsd}decimal>'
    if cell in ("true", "false"):
        return f'"{cell}"^^<{xsd}boolean>'
    return cell


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """The service of this module (it writes), with a row limit of 30."""
    env = {"KETENONTOLOGIE_UPDATE_TOKEN": TOKEN, "KETENONTOLOGIE_ROW_LIMIT": "30"}
    with serve_in_process(tmp_path_factory.mktemp("fastpath") / "data", env=env) as running:
        yield running


@pytest.fixture
def client(service: Service) -> Iterator[httpx.Client]:
    with service.client() as client:
        yield client


@pytest.fixture
def fast_path_queries(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The text of every query the fast path ran during the test."""
    seen: list[str] = []
    run = fastpath.run_query

    def recording(store: object, text: str, *args: object, **kwargs: object) -> object:
        seen.append(text)
        return run(store, text, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(fastpath, "run_query", recording)
    return seen


@pytest.fixture
def worker_queries(service: Service, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The text of every query that reaches the store's worker path during the test."""
    store = service.app.state.store
    seen: list[str] = []
    query = store.query

    def recording(text: str, *args: object, **kwargs: object) -> object:
        seen.append(text)
        return query(text, *args, **kwargs)

    monkeypatch.setattr(store, "query", recording)
    return seen


def assert_lookup_answers_as_a_worker_would(
    client: httpx.Client,
    fast_path_queries: list[str],
    worker_queries: list[str],
    faults: FastPathFaults,
    *,
    query: str,
    fmt: str,
    inference: str,
) -> None:
    """The lookup's answer (by the fast path) equals the route's answer to the same query
    written as a non-lookup; both ran in a worker, and the fast path ran the lookup without a
    fault."""
    answers = [
        client.get("/sparql", params={"query": text, "format": fmt, "inference": inference})
        for text in (query, _as_worker_query(query))
    ]
    fast, worker = answers
    assert fast.status_code == worker.status_code == 200
    for header in (
        "content-type",
        "ketenontologie-result-count",
        "ketenontologie-result-truncated",
        "ketenontologie-row-limit",
        "ketenontologie-inference",
    ):
        assert fast.headers[header] == worker.headers[header], header
    assert _rows(fast) == _rows(worker)
    assert _as_worker_query(query) in worker_queries, "the rewritten query went to a worker"
    assert _as_worker_query(query) not in fast_path_queries, "the route answered it"
    assert faults.records == [], f"the fast path failed:\n{faults.report()}"
    assert query in fast_path_queries, "the fast path answered the lookup"
    assert query in worker_queries, "a worker ran the lookup, under the time limit"


@pytest.mark.parametrize("query", LOOKUPS)
@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
@pytest.mark.parametrize("inference", ["true", "false"])
def test_a_lookup_answers_as_a_worker_would(
    client: httpx.Client,
    fast_path_queries: list[str],
    worker_queries: list[str],
    fast_path_faults: FastPathFaults,
    query: str,
    fmt: str,
    inference: str,
) -> None:
    assert_lookup_answers_as_a_worker_would(
        client,
        fast_path_queries,
        worker_queries,
        fast_path_faults,
        query=query,
        fmt=fmt,
        inference=inference,
    )


@pytest.mark.parametrize("fault", ["plan", "run"])
def test_a_fault_of_the_fast_path_fails_the_comparison_and_is_logged(
    client: httpx.Client,
    fast_path_queries: list[str],
    worker_queries: list[str],
    fast_path_faults: FastPathFaults,
    service: Service,
    monkeypatch: pytest.MonkeyPatch,
    fault: str,
) -> None:
    """A crash in the fast path: the client still gets the route's answer, the comparison
    above fails, and the fault is logged at ERROR with its traceback. If the fast path
    swallowed it again, ``pytest.raises`` here would fail."""

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("injected fault")

    if fault == "plan":
        monkeypatch.setattr(fastpath, "lookup_plan", broken)
    else:
        monkeypatch.setattr(fastpath, "run_query", broken)
    # A lookup of its own: an answer the fast path kept from an earlier test would hide nothing
    # but also provoke nothing.
    query = f"SELECT ?partner_{fault} WHERE {{ <{CHAIN}> <{KETEN}hasPartner> ?partner_{fault} }}"
    with pytest.raises(AssertionError, match="the fast path failed"):
        assert_lookup_answers_as_a_worker_would(
            client,
            fast_path_queries,
            worker_queries,
            fast_path_faults,
            query=query,
            fmt="json",
            inference="true",
        )
    answered = client.get("/sparql", params={"query": query})
    assert answered.status_code == 200, "the route still answers"
    worker = client.get("/sparql", params={"query": _as_worker_query(query)})
    assert _rows(answered) == _rows(worker) != []
    assert query in worker_queries, "the route sent the lookup to a worker"
    records = list(fast_path_faults.records)
    fast_path_faults.records.clear()  # provoked on purpose: the autouse check must not fail
    assert len(records) >= 2
    assert {record.levelname for record in records} == {"ERROR"}
    assert {record.name for record in records} == {"ketenontologie.api.fastpath"}
    for record in records:
        assert record.exc_info is not None
        assert isinstance(record.exc_info[1], RuntimeError)
        assert "injected fault" in fast_path_faults.format(record), "with its traceback"
        assert "GET /sparql?query=" in record.getMessage()


def test_request_errors_are_the_routes_to_answer_and_not_logged(
    client: httpx.Client, fast_path_faults: FastPathFaults, worker_queries: list[str]
) -> None:
    """A syntax error of a would-be lookup is the client's, not a fault: no log, a 400."""
    bad = client.get("/sparql", params={"query": LOOKUPS[1].replace("?partner }", "?partner")})
    assert bad.status_code == 400
    assert fast_path_faults.records == []


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "application/xml"])
def test_ask_lookups(client: httpx.Client, fast_path_queries: list[str], accept: str) -> None:
    for exists, iri in ((True, CHAIN), (False, "https://example.org/nothing")):
        response = client.get(
            "/sparql", params={"query": f"ASK {{ <{iri}> ?p ?o }}"}, headers={"Accept": accept}
        )
        assert response.status_code == 200
        assert _rows(response) in (exists, "true" if exists else "false")
    assert len(fast_path_queries) == 2, "the fast path answered every ASK"


def test_errors_still_get_their_answers(client: httpx.Client) -> None:
    bad = client.get(
        "/sparql",
        params={"query": LOOKUPS[0], "format": "turtle"},
        headers={"Accept": "image/png"},
    )
    assert bad.status_code == 406
    assert bad.json()["error"] == "not-acceptable"
    conflicting = client.get("/sparql", params={"query": LOOKUPS[0], "format": ["json", "xml"]})
    assert conflicting.status_code == 400
    assert conflicting.json()["error"] == "conflicting-format"
    twice = client.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    assert twice.status_code == 400
    odd = client.get("/sparql", params={"query": LOOKUPS[0], "inference": "soms"})
    assert odd.status_code == 400


def test_lookups_follow_every_write(client: httpx.Client) -> None:
    thing = "https://w3id.org/ketenontologie/id/organisatie/snel-partner"
    query = f"SELECT ?p ?o WHERE {{ <{thing}> ?p ?o }}"

    def count() -> int:
        response = client.get("/sparql", params={"query": query, "inference": "false"})
        truncated = response.headers["ketenontologie-result-truncated"] == "true"
        assert truncated == (json.loads(response.content).get("truncated") is True)
        assert truncated == (response.headers["ketenontologie-result-count"] == "30")
        return int(response.headers["ketenontologie-result-count"])

    assert count() == 0
    design = (
        f"<{thing}> a <{KETEN}ChainPartner> ; <http://www.w3.org/2000/01/rdf-schema#label> 'S' ."
    )
    headers = {"Content-Type": "text/turtle", **AUTH}
    assert client.put("/designs/snel", content=design, headers=headers).status_code
    assert count() == 2
    # Forty more triples on the thing: past the row limit, so a worker answers, cut at 30 (and
    # says so).
    more = design + "".join(f"\n<{thing}> <{KETEN}n{i}> {i} ." for i in range(40))
    client.put("/designs/snel", content=more, headers=headers)
    assert count() == 30
    client.put("/designs/snel", content=design, headers=headers)
    assert count() == 2
    client.delete("/designs/snel", headers=AUTH)
    assert count() == 0


def test_no_query_runs_in_the_services_own_process(
    service: Service, monkeypatch: pytest.MonkeyPatch, fast_path_faults: FastPathFaults
) -> None:
    """With the workers' entry point made to fail, a lookup cannot be answered either: there
    is no evaluation outside the workers (where the time limit can stop it)."""

    def no_worker(*args: object, **kwargs: object) -> None:
        raise AssertionError("no worker")

    monkeypatch.setattr(service.app.state.store, "query", no_worker)
    with service.client(raise_app_exceptions=False) as client:
        lookup = client.get("/sparql", params={"query": LOOKUPS[1] + " LIMIT 2"})
        other = client.get("/sparql", params={"query": LOOKUPS[1] + " LIMIT 1 ."})
    assert lookup.status_code == other.status_code == 500
    fast_path_faults.records.clear()  # provoked on purpose


def test_answers_that_differ_between_runs_are_not_kept(client: httpx.Client) -> None:
    query = f"SELECT (RAND() AS ?r) WHERE {{ <{CHAIN}> a ?type }} LIMIT 1"
    assert lookup_plan(query) is not None and not lookup_plan(query).repeatable  # type: ignore[union-attr]
    answers = {client.get("/sparql", params={"query": query}).content for _ in range(5)}
    assert len(answers) > 1
