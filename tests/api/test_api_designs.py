"""``/designs`` and ``/validate`` against the service (in this process, see ``inprocess``).

Uploads in every format, listing, fetching with content negotiation, replacing, deleting;
strict mode; reasoning that follows every write (as seen by SPARQL queries); the validation
report as the command line gives it; writes to design graphs through SPARQL Update and the
Graph Store Protocol refused; nothing ever fetched from the web.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from inprocess import Service, serve_in_process
from ketenontologie.validation import validate

from .conftest import TOKEN, Listener

ROOT = Path(__file__).resolve().parents[2]
AUTH = {"Authorization": f"Bearer {TOKEN}"}
TURTLE = {"Content-Type": "text/turtle", **AUTH}
KETEN = "https://w3id.org/ketenontologie/def#"
ROL = "https://w3id.org/ketenontologie/id/rol/"
VALID = ROOT / "tests" / "designs" / "valid" / "kleine-keten.ttl"
INVALID = ROOT / "tests" / "designs" / "invalid" / "KS-R01-een-partner.ttl"  # a violation
ADVICE = "KS-R21"  # an info every test design gets: its fictional partners have no TOOI identifier
DESIGNS = "https://w3id.org/ketenontologie/graph/ontwerp/"

# A professional escalates to a coaching manager, who escalates to the chain manager: the
# reasoner infers that the professional eventually escalates to the chain manager.
ESCALATION = f"""
@prefix keten: <{KETEN}> .
@prefix rol: <{ROL}> .
rol:test-professional keten:escalatesTo rol:test-coach .
rol:test-coach keten:escalatesTo rol:test-ketenmanager .
"""
EVENTUALLY = (
    f"ASK {{ <{ROL}test-professional> <{KETEN}escalatesEventuallyTo> <{ROL}test-ketenmanager> }}"
)


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """A service of its own (these tests add and remove designs), with the project's data."""
    env = {"KETENONTOLOGIE_UPDATE_TOKEN": TOKEN, "KETENONTOLOGIE_MAX_BODY_BYTES": "1000000"}
    with serve_in_process(tmp_path_factory.mktemp("designs") / "data", env=env) as running:
        yield running


@pytest.fixture
def client(service: Service) -> Iterator[httpx.Client]:
    with service.client() as client:
        yield client


