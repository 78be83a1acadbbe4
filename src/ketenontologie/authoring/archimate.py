"""Chain designs as ArchiMate models in the Open Exchange Format 3.x (what Archi imports and
exports), both ways.

The mapping (docs/authoring.md has it as a table): a chain is a business collaboration, a
partner a business actor, the board and the core team business collaborations, the bureau a
business actor, posts and roles business roles, an objective a goal. Which of them a concept is
says its property ``Specialisatie`` (the exchange format has no profiles of its own, so the
specialization travels as a property). Partnership, membership of the chain and board seats are
aggregations, where a post sits an assignment, an escalation step a flow with specialization
``Escalatie``, coaching a serving relationship with specialization ``Coaching``, the objective
a realization, a membership (``org:Membership``) an aggregation with specialization
``Lidmaatschap``. Levels, phases, building blocks, overriding power, the TOOI identifier, sources
and the IRI are properties; every other statement about an entry is carried as a property named
by its prefixed name. Names and documentation keep their language (``xml:lang``).

Reading is safe: no DOCTYPE, no entities, no XInclude, nothing fetched; nesting and size are
bounded. Elements and relationships outside the mapping are counted and named by identifier in
the notes, never dropped in silence. ArchiMate 4 files are refused with the namespace found.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
import xml.parsers.expat
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from ketenontologie.authoring.model import (
    LANGUAGES,
    Builder,
    Design,
    Entry,
    Term,
    design_from_quads,
    field_text,
    fields_of,
    generic_parts,
)
from ketenontologie.authoring.sourcemap import Place, SourceMap
from ketenontologie.authoring.vocabulary import (
    ESCALATES_TO,
    RDF_TYPE,
    Field,
    K,
    Kind,
    Section,
    compact,
    concept_name,
    concepts,
    expand,
    sections,
)
from ketenontologie.errors import (
    ArchimateVersionError,
    AuthoringBoundsError,
    AuthoringError,
    UnsafeInputError,
)
from ketenontologie.namespaces import ORG

__all__ = [
    "MAX_ELEMENTS",
    "NAMESPACE",
    "RELATIONSHIPS",
    "SPECIALIZATIONS",
    "read_archimate",
    "write_archimate",
]

NAMESPACE = "http://www.opengroup.org/xsd/archimate/3.0/"
"""The namespace of ArchiMate 3.0 and 3.1 exchange files."""
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_XML = "http://www.w3.org/XML/1998/namespace"
_XINCLUDE = "http://www.w3.org/2001/XInclude"
_A = "{" + NAMESPACE + "}"
_TYPE = "{" + _XSI + "}type"
_LANG = "{" + _XML + "}lang"
MAX_DEPTH = 64
MAX_ELEMENTS = 500_000
"""How many XML elements an exchange file may hold."""

# Property names of the mapping.
SPECIALIZATION = "Specialisatie"
IRI = "IRI"
NAMELESS = "Zonder naam"
"""Set on an element whose entry has no name: the format needs one, so its key stands in."""
RELATION = "Eigenschap"
_FIELD_PROPERTIES = {
    K + "atLevel": "Niveau",
    K + "inPhase": "Fase",
    K + "formerPhase": "Eerdere fase",
    K + "appliesBuildingBlock": "Bouwsteen",
    K + "hasOverridingPower": "Doorzettingsmacht",
    K + "tooiIdentifier": "TOOI",
    "http://purl.org/dc/terms/source": "Bron",
    "http://www.w3.org/2004/02/skos/core#editorialNote": "Redactienoot",
}
_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_COMMENT = "http://www.w3.org/2000/01/rdf-schema#comment"


def _upper(text: str) -> str:
    return text[:1].upper() + text[1:]


# ArchiMate element type of each kind; the specialization is the kind's Dutch label.
_ELEMENT_TYPE = {
    K + "Chain": "BusinessCollaboration",
    K + "ChainObjective": "Goal",
    K + "ChainPartner": "BusinessActor",
    K + "ChainBoard": "BusinessCollaboration",
    K + "CoreTeam": "BusinessCollaboration",
}
"""Kinds with their own element type; other bodies are business actors, roles business roles."""


def _element_type(section: Section, kind: Kind) -> str:
    if kind.type in _ELEMENT_TYPE:
        return _ELEMENT_TYPE[kind.type]
    return "BusinessRole" if section.name == "rollen" else "BusinessActor"


SPECIALIZATIONS: dict[str, tuple[Section, Kind, str]] = {
    _upper(kind.label["nl"]): (section, kind, _element_type(section, kind))
    for section in sections()
    for kind in section.kinds
}
"""Specialization name → section, kind and ArchiMate element type."""


@dataclass(frozen=True, slots=True)
class Relationship:
    """How one property of the design is drawn: type, specialization, and whether the
    relationship runs from the statement's object to its subject."""

    type: str
    specialization: str | None
    reverse: bool = False


