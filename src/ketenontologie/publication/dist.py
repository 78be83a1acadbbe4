"""Release artefacts: the ontology, shapes and concept scheme in four RDF formats, and HTML.

``ketenontologie publish dist`` (and ``make dist``) writes into ``dist/``::

    ontwerp.schema.json                  the JSON Schema of chain designs in YAML
    ketenontologie.{ttl,jsonld,rdf,nt}   the ontology, version IRI stamped
    begrippenkader.{ttl,jsonld,rdf,nt}   the concept scheme
    mappings.{ttl,jsonld,rdf,nt}         alignments with schema.org, CPOV and TOOI
    shapes.{ttl,jsonld,rdf,nt}           every rule
    html/                                the documentation, Dutch; html/en/ in English

The version comes from the one version of the project (``pyproject.toml``, installed as the
package's version): ``owl:versionInfo`` becomes it and ``owl:versionIRI`` ``…/def/{version}``.

>>> paths = build_dist("dist")  # doctest: +SKIP
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef

from ketenontologie.authoring.schema import schema_bytes
from ketenontologie.loading import load_graph
from ketenontologie.namespaces import BASE, DEF, ID, OWL, SHAPES, bind_prefixes
from ketenontologie.publication.formats import RDF_FORMATS
from ketenontologie.publication.links import StaticLinks, local_path
from ketenontologie.publication.model import ontology_view, shapes_view
from ketenontologie.publication.pages import STYLESHEET, downloads_for, render_page, stylesheet
from ketenontologie.publication.things import resource_view, scheme_view
from ketenontologie.publication.union import union, view
from ketenontologie.publication.words import LANGUAGES, Language, words
from ketenontologie.resources import ontology_files, resource_dir, shape_files

__all__ = ["ARTEFACTS", "build_dist", "concept_pages", "stamp_version", "version_iri"]

ARTEFACTS = ("ketenontologie", "begrippenkader", "mappings", "shapes")
"""The stems of the RDF release files."""
_SCHEME = URIRef(f"{ID}begrippenkader/ketensturing")


def version_iri(version: str) -> str:
    """``https://w3id.org/ketenontologie/def/{version}``."""
    return f"{DEF}/{version}"


def stamp_version(ontology: Graph, version: str) -> Graph:
    """A copy of ``ontology`` whose ``owl:versionInfo`` and ``owl:versionIRI`` say ``version``."""
    stamped = Graph()
    for triple in ontology:
        stamped.add(triple)
    header = URIRef(DEF)
    stamped.remove((header, OWL.versionInfo, None))
    stamped.remove((header, OWL.versionIRI, None))
    stamped.add((header, OWL.versionInfo, Literal(version)))
    stamped.add((header, OWL.versionIRI, URIRef(version_iri(version))))
    return stamped


def _sources() -> tuple[Graph, Graph, dict[str, Graph]]:
    files = {path.stem: path for path in ontology_files()}
    ontology = load_graph(files["ketenontologie"])
    scheme = load_graph(files["begrippenkader"])
    shapes = {path.stem: load_graph(path) for path in shape_files()}
    return ontology, scheme, shapes


def concept_pages(scheme: Graph) -> dict[str, URIRef]:
    """The page path (``doc/pijler/P1.html``) of every thing the scheme describes."""
    pages: dict[str, URIRef] = {}
    for subject in set(scheme.subjects()):
        if not isinstance(subject, URIRef):
            continue
        path = local_path(str(subject), (BASE,))
        if path is not None and path.startswith("/id/"):
            pages["doc/" + path[len("/id/") :] + ".html"] = subject
    return pages


def _write_rdf(graph: Graph, out: Path, stem: str) -> list[Path]:
    bind_prefixes(graph)
    written = []
    for fmt in RDF_FORMATS:
        assert fmt.rdflib_format is not None
        path = out / f"{stem}.{fmt.extension}"
        path.write_bytes(graph.serialize(format=fmt.rdflib_format, encoding="utf-8"))
        written.append(path)
    return written


class _Site:
    """The static pages of one language: where each goes and how it links."""

    def __init__(self, out: Path, *, lang: Language, pages: Mapping[str, URIRef]) -> None:
        self.root = out if lang == LANGUAGES[0] else out / lang
        self.lang = lang
        self.known = {*pages, "index.html", "shapes.html"}
        self.written: list[Path] = []

    def links(self, here: str) -> StaticLinks:
        return StaticLinks(here, lang=self.lang, pages=self.known)

    def write(self, here: str, template: str, *, links: StaticLinks, iri: str, **page: Any) -> None:
        downloads = downloads_for(links, iri)
        html = render_page(template, links=links, files=downloads, alternates=downloads, **page)
        path = self.root / here
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, encoding="utf-8")
        self.written.append(path)


def _write_html(
    out: Path,
    *,
    ontology: Graph,
    scheme: Graph,
    shapes: Mapping[str, Graph],
    lang: Language,
) -> list[Path]:
    pages = concept_pages(scheme)
    site = _Site(out, lang=lang, pages=pages)
    context = union(ontology, scheme)
    say = words(lang)
    links = site.links("index.html")
    view = ontology_view(ontology, scheme=scheme, shapes=shapes, links=links)
    site.write(
        "index.html",
        "ontology.html",
        links=links,
        iri=DEF,
        title=view.title.value,
        section="ontology",
        view=view,
    )
    links = site.links("shapes.html")
    site.write(
        "shapes.html",
        "shapes.html",
        links=links,
        iri=SHAPES.rstrip("#"),
        title=say["rules"],
        section="shapes",
        view=shapes_view(shapes, context=context, links=links),
    )
    for here, subject in sorted(pages.items()):
        links = site.links(here)
        if subject == _SCHEME:
            scheme_page = scheme_view(scheme, subject, links=links)
            site.write(
                here,
                "scheme.html",
                links=links,
                iri=str(subject),
                title=scheme_page.title.value,
                section="scheme",
                view=scheme_page,
            )
            continue
        resource = resource_view(subject, data=scheme, context=context, links=links)
        site.write(
            here,
            "resource.html",
            links=links,
            iri=str(subject),
            title=resource.label.value,
            view=resource,
            inferred_switch=None,
        )
    return site.written


def build_dist(out: str | Path = "dist", *, version: str | None = None) -> list[Path]:
    """Write the release artefacts into ``out`` and return the files written.

    ``version`` defaults to the project's version. ``out/html`` is replaced as a whole, so no
    page of an earlier build is left behind.
    """
    from ketenontologie import __version__

    version = version or __version__
    target = Path(out)
    target.mkdir(parents=True, exist_ok=True)
    ontology, scheme, shapes = _sources()
    written = _write_rdf(stamp_version(ontology, version), target, "ketenontologie")
    written += _write_rdf(view(scheme), target, "begrippenkader")
    written += _write_rdf(load_graph(resource_dir("ontology") / "mappings.ttl"), target, "mappings")
    written += _write_rdf(view(*shapes.values()), target, "shapes")
    design_schema = target / "ontwerp.schema.json"
    design_schema.write_bytes(schema_bytes())
    written.append(design_schema)
    html = target / "html"
    shutil.rmtree(html, ignore_errors=True)
    html.mkdir()
    stamped = stamp_version(ontology, version)
    for lang in LANGUAGES:
        written += _write_html(html, ontology=stamped, scheme=scheme, shapes=shapes, lang=lang)
    css = html / STYLESHEET
    css.write_bytes(stylesheet())
    written.append(css)
    return written
