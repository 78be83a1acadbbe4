"""Views of the things under ``/id/``: the concept scheme as a tree, concepts, and any resource.

The scheme page shows dimensions → pillars → the building blocks that contribute to them
(``keten:contributesTo`` and its sub-properties, or a qualified ``keten:Contribution``), and says
where the source records no contribution. A resource page shows a thing's texts, its properties
(stated, and inferred on request), what refers to it, and the chain designs it belongs to.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from ketenontologie.namespaces import DCT, KETEN, RDF, RDFS, SKOS
from ketenontologie.publication.links import Links
from ketenontologie.publication.model import (
    Link,
    Text,
    first_text,
    label_of,
    link_to,
    links_to,
    natural_key,
    texts,
)

__all__ = [
    "ContributionView",
    "DimensionNode",
    "PillarNode",
    "ResourceView",
    "SchemeView",
    "Statement",
    "Value",
    "resource_view",
    "scheme_view",
]


@dataclass(frozen=True)
class ContributionView:
    """A building block's contribution: to what, with which weight, at which stage."""

    block: Link
    target: Link | None
    weight: Link | None
    stage: str | None
    via: Link | None
    """The qualified ``keten:Contribution`` that records it, if any."""


@dataclass(frozen=True)
class PillarNode:
    """A pillar in the tree, with the building blocks that contribute to it."""

    link: Link
    notation: str | None
    definition: Text | None
    contributions: list[ContributionView]


@dataclass(frozen=True)
class DimensionNode:
    """A dimension in the tree: its pillars, and contributions to the dimension as a whole."""

    link: Link
    definition: Text | None
    pillars: list[PillarNode]
    contributions: list[ContributionView]


@dataclass(frozen=True)
class SchemeView:
    """The concept scheme page."""

    iri: str
    title: Text
    descriptions: list[Text]
    comments: list[Text]
    scope_notes: list[Text]
    editorial_notes: list[Text]
    sources: list[Link]
    license: Link | None
    modified: str | None
    dimensions: list[DimensionNode]
    blocks_without: list[Link]
    untargeted: list[ContributionView]
    levels: list[Link]
    phases: list[Link]
    weights: list[Link]
    others: list[Link]


_WEIGHTED: dict[Node, str] = {
    KETEN.contributesDominantlyTo: "dominant",
    KETEN.contributesSecondarilyTo: "secundair",
}
_ID_WEIGHT = "https://w3id.org/ketenontologie/id/bijdragegewicht/"


def contributions(graph: Graph, links: Links) -> list[ContributionView]:
    """Every contribution of a building block in ``graph``, qualified ones first."""
    found: list[ContributionView] = []
    covered: set[tuple[Node, Node]] = set()
    for block, contribution in graph.subject_objects(KETEN.hasContribution):
        target = graph.value(contribution, KETEN.contributionTo)
        weight = graph.value(contribution, KETEN.hasWeight) or graph.value(
            contribution,
            KETEN.contributionWeight,  # deprecated since 0.2.0, read until 0.3.0
        )
        stage = graph.value(contribution, KETEN.contributionStage)
        found.append(
            ContributionView(
                block=link_to(graph, block, links),
                target=None if target is None else link_to(graph, target, links),
                weight=None if weight is None else link_to(graph, weight, links),
                stage=None if stage is None else str(stage),
                via=link_to(graph, contribution, links),
            )
        )
        if target is not None:
            covered.add((block, target))
    for predicate in (KETEN.contributesTo, *_WEIGHTED):
        for block, target in graph.subject_objects(predicate):
            if (block, target) in covered:
                continue
            covered.add((block, target))
            weight_name = _WEIGHTED.get(predicate)
            found.append(
                ContributionView(
                    block=link_to(graph, block, links),
                    target=link_to(graph, target, links),
                    weight=None
                    if weight_name is None
                    else link_to(graph, URIRef(_ID_WEIGHT + weight_name), links),
                    stage=None,
                    via=None,
                )
            )
    return sorted(found, key=lambda c: (natural_key(c.block.label.value), c.stage or ""))


def _notation(graph: Graph, node: Node) -> str | None:
    value = graph.value(node, SKOS.notation)
    return None if value is None else str(value)


def _by_notation(graph: Graph, nodes: Iterable[Node]) -> list[Node]:
    return sorted(
        set(nodes),
        key=lambda n: (natural_key(_notation(graph, n) or "~"), natural_key(str(n))),
    )


