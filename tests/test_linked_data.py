"""Every IRI we mint resolves through the service, in every format.

The service is the tests' shared one with the project's data, in this process
(``shared_service``, see ``tests/services.py``). Pages are checked as HTML a person reads:
strict HTML5 parsing, one ``<h1>``, a ``lang`` attribute, a language switch, and every link on
them resolving.

The tests that take ``each_client`` run on the embedded store and again on a throwaway Virtuoso
(``tests/virtuoso.py``): the walk of every IRI, content negotiation, the 404s, VoID and a design
page. The rest run on the embedded store only (the pages come from the same code either way).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import html5lib
import httpx
import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import DCAT

from api.conftest import STORES, TOKEN
from inprocess import Service, serve_in_process
from ketenontologie import load_graph
from ketenontologie.namespaces import (
    BASE,
    DEF,
    GRAPH,
    KETEN,
    ONTOLOGY_GRAPH,
    RDF,
    RDFS,
    SCHEME_GRAPH,
    SHAPES,
    design_graph,
    inferred_graph,
)
from ketenontologie.resources import design_files, ontology_files, shape_files
from ketenontologie.sparql.results import format_by_name, write_solutions
from ketenontologie.validation import validate
from services import Listener

RDF_ACCEPT = {
    "text/turtle": ("ttl", "turtle"),
    "application/ld+json": ("jsonld", "json-ld"),
    "application/rdf+xml": ("rdf", "xml"),
    "application/n-triples": ("nt", "nt"),
}
DATASET_ACCEPT = {"application/trig": "trig", "application/n-quads": "nquads"}
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
VOID = "http://rdfs.org/ns/void#"
SD = "http://www.w3.org/ns/sparql-service-description#"


def _require_graphviz() -> None:
    """Skip without Graphviz's ``dot``, but fail on CI (``CI=true``), where it must be there."""
    if shutil.which("dot"):
        return
    message = "Graphviz is not installed (apt-get install -y graphviz)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def client(oxigraph_service: Service) -> Iterator[httpx.Client]:
    with oxigraph_service.client() as client:
        yield client


@pytest.fixture(scope="module", params=STORES)
def each_client(request: pytest.FixtureRequest) -> Iterator[httpx.Client]:
    """A client of the same service on each store: the embedded one, then Virtuoso."""
    service: Service = request.getfixturevalue(f"{request.param}_service")
    with service.client() as client:
        yield client


def _minted() -> set[str]:
    """Every IRI under our base in the ontology, the concept scheme and the example designs."""
    found = set()
    for path in [*ontology_files(), *design_files()]:
        for triple in load_graph(path):
            for term in triple:
                if isinstance(term, URIRef) and str(term).startswith(BASE + "/"):
                    found.add(str(term))
    return found


MINTED = sorted(_minted())
THINGS = [iri for iri in MINTED if iri.startswith(f"{BASE}/id/")]
TERMS = [iri for iri in MINTED if iri.startswith(f"{DEF}#")]


def _parse(body: bytes, rdf_format: str) -> Graph:
    return Graph().parse(data=body.decode("utf-8"), format=rdf_format)


# --- walking every IRI ------------------------------------------------------------------------


def _void(client: httpx.Client) -> Graph:
    answer = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert answer.status_code == 200
    return _parse(answer.content, "turtle")


def _iris_in(graph: Graph, prefix: str) -> set[str]:
    return {
        str(term)
        for triple in graph
        for term in triple
        if isinstance(term, URIRef) and str(term).startswith(prefix)
    }


def _graphs_listed(client: httpx.Client) -> set[str]:
    """Every graph the store lists: in the SPARQL service description and at ``/graphs``."""
    described = _parse(client.get("/sparql", headers={"Accept": "text/turtle"}).content, "turtle")
    named = {str(name) for name in described.objects(None, URIRef(SD + "name"))}
    listed = {entry["graph"] for entry in client.get("/graphs").json()["graphs"]}
    assert named == listed
    return listed


def _truncated_link() -> str:
    """The IRI the service writes into the head of a SPARQL XML result cut at the row limit."""
    xml = format_by_name("xml", kind="solutions")
    assert xml is not None
    head = write_solutions(["x"], [], fmt=xml, truncated=True).decode()
    link = head.split('<link href="', 1)[1].split('"', 1)[0]
    assert link.startswith(BASE + "/")
    return link


def _walk_graphs(client: httpx.Client) -> list[str]:
    """The graph IRIs the walk dereferences: those the store lists and those VoID names."""
    return sorted(_graphs_listed(client) | _iris_in(_void(client), GRAPH))


def _walk_def(client: httpx.Client) -> list[str]:
    """The ``…/def`` IRIs the walk dereferences beside the terms: VoID's, and the service's."""
    return sorted(_iris_in(_void(client), DEF) | {_truncated_link()})


