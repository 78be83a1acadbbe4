"""The history of a design through ``/designs``, on the embedded store and on Virtuoso.

One design goes through a life: stored, replaced twice, deleted, stored again. Its history
lists each version in order with the name its upload gave; ``?version=N`` gives each version
as it was stored; ``/diff`` says what changed between two, in each of its formats; the earlier
versions stay out of the default graph of queries but a query can name them; SPARQL Update
and the Graph Store Protocol may not write them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from inprocess import Service, serve_in_process
from ketenontologie.changes import apply_patch, canonical_triples
from ketenontologie.designs import DesignCatalogue
from ketenontologie.namespaces import design_graph, history_graph, version_graph
from services import STORES, TOKEN, store_env_for

ROOT = Path(__file__).resolve().parents[2]
AUTH = {"Authorization": f"Bearer {TOKEN}"}
TURTLE = {"Content-Type": "text/turtle", **AUTH}
ID = "historie"
CHAIN = "https://w3id.org/ketenontologie/id/keten/kleine-keten"
PARTNER_C = "https://w3id.org/ketenontologie/id/organisatie/partner-c"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"

V1 = (ROOT / "tests" / "designs" / "valid" / "kleine-keten.ttl").read_text()
V2 = (
    V1
    + """
ketens:kleine-keten keten:hasPartner organisatie:partner-c .
organisatie:partner-c a keten:ChainPartner ; rdfs:label "Organisatie C"@nl .
"""
)
V3 = V2.replace('rdfs:label "Kleine keten"@nl', 'rdfs:label "Kleine keten, vernieuwd"@nl')
LIFE = [V1, V2, V3, V1]
"""The stored versions in order: version 4 is the design stored again after its deletion."""


@pytest.fixture(scope="module", params=STORES)
def service(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Service]:
    """A service of its own per store, without the project's designs."""
    env = {
        **store_env_for(request.param, tmp_path_factory, "history", request.addfinalizer),
        "KETENONTOLOGIE_UPDATE_TOKEN": TOKEN,
        "KETENONTOLOGIE_LOAD_PROJECT": "false",
    }
    with serve_in_process(tmp_path_factory.mktemp("history") / "data", env=env) as running:
        yield running


@pytest.fixture(scope="module")
def lived(service: Service) -> Service:
    """The service after the design's life: stored, replaced twice, deleted, stored again."""
    with service.client() as client:
        for number, (text, name) in enumerate(
            [(V1, "eerste opzet"), (V2, None), (V3, "nieuwe naam: %C3%A9%C3%A9n")], start=1
        ):
            headers = {**TURTLE, **({"Ketenontologie-Version-Name": name} if name else {})}
            stored = client.put(f"/designs/{ID}", content=text, headers=headers)
            assert stored.status_code == (201 if number == 1 else 200), stored.text
        assert client.delete(f"/designs/{ID}", headers=AUTH).status_code == 204
        again = client.put(f"/designs/{ID}", content=V1, headers=TURTLE)
        assert again.status_code == 201, again.text
    return service


@pytest.fixture
def client(lived: Service) -> Iterator[httpx.Client]:
    with lived.client() as client:
        yield client


def triples(text: str | bytes, syntax: ox.RdfFormat = ox.RdfFormat.TURTLE) -> frozenset[ox.Triple]:
    data = text.encode() if isinstance(text, str) else text
    return canonical_triples(ox.parse(data, format=syntax, base_iri=design_graph(ID)))


def select(client: httpx.Client, query: str) -> list[dict[str, str]]:
    response = client.get(
        "/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"}
    )
    assert response.status_code == 200, response.text
    return [
        {name: cell["value"] for name, cell in row.items()}
        for row in response.json()["results"]["bindings"]
    ]


# --- the history ---------------------------------------------------------------------------------


