"""Read what the pages show out of rdflib graphs: texts in a language, links, terms and rules.

Every builder takes graphs and a :class:`~ketenontologie.publication.links.Links` and returns
plain dataclasses; the templates only lay them out. Builders read several graphs together
through :func:`~ketenontologie.publication.union.union`, never a copy. Texts are picked in the
page's language and fall back to the other language (marked, so the page can set ``lang`` on
it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ketenontologie.namespaces import DCT, DEF, KETEN, ORG, OWL, RDF, RDFS, SH, SHAPES, SKOS, VANN
from ketenontologie.publication.links import Links
from ketenontologie.publication.union import union
from ketenontologie.publication.words import LANGUAGES, Language

__all__ = [
    "Link",
    "OntologyView",
    "RuleFamily",
    "RuleView",
    "ShapesView",
    "TermView",
    "Text",
    "VocabularyTermView",
    "compact",
    "label_of",
    "link_to",
    "natural_key",
    "ontology_view",
    "rules_by_term",
    "shapes_view",
    "texts",
]

PREFIXES: Mapping[str, str] = {
    "keten": str(KETEN),
    "kss": SHAPES,
    "org": str(ORG),
    "skos": str(SKOS),
    "dct": str(DCT),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "rdf": str(RDF),
    "sh": str(SH),
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "vann": str(VANN),
}
_LABELS = (RDFS.label, SKOS.prefLabel, SH.name, DCT.title)


@dataclass(frozen=True, slots=True)
class Text:
    """A text and, when it is not in the page's language, the language it is in."""

    value: str
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class Link:
    """A link: the text to show, the IRI it stands for, and where it goes (None: no page)."""

    label: Text
    iri: str
    href: str | None


def natural_key(text: str) -> tuple[object, ...]:
    """Sort key that puts ``KS-R2`` before ``KS-R10`` and ``P2`` before ``P10``."""
    return tuple(
        int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", text)
    )


def compact(iri: str) -> str:
    """``keten:Chain`` for an IRI in a known namespace, else the IRI itself."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def texts(graph: Graph, subject: Node, predicate: URIRef, lang: Language) -> list[Text]:
    """The literals of ``predicate`` in ``lang``; else untagged ones; else the other language's."""
    literals = [o for o in graph.objects(subject, predicate) if isinstance(o, Literal)]
    for wanted in (lang, None):
        chosen = [str(o) for o in literals if o.language == wanted]
        if chosen:
            return [Text(value) for value in sorted(chosen)]
    for other in LANGUAGES:
        chosen = [str(o) for o in literals if o.language == other]
        if chosen:
            return [Text(value, other) for value in sorted(chosen)]
    return [Text(str(o), o.language) for o in literals]


def first_text(graph: Graph, subject: Node, predicate: URIRef, lang: Language) -> Text | None:
    """The first of :func:`texts`, or None."""
    found = texts(graph, subject, predicate, lang)
    return found[0] if found else None


def label_of(graph: Graph, node: Node, lang: Language) -> Text:
    """The best label of ``node``: rdfs:label, skos:prefLabel, sh:name, dct:title, else a name."""
    for predicate in _LABELS:
        found = first_text(graph, node, predicate, lang)
        if found is not None:
            return found
    if isinstance(node, URIRef):
        return Text(compact(str(node)))
    return Text(str(node))


def link_to(graph: Graph, node: Node, links: Links) -> Link:
    """A link to ``node`` labelled in the page's language."""
    iri = str(node)
    href = links.href(iri) if isinstance(node, URIRef) else None
    return Link(label_of(graph, node, links.lang), iri, href)


def links_to(graph: Graph, nodes: Iterable[Node], links: Links) -> list[Link]:
    """Links to ``nodes`` (IRIs only), sorted by label."""
    found = {link_to(graph, node, links) for node in nodes if isinstance(node, URIRef)}
    return sorted(found, key=lambda link: (natural_key(link.label.value), link.iri))


# --- rules --------------------------------------------------------------------------------------

_KETEN_NAME = re.compile(r"\bketen:([A-Za-z_][A-Za-z0-9_]*)")


def _reachable(graph: Graph, start: Node) -> Iterable[tuple[Node, Node, Node]]:
    """The triples of ``start`` and of the blank nodes it leads to."""
    seen: set[Node] = set()
    todo = [start]
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for s, p, o in graph.triples((node, None, None)):
            yield s, p, o
            if isinstance(o, BNode):
                todo.append(o)


