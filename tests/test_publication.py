"""The publication library without a server: formats, links, views, documents read without
copying graphs, diagrams, w3id rules."""

from __future__ import annotations

import doctest
import importlib
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.plugins.stores.memory import Memory, SimpleMemory

import ketenontologie.publication as publication
from ketenontologie import InputError, load_graph, load_ontology, summarize
from ketenontologie.diagrams import chain_dot, chain_svg, render_svg
from ketenontologie.errors import DiagramError, NotPublishedError
from ketenontologie.namespaces import BASE, DEF, ID, KETEN, OWL, RDF, bind_prefixes
from ketenontologie.publication.formats import GRAPH_FORMATS, TURTLE, split_extension
from ketenontologie.publication.graphs import graph_view, kind_of
from ketenontologie.publication.links import ServiceLinks, StaticLinks, about_path, service_path
from ketenontologie.publication.model import ontology_view, rules_by_term, shapes_view
from ketenontologie.publication.site import Ask, LinkedData
from ketenontologie.publication.things import scheme_view
from ketenontologie.publication.union import union, view
from ketenontologie.publication.w3id import DEFAULT_TARGET, HTACCESS_PATH, htaccess
from ketenontologie.resources import design_files, ontology_files, shape_files

ROOT = Path(__file__).resolve().parents[1]
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


def _require_graphviz() -> None:
    """Skip without Graphviz's ``dot``, but fail on CI (``CI=true``), where it must be there."""
    if shutil.which("dot"):
        return
    message = "Graphviz is not installed (apt-get install -y graphviz)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


def test_public_surface_is_pinned() -> None:
    assert publication.__all__ == [
        "DEFAULT_TARGET",
        "FORMATS",
        "LANGUAGES",
        "Ask",
        "Document",
        "DocumentFormat",
        "Dump",
        "Language",
        "LinkedData",
        "build_dist",
        "dataset_description",
        "htaccess",
        "stamp_version",
        "version_iri",
        "write_htaccess",
    ]


# --- formats ------------------------------------------------------------------------------------


def test_an_extension_names_a_format() -> None:
    _, fmt = split_extension("P1.nt")
    assert fmt is not None and fmt.name == "ntriples"
    assert split_extension("P1") == ("P1", None)
    assert split_extension("v1.2") == ("v1.2", None)
    assert [fmt.extension for fmt in GRAPH_FORMATS][-2:] == ["trig", "nq"]


# --- links ----------------------------------------------------------------------------------------


def test_graph_iris_link_to_their_page_and_download_as_their_dump() -> None:
    links = ServiceLinks((BASE,), lang="en", explicit=True)
    assert links.href(f"{BASE}/graph/ontwerp/x") == "/graph/ontwerp/x?lang=en"
    assert links.download(f"{BASE}/graph/ontwerp/x", "trig") == "/dumps/ontwerp/x.trig"
    assert links.href(f"{DEF}/service#truncated") == "/def/service?lang=en#truncated"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        (f"{BASE}/graph/ontologie", ("ontology", "")),
        (f"{BASE}/graph/begrippenkader", ("scheme", "")),
        (f"{BASE}/graph/afgeleid", ("inferred_ontology", "")),
        (f"{BASE}/graph/afgeleid/a.b", ("inferred_design", "a.b")),
        (f"{BASE}/graph/ontwerp/a", ("design", "a")),
        (f"{BASE}/graph/shapes/chain", ("shapes", "chain")),
        (f"{BASE}/graph/eigen", ("other", "eigen")),
    ],
)
def test_every_graph_says_what_it_holds(name: str, kind: tuple[str, str]) -> None:
    assert kind_of(name) == kind
    for lang in ("nl", "en"):
        view = graph_view(name, triples=3, stored=[name], chains=[], links=ServiceLinks(lang=lang))
        assert view.about and "{" not in view.about
        assert [d.href for d in view.downloads][-2:] == [
            f"/dumps/{name[len(BASE) + 7 :]}.trig",
            f"/dumps/{name[len(BASE) + 7 :]}.nq",
        ]


