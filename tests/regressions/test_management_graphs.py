"""Regression (issue 16): on Virtuoso, the store's management graphs (``…/graph/beheer/register``,
``…/journaal``) could be overwritten through ``/graphs`` and ``/sparql/update`` with the token,
after which a restart showed an empty knowledge graph."""

from __future__ import annotations

from conftest import AUTH, GRAPH, Server

REGISTER = f"{GRAPH}beheer/register"
JOURNAL = f"{GRAPH}beheer/journaal"
DEFAULT = f"{GRAPH}beheer/standaardgraaf"
ESCAPED_REGISTER = f"{GRAPH}beheer/\\u0072egister"


def updates() -> dict[str, str]:
    triple = "<urn:regression:a> <urn:regression:b> <urn:regression:c>"
    return {
        "DROP the register": f"DROP GRAPH <{REGISTER}>",
        "CLEAR the register, escaped": f"CLEAR GRAPH <{ESCAPED_REGISTER}>",
        "DROP SILENT the journal": f"DROP SILENT GRAPH <{JOURNAL}>",
        "INSERT DATA into the journal": f"INSERT DATA {{ GRAPH <{JOURNAL}> {{ {triple} }} }}",
        "DELETE WHERE in the register": f"DELETE WHERE {{ GRAPH <{REGISTER}> {{ ?s ?p ?o }} }}",
        "WITH the register": f"WITH <{REGISTER}> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
        "prefixed name": f"PREFIX b: <{GRAPH}beheer/> DROP GRAPH b:register",
        "prefixed name, escaped slash": f"PREFIX g: <{GRAPH}> DROP GRAPH g:beheer\\/register",
        "BASE": f"BASE <{GRAPH}beheer/> CLEAR GRAPH <register>",
        "COPY over the register": f"COPY <urn:regression:empty> TO <{REGISTER}>",
        "MOVE the default graph's copy away": f"MOVE <{DEFAULT}> TO <https://example.org/r/m>",
    }


def test_management_graphs_cannot_be_written_and_a_restart_keeps_the_designs(
    attacked: Server,
) -> None:
    """/graphs and /sparql/update on …/beheer/…: 400 design-graph; after a restart, all there."""
    with attacked.client() as client:
        before = client.get("/designs").json()
        assert before["designs"], "the project's designs are stored"
        turtle = {"Content-Type": "text/turtle", **AUTH}
        body = b"<urn:regression:a> <urn:regression:b> <urn:regression:c> .\n"
        answers = {}
        for graph in (REGISTER, JOURNAL, DEFAULT):
            answers[f"PUT {graph}"] = client.put(
                "/graphs", params={"graph": graph}, content=body, headers=turtle
            )
            answers[f"POST {graph}"] = client.post(
                "/graphs", params={"graph": graph}, content=body, headers=turtle
            )
            answers[f"DELETE {graph}"] = client.delete(
                "/graphs", params={"graph": graph}, headers=AUTH
            )
        for name, update in updates().items():
            answers[name] = client.post(
                "/sparql/update",
                content=update.encode(),
                headers={"Content-Type": "application/sparql-update", **AUTH},
            )
    allowed = {
        name: (answer.status_code, answer.text[:150])
        for name, answer in answers.items()
        if (answer.status_code, answer.json().get("error") if answer.content else None)
        != (400, "design-graph")
    }
    attacked.restart()  # also when something got through: what did it do to the store?
    with attacked.client() as client:
        after = client.get("/designs").json()
    assert not allowed, f"not refused as design-graph: {allowed}"
    assert _by_id(after) == _by_id(before)
    attacked.answers()


def _by_id(listing: dict[str, list[dict[str, object]]]) -> dict[object, tuple[object, ...]]:
    """The designs with their graphs and sizes (their hrefs name the port, which a restart
    changes)."""
    return {
        d["id"]: (d["graph"], d["inferredGraph"], d["triples"], d["inferred"])
        for d in listing["designs"]
    }