RELATIONSHIPS: dict[str, Relationship] = {
    K + "hasPartner": Relationship("Aggregation", None),
    K + "partnerIn": Relationship("Aggregation", None, reverse=True),
    K + "hasBoard": Relationship("Aggregation", None),
    K + "hasBureau": Relationship("Aggregation", None),
    K + "hasGovernanceActor": Relationship("Aggregation", None),
    K + "actsIn": Relationship("Aggregation", None, reverse=True),
    K + "boardMember": Relationship("Aggregation", None),
    str(ORG) + "postIn": Relationship("Assignment", None, reverse=True),
    ESCALATES_TO: Relationship("Flow", "Escalatie"),
    K + "coaches": Relationship("Serving", "Coaching"),
    str(ORG) + "purpose": Relationship("Realization", None),
}
"""Each governance property drawn as a relationship."""


# --- safe XML with line numbers -----------------------------------------------------------------


@dataclass
class _Parsed:
    root: ET.Element
    lines: dict[int, tuple[int, int]] = field(default_factory=dict)

    def place(self, element: ET.Element, where: str | None = None) -> Place:
        line, column = self.lines.get(id(element), (None, None))
        return Place(line=line, column=column, where=where)


def _parse_xml(data: bytes, name: str) -> _Parsed:
    parser = xml.parsers.expat.ParserCreate(namespace_separator="}")
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    stack: list[ET.Element] = []
    result: list[_Parsed] = []
    count = 0

    def refuse(what: str) -> None:
        raise UnsafeInputError(
            name,
            problem=f"the XML has {what}, which is refused: it can reach outside the file or blow "
            "up",
            hint="Export the model again without it",
            line=parser.CurrentLineNumber,
            column=parser.CurrentColumnNumber + 1,
        )

    def start(tag: str, attributes: dict[str, str]) -> None:
        nonlocal count
        count += 1
        if count > MAX_ELEMENTS:
            raise AuthoringBoundsError(
                name,
                problem=f"the file holds more than {MAX_ELEMENTS:,} XML elements",
                hint="Export a smaller model",
                line=parser.CurrentLineNumber,
            )
        if len(stack) >= MAX_DEPTH:
            raise AuthoringBoundsError(
                name,
                problem=f"XML elements nest more than {MAX_DEPTH} deep",
                hint="Export the model with fewer nested shapes",
                line=parser.CurrentLineNumber,
            )
        qualified = "{" + tag if "}" in tag else tag
        if qualified.startswith("{" + _XINCLUDE + "}"):
            refuse("an XInclude")
        element = ET.Element(
            qualified, {("{" + k if "}" in k else k): v for k, v in attributes.items()}
        )
        if stack:
            stack[-1].append(element)
        else:
            result.append(_Parsed(element))
        result[0].lines[id(element)] = (parser.CurrentLineNumber, parser.CurrentColumnNumber + 1)
        stack.append(element)

    def end(tag: str) -> None:
        stack.pop()

    def text(data: str) -> None:
        if stack:
            element = stack[-1]
            if len(element):
                last = element[-1]
                last.tail = (last.tail or "") + data
            else:
                element.text = (element.text or "") + data

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = lambda *args: refuse("a DOCTYPE")
    parser.EntityDeclHandler = lambda *args: refuse("an ENTITY declaration")
    parser.ExternalEntityRefHandler = lambda *args: refuse("an external entity")  # type: ignore[assignment]
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as error:
        raise AuthoringError(
            name,
            problem=f"the XML is not well-formed ({xml.parsers.expat.errors.messages[error.code]})",
            hint="Fix the XML at that position, or export the model again",
            line=error.lineno,
            column=error.offset + 1,
        ) from None
    if not result:  # pragma: no cover - expat reports an empty document itself
        raise AuthoringError(
            name,
            problem="the file holds no XML",
            hint="Export the model from Archi as Open Exchange File",
        )
    return result[0]