@pytest.mark.parametrize(
    "module",
    [
        "ketenontologie.publication",
        "ketenontologie.publication.graphs",
        "ketenontologie.publication.links",
        "ketenontologie.publication.formats",
        "ketenontologie.publication.pages",
        "ketenontologie.publication.union",
        "ketenontologie.publication.void",
        "ketenontologie.publication.w3id",
        "ketenontologie.publication.words",
    ],
)
def test_the_examples_in_the_docstrings_hold(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


def test_service_links_are_root_relative_and_keep_the_language() -> None:
    links = ServiceLinks((BASE,), lang="en", explicit=True, current="/def", query="lang=en")
    assert links.href(f"{ID}pijler/P1") == "/doc/pijler/P1?lang=en"
    assert links.href(f"{DEF}#Chain") == "/def?lang=en#Chain"
    assert links.href("https://www.noraonline.nl/wiki/Ketensturing").startswith("https://")
    assert links.switch("nl") == "/def?lang=nl"
    dutch = ServiceLinks((BASE,), lang="nl", explicit=False)
    assert dutch.href(f"{BASE}/shapes#KS-R05") == "/shapes#KS-R05"


def test_a_publisher_base_is_served_beside_ours() -> None:
    links = ServiceLinks(("https://ketens.example.nl",), lang="nl", explicit=False)
    assert links.href("https://ketens.example.nl/id/keten/x") == "/doc/keten/x"
    assert links.href(f"{ID}keten/y") == "/doc/keten/y"


def test_iris_without_a_path_of_their_own_link_to_doc_uri_when_described() -> None:
    theirs = f"{RIVIERSTAD}keten/a"
    assert service_path("/id/keten/a") == "/doc/keten/a"
    for unserved in ("/id/keten/a/b", "/id/keten", "/id/keten/a%20b", "/elders"):
        assert service_path(unserved) is None, unserved
    links = ServiceLinks((BASE,), lang="en", explicit=True, described={theirs, f"{ID}keten/a/b"})
    assert links.href(theirs) == f"/doc?uri={theirs}&lang=en"
    assert links.href(f"{ID}keten/a/b") == f"/doc?uri={ID}keten/a/b&lang=en"
    assert links.download(theirs, "ttl") == f"/doc.ttl?uri={theirs}"
    assert links.href(f"{RIVIERSTAD}keten/b") == f"{RIVIERSTAD}keten/b", "not described: itself"
    assert links.download(f"{RIVIERSTAD}keten/b", "ttl") is None
    assert links.href(f"{ID}pijler/P1") == "/doc/pijler/P1?lang=en", "ours keep their path"
    assert about_path("https://x.example/a b#c?d=e&f+g") == (
        "/doc?uri=https://x.example/a%20b%23c%3Fd%3De%26f%2Bg"
    )
    here = ServiceLinks(lang="nl", current="/doc", query=f"uri={theirs}&inferred=true")
    assert here.switch("en") == f"/doc?uri={theirs}&inferred=true&lang=en"


def test_static_links_are_file_relative() -> None:
    pages = {"doc/pijler/P1.html", "doc/dimensie/cultureel.html"}
    links = StaticLinks("doc/pijler/P1.html", lang="nl", pages=pages)
    assert links.href(f"{ID}dimensie/cultureel") == "../dimensie/cultureel.html"
    assert links.href(f"{DEF}#Pillar") == "../../index.html#Pillar"
    assert links.href(f"{ID}keten/unknown") is None
    assert links.switch("en") == "../../en/doc/pijler/P1.html"
    assert links.page("stylesheet") == "../../ketenontologie.css"
    english = StaticLinks("index.html", lang="en", pages=pages)
    assert english.download(DEF, "ttl") == "../../ketenontologie.ttl"


# --- views ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sources() -> tuple[Graph, Graph, dict[str, Graph]]:
    files = {path.stem: path for path in ontology_files()}
    shapes = {path.stem: load_graph(path) for path in shape_files()}
    return load_graph(files["ketenontologie"]), load_graph(files["begrippenkader"]), shapes


def test_the_ontology_view_has_every_term_of_our_namespace(
    sources: tuple[Graph, Graph, dict[str, Graph]],
) -> None:
    ontology, scheme, shapes = sources
    view = ontology_view(ontology, scheme=scheme, shapes=shapes, links=ServiceLinks())
    declared = {
        str(s)[len(str(KETEN)) :]
        for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
        for s in ontology.subjects(RDF.type, kind)
        if str(s).startswith(str(KETEN))
    }
    assert {term.anchor for term in view.terms} == declared
    assert view.version_iri == str(ontology.value(URIRef(DEF), OWL.versionIRI))
    manager = next(term for term in view.classes if term.anchor == "ChainManager")
    assert manager.label.value == "ketenmanager"
    assert [link.label.value for link in manager.supers] == ["ketenrol"]
    assert any(rule.label.value == "KS-R04" for rule in manager.rules)
    pillar = next(term for term in view.classes if term.anchor == "Pillar")
    assert [link.href for link in pillar.concepts][:2] == ["/doc/pijler/P1", "/doc/pijler/P2"]


def test_rules_are_found_by_target_path_and_sparql_text(
    sources: tuple[Graph, Graph, dict[str, Graph]],
) -> None:
    rules = rules_by_term(sources[2])
    names = {str(shape).rsplit("#", 1)[1] for shape in rules[f"{KETEN}hasPartner"]}
    assert "KS-R01" in names
    sparql = {str(shape).rsplit("#", 1)[1] for shape in rules[f"{KETEN}escalatesEventuallyTo"]}
    assert "KS-R07" in sparql


def test_every_rule_has_its_id_as_anchor(sources: tuple[Graph, Graph, dict[str, Graph]]) -> None:
    view = shapes_view(sources[2], context=sources[0], links=ServiceLinks(lang="en"))
    anchors = [rule.anchor for rule in view.rules]
    assert "KS-R05" in anchors
    assert len(anchors) == len(set(anchors))
    assert all(rule.message is not None and rule.message.lang is None for rule in view.rules)


def test_the_scheme_tree_goes_dimension_pillar_building_block(
    sources: tuple[Graph, Graph, dict[str, Graph]],
) -> None:
    scheme = sources[1]
    view = scheme_view(scheme, URIRef(f"{ID}begrippenkader/ketensturing"), links=ServiceLinks())
    assert len(view.dimensions) == 4
    assert [len(d.pillars) for d in view.dimensions] == [2, 2, 2, 2]
    pillars = {p.notation: p for d in view.dimensions for p in d.pillars}
    assert [c.block.label.value for c in pillars["P7"].contributions] == ["ketenkaart"]
    assert not pillars["P1"].contributions  # the page says the source records none
    inhoudelijk = next(d for d in view.dimensions if d.link.iri.endswith("inhoudelijk"))
    assert [c.block.label.value for c in inhoudelijk.contributions] == ["ketenoverlegstructuur"]
    assert "ketenbestuur" in {b.label.value for b in view.blocks_without}
    assert [c.via.iri for c in view.untargeted if c.via] == [f"{ID}bijdrage/ketenkaart-2"]
    assert [level.label.value for level in view.levels] == [
        "strategisch niveau",
        "tactisch niveau",
        "operationeel niveau",
    ]


# --- diagrams -------------------------------------------------------------------------------------


def _havenstad(lang: str = "nl") -> object:
    graph = load_ontology() + load_graph(ROOT / "data" / "voorbeeldketen-havenstad.ttl")
    return summarize(graph, lang=lang)[0]  # type: ignore[arg-type]


def test_the_dot_source_puts_roles_in_level_bands() -> None:
    dot = chain_dot(_havenstad(), lang="nl", href=lambda iri: None)  # type: ignore[arg-type]
    assert 'subgraph "cluster_strategisch"' in dot
    assert 'label="ketenpartners"' in dot
    assert dot.count('color="#a4000f"') == 12  # one red arrow per escalation step


def test_the_svg_has_a_title_and_a_node_per_partner() -> None:
    _require_graphviz()
    svg = chain_svg(_havenstad("en"), lang="en", href=lambda iri: "/x")  # type: ignore[arg-type]
    assert svg.startswith("<svg")
    assert "<title" in svg and "Governance of Havenstad example chain" in svg
    assert 'id="node_organisatie_gemeente_havenstad"' in svg


def test_a_missing_graphviz_is_an_error_that_says_what_to_install() -> None:
    with pytest.raises(DiagramError, match="apt-get install graphviz"):
        render_svg("digraph {}", executable="no-such-dot-program")


# --- w3id -----------------------------------------------------------------------------------------


def test_the_committed_w3id_rules_are_the_generated_ones() -> None:
    committed = (ROOT / HTACCESS_PATH).read_text(encoding="utf-8")
    assert committed == htaccess(DEFAULT_TARGET), "run: ketenontologie publish w3id"


def _iris_in_sources() -> Iterator[str]:
    for path in [*ontology_files(), *design_files(), *shape_files()]:
        for triple in load_graph(path):
            for term in triple:
                if isinstance(term, URIRef) and str(term).startswith(BASE + "/"):
                    yield str(term)


def _apply(rules: str, path: str) -> str | None:
    for pattern, target in re.findall(r"^RewriteRule (\S+) (\S+) \[\S+\]$", rules, re.M):
        match = re.match(pattern, path)
        if match:
            groups = ["", *(group or "" for group in match.groups())]
            for number, value in enumerate(groups):
                target = target.replace(f"${number}", value)
            return target
    return None


def test_the_w3id_rules_forward_every_iri_path_unchanged() -> None:
    rules = htaccess("https://svc.example.nl")
    paths = {iri[len(BASE) + 1 :].partition("#")[0] for iri in _iris_in_sources()}
    paths |= {"def.ttl", "shapes.jsonld", ".well-known/void", "dumps/alles.nq", "sparql", ""}
    paths |= {"def/service", "def/service.ttl", "graph/ontologie", "graph/ontwerp/x.y"}
    paths |= {"graph/afgeleid", "graph/afgeleid/x", "graph/shapes/chain"}
    for path in sorted(paths):
        forwarded = _apply(rules, path)
        expected = "https://svc.example.nl/" + (path or "def")
        assert forwarded == expected, path


def test_the_committed_rules_say_that_their_target_is_a_placeholder() -> None:
    committed = (ROOT / HTACCESS_PATH).read_text(encoding="utf-8")
    assert DEFAULT_TARGET.endswith(".example.org")  # until the service has a public address
    assert f"# PLACEHOLDER: {DEFAULT_TARGET} is not a real host" in committed
    assert "--target https://<host>" in committed


def test_publish_w3id_writes_the_rules_for_the_given_target(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ketenontologie.cli import main

    out = tmp_path / "w3id" / ".htaccess"
    target = "https://ketens.example.nl"
    assert main(["publish", "w3id", "--target", target + "/", "--out", str(out)]) == 0
    assert str(out) in capsys.readouterr().out
    rules = out.read_text(encoding="utf-8")
    assert rules == htaccess(target)
    assert "PLACEHOLDER" not in rules and DEFAULT_TARGET not in rules
    assert f"RewriteRule ^graph/(.+)$ {target}/graph/$1 [R=302,L]" in rules
    assert main(["publish", "w3id", "--target", "ftp://x", "--out", str(out)]) == 2
    assert "absolute http" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == rules  # a refused target writes nothing


def test_a_bad_target_is_refused() -> None:
    with pytest.raises(InputError, match="absolute http"):
        htaccess("not a url")


# --- a publisher's own base IRI ------------------------------------------------------------------


RIVIERSTAD = "https://rivierstad.example.nl/id/"
THEIR_DESIGN = f"""
@prefix keten: <https://w3id.org/ketenontologie/def#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<{RIVIERSTAD}keten/vergunningen> a keten:Chain ;
  rdfs:label "vergunningketen"@nl , "permit chain"@en ;
  keten:hasPartner <{RIVIERSTAD}organisatie/gemeente> , <{RIVIERSTAD}organisatie/elders> .
<{RIVIERSTAD}organisatie/gemeente> a keten:ChainPartner ; rdfs:label "gemeente"@nl .
""".encode()


@pytest.fixture(scope="module")
def publisher(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LinkedData]:
    from ketenontologie.designs import load_project, read_upload
    from ketenontologie.loading import load_ontology
    from ketenontologie.reasoning import Reasoner
    from ketenontologie.reasoning.rules import compile_rules
    from ketenontologie.store import OxigraphStore

    store = OxigraphStore(tmp_path_factory.mktemp("publisher"), workers=1)
    # A reasoner of its own: the process-wide reasoner cache would leak into other test modules.
    catalogue = load_project(store, reasoner=Reasoner(compile_rules(load_ontology())))
    design = b"""
    @prefix keten: <https://w3id.org/ketenontologie/def#> .
    @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    <https://ketens.example.nl/id/keten/eigen> a keten:Chain ;
      rdfs:label "eigen keten"@nl , "own chain"@en .
    """
    upload = read_upload(
        design, media_type="text/turtle", name="eigen.ttl", base_iri="https://ketens.example.nl/"
    )
    catalogue.put("eigen", [ox.Triple(q.subject, q.predicate, q.object) for q in upload.quads])
    theirs = read_upload(
        THEIR_DESIGN, media_type="text/turtle", name="rivierstad.ttl", base_iri=RIVIERSTAD
    )
    catalogue.put("rivierstad", [ox.Triple(q.subject, q.predicate, q.object) for q in theirs.quads])
    yield LinkedData(store, base_iri="https://ketens.example.nl")
    store.close()


def test_a_publisher_base_iri_resolves_its_own_things_and_ours(publisher: LinkedData) -> None:
    own = publisher.thing(Ask(path="/id/keten/eigen"), "keten", "eigen")
    assert own == "https://ketens.example.nl/id/keten/eigen"
    page = publisher.document(Ask(path="/doc/keten/eigen", lang="en"), "keten", "eigen")
    assert page.stem == "/doc/keten/eigen"
    assert "own chain" in page.page()
    assert publisher.thing(Ask(path="/id/pijler/P1"), "pijler", "P1") == f"{ID}pijler/P1"
    with pytest.raises(NotPublishedError) as missing:
        publisher.thing(Ask(path="/id/pijler/P99"), "pijler", "P99")
    assert missing.value.code == "not-found" and "/id/pijler/P99" in missing.value.message
    void = publisher.dataset(Ask(path="/.well-known/void")).rdf(TURTLE)
    assert b"https://ketens.example.nl/sparql" in void


# --- pages built without copying graphs ---------------------------------------------------------


def test_a_union_reads_graphs_in_place_each_triple_once() -> None:
    a, b = Graph(), Graph()
    x, p = URIRef("https://example.org/x"), URIRef("https://example.org/p")
    a.add((x, p, x))
    b.add((x, p, x))
    b.add((x, p, p))
    both = union(a, b)
    assert len(both) == 2 and sorted(both.objects(x, p)) == [p, x]
    b.add((p, p, p))
    assert (p, p, p) in both  # a view, not a copy
    with pytest.raises(TypeError, match="read only"):
        both.add((p, p, x))
    assert union(a) is a
    written = view(a, b)
    bind_prefixes(written)
    assert len(Graph().parse(data=written.serialize(format="turtle"), format="turtle")) == 3
    assert "keten" not in dict(a.namespaces())  # the view's prefixes are its own


@pytest.mark.parametrize(
    ("kind", "ref"),
    [("pijler", "P1"), ("keten", "loonaangifteketen"), ("begrippenkader", "ketensturing")],
)
def test_a_page_copies_no_graph(
    publisher: LinkedData, kind: str, ref: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The graphs are parsed once; building a page afterwards adds only the few triples it
    gathers itself (incoming labels, a thing's own triples), never a copy of a graph."""
    document = publisher.document(Ask(path=f"/doc/{kind}/{ref}"), kind, ref)
    document.page()  # the graphs are read from the store (and parsed) once
    document.rdf(TURTLE)
    publisher.ontology(Ask(path="/def")).page()
    added = []
    original = SimpleMemory.add

    def counting(self: SimpleMemory, *args: object, **kwargs: object) -> None:
        added.append(args)
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(SimpleMemory, "add", counting)
    monkeypatch.setattr(Memory, "add", lambda *args, **kwargs: pytest.fail("a graph was copied"))
    for _ in range(2):
        publisher.document(Ask(path=f"/doc/{kind}/{ref}"), kind, ref).page()
        publisher.ontology(Ask(path="/def")).page()
    assert len(added) < 50


def test_a_design_in_another_namespace_is_published_at_doc_uri(publisher: LinkedData) -> None:
    chain, partner = f"{RIVIERSTAD}keten/vergunningen", f"{RIVIERSTAD}organisatie/gemeente"
    elsewhere = f"{RIVIERSTAD}organisatie/elders"  # named by the design, described by none
    assert publisher.home(chain) is None
    assert publisher.home(f"{ID}pijler/P1", query="lang=en") == "/doc/pijler/P1?lang=en"
    assert publisher.home("https://ketens.example.nl/id/keten/eigen", extension="nt") == (
        "/doc/keten/eigen.nt"
    )
    assert publisher.described([chain, partner, elsewhere, f"{ID}pijler/P1", "geen iri"]) == {
        chain,
        partner,
    }
    document = publisher.about(Ask(path="/doc", query=f"uri={chain}", lang="en"), chain)
    assert (document.stem, document.query) == ("/doc", f"uri={chain}")
    page = document.page()
    assert "permit chain" in page
    assert "<svg" in page or not shutil.which("dot"), "the chain's diagram"
    assert f'href="/doc?uri={partner}&amp;lang=en"' in page
    assert f'href="{elsewhere}"' in page, "an IRI no design describes links to itself"
    turtle = Graph().parse(data=document.rdf(TURTLE).decode(), format="turtle")
    assert (URIRef(chain), RDF.type, KETEN.Chain) in turtle
    for missing in (elsewhere, f"{RIVIERSTAD}keten/onbekend", "geen iri", f"{OWL}Class"):
        with pytest.raises(NotPublishedError):
            publisher.about(Ask(path="/doc"), missing)
