"""What a design written by hand is made of, read from the ontology, the concept scheme and
the shapes: sections of entries, their kinds and fields, and the concepts fields refer to.

The fixed fields are the governance of a chain (partners, bodies, posts, seats, levels,
escalation, overriding power, phases, building blocks, labels). The kinds of body and of chain
role, the levels, phases and building blocks come from the ontology and the concept scheme, so
they follow them when they change.

>>> [section.name for section in sections()]
['ketens', 'doelstellingen', 'partners', 'organen', 'rollen']
>>> concept_name(concepts("niveau")[0].iri)
'strategisch'
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias

import pyoxigraph as ox

from ketenontologie.namespaces import ID, KETEN, ORG, PREFIXES
from ketenontologie.resources import ontology_files, shape_files

__all__ = [
    "ALL_FIELDS",
    "COMMON_FIELDS",
    "ESCALATES_TO",
    "RDF_TYPE",
    "Concept",
    "ConceptScheme",
    "Field",
    "Kind",
    "Section",
    "ValueKind",
    "compact",
    "concept_name",
    "concepts",
    "expand",
    "find_concept",
    "rules_for",
    "section_named",
    "sections",
    "slug",
    "term_label",
]

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_DCT = "http://purl.org/dc/terms/"
_SH = "http://www.w3.org/ns/shacl#"
K = str(KETEN)
ESCALATES_TO = K + "escalatesTo"
TOOI_IDENTIFIER = K + "tooiIdentifier"
"""The partner's TOOI identifier (an IRI of ``identifier.overheid.nl``)."""

ValueKind: TypeAlias = Literal["text", "ref", "concept", "iri", "boolean"]
"""What a field holds: text in Dutch and English, a reference to an entry (by its key), a
concept of the scheme (a level, phase or building block), an IRI, or yes/no."""
ConceptScheme: TypeAlias = Literal["niveau", "fase", "bouwsteen"]

_SCHEME_CLASS: Mapping[ConceptScheme, str] = {
    "niveau": K + "ManagementLevel",
    "fase": K + "DevelopmentPhase",
    "bouwsteen": K + "BuildingBlock",
}


@dataclass(frozen=True, slots=True)
class Field:
    """A fixed field of an entry: its YAML key, its column in the workbook, the property it
    states, and what it holds."""

    name: str
    column: str
    predicate: str
    value: ValueKind
    scheme: ConceptScheme | None = None
    targets: tuple[str, ...] = ()
    """For references: the sections whose entries it may name."""
    description: tuple[str, str] = ("", "")
    """What the field means, in Dutch and English (the ontology's definition adds to it)."""


@dataclass(frozen=True, slots=True)
class Kind:
    """A kind of entry within a section: a class of the ontology, named by a short word."""

    name: str
    type: str
    label: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Section:
    """Entries of one kind of thing: chains, objectives, partners, bodies, posts and roles."""

    name: str
    sheet: str
    type: str
    prefix: str
    kinds: tuple[Kind, ...]
    fields: tuple[Field, ...]
    label: tuple[str, str]

    @property
    def has_kinds(self) -> bool:
        """Whether entries say their kind (``soort``): bodies, posts and roles."""
        return len(self.kinds) > 1

    def kind_of(self, types: Iterable[str]) -> Kind | None:
        """The first kind (most specific first) among ``types``."""
        present = set(types)
        return next((kind for kind in self.kinds if kind.type in present), None)


@dataclass(frozen=True, slots=True)
class Concept:
    """A concept of the scheme a field refers to: IRI, notation and labels."""

    iri: str
    notation: str | None
    labels: tuple[str, ...]
    label: Mapping[str, str]


def _text(nl: str, en: str) -> tuple[str, str]:
    return (nl, en)


COMMON_FIELDS: tuple[Field, ...] = (
    Field("naam", "naam", _RDFS + "label", "text", description=_text("Naam", "Name")),
    Field(
        "toelichting",
        "toelichting",
        _RDFS + "comment",
        "text",
        description=_text("Uitleg in gewone taal", "Explanation in plain words"),
    ),
    Field(
        "redactienoot",
        "redactienoot",
        _SKOS + "editorialNote",
        "text",
        description=_text("Wat onbekend of onzeker is", "What is unknown or not verified"),
    ),
    Field(
        "bronnen",
        "bronnen",
        _DCT + "source",
        "iri",
        description=_text("Adressen van de bronnen", "Addresses of the sources"),
    ),
)
"""Fields every entry has, after its own."""