def test_the_walk_covers_things_terms_graphs_and_the_void(each_client: httpx.Client) -> None:
    assert len(THINGS) >= 80 and len(TERMS) >= 40
    assert {iri[len(BASE) :].split("/")[1].partition("#")[0] for iri in MINTED} <= {"def", "id"}
    graphs = _walk_graphs(each_client)
    void = _void(each_client)
    assert _graphs_listed(each_client) <= set(graphs)
    assert {str(g) for g in void.objects(None, URIRef(SD + "name"))} <= set(graphs)
    assert {ONTOLOGY_GRAPH, SCHEME_GRAPH, design_graph("loonaangifteketen")} <= set(graphs)
    assert inferred_graph("voorbeeldketen-havenstad") in graphs
    in_void = {iri for iri in _iris_in(void, BASE + "/") if iri.startswith((GRAPH, DEF))}
    assert in_void <= set(graphs) | set(_walk_def(each_client))
    assert f"{DEF}/service#truncated" in _walk_def(each_client)


@pytest.mark.slow
def test_every_graph_iri_resolves_to_its_triples_and_a_page(each_client: httpx.Client) -> None:
    void = _void(each_client)
    sizes = {
        str(void.value(subset, URIRef(SD + "name"))): int(triples)
        for subset, triples in void.subject_objects(URIRef(VOID + "triples"))
        if void.value(subset, URIRef(SD + "name")) is not None
    }
    for iri in _walk_graphs(each_client):
        path = iri[len(BASE) :]
        page = each_client.get(path, headers={"Accept": BROWSER})
        assert page.status_code == 200, path
        assert page.headers["content-type"].startswith("text/html")
        assert iri in page.text and f">{sizes[iri]}</span>" in page.text, path
        assert f'href="/dumps/{path[len("/graph/") :]}.ttl"' in page.text
        for media, (extension, rdf_format) in RDF_ACCEPT.items():
            answer = each_client.get(path, headers={"Accept": media})
            assert answer.status_code == 200, (path, media)
            assert answer.headers["content-type"].startswith(media)
            dump = answer.headers["content-location"]
            assert dump == f"/dumps/{path[len('/graph/') :]}.{extension}"
            assert len(_parse(answer.content, rdf_format)) == sizes[iri], (path, media)
            assert len(_parse(each_client.get(dump).content, rdf_format)) == sizes[iri], dump
        for media, rdf_format in DATASET_ACCEPT.items():
            answer = each_client.get(path, headers={"Accept": media})
            assert answer.status_code == 200, (path, media)
            named = Dataset().parse(data=answer.text, format=rdf_format)
            assert [str(g.identifier) for g in named.graphs() if len(g)] == (
                [iri] if sizes[iri] else []
            )
            assert each_client.get(answer.headers["content-location"]).status_code == 200
    assert each_client.get("/graph/ontologie", headers={"Accept": "image/png"}).status_code == 406


def test_every_def_iri_resolves_to_its_section_in_every_format(each_client: httpx.Client) -> None:
    for iri in _walk_def(each_client):
        document, _, anchor = iri[len(BASE) :].partition("#")
        page = each_client.get(document, headers={"Accept": BROWSER})
        assert page.status_code == 200, iri
        assert not anchor or anchor in _ids(page.text), iri
        assert iri in page.text
        for media, (extension, rdf_format) in RDF_ACCEPT.items():
            for answer in (
                each_client.get(document, headers={"Accept": media}),
                each_client.get(f"{document}.{extension}"),
            ):
                assert answer.status_code == 200, (iri, media)
                assert (URIRef(iri), None, None) in _parse(answer.content, rdf_format), iri


def test_the_service_vocabulary_explains_truncation_in_both_languages(client: httpx.Client) -> None:
    english = client.get("/def/service", headers={"Accept": BROWSER, "Accept-Language": "en"})
    assert '<html lang="en">' in english.text
    assert "row limit" in english.text and "Ketenontologie-Result-Truncated" in english.text
    dutch = client.get("/def/service.html")
    assert '<html lang="nl">' in dutch.text and "rijlimiet" in dutch.text
    vocabulary = _parse(client.get("/def/service.ttl").content, "turtle")
    truncated = URIRef(_truncated_link())
    assert {o.language for o in vocabulary.objects(truncated, RDFS.label)} == {"nl", "en"}
    assert (truncated, RDFS.isDefinedBy, URIRef(f"{DEF}/service")) in vocabulary