# --- reading -------------------------------------------------------------------------------------


def _texts(element: ET.Element, tag: str) -> list[tuple[str | None, str]]:
    """Names or documentation with their language, as written (text is kept exactly)."""
    return [(child.get(_LANG), child.text or "") for child in element.findall(_A + tag)]


def _properties(
    element: ET.Element, definitions: dict[str, str]
) -> list[tuple[str, ET.Element, str | None, str]]:
    found = []
    for prop in element.findall(f"{_A}properties/{_A}property"):
        key = definitions.get(prop.get("propertyDefinitionRef", ""), "")
        for value in prop.findall(_A + "value"):
            found.append((key, prop, value.get(_LANG), value.text or ""))
    return found


def _name(element: ET.Element) -> str:
    names = [(lang, text.strip()) for lang, text in _texts(element, "name") if text.strip()]
    return next((text for lang, text in names if lang == "nl"), names[0][1] if names else "")


def read_archimate(
    data: bytes, *, name: str, base_iri: str | None = None
) -> tuple[list[ox.Quad], SourceMap]:
    """Read an exchange file into quads and the place (line, identifier and name) of each
    subject and statement; the source map's notes report what the model holds and what maps."""
    parsed = _parse_xml(data, name)
    root = parsed.root
    namespace = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    if namespace != NAMESPACE:
        if "archimate" in namespace.lower():
            raise ArchimateVersionError(
                name,
                problem=f"ArchiMate exchange files in the namespace {namespace} are not supported "
                "yet (nog niet ondersteund)",
                hint="Export the model as ArchiMate 3.1 Open Exchange Format (namespace "
                f"{NAMESPACE})",
                line=1,
            )
        raise AuthoringError(
            name,
            problem=f"the root element is {root.tag}, not an ArchiMate model",
            hint=f"Export the model from Archi as Open Exchange File (namespace {NAMESPACE})",
            line=1,
        )
    builder = Builder(name, base_iri=base_iri, syntax=AuthoringError)
    definitions = {d.get("identifier", ""): _name(d) for d in root.iter(_A + "propertyDefinition")}
    elements = root.findall(f"{_A}elements/{_A}element")
    relationships = root.findall(f"{_A}relationships/{_A}relationship")
    views = root.findall(f"{_A}views/{_A}diagrams/{_A}view")

    mapped: dict[str, tuple[Section, Kind, ox.NamedNode, Place]] = {}
    outside: dict[str, list[str]] = defaultdict(list)
    taken: set[str] = set()
    for element in elements:
        identifier = element.get("identifier", "")
        props = _properties(element, definitions)
        spec = next((v for k, _, _, v in props if k == SPECIALIZATION), None)
        where = f"{identifier} «{_name(element)}»"
        place = parsed.place(element, where)
        hit = SPECIALIZATIONS.get(_upper(spec.strip())) if spec else None
        if hit is None and spec:
            hit = next(
                (
                    (s, k, t)
                    for s, k, t in SPECIALIZATIONS.values()
                    if spec.strip().casefold()
                    in (k.name, *(x.casefold() for x in k.label.values()))
                ),
                None,
            )
        if hit is None:
            outside[element.get(_TYPE, "?")].append(identifier)
            continue
        section, kind, _ = hit
        given = next((v.strip() for k, _, _, v in props if k == IRI), None)
        key = _key_for(section, given, _name(element) or identifier, identifier, taken)
        taken.add(key)
        node = builder.declare(section, key, given, place)
        mapped[identifier] = (section, kind, node, place)
    for identifier, (section, kind, node, place) in mapped.items():
        element = next(e for e in elements if e.get("identifier") == identifier)
        builder.add(node, RDF_TYPE, ox.NamedNode(kind.type), place)
        props = _properties(element, definitions)
        nameless = any(k == NAMELESS and v == "true" for k, _, _, v in props)
        for tag, text_predicate in (("name", _LABEL), ("documentation", _COMMENT)):
            if tag == "name" and nameless:
                continue
            for lang, text in _texts(element, tag):
                builder.add(node, text_predicate, ox.Literal(text, language=lang or "nl"), place)
        fields = {f.predicate: f for f in fields_of(section)}
        by_name = {label: predicate for predicate, label in _FIELD_PROPERTIES.items()}
        for key, prop, lang, text in props:
            at = parsed.place(prop, place.where)
            if key in (SPECIALIZATION, IRI, NAMELESS) or (not text.strip() and ":" not in key):
                continue
            predicate: str | None = by_name.get(key)
            if predicate is not None and predicate in fields:
                f = fields[predicate]
                value = builder.field_value(
                    f, text, at, lang=lang or ("nl" if f.value == "text" else None)
                )
            elif predicate is not None:
                value = (
                    ox.NamedNode(builder.iri(text, at))
                    if key in ("TOOI", "Bron")
                    else builder.concept("bouwsteen", text, at)
                )
            elif ":" in key:
                predicate = builder.predicate(key, at).value
                value = _carried(builder, text, lang, at)
            else:
                outside[f"property {key!r}"].append(identifier)
                continue
            assert predicate is not None
            builder.add(node, predicate, value, at)
    rel_outside = 0
    for relationship in relationships:
        identifier = relationship.get("identifier", "")
        source, target = (
            mapped.get(relationship.get("source", "")),
            mapped.get(relationship.get("target", "")),
        )
        props = _properties(relationship, definitions)
        drawn = relationship.get(_TYPE, "?")
        spec = next((v.strip() for k, _, _, v in props if k == SPECIALIZATION), None)
        if spec and spec.casefold() == MEMBERSHIP.casefold() and source and target:
            ends = (_name_of(elements, relationship.get(end)) for end in ("source", "target"))
            where = f"{identifier} «{spec}: {' → '.join(ends)}»"
            _membership_in(builder, parsed, relationship, props, source[2], target[2], where)
            continue
        named = [p for k, _, _, v in props if k == RELATION for p in v.split()]
        predicates = [builder.iri(p, parsed.place(relationship)) for p in named] or _infer(
            drawn, spec, source, target
        )
        if source is None or target is None or not predicates:
            outside[f"{drawn} (relationship)"].append(identifier)
            rel_outside += 1
            continue
        ends = (_name_of(elements, relationship.get(end)) for end in ("source", "target"))
        where = f"{identifier} «{spec or drawn}: {' → '.join(ends)}»"
        place = parsed.place(relationship, where)
        for predicate in predicates:
            shape = RELATIONSHIPS.get(predicate)
            subject, value = (
                (target[2], source[2]) if shape and shape.reverse else (source[2], target[2])
            )
            builder.add(subject, predicate, value, place)
    notes = builder.places.notes
    notes.append(
        f"{name}: {len(elements)} elements, {len(relationships)} relationships, {len(views)} "
        "views; "
        f"read as a chain design: {len(mapped)} elements and {len(relationships) - rel_outside} "
        "relationships "
        f"(gelezen als ketenontwerp)."
    )
    if outside:
        total = sum(len(ids) for ids in outside.values())
        notes.append(f"{total} outside the mapping, not read (buiten de afbeelding, niet gelezen):")
        for what, ids in sorted(outside.items()):
            notes.append(f"  {what} (x{len(ids)}): {', '.join(ids)}")
    return builder.quads, builder.places


