"""The published documents, read from a :class:`~ketenontologie.store.GraphStore`.

:class:`LinkedData` makes a :class:`Document` for every path it publishes under the base IRI:
``/def`` and ``/shapes`` (hash IRIs), ``/doc/{type}/{ref}`` about the thing
``/id/{type}/{ref}``, ``/doc?uri=<IRI>`` about any other IRI a stored design describes (a design
in its author's own namespace), the named graphs ``/graph/…`` and the VoID description; files under
``/dumps/``; and the page that helps when nothing is published at a path
(:class:`~ketenontologie.errors.NotPublishedError`). A document gives its RDF in any of its
formats and its page for an :class:`Ask`. Which format and language a client gets, and what the
HTTP answer says about them, is the service's business (:mod:`ketenontologie.api.linked_data`).

A publisher on another host sets the base IRI; IRIs under the project's own base
(``https://w3id.org/ketenontologie``) are published too.

Graphs are read from the store once per version and never copied: a page reads the ontology,
the concept scheme and a design together through
:func:`~ketenontologie.publication.union.union`.

>>> site = LinkedData(store, base_iri="https://w3id.org/ketenontologie")  # doctest: +SKIP
>>> site.document(Ask(path="/doc/pijler/P1"), "pijler", "P1").page()[:15]  # doctest: +SKIP
'<!DOCTYPE html>'
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import json
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import parse_qs

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef

from ketenontologie.errors import NotPublishedError
from ketenontologie.namespaces import (
    BASE,
    DEF,
    KETEN,
    ONTOLOGY_GRAPH,
    OWL,
    RDF,
    RDFS,
    SCHEME_GRAPH,
    SHAPES,
    SKOS,
    bind_prefixes,
    design_graph,
    inferred_graph,
    is_inferred,
    is_version,
    shapes_graph,
)
from ketenontologie.publication.chains import (
    Checked,
    Switch,
    VersionLine,
    chain_page,
    check_design,
)
from ketenontologie.publication.formats import (
    FORMATS,
    GRAPH_FORMATS,
    RDF_FORMATS,
    DocumentFormat,
    format_for_extension,
)
from ketenontologie.publication.graphs import (
    graph_view,
    kind_of,
    service_vocabulary,
    service_vocabulary_view,
)
from ketenontologie.publication.links import (
    ServiceLinks,
    about_path,
    local_path,
    service_path,
    with_query,
)
from ketenontologie.publication.model import (
    Link,
    Text,
    label_of,
    natural_key,
    ontology_view,
    shapes_view,
)
from ketenontologie.publication.pages import Download, downloads_for, render_page
from ketenontologie.publication.things import resource_view, scheme_view
from ketenontologie.publication.union import fresh_graph, union, view
from ketenontologie.publication.void import (
    DUMP_FORMATS,
    GraphInfo,
    dataset_description,
    dump_path,
    graph_for_dump,
)
from ketenontologie.publication.words import LANGUAGES, Language, words
from ketenontologie.sparql.results import format_by_name
from ketenontologie.store import GraphStore, QueryDataset
from ketenontologie.store.remote import ADMIN

__all__ = ["Ask", "Document", "Dump", "LinkedData"]

SCHEME = URIRef(f"{BASE}/id/begrippenkader/ketensturing")
_UNUSABLE_IN_IRI = '<>"{}|^`\\ \t\n\r'
_NT = format_by_name("ntriples", kind="graph")
_JSON = format_by_name("json", kind="solutions")


@dataclass(frozen=True, slots=True)
class Ask:
    """How a document is asked for, once negotiated: its path and query, the page's language,
    and whether inferred data is shown (``?inferred=true``)."""

    path: str
    query: str = ""
    lang: Language = LANGUAGES[0]
    lang_given: bool = False
    """True when ``?lang=`` was given: links on the page then keep it."""
    inferred: bool = False
    address: str | None = None
    """Where the service is reached (the request's base URL or the configured public URL):
    VoID names the endpoint and the dumps there. None: under the base IRI."""


@dataclass(frozen=True)
class Document:
    """What is published at one path: its RDF in each of ``formats``, and its page."""

    stem: str
    """Where its files are, without extension: ``/def`` (``/def.ttl``), ``/dumps/ontologie``."""
    rdf: Callable[[DocumentFormat], bytes]
    """The document in an RDF format of ``formats`` (TriG and N-Quads name the graph)."""
    page: Callable[[], str]
    """The page, in the language asked for."""
    formats: tuple[DocumentFormat, ...] = FORMATS
    page_is_file: bool = True
    """False when the page has no file of its own (a graph's files are its dumps)."""
    query: str = ""
    """The query that picks the document at ``stem`` (``uri=…`` at ``/doc``), on each file too."""


@dataclass(frozen=True, slots=True)
class Dump:
    """A file under ``/dumps/``: its format, its bytes, and its path without extension."""

    format: DocumentFormat
    body: bytes
    stem: str


class LinkedData:
    """The documents about the graphs in ``store``, with IRIs under ``base_iri``."""

    def __init__(
        self,
        store: GraphStore,
        *,
        base_iri: str = BASE,
        history: Callable[[str, Language], Sequence[VersionLine]] | None = None,
    ) -> None:
        """``history`` gives a design's versions for its chain's page (the service keeps them)."""
        self.store = store
        self._history = history
        self.base = base_iri.rstrip("/")
        self.bases = tuple(dict.fromkeys((self.base, BASE)))
        self._parsed: OrderedDict[tuple[str, object], Graph] = OrderedDict()
        self._checked: weakref.WeakKeyDictionary[Graph, Checked] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    # --- reading the store ---------------------------------------------------------------------

    def graph(self, name: str) -> Graph:
        """The stored graph ``name``, parsed once per version; read it, never change it.

        A store that counts its writes (the embedded store's ``generation``) tells the version
        by that count; any other is asked for the graph and the version is its digest.
        """
        assert _NT is not None
        generation = getattr(self.store, "generation", None)
        data = None
        if isinstance(generation, int):
            version: object = generation
        else:
            if not self.store.has_graph(name):
                return fresh_graph()
            data = self.store.dump(name, format=_NT)
            version = hashlib.sha256(data).digest()
        key = (name, version)
        with self._lock:
            if key in self._parsed:
                self._parsed.move_to_end(key)
                return self._parsed[key]
        if data is None:
            if not self.store.has_graph(name):
                return fresh_graph()
            data = self.store.dump(name, format=_NT)
        graph = fresh_graph().parse(data=data.decode("utf-8"), format="nt")
        with self._lock:
            self._parsed[key] = graph
            while len(self._parsed) > 48:
                self._parsed.popitem(last=False)
        return graph

    def select(
        self, query: str, *, dataset: QueryDataset | None = None
    ) -> list[dict[str, dict[str, str]]]:
        """The bindings of a SELECT query (SPARQL JSON results' ``bindings``)."""
        assert _JSON is not None
        result = self.store.query(query, format=_JSON, inference=True, dataset=dataset)
        bindings: list[dict[str, dict[str, str]]] = json.loads(result.body)["results"]["bindings"]
        return bindings

    def shapes(self) -> dict[str, Graph]:
        """Every shapes family in the store, by family name."""
        prefix = shapes_graph("")
        return {
            name[len(prefix) :]: self.graph(name)
            for name in self.store.graphs()
            if name.startswith(prefix)
        }

    def context(self) -> Graph:
        """The ontology and the concept scheme, read as one graph (subclasses and labels)."""
        return union(self.graph(ONTOLOGY_GRAPH), self.graph(SCHEME_GRAPH))

    def graphs_about(self, iri: str) -> list[str]:
        """The named graphs in which ``iri`` is the subject of a triple."""
        rows = self.select(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }} }}")
        return sorted(row["g"]["value"] for row in rows)

    def graph_infos(self) -> list[GraphInfo]:
        """Every named graph with its number of triples."""
        count = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        rows = self.select(count)
        versions = tuple(name for name in self.store.graphs() if is_version(name))
        if versions:  # never in the default dataset: named one by one
            rows += self.select(count, dataset=QueryDataset(named_graphs=versions))
        counts = {row["g"]["value"]: int(row["n"]["value"]) for row in rows}
        return [
            GraphInfo(name, counts.get(name, 0)) for name in self.store.graphs() if dump_path(name)
        ]

    def links(self, ask: Ask, *, described: Iterable[str] = ()) -> ServiceLinks:
        """Where the links on the page ``ask`` asks for go; ``described``: the IRIs on it that
        are at ``/doc?uri=…`` (see :meth:`described`)."""
        return ServiceLinks(
            self.bases,
            lang=ask.lang,
            explicit=ask.lang_given,
            current=ask.path,
            query=ask.query,
            described=frozenset(described),
        )

    def home(self, iri: str, *, extension: str | None = None, query: str = "") -> str | None:
        """The path of its own of the document about ``iri`` (``/doc/{kind}/{ref}``, ``/def#…``,
        ``/graph/…``; with ``extension``, its file), ``query`` added; None for an IRI that has
        none: its document, if any, is at ``/doc?uri=…`` (:meth:`about`)."""
        path = local_path(iri, self.bases)
        if path is None or service_path(path) is None:
            return None
        links = ServiceLinks(self.bases)
        found = links.href(iri) if extension is None else links.download(iri, extension)
        return None if found is None else with_query(found, query)

    def described(self, iris: Iterable[str]) -> frozenset[str]:
        """Those of ``iris`` without a path of their own (:meth:`home`) that a stored design
        describes, as the subject of one of its triples: they have a page at ``/doc?uri=…``."""
        wanted = sorted({iri for iri in iris if _usable_iri(iri) and self.home(iri) is None})
        found: set[str] = set()
        for start in range(0, len(wanted), 200):
            values = " ".join(f"<{iri}>" for iri in wanted[start : start + 200])
            rows = self.select(
                f"SELECT DISTINCT ?s WHERE {{ VALUES ?s {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} "
                f'FILTER(STRSTARTS(STR(?g), "{design_graph("")}")) }}'
            )
            found.update(row["s"]["value"] for row in rows)
        return frozenset(found)

    def _check(self, design: Graph) -> Checked:
        """The rule check of ``design``, run once per version of the design."""
        with self._lock:
            found = self._checked.get(design)
        if found is None:
            found = check_design(design)
            with self._lock:
                self._checked[design] = found
        return found

    # --- the ontology, the rules, the service vocabulary ----------------------------------------

    def ontology(self, ask: Ask, *, version: str | None = None) -> Document:
        """``/def`` (and ``/def/{version}``, the current version only): the ontology."""
        ontology = self.graph(ONTOLOGY_GRAPH)
        if not len(ontology):
            raise NotPublishedError(ask.path, "The ontology is not loaded in this store.")
        current = str(ontology.value(URIRef(DEF), OWL.versionInfo))
        if version is not None and version != current:
            raise NotPublishedError(
                ask.path,
                f"Only the current version ({current}) "
                "is served here; earlier versions are in the release artefacts.",
            )

        def page() -> str:
            links = self.links(ask)
            view = ontology_view(
                ontology, scheme=self.graph(SCHEME_GRAPH), shapes=self.shapes(), links=links
            )
            files = downloads_for(links, DEF)
            return render_page(
                "ontology.html",
                links=links,
                title=view.title.value,
                section="ontology",
                alternates=files,
                files=files,
                view=view,
            )

        stem = "/def" if version is None else f"/def/{version}"
        return Document(stem, functools.partial(_serialize, [ontology]), page)

    def shapes_document(self, ask: Ask, *, version: str | None = None) -> Document:
        """``/shapes`` (and ``/shapes/{version}``, the current version only): the rules."""
        shapes = self.shapes()
        if not shapes:
            raise NotPublishedError(ask.path, "No shapes are loaded in this store.")
        current = union(*shapes.values()).value(URIRef(SHAPES.rstrip("#")), OWL.versionInfo)
        if version is not None and version != str(current):
            raise NotPublishedError(
                ask.path,
                f"Only the current version ({current}) "
                "is served here; earlier versions are in the release artefacts.",
            )

        def page() -> str:
            links = self.links(ask)
            view = shapes_view(shapes, context=self.context(), links=links)
            files = downloads_for(links, SHAPES.rstrip("#"))
            return render_page(
                "shapes.html",
                links=links,
                title=words(links.lang)["rules"],
                section="shapes",
                alternates=files,
                files=files,
                view=view,
            )

        stem = "/shapes" if version is None else f"/shapes/{version}"
        return Document(stem, functools.partial(_serialize, list(shapes.values())), page)

    def service_terms(self, ask: Ask) -> Document:
        """``/def/service``: the terms the SPARQL service writes into its answers."""
        vocabulary = service_vocabulary()

        def page() -> str:
            links = self.links(ask)
            view = service_vocabulary_view(vocabulary, links=links)
            files = downloads_for(links, view.iri)
            return render_page(
                "service_vocabulary.html",
                links=links,
                title=view.title.value,
                section="ontology",
                alternates=files,
                files=files,
                view=view,
            )

        return Document("/def/service", functools.partial(_serialize, [vocabulary]), page)

    # --- named graphs ----------------------------------------------------------------------------

    def named_graph(self, ask: Ask, path: str) -> Document:
        """``/graph/{path}``: the stored graph of that name, as RDF (TriG and N-Quads with its
        name) or a page about it. Its files are its dumps."""
        name = _graph_name(path)
        if name is None or not self.store.has_graph(name):
            reason = None
            if name is not None and name.startswith(ADMIN):
                reason = (
                    "The …/graph/beheer/ graphs are the store's own bookkeeping on a SPARQL "
                    "server (docs/deploy.md); they are not published "
                    "(de beheergrafen worden niet gepubliceerd)."
                )
            raise NotPublishedError(ask.path, reason)

        def rdf(fmt: DocumentFormat) -> bytes:
            if fmt.is_dataset:
                return self._named([name], fmt.extension)
            return _serialize([self.graph(name)], fmt)

        def page() -> str:
            graph = self.graph(name)
            found: set[URIRef] = set()
            if kind_of(name)[0] == "design":
                found = {c for c in graph.subjects(RDF.type, KETEN.Chain) if isinstance(c, URIRef)}
            links = self.links(ask, described=self.described(str(c) for c in found))
            chains = [(str(c), label_of(graph, c, links.lang)) for c in sorted(found)]
            view = graph_view(
                name, triples=len(graph), stored=self.store.graphs(), chains=chains, links=links
            )
            return render_page(
                "graph.html",
                links=links,
                title=words(links.lang)["graph_title"].format(path=path),
                section="dataset",
                alternates=view.downloads,
                view=view,
                sparql=f"{self.base}/sparql",
            )

        return Document(f"/dumps/{path}", rdf, page, GRAPH_FORMATS, page_is_file=False)

    # --- things and their documents ---------------------------------------------------------------

    def _find(self, kind: str, ref: str) -> tuple[URIRef, list[str]] | None:
        for base in self.bases:
            iri = f"{base}/id/{kind}/{ref}"
            if any(c in iri for c in _UNUSABLE_IN_IRI):
                return None
            graphs = self.graphs_about(iri)
            if graphs:
                return URIRef(iri), graphs
        return None

    def thing(self, ask: Ask, kind: str, ref: str) -> str:
        """The IRI of the thing ``/id/{kind}/{ref}`` (under one of the bases)."""
        found = self._find(kind, ref)
        if found is None:
            raise NotPublishedError(ask.path)
        return str(found[0])

    def document(self, ask: Ask, kind: str, ref: str) -> Document:
        """``/doc/{kind}/{ref}``: the document about the thing ``/id/{kind}/{ref}``."""
        found = self._find(kind, ref)
        if found is None:
            raise NotPublishedError(ask.path)
        return self._document(ask, *found, stem=f"/doc/{kind}/{ref}")

    def about(self, ask: Ask, iri: str) -> Document:
        """``/doc?uri=<IRI>``: the document about an IRI that has no path of its own here
        (:meth:`home`), such as a thing of a design in its author's namespace. Only IRIs a
        stored design describes are published; nothing is ever fetched."""
        if not _usable_iri(iri):
            raise NotPublishedError(
                ask.path,
                f"{iri!r} is not an absolute IRI (geen absolute IRI); give one as ?uri=….",
            )
        if iri not in self.described([iri]):
            raise NotPublishedError(
                ask.path,
                f"No stored chain design describes <{iri}> (geen opgeslagen ketenontwerp "
                "beschrijft deze IRI). Upload the design through /designs to publish it here.",
            )
        graphs = self.graphs_about(iri)
        return self._document(
            ask, URIRef(iri), graphs, stem="/doc", query=about_path(iri).partition("?")[2]
        )

    def _document(
        self, ask: Ask, iri: URIRef, graphs: Sequence[str], *, stem: str, query: str = ""
    ) -> Document:
        """The document about ``iri``, stated in ``graphs``, published at ``stem``."""
        asserted = [g for g in graphs if not is_inferred(g)]
        designs = [g[len(design_graph("")) :] for g in asserted if g.startswith(design_graph(""))]
        inferred_names = [g for g in graphs if is_inferred(g)]
        inferred_names += [inferred_graph(d) for d in designs]
        data = union(*(self.graph(g) for g in asserted))
        inferred = union(*(self.graph(g) for g in dict.fromkeys(inferred_names)))

        def rdf(fmt: DocumentFormat) -> bytes:
            return _serialize(_description(iri, data, inferred if ask.inferred else None), fmt)

        def page() -> str:
            return self._page(ask, iri, data, inferred, designs)

        return Document(stem, rdf, page, query=query)

    def _incoming(self, iri: URIRef) -> tuple[list[tuple[URIRef, URIRef]], Graph]:
        """What refers to ``iri`` (in asserted graphs): (subject, predicate) pairs, and the
        subjects' labels as a graph."""
        rows = self.select(
            f"SELECT DISTINCT ?s ?p ?g ?label WHERE {{ GRAPH ?g {{ ?s ?p <{iri}> }} "
            f"OPTIONAL {{ ?s <{RDFS.label}> ?label }} FILTER(isIRI(?s)) }}"
        )
        pairs = []
        labels = fresh_graph()
        for row in rows:
            if is_inferred(row["g"]["value"]):
                continue
            subject = URIRef(row["s"]["value"])
            pairs.append((subject, URIRef(row["p"]["value"])))
            if "label" in row:
                label = row["label"]
                labels.add(
                    (subject, RDFS.label, Literal(label["value"], lang=label.get("xml:lang")))
                )
        return sorted(set(pairs)), labels

    def _page(
        self, ask: Ask, iri: URIRef, data: Graph, inferred: Graph, designs: Sequence[str]
    ) -> str:
        if iri == SCHEME:
            links = self.links(ask)
            files = downloads_for(links, str(iri))
            return render_page(
                "scheme.html",
                links=links,
                alternates=files,
                files=files,
                title=label_of(data, iri, links.lang).value,
                section="scheme",
                view=scheme_view(data, iri, links=links),
            )
        incoming, labels = self._incoming(iri)
        shown = [data, inferred] if ask.inferred else [data]
        on_page = {str(term) for graph in shown for triple in graph for term in triple}
        on_page |= {str(term) for pair in incoming for term in pair}
        links = self.links(ask, described=self.described(on_page))
        files = downloads_for(links, str(iri))
        render = functools.partial(render_page, links=links, alternates=files, files=files)
        context = union(self.graph(ONTOLOGY_GRAPH), self.graph(SCHEME_GRAPH), data, labels)
        chains = sorted({c for c in data.subjects(RDF.type, KETEN.Chain) if isinstance(c, URIRef)})
        view = resource_view(
            iri,
            data=data,
            context=context,
            links=links,
            inferred=inferred if ask.inferred else None,
            incoming=incoming,
            chains=[] if iri in chains else chains,
        )
        render = functools.partial(render, title=view.label.value)
        switch = Switch(
            _inferred_switch(ask),
            words(links.lang)["hide_inferred" if ask.inferred else "show_inferred"],
        )
        if iri in chains:
            page = chain_page(
                iri,
                design=data,
                inferred=inferred,
                context=self.context(),
                links=links,
                design_ids=designs,
                show_inferred=ask.inferred,
                switch=switch,
                check=self._check,
                history=[]
                if self._history is None
                else [line for d in designs for line in self._history(d, links.lang)],
            )
            return render("chain.html", view=view, chain=page, wide=True)
        return render("resource.html", view=view, inferred_switch=switch)

    # --- not found ------------------------------------------------------------------------------

    def suggestions(self, path: str, links: ServiceLinks, *, limit: int = 8) -> list[Link]:
        """Known IRIs that look like ``path``: graphs for ``/graph/…``, else things (by their
        path and their labels). Case does not matter: ``/ID/Pijler/p1`` finds ``/id/pijler/P1``."""
        if path.lower().startswith(("/graph/", "/dumps/")):
            return self._graph_suggestions(path, links, limit=limit)
        rows = self.select(
            "SELECT DISTINCT ?s ?label WHERE { GRAPH ?g { ?s ?p ?o } "
            f"OPTIONAL {{ GRAPH ?h {{ ?s <{RDFS.label}>|<{SKOS.prefLabel}> ?label }} }} "
            "FILTER(isIRI(?s)) }"
        )
        known: dict[str, tuple[str, str]] = {}
        for row in rows:
            iri = row["s"]["value"]
            local = local_path(iri, self.bases)
            if local is None or not local.startswith("/id/"):
                continue
            label = row.get("label", {})
            if local not in known or label.get("xml:lang") == links.lang:
                known[local] = (iri, label.get("value") or iri)
        wanted = path.lower()
        wanted = "/id/" + wanted[len("/doc/") :] if wanted.startswith("/doc/") else wanted
        tail = wanted.rsplit("/", 1)[-1]
        lowered = {local.lower(): local for local in sorted(known)}
        by_path = _closest(wanted, lowered, limit=limit)
        by_ref = sorted(p for p in lowered if len(tail) > 2 and tail in p)
        chosen = list(dict.fromkeys(lowered[p] for p in [*by_path, *by_ref]))[:limit]
        return [
            Link(Text(known[local][1]), known[local][0], links.href(known[local][0]))
            for local in chosen
        ]

    def _graph_suggestions(self, path: str, links: ServiceLinks, *, limit: int) -> list[Link]:
        names = {dump_path(name).lower(): name for name in self.store.graphs() if dump_path(name)}
        wanted = path.lower().split("/", 2)[-1]
        wanted = wanted.rpartition(".")[0] if path.lower().startswith("/dumps/") else wanted
        chosen = _closest(wanted, names, limit=limit)
        chosen += sorted(n for n in names if len(wanted) > 2 and wanted in n)
        return [
            Link(Text(dump_path(names[n])), names[n], links.href(names[n]))
            for n in list(dict.fromkeys(chosen))[:limit]
        ]

    def _iri_suggestions(self, wanted: str, ask: Ask, *, limit: int = 8) -> list[Link]:
        """IRIs the stored designs describe that look like ``wanted`` (a ``/doc?uri=``)."""
        rows = self.select(
            "SELECT DISTINCT ?s ?label WHERE { GRAPH ?g { ?s ?p ?o } "
            f'FILTER(isIRI(?s) && STRSTARTS(STR(?g), "{design_graph("")}")) '
            f"OPTIONAL {{ GRAPH ?h {{ ?s <{RDFS.label}>|<{SKOS.prefLabel}> ?label }} }} }}"
        )
        known: dict[str, str] = {}
        for row in rows:
            iri, label = row["s"]["value"], row.get("label", {})
            if iri not in known or label.get("xml:lang") == ask.lang:
                known[iri] = label.get("value") or iri
        lowered = {iri.lower(): iri for iri in sorted(known)}
        tail = wanted.lower().rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        chosen = _closest(wanted.lower(), lowered, limit=limit)
        chosen += sorted(i for i in lowered if len(tail) > 2 and tail in i)
        picked = list(dict.fromkeys(lowered[i] for i in chosen))[:limit]
        links = self.links(ask, described=picked)
        return [Link(Text(known[iri]), iri, links.href(iri)) for iri in picked]

    def not_found_page(self, ask: Ask, *, reason: str | None = None) -> str:
        """The page that helps when nothing is published at ``ask.path``: ``reason``, IRIs that
        look like the path (or like the IRI asked for at ``/doc?uri=…``), and the ways in."""
        links = self.links(ask)
        wanted = ""
        if ask.path == "/doc" or ask.path.startswith("/doc."):
            wanted = (parse_qs(ask.query).get("uri") or [""])[-1]
        return render_page(
            "not_found.html",
            links=links,
            title={"nl": "Niet gevonden", "en": "Not found"}[links.lang],
            path=f"{ask.path}?{ask.query}" if wanted else ask.path,
            message=reason,
            suggestions=self._iri_suggestions(wanted, ask)
            if wanted
            else self.suggestions(ask.path, links),
        )

    # --- dataset and dumps ----------------------------------------------------------------------

    def dataset(self, ask: Ask) -> Document:
        """``/.well-known/void``: VoID and DCAT, or the dataset page with every dump."""
        stem = "/.well-known/void"
        infos = self.graph_infos()

        def rdf(fmt: DocumentFormat) -> bytes:
            return _serialize(
                [dataset_description(self.base, graphs=infos, address=ask.address)], fmt
            )

        def page() -> str:
            links = self.links(ask)
            files = [Download(f.label, f"{stem}.{f.extension}", f.media_type) for f in RDF_FORMATS]
            graphs = [
                {
                    "name": info.path,
                    "href": links.href(info.name),
                    "inferred": info.inferred,
                    "triples": info.triples,
                    "downloads": [
                        Download(f.label, f"/dumps/{info.path}.{f.extension}", f.media_type)
                        for f in RDF_FORMATS
                    ],
                }
                for info in infos
            ]
            view = {
                "iri": f"{self.base}{stem}#ketenontologie",
                "sparql": f"{ask.address or self.base}/sparql",
                "sparql_href": "/sparql",
                "license": "https://creativecommons.org/licenses/by/4.0/",
                "graphs": graphs,
                "total": sum(info.triples for info in infos),
                "whole": [
                    Download(label, f"/dumps/alles.{ext}", media)
                    for ext, (label, media) in DUMP_FORMATS.items()
                ],
            }
            return render_page(
                "dataset.html",
                links=links,
                title={"nl": "Dataset en downloads", "en": "Dataset and downloads"}[links.lang],
                section="dataset",
                alternates=files,
                files=files,
                view=view,
            )

        return Document(stem, rdf, page)

    def dump(self, ask: Ask, path: str) -> Dump:
        """``/dumps/{graph}.{ext}``: one graph in an RDF format (TriG and N-Quads keep its
        name); ``/dumps/alles.nq``, ``/dumps/alles.trig``: every graph."""
        stem, dot, extension = path.rpartition(".")
        fmt = format_for_extension(extension, formats=GRAPH_FORMATS) if dot else None
        if fmt is not None and stem == "alles" and extension in DUMP_FORMATS:
            names = [info.name for info in self.graph_infos()]
            return Dump(fmt, self._named(names, extension), "/dumps/alles")
        name = _graph_name(stem)
        if fmt is None or not fmt.is_rdf or name is None or not self.store.has_graph(name):
            raise NotPublishedError(ask.path, f"There is no dump at /dumps/{path}.")
        if fmt.is_dataset:
            return Dump(fmt, self._named([name], extension), f"/dumps/{stem}")
        return Dump(fmt, _serialize([self.graph(name)], fmt), f"/dumps/{stem}")

    def _named(self, names: Sequence[str], extension: str) -> bytes:
        """The graphs ``names`` with their names, as N-Quads (``nq``) or TriG (``trig``)."""
        dataset = Dataset()
        bind_prefixes(dataset)
        for name in names:
            target = dataset.graph(URIRef(name))
            for triple in self.graph(name):
                target.add(triple)
        body: bytes = dataset.serialize(
            format="nquads" if extension == "nq" else "trig", encoding="utf-8"
        )
        return body