def ask(client: httpx.Client, query: str, *, inference: bool = True) -> bool:
    response = client.get(
        "/sparql",
        params={"query": query, "inference": "true" if inference else "false"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.status_code == 200, response.text
    return bool(response.json()["boolean"])


def graph_names(client: httpx.Client) -> set[str]:
    return {g["graph"] for g in client.get("/graphs").json()["graphs"]}


# --- upload, list, fetch, replace, delete --------------------------------------------------------


def test_a_design_round_trip(client: httpx.Client) -> None:
    body = VALID.read_bytes()
    created = client.put("/designs/rondje", content=body, headers=TURTLE)
    assert created.status_code == 201, created.text
    assert created.json()["conforms"] is True
    assert created.json()["summary"] == {"violations": 0, "warnings": 0, "infos": 2}
    assert {r["rule"] for r in created.json()["results"]} == {ADVICE}
    assert created.headers["location"].endswith("/designs/rondje")

    listed = {d["id"]: d for d in client.get("/designs").json()["designs"]}
    assert listed["rondje"]["graph"] == DESIGNS + "rondje"
    assert listed["rondje"]["triples"] == len(Graph().parse(data=body, format="turtle"))
    assert listed["rondje"]["inferred"] > 0
    assert "loonaangifteketen" in listed, "the example designs are designs too"

    original = Graph().parse(data=body, format="turtle")
    for accept, rdflib_format in [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ]:
        fetched = client.get("/designs/rondje", headers={"Accept": accept})
        assert fetched.status_code == 200
        assert fetched.headers["content-type"].startswith(accept)
        assert isomorphic(Graph().parse(data=fetched.content, format=rdflib_format), original)
    inferred = client.get("/designs/rondje", params={"include": "inferred", "format": "ntriples"})
    assert f"<{ROL}kleine-keten-ketenmanager> <{KETEN}actsIn>" not in inferred.text
    assert "<http://www.w3.org/ns/org#Post>" in inferred.text
    assert client.head("/designs/rondje").status_code == 200

    replaced = client.put(
        "/designs/rondje", content=INVALID.read_bytes(), headers=TURTLE
    )  # lenient: stored, with the report
    assert replaced.status_code == 200
    assert replaced.json()["conforms"] is False
    (broken,) = [r for r in replaced.json()["results"] if r["rule"] != ADVICE]
    assert (broken["rule"], broken["severity"], broken["basis"]) == ("KS-R01", "Violation", "nora")
    assert broken["file"] == "rondje.ttl"
    assert broken["line"] == 17  # the one keten:hasPartner statement

    assert client.delete("/designs/rondje", headers=AUTH).status_code == 204
    assert client.get("/designs/rondje").status_code == 404
    assert client.get("/designs/rondje").json()["error"] == "design-not-found"
    assert client.delete("/designs/rondje", headers=AUTH).status_code == 404
    assert DESIGNS + "rondje" not in graph_names(client)


def test_post_creates_and_refuses_a_taken_id(client: httpx.Client) -> None:
    body = VALID.read_bytes()
    created = client.post("/designs", params={"id": "nieuw"}, content=body, headers=TURTLE)
    assert created.status_code == 201
    again = client.post("/designs", params={"id": "nieuw"}, content=body, headers=TURTLE)
    assert again.status_code == 409
    assert again.json()["error"] == "design-exists"
    slug = client.post("/designs", content=body, headers={**TURTLE, "Slug": "met-slug"})
    assert slug.headers["location"].endswith("/designs/met-slug")
    anonymous = client.post("/designs", content=body, headers=TURTLE)
    assert anonymous.status_code == 201
    made = anonymous.headers["location"].rsplit("/", 1)[-1]
    assert made.startswith("ontwerp-")
    for design_id in ("nieuw", "met-slug", made):
        assert client.delete(f"/designs/{design_id}", headers=AUTH).status_code == 204


@pytest.mark.parametrize(
    ("media_type", "rdflib_format"),
    [
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_every_upload_format_stores_the_same_design(
    client: httpx.Client, media_type: str, rdflib_format: str
) -> None:
    original = Graph().parse(VALID, format="turtle")
    body = original.serialize(format=rdflib_format, encoding="utf-8")
    response = client.put(
        f"/designs/formaat-{rdflib_format}",
        content=body,
        headers={"Content-Type": media_type, **AUTH},
    )
    assert response.status_code == 201, response.text
    assert response.json()["conforms"] is True
    fetched = client.get(f"/designs/formaat-{rdflib_format}", params={"format": "ntriples"})
    assert isomorphic(Graph().parse(data=fetched.content, format="nt"), original)
    client.delete(f"/designs/formaat-{rdflib_format}", headers=AUTH)


def test_an_invalid_design_is_reported_with_its_lines(client: httpx.Client) -> None:
    response = client.put("/designs/met-fout", content=INVALID.read_bytes(), headers=TURTLE)
    assert response.status_code == 201
    report = response.json()
    expected = validate(INVALID).to_dict()
    for result in expected["results"]:
        result["file"] = "met-fout.ttl"
    assert report == expected
    client.delete("/designs/met-fout", headers=AUTH)


# --- strict mode ----------------------------------------------------------------------------------


def test_strict_mode_refuses_a_violation_and_stores_nothing(client: httpx.Client) -> None:
    before = graph_names(client)
    refused = client.put(
        "/designs/streng", params={"mode": "strict"}, content=INVALID.read_bytes(), headers=TURTLE
    )
    assert refused.status_code == 422
    body = refused.json()
    assert body["error"] == "not-conforming"
    assert "nothing was stored" in body["message"]
    assert body["report"]["summary"]["violations"] == 1
    assert client.get("/designs/streng").status_code == 404
    assert graph_names(client) == before
    assert not ask(client, f"ASK {{ GRAPH <{DESIGNS}streng> {{ ?s ?p ?o }} }}")

    accepted = client.put(
        "/designs/streng", params={"mode": "strict"}, content=VALID.read_bytes(), headers=TURTLE
    )
    assert accepted.status_code == 201
    # A strict replacement that breaks the rules leaves the stored version as it was.
    again = client.put(
        "/designs/streng", params={"mode": "strict"}, content=INVALID.read_bytes(), headers=TURTLE
    )
    assert again.status_code == 422
    stored = client.get("/designs/streng", params={"format": "ntriples"})
    assert isomorphic(
        Graph().parse(data=stored.content, format="nt"), Graph().parse(VALID, format="turtle")
    )
    client.delete("/designs/streng", headers=AUTH)


def test_warnings_pass_strict_mode_unless_fail_on_says_otherwise(client: httpx.Client) -> None:
    warned = ROOT / "tests" / "designs" / "invalid" / "KS-R16-twee-ketenmanagers.ttl"
    ok = client.put(
        "/designs/waarschuwing",
        params={"mode": "strict"},
        content=warned.read_bytes(),
        headers=TURTLE,
    )
    assert ok.status_code == 201
    assert ok.json()["summary"]["warnings"] == 1
    refused = client.put(
        "/designs/waarschuwing",
        params={"mode": "strict", "fail-on": "warning"},
        content=warned.read_bytes(),
        headers=TURTLE,
    )
    assert refused.status_code == 422
    client.delete("/designs/waarschuwing", headers=AUTH)


def test_an_inconsistent_design_is_refused(client: httpx.Client) -> None:
    body = f"""
    @prefix keten: <{KETEN}> .
    <https://example.org/orgaan/x> a keten:ChainBoard, keten:ChainBureau .
    """
    response = client.put("/designs/tegenstrijdig", content=body, headers=TURTLE)
    assert response.status_code == 422
    assert response.json()["error"] == "inconsistent"
    assert "https://example.org/orgaan/x" in response.json()["message"]
    assert client.get("/designs/tegenstrijdig").status_code == 404


# --- reasoning follows ---------------------------------------------------------------------------


def test_queries_see_inferred_triples_of_an_upload_until_it_is_deleted(
    client: httpx.Client,
) -> None:
    assert not ask(client, EVENTUALLY)
    assert client.put("/designs/escalatie", content=ESCALATION, headers=TURTLE).status_code == 201
    assert ask(client, EVENTUALLY)
    assert not ask(client, EVENTUALLY, inference=False), "inferred, not asserted"
    graph = "https://w3id.org/ketenontologie/graph/afgeleid/escalatie"
    assert ask(client, f"ASK {{ GRAPH <{graph}> {{ {EVENTUALLY[6:-2]} }} }}")

    # Replace: without the second step, the path is gone.
    first_step = "\n".join(ESCALATION.strip().splitlines()[:3])
    assert client.put("/designs/escalatie", content=first_step, headers=TURTLE).status_code == 200
    assert not ask(client, EVENTUALLY)
    assert client.put("/designs/escalatie", content=ESCALATION, headers=TURTLE).status_code == 200
    assert ask(client, EVENTUALLY)

    assert client.delete("/designs/escalatie", headers=AUTH).status_code == 204
    assert not ask(client, EVENTUALLY)


def test_a_path_across_two_designs_follows_both(client: httpx.Client) -> None:
    lines = ESCALATION.strip().splitlines()
    first = "\n".join(lines[:3])
    second = "\n".join([*lines[:2], lines[3]])
    client.put("/designs/deel-een", content=first, headers=TURTLE)
    assert not ask(client, EVENTUALLY)
    client.put("/designs/deel-twee", content=second, headers=TURTLE)
    assert ask(client, EVENTUALLY)
    client.delete("/designs/deel-een", headers=AUTH)
    assert not ask(client, EVENTUALLY)
    client.delete("/designs/deel-twee", headers=AUTH)


def test_a_named_query_sees_an_uploaded_design(client: httpx.Client) -> None:
    body = (ROOT / "data" / "voorbeeldketen-havenstad.ttl").read_text("utf-8")
    renamed = body.replace("havenstad", "zeestad")
    assert client.put("/designs/zeestad", content=renamed, headers=TURTLE).status_code == 201
    chain = "https://w3id.org/ketenontologie/id/keten/voorbeeldketen-zeestad"
    rows = client.get("/queries/list-escalation-paths", params={"chain": chain}).json()
    assert rows["results"]["bindings"], "escalation paths of the uploaded chain"
    client.delete("/designs/zeestad", headers=AUTH)
    rows = client.get("/queries/list-escalation-paths", params={"chain": chain}).json()
    assert rows["results"]["bindings"] == []


def test_a_restart_rebuilds_the_reasoning_state(tmp_path: Path) -> None:
    env = {"KETENONTOLOGIE_UPDATE_TOKEN": TOKEN, "KETENONTOLOGIE_LOAD_PROJECT": "false"}
    with serve_in_process(tmp_path / "data", env=env) as first, first.client() as client:
        lines = ESCALATION.strip().splitlines()
        client.put("/designs/een", content="\n".join(lines[:3]), headers=TURTLE)
        client.put("/designs/twee", content="\n".join([*lines[:2], lines[3]]), headers=TURTLE)
        assert ask(client, EVENTUALLY)
    with serve_in_process(tmp_path / "data", env=env) as second, second.client() as client:
        assert ask(client, EVENTUALLY)
        assert client.delete("/designs/een", headers=AUTH).status_code == 204
        assert not ask(client, EVENTUALLY), "the restarted state knows the path spans both"


# --- bad input -----------------------------------------------------------------------------------


def test_a_syntax_error_names_file_line_and_column(client: httpx.Client) -> None:
    body = (
        b"@prefix keten: <https://w3id.org/ketenontologie/def#> .\n\n<a:b> keten:x <a:c> <a:d> .\n"
    )
    response = client.put("/designs/kapot", content=body, headers=TURTLE)
    assert response.status_code == 400
    error = response.json()
    assert error["error"] == "rdf-syntax"
    assert (error["file"], error["line"]) == ("kapot.ttl", 3)
    assert isinstance(error["column"], int)
    assert error["message"].startswith(f"kapot.ttl:3:{error['column']}:")
    assert client.get("/designs/kapot").status_code == 404


@pytest.mark.parametrize(
    ("content_type", "status", "code"),
    [
        ("application/json", 415, "unknown-format"),
        ("text/html", 415, "unknown-format"),
        ("", 415, "unknown-format"),
    ],
)
def test_an_unknown_media_type_is_415(
    client: httpx.Client, content_type: str, status: int, code: str
) -> None:
    response = client.put(
        "/designs/x", content=VALID.read_bytes(), headers={"Content-Type": content_type, **AUTH}
    )
    assert response.status_code == status
    assert response.json()["error"] == code


def test_an_empty_design_is_400(client: httpx.Client) -> None:
    response = client.put("/designs/leeg", content=b"", headers=TURTLE)
    assert response.status_code == 400
    assert "no triples" in response.json()["message"]


def test_bad_ids_and_parameters_are_400(client: httpx.Client) -> None:
    assert client.put("/designs/.verborgen", content=b"", headers=TURTLE).status_code == 400
    assert client.put("/designs/a b", content=b"", headers=TURTLE).status_code == 400
    bad_mode = client.put("/designs/x", params={"mode": "soms"}, content=b"", headers=TURTLE)
    assert bad_mode.status_code == 400
    assert bad_mode.json()["error"] == "bad-request"


def test_remote_contexts_and_doctypes_are_refused_and_nothing_goes_out(
    client: httpx.Client, listener: Listener
) -> None:
    jsonld = json.dumps(
        {"@context": f"{listener.url}/context.jsonld", "@id": "https://example.org/a", "p": 1}
    )
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE rdf:RDF [<!ENTITY x SYSTEM "{listener.url}/x">]>'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="https://example.org/a">'
        "<rdf:value>&x;</rdf:value></rdf:Description></rdf:RDF>"
    )
    for route in ("/designs/extern", "/validate"):
        method = client.put if route.startswith("/designs") else client.post
        refused = method(
            route, content=jsonld, headers={"Content-Type": "application/ld+json", **AUTH}
        )
        assert refused.status_code == 400
        assert refused.json()["error"] == "remote-context"
        assert f"{listener.url}/context.jsonld" in refused.json()["message"]
        refused = method(
            route, content=xml, headers={"Content-Type": "application/rdf+xml", **AUTH}
        )
        assert refused.status_code == 400
        assert "DOCTYPE" in refused.json()["message"]
    time.sleep(0.3)
    assert listener.connections == []


def test_writes_need_the_token(client: httpx.Client, readonly_service: Service) -> None:
    body = VALID.read_bytes()
    assert client.put("/designs/x", content=body).status_code == 401
    wrong = {"Content-Type": "text/turtle", "Authorization": "Bearer wrong"}
    assert client.put("/designs/x", content=body, headers=wrong).status_code == 401
    assert client.post("/designs", content=body, headers=wrong).status_code == 401
    assert client.delete("/designs/loonaangifteketen").status_code == 401
    assert client.get("/designs/loonaangifteketen").status_code == 200
    with readonly_service.client() as readonly:
        response = readonly.put("/designs/x", content=body, headers=TURTLE)
        assert response.status_code == 403
        assert readonly.post("/validate", content=body, headers=TURTLE).status_code == 200


# --- /validate ----------------------------------------------------------------------------------


def test_validate_answers_the_command_lines_json(client: httpx.Client) -> None:
    for path in [VALID, INVALID]:
        response = client.post(
            "/validate", content=path.read_bytes(), headers={"Content-Type": "text/turtle"}
        )
        assert response.status_code == 200
        expected = validate(path).to_dict()
        for result in expected["results"]:
            result["file"] = "ontwerp.ttl"
        assert response.json() == expected
    assert DESIGNS + "ontwerp" not in graph_names(client), "nothing is stored"


def test_validate_reports_an_inconsistency_as_ks_c01(client: httpx.Client) -> None:
    # SHACL finds nothing wrong with a board that is also a bureau; OWL 2 RL does.
    path = ROOT / "tests" / "designs" / "invalid" / "KS-C01-bestuur-ook-ketenbureau.ttl"
    response = client.post(
        "/validate", content=path.read_bytes(), headers={"Content-Type": "text/turtle"}
    )
    assert response.status_code == 200
    report = response.json()
    assert report["conforms"] is False
    assert [
        (r["rule"], r["file"], r["line"]) for r in report["results"] if r["rule"] != ADVICE
    ] == [("KS-C01", "ontwerp.ttl", 34)]
    expected = validate(path).to_dict()
    for result in expected["results"]:
        result["file"] = "ontwerp.ttl"
    assert report == expected
    # Storing it is refused (422), in strict mode too, and nothing is stored.
    for params in ({}, {"mode": "strict"}):
        refused = client.put(
            "/designs/bestuur-en-bureau", params=params, content=path.read_bytes(), headers=TURTLE
        )
        assert refused.status_code == 422, refused.text
    assert client.get("/designs/bestuur-en-bureau").status_code == 404


def test_validate_answers_a_shacl_report_in_turtle(client: httpx.Client) -> None:
    response = client.post(
        "/validate",
        content=INVALID.read_bytes(),
        headers={"Content-Type": "text/turtle", "Accept": "text/turtle"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    report = Graph().parse(data=response.text, format="turtle")
    sh = "http://www.w3.org/ns/shacl#"
    rows = list(
        report.query(
            f"SELECT ?conforms ?shape WHERE {{ ?r a <{sh}ValidationReport> ; <{sh}conforms> "
            f"?conforms ; <{sh}result> [ <{sh}sourceShape> ?shape ] }}"
        )
    )
    assert {(str(c), str(s)) for c, s in rows} == {
        ("false", "https://w3id.org/ketenontologie/shapes#KS-R01"),
        ("false", f"https://w3id.org/ketenontologie/shapes#{ADVICE}"),
    }


def test_validate_negotiates_and_refuses_what_it_cannot_give(client: httpx.Client) -> None:
    body = VALID.read_bytes()
    preferred = client.post(
        "/validate",
        content=body,
        headers={"Content-Type": "text/turtle", "Accept": "text/turtle;q=0.5, application/json"},
    )
    assert preferred.headers["content-type"].startswith("application/json")
    refused = client.post(
        "/validate", content=body, headers={"Content-Type": "text/turtle", "Accept": "image/png"}
    )
    assert refused.status_code == 406
    assert refused.json()["error"] == "not-acceptable"


def test_validate_reports_syntax_errors_with_their_position(client: httpx.Client) -> None:
    response = client.post(
        "/validate", content=b"<a:b> <a:c> .", headers={"Content-Type": "text/turtle"}
    )
    assert response.status_code == 400
    assert response.json()["file"] == "ontwerp.ttl"
    assert response.json()["line"] == 1


# --- other writers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "update",
    [
        f"INSERT DATA {{ GRAPH <{DESIGNS}loonaangifteketen> {{ <a:b> <a:c> <a:d> }} }}",
        "INSERT DATA { GRAPH <https://w3id.org/ketenontologie/graph/afgeleid> { <a:b> <a:c> 1 } }",
        f"PREFIX o: <{DESIGNS}>\nDELETE DATA {{ GRAPH o:loonaangifteketen {{ <a:b> <a:c> 1 }} }}",
        "DELETE WHERE { GRAPH ?g { ?s ?p ?o } }",
        "DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } }",
        f"WITH <{DESIGNS}loonaangifteketen> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
        f"CLEAR GRAPH <{DESIGNS}loonaangifteketen>",
        f"DROP SILENT GRAPH <{DESIGNS}loonaangifteketen>",
        f"CREATE GRAPH <{DESIGNS}nieuw>",
        f"MOVE <{DESIGNS}loonaangifteketen> TO <https://example.org/elders>",
        f"COPY DEFAULT TO GRAPH <{DESIGNS}loonaangifteketen>",
        "CLEAR ALL",
        "DROP NAMED",
        f"INSERT DATA {{ <a:b> <a:c> <a:d> }} ; DROP GRAPH <{DESIGNS}loonaangifteketen>",
    ],
)
def test_updates_that_may_write_design_graphs_are_refused(
    client: httpx.Client, update: str
) -> None:
    response = client.post(
        "/sparql/update",
        content=update,
        headers={"Content-Type": "application/sparql-update", **AUTH},
    )
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "design-graph"
    assert "/designs" in response.json()["message"]
    assert DESIGNS + "loonaangifteketen" in graph_names(client)


def test_updates_may_read_design_graphs_and_write_elsewhere(client: httpx.Client) -> None:
    target = "https://example.org/graph/kopie"
    update = (
        f"INSERT {{ GRAPH <{target}> {{ ?s ?p ?o }} }} "
        f"WHERE {{ GRAPH <{DESIGNS}loonaangifteketen> {{ ?s ?p ?o }} }}"
    )
    response = client.post(
        "/sparql/update",
        content=update,
        headers={"Content-Type": "application/sparql-update", **AUTH},
    )
    assert response.status_code == 204, response.text
    assert ask(client, f"ASK {{ GRAPH <{target}> {{ ?s ?p ?o }} }}")
    dropped = client.post(
        "/sparql/update",
        content=f"DROP GRAPH <{target}>",
        headers={"Content-Type": "application/sparql-update", **AUTH},
    )
    assert dropped.status_code == 204


def test_graph_store_writes_to_design_graphs_are_refused(client: httpx.Client) -> None:
    for graph in (
        DESIGNS + "loonaangifteketen",
        "https://w3id.org/ketenontologie/graph/afgeleid/loonaangifteketen",
    ):
        for method in ("PUT", "POST", "DELETE"):
            response = client.request(
                method,
                "/graphs",
                params={"graph": graph},
                content=b"<a:b> <a:c> <a:d> .",
                headers={"Content-Type": "application/n-triples", **AUTH},
            )
            assert response.status_code == 400, (method, graph)
            assert response.json()["error"] == "design-graph"
        assert client.get("/graphs", params={"graph": graph}).status_code == 200
