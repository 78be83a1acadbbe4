"""Regression (issue 16): 6,000 nested parentheses in a lookup filter, or a JSON-LD body nested
5,000 deep to ``/validate``, crashed the server process (the parsers recursed past the stack);
6,000 nested groups, a 1 MB query and 10,000 FILTERs answered 500; the command line died with
exit 139 and no message on deep files. Every input is now measured before a parser sees it."""

from __future__ import annotations

import http.client
import json
from pathlib import Path
from urllib.parse import quote

import pytest

from conftest import Server, cli

HAVENSTAD = "<https://w3id.org/ketenontologie/id/keten/voorbeeldketen-havenstad>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"


def deep_queries() -> dict[str, str]:
    return {
        "6,000 parentheses in a lookup filter": (
            f"SELECT ?o WHERE {{ {HAVENSTAD} {LABEL} ?o FILTER({'(' * 6000}?o{')' * 6000}) }}"
        ),
        "6,000 nested groups": "SELECT * WHERE " + "{" * 6000 + " ?s ?p ?o " + "}" * 6000,
        "2,000 nested brackets in a triple": (
            "SELECT * WHERE { ?s ?p " + "[ <urn:p> " * 2000 + "]" * 2000 + " }"
        ),
    }


def large_queries() -> dict[str, str]:
    return {
        "a 1 MB query": "SELECT * WHERE { ?s ?p ?o } #" + "x" * 1_000_000,
        "10,000 FILTERs": "SELECT * WHERE { ?s ?p ?o " + "FILTER(?o != 1) " * 10_000 + "}",
    }


def ask(server: Server, query: str, how: str) -> tuple[int, dict[str, object]]:
    """Send the query by GET (however long its URL: not through httpx, which refuses URLs
    over 64 KB), by a form or directly; the status and the JSON body."""
    if how == "GET":
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        try:
            connection.request("GET", f"/sparql?query={quote(query)}")
            response = connection.getresponse()
            return response.status, json.loads(response.read())
        finally:
            connection.close()
    with server.client() as client:
        if how == "form":
            answer = client.post("/sparql", data={"query": query})
        else:
            answer = client.post(
                "/sparql", content=query, headers={"Content-Type": "application/sparql-query"}
            )
    return answer.status_code, answer.json()


@pytest.mark.parametrize("how", ["GET", "form", "POST"])
def test_deeply_nested_queries_are_400_too_deep_and_the_service_lives(
    attacked: Server, how: str
) -> None:
    """Queries nested thousands deep: 400 too-deep naming the bound, the service answers."""
    for name, query in deep_queries().items():
        status, body = ask(attacked, query, how)
        assert (status, body["error"]) == (400, "too-deep"), name
        assert "48" in str(body["message"]), body
    attacked.answers()


@pytest.mark.parametrize("how", ["form", "POST"])
def test_huge_queries_are_413_too_large_and_the_service_lives(attacked: Server, how: str) -> None:
    """A 1 MB query and 10,000 FILTERs: 413 too-large naming the bound, the service answers."""
    for name, query in large_queries().items():
        status, body = ask(attacked, query, how)
        assert (status, body["error"]) == (413, "too-large"), name
        assert "100,000" in str(body["message"]), body
    attacked.answers()


def test_a_huge_query_in_a_url_is_refused_and_the_service_lives(attacked: Server) -> None:
    """A 1 MB query and 10,000 FILTERs by GET: refused (by the HTTP layer), never a crash."""
    for name, query in large_queries().items():
        connection = http.client.HTTPConnection("127.0.0.1", attacked.port, timeout=60)
        try:
            connection.request("GET", f"/sparql?query={quote(query)}")
            response = connection.getresponse()
            assert 400 <= response.status < 500, (name, response.read()[:300])
        except (ConnectionResetError, http.client.RemoteDisconnected, BrokenPipeError):
            pass  # uvicorn refuses a request line this long and closes the connection
        finally:
            connection.close()
    attacked.answers()


def deep_jsonld(depth: int) -> bytes:
    return (
        '{"@id": "https://example.org/a", "https://example.org/p": '
        + "[" * depth
        + "1"
        + "]" * depth
        + "}"
    ).encode()


def deep_objects(depth: int) -> bytes:
    return (
        '{"@id": "https://example.org/a", "https://example.org/p": '
        + '{"https://example.org/p": ' * depth
        + "1"
        + "}" * depth
        + "}"
    ).encode()


def deep_turtle(depth: int) -> bytes:
    return (
        "<https://example.org/a> <https://example.org/p> " + "(" * depth + ")" * depth + " .\n"
    ).encode()


def deep_rdfxml(depth: int) -> bytes:
    half = depth // 2
    return (
        '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        ' xmlns:ex="https://example.org/">'
        + '<rdf:Description rdf:about="https://example.org/a"><ex:p>' * half
        + "</ex:p></rdf:Description>" * half
        + "</rdf:RDF>\n"
    ).encode()


def test_deep_json_ld_to_validate_is_400_too_deep_and_the_service_lives(attacked: Server) -> None:
    """JSON-LD 5,000 deep (arrays, objects), Turtle lists, RDF/XML to /validate: 400 too-deep."""
    bodies = [
        (deep_jsonld(5000), "application/ld+json"),
        (deep_objects(5000), "application/ld+json"),
        (deep_turtle(6000), "text/turtle"),
        (deep_rdfxml(100_000), "application/rdf+xml"),
    ]
    with attacked.client() as client:
        for body, media_type in bodies:
            answer = client.post("/validate", content=body, headers={"Content-Type": media_type})
            assert answer.status_code == 400, answer.text
            assert answer.json()["error"] == "too-deep", answer.text
    attacked.answers()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("ontwerp.jsonld", deep_jsonld(5000)),
        ("ontwerp.ttl", deep_turtle(6000)),
        ("ontwerp.rdf", deep_rdfxml(100_000)),
    ],
    ids=["json-ld-5000", "turtle-list-6000", "rdf-xml-100000"],
)
def test_deep_files_make_the_cli_exit_2_with_a_message(
    tmp_path: Path, name: str, content: bytes
) -> None:
    """``ketenontologie validate`` on a deep file: exit 2 and a message naming the bound."""
    path = tmp_path / name
    path.write_bytes(content)
    done = cli("validate", str(path), timeout=60)
    assert done.returncode == 2, (done.returncode, done.stderr[-2000:])
    assert "48 deep" in done.stderr, done.stderr[-2000:]
    assert name in done.stderr
