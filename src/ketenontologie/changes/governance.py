"""Changes in governance terms, read from two versions of a design and their OWL 2 RL closures.

Each version is read as a :class:`View`: what the ontology's terms say about its chains, taken
from the asserted triples together with what the reasoner infers (so ``keten:partnerIn`` counts
as ``keten:hasPartner``, a board member is a post, ``keten:escalatesEventuallyTo`` follows
every step). Two views give the changes of :data:`~ketenontologie.changes.model.KINDS`; every
asserted triple that differs is then claimed by the change it belongs to, and what no change
claims becomes an ``other`` change with its triples, so nothing that differs is dropped.

Which term each kind reads is listed in ``docs/validation.md`` (section *Comparing versions*).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property

import pyoxigraph as ox

from ketenontologie.changes.model import Change, Kind, Value
from ketenontologie.namespaces import ID, KETEN, ORG, RDF, RDFS, SKOS
from ketenontologie.terms import TermTriple
from ketenontologie.validation.chains import ChainIndex
from ketenontologie.validation.lines import term_text

__all__ = [
    "BODY_KINDS",
    "POST_KINDS",
    "Facts",
    "View",
    "governance_changes",
    "names_of",
]

TYPE = str(RDF.type)
LABELS = (str(RDFS.label), str(SKOS.prefLabel))


def _k(name: str) -> str:
    return str(KETEN[name])


def _o(name: str) -> str:
    return str(ORG[name])


CHAIN = _k("Chain")
BODY = _k("GovernanceBody")
POST = _o("Post")
BODY_KINDS = tuple(_k(n) for n in ("ChainBoard", "ChainBureau", "CoreTeam"))
"""The kinds of body, most specific first; a body of none of them is a ``GovernanceBody``."""
POST_KINDS = tuple(
    _k(n)
    for n in (
        "ChainManager",
        "ChainDirector",
        "LineManager",
        "CoachingManager",
        "AutonomousProfessional",
        "PoliticalPrincipal",
    )
)
"""The kinds of post; a post of none of them is a ``ChainRole`` or else an ``org:Post``."""
CHAIN_ROLE = _k("ChainRole")
PROFESSIONAL = _k("AutonomousProfessional")
OPERATIONAL = f"{ID}niveau/operationeel"
PARTNER_ROLE = f"{ID}lidmaatschapsrol/ketenpartner"

HAS_PARTNER, PARTNER_IN = _k("hasPartner"), _k("partnerIn")
ACTS_IN = _k("actsIn")
LINKS_TO_ACTOR = (_k("hasBoard"), _k("hasBureau"), _k("hasGovernanceActor"))
BOARD_MEMBER = _k("boardMember")
AT_LEVEL, POWER = _k("atLevel"), _k("hasOverridingPower")
ESCALATES, EVENTUALLY = _k("escalatesTo"), _k("escalatesEventuallyTo")
BLOCK = _k("appliesBuildingBlock")
IN_PHASE, FORMER_PHASE = _k("inPhase"), _k("formerPhase")
PURPOSE, HELD_BY, POST_IN = _o("purpose"), _o("heldBy"), _o("postIn")
MEMBER, ORGANIZATION, ROLE = _o("member"), _o("organization"), _o("role")
HAS_MEMBER, MEMBER_OF = _o("hasMember"), _o("memberOf")

Triple = tuple[str, str, str]
"""A triple as term texts: an IRI as itself, a blank node as ``_:label``, a literal in
N-Triples form (as validation reports write terms)."""


class Facts:
    """The triples of one version (asserted and inferred) as term texts, indexed both ways."""

    def __init__(
        self, triples: Iterable[Triple], *, names: Mapping[str, Mapping[str, str]] | None = None
    ) -> None:
        self.triples = frozenset(triples)
        self.names: Mapping[str, Mapping[str, str]] = names or {}
        """Labels (``rdfs:label``, ``skos:prefLabel``) of subjects by language."""
        self._objects: dict[tuple[str, str], set[str]] = defaultdict(set)
        self._subjects: dict[tuple[str, str], set[str]] = defaultdict(set)
        self._by_object: dict[str, set[str]] = defaultdict(set)
        self._pairs: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for s, p, o in self.triples:
            self._objects[s, p].add(o)
            self._subjects[p, o].add(s)
            self._by_object[o].add(s)
            self._pairs[p].add((s, o))

    @classmethod
    def from_terms(cls, triples: Iterable[ox.Triple | TermTriple]) -> Facts:
        """Facts from pyoxigraph triples or term triples."""
        found = []
        names: dict[str, dict[str, str]] = defaultdict(dict)
        for triple in triples:
            s, p, o = (
                (triple.subject, triple.predicate, triple.object)
                if isinstance(triple, ox.Triple)
                else triple
            )
            found.append((term_text(s), term_text(p), term_text(o)))
            if isinstance(o, ox.Literal) and term_text(p) in LABELS:
                labels = names[term_text(s)]
                if o.value < labels.get(o.language or "", "\U0010ffff"):  # one, whatever the order
                    labels[o.language or ""] = o.value
        return cls(found, names=names)

    def objects(self, subject: str, predicate: str) -> set[str]:
        """What ``subject`` ``predicate`` points to."""
        return self._objects.get((subject, predicate), set())

    def subjects(self, predicate: str, obj: str) -> set[str]:
        """What points to ``obj`` with ``predicate``."""
        return self._subjects.get((predicate, obj), set())

    def pairs(self, predicate: str) -> set[tuple[str, str]]:
        """(subject, object) of every triple with ``predicate``."""
        return self._pairs.get(predicate, set())

    def referrers(self, obj: str) -> set[str]:
        """Every subject that points to ``obj`` with any predicate."""
        return self._by_object.get(obj, set())


@dataclass
class View:
    """One version of a design in governance terms (from its asserted and inferred triples)."""

    facts: Facts
    asserted_subjects: frozenset[str] = frozenset()
    """The subjects of the version's asserted triples."""
    asserted_terms: frozenset[str] = frozenset()
    """Every subject and object of the version's asserted triples."""

    @cached_property
    def chains(self) -> frozenset[str]:
        """Every chain."""
        return frozenset(self.facts.subjects(TYPE, CHAIN))

    @cached_property
    def partners(self) -> frozenset[tuple[str, str]]:
        """(chain, partner): ``keten:hasPartner`` (or its inverse), or a membership whose
        ``org:role`` is the concept *ketenpartner*."""
        pairs = {(c, p) for c in self.chains for p in self.facts.objects(c, HAS_PARTNER)}
        for membership in self.facts.subjects(ROLE, PARTNER_ROLE):
            for chain in self.facts.objects(membership, ORGANIZATION) & self.chains:
                pairs |= {(chain, m) for m in self.facts.objects(membership, MEMBER)}
        return frozenset(pairs)

    @cached_property
    def bodies(self) -> dict[str, tuple[str, ...]]:
        """Every governance body and its kinds."""
        return {
            node: self._kinds(node, BODY_KINDS, (BODY,)) for node in self.facts.subjects(TYPE, BODY)
        }

    @cached_property
    def posts(self) -> dict[str, tuple[str, ...]]:
        """Every post (chain roles, political principals, board members) and its kinds."""
        return {
            node: self._kinds(node, POST_KINDS, (CHAIN_ROLE, POST))
            for node in self.facts.subjects(TYPE, POST)
        }

    def _kinds(
        self, node: str, kinds: tuple[str, ...], general: tuple[str, ...]
    ) -> tuple[str, ...]:
        types = self.facts.objects(node, TYPE)
        specific = tuple(kind for kind in kinds if kind in types)
        return specific or tuple(kind for kind in general if kind in types)[:1]

    @cached_property
    def seats(self) -> frozenset[tuple[str, str]]:
        """(board, post): ``keten:boardMember``, or a membership of the post in the board."""
        boards = {b for b, kinds in self.bodies.items() if BODY_KINDS[0] in kinds}
        pairs = {(b, m) for b in boards for m in self.facts.objects(b, BOARD_MEMBER)}
        for board in boards:
            for membership in self.facts.subjects(ORGANIZATION, board):
                pairs |= {(board, m) for m in self.facts.objects(membership, MEMBER)}
        return frozenset(pairs)

    def memberships(self, organization: str, member: str) -> set[str]:
        """The membership nodes that say ``member`` is a member of ``organization``."""
        return self.facts.subjects(ORGANIZATION, organization) & self.facts.subjects(MEMBER, member)

    def values(self, subject: str, predicate: str) -> frozenset[str]:
        """The objects of ``subject`` ``predicate``."""
        return frozenset(self.facts.objects(subject, predicate))

    def subjects_of(self, predicate: str) -> set[str]:
        """Every subject with a value for ``predicate``."""
        return {s for s, _ in self.facts.pairs(predicate)}

    @cached_property
    def blocks(self) -> frozenset[tuple[str, str]]:
        """(chain, building block) for each building block a chain applies."""
        return frozenset(self.facts.pairs(BLOCK))

    @cached_property
    def escalations(self) -> frozenset[tuple[str, str]]:
        """(from, to): each direct escalation step."""
        return frozenset(self.facts.pairs(ESCALATES))

    @cached_property
    def operational(self) -> frozenset[str]:
        """Posts at operational level, and autonomous professionals."""
        return frozenset(
            node
            for node in self.posts
            if OPERATIONAL in self.facts.objects(node, AT_LEVEL)
            or PROFESSIONAL in self.facts.objects(node, TYPE)
        )

    def path(self, actor: str) -> tuple[tuple[str, ...], ...]:
        """The actors ``actor`` escalates eventually to, in order: each step holds the actors
        that reach as many of the others (from ``keten:escalatesEventuallyTo``), the nearest
        first.

        An actor that reaches more of the path comes before those it reaches; actors that reach
        equally many (two principals at the top, the members of a cycle) share a step.
        """
        reached = self.facts.objects(actor, EVENTUALLY) - {actor}
        rank: dict[str, int] = {
            node: len((self.facts.objects(node, EVENTUALLY) & reached) - {node}) for node in reached
        }
        steps: dict[int, list[str]] = defaultdict(list)
        for node, count in rank.items():
            steps[count].append(node)
        return tuple(tuple(sorted(steps[count])) for count in sorted(steps, reverse=True))

    def objectives(self, chain: str) -> frozenset[str]:
        """The chain's objectives (``org:purpose``)."""
        return self.values(chain, PURPOSE)

    @cached_property
    def all_objectives(self) -> frozenset[str]:
        """Every node that is a chain's objective."""
        return frozenset(o for c in self.chains for o in self.facts.objects(c, PURPOSE))

    @cached_property
    def _chain_index(self) -> ChainIndex:
        return ChainIndex.from_texts(self.facts.triples)

    def chain_of(self, node: str) -> tuple[str, ...]:
        """The chains ``node`` belongs to, sorted, read as validation reads them for a
        finding (:class:`~ketenontologie.validation.chains.ChainIndex`)."""
        return self._chain_index.chains_of(node)