def _membership_in(
    builder: Builder,
    parsed: _Parsed,
    relationship: ET.Element,
    props: list[tuple[str, ET.Element, str | None, str]],
    organization: ox.NamedNode,
    member: ox.NamedNode,
    where: str,
) -> None:
    """An aggregation with the specialization ``Lidmaatschap``: an ``org:Membership`` of
    ``member`` in ``organization``, named by its IRI property or, drawn by hand, a blank node."""
    place = parsed.place(relationship, where)
    given = next((v.strip() for k, _, _, v in props if k == IRI and v.strip()), None)
    node: ox.NamedNode | ox.BlankNode = (
        ox.NamedNode(builder.iri(given, place))
        if given
        else builder.blank("lidmaatschap-" + relationship.get("identifier", ""))
    )
    builder.add(node, RDF_TYPE, ox.NamedNode(_MEMBERSHIP), place)
    builder.add(node, _ORGANIZATION, organization, place)
    builder.add(node, _MEMBER, member, place)
    for lang, text in _texts(relationship, "name"):
        builder.add(node, _LABEL, ox.Literal(text, language=lang or "nl"), place)
    for key, prop, lang, text in props:
        if ":" in key:
            at = parsed.place(prop, where)
            builder.add(node, builder.predicate(key, at), _carried(builder, text, lang, at), at)