def _named_shapes(graph: Graph) -> list[URIRef]:
    shapes = {
        s
        for kind in (SH.NodeShape, SH.PropertyShape)
        for s in graph.subjects(RDF.type, kind)
        if isinstance(s, URIRef) and str(s).startswith(SHAPES)
    }
    return sorted(shapes, key=lambda s: natural_key(str(s)))


def _vocabulary_terms(graph: Graph) -> list[URIRef]:
    """The terms of the rules' own vocabulary (``kss:basis`` …): typed, under SHAPES, no shape."""
    shapes = set(_named_shapes(graph))
    terms = {
        s
        for s in graph.subjects(RDF.type, None)
        if isinstance(s, URIRef) and str(s).startswith(SHAPES) and s not in shapes
    }
    return sorted(terms, key=lambda s: natural_key(str(s)))


def rules_by_term(shapes: Mapping[str, Graph]) -> dict[str, set[URIRef]]:
    """For each ``keten:`` term, the named shapes that check it (target, path or SPARQL text)."""
    found: dict[str, set[URIRef]] = {}
    for graph in shapes.values():
        for shape in _named_shapes(graph):
            for _, predicate, value in _reachable(graph, shape):
                names: list[str] = []
                if isinstance(value, URIRef) and str(value).startswith(str(KETEN)):
                    names.append(str(value))
                elif isinstance(value, Literal) and predicate in (SH.select, SH.ask):
                    names += [f"{KETEN}{name}" for name in _KETEN_NAME.findall(str(value))]
                for name in names:
                    found.setdefault(name, set()).add(shape)
    return found


@dataclass(frozen=True)
class RuleView:
    """One rule (a named shape): what it checks, how seriously, and what to change."""

    anchor: str
    iri: str
    name: Text
    description: Text | None
    message: Text | None
    severity: str
    sources: list[Link]
    targets: list[Link]
    paths: list[Link]
    basis: str | None = None
    """``NoraRule`` or ``ProjectRule`` (the local name of its ``kss:basis``), if stated."""


@dataclass(frozen=True)
class VocabularyTermView:
    """A term of the rules' own vocabulary, such as ``kss:basis`` or ``kss:ProjectRule``."""

    anchor: str
    iri: str
    label: Text
    definitions: list[Text]
    scope_notes: list[Text]


@dataclass(frozen=True)
class RuleFamily:
    """The rules of one shapes file."""

    key: str
    title: str
    rules: list[RuleView]


@dataclass(frozen=True)
class ShapesView:
    """The shapes page: every family of rules."""

    iri: str
    families: list[RuleFamily]
    terms: list[VocabularyTermView] = field(default_factory=list)

    @property
    def rules(self) -> list[RuleView]:
        """Every rule, in page order."""
        return [rule for family in self.families for rule in family.rules]


_FAMILY_TITLES: Mapping[str, Mapping[Language, str]] = {
    "chain": {
        "nl": "De keten, haar partners en haar bestuur",
        "en": "The chain, its partners and its board",
    },
    "escalation": {"nl": "Escalatie", "en": "Escalation"},
    "roles": {"nl": "Rollen en besturingsniveaus", "en": "Roles and management levels"},
    "nl-sbb": {"nl": "Begrippen volgens NL-SBB", "en": "Concepts following NL-SBB"},
}


_BASIS = URIRef(f"{SHAPES}basis")


def _rule(graph: Graph, context: Graph, shape: URIRef, links: Links) -> RuleView:
    lang = links.lang
    severity = graph.value(shape, SH.severity)
    targets: list[Node] = []
    for predicate in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode):
        targets += list(graph.objects(shape, predicate))
    paths = [p for p in graph.objects(shape, SH.path) if isinstance(p, URIRef)]
    for prop in graph.objects(shape, SH.property):
        paths += [p for p in graph.objects(prop, SH.path) if isinstance(p, URIRef)]
    return RuleView(
        anchor=str(shape)[len(SHAPES) :],
        iri=str(shape),
        name=first_text(graph, shape, SH.name, lang) or Text(str(shape)[len(SHAPES) :]),
        description=first_text(graph, shape, SH.description, lang),
        message=first_text(graph, shape, SH.message, lang),
        severity=str(severity).rpartition("#")[2] if severity is not None else "Violation",
        sources=links_to(context, graph.objects(shape, DCT.source), links),
        targets=links_to(context, targets, links),
        paths=links_to(context, paths, links),
        basis=str(basis)[len(SHAPES) :] if (basis := graph.value(shape, _BASIS)) else None,
    )


