"""Summarise chain designs: who takes part, at which level, and where problems escalate to.

The queries follow ``rdfs:subClassOf*`` paths, so a ``keten:ChainManager`` counts as a chain role
without running a reasoner, as long as the ontology is in the graph. Both directions of an
inverse pair are read (``keten:hasPartner`` / ``keten:partnerIn``, ``keten:hasGovernanceActor`` /
``keten:actsIn``), because an unreasoned design may state either. Given the reasoner's inferred
triples too (:mod:`ketenontologie.reasoning`), it counts what only they tell, such as a post that
``keten:coaches`` makes an autonomous professional.

An actor's level is the one it states with ``keten:atLevel``, else the one its role implies
(:data:`IMPLIED_LEVELS`: board strategic, coaching manager tactical, autonomous professional
operational), as the rules read it (``docs/rules.md``).

>>> from ketenontologie import load_graph, summarize, render_summary
>>> graph = load_graph(["ontology", "data/loonaangifteketen.ttl"])  # doctest: +SKIP
>>> print(render_summary(summarize(graph, lang="nl"), lang="nl"))  # doctest: +SKIP
Loonaangifteketen
═════════════════
...
"""

from __future__ import annotations

import functools
import textwrap
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias

from rdflib import Graph, URIRef
from rdflib import Literal as RDFLiteral
from rdflib.query import ResultRow
from rdflib.term import Node

from ketenontologie.namespaces import ID, KETEN, ORG, RDF, RDFS, SKOS

__all__ = [
    "IMPLIED_LEVELS",
    "Actor",
    "Body",
    "ChainSummary",
    "EscalationPath",
    "EscalationStep",
    "Language",
    "LevelGroup",
    "Manager",
    "Named",
    "render_summary",
    "summarize",
]

Language: TypeAlias = Literal["nl", "en"]

_LEVELS = ("strategisch", "tactisch", "operationeel")
_LEVEL_ORDER = {f"{ID}niveau/{name}": rank for rank, name in enumerate(_LEVELS)}
_OPERATIONAL = f"{ID}niveau/operationeel"

IMPLIED_LEVELS: Mapping[str, str] = {
    str(KETEN.ChainBoard): f"{ID}niveau/strategisch",
    str(KETEN.CoachingManager): f"{ID}niveau/tactisch",
    str(KETEN.AutonomousProfessional): _OPERATIONAL,
}
"""The level a role implies when its actor states none (class → level), as the rules read it:
KS-R14 gives each of these roles its level, and the escalation rules take an actor's level
from ``keten:atLevel`` or from these classes."""
_MAX_PATHS = 200  # escalation paths per chain; a dense graph could otherwise explode


# --- result types -------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Named:
    """Something with an IRI, and the label chosen for it in the requested language."""

    label: str
    iri: str

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True)
class Actor:
    """A governance actor (body or role) of a chain."""

    label: str
    iri: str
    kinds: tuple[str, ...]
    """Labels of its most specific governance classes, e.g. ``("ketenmanager",)``."""
    level: Named | None
    """The level it states with ``keten:atLevel``, else the one its role implies
    (:data:`IMPLIED_LEVELS`); ``None`` when neither says."""
    held_by: tuple[Named, ...] = ()
    post_in: tuple[Named, ...] = ()

    @property
    def named(self) -> Named:
        """The actor as a plain :class:`Named`."""
        return Named(self.label, self.iri)


@dataclass(frozen=True)
class Body:
    """A governance body (board, bureau, core team) and who sits in it."""

    body: Actor
    members: tuple[Named, ...]


@dataclass(frozen=True)
class Manager:
    """A chain manager; ``overriding_power`` is ``None`` when the design does not say."""

    manager: Actor
    overriding_power: bool | None


@dataclass(frozen=True)
class LevelGroup:
    """The chain roles at one management level (``level`` is ``None``: neither stated nor
    implied by the role)."""

    level: Named | None
    roles: tuple[Actor, ...]


@dataclass(frozen=True)
class EscalationStep:
    """One direct step ``source keten:escalatesTo target``."""

    source: Named
    target: Named

    def __str__(self) -> str:
        return f"{self.source} → {self.target}"


@dataclass(frozen=True)
class EscalationPath:
    """A whole escalation path; when ``cyclic``, the last actor already occurred earlier."""

    actors: tuple[Named, ...]
    cyclic: bool = False

    @property
    def labels(self) -> tuple[str, ...]:
        """The labels of the actors along the path."""
        return tuple(actor.label for actor in self.actors)

    def __str__(self) -> str:
        return " → ".join(self.labels)