def scheme_view(scheme: Graph, iri: URIRef, *, links: Links) -> SchemeView:
    """The tree of the concept scheme ``iri`` in ``scheme`` (the scheme and its concepts)."""
    lang = links.lang
    all_contributions = contributions(scheme, links)

    def to(node: Node) -> list[ContributionView]:
        return [c for c in all_contributions if c.target is not None and c.target.iri == str(node)]

    dimensions = []
    for dimension in _by_notation(scheme, scheme.subjects(RDF.type, KETEN.Dimension)):
        pillars = set(scheme.objects(dimension, SKOS.narrower))
        pillars |= set(scheme.subjects(SKOS.broader, dimension))
        pillars |= set(scheme.subjects(KETEN.inDimension, dimension))
        dimensions.append(
            DimensionNode(
                link=link_to(scheme, dimension, links),
                definition=first_text(scheme, dimension, SKOS.definition, lang),
                pillars=[
                    PillarNode(
                        link=link_to(scheme, pillar, links),
                        notation=_notation(scheme, pillar),
                        definition=first_text(scheme, pillar, SKOS.definition, lang),
                        contributions=to(pillar),
                    )
                    for pillar in _by_notation(scheme, pillars)
                ],
                contributions=to(dimension),
            )
        )
    contributing = {c.block.iri for c in all_contributions if c.target is not None}
    blocks = _by_notation(scheme, scheme.subjects(RDF.type, KETEN.BuildingBlock))
    levels = list(scheme.subjects(RDF.type, KETEN.ManagementLevel))
    levels.sort(
        key=lambda level: -len(list(scheme.transitive_objects(level, KETEN.higherLevelThan)))
    )
    shown = {
        *scheme.subjects(RDF.type, KETEN.Dimension),
        *scheme.subjects(RDF.type, KETEN.Pillar),
        *blocks,
        *levels,
        *scheme.subjects(RDF.type, KETEN.DevelopmentPhase),
        *scheme.subjects(RDF.type, KETEN.ContributionWeight),
    }
    license_node = scheme.value(iri, DCT.license)
    modified = scheme.value(iri, DCT.modified)
    return SchemeView(
        iri=str(iri),
        title=first_text(scheme, iri, DCT.title, lang) or label_of(scheme, iri, lang),
        descriptions=texts(scheme, iri, DCT.description, lang),
        comments=texts(scheme, iri, RDFS.comment, lang),
        scope_notes=texts(scheme, iri, SKOS.scopeNote, lang),
        editorial_notes=texts(scheme, iri, SKOS.editorialNote, lang),
        sources=links_to(scheme, scheme.objects(iri, DCT.source), links),
        license=None if license_node is None else link_to(scheme, license_node, links),
        modified=None if modified is None else str(modified),
        dimensions=dimensions,
        blocks_without=[
            link_to(scheme, block, links) for block in blocks if str(block) not in contributing
        ],
        untargeted=[c for c in all_contributions if c.target is None],
        levels=[link_to(scheme, level, links) for level in levels],
        phases=links_to(scheme, scheme.subjects(RDF.type, KETEN.DevelopmentPhase), links),
        weights=links_to(scheme, scheme.subjects(RDF.type, KETEN.ContributionWeight), links),
        others=links_to(
            scheme,
            (c for c in scheme.subjects(SKOS.inScheme, iri) if c not in shown),
            links,
        ),
    )


# --- any resource -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    """One value of a property: a link or a literal, and whether it was inferred."""

    link: Link | None
    text: Text | None
    inferred: bool = False


@dataclass(frozen=True)
class Statement:
    """A property of the resource and its values."""

    predicate: Link
    values: list[Value]


@dataclass(frozen=True)
class ResourceView:
    """What a page about one thing shows."""

    iri: str
    label: Text
    types: list[Link]
    alt_labels: list[Text]
    notation: str | None
    definitions: list[Text]
    scope_notes: list[Text]
    examples: list[Text]
    comments: list[Text]
    editorial_notes: list[Text]
    sources: list[Link]
    broader: list[Link]
    narrower: list[Link]
    in_scheme: list[Link]
    contributions: list[ContributionView]
    contributors: list[ContributionView]
    statements: list[Statement]
    incoming: list[tuple[Link, Link]]
    chains: list[Link] = field(default_factory=list)

    @property
    def is_concept(self) -> bool:
        """True for SKOS concepts (they get the concept layout)."""
        return any(t.iri == str(SKOS.Concept) for t in self.types) or bool(self.in_scheme)