def _name_of(elements: Sequence[ET.Element], identifier: str | None) -> str:
    element = next((e for e in elements if e.get("identifier") == identifier), None)
    return _name(element) if element is not None else str(identifier)


def _key_for(section: Section, iri: str | None, name: str, identifier: str, taken: set[str]) -> str:
    from ketenontologie.authoring.vocabulary import slug

    if iri:
        found = expand(iri) or iri
        if found.startswith(section.prefix) and re.fullmatch(
            r"[A-Za-z0-9][A-Za-z0-9._-]*", found[len(section.prefix) :]
        ):
            candidate = found[len(section.prefix) :]
            if candidate not in taken:
                return candidate
    candidate = slug(name) or slug(identifier) or "element"
    return candidate if candidate not in taken else f"{candidate}-{slug(identifier)}"


def _infer(
    kind: str,
    spec: str | None,
    source: tuple[Section, Kind, ox.NamedNode, Place] | None,
    target: tuple[Section, Kind, ox.NamedNode, Place] | None,
) -> list[str]:
    """The property a relationship drawn by hand stands for, from its type and its ends."""
    if source is None or target is None:
        return []
    if spec and spec.casefold() == "escalatie":
        return [ESCALATES_TO]
    if spec and spec.casefold() == "coaching":
        return [K + "coaches"]
    s, t = source[0].name, target[0].name
    if kind == "Aggregation" and s == "ketens" and t == "partners":
        return [K + "hasPartner"]
    if kind == "Aggregation" and s == "ketens" and t in ("organen", "rollen"):
        return [K + "actsIn"]
    if kind == "Aggregation" and source[1].type == K + "ChainBoard" and t == "rollen":
        return [K + "boardMember"]
    if kind == "Assignment" and s in ("organen", "partners") and t == "rollen":
        return [str(ORG) + "postIn"]
    if kind == "Realization" and s == "ketens" and t == "doelstellingen":
        return [str(ORG) + "purpose"]
    return []


def _carried(builder: Builder, text: str, lang: str | None, place: Place) -> Term:
    """A value carried as a property: ``<IRI>``, a literal in N-Triples syntax, or text."""
    if text.startswith("<") and text.endswith(">"):
        return ox.NamedNode(builder.iri(text, place))
    if text.startswith('"') and ('"^^<' in text or '"@' in text):
        try:
            quad = next(
                iter(ox.parse(f"<x:s> <x:p> {text} .".encode(), format=ox.RdfFormat.N_TRIPLES))
            )
            found: Term = quad.object
            return found
        except (SyntaxError, StopIteration):
            pass
    if text.startswith("_:"):
        return builder.blank(text[2:])
    return ox.Literal(text, language=lang) if lang else ox.Literal(text)


# --- writing -------------------------------------------------------------------------------------


def _id(*parts: str) -> str:
    return "id-" + hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:32]


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, _A + tag, attributes)
    if text is not None:
        element.text = text
    return element


class _Writer:
    def __init__(self, design: Design) -> None:
        self.design = design
        self.definitions: dict[str, tuple[str, str]] = {}
        self.lost: Counter[str] = Counter()

    def definition(self, name: str, kind: str = "string") -> str:
        if name not in self.definitions:
            self.definitions[name] = (_id("property", name), kind)
        return self.definitions[name][0]

    def prop(
        self,
        properties: ET.Element,
        name: str,
        value: str,
        *,
        lang: str | None = None,
        kind: str = "string",
    ) -> None:
        element = _sub(properties, "property", propertyDefinitionRef=self.definition(name, kind))
        attributes = {_LANG: lang} if lang else {}
        _sub(element, "value", value, **attributes)


def _value_text(design: Design, term: Term) -> str:
    kind, text, _lang, datatype = generic_parts(design, term)
    if kind == "iri":
        return f"<{term.value}>"
    if kind == "knoop":
        return f"_:{text}"
    if datatype is not None:
        return str(term)
    return text


def _levels() -> list[str]:
    """Level IRIs from the highest down."""
    return [c.iri for c in concepts("niveau")]


