"""Regression (issue 16): with the token, a ``\\u`` escape got an update past the check that keeps
design and inferred graphs for ``/designs`` alone: it wrote into them, and after the design was
deleted the service still listed it, with stale inferred triples."""

from __future__ import annotations

import pytest

from conftest import AUTH, GRAPH, HAVENSTAD, Server

DESIGN = f"{GRAPH}ontwerp/{HAVENSTAD}"
INFERRED = f"{GRAPH}afgeleid/{HAVENSTAD}"
TRIPLE = "<urn:regression:a> <urn:regression:b> <urn:regression:c>"

UPDATES = {
    "escaped IRI, design graph": (
        f"INSERT DATA {{ GRAPH <{GRAPH}\\u006Fntwerp/{HAVENSTAD}> {{ {TRIPLE} }} }}"
    ),
    "escaped IRI, inferred graph": (
        f"INSERT DATA {{ GRAPH <{GRAPH}\\u0061fgeleid/{HAVENSTAD}> {{ {TRIPLE} }} }}"
    ),
    "escaped IRI, the ontology's inferred graph": (
        f"INSERT DATA {{ GRAPH <{GRAPH}\\u0061fgeleid> {{ {TRIPLE} }} }}"
    ),
    "escaped IRI, a new design graph": (
        f"INSERT DATA {{ GRAPH <{GRAPH}ontwerp/nieuw\\u002Dontwerp> {{ {TRIPLE} }} }}"
    ),
    "escaped IRI in DROP": f"DROP GRAPH <{GRAPH}\\u0061fgeleid/{HAVENSTAD}>",
    "escaped IRI in DELETE WHERE": (
        f"DELETE WHERE {{ GRAPH <{GRAPH}\\u006Fntwerp/{HAVENSTAD}> {{ ?s ?p ?o }} }}"
    ),
    "escaped IRI in COPY": f"COPY <urn:regression:x> TO <{GRAPH}\\u006Fntwerp/{HAVENSTAD}>",
    "escaped IRI in MOVE": (
        f"MOVE <{GRAPH}\\u006Fntwerp/{HAVENSTAD}> TO <https://example.org/regression/stolen>"
    ),
    "prefixed name": (
        f"PREFIX o: <{GRAPH}ontwerp/> INSERT DATA {{ GRAPH o:{HAVENSTAD} {{ {TRIPLE} }} }}"
    ),
    "prefixed name, escaped prefix IRI": (
        f"PREFIX o: <{GRAPH}\\u006Fntwerp/> DELETE WHERE {{ GRAPH o:{HAVENSTAD} {{ ?s ?p ?o }} }}"
    ),
    "prefixed name, escaped slash in the local name": (
        f"PREFIX g: <{GRAPH}> INSERT DATA {{ GRAPH g:ontwerp\\/{HAVENSTAD} {{ {TRIPLE} }} }}"
    ),
    "prefixed name, escaped slash, inferred graph": (
        f"PREFIX g: <{GRAPH}> INSERT DATA {{ GRAPH g:afgeleid\\/{HAVENSTAD} {{ {TRIPLE} }} }}"
    ),
    "WITH, escaped": (
        f"WITH <{GRAPH}\\u006Fntwerp/{HAVENSTAD}> INSERT {{ {TRIPLE} }} WHERE {{ ?s ?p ?o }}"
    ),
    "WITH, escaped, deleting": (
        f"WITH <{GRAPH}\\u006Fntwerp/{HAVENSTAD}> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}"
    ),
    "WITH, prefixed name with an escaped slash": (
        f"PREFIX g: <{GRAPH}> WITH g:ontwerp\\/{HAVENSTAD} DELETE {{ ?s ?p ?o }} "
        "WHERE { ?s ?p ?o }"
    ),
    "WITH, prefixed name with an escaped slash, inserting": (
        f"PREFIX g: <{GRAPH}> WITH g:ontwerp\\/{HAVENSTAD} INSERT {{ {TRIPLE} }} "
        "WHERE { ?s ?p ?o }"
    ),
    "BASE and a relative IRI": (
        f"BASE <{GRAPH}> INSERT DATA {{ GRAPH <ontwerp/{HAVENSTAD}> {{ {TRIPLE} }} }}"
    ),
    "BASE, escaped, and a relative IRI in DROP": (
        f"BASE <{GRAPH}\\u006Fntwerp/> DROP GRAPH <{HAVENSTAD}>"
    ),
    "a harmless write first, then the design graph": (
        f"INSERT DATA {{ GRAPH <https://example.org/regression/first> {{ {TRIPLE} }} }} ;\n"
        f"INSERT DATA {{ GRAPH <{GRAPH}\\u006Fntwerp/{HAVENSTAD}> {{ {TRIPLE} }} }}"
    ),
}


def state(server: Server) -> tuple[object, str, str, list[str]]:
    """The design list, the design's triples (all of them), its inferred graph, the graphs."""
    with server.client() as client:
        designs = client.get("/designs").json()
        nt = {"Accept": "application/n-triples"}
        design = client.get(f"/designs/{HAVENSTAD}", params={"include": "all"}, headers=nt)
        inferred = client.get("/graphs", params={"graph": INFERRED}, headers=nt)
        graphs = sorted(g["graph"] for g in client.get("/graphs").json()["graphs"])
    assert design.status_code == 200 and inferred.status_code == 200
    return (
        designs,
        "\n".join(sorted(design.text.splitlines())),
        "\n".join(sorted(inferred.text.splitlines())),
        graphs,
    )


@pytest.mark.parametrize("how", ["sparql-update", "form"])
def test_updates_to_design_graphs_are_refused_however_the_iri_is_spelled(
    attacked: Server, how: str
) -> None:
    """Escaped IRIs, prefixed names, WITH, BASE into design/inferred graphs: 400, no change."""
    before = state(attacked)
    assert DESIGN in before[3] and INFERRED in before[3]
    refused = {}
    with attacked.client() as client:
        for name, update in UPDATES.items():
            if how == "form":
                answer = client.post("/sparql/update", data={"update": update}, headers=AUTH)
            else:
                answer = client.post(
                    "/sparql/update",
                    content=update.encode(),
                    headers={"Content-Type": "application/sparql-update", **AUTH},
                )
            refused[name] = (
                answer.status_code,
                answer.json().get("error") if answer.content else "",
            )
    allowed = {name: got for name, got in refused.items() if got != (400, "design-graph")}
    assert not allowed, f"not refused as design-graph: {allowed}"
    after = state(attacked)
    assert after[0] == before[0], "GET /designs changed"
    assert after[1] == before[1], "the design's triples changed"
    assert after[2] == before[2], "the inferred graph changed"
    assert after[3] == before[3], "the stored graphs changed"


def test_graph_store_writes_to_design_graphs_are_refused(attacked: Server) -> None:
    """PUT, POST, DELETE /graphs on design and inferred graphs: 400 design-graph, no change."""
    before = state(attacked)
    body = f"{TRIPLE} .\n".encode()
    turtle = {"Content-Type": "text/turtle", **AUTH}
    with attacked.client() as client:
        for graph in (DESIGN, INFERRED, f"{GRAPH}afgeleid", f"{GRAPH}ontwerp/nieuw"):
            for answer in (
                client.put("/graphs", params={"graph": graph}, content=body, headers=turtle),
                client.post("/graphs", params={"graph": graph}, content=body, headers=turtle),
                client.delete("/graphs", params={"graph": graph}, headers=AUTH),
            ):
                assert (answer.status_code, answer.json()["error"]) == (400, "design-graph"), (
                    graph,
                    answer.text,
                )
    assert state(attacked) == before