_SHOWN_APART = {
    RDF.type,
    RDFS.label,
    RDFS.comment,
    SKOS.prefLabel,
    SKOS.altLabel,
    SKOS.notation,
    SKOS.definition,
    SKOS.scopeNote,
    SKOS.example,
    SKOS.editorialNote,
    DCT.source,
    SKOS.broader,
    SKOS.narrower,
    SKOS.inScheme,
    KETEN.hasContribution,
    KETEN.contributesTo,
    *_WEIGHTED,
}


def _value(graph: Graph, node: Node, links: Links, *, inferred: bool) -> Value:
    if isinstance(node, Literal):
        language = node.language if node.language and node.language != links.lang else None
        return Value(None, Text(str(node), language), inferred)
    return Value(link_to(graph, node, links), None, inferred)


def resource_view(
    iri: URIRef,
    *,
    data: Graph,
    context: Graph,
    links: Links,
    inferred: Graph | None = None,
    incoming: Sequence[tuple[Node, Node]] | None = None,
    chains: Sequence[URIRef] = (),
) -> ResourceView:
    """The page content for ``iri``: texts and links from ``data``, labels from ``context``.

    ``inferred`` adds the inferred triples about ``iri``, marked as such; ``incoming`` lists
    ``(subject, predicate)`` pairs that refer to ``iri`` (default: those in ``data``).
    """
    lang = links.lang
    values: dict[Node, list[Value]] = {}
    for predicate, obj in data.predicate_objects(iri):
        if predicate not in _SHOWN_APART:
            values.setdefault(predicate, []).append(_value(context, obj, links, inferred=False))
    if inferred is not None:
        for predicate, obj in inferred.predicate_objects(iri):
            if (iri, predicate, obj) in data or predicate in _SHOWN_APART:
                continue
            if predicate == RDF.type:
                continue
            values.setdefault(predicate, []).append(_value(context, obj, links, inferred=True))
    statements = [
        Statement(link_to(context, predicate, links), found) for predicate, found in values.items()
    ]
    for statement in statements:
        statement.values.sort(
            key=lambda v: (
                v.inferred,
                natural_key((v.link.label if v.link else v.text or Text("")).value),
            )
        )
    statements.sort(key=lambda s: natural_key(s.predicate.label.value))
    pairs = incoming if incoming is not None else list(data.subject_predicates(iri))
    refs = sorted(
        {(link_to(context, s, links), link_to(context, p, links)) for s, p in pairs},
        key=lambda pair: (natural_key(pair[1].label.value), natural_key(pair[0].label.value)),
    )
    found = contributions(data, links)
    mine = [c for c in found if c.block.iri == str(iri)]
    theirs = [c for c in found if c.target and c.target.iri == str(iri)]
    narrower = set(data.objects(iri, SKOS.narrower)) | set(data.subjects(SKOS.broader, iri))
    broader = set(data.objects(iri, SKOS.broader)) | set(data.subjects(SKOS.narrower, iri))
    return ResourceView(
        iri=str(iri),
        label=label_of(data, iri, lang),
        types=links_to(context, data.objects(iri, RDF.type), links),
        alt_labels=texts(data, iri, SKOS.altLabel, lang),
        notation=None
        if data.value(iri, SKOS.notation) is None
        else str(data.value(iri, SKOS.notation)),
        definitions=texts(data, iri, SKOS.definition, lang),
        scope_notes=texts(data, iri, SKOS.scopeNote, lang),
        examples=texts(data, iri, SKOS.example, lang),
        comments=texts(data, iri, RDFS.comment, lang),
        editorial_notes=texts(data, iri, SKOS.editorialNote, lang),
        sources=links_to(context, data.objects(iri, DCT.source), links),
        broader=links_to(context, broader, links),
        narrower=links_to(context, narrower, links),
        in_scheme=links_to(context, data.objects(iri, SKOS.inScheme), links),
        contributions=mine,
        contributors=theirs,
        statements=statements,
        incoming=refs,
        chains=links_to(context, chains, links),
    )