@pytest.mark.slow
def test_every_thing_iri_is_303_to_its_document_in_every_format(
    each_client: httpx.Client, request: pytest.FixtureRequest
) -> None:
    """On the embedded store every thing in every format, by ``Accept`` and by extension. On
    Virtuoso every thing too, but each in one RDF format (taking turns), by ``Accept``: what
    depends on the store is finding the thing's triples; the serialising is the same code."""
    client = each_client
    every_format = request.node.callspec.params["each_client"] == "oxigraph"
    formats = list(RDF_ACCEPT.items())
    for number, iri in enumerate(THINGS):
        path = iri[len(BASE) :]
        answer = client.get(path, headers={"Accept": BROWSER})
        assert answer.status_code == 303, path
        doc = answer.headers["location"]
        assert doc == path.replace("/id/", "/doc/", 1)
        page = client.get(doc, headers={"Accept": BROWSER})
        assert page.status_code == 200, doc
        assert page.headers["content-type"].startswith("text/html")
        assert iri in page.text
        for media, (extension, rdf_format) in (
            formats if every_format else [formats[number % len(formats)]]
        ):
            answers = [client.get(doc, headers={"Accept": media})]
            if every_format:
                answers.append(client.get(f"{doc}.{extension}"))
            for answer in answers:
                assert answer.status_code == 200, (doc, media)
                assert answer.headers["content-type"].startswith(media)
                graph = _parse(answer.content, rdf_format)
                assert (URIRef(iri), None, None) in graph, (doc, media)


def test_every_term_has_an_anchor_and_triples_in_every_format(client: httpx.Client) -> None:
    page = client.get("/def", headers={"Accept": BROWSER})
    assert page.status_code == 200
    anchors = _ids(page.text)
    for iri in TERMS:
        assert iri.partition("#")[2] in anchors, iri
    for media, (extension, rdf_format) in RDF_ACCEPT.items():
        for answer in (
            client.get("/def", headers={"Accept": media}),
            client.get(f"/def.{extension}"),
        ):
            assert answer.status_code == 200
            graph = _parse(answer.content, rdf_format)
            for iri in TERMS:
                assert (URIRef(iri), None, None) in graph, (iri, media)


def test_the_version_iri_resolves_and_other_versions_do_not(client: httpx.Client) -> None:
    ontology = _parse(client.get("/def.ttl").content, "turtle")
    version = str(ontology.value(URIRef(DEF), URIRef("http://www.w3.org/2002/07/owl#versionIRI")))
    assert version.startswith(f"{DEF}/")
    assert client.get(version[len(BASE) :], headers={"Accept": "text/turtle"}).status_code == 200
    assert client.get(version[len(BASE) :] + ".jsonld").status_code == 200
    assert client.get("/def/0.0.0-nooit", headers={"Accept": BROWSER}).status_code == 404
    # The rules have a version IRI of their own, served the same way.
    shapes = _parse(client.get("/shapes.ttl").content, "turtle")
    rules = URIRef(SHAPES.rstrip("#"))
    version = str(shapes.value(rules, URIRef("http://www.w3.org/2002/07/owl#versionIRI")))
    assert version == f"{BASE}/shapes/{ontology.value(URIRef(DEF), OWL_VERSION_INFO)}"
    assert client.get(version[len(BASE) :], headers={"Accept": "text/turtle"}).status_code == 200
    assert client.get(version[len(BASE) :], headers={"Accept": BROWSER}).status_code == 200
    assert client.get("/shapes/0.0.0-nooit", headers={"Accept": BROWSER}).status_code == 404


OWL_VERSION_INFO = URIRef("http://www.w3.org/2002/07/owl#versionInfo")


def test_every_rule_has_an_anchor_and_the_shapes_parse(client: httpx.Client) -> None:
    shapes = set()
    for path in shape_files():
        for subject in load_graph(path).subjects():
            if isinstance(subject, URIRef) and str(subject).startswith(SHAPES):
                shapes.add(str(subject))
    anchors = _ids(client.get("/shapes", headers={"Accept": BROWSER}).text)
    assert {iri.partition("#")[2] for iri in shapes} <= anchors
    for media, (extension, rdf_format) in RDF_ACCEPT.items():
        graph = _parse(client.get("/shapes", headers={"Accept": media}).content, rdf_format)
        assert all((URIRef(iri), None, None) in graph for iri in shapes), media
        assert client.get(f"/shapes.{extension}").status_code == 200


# --- negotiation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("text/turtle;q=0.5, application/ld+json;q=0.9", "application/ld+json"),
        ("text/html;q=0, */*;q=0.1", "text/turtle"),
        ("application/rdf+xml;q=1, text/html;q=0.9", "application/rdf+xml"),
        ("*/*", "text/html"),
    ],
)
def test_q_values_choose_the_format(each_client: httpx.Client, accept: str, media: str) -> None:
    answer = each_client.get("/doc/pijler/P1", headers={"Accept": accept})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith(media)
    assert "Accept" in answer.headers["vary"]


def test_an_unacceptable_format_is_406_with_the_offer(each_client: httpx.Client) -> None:
    answer = each_client.get("/def", headers={"Accept": "image/png"})
    assert answer.status_code == 406
    assert answer.json()["error"] == "not-acceptable"
    assert "text/turtle" in answer.json()["message"]