def write_archimate(
    quads: Sequence[ox.Quad | ox.Triple], *, title: str | None = None
) -> tuple[bytes, list[str]]:
    """The design as an ArchiMate 3.1 exchange file, one view per chain laid out by level, and
    notes on what could not be carried (statements about things that are not entries)."""
    design = design_from_quads(quads)
    writer = _Writer(design)
    ET.register_namespace("", NAMESPACE)
    ET.register_namespace("xsi", _XSI)
    model = ET.Element(
        _A + "model", {"identifier": _id("model", *(e.iri.value for e in design.entries))}
    )
    chains = [e for e in design.entries if e.section.name == "ketens"]
    _sub(
        model,
        "name",
        title or " / ".join(_label(c, "nl") for c in chains) or "Ketenontwerp",
        **{_LANG: "nl"},
    )
    _sub(
        model,
        "documentation",
        "Ketenontwerp volgens de ketenontologie (https://w3id.org/ketenontologie/def).",
        **{_LANG: "nl"},
    )
    elements = _sub(model, "elements") if design.entries else ET.Element("unused")
    element_ids = {entry.iri.value: _id("element", entry.iri.value) for entry in design.entries}
    links: dict[tuple[str, str, str, str | None], list[str]] = {}
    for entry in design.entries:
        element = _sub(
            elements,
            "element",
            identifier=element_ids[entry.iri.value],
            **{_TYPE: _element_type(entry.section, entry.kind)},
        )
        names = sorted(entry.fields.get("naam", []), key=lambda t: t.language != "nl")  # type: ignore[union-attr]
        for term in names or [ox.Literal(entry.key, language="nl")]:
            assert isinstance(term, ox.Literal)
            _sub(element, "name", term.value, **{_LANG: term.language or "nl"})
        for term in sorted(entry.fields.get("toelichting", []), key=lambda t: t.language != "nl"):  # type: ignore[union-attr]
            assert isinstance(term, ox.Literal)
            _sub(element, "documentation", term.value, **{_LANG: term.language or "nl"})
        properties = _sub(element, "properties")
        writer.prop(properties, SPECIALIZATION, _upper(entry.kind.label["nl"]))
        writer.prop(properties, IRI, entry.iri.value)
        if not names:
            writer.prop(properties, NAMELESS, "true", kind="boolean")
        for f in fields_of(entry.section):
            if f.name in ("naam", "toelichting"):
                continue
            for term in entry.fields.get(f.name, []):
                _field_out(writer, properties, entry, f, term, element_ids, links)
        for predicate, values in sorted(entry.other.items()):
            for term in values:
                shape = RELATIONSHIPS.get(predicate)
                if shape and isinstance(term, ox.NamedNode) and term.value in element_ids:
                    _link(links, entry.iri.value, predicate, term.value, shape)
                else:
                    lang = term.language if isinstance(term, ox.Literal) else None
                    writer.prop(
                        properties, compact(predicate), _value_text(design, term), lang=lang
                    )
    for entry, step in design.escalations:
        if step.value in element_ids:
            _link(links, entry.iri.value, ESCALATES_TO, step.value, RELATIONSHIPS[ESCALATES_TO])
        else:
            element = next(
                e for e in elements if e.get("identifier") == element_ids[entry.iri.value]
            )
            writer.prop(element.find(_A + "properties"), compact(ESCALATES_TO), f"<{step.value}>")  # type: ignore[arg-type]
    memberships = _memberships(design, element_ids)
    relationships = _sub(model, "relationships") if links or memberships else None
    relationship_ids: dict[tuple[str, str, str, str | None], str] = {}
    for (source, target, kind, spec), predicates in sorted(
        links.items(), key=lambda kv: (kv[0][2], kv[0][0], kv[0][1])
    ):
        assert relationships is not None
        identifier = _id("relationship", source, target, kind, spec or "")
        relationship_ids[(source, target, kind, spec)] = identifier
        rel = _sub(
            relationships,
            "relationship",
            identifier=identifier,
            source=element_ids[source],
            target=element_ids[target],
            **{_TYPE: kind},
        )
        properties = _sub(rel, "properties")
        if spec:
            writer.prop(properties, SPECIALIZATION, spec)
        writer.prop(properties, RELATION, " ".join(compact(p) for p in sorted(predicates)))
    for node, statements in memberships:
        assert relationships is not None
        _membership_out(writer, relationships, design, node, statements, element_ids)
    if writer.definitions:
        definitions = _sub(model, "propertyDefinitions")
        for name, (identifier, kind) in writer.definitions.items():
            definition = _sub(definitions, "propertyDefinition", identifier=identifier, type=kind)
            _sub(definition, "name", name)
    # propertyDefinitions must come before views; every property above was defined by now.
    if chains:
        views = _sub(_sub(model, "views"), "diagrams")
        for chain in chains:
            _view(views, design, chain, element_ids, relationship_ids)
    carried = {node for node, _ in memberships}
    lost = sum(
        len(values)
        for node, statements in design.other.items()
        if node not in carried
        for values in statements.values()
    )
    notes = []
    if lost:
        notes.append(
            f"{lost} statements about things that are no entry of the design (no chain, partner, "
            "body, post, role or objective) have no place in ArchiMate and were left out; YAML, "
            "the workbook and Turtle keep them."
        )
    ET.indent(model)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(
        model, encoding="unicode"
    ).encode("utf-8") + b"\n", notes