def test_the_history_lists_every_version_in_the_order_stored(client: httpx.Client) -> None:
    response = client.get(f"/designs/{ID}/history", params={"lang": "en"})
    assert response.status_code == 200, response.text
    history = response.json()
    versions = history["versions"]
    assert [v["version"] for v in versions] == [1, 2, 3, 4]
    assert history["current"] == 4
    assert [v["current"] for v in versions] == [False, False, False, True]
    assert [v["name"] for v in versions] == ["eerste opzet", None, "nieuwe naam: één", None]
    assert [v["triples"] for v in versions] == [len(triples(text)) for text in LIFE]
    stored = [v["stored"] for v in versions]
    assert stored == sorted(stored) and all(s.endswith("Z") for s in stored)
    # Each version ends when the next is stored; version 3 ended with the deletion, before 4.
    assert [v["until"] for v in versions[:2]] == stored[1:3]
    assert stored[2] < versions[2]["until"] <= stored[3]
    assert versions[3]["until"] is None
    assert versions[0]["summary"] == f"First version, {len(triples(V1))} triples."
    assert versions[1]["summary"] == "Partner added; findings: 2 new, 0 fixed."
    assert versions[2]["summary"] == "Label changed."
    assert versions[3]["summary"] == "Partner removed; label changed; findings: 0 new, 2 fixed."
    assert versions[1]["diff"].endswith(f"/designs/{ID}/diff?from=1&to=2")
    assert versions[0]["diff"] is None
    assert [v["graph"] for v in versions] == [
        *(version_graph(ID, n) for n in (1, 2, 3)),
        design_graph(ID),
    ]


def test_the_history_speaks_dutch_by_default(client: httpx.Client) -> None:
    versions = client.get(f"/designs/{ID}/history").json()["versions"]
    assert versions[2]["summary"] == "Naam gewijzigd."
    english = client.get(f"/designs/{ID}/history", headers={"Accept-Language": "en"}).json()
    assert english["versions"][2]["summary"] == "Label changed."


def test_a_deleted_design_keeps_its_history(service: Service) -> None:
    with service.client() as client:
        body = "<https://example.org/a> <https://example.org/b> <https://example.org/c> ."
        assert client.put("/designs/weg", content=body, headers=TURTLE).status_code == 201
        assert client.delete("/designs/weg", headers=AUTH).status_code == 204
        assert client.get("/designs/weg").status_code == 404
        history = client.get("/designs/weg/history").json()
        assert history["current"] is None
        assert [(v["version"], v["current"]) for v in history["versions"]] == [(1, False)]
        assert history["versions"][0]["until"] is not None
        kept = client.get("/designs/weg", params={"version": 1, "format": "ntriples"})
        assert kept.status_code == 200, kept.text
        assert triples(kept.content, ox.RdfFormat.N_TRIPLES) == triples(body)


def test_no_history_for_a_design_never_stored(client: httpx.Client) -> None:
    response = client.get("/designs/nooit/history")
    assert response.status_code == 404
    assert response.json()["error"] == "design-not-found"


# --- one version ---------------------------------------------------------------------------------


