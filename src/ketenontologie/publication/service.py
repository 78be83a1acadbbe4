"""Answer linked-data requests from a :class:`~ketenontologie.store.GraphStore`.

:class:`LinkedData` turns one request (:class:`Ask`) into one :class:`Answer` (status, body,
media type, headers); the HTTP layer only copies it. Every IRI under the base IRI is answered at
its path: ``/def`` and ``/shapes`` (hash IRIs), ``/id/{type}/{ref}`` with a 303 to
``/doc/{type}/{ref}``, which describes the thing. A publisher on another host sets the base IRI;
IRIs under the project's own base (``https://w3id.org/ketenontologie``) are answered too.

>>> service = LinkedData(store, base_iri="https://w3id.org/ketenontologie")  # doctest: +SKIP
>>> service.thing(Ask(path="/id/pijler/P1"), "pijler", "P1").status  # doctest: +SKIP
303
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from ketenontologie.errors import NotAcceptableError
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
    shapes_graph,
)
from ketenontologie.publication.chains import Switch, chain_page
from ketenontologie.publication.graphs import (
    graph_view,
    kind_of,
    service_vocabulary,
    service_vocabulary_view,
)
from ketenontologie.publication.links import ServiceLinks, local_path
from ketenontologie.publication.model import (
    Link,
    Text,
    label_of,
    merge,
    natural_key,
    ontology_view,
    shapes_view,
)
from ketenontologie.publication.negotiation import (
    FORMATS,
    GRAPH_FORMATS,
    HTML,
    DocumentFormat,
    format_for_extension,
    negotiate,
    negotiate_language,
    prefers_html,
    split_extension,
)
from ketenontologie.publication.pages import Download, downloads_for, render_page, stylesheet
from ketenontologie.publication.things import resource_view, scheme_view
from ketenontologie.publication.void import (
    DUMP_FORMATS,
    GraphInfo,
    dataset_description,
    dump_path,
    graph_for_dump,
)
from ketenontologie.publication.words import words
from ketenontologie.sparql.results import format_by_name
from ketenontologie.store import GraphStore
from ketenontologie.store.remote import ADMIN

__all__ = ["Answer", "Ask", "LinkedData"]

SCHEME = URIRef(f"{BASE}/id/begrippenkader/ketensturing")
_UNUSABLE_IN_IRI = '<>"{}|^`\\ \t\n\r'
_NT = format_by_name("ntriples", kind="graph")
_JSON = format_by_name("json", kind="solutions")
_VARY = "Accept, Accept-Language"


@dataclass(frozen=True, slots=True)
class Ask:
    """What a request asks: its path and query, and the negotiation headers and parameters."""

    path: str
    query: str = ""
    accept: str | None = None
    accept_language: str | None = None
    lang: str | None = None
    inferred: bool = False


@dataclass(frozen=True, slots=True)
class Answer:
    """What to send back."""

    status: int
    body: bytes
    media_type: str
    headers: Mapping[str, str] = field(default_factory=dict)


def _error(status: int, code: str, message: str) -> Answer:
    body = json.dumps({"error": code, "message": message}, ensure_ascii=False).encode("utf-8")
    return Answer(status, body, "application/json", {"Vary": _VARY})


class LinkedData:
    """Linked-data answers for the graphs in ``store``, with IRIs under ``base_iri``."""

    def __init__(self, store: GraphStore, *, base_iri: str = BASE) -> None:
        self.store = store
        self.base = base_iri.rstrip("/")
        self.bases = tuple(dict.fromkeys((self.base, BASE)))
        self._parsed: OrderedDict[tuple[str, bytes], Graph] = OrderedDict()
        self._lock = threading.Lock()

    # --- reading the store ---------------------------------------------------------------------

    def graph(self, name: str) -> Graph:
        """The stored graph ``name`` as an rdflib graph, parsed once per version (read only)."""
        assert _NT is not None
        if not self.store.has_graph(name):
            return Graph()
        data = self.store.dump(name, format=_NT)
        key = (name, hashlib.sha256(data).digest())
        with self._lock:
            if key in self._parsed:
                self._parsed.move_to_end(key)
                return self._parsed[key]
        graph = Graph().parse(data=data.decode("utf-8"), format="nt")
        with self._lock:
            self._parsed[key] = graph
            while len(self._parsed) > 48:
                self._parsed.popitem(last=False)
        return graph

    def select(self, query: str) -> list[dict[str, dict[str, str]]]:
        """The bindings of a SELECT query (SPARQL JSON results' ``bindings``)."""
        assert _JSON is not None
        result = self.store.query(query, format=_JSON, inference=True)
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
        """The ontology and the concept scheme in one graph (for subclasses and labels)."""
        return merge(self.graph(ONTOLOGY_GRAPH), self.graph(SCHEME_GRAPH))

    def graphs_about(self, iri: str) -> list[str]:
        """The named graphs in which ``iri`` is the subject of a triple."""
        rows = self.select(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }} }}")
        return sorted(row["g"]["value"] for row in rows)

    # --- negotiation ---------------------------------------------------------------------------

    def _links(self, ask: Ask) -> ServiceLinks:
        lang = negotiate_language(ask.lang, ask.accept_language)
        return ServiceLinks(
            self.bases, lang=lang, explicit=bool(ask.lang), current=ask.path, query=ask.query
        )

    def _format(self, ask: Ask, extension: DocumentFormat | None) -> DocumentFormat:
        return negotiate(ask.accept, extension=extension, formats=FORMATS)

    def _headers(
        self,
        ask: Ask,
        fmt: DocumentFormat,
        stem: str,
        *,
        formats: Sequence[DocumentFormat] = FORMATS,
    ) -> dict[str, str]:
        alternates = ", ".join(
            f'<{stem}.{other.extension}>; rel="alternate"; type="{other.media_type}"'
            for other in formats
            if other.is_rdf
        )
        headers = {"Vary": _VARY, "Link": alternates, "Content-Location": f"{stem}.{fmt.extension}"}
        if not fmt.is_rdf:
            headers["Content-Language"] = negotiate_language(ask.lang, ask.accept_language)
        return headers

    def _rdf(self, graph: Graph, fmt: DocumentFormat, ask: Ask, stem: str) -> Answer:
        assert fmt.rdflib_format is not None
        out = Graph()
        bind_prefixes(out)
        for triple in graph:
            out.add(triple)
        body = out.serialize(format=fmt.rdflib_format, encoding="utf-8")
        return Answer(200, body, fmt.content_type, self._headers(ask, fmt, stem))

    def _html(self, html: str, ask: Ask, stem: str, *, status: int = 200) -> Answer:
        return Answer(
            status, html.encode("utf-8"), HTML.content_type, self._headers(ask, HTML, stem)
        )

    def _alternates(self, links: ServiceLinks, iri: str) -> list[Download]:
        return downloads_for(links, iri)

    # --- the ontology and the shapes ------------------------------------------------------------

    def ontology(
        self, ask: Ask, *, extension: str | None = None, version: str | None = None
    ) -> Answer:
        """``/def`` (and ``/def/{version}``): the ontology as a page or in an RDF format."""
        try:
            fmt = self._format(ask, _extension(extension))
        except NotAcceptableError as error:
            return _error(406, error.code, str(error))
        except _UnknownExtension:
            return self.not_found(ask)
        ontology = self.graph(ONTOLOGY_GRAPH)
        if not len(ontology):
            return self.not_found(ask, message="The ontology is not loaded in this store.")
        current = str(ontology.value(URIRef(DEF), OWL.versionInfo))
        if version is not None and version != current:
            return self.not_found(
                ask,
                message=f"Only the current version ({current}) "
                "is served here; earlier versions are in the release artefacts.",
            )
        stem = "/def" if version is None else f"/def/{version}"
        if fmt.is_rdf:
            return self._rdf(ontology, fmt, ask, stem)
        links = self._links(ask)
        view = ontology_view(
            ontology, scheme=self.graph(SCHEME_GRAPH), shapes=self.shapes(), links=links
        )
        files = self._alternates(links, DEF)
        html = render_page(
            "ontology.html",
            links=links,
            title=view.title.value,
            section="ontology",
            alternates=files,
            files=files,
            view=view,
        )
        return self._html(html, ask, stem)

    def shapes_document(
        self, ask: Ask, *, extension: str | None = None, version: str | None = None
    ) -> Answer:
        """``/shapes`` (and ``/shapes/{version}``): the rules as a page or in an RDF format."""
        try:
            fmt = self._format(ask, _extension(extension))
        except NotAcceptableError as error:
            return _error(406, error.code, str(error))
        except _UnknownExtension:
            return self.not_found(ask)
        shapes = self.shapes()
        if not shapes:
            return self.not_found(ask, message="No shapes are loaded in this store.")
        merged = merge(*shapes.values())
        current = merged.value(URIRef(SHAPES.rstrip("#")), OWL.versionInfo)
        if version is not None and version != str(current):
            return self.not_found(
                ask,
                message=f"Only the current version ({current}) "
                "is served here; earlier versions are in the release artefacts.",
            )
        stem = "/shapes" if version is None else f"/shapes/{version}"
        if fmt.is_rdf:
            return self._rdf(merged, fmt, ask, stem)
        links = self._links(ask)
        view = shapes_view(shapes, context=self.context(), links=links)
        files = self._alternates(links, SHAPES.rstrip("#"))
        html = render_page(
            "shapes.html",
            links=links,
            title=words(links.lang)["rules"],
            section="shapes",
            alternates=files,
            files=files,
            view=view,
        )
        return self._html(html, ask, stem)

    def service_terms(self, ask: Ask, *, extension: str | None = None) -> Answer:
        """``/def/service``: the terms the SPARQL service writes into its answers."""
        try:
            fmt = self._format(ask, _extension(extension))
        except NotAcceptableError as error:
            return _error(406, error.code, str(error))
        except _UnknownExtension:
            return self.not_found(ask)
        vocabulary = service_vocabulary()
        stem = "/def/service"
        if fmt.is_rdf:
            return self._rdf(vocabulary, fmt, ask, stem)
        links = self._links(ask)
        view = service_vocabulary_view(vocabulary, links=links)
        files = self._alternates(links, view.iri)
        html = render_page(
            "service_vocabulary.html",
            links=links,
            title=view.title.value,
            section="ontology",
            alternates=files,
            files=files,
            view=view,
        )
        return self._html(html, ask, stem)

    # --- named graphs ----------------------------------------------------------------------------

    def named_graph(self, ask: Ask, path: str) -> Answer:
        """``/graph/{path}``: the stored graph of that name, its triples by ``Accept`` (TriG and
        N-Quads with its name) or its page. The files per format are its dumps."""
        try:
            fmt = negotiate(ask.accept, formats=GRAPH_FORMATS)
        except NotAcceptableError as error:
            return _error(406, error.code, str(error))
        name = _graph_name(path)
        if name is None or not self.store.has_graph(name):
            message = None
            if name is not None and name.startswith(ADMIN):
                message = (
                    "The …/graph/beheer/ graphs are the store's own bookkeeping on a SPARQL "
                    "server (docs/deploy.md); they are not published "
                    "(de beheergrafen worden niet gepubliceerd)."
                )
            return self.not_found(ask, message=message)
        stem = f"/dumps/{path}"
        headers = self._headers(ask, fmt, stem, formats=GRAPH_FORMATS)
        if fmt.is_dataset:
            return Answer(200, self._named([name], fmt.extension), fmt.content_type, headers)
        if fmt.is_rdf:
            answer = self._rdf(self.graph(name), fmt, ask, stem)
            return Answer(answer.status, answer.body, answer.media_type, headers)
        links = self._links(ask)
        graph = self.graph(name)
        chains: list[tuple[str, Text]] = []
        if kind_of(name)[0] == "design":
            found = {c for c in graph.subjects(RDF.type, KETEN.Chain) if isinstance(c, URIRef)}
            chains = [(str(c), label_of(graph, c, links.lang)) for c in sorted(found)]
        view = graph_view(
            name, triples=len(graph), stored=self.store.graphs(), chains=chains, links=links
        )
        html = render_page(
            "graph.html",
            links=links,
            title=words(links.lang)["graph_title"].format(path=path),
            section="dataset",
            alternates=view.downloads,
            view=view,
            sparql=f"{self.base}/sparql",
        )
        del headers["Content-Location"]  # the page has no file of its own
        return Answer(200, html.encode("utf-8"), HTML.content_type, headers)

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

    def thing(self, ask: Ask, kind: str, ref: str) -> Answer:
        """``/id/{kind}/{ref}``: 303 See Other to the document about it, or a helpful 404."""
        if self._find(kind, ref) is None:
            return self.not_found(ask)
        location = f"/doc/{kind}/{ref}" + (f"?{ask.query}" if ask.query else "")
        return Answer(303, b"", "text/plain", {"Location": location, "Vary": _VARY})

    def document(self, ask: Ask, kind: str, name: str) -> Answer:
        """``/doc/{kind}/{ref}[.ext]``: the thing described as a page or in an RDF format."""
        ref, extension = split_extension(name)
        try:
            fmt = self._format(ask, extension)
        except NotAcceptableError as error:
            return _error(406, error.code, str(error))
        except _UnknownExtension:
            return self.not_found(ask)
        found = self._find(kind, ref)
        if found is None:
            return self.not_found(ask)
        iri, graphs = found
        stem = f"/doc/{kind}/{ref}"
        asserted = [g for g in graphs if not is_inferred(g)]
        designs = [g[len(design_graph("")) :] for g in asserted if g.startswith(design_graph(""))]
        data = merge(*(self.graph(g) for g in asserted))
        inferred = merge(
            *(self.graph(g) for g in graphs if is_inferred(g)),
            *(self.graph(inferred_graph(d)) for d in designs),
        )
        if fmt.is_rdf:
            return self._rdf(
                self._description(iri, data, inferred if ask.inferred else None), fmt, ask, stem
            )
        return self._html(self._page(ask, iri, data, inferred, designs), ask, stem)

    def _description(self, iri: URIRef, data: Graph, inferred: Graph | None) -> Graph:
        """What the RDF document about ``iri`` holds: the whole design for a chain, the whole
        scheme for the scheme, else the thing's own triples (and their blank nodes)."""
        if iri == SCHEME or (iri, RDF.type, KETEN.Chain) in data:
            out = merge(data)
        else:
            out = Graph()
            todo: list[URIRef | BNode] = [iri]
            seen: set[URIRef | BNode] = set()
            while todo:
                node = todo.pop()
                if node in seen:
                    continue
                seen.add(node)
                for triple in data.triples((node, None, None)):
                    out.add(triple)
                    if isinstance(triple[2], BNode):
                        todo.append(triple[2])
        if inferred is not None:
            for triple in inferred.triples((iri, None, None)):
                out.add(triple)
        return out

    def _incoming(self, iri: URIRef, context: Graph) -> list[tuple[URIRef, URIRef]]:
        rows = self.select(
            f"SELECT DISTINCT ?s ?p ?g ?label WHERE {{ GRAPH ?g {{ ?s ?p <{iri}> }} "
            f"OPTIONAL {{ ?s <{RDFS.label}> ?label }} FILTER(isIRI(?s)) }}"
        )
        pairs = []
        for row in rows:
            if is_inferred(row["g"]["value"]):
                continue
            subject = URIRef(row["s"]["value"])
            pairs.append((subject, URIRef(row["p"]["value"])))
            if "label" in row:
                label = row["label"]
                context.add(
                    (subject, RDFS.label, Literal(label["value"], lang=label.get("xml:lang")))
                )
        return sorted(set(pairs))

    def _page(
        self, ask: Ask, iri: URIRef, data: Graph, inferred: Graph, designs: Sequence[str]
    ) -> str:
        links = self._links(ask)
        context = merge(self.context(), data)
        files = self._alternates(links, str(iri))
        chains = sorted({c for c in data.subjects(RDF.type, KETEN.Chain) if isinstance(c, URIRef)})
        view = resource_view(
            iri,
            data=data,
            context=context,
            links=links,
            inferred=inferred if ask.inferred else None,
            incoming=self._incoming(iri, context),
            chains=[] if iri in chains else chains,
        )
        render = functools.partial(
            render_page, links=links, title=view.label.value, alternates=files, files=files
        )
        if iri == SCHEME:
            return render("scheme.html", section="scheme", view=scheme_view(data, iri, links=links))
        switch = Switch(
            _inferred_switch(ask, links.lang),
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

    def not_found(self, ask: Ask, *, message: str | None = None) -> Answer:
        """A 404 that helps: a page with suggestions and ways in for a client that prefers HTML
        (:func:`prefers_html`), else ``{"error": "not-found", "message": …}``."""
        text = message or f"Nothing is known at {ask.path} (hier is niets bekend)."
        if not prefers_html(ask.accept):
            return _error(404, "not-found", f"{text} See /def, /shapes and /.well-known/void.")
        links = self._links(ask)
        html = render_page(
            "not_found.html",
            links=links,
            title={"nl": "Niet gevonden", "en": "Not found"}[links.lang],
            path=ask.path,
            message=message,
            suggestions=self.suggestions(ask.path, links),
        )
        return Answer(404, html.encode("utf-8"), HTML.content_type, {"Vary": _VARY})

    # --- dataset, dumps, stylesheet -------------------------------------------------------------

    def graph_infos(self) -> list[GraphInfo]:
        """Every named graph with its number of triples."""
        rows = self.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        counts = {row["g"]["value"]: int(row["n"]["value"]) for row in rows}
        return [
            GraphInfo(name, counts.get(name, 0)) for name in self.store.graphs() if dump_path(name)
        ]

    def dataset(self, ask: Ask, *, extension: str | None = None) -> Answer:
        """``/.well-known/void``: VoID and DCAT as RDF, or the dataset page with every dump."""
        try:
            fmt = self._format(ask, _extension(extension))
        except NotAcceptableError as error:
            return _error(406, error.code, str(error))
        except _UnknownExtension:
            return self.not_found(ask)
        infos = self.graph_infos()
        stem = "/.well-known/void"
        if fmt.is_rdf:
            return self._rdf(dataset_description(self.base, graphs=infos), fmt, ask, stem)
        links = self._links(ask)
        files = [
            Download(f.label, f"{stem}.{f.extension}", f.media_type) for f in FORMATS if f.is_rdf
        ]
        graphs = [
            {
                "name": info.path,
                "href": links.href(info.name),
                "inferred": info.inferred,
                "triples": info.triples,
                "downloads": [
                    Download(f.label, f"/dumps/{info.path}.{f.extension}", f.media_type)
                    for f in FORMATS
                    if f.is_rdf
                ],
            }
            for info in infos
        ]
        view = {
            "iri": f"{self.base}{stem}#ketenontologie",
            "sparql": f"{self.base}/sparql",
            "sparql_href": "/sparql",
            "license": "https://creativecommons.org/licenses/by/4.0/",
            "graphs": graphs,
            "total": sum(info.triples for info in infos),
            "whole": [
                Download(label, f"/dumps/alles.{ext}", media)
                for ext, (label, media) in DUMP_FORMATS.items()
            ],
        }
        html = render_page(
            "dataset.html",
            links=links,
            title={"nl": "Dataset en downloads", "en": "Dataset and downloads"}[links.lang],
            section="dataset",
            alternates=files,
            files=files,
            view=view,
        )
        return self._html(html, ask, stem)

    def dump(self, ask: Ask, path: str) -> Answer:
        """``/dumps/{graph}.{ext}``: one graph in an RDF format (TriG and N-Quads keep its
        name); ``/dumps/alles.nq``, ``/dumps/alles.trig``: every graph."""
        stem, dot, extension = path.rpartition(".")
        if dot and stem == "alles" and extension in DUMP_FORMATS:
            names = [info.name for info in self.graph_infos()]
            return Answer(200, self._named(names, extension), _dataset_type(extension), {})
        fmt = format_for_extension(extension, formats=GRAPH_FORMATS) if dot else None
        name = _graph_name(stem)
        if fmt is None or not fmt.is_rdf or name is None or not self.store.has_graph(name):
            return self.not_found(ask, message=f"There is no dump at /dumps/{path}.")
        if fmt.is_dataset:
            return Answer(200, self._named([name], extension), _dataset_type(extension), {})
        return self._rdf(self.graph(name), fmt, ask, f"/dumps/{stem}")

    def _named(self, names: Sequence[str], extension: str) -> bytes:
        """The graphs ``names`` with their names, as N-Quads (``nq``) or TriG (``trig``)."""
        from rdflib import Dataset

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

    def stylesheet(self) -> Answer:
        """The pages' stylesheet."""
        return Answer(
            200, stylesheet(), "text/css; charset=utf-8", {"Cache-Control": "max-age=3600"}
        )


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


def _dataset_type(extension: str) -> str:
    return f"{DUMP_FORMATS[extension][1]}; charset=utf-8"


class _UnknownExtension(Exception):
    """An extension that names none of our formats: the document does not exist."""


def _extension(extension: str | None) -> DocumentFormat | None:
    if extension is None:
        return None
    fmt = format_for_extension(extension)
    if fmt is None:
        raise _UnknownExtension(extension)
    return fmt


def _inferred_switch(ask: Ask, lang: str) -> str:
    """This page's path with ``inferred=true`` turned the other way round."""
    kept = [p for p in ask.query.split("&") if p and not p.startswith(("inferred=", "lang="))]
    if ask.lang:
        kept.append(f"lang={lang}")
    if not ask.inferred:
        kept.append("inferred=true")
    return ask.path + ("?" + "&".join(kept) if kept else "")