_MEMBERSHIP = str(ORG) + "Membership"
_MEMBER = str(ORG) + "member"
_ORGANIZATION = str(ORG) + "organization"
MEMBERSHIP = "Lidmaatschap"
"""The specialization of an aggregation that stands for an ``org:Membership``."""


def _memberships(
    design: Design, element_ids: dict[str, str]
) -> list[tuple[Term, dict[str, list[Term]]]]:
    """The memberships (``org:Membership``) between two entries: each is drawn as an
    aggregation from the organization to the member, so it survives the round trip."""
    found: list[tuple[Term, dict[str, list[Term]]]] = []
    for node, statements in design.other.items():
        if not isinstance(node, ox.NamedNode):
            continue
        types = statements.get(RDF_TYPE, [])
        ends = [statements.get(_ORGANIZATION, []), statements.get(_MEMBER, [])]
        if ox.NamedNode(_MEMBERSHIP) in types and all(
            len(end) == 1 and isinstance(end[0], ox.NamedNode) and end[0].value in element_ids
            for end in ends
        ):
            found.append((node, statements))
    return found


def _membership_out(
    writer: _Writer,
    relationships: ET.Element,
    design: Design,
    node: Term,
    statements: dict[str, list[Term]],
    element_ids: dict[str, str],
) -> None:
    assert isinstance(node, ox.NamedNode)
    organization, member = statements[_ORGANIZATION][0].value, statements[_MEMBER][0].value
    rel = _sub(
        relationships,
        "relationship",
        identifier=_id("membership", node.value),
        source=element_ids[organization],
        target=element_ids[member],
        **{_TYPE: "Aggregation"},
    )
    labels = sorted(
        (t for t in statements.get(_LABEL, []) if isinstance(t, ox.Literal) and t.language),
        key=lambda t: (t.language != "nl", t.language, t.value),
    )
    for label in labels:
        _sub(rel, "name", label.value, **{_LANG: label.language or "nl"})
    properties = _sub(rel, "properties")
    writer.prop(properties, SPECIALIZATION, MEMBERSHIP)
    writer.prop(properties, IRI, node.value)
    for predicate, values in sorted(statements.items()):
        for term in values:
            if predicate in (_ORGANIZATION, _MEMBER) or term in labels:
                continue
            if predicate == RDF_TYPE and term == ox.NamedNode(_MEMBERSHIP):
                continue
            lang = term.language if isinstance(term, ox.Literal) else None
            writer.prop(properties, compact(predicate), _value_text(design, term), lang=lang)


def _label(entry: Entry, lang: str) -> str:
    names = {t.language: t.value for t in entry.fields.get("naam", []) if isinstance(t, ox.Literal)}
    return names.get(lang) or names.get("nl") or names.get("en") or entry.key


def _link(
    links: dict[tuple[str, str, str, str | None], list[str]],
    subject: str,
    predicate: str,
    value: str,
    shape: Relationship,
) -> None:
    source, target = (value, subject) if shape.reverse else (subject, value)
    links.setdefault((source, target, shape.type, shape.specialization), []).append(predicate)