_CHAIN_FIELDS = (
    Field("partners", "partners", K + "hasPartner", "ref", targets=("partners",)),
    Field("bestuur", "bestuur", K + "hasBoard", "ref", targets=("organen",)),
    Field("bureau", "bureau", K + "hasBureau", "ref", targets=("organen",)),
    Field(
        "sturingsactoren",
        "sturingsactoren",
        K + "hasGovernanceActor",
        "ref",
        targets=("organen", "rollen"),
    ),
    Field("doelstelling", "doelstelling", str(ORG) + "purpose", "ref", targets=("doelstellingen",)),
    Field("fase", "fase", K + "inPhase", "concept", scheme="fase"),
    Field("eerdere_fasen", "eerdere fasen", K + "formerPhase", "concept", scheme="fase"),
    Field("bouwstenen", "bouwstenen", K + "appliesBuildingBlock", "concept", scheme="bouwsteen"),
)
_PARTNER_FIELDS = (
    Field("tooi", "tooi", TOOI_IDENTIFIER, "iri"),
    Field("partner_in", "partner in", K + "partnerIn", "ref", targets=("ketens",)),
)
_BODY_FIELDS = (
    Field("keten", "keten", K + "actsIn", "ref", targets=("ketens",)),
    Field("niveau", "niveau", K + "atLevel", "concept", scheme="niveau"),
    Field("leden", "leden", K + "boardMember", "ref", targets=("rollen",)),
)
_ROLE_FIELDS = (
    Field("keten", "keten", K + "actsIn", "ref", targets=("ketens",)),
    Field("functie_in", "functie in", str(ORG) + "postIn", "ref", targets=("organen", "partners")),
    Field("niveau", "niveau", K + "atLevel", "concept", scheme="niveau"),
    Field("doorzettingsmacht", "doorzettingsmacht", K + "hasOverridingPower", "boolean"),
    Field("coacht", "coacht", K + "coaches", "ref", targets=("rollen",)),
)


# --- reading the ontology, the scheme and the shapes --------------------------------------------


@functools.cache
def _ontology() -> tuple[ox.Triple, ...]:
    triples: list[ox.Triple] = []
    for path in ontology_files():
        for quad in ox.parse(path.read_bytes(), format=ox.RdfFormat.TURTLE):
            triples.append(ox.Triple(quad.subject, quad.predicate, quad.object))
    return tuple(triples)


@functools.cache
def _index() -> Mapping[tuple[str, str], tuple[ox.NamedNode | ox.BlankNode | ox.Literal, ...]]:
    index: dict[tuple[str, str], list[ox.NamedNode | ox.BlankNode | ox.Literal]] = defaultdict(list)
    for triple in _ontology():
        if isinstance(triple.subject, ox.NamedNode):
            index[(triple.subject.value, triple.predicate.value)].append(triple.object)  # type: ignore[arg-type]
    return {key: tuple(values) for key, values in index.items()}


def _values(subject: str, predicate: str) -> tuple[ox.NamedNode | ox.BlankNode | ox.Literal, ...]:
    return _index().get((subject, predicate), ())


def _labels(subject: str, predicate: str = _RDFS + "label") -> dict[str, str]:
    found: dict[str, str] = {}
    for value in _values(subject, predicate):
        if isinstance(value, ox.Literal) and value.language in ("nl", "en"):
            found.setdefault(value.language, value.value)
    return found


def term_label(iri: str, lang: str) -> str:
    """The ontology's label of a term in ``lang`` (``rdfs:label``, else ``skos:prefLabel``)."""
    labels = _labels(iri) or _labels(iri, _SKOS + "prefLabel")
    return labels.get(lang) or labels.get("nl") or compact(iri)


def term_definition(iri: str, lang: str) -> str:
    """The ontology's ``skos:definition`` of a term in ``lang``, or an empty string."""
    return _labels(iri, _SKOS + "definition").get(lang, "")