@pytest.mark.parametrize("number", [1, 2, 3, 4])
def test_each_version_is_given_as_it_was_stored(client: httpx.Client, number: int) -> None:
    response = client.get(
        f"/designs/{ID}", params={"version": number}, headers={"Accept": "application/n-triples"}
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/n-triples")
    assert triples(response.content, ox.RdfFormat.N_TRIPLES) == triples(LIFE[number - 1])


def test_a_version_is_negotiated_like_the_design(client: httpx.Client) -> None:
    response = client.get(
        f"/designs/{ID}", params={"version": 2}, headers={"Accept": "application/ld+json"}
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/ld+json")
    assert triples(response.content, ox.RdfFormat.JSON_LD) == triples(V2)


def test_an_unknown_version_is_a_404_that_says_which_there_are(client: httpx.Client) -> None:
    response = client.get(f"/designs/{ID}", params={"version": 9})
    assert response.status_code == 404
    body = response.json()
    assert body["error"] == "version-not-found"
    assert "1 to 4" in body["message"] and f"/designs/{ID}/history" in body["message"]


@pytest.mark.parametrize(
    ("params", "fix"),
    [
        ({"version": 0}, "numbered from 1"),
        ({"version": 1, "include": "inferred"}, "asserted triples only"),
        ({"version": "een"}, "version"),
    ],
)
def test_a_version_that_is_no_version_is_a_400(
    client: httpx.Client, params: dict[str, object], fix: str
) -> None:
    response = client.get(f"/designs/{ID}", params=params)
    assert response.status_code == 400, response.text
    assert fix in response.json()["message"]


# --- diffs ---------------------------------------------------------------------------------------


def test_the_diff_as_json_names_the_changes(client: httpx.Client) -> None:
    response = client.get(
        f"/designs/{ID}/diff",
        params={"from": 1, "to": 2, "lang": "en"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    changes = response.json()["changes"]
    assert sorted((c["kind"], c["subject"]) for c in changes if c["kind"] != "finding-new") == [
        ("partner-added", PARTNER_C)
    ]
    assert response.json()["summary"]["findings"]["new"] == 2


def test_the_diff_defaults_to_the_last_two_versions_as_text(client: httpx.Client) -> None:
    response = client.get(f"/designs/{ID}/diff", params={"lang": "nl"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert "ketenpartner verwijderd" in response.text
    assert "Kleine keten, vernieuwd" in response.text


def test_the_diff_as_markdown_is_a_table_per_chain(client: httpx.Client) -> None:
    response = client.get(
        f"/designs/{ID}/diff",
        params={"from": 2, "to": 3},
        headers={"Accept": "text/markdown, text/plain;q=0.5"},
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/markdown; charset=utf-8"
    assert "| " in response.text and "naam gewijzigd" in response.text


@pytest.mark.parametrize(("older", "newer"), [(1, 2), (2, 3), (3, 4), (4, 1), (1, 1)])
def test_the_rdf_patch_turns_one_version_into_the_other(
    client: httpx.Client, older: int, newer: int
) -> None:
    response = client.get(
        f"/designs/{ID}/diff",
        params={"from": older, "to": newer},
        headers={"Accept": "application/rdf-patch"},
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/rdf-patch; charset=utf-8"
    before = triples(LIFE[older - 1])
    assert apply_patch(before, response.text) == triples(LIFE[newer - 1])


def test_the_diff_format_can_be_a_parameter(client: httpx.Client) -> None:
    response = client.get(f"/designs/{ID}/diff", params={"from": 2, "to": 3, "format": "json"})
    assert [c["kind"] for c in response.json()["changes"]] == ["label-changed"]


@pytest.mark.parametrize(
    ("params", "headers", "status", "error"),
    [
        ({"from": 1, "to": 7}, {}, 404, "version-not-found"),
        ({"from": 0, "to": 2}, {}, 400, "bad-request"),
        ({"to": 1}, {}, 400, "bad-request"),
        ({"from": 1, "to": 2}, {"Accept": "image/png"}, 406, "not-acceptable"),
        ({"from": 1, "to": 2, "lang": "fr"}, {}, 400, "bad-request"),
    ],
)
def test_a_diff_that_cannot_be_given_says_what_to_fix(
    client: httpx.Client,
    params: dict[str, object],
    headers: dict[str, str],
    status: int,
    error: str,
) -> None:
    response = client.get(f"/designs/{ID}/diff", params=params, headers=headers)
    assert response.status_code == status, response.text
    assert response.json()["error"] == error
    assert response.json()["message"]


# --- the chain's page ---------------------------------------------------------------------------


def test_the_chains_page_shows_its_history_with_a_link_to_each_diff(client: httpx.Client) -> None:
    response = client.get("/doc/keten/kleine-keten", headers={"Accept": "text/html"})
    assert response.status_code == 200, response.text
    page = response.text
    section = page[page.index('<section id="history"') :]
    section = section[: section.index("</section>")]
    assert section.count("<tr>") == 1 + 4  # the heading and a row per version
    for number in (1, 2, 3, 4):
        assert f'href="/designs/{ID}?version={number}"' in section
    for older in (1, 2, 3):
        diff = f"/designs/{ID}/diff?from={older}&amp;to={older + 1}&amp;lang=nl"
        assert f'href="{diff}"' in section
        shown = client.get(diff.replace("&amp;", "&"), headers={"Accept": "text/html,*/*;q=0.8"})
        assert shown.status_code == 200 and shown.headers["content-type"].startswith("text/plain")
    assert "Ketenpartner verwijderd; naam gewijzigd" in section
    assert "eerste opzet" in section and "huidige versie" in section
    assert section.count("<time datetime=") == 4
    english = client.get("/doc/keten/kleine-keten", params={"lang": "en"}).text
    assert "Partner added; findings: 2 new, 0 fixed." in english


# --- the store -----------------------------------------------------------------------------------


def test_earlier_versions_stay_out_of_the_default_graph(client: httpx.Client) -> None:
    labels = select(client, f"SELECT ?l WHERE {{ <{CHAIN}> <{LABEL}> ?l }}")
    assert [row["l"] for row in labels] == ["Kleine keten"]
    assert select(client, f"ASK {{ ?chain ?p <{PARTNER_C}> }}".replace("ASK", "SELECT *")) == []
    graphs = select(client, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert not [row for row in graphs if "/graph/versie/" in row["g"]]


def test_a_query_names_an_earlier_version(client: httpx.Client) -> None:
    old = version_graph(ID, 3)
    labels = select(client, f"SELECT ?l FROM <{old}> WHERE {{ <{CHAIN}> <{LABEL}> ?l }}")
    assert [row["l"] for row in labels] == ["Kleine keten, vernieuwd"]
    named = select(
        client,
        f"SELECT ?g ?l FROM NAMED <{old}> FROM NAMED <{version_graph(ID, 1)}> "
        f"WHERE {{ GRAPH ?g {{ <{CHAIN}> <{LABEL}> ?l }} }} ORDER BY ?g",
    )
    assert named == [
        {"g": version_graph(ID, 1), "l": "Kleine keten"},
        {"g": old, "l": "Kleine keten, vernieuwd"},
    ]
    revisions = select(
        client,
        f"PREFIX prov: <http://www.w3.org/ns/prov#> SELECT ?v ?w FROM <{history_graph(ID)}> "
        "WHERE { ?v prov:wasRevisionOf ?w } ORDER BY ?v",
    )
    assert revisions == [
        {"v": version_graph(ID, n + 1), "w": version_graph(ID, n)} for n in (1, 2, 3)
    ]


def test_a_version_graph_has_its_page_with_its_size(client: httpx.Client) -> None:
    path = version_graph(ID, 3)[len("https://w3id.org/ketenontologie") :]
    page = client.get(path, headers={"Accept": "text/html"})
    assert page.status_code == 200, page.text
    assert f">{len(triples(V3))}</span>" in page.text


@pytest.mark.parametrize("graph", [version_graph(ID, 1), history_graph(ID)])
def test_versions_cannot_be_written_but_through_designs(client: httpx.Client, graph: str) -> None:
    update = f"INSERT DATA {{ GRAPH <{graph}> {{ <urn:x:a> <urn:x:b> <urn:x:c> }} }}"
    refused = client.post(
        "/sparql/update",
        content=update,
        headers={"Content-Type": "application/sparql-update", **AUTH},
    )
    assert refused.status_code == 400, refused.text
    assert refused.json()["error"] == "design-graph"
    assert "geschiedenis" in refused.json()["message"]
    put = client.put(
        "/graphs",
        params={"graph": graph},
        content="<urn:x:a> <urn:x:b> <urn:x:c> .",
        headers={"Content-Type": "application/n-triples", **AUTH},
    )
    assert put.status_code == 400, put.text
    dropped = client.post(
        "/sparql/update",
        content=f"DROP GRAPH <{graph}>",
        headers={"Content-Type": "application/sparql-update", **AUTH},
    )
    assert dropped.status_code == 400, dropped.text
    assert len(client.get(f"/designs/{ID}/history").json()["versions"]) == 4


def test_the_history_is_read_back_from_the_store(lived: Service) -> None:
    """A catalogue opened anew on the store (as a restart opens it) has the same history."""
    reopened = DesignCatalogue.open(lived.app.state.store)
    assert reopened.history(ID) == lived.app.state.catalogue.history(ID)
    assert [v.number for v in reopened.history(ID).versions] == [1, 2, 3, 4]