def _field_out(
    writer: _Writer,
    properties: ET.Element,
    entry: Entry,
    f: Field,
    term: Term,
    element_ids: dict[str, str],
    links: dict[tuple[str, str, str, str | None], list[str]],
) -> None:
    shape = RELATIONSHIPS.get(f.predicate)
    if (
        f.value == "ref"
        and shape is not None
        and isinstance(term, ox.NamedNode)
        and term.value in element_ids
    ):
        _link(links, entry.iri.value, f.predicate, term.value, shape)
        return
    label = _FIELD_PROPERTIES.get(f.predicate)
    if f.value == "boolean":
        writer.prop(properties, label or compact(f.predicate), term.value, kind="boolean")
    elif f.value == "text" and isinstance(term, ox.Literal):
        writer.prop(properties, label or compact(f.predicate), term.value, lang=term.language)
    elif label is not None:
        writer.prop(properties, label, field_text(writer.design, f, term))
    else:
        writer.prop(properties, compact(f.predicate), f"<{term.value}>")


_NODE_W, _NODE_H, _GAP_X, _GAP_Y = 180, 70, 30, 60


def _view(
    views: ET.Element,
    design: Design,
    chain: Entry,
    element_ids: dict[str, str],
    relationship_ids: dict[tuple[str, str, str, str | None], str],
) -> None:
    """One view of a chain: the chain and its objective on top, then a row per level from
    strategic down, then the partners and everything without a level."""
    members = _members(design, chain)
    rows: list[list[Entry]] = [[chain] + [e for e in members if e.section.name == "doelstellingen"]]
    levels = _levels()
    for level in levels:
        rows.append(
            [
                e
                for e in members
                if level in {t.value for t in e.fields.get("niveau", [])}
                and e.section.name not in ("ketens", "doelstellingen")
            ]
        )
    leveled = {e.key for row in rows for e in row}
    rows.append([e for e in members if e.key not in leveled])
    view = _sub(views, "view", identifier=_id("view", chain.iri.value), **{_TYPE: "Diagram"})
    _sub(view, "name", f"Ketenoverzicht {_label(chain, 'nl')}", **{_LANG: "nl"})
    _sub(view, "name", f"Chain overview {_label(chain, 'en')}", **{_LANG: "en"})
    _sub(
        view,
        "documentation",
        "Van boven naar beneden: de keten, dan strategisch, tactisch en operationeel niveau, "
        "dan partners en wat geen niveau heeft.",
        **{_LANG: "nl"},
    )
    nodes: dict[str, str] = {}
    y = 40
    for row in rows:
        if not row:
            continue
        for index, entry in enumerate(
            sorted(row, key=lambda e: (e.section.name != "ketens", e.section.name, e.key))
        ):
            identifier = _id("node", chain.iri.value, entry.iri.value)
            nodes[element_ids[entry.iri.value]] = identifier
            _sub(
                view,
                "node",
                identifier=identifier,
                elementRef=element_ids[entry.iri.value],
                x=str(40 + index * (_NODE_W + _GAP_X)),
                y=str(y),
                w=str(_NODE_W),
                h=str(_NODE_H),
                **{_TYPE: "Element"},
            )
        y += _NODE_H + _GAP_Y
    for (source, target, _kind, _spec), identifier in relationship_ids.items():
        a, b = nodes.get(element_ids[source]), nodes.get(element_ids[target])
        if a and b:
            _sub(
                view,
                "connection",
                identifier=_id("connection", chain.iri.value, identifier),
                relationshipRef=identifier,
                source=a,
                target=b,
                **{_TYPE: "Relationship"},
            )


def _members(design: Design, chain: Entry) -> list[Entry]:
    """The entries a chain's view shows: its partners, objectives, bodies and roles, and the
    entries they escalate to or sit in."""
    by_iri = {e.iri.value: e for e in design.entries}
    chosen: dict[str, Entry] = {}
    for name in ("partners", "bestuur", "bureau", "sturingsactoren", "doelstelling"):
        for term in chain.fields.get(name, []):
            if term.value in by_iri:
                chosen[term.value] = by_iri[term.value]
    for entry in design.entries:
        if any(
            t.value == chain.iri.value
            for t in (*entry.fields.get("keten", []), *entry.fields.get("partner_in", []))
        ):
            chosen[entry.iri.value] = entry
    for entry in list(chosen.values()):
        for term in entry.fields.get("functie_in", []):
            if term.value in by_iri:
                chosen.setdefault(term.value, by_iri[term.value])
    for source, target in design.escalations:
        if source.iri.value in chosen and target.value in by_iri:
            chosen.setdefault(target.value, by_iri[target.value])
    chosen.pop(chain.iri.value, None)
    return list(chosen.values())


_ = (Iterable, LANGUAGES, concept_name, field)