# --- changes ----------------------------------------------------------------------------------


def _one(values: Iterable[str]) -> Value:
    ordered = tuple(sorted(values))
    if not ordered:
        return None
    return ordered[0] if len(ordered) == 1 else ordered


@dataclass
class _Claims:
    """Which change accounts for which differing asserted triple: an exact triple first, then
    a subject and predicate, then a whole subject (each for added or removed triples)."""

    exact: dict[tuple[str, Triple], int] = field(default_factory=dict)
    property: dict[tuple[str, str, str], int] = field(default_factory=dict)
    subject: dict[tuple[str, str], int] = field(default_factory=dict)

    def owner(self, sign: str, triple: Triple) -> int | None:
        s, p, _ = triple
        for found in (
            self.exact.get((sign, triple)),
            self.property.get((sign, s, p)),
            self.subject.get((sign, s)),
        ):
            if found is not None:
                return found
        return None


class _Collector:
    """Gathers changes and their claims on the differing triples."""

    def __init__(self, old: View, new: View, removed: set[Triple], added: set[Triple]) -> None:
        self.old, self.new = old, new
        self.removed, self.added = removed, added
        self.changes: list[Change] = []
        self.claims = _Claims()
        # Things described in one version and not even named in the other: their statements
        # are the thing's appearance or disappearance, not changes of its properties.
        self.fresh = (new.asserted_subjects - old.asserted_terms) | (
            old.asserted_subjects - new.asserted_terms
        )
        self.entered: set[str] = set()
        """Fresh partners, bodies and posts: their change of kind ``…-added`` or ``…-removed``
        accounts for all their statements, so no change of their properties is reported."""

    def chain(self, node: str, *, prefer: View | None = None) -> str | None:
        views = (prefer, self.new, self.old) if prefer is not None else (self.new, self.old)
        for view in views:
            if view is not None and view.chain_of(node):
                return view.chain_of(node)[0]
        return None

    def add(self, change: Change) -> int:
        self.changes.append(change)
        return len(self.changes) - 1

    def record(self, kind: Kind, chain: str | None, subject: str, value: Value) -> tuple[int, str]:
        """Add a change of something that appeared (value after) or disappeared (value before);
        its index and the sign of the triples it claims."""
        gone = kind.endswith("-removed")
        index = self.add(
            Change(
                kind,
                chain,
                subject,
                before=value if gone else None,
                after=None if gone else value,
            )
        )
        return index, "-" if gone else "+"

    def claim_exact(self, index: int, sign: str, triple: Triple) -> None:
        self.claims.exact.setdefault((sign, triple), index)

    def claim_property(self, index: int, subject: str, predicates: Iterable[str]) -> None:
        for predicate in predicates:
            for sign in "+-":
                self.claims.property.setdefault((sign, subject, predicate), index)

    def claim_subject(self, index: int, sign: str, subject: str) -> None:
        self.claims.subject.setdefault((sign, subject), index)