def test_language_by_header_and_by_switch(client: httpx.Client) -> None:
    english = client.get("/doc/pijler/P7", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert '<html lang="en">' in english.text
    assert "knowledge of the chain" in english.text
    assert english.headers["content-language"] == "en"
    dutch = client.get("/doc/pijler/P7?lang=nl", headers={"Accept-Language": "en"})
    assert '<html lang="nl">' in dutch.text
    assert "kennis van de keten" in dutch.text
    assert 'href="/doc/pijler/P7?lang=en"' in dutch.text  # the switch keeps the page


def test_the_303_keeps_the_query(client: httpx.Client) -> None:
    answer = client.get("/id/keten/loonaangifteketen?lang=en&inferred=true")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/doc/keten/loonaangifteketen?lang=en&inferred=true"


# --- 404 ------------------------------------------------------------------------------------------


def test_an_unknown_iri_gets_a_page_that_helps(client: httpx.Client) -> None:
    answer = client.get("/id/pijler/P9", headers={"Accept": BROWSER})
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
    assert 'href="/doc/pijler/P8"' in answer.text  # a suggestion
    assert 'href="/def"' in answer.text and 'href="/doc/begrippenkader/ketensturing"' in answer.text
    machine = client.get("/doc/bouwsteen/ketenkompas", headers={"Accept": "text/turtle"})
    assert machine.status_code == 404
    assert machine.json()["error"] == "not-found"
    assert client.get("/def.exe", headers={"Accept": BROWSER}).status_code == 404
    for path in ("/graph/%25zz", "/graph/a%20b", "/dumps/%25zz.ttl", "/graph/"):
        assert client.get(path, headers={"Accept": BROWSER}).status_code == 404, path
        assert client.get(path).json()["error"] == "not-found", path


MISSING = {
    # path: (error code for API clients, a suggestion the page makes, or None)
    "/id/pijler": ("not-found", "/doc/pijler/P1"),
    "/ID/keten/loonaangifteketen": ("not-found", "/doc/keten/loonaangifteketen"),
    "/graph/onbekend": ("not-found", None),
    "/graph/ontwerp/loonaangifteketn": ("not-found", "/graph/ontwerp/loonaangifteketen"),
    "/graph/beheer/journaal": ("not-found", None),
    "/nergens/te/vinden": ("not-found", None),
    "/designs/onbekend": ("design-not-found", None),
    "/doc?uri=https://rivierstad.example.nl/id/keten/onbekend": ("not-found", None),
    "/queries/onbekend": ("not-found", None),
}


@pytest.mark.parametrize("path", sorted(MISSING))
def test_every_404_is_a_page_for_browsers_and_json_for_clients(
    each_client: httpx.Client, path: str
) -> None:
    code, suggestion = MISSING[path]
    page = each_client.get(path, headers={"Accept": BROWSER})
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert '<html lang="nl">' in page.text and "<h1>Niet gevonden</h1>" in page.text
    assert f"<code>{path}</code>" in page.text.replace("&amp;", "&")
    for href in ('href="/def"', 'href="/doc/begrippenkader/ketensturing"', 'href="/"'):
        assert href in page.text, href
    if suggestion:
        assert f'href="{suggestion}"' in page.text
    english = each_client.get(path, headers={"Accept": BROWSER, "Accept-Language": "en"})
    assert '<html lang="en">' in english.text and "<h1>Not found</h1>" in english.text
    assert 'href="/?lang=en"' in english.text and 'href="/def?lang=en"' in english.text
    for accept in (None, "*/*", "application/json", "text/turtle", "text/html;q=0.5, */*"):
        answer = each_client.get(path, headers={} if accept is None else {"Accept": accept})
        assert answer.status_code == 404, accept
        assert answer.headers["content-type"].startswith("application/json"), accept
        body = answer.json()
        assert body["error"] == code and body["message"], accept


# --- VoID and dumps -------------------------------------------------------------------------------


def test_void_names_the_endpoint_and_every_dump_resolves(each_client: httpx.Client) -> None:
    client = each_client
    void = _parse(
        client.get("/.well-known/void", headers={"Accept": "text/turtle"}).content, "turtle"
    )
    ns = "http://rdfs.org/ns/void#"
    # The addresses are where this service answers (the w3id.org namespace is not registered
    # yet, so its addresses would not resolve); the dataset and its things keep their IRIs.
    served = str(client.base_url).rstrip("/")
    endpoints = set(void.objects(None, URIRef(ns + "sparqlEndpoint")))
    assert endpoints == {URIRef(f"{served}/sparql")}
    assert {str(o) for o in void.objects(None, URIRef(ns + "uriSpace"))} == {f"{BASE}/id/"}
    dumps = sorted(str(o) for o in void.objects(None, URIRef(ns + "dataDump")))
    assert any(d.endswith("/dumps/ontologie.ttl") for d in dumps)
    assert any(d.endswith("/dumps/ontwerp/voorbeeldketen-havenstad.nt") for d in dumps)
    assert all(d.startswith(f"{served}/dumps/") for d in dumps)
    for dump in dumps:
        answer = client.get(dump[len(served) :])
        assert answer.status_code == 200, dump
    downloads = {str(o) for o in void.objects(None, DCAT.downloadURL)}
    assert downloads == set(dumps)
    page = client.get("/.well-known/void", headers={"Accept": BROWSER}).text
    assert f"<code>{served}/sparql</code>" in page
    whole = Dataset().parse(data=client.get("/dumps/alles.nq").text, format="nquads")
    assert len(list(whole.graphs())) > 10
    sparql = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
    assert sparql.status_code == 200


# --- pages a person reads ----------------------------------------------------------------------


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.h1 = 0
        self.svg_titles = 0
        self.in_svg = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if tag in ("a", "link") and values.get("href"):
            self.links.append(str(values["href"]))
        if tag == "h1":
            self.h1 += 1
        if tag == "svg":
            self.in_svg = True
        if tag == "title" and self.in_svg:
            self.svg_titles += 1


def _ids(html: str) -> set[str]:
    collector = _Collector()
    collector.feed(html)
    return collector.ids


PAGES = [
    "/def",
    "/def?lang=en",
    "/def/service",
    "/graph/ontologie",
    "/graph/ontwerp/voorbeeldketen-havenstad?lang=en",
    "/graph/afgeleid/voorbeeldketen-havenstad",
    "/graph/shapes/chain",
    "/shapes",
    "/doc/begrippenkader/ketensturing",
    "/doc/begrippenkader/ketensturing?lang=en",
    "/doc/pijler/P7",
    "/doc/bouwsteen/ketenkaart",
    "/doc/bijdrage/ketenkaart-2",
    "/doc/keten/voorbeeldketen-havenstad",
    "/doc/keten/voorbeeldketen-havenstad?inferred=true&lang=en",
    "/doc/keten/loonaangifteketen",
    "/doc/keten/keten-werk-en-inkomen",
    "/doc/keten/voorbeeldketen-zuiderveld",
    "/doc/rol/ketenmanager-havenstad?inferred=true",
    "/.well-known/void",
    "/id/onbekend/ding",
    "/ID/keten/loonaangifteketen",
    "/graph/onbekend?lang=en",
    "/nergens/te/vinden",
    "/doc?uri=https://rivierstad.example.nl/id/keten/onbekend",
    "/doc?uri=https://w3id.org/ketenontologie/id/pijler/P3&lang=en",
]
NOT_FOUND_PAGES = {
    "/doc?uri=https://rivierstad.example.nl/id/keten/onbekend",
    "/id/onbekend/ding",
    "/ID/keten/loonaangifteketen",
    "/graph/onbekend",
    "/nergens/te/vinden",
}


@pytest.fixture(scope="module")
def fetched(client: httpx.Client) -> dict[str, tuple[int, set[str]]]:
    """Status and element ids of the pages fetched so far (pages do not change in a run)."""
    return {}


@pytest.mark.parametrize("path", PAGES)
def test_pages_are_valid_html_with_working_links(
    client: httpx.Client, fetched: dict[str, tuple[int, set[str]]], path: str
) -> None:
    answer = client.get(path, headers={"Accept": BROWSER}, follow_redirects=True)
    missing = path in NOT_FOUND_PAGES or path.partition("?")[0] in NOT_FOUND_PAGES
    assert answer.status_code == (404 if missing else 200)
    html = answer.text
    html5lib.HTMLParser(strict=True).parse(html)  # raises on any parse error
    collector = _Collector()
    collector.feed(html)
    assert collector.h1 == 1
    assert html.startswith("<!DOCTYPE html>\n<html lang=")
    assert 'aria-label="Taal"' in html or 'aria-label="Language"' in html
    if "<svg" in html:
        assert collector.svg_titles >= 1
    here = urlsplit(str(answer.url)).path
    for href in sorted(set(collector.links)):
        target = urljoin(here, href)
        if target.startswith(("http://", "https://")):
            continue  # outside the service: never fetched by the tests
        page, _, fragment = target.partition("#")
        same_page = urlsplit(page).path == urlsplit(path).path
        if href.startswith("#") or page == path or (same_page and missing):
            assert not fragment or fragment in collector.ids, f"{path}: {href}"
            continue
        if page not in fetched:
            seen = client.get(page, headers={"Accept": BROWSER}, follow_redirects=True)
            fetched[page] = (seen.status_code, _ids(seen.text))
        status, ids = fetched[page]
        assert status == 200, f"{path}: {href}"
        assert not fragment or fragment in ids, f"{path}: {href}"


def test_the_design_page_shows_the_validation_report(each_client: httpx.Client) -> None:
    root = Path(__file__).resolve().parents[1]
    report = validate(root / "data" / "loonaangifteketen.ttl")
    page = each_client.get("/doc/keten/loonaangifteketen?lang=en").text
    assert report.results, "the example design is expected to break a rule"
    for result in report.results:
        assert f'href="/shapes?lang=en#{result.rule}"' in page
        assert result.message["en"] in page.replace("&#39;", "'").replace("&quot;", '"')
    assert "does not meet every rule" in page or "no violations" in page


def test_inferred_escalation_paths_are_drawn_on_request(client: httpx.Client) -> None:
    _require_graphviz()
    plain = client.get("/doc/keten/voorbeeldketen-havenstad").text
    inferred = client.get("/doc/keten/voorbeeldketen-havenstad?inferred=true").text
    assert plain.count('stroke-dasharray="1,5"') == 0
    assert inferred.count('stroke-dasharray="1,5"') > 5
    assert "keten:escalatesEventuallyTo" in inferred


def test_the_rdf_of_a_chain_is_its_whole_design(client: httpx.Client) -> None:
    design = load_graph(
        Path(__file__).resolve().parents[1] / "data" / "voorbeeldketen-havenstad.ttl"
    )
    served = _parse(client.get("/doc/keten/voorbeeldketen-havenstad.ttl").content, "turtle")
    assert len(served) == len(design)
    partner = URIRef(f"{BASE}/id/organisatie/gemeente-havenstad")
    cbd = _parse(client.get("/doc/organisatie/gemeente-havenstad.nt").content, "nt")
    assert set(cbd.subjects()) == {partner}
    inferred = _parse(
        client.get("/doc/organisatie/gemeente-havenstad.nt?inferred=true").content, "nt"
    )
    assert len(inferred) > len(cbd)
    assert json.loads(client.get("/doc/organisatie/gemeente-havenstad.jsonld").content)
    assert (partner, KETEN.partnerIn, None) in cbd


# --- a publisher's own base IRI ----------------------------------------------------------------

PUBLISHER = "https://ketens.example.nl"
OWN_DESIGN = f"""
@prefix keten: <{DEF}#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<{PUBLISHER}/id/keten/eigen> a keten:Chain ;
  rdfs:label "eigen keten"@nl , "own chain"@en ;
  keten:hasPartner <{PUBLISHER}/id/organisatie/eigen-partner> .
<{PUBLISHER}/id/organisatie/eigen-partner> a org:Organization ;
  rdfs:label "eigen partner"@nl , "own partner"@en .
"""


@pytest.fixture(scope="module")
def publisher(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    """The service started with a publisher's base IRI, holding one design in its IRIs."""
    env = {
        "KETENONTOLOGIE_UPDATE_TOKEN": TOKEN,
        "KETENONTOLOGIE_BASE_IRI": PUBLISHER,
        "KETENONTOLOGIE_PUBLIC_URL": PUBLISHER + "/",
    }
    data = tmp_path_factory.mktemp("publisher") / "data"
    with serve_in_process(data, env=env) as running, running.client() as client:
        stored = client.post(
            "/designs",
            params={"id": "eigen"},
            content=OWN_DESIGN.encode(),
            headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {TOKEN}"},
        )
        assert stored.status_code in (200, 201), stored.text
        yield client


def test_a_publishers_void_names_its_endpoint_and_dumps(publisher: httpx.Client) -> None:
    # The publisher's service is reached at its base IRI (KETENONTOLOGIE_PUBLIC_URL).
    void = _void(publisher)
    assert set(void.objects(None, URIRef(VOID + "sparqlEndpoint"))) == {
        URIRef(f"{PUBLISHER}/sparql")
    }
    assert {str(o) for o in void.objects(None, URIRef(VOID + "uriSpace"))} == {f"{PUBLISHER}/id/"}
    dumps = {str(o) for o in void.objects(None, URIRef(VOID + "dataDump"))}
    assert f"{PUBLISHER}/dumps/ontwerp/eigen.ttl" in dumps
    assert all(dump.startswith(f"{PUBLISHER}/dumps/") for dump in dumps)
    for dump in sorted(d for d in dumps if "eigen" in d or "alles" in d):
        assert publisher.get(dump[len(PUBLISHER) :]).status_code == 200, dump
    # Graph names stay the project's, and resolve on the publisher's host as well.
    assert design_graph("eigen") in {str(o) for o in void.objects(None, URIRef(SD + "name"))}
    graph = publisher.get(design_graph("eigen")[len(BASE) :], headers={"Accept": "text/turtle"})
    assert (URIRef(f"{PUBLISHER}/id/keten/eigen"), None, None) in _parse(graph.content, "turtle")
    page = publisher.get("/.well-known/void", headers={"Accept": BROWSER}).text
    assert f"<code>{PUBLISHER}/sparql</code>" in page


def test_a_publishers_things_resolve_in_its_own_iris_and_ours_too(
    publisher: httpx.Client,
) -> None:
    own = publisher.get("/id/keten/eigen?lang=en")
    assert own.status_code == 303
    assert own.headers["location"] == "/doc/keten/eigen?lang=en"
    chain = URIRef(f"{PUBLISHER}/id/keten/eigen")
    partner = URIRef(f"{PUBLISHER}/id/organisatie/eigen-partner")
    for media, (extension, rdf_format) in RDF_ACCEPT.items():
        described = _parse(
            publisher.get("/doc/keten/eigen", headers={"Accept": media}).content, rdf_format
        )
        assert (chain, RDF.type, KETEN.Chain) in described, media
        assert (chain, KETEN.hasPartner, partner) in described, media
        assert not _iris_in(described, f"{BASE}/id/"), "our base must not replace theirs"
        assert len(_parse(publisher.get(f"/doc/keten/eigen.{extension}").content, rdf_format))
    page = publisher.get("/doc/keten/eigen", headers={"Accept": BROWSER, "Accept-Language": "en"})
    assert page.status_code == 200
    assert "own chain" in page.text and str(chain) in page.text
    assert 'href="/doc/organisatie/eigen-partner?lang=en"' in page.text
    assert publisher.get("/id/organisatie/eigen-partner").status_code == 303
    assert publisher.get("/id/keten/onbekend", headers={"Accept": BROWSER}).status_code == 404
    ours = publisher.get("/id/pijler/P1")
    assert ours.status_code == 303 and ours.headers["location"] == "/doc/pijler/P1"
    pillar = _parse(publisher.get("/doc/pijler/P1.ttl").content, "turtle")
    assert (URIRef(f"{BASE}/id/pijler/P1"), None, None) in pillar
    assert publisher.get("/def", headers={"Accept": "text/turtle"}).status_code == 200


# --- a design in its author's own namespace -------------------------------------------------

RIVIERSTAD = "https://rivierstad.example.nl/id/"
_THINGS = ("keten", "doel", "orgaan", "organisatie", "rol", "lidmaatschap")


def _moved(design: str, namespace: str) -> str:
    """``design`` with the IRIs of its things (not the concepts it uses) in ``namespace``."""
    for kind in _THINGS:
        design = design.replace(f"{BASE}/id/{kind}/", f"{namespace}{kind}/")
    return design


HAVENSTAD = (
    Path(__file__).resolve().parents[1] / "data" / "voorbeeldketen-havenstad.ttl"
).read_text(encoding="utf-8")
THEIR_CHAIN = f"{RIVIERSTAD}keten/voorbeeldketen-havenstad"
THEIR_MANAGER = f"{RIVIERSTAD}rol/ketenmanager-havenstad"


@pytest.fixture(scope="module")
def rivierstad(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    """The service (our base IRI) holding the Havenstad design moved to Rivierstad's namespace."""
    data = tmp_path_factory.mktemp("rivierstad") / "data"
    with (
        serve_in_process(data, env={"KETENONTOLOGIE_UPDATE_TOKEN": TOKEN}) as running,
        running.client() as client,
    ):
        stored = client.put(
            "/designs/rivierstad",
            content=_moved(HAVENSTAD, RIVIERSTAD).encode(),
            headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {TOKEN}"},
        )
        assert stored.status_code in (200, 201), stored.text
        yield client


def _about(iri: str, extension: str | None = None) -> str:
    return ("/doc" if extension is None else f"/doc.{extension}") + f"?uri={iri}"


def test_a_design_in_its_authors_namespace_has_a_page_with_its_diagram(
    rivierstad: httpx.Client,
) -> None:
    _require_graphviz()
    page = rivierstad.get(_about(THEIR_CHAIN), headers={"Accept": BROWSER})
    assert page.status_code == 200, page.text
    assert page.headers["content-type"].startswith("text/html")
    html = page.text
    html5lib.HTMLParser(strict=True).parse(html)
    assert "<h1>Voorbeeldketen Havenstad (fictief)</h1>" in html
    assert f"<code>{THEIR_CHAIN}</code>" in html
    # The diagram is drawn, and its nodes link to the pages of the design's own IRIs.
    collector = _Collector()
    collector.feed(html)
    assert "<svg" in html and collector.svg_titles > 10
    assert f'xlink:href="/doc?uri={THEIR_MANAGER}"' in html
    assert f'href="/doc?uri={RIVIERSTAD}organisatie/gemeente-havenstad"' in html
    assert f'href="{RIVIERSTAD}' not in html, "no link leaves the service for their IRIs"
    assert 'href="/doc/niveau/strategisch"' in html, "our concepts keep their own pages"
    for extension in ("ttl", "jsonld", "rdf", "nt"):
        assert f'href="/doc.{extension}?uri={THEIR_CHAIN}"' in html
    # Every link on the page that stays in the service answers.
    for href in sorted({h for h in collector.links if h.startswith("/doc?uri=")}):
        assert rivierstad.get(href, headers={"Accept": BROWSER}).status_code == 200, href
    english = rivierstad.get(_about(THEIR_CHAIN) + "&lang=en").text
    assert f'href="/doc?uri={THEIR_CHAIN}&amp;lang=nl"' in english  # the switch keeps the IRI
    assert f'href="/doc?uri={THEIR_MANAGER}&amp;lang=en"' in english
    inferred = rivierstad.get(_about(THEIR_CHAIN) + "&inferred=true").text
    assert inferred.count('stroke-dasharray="1,5"') > 5


def test_a_design_in_its_authors_namespace_in_every_rdf_format(rivierstad: httpx.Client) -> None:
    design = Graph().parse(data=_moved(HAVENSTAD, RIVIERSTAD), format="turtle")
    chain = URIRef(THEIR_CHAIN)
    for media, (extension, rdf_format) in RDF_ACCEPT.items():
        answer = rivierstad.get(_about(THEIR_CHAIN), headers={"Accept": media})
        assert answer.status_code == 200, media
        assert answer.headers["content-location"] == _about(THEIR_CHAIN, extension)
        assert f"<{_about(THEIR_CHAIN, 'ttl')}>" in answer.headers["link"]
        assert "Accept" in answer.headers["vary"]
        described = _parse(answer.content, rdf_format)
        assert len(described) == len(design), media  # a chain's document is its whole design
        assert (chain, RDF.type, KETEN.Chain) in described
        assert not _iris_in(described, f"{BASE}/id/keten/"), "their IRIs stay theirs"
        by_extension = rivierstad.get(_about(THEIR_CHAIN, extension))
        assert by_extension.status_code == 200 and len(_parse(by_extension.content, rdf_format))
    manager = _parse(rivierstad.get(_about(THEIR_MANAGER, "nt")).content, "nt")
    assert set(manager.subjects()) == {URIRef(THEIR_MANAGER)}
    head = rivierstad.head(_about(THEIR_CHAIN), headers={"Accept": "text/turtle"})
    assert head.status_code == 200 and head.content == b""


def test_only_iris_a_stored_design_describes_get_a_page(rivierstad: httpx.Client) -> None:
    for iri in (
        f"{RIVIERSTAD}keten/onbekend",
        "http://www.w3.org/ns/org#Organization",  # described by the ontology, published by W3C
        "https://www.noraonline.nl/wiki/Ketensturing",  # only ever an object
        "geen-iri",
    ):
        for path in (_about(iri), _about(iri, "ttl")):
            answer = rivierstad.get(path.replace("#", "%23"), headers={"Accept": "text/turtle"})
            assert answer.status_code == 404, path
            assert answer.json()["error"] == "not-found"
    page = rivierstad.get(
        _about(f"{RIVIERSTAD}keten/voorbeeldketen-havenstd"), headers={"Accept": BROWSER}
    )
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert f'href="/doc?uri={THEIR_CHAIN}"' in page.text, "a suggestion"
    missing = rivierstad.get("/doc", headers={"Accept": "application/json"})
    assert missing.status_code == 400 and "?uri=" in missing.json()["message"]


def test_our_own_iris_at_doc_uri_see_their_own_documents(rivierstad: httpx.Client) -> None:
    for asked, location in (
        (f"/doc?uri={BASE}/id/pijler/P1&lang=en", "/doc/pijler/P1?lang=en"),
        (f"/doc.ttl?uri={BASE}/id/pijler/P1", "/doc/pijler/P1.ttl"),
        (f"/doc?uri={DEF}%23Chain", "/def#Chain"),
        (f"/doc?uri={design_graph('rivierstad')}", "/graph/ontwerp/rivierstad"),
    ):
        answer = rivierstad.get(asked)
        assert answer.status_code == 303, asked
        assert answer.headers["location"] == location, asked


def test_pages_of_a_design_in_another_namespace_fetch_nothing(
    rivierstad: httpx.Client, listener: Listener
) -> None:
    """Its IRIs name a listening host: showing the design's pages must not reach it."""
    namespace = f"{listener.url}/id/"
    stored = rivierstad.put(
        "/designs/luisteraar",
        content=_moved(HAVENSTAD, namespace).encode(),
        headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {TOKEN}"},
    )
    assert stored.status_code in (200, 201), stored.text
    try:
        chain = f"{namespace}keten/voorbeeldketen-havenstad"
        for path in (
            _about(chain),
            _about(chain) + "&inferred=true&lang=en",
            _about(chain, "ttl"),
            _about(f"{namespace}rol/ketenmanager-havenstad"),
            _about(f"{namespace}keten/onbekend"),
        ):
            answer = rivierstad.get(path, headers={"Accept": BROWSER})
            assert answer.status_code in (200, 404), path
        assert listener.connections == []
    finally:
        rivierstad.delete("/designs/luisteraar", headers={"Authorization": f"Bearer {TOKEN}"})