@dataclass(frozen=True)
class ChainSummary:
    """Everything :func:`summarize` tells about one chain."""

    chain: Named
    objectives: tuple[Named, ...]
    partners: tuple[Named, ...]
    boards: tuple[Body, ...]
    bureaus: tuple[Body, ...]
    core_teams: tuple[Body, ...]
    levels: tuple[LevelGroup, ...]
    managers: tuple[Manager, ...]
    directors: tuple[Actor, ...]
    phase: Named | None
    former_phases: tuple[Named, ...]
    escalation_steps: tuple[EscalationStep, ...]
    escalation_paths: tuple[EscalationPath, ...]

    @property
    def label(self) -> str:
        """The chain's label."""
        return self.chain.label


# --- queries ------------------------------------------------------------------------------------

_NS = {"keten": KETEN, "org": ORG, "rdf": RDF, "rdfs": RDFS, "skos": SKOS}

_CHAINS = "SELECT DISTINCT ?chain WHERE { ?chain rdf:type/rdfs:subClassOf* keten:Chain }"

_PARTNERS = "SELECT DISTINCT ?partner WHERE { ?chain keten:hasPartner|^keten:partnerIn ?partner }"

# Actors stated for the chain, from either side, including sub-properties such as keten:hasBoard.
_DIRECT_ACTORS = """
    SELECT DISTINCT ?actor WHERE {
      { ?chain ?p ?actor . ?p rdfs:subPropertyOf* keten:hasGovernanceActor }
      UNION { ?chain keten:hasBoard|keten:hasBureau ?actor }
      UNION { ?actor keten:actsIn ?chain }
    }
    """

_KINDS = """
    SELECT DISTINCT ?category WHERE {
      VALUES ?category {
        keten:ChainBoard keten:ChainBureau keten:CoreTeam keten:GovernanceBody
        keten:ChainRole keten:PoliticalPrincipal keten:ChainManager keten:ChainDirector
        keten:CoachingManager keten:AutonomousProfessional
        org:Post org:OrganizationalUnit
      }
      ?actor rdf:type/rdfs:subClassOf* ?category
    }
    """

# An actor's asserted governance classes; the most specific ones name its kind.
_TYPES = """
    SELECT DISTINCT ?type ?super WHERE {
      ?actor rdf:type ?type .
      OPTIONAL { ?type rdfs:subClassOf+ ?super }
    }
    """


# --- labels -------------------------------------------------------------------------------------


class _Labeller:
    """Picks one label per IRI: requested language, then the other, then untagged, then IRI."""

    def __init__(self, graph: Graph, lang: Language) -> None:
        self._graph = graph
        self._preference = (lang, "en" if lang == "nl" else "nl", None)
        self._cache: dict[Node, str] = {}

    def __call__(self, node: Node) -> str:
        label = self._cache.get(node)
        if label is None:
            label = self._cache[node] = self._pick(node)
        return label

    def named(self, node: Node) -> Named:
        return Named(self(node), str(node))

    def _pick(self, node: Node) -> str:
        candidates: list[tuple[int, int, str]] = []
        for property_rank, predicate in enumerate((SKOS.prefLabel, RDFS.label)):
            for value in self._graph.objects(node, predicate):
                if not isinstance(value, RDFLiteral):
                    continue
                language = value.language.lower().split("-")[0] if value.language else None
                if language in self._preference:
                    rank = self._preference.index(language)
                else:
                    rank = len(self._preference)
                candidates.append((rank, property_rank, str(value)))
        if candidates:
            return min(candidates)[2]
        text = str(node)
        return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1] or text


# --- building one summary -----------------------------------------------------------------------


@functools.cache
def _prepared(text: str) -> object:
    # Parsed on first use, not at import: rdflib's SPARQL parser costs a command that never
    # summarises (validate in a CI job) a fifth of a second at start-up.
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(text, initNs=_NS)


def _select(graph: Graph, query: str, **bindings: Node) -> list[ResultRow]:
    rows = graph.query(_prepared(query), initBindings=bindings)  # type: ignore[arg-type]
    return [row for row in rows if isinstance(row, ResultRow)]