def governance_changes(
    old: View, new: View, *, removed: Iterable[ox.Triple], added: Iterable[ox.Triple]
) -> list[Change]:
    """The changes from ``old`` to ``new`` in governance terms, and ``other`` changes for the
    asserted triples (``removed``, ``added``) none of them accounts for."""
    collector = _Collector(
        old,
        new,
        {_texts(t) for t in removed},
        {_texts(t) for t in added},
    )
    _entities(collector)
    _relations(collector)
    _properties(collector)
    _chain_properties(collector)
    _paths(collector)
    return _accounted(collector)


def _texts(triple: ox.Triple) -> Triple:
    return (term_text(triple.subject), term_text(triple.predicate), term_text(triple.object))


def _entities(c: _Collector) -> None:
    """Partners, bodies and posts that appear or disappear."""
    partners: list[tuple[Kind, View, frozenset[tuple[str, str]]]] = [
        ("partner-added", c.new, c.new.partners - c.old.partners),
        ("partner-removed", c.old, c.old.partners - c.new.partners),
    ]
    for kind, view, pairs in partners:
        for chain, partner in sorted(pairs):
            index, sign = c.record(kind, chain, partner, _k("ChainPartner"))
            for triple in (
                (chain, HAS_PARTNER, partner),
                (partner, PARTNER_IN, chain),
                (chain, HAS_MEMBER, partner),
                (partner, MEMBER_OF, chain),
            ):
                c.claim_exact(index, sign, triple)
            for membership in view.memberships(chain, partner):
                c.claim_subject(index, sign, membership)
            if partner in c.fresh:
                c.claim_subject(index, sign, partner)
                c.entered.add(partner)
    things: list[tuple[Kind, View, dict[str, tuple[str, ...]], set[str]]] = [
        ("body-added", c.new, c.new.bodies, c.new.bodies.keys() - c.old.bodies.keys()),
        ("body-removed", c.old, c.old.bodies, c.old.bodies.keys() - c.new.bodies.keys()),
        ("post-added", c.new, c.new.posts, c.new.posts.keys() - c.old.posts.keys()),
        ("post-removed", c.old, c.old.posts, c.old.posts.keys() - c.new.posts.keys()),
    ]
    for kind, view, kinds, nodes in things:
        for node in sorted(nodes):
            index, sign = c.record(kind, c.chain(node, prefer=view), node, _one(kinds[node]))
            c.claim_subject(index, sign, node)
            if node in c.fresh:
                c.entered.add(node)
            for s, p, o in c.added if sign == "+" else c.removed:
                if o == node and p in LINKS_TO_ACTOR:
                    c.claim_exact(index, sign, (s, p, o))


