"""The page of a stored chain design: its governance facts, an SVG diagram and its rule check.

The facts come from :func:`ketenontologie.summary.summarize`; the diagram from
:mod:`ketenontologie.diagrams`; the check from :func:`ketenontologie.validation.validate` on the
design's own triples. A diagram or check that cannot be made is reported on the page, never
faked.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

from rdflib import Graph, URIRef

from ketenontologie.diagrams import chain_svg
from ketenontologie.errors import KetenontologieError
from ketenontologie.namespaces import KETEN, SHAPES
from ketenontologie.publication.links import Links
from ketenontologie.publication.model import Link, Text, label_of, link_to, links_to
from ketenontologie.publication.union import union
from ketenontologie.publication.words import words
from ketenontologie.summary import ChainSummary, EscalationStep, Named, summarize

if TYPE_CHECKING:
    from ketenontologie.validation import ValidationReport

__all__ = [
    "BodyView",
    "ChainFacts",
    "ChainPage",
    "Checked",
    "ReportView",
    "ResultView",
    "VersionLine",
    "chain_page",
    "check_design",
    "report_view",
]


@dataclass(frozen=True)
class BodyView:
    """A board, bureau or core team and its members; ``kind`` is a key of the page's words."""

    kind: str
    body: Link
    members: list[Link]


@dataclass(frozen=True)
class ManagerView:
    """A chain manager and whether the design gives it overriding power (None: not stated)."""

    link: Link
    power: bool | None


@dataclass(frozen=True)
class RoleView:
    """A role in a level band."""

    link: Link
    kinds: tuple[str, ...]


@dataclass(frozen=True)
class LevelView:
    """The roles at one management level (``level`` None: not stated)."""

    level: Link | None
    roles: list[RoleView]


@dataclass(frozen=True)
class ChainFacts:
    """What the design says about the chain's governance, as links."""

    objectives: list[Link]
    partners: list[Link]
    phase: Link | None
    former_phases: list[Link]
    building_blocks: list[Link]
    bodies: list[BodyView]
    managers: list[ManagerView]
    levels: list[LevelView]
    steps: list[tuple[Link, Link]]
    paths: list[list[Link]]


@dataclass(frozen=True)
class ResultView:
    """One finding of the rule check."""

    rule: Link
    severity: str
    focus: Link
    path: Link | None
    value: str | None
    message: Text


@dataclass(frozen=True)
class ReportView:
    """The rule check of a design."""

    conforms: bool
    violations: int
    warnings: int
    infos: int
    results: list[ResultView]


@dataclass(frozen=True)
class Switch:
    """A link that turns something on or off on the same page."""

    href: str
    label: str


@dataclass(frozen=True)
class VersionLine:
    """One version in a design's history, as the design page lists it."""

    design_id: str
    number: int
    stored: str | None
    """When it was stored (ISO 8601, UTC), None when unknown."""
    name: str | None
    summary: str
    """What changed since the version before it, in one line."""
    href: str
    """The version itself."""
    diff: str | None
    """What changed since the version before it, in full (None for the first)."""
    current: bool
    deleted: bool
    """True for the last version of a design that was deleted."""


@dataclass(frozen=True)
class ChainPage:
    """Everything the design page shows beyond the generic resource view."""

    summary: ChainFacts
    design_ids: list[str]
    svg: str | None
    diagram_error: str | None
    validation: ReportView | None
    validation_error: str | None
    inferred: bool
    switch: Switch
    history: list[VersionLine] = field(default_factory=list)
    """The versions of the design(s) the chain is in, when the service keeps them."""


def _link(named: Named, links: Links) -> Link:
    return Link(Text(named.label), named.iri, links.href(named.iri))


def _facts(summary: ChainSummary, data: Graph, context: Graph, links: Links) -> ChainFacts:
    bodies = [
        BodyView(kind, _link(body.body.named, links), [_link(m, links) for m in body.members])
        for kind, group in (
            ("boards", summary.boards),
            ("bureaus", summary.bureaus),
            ("core_teams", summary.core_teams),
        )
        for body in group
    ]
    chain = URIRef(summary.chain.iri)
    return ChainFacts(
        objectives=[_link(n, links) for n in summary.objectives],
        partners=[_link(n, links) for n in summary.partners],
        phase=None if summary.phase is None else _link(summary.phase, links),
        former_phases=[_link(n, links) for n in summary.former_phases],
        building_blocks=links_to(context, data.objects(chain, KETEN.appliesBuildingBlock), links),
        bodies=bodies,
        managers=[
            ManagerView(_link(m.manager.named, links), m.overriding_power) for m in summary.managers
        ],
        levels=[
            LevelView(
                None if group.level is None else _link(group.level, links),
                [RoleView(_link(role.named, links), role.kinds) for role in group.roles],
            )
            for group in summary.levels
        ],
        steps=[(_link(s.source, links), _link(s.target, links)) for s in summary.escalation_steps],
        paths=[[_link(n, links) for n in path.actors] for path in summary.escalation_paths],
    )