class _ChainReader:
    def __init__(self, graph: Graph, chain: Node, label: _Labeller) -> None:
        self.graph = graph
        self.chain = chain
        self.label = label

    def objects(self, subject: Node, predicate: URIRef) -> tuple[Named, ...]:
        return tuple(sorted({self.label.named(o) for o in self.graph.objects(subject, predicate)}))

    def actor(self, node: Node, categories: set[str]) -> Actor:
        stated = set(self.graph.objects(node, KETEN.atLevel))
        implied = {
            URIRef(level)
            for role, level in IMPLIED_LEVELS.items()
            if role.rsplit("#", 1)[-1] in categories
        }
        levels = sorted((self.label.named(level) for level in stated or implied), key=_level_key)
        return Actor(
            label=self.label(node),
            iri=str(node),
            kinds=self.kinds(node),
            level=levels[0] if levels else None,
            held_by=self.objects(node, ORG.heldBy),
            post_in=self.objects(node, ORG.postIn),
        )

    def kinds(self, node: Node) -> tuple[str, ...]:
        supers: dict[Node, set[Node]] = defaultdict(set)
        for row in _select(self.graph, _TYPES, actor=node):
            supers.setdefault(row.type, set())
            if row.super is not None:
                supers[row.type].add(row.super)
        governance = {t for t, above in supers.items() if KETEN.GovernanceActor in above}
        if not governance:  # no ontology in the graph: fall back to our own classes
            governance = {t for t in supers if str(t).startswith(str(KETEN))}
        specific = {t for t in governance if not any(t in supers[o] for o in governance if o != t)}
        return tuple(sorted(self.label(t) for t in specific))

    def categories(self, node: Node) -> set[str]:
        return {
            str(row.category).rsplit("#", 1)[-1] for row in _select(self.graph, _KINDS, actor=node)
        }

    def members(self, body: Node) -> tuple[Named, ...]:
        members = set(self.graph.objects(body, KETEN.boardMember))
        members.update(self.graph.subjects(ORG.postIn, body))
        return tuple(sorted(self.label.named(m) for m in members))

    def actor_nodes(self) -> set[Node]:
        """The chain's actors: those stated for it, members of its bodies, and whoever escalates
        to or from them."""
        direct = {row.actor for row in _select(self.graph, _DIRECT_ACTORS, chain=self.chain)}
        found: set[Node] = set(direct)
        for node in direct:
            found.update(self.graph.objects(node, KETEN.boardMember))
            found.update(self.graph.subjects(ORG.postIn, node))
            for step in (
                *self.graph.transitive_objects(node, KETEN.escalatesTo),
                *self.graph.transitive_subjects(KETEN.escalatesTo, node),
            ):
                if step is not None:
                    found.add(step)
        return found

    def summary(self) -> ChainSummary:
        chain = self.chain
        actor_nodes = sorted(self.actor_nodes(), key=lambda n: (self.label(n).casefold(), str(n)))
        categories = {node: self.categories(node) for node in actor_nodes}
        actors = {node: self.actor(node, categories[node]) for node in actor_nodes}

        def bodies(category: str) -> tuple[Body, ...]:
            return tuple(
                Body(actors[n], self.members(n)) for n in actor_nodes if category in categories[n]
            )

        roles = [
            actors[n]
            for n in actor_nodes
            if categories[n] & {"ChainRole", "PoliticalPrincipal", "Post"}
        ]
        managers = tuple(
            Manager(actors[n], _boolean(self.graph.value(n, KETEN.hasOverridingPower)))
            for n in actor_nodes
            if "ChainManager" in categories[n]
        )
        phases = self.objects(chain, KETEN.inPhase)
        steps = _escalation_steps(self.graph, actor_nodes, self.label)
        operational = [
            actor.named
            for actor in actors.values()
            if actor.level is not None and actor.level.iri == _OPERATIONAL
        ]
        return ChainSummary(
            chain=self.label.named(chain),
            objectives=self.objects(chain, ORG.purpose),
            partners=tuple(
                sorted(
                    (
                        self.label.named(row.partner)
                        for row in _select(self.graph, _PARTNERS, chain=chain)
                    ),
                    key=_label_key,
                )
            ),
            boards=bodies("ChainBoard"),
            bureaus=bodies("ChainBureau"),
            core_teams=bodies("CoreTeam"),
            levels=_group_by_level(roles),
            managers=managers,
            directors=tuple(actors[n] for n in actor_nodes if "ChainDirector" in categories[n]),
            phase=phases[0] if phases else None,
            former_phases=self.objects(chain, KETEN.formerPhase),
            escalation_steps=tuple(steps),
            escalation_paths=_escalation_paths(
                steps,
                starts=operational,
            ),
        )


def _label_key(named: Named) -> tuple[str, str]:
    return (named.label.casefold(), named.iri)


def _level_key(level: Named | None) -> tuple[int, str]:
    if level is None:
        return (len(_LEVEL_ORDER) + 1, "")
    return (_LEVEL_ORDER.get(level.iri, len(_LEVEL_ORDER)), level.label.casefold())