def _relations(c: _Collector) -> None:
    """Board seats, escalation steps and building blocks that appear or disappear."""
    seats: list[tuple[Kind, View, frozenset[tuple[str, str]]]] = [
        ("member-added", c.new, c.new.seats - c.old.seats),
        ("member-removed", c.old, c.old.seats - c.new.seats),
    ]
    for kind, view, pairs in seats:
        for board, post in sorted(pairs):
            index, sign = c.record(kind, c.chain(board, prefer=view), post, board)
            c.claim_exact(index, sign, (board, BOARD_MEMBER, post))
            for membership in view.memberships(board, post):
                c.claim_subject(index, sign, membership)
    steps: list[tuple[Kind, View, frozenset[tuple[str, str]]]] = [
        ("escalation-added", c.new, c.new.escalations - c.old.escalations),
        ("escalation-removed", c.old, c.old.escalations - c.new.escalations),
    ]
    for kind, view, pairs in steps:
        for source, target in sorted(pairs):
            index, sign = c.record(kind, c.chain(source, prefer=view), source, target)
            c.claim_exact(index, sign, (source, ESCALATES, target))
    blocks: list[tuple[Kind, frozenset[tuple[str, str]]]] = [
        ("building-block-added", c.new.blocks - c.old.blocks),
        ("building-block-removed", c.old.blocks - c.new.blocks),
    ]
    for kind, pairs in blocks:
        for chain, block in sorted(pairs):
            index, sign = c.record(kind, chain, chain, block)
            c.claim_exact(index, sign, (chain, BLOCK, block))