def _subclasses(root: str) -> list[str]:
    children: dict[str, list[str]] = defaultdict(list)
    for triple in _ontology():
        if (
            triple.predicate.value == _RDFS + "subClassOf"
            and isinstance(triple.subject, ox.NamedNode)
            and isinstance(triple.object, ox.NamedNode)
        ):
            children[triple.object.value].append(triple.subject.value)
    found: list[str] = []
    pending = [root]
    while pending:
        current = pending.pop()
        for child in children.get(current, []):
            if child not in found:
                found.append(child)
                pending.append(child)
    return found


def slug(text: str) -> str:
    """A key made from a name: lower case ASCII letters, digits and hyphens.

    >>> slug("Coachende (team)manager Havenstad")
    'coachende-teammanager-havenstad'
    """
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    plain = re.sub(r"[()\[\]{}'\"]", "", plain.lower())
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def _kinds(roots: Sequence[str]) -> tuple[Kind, ...]:
    specific: list[str] = []
    for root in roots:
        specific += [c for c in _subclasses(root) if c.startswith(K) and c not in roots]
    ordered = sorted(set(specific), key=lambda iri: slug(term_label(iri, "nl"))) + list(roots)
    return tuple(
        Kind(
            slug(term_label(iri, "nl")),
            iri,
            {"nl": term_label(iri, "nl"), "en": term_label(iri, "en")},
        )
        for iri in ordered
    )


def _single(type_: str) -> tuple[Kind, ...]:
    return (
        Kind(
            slug(term_label(type_, "nl")),
            type_,
            {"nl": term_label(type_, "nl"), "en": term_label(type_, "en")},
        ),
    )


@functools.cache
def sections() -> tuple[Section, ...]:
    """The sections of a design, in the order they are written."""
    return (
        Section(
            "ketens",
            "Ketens",
            K + "Chain",
            f"{ID}keten/",
            _single(K + "Chain"),
            _CHAIN_FIELDS,
            ("Ketens", "Chains"),
        ),
        Section(
            "doelstellingen",
            "Doelstellingen",
            K + "ChainObjective",
            f"{ID}doel/",
            _single(K + "ChainObjective"),
            (),
            ("Ketendoelstellingen", "Chain objectives"),
        ),
        Section(
            "partners",
            "Partners",
            K + "ChainPartner",
            f"{ID}organisatie/",
            _single(K + "ChainPartner"),
            _PARTNER_FIELDS,
            ("Ketenpartners", "Chain partners"),
        ),
        Section(
            "organen",
            "Organen",
            K + "GovernanceBody",
            f"{ID}orgaan/",
            _kinds([K + "GovernanceBody"]),
            _BODY_FIELDS,
            ("Ketenorganen", "Governance bodies"),
        ),
        Section(
            "rollen",
            "Rollen",
            K + "ChainRole",
            f"{ID}rol/",
            _kinds([K + "ChainRole", K + "PoliticalPrincipal"]),
            _ROLE_FIELDS,
            ("Functies en rollen", "Posts and roles"),
        ),
    )


def section_named(name: str) -> Section:
    """The section called ``name``."""
    return next(section for section in sections() if section.name == name)


ALL_FIELDS: Mapping[str, Field] = {
    f.predicate: f
    for fields in (_CHAIN_FIELDS, _PARTNER_FIELDS, _BODY_FIELDS, _ROLE_FIELDS, COMMON_FIELDS)
    for f in fields
}
"""Every fixed field by the property it states (a property has the same meaning everywhere)."""


@functools.cache
def concepts(scheme: ConceptScheme) -> tuple[Concept, ...]:
    """The concepts of one scheme (levels, phases or building blocks): levels from the highest
    down (by ``keten:higherLevelThan``), the others in IRI order."""
    higher = Counter(
        t.subject.value
        for t in _ontology()
        if t.predicate.value == K + "higherLevelThan" and isinstance(t.subject, ox.NamedNode)
    )
    members = sorted(
        t.subject.value
        for t in _ontology()
        if t.predicate.value == RDF_TYPE
        and isinstance(t.subject, ox.NamedNode)
        and isinstance(t.object, ox.NamedNode)
        and t.object.value == _SCHEME_CLASS[scheme]
    )
    members.sort(key=lambda iri: -higher[iri])
    found = []
    for iri in members:
        notation = next(
            (v.value for v in _values(iri, _SKOS + "notation") if isinstance(v, ox.Literal)), None
        )
        names = [concept_name(iri)]
        if notation:
            names.append(notation)
        for predicate in (_SKOS + "prefLabel", _SKOS + "altLabel", _RDFS + "label"):
            names += [v.value for v in _values(iri, predicate) if isinstance(v, ox.Literal)]
        found.append(Concept(iri, notation, tuple(names), _labels(iri, _SKOS + "prefLabel")))
    return tuple(found)