def report_view(report: ValidationReport, *, context: Graph, links: Links) -> ReportView:
    """The page's view of a :class:`~ketenontologie.validation.ValidationReport`."""
    lang = links.lang
    results = []
    for result in report.results:
        rule = report.rules.get(result.rule)
        name = rule.name.get(lang) if rule is not None else None
        rule_iri = SHAPES + result.rule
        message = result.message.get(lang) or next(iter(result.message.values()), "")
        results.append(
            ResultView(
                rule=Link(
                    Text(f"{result.rule} · {name}" if name else result.rule),
                    rule_iri,
                    links.href(rule_iri),
                ),
                severity=result.severity,
                focus=link_to(context, URIRef(result.focus_node), links)
                if result.focus_node.startswith(("http://", "https://"))
                else Link(Text(result.focus_node), result.focus_node, None),
                path=None
                if not result.path or not result.path.startswith(("http://", "https://"))
                else link_to(context, URIRef(result.path), links),
                value=result.value,
                message=Text(message),
            )
        )
    return ReportView(
        conforms=report.conforms,
        violations=report.summary.violations,
        warnings=report.summary.warnings,
        infos=report.summary.infos,
        results=results,
    )


Checked: TypeAlias = "tuple[ValidationReport | None, str | None]"
"""A design's rule check: the report, or why there is none (None, None: no validation here)."""


def check_design(design: Graph) -> Checked:
    """The rule check of ``design``: its validation report, or the error that stopped it."""
    try:
        from ketenontologie.validation import validate
    except ImportError:  # validation not available in this installation: say so, don't fake it
        return None, None
    try:
        return validate(design), None
    except KetenontologieError as error:
        return None, str(error)


def chain_page(
    chain: URIRef,
    *,
    design: Graph,
    inferred: Graph | None,
    context: Graph,
    links: Links,
    design_ids: Sequence[str] = (),
    show_inferred: bool = False,
    switch: Switch | None = None,
    check: Callable[[Graph], Checked] = check_design,
    history: Sequence[VersionLine] = (),
) -> ChainPage:
    """The design page of ``chain``: facts, diagram and rule check of ``design``.

    ``context`` is the ontology and concept scheme (for subclasses and labels); ``inferred`` the
    design's inferred triples, drawn as dotted escalation paths when ``show_inferred``;
    ``check`` runs the rule check (:func:`check_design`, or one that remembers its reports).
    """
    lang = links.lang
    say = words(lang)
    labelled = union(context, design)
    # With the inferred triples, a role has the kind and the level the ontology implies.
    reasoned = labelled if inferred is None else union(labelled, inferred)
    summaries = [s for s in summarize(reasoned, lang=lang) if s.chain.iri == str(chain)]
    summary = summaries[0]
    eventually: list[EscalationStep] = []
    if show_inferred and inferred is not None:
        pairs = set(inferred.subject_objects(KETEN.escalatesEventuallyTo))
        pairs |= set(design.subject_objects(KETEN.escalatesEventuallyTo))
        for source, target in sorted(pairs):
            eventually.append(
                EscalationStep(
                    Named(label_of(labelled, source, lang).value, str(source)),
                    Named(label_of(labelled, target, lang).value, str(target)),
                )
            )
    svg = error = None
    try:
        svg = chain_svg(summary, lang=lang, href=links.href, inferred=eventually)
    except KetenontologieError as problem:
        error = str(problem)
    report, validation_error = check(design)
    validation = None if report is None else report_view(report, context=labelled, links=links)
    return ChainPage(
        summary=_facts(summary, design, labelled, links),
        design_ids=list(design_ids),
        svg=svg,
        diagram_error=error,
        validation=validation,
        validation_error=validation_error,
        inferred=show_inferred,
        switch=switch or Switch("?inferred=true", say["show_inferred"]),
        history=list(history),
    )