_PROPERTIES: tuple[tuple[Kind, tuple[str, ...]], ...] = (
    ("level-changed", (AT_LEVEL,)),
    ("holder-changed", (HELD_BY,)),
    ("overriding-power-changed", (POWER,)),
    ("label-changed", LABELS),
)


def _properties(c: _Collector) -> None:
    """Kinds of posts; levels, holders, overriding power and labels of everything but the
    partners, bodies and posts that appear or disappear whole."""
    for node in sorted(c.old.posts.keys() & c.new.posts.keys()):
        before, after = c.old.posts[node], c.new.posts[node]
        if before != after:
            index = c.add(
                Change("role-changed", c.chain(node), node, before=_one(before), after=_one(after))
            )
            for kind in (*POST_KINDS, CHAIN_ROLE, POST):
                for sign in "+-":
                    c.claim_exact(index, sign, (node, TYPE, kind))
    objectives = c.old.all_objectives | c.new.all_objectives
    for kind, predicates in _PROPERTIES:
        nodes: set[str] = set()
        for predicate in predicates:
            nodes |= c.old.subjects_of(predicate) | c.new.subjects_of(predicate)
        for node in sorted(nodes - c.entered):
            if kind == "label-changed" and node in objectives:
                continue  # an objective's wording is the objective: objective-changed says it
            was = frozenset[str]().union(*(c.old.values(node, p) for p in predicates))
            now = frozenset[str]().union(*(c.new.values(node, p) for p in predicates))
            if was == now:
                continue
            if kind == "label-changed":  # the labels that changed, not those that stayed
                was, now = was - now, now - was
            index = c.add(Change(kind, c.chain(node), node, before=_one(was), after=_one(now)))
            c.claim_property(index, node, predicates)


def _chain_properties(c: _Collector) -> None:
    """Phases and objectives of chains (of a chain that appears or disappears too)."""
    differing = {s for s, _, _ in c.removed | c.added}
    for chain in sorted(c.old.chains | c.new.chains):
        before, after = c.old.values(chain, IN_PHASE), c.new.values(chain, IN_PHASE)
        if before != after:
            index = c.add(
                Change("phase-changed", chain, chain, before=_one(before), after=_one(after))
            )
            c.claim_property(index, chain, (IN_PHASE, FORMER_PHASE))
        before, after = c.old.objectives(chain), c.new.objectives(chain)
        if before != after or (before | after) & differing:
            index = c.add(
                Change("objective-changed", chain, chain, before=_one(before), after=_one(after))
            )
            c.claim_property(index, chain, (PURPOSE,))
            for objective in before | after:
                for sign in "+-":
                    c.claim_subject(index, sign, objective)


def _paths(c: _Collector) -> None:
    """Escalation paths of operational roles that are posts in both versions."""
    roles = (c.old.operational | c.new.operational) & c.old.posts.keys() & c.new.posts.keys()
    for role in sorted(roles):
        before, after = c.old.path(role), c.new.path(role)
        if before != after:
            c.add(
                Change(
                    "escalation-path-changed",
                    c.chain(role),
                    role,
                    before=before or None,
                    after=after or None,
                )
            )


def _accounted(c: _Collector) -> list[Change]:
    """The changes with the differing triples each accounts for, and for what none claims, by
    subject, an ``other`` change with the triples removed and added."""
    owned: dict[int, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    left: dict[str, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    for sign, triples in (("-", c.removed), ("+", c.added)):
        side = 0 if sign == "-" else 1
        for triple in triples:
            owner = c.claims.owner(sign, triple)
            target = left[triple[0]] if owner is None else owned[owner]
            target[side].append(_line(triple))
    changes = [
        replace(change, removed=tuple(sorted(owned[i][0])), added=tuple(sorted(owned[i][1])))
        for i, change in enumerate(c.changes)
    ]
    for subject, (gone, came) in sorted(left.items()):
        before, after = tuple(sorted(gone)), tuple(sorted(came))
        changes.append(
            Change(
                "other",
                c.chain(subject),
                subject,
                before=before or None,
                after=after or None,
                removed=before,
                added=after,
            )
        )
    return changes


def _line(triple: Triple) -> str:
    """A triple of term texts as an N-Triples line (without the dot)."""

    def written(term: str) -> str:
        return term if term.startswith(('"', "_:")) else f"<{term}>"

    return " ".join(written(term) for term in triple)


def names_of(facts: Facts, ontology: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
    """Labels by language: the ontology's, overridden by those of the version itself."""
    names = {node: dict(labels) for node, labels in ontology.items()}
    for node, labels in facts.names.items():
        names.setdefault(node, {}).update(labels)
    return names