def concept_name(iri: str) -> str:
    """How a concept is written in a design: the last segment of its IRI (``strategisch``)."""
    return iri.rstrip("/").rsplit("/", 1)[-1]


def find_concept(scheme: ConceptScheme, text: str) -> str | None:
    """The IRI of the concept written as ``text`` (its name, notation or a label, in any case),
    or None."""
    wanted = text.strip().casefold()
    for concept in concepts(scheme):
        if any(name.casefold() == wanted for name in concept.labels):
            return concept.iri
    return None


# --- compact IRIs --------------------------------------------------------------------------------


def compact(iri: str) -> str:
    """``iri`` as a prefixed name when a prefix of the project's table fits, else itself.

    >>> compact("http://www.w3.org/2004/02/skos/core#altLabel")
    'skos:altLabel'
    """
    best = ""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(namespace) > len(PREFIXES.get(best, "")):
            local = iri[len(namespace) :]
            if re.fullmatch(r"[A-Za-z_][\w.-]*", local) and not local.endswith("."):
                best = prefix
    if best:
        return f"{best}:{iri[len(PREFIXES[best]) :]}"
    return iri


def expand(text: str) -> str | None:
    """The IRI a prefixed name, ``<IRI>`` or absolute IRI stands for; None for anything else.

    >>> expand("keten:Chain")
    'https://w3id.org/ketenontologie/def#Chain'
    """
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    prefix, colon, local = text.partition(":")
    if not colon:
        return None
    if prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", prefix):
        return text
    return None


# --- the shapes that read a property ------------------------------------------------------------


@functools.cache
def _rules() -> Mapping[str, tuple[tuple[str, str], ...]]:
    """Property IRI -> (rule id, Dutch name) of every shape that mentions it."""
    shapes_ns = "https://w3id.org/ketenontologie/shapes#"
    mentions: dict[str, set[tuple[str, str]]] = defaultdict(set)
    triples: list[ox.Triple] = []
    for path in shape_files():
        triples += [
            ox.Triple(q.subject, q.predicate, q.object)
            for q in ox.parse(path.read_bytes(), format=ox.RdfFormat.TURTLE)
        ]
    owner: dict[str, str] = {}
    for t in triples:  # blank nodes (constraints, property shapes) belong to their named shape
        if (
            isinstance(t.subject, ox.NamedNode)
            and t.subject.value.startswith(shapes_ns)
            and isinstance(t.object, ox.BlankNode)
        ):
            owner[str(t.object)] = t.subject.value
    names: dict[str, str] = {}
    for t in triples:
        if (
            isinstance(t.subject, ox.NamedNode)
            and t.predicate.value == _SH + "name"
            and isinstance(t.object, ox.Literal)
            and t.object.language == "nl"
        ):
            names[t.subject.value] = t.object.value
    for t in triples:
        shape = (
            t.subject.value if isinstance(t.subject, ox.NamedNode) else owner.get(str(t.subject))
        )
        if shape is None or not shape.startswith(shapes_ns):
            continue
        found: list[str] = []
        if isinstance(t.object, ox.NamedNode):
            found.append(t.object.value)
        elif isinstance(t.object, ox.Literal):
            found += [
                PREFIXES[p] + local
                for p, local in re.findall(
                    r"\b(keten|org|rdfs|skos|dct):([A-Za-z]\w*)", t.object.value
                )
            ]
        for iri in found:
            mentions[iri].add((shape[len(shapes_ns) :], names.get(shape, "")))
    return {iri: tuple(sorted(found)) for iri, found in mentions.items()}


def rules_for(predicate: str) -> tuple[tuple[str, str], ...]:
    """The rules (id and Dutch name) whose shapes read ``predicate``."""
    return _rules().get(predicate, ())