def shapes_view(shapes: Mapping[str, Graph], *, context: Graph, links: Links) -> ShapesView:
    """The shapes page: one family per shapes file, rules in number order."""
    families = []
    terms = []
    for key in sorted(shapes, key=lambda k: (k == "nl-sbb", k)):
        graph = shapes[key]
        labelled = union(context, graph)
        title = _FAMILY_TITLES.get(key, {}).get(links.lang, key)
        rules = [_rule(graph, labelled, shape, links) for shape in _named_shapes(graph)]
        if rules:
            families.append(RuleFamily(key, title, rules))
        for term in _vocabulary_terms(graph):
            terms.append(
                VocabularyTermView(
                    anchor=str(term)[len(SHAPES) :],
                    iri=str(term),
                    label=label_of(graph, term, links.lang),
                    definitions=texts(graph, term, SKOS.definition, links.lang),
                    scope_notes=texts(graph, term, SKOS.scopeNote, links.lang),
                )
            )
    return ShapesView(SHAPES.rstrip("#"), families, terms)


# --- ontology -----------------------------------------------------------------------------------

_KINDS: Mapping[URIRef, str] = {
    OWL.Class: "class",
    OWL.ObjectProperty: "object_property",
    OWL.DatatypeProperty: "datatype_property",
}


@dataclass(frozen=True)
class TermView:
    """A class or property of the ontology, with everything its section shows."""

    anchor: str
    iri: str
    kind: str
    label: Text
    definitions: list[Text]
    scope_notes: list[Text]
    examples: list[Text]
    editorial_notes: list[Text]
    comments: list[Text]
    sources: list[Link]
    supers: list[Link]
    subs: list[Link]
    domains: list[Link]
    ranges: list[Link]
    in_domain_of: list[Link] = field(default_factory=list)
    in_range_of: list[Link] = field(default_factory=list)
    inverses: list[Link] = field(default_factory=list)
    characteristics: list[str] = field(default_factory=list)
    property_chain: list[Link] = field(default_factory=list)
    disjoint: list[Link] = field(default_factory=list)
    rules: list[Link] = field(default_factory=list)
    concepts: list[Link] = field(default_factory=list)


@dataclass(frozen=True)
class OntologyView:
    """The ontology page: header metadata and every term of our namespace."""

    iri: str
    title: Text
    description: list[Text]
    version_iri: str | None
    version_info: str | None
    license: Link | None
    created: str | None
    modified: str | None
    prefix: str | None
    namespace: str | None
    sources: list[Link]
    see_also: list[Link]
    classes: list[TermView]
    object_properties: list[TermView]
    datatype_properties: list[TermView]
    external: list[Link]

    @property
    def terms(self) -> list[TermView]:
        """Every term, in page order."""
        return [*self.classes, *self.object_properties, *self.datatype_properties]


def _list_items(graph: Graph, node: Node | None) -> list[Node]:
    items: list[Node] = []
    while node is not None and node != RDF.nil:
        first = graph.value(node, RDF.first)
        if first is not None:
            items.append(first)
        node = graph.value(node, RDF.rest)
    return items


def _disjoint_groups(graph: Graph) -> list[list[Node]]:
    """The member lists of every ``owl:AllDisjointClasses`` in ``graph``."""
    return [
        _list_items(graph, graph.value(group, OWL.members))
        for group in graph.subjects(RDF.type, OWL.AllDisjointClasses)
    ]


def _disjoint(graph: Graph, term: URIRef, groups: Sequence[Sequence[Node]]) -> list[Node]:
    found = set(graph.objects(term, OWL.disjointWith)) | set(graph.subjects(OWL.disjointWith, term))
    for members in groups:
        if term in members:
            found.update(m for m in members if m != term)
    return list(found)