def _boolean(value: Node | None) -> bool | None:
    if isinstance(value, RDFLiteral):
        python = value.toPython()
        return python if isinstance(python, bool) else None
    return None


def _group_by_level(roles: Iterable[Actor]) -> tuple[LevelGroup, ...]:
    groups: dict[Named | None, list[Actor]] = defaultdict(list)
    for role in roles:
        groups[role.level].append(role)
    return tuple(
        LevelGroup(level, tuple(groups[level])) for level in sorted(groups, key=_level_key)
    )


def _escalation_steps(
    graph: Graph, actor_nodes: Sequence[Node], label: _Labeller
) -> list[EscalationStep]:
    steps = {
        EscalationStep(label.named(source), label.named(target))
        for source in actor_nodes
        for target in graph.objects(source, KETEN.escalatesTo)
    }
    return sorted(steps, key=lambda s: (_label_key(s.source), _label_key(s.target)))


def _escalation_paths(
    steps: Sequence[EscalationStep], *, starts: Sequence[Named]
) -> tuple[EscalationPath, ...]:
    """Follow the steps from every start to where escalation ends, or until it loops."""
    successors: Mapping[Named, list[Named]] = defaultdict(list)
    for step in steps:
        successors[step.source].append(step.target)
    if not starts:  # no operational actor stated: start where nobody escalates from below
        targets = {step.target for step in steps}
        starts = sorted({step.source for step in steps} - targets, key=_label_key)

    paths: list[EscalationPath] = []

    def walk(path: tuple[Named, ...]) -> None:
        if len(paths) >= _MAX_PATHS:
            return
        following = successors.get(path[-1], [])
        if not following:
            paths.append(EscalationPath(path))
        for target in following:
            if target in path:
                paths.append(EscalationPath((*path, target), cyclic=True))
            else:
                walk((*path, target))

    for start in starts:
        walk((start,))
    return tuple(paths[:_MAX_PATHS])


# --- public API ---------------------------------------------------------------------------------


def summarize(graph: Graph, *, lang: Language = "nl") -> list[ChainSummary]:
    """Summarise every ``keten:Chain`` in ``graph``, sorted by label.

    Put the ontology in the graph too (see :func:`~ketenontologie.loading.load_ontology`), so
    that subclasses and labels of the ontology's terms are known, and the reasoner's inferred
    triples (:meth:`~ketenontologie.reasoning.Reasoner.infer`), so that what the ontology
    implies counts: a role typed only by the range of a property gets its kind and its level.

    >>> from ketenontologie import load_graph
    >>> graph = load_graph(["ontology", "data"])  # doctest: +SKIP
    >>> [chain.label for chain in summarize(graph)]  # doctest: +SKIP
    ['Keten van werk en inkomen', 'Loonaangifteketen']
    """
    label = _Labeller(graph, lang)
    chains = {row.chain for row in _select(graph, _CHAINS)}
    summaries = [_ChainReader(graph, chain, label).summary() for chain in chains]
    return sorted(summaries, key=lambda s: _label_key(s.chain))


# --- rendering ----------------------------------------------------------------------------------

_HEADINGS: Mapping[Language, Mapping[str, str]] = {
    "nl": {
        "none": "Geen ketens gevonden.",
        "phase": "Fase",
        "former": "eerder",
        "unknown": "onbekend",
        "objectives": "Ketendoelstelling",
        "partners": "Ketenpartners",
        "boards": "Ketenbestuur",
        "bureaus": "Ketenbureau",
        "core_teams": "Bestuurlijk kernteam",
        "members": "leden",
        "managers": "Ketenmanager",
        "no_manager": "geen ketenmanager",
        "directors": "ketenregisseurs",
        "power_yes": "met doorzettingsmacht",
        "power_no": "zonder doorzettingsmacht",
        "power_unknown": "doorzettingsmacht niet vastgelegd",
        "levels": "Rollen per niveau",
        "no_level": "niveau onbekend",
        "held_by": "vervuld door",
        "post_in": "in",
        "steps": "Escalatiestappen",
        "paths": "Escalatiepaden",
        "no_step": "escaleert nergens heen",
        "cycle": "kringloop",
        "nothing": "niet vastgelegd",
    },
    "en": {
        "none": "No chains found.",
        "phase": "Phase",
        "former": "before",
        "unknown": "unknown",
        "objectives": "Chain objective",
        "partners": "Chain partners",
        "boards": "Chain board",
        "bureaus": "Chain bureau",
        "core_teams": "Core team",
        "members": "members",
        "managers": "Chain manager",
        "no_manager": "no chain manager",
        "directors": "chain directors",
        "power_yes": "with overriding power",
        "power_no": "without overriding power",
        "power_unknown": "overriding power not stated",
        "levels": "Roles by management level",
        "no_level": "level unknown",
        "held_by": "held by",
        "post_in": "in",
        "steps": "Escalation steps",
        "paths": "Escalation paths",
        "no_step": "escalates nowhere",
        "cycle": "cycle",
        "nothing": "not stated",
    },
}