def _serialize(graphs: Sequence[Graph], fmt: DocumentFormat) -> bytes:
    """``graphs`` read as one and written in ``fmt``, with the project's prefixes."""
    assert fmt.rdflib_format is not None and not fmt.is_dataset
    out = view(*graphs)
    bind_prefixes(out)
    body: bytes = out.serialize(format=fmt.rdflib_format, encoding="utf-8")
    return body


def _description(iri: URIRef, data: Graph, inferred: Graph | None) -> list[Graph]:
    """What the RDF document about ``iri`` holds: the whole design for a chain, the whole scheme
    for the scheme, else the thing's own triples (and their blank nodes); with ``inferred``, also
    the inferred triples about it."""
    if iri == SCHEME or (iri, RDF.type, KETEN.Chain) in data:
        parts = [data]
    else:
        own = fresh_graph()
        todo: list[URIRef | BNode] = [iri]
        seen: set[URIRef | BNode] = set()
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            for triple in data.triples((node, None, None)):
                own.add(triple)
                if isinstance(triple[2], BNode):
                    todo.append(triple[2])
        parts = [own]
    if inferred is not None:
        about = fresh_graph()
        for triple in inferred.triples((iri, None, None)):
            about.add(triple)
        parts.append(about)
    return parts


def _closest(wanted: str, candidates: Iterable[str], *, limit: int) -> list[str]:
    """The ``limit`` candidates most like ``wanted`` (ratio 0.5 at least), ties in natural order
    (``P1`` before ``P2``)."""
    matcher = difflib.SequenceMatcher(b=wanted, autojunk=False)
    scored = []
    for candidate in candidates:
        matcher.set_seq1(candidate)
        if matcher.real_quick_ratio() < 0.5 or matcher.quick_ratio() < 0.5:
            continue
        ratio = matcher.ratio()
        if ratio >= 0.5:
            scored.append((-ratio, natural_key(candidate), candidate))
    return [candidate for *_, candidate in sorted(scored)[:limit]]


def _usable_iri(text: str) -> bool:
    """True for an absolute IRI that may be written between ``<…>`` in a query."""
    if not text or any(c in text for c in _UNUSABLE_IN_IRI):
        return False
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return ":" in text


def _graph_name(path: str) -> str | None:
    """The graph ``…/graph/{path}``, or None when that is not an IRI (``/graph/%zz``)."""
    if not path or any(c in path for c in _UNUSABLE_IN_IRI):
        return None
    name = graph_for_dump(path)
    try:
        ox.NamedNode(name)
    except ValueError:
        return None
    return name


def _inferred_switch(ask: Ask) -> str:
    """This page's path with ``inferred=true`` turned the other way round."""
    kept = [p for p in ask.query.split("&") if p and not p.startswith(("inferred=", "lang="))]
    if ask.lang_given:
        kept.append(f"lang={ask.lang}")
    if not ask.inferred:
        kept.append("inferred=true")
    return ask.path + ("?" + "&".join(kept) if kept else "")