def _term(
    graph: Graph,
    term: URIRef,
    kind: str,
    *,
    scheme: Graph,
    rules: Mapping[str, set[URIRef]],
    disjoint_groups: Sequence[Sequence[Node]],
    links: Links,
) -> TermView:
    lang = links.lang
    is_class = kind == "class"
    parent = RDFS.subClassOf if is_class else RDFS.subPropertyOf
    inverses = set(graph.objects(term, OWL.inverseOf)) | set(graph.subjects(OWL.inverseOf, term))
    characteristics = []
    if (term, RDF.type, OWL.TransitiveProperty) in graph:
        characteristics.append("transitive")
    concepts = sorted(
        (s for s in scheme.subjects(RDF.type, term) if isinstance(s, URIRef)),
        key=lambda s: natural_key(str(scheme.value(s, SKOS.notation) or "") + str(s)),
    )
    return TermView(
        anchor=str(term)[len(str(KETEN)) :],
        iri=str(term),
        kind=kind,
        label=label_of(graph, term, lang),
        definitions=texts(graph, term, SKOS.definition, lang),
        scope_notes=texts(graph, term, SKOS.scopeNote, lang),
        examples=texts(graph, term, SKOS.example, lang),
        editorial_notes=texts(graph, term, SKOS.editorialNote, lang),
        comments=texts(graph, term, RDFS.comment, lang),
        sources=links_to(graph, graph.objects(term, DCT.source), links),
        supers=links_to(graph, graph.objects(term, parent), links),
        subs=links_to(graph, graph.subjects(parent, term), links),
        domains=links_to(graph, graph.objects(term, RDFS.domain), links),
        ranges=links_to(graph, graph.objects(term, RDFS.range), links),
        in_domain_of=links_to(graph, graph.subjects(RDFS.domain, term), links) if is_class else [],
        in_range_of=links_to(graph, graph.subjects(RDFS.range, term), links) if is_class else [],
        inverses=links_to(graph, inverses, links),
        characteristics=characteristics,
        property_chain=[
            link_to(graph, node, links)
            for node in _list_items(graph, graph.value(term, OWL.propertyChainAxiom))
        ],
        disjoint=links_to(graph, _disjoint(graph, term, disjoint_groups), links)
        if is_class
        else [],
        rules=[
            Link(Text(str(shape)[len(SHAPES) :]), str(shape), links.href(str(shape)))
            for shape in sorted(rules.get(str(term), ()), key=lambda s: natural_key(str(s)))
        ],
        concepts=[link_to(scheme, node, links) for node in concepts],
    )


def ontology_view(
    ontology: Graph,
    *,
    scheme: Graph,
    shapes: Mapping[str, Graph],
    links: Links,
) -> OntologyView:
    """The ontology page's content: header metadata, then classes and properties A-Z."""
    lang = links.lang
    iri = URIRef(DEF)
    rules = rules_by_term(shapes)
    labelled = union(ontology, scheme)
    groups = _disjoint_groups(labelled)
    by_kind: dict[str, list[TermView]] = {kind: [] for kind in _KINDS.values()}
    external: set[Node] = set()
    for rdf_type, kind in _KINDS.items():
        for term in ontology.subjects(RDF.type, rdf_type):
            if not isinstance(term, URIRef):
                continue
            if str(term).startswith(str(KETEN)):
                view = _term(
                    labelled,
                    term,
                    kind,
                    scheme=scheme,
                    rules=rules,
                    disjoint_groups=groups,
                    links=links,
                )
                by_kind[kind].append(view)
            else:
                external.add(term)
    for terms in by_kind.values():
        terms.sort(key=lambda t: (t.label.value.casefold(), t.anchor))
    license_node = ontology.value(iri, DCT.license)
    version = ontology.value(iri, OWL.versionIRI)

    def plain(predicate: URIRef) -> str | None:
        value = ontology.value(iri, predicate)
        return None if value is None else str(value)

    return OntologyView(
        iri=DEF,
        title=first_text(ontology, iri, DCT.title, lang) or label_of(ontology, iri, lang),
        description=texts(ontology, iri, DCT.description, lang),
        version_iri=None if version is None else str(version),
        version_info=plain(OWL.versionInfo),
        license=None if license_node is None else link_to(ontology, license_node, links),
        created=plain(DCT.created),
        modified=plain(DCT.modified),
        prefix=plain(VANN.preferredNamespacePrefix),
        namespace=plain(VANN.preferredNamespaceUri),
        sources=links_to(ontology, ontology.objects(iri, DCT.source), links),
        see_also=links_to(labelled, ontology.objects(iri, RDFS.seeAlso), links),
        classes=by_kind["class"],
        object_properties=by_kind["object_property"],
        datatype_properties=by_kind["datatype_property"],
        external=sorted(
            (Link(Text(compact(str(t))), str(t), str(t)) for t in external),
            key=lambda link: link.label.value,
        ),
    )