def _join(items: Iterable[object]) -> str:
    return ", ".join(str(item) for item in items)


def _describe(actor: Actor, words: Mapping[str, str]) -> str:
    text = actor.label
    kinds = [kind for kind in actor.kinds if kind.casefold() != actor.label.casefold()]
    if kinds:
        text += f" ({_join(kinds)})"
    if actor.held_by:
        text += f" — {words['held_by']} {_join(actor.held_by)}"
    if actor.post_in:
        text += f" — {words['post_in']} {_join(actor.post_in)}"
    return text


def _render_chain(summary: ChainSummary, words: Mapping[str, str], *, width: int) -> list[str]:
    lines = [summary.label, "═" * len(summary.label), summary.chain.iri]
    phase = summary.phase.label if summary.phase else words["unknown"]
    if summary.former_phases:
        phase += f" ({words['former']}: {_join(summary.former_phases)})"
    lines.append(f"{words['phase']}: {phase}")
    if summary.objectives:
        lines.append(f"{words['objectives']}: {_join(summary.objectives)}")

    def section(title: str, entries: Sequence[str]) -> None:
        lines.extend(["", f"{title}"])
        lines.extend(f"  • {entry}" for entry in entries or [words["nothing"]])

    section(f"{words['partners']} ({len(summary.partners)})", [p.label for p in summary.partners])
    for key in ("boards", "bureaus", "core_teams"):
        bodies: tuple[Body, ...] = getattr(summary, key)
        entries = []
        for body in bodies:
            entries.append(body.body.label)
            if body.members:
                members = textwrap.fill(
                    f"{words['members']}: {_join(body.members)}",
                    width=width,
                    initial_indent=" " * 6,
                    subsequent_indent=" " * 8,
                    break_on_hyphens=False,
                )
                entries[-1] += f"\n{members}"
        section(words[key], entries)

    managers = []
    for manager in summary.managers:
        power = {True: "power_yes", False: "power_no", None: "power_unknown"}
        managers.append(f"{manager.manager.label} — {words[power[manager.overriding_power]]}")
    if not managers:
        managers.append(words["no_manager"])
        if summary.directors:
            managers[-1] += f"; {words['directors']}: {_join(d.label for d in summary.directors)}"
    section(words["managers"], managers)

    lines.extend(["", words["levels"]])
    if not summary.levels:
        lines.append(f"  • {words['nothing']}")
    for group in summary.levels:
        lines.append(f"  {group.level.label if group.level else words['no_level']}")
        lines.extend(f"    • {_describe(role, words)}" for role in group.roles)

    section(words["steps"], [str(step) for step in summary.escalation_steps])
    paths = []
    for path in summary.escalation_paths:
        if len(path.actors) == 1:
            paths.append(f"{path} — {words['no_step']}")
        else:
            parts = list(path.labels)
            if path.cyclic:
                parts[-1] += f"  ↺ {words['cycle']}"
            paths.append(_wrap_arrows(parts, width=width - 4, indent="    "))
    section(words["paths"], paths)
    return lines


def _wrap_arrows(parts: Sequence[str], *, width: int, indent: str) -> str:
    """Join ``parts`` with arrows, breaking lines before an arrow where they would be too long."""
    lines = [parts[0]]
    for part in parts[1:]:
        if len(lines[-1]) + len(part) + 3 > width and lines[-1].strip():
            lines.append(f"{indent}→ {part}")
        else:
            lines[-1] += f" → {part}"
    return "\n".join(lines)


def render_summary(
    summaries: Sequence[ChainSummary], *, lang: Language = "nl", width: int = 100
) -> str:
    """Render summaries as plain text for a terminal, headings in ``lang``.

    Escalation paths longer than ``width`` characters are broken before an arrow.

    >>> print(render_summary([], lang="en"))
    No chains found.
    """
    words = _HEADINGS[lang]
    if not summaries:
        return words["none"]
    blocks = ["\n".join(_render_chain(summary, words, width=width)) for summary in summaries]
    return "\n\n\n".join(blocks)
