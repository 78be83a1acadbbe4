"""Chain designs in YAML: one file per design, names instead of IRIs, read safely.

The file holds sections of entries keyed by a short key (``ketens``, ``doelstellingen``,
``partners``, ``organen``, ``rollen``), the escalation steps (``escalaties``) and a general part
(``overig``) for every statement the fixed fields do not cover, so nothing is lost between Turtle
and YAML. References name entries by their key; levels, phases and building blocks go by name,
notation or label.

Reading is safe and bounded: no tags but YAML's own, aliases counted as they expand (a "billion
laughs" file is refused quickly), nesting at most :data:`MAX_DEPTH` deep, and a key used twice
in one mapping is an error, not a silent overwrite.

>>> quads, places = read_yaml(b"ketens:\\n  k:\\n    naam: {nl: Keten}\\n", name="k.yaml")
>>> len(quads), places.subjects["https://w3id.org/ketenontologie/id/keten/k"].line
(2, 2)
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pyoxigraph as ox
import yaml

from ketenontologie.authoring.model import (
    LANGUAGES,
    Builder,
    Design,
    Term,
    design_from_quads,
    field_text,
    fields_of,
    generic_parts,
    reference_text,
)
from ketenontologie.authoring.sourcemap import Place, SourceMap
from ketenontologie.authoring.vocabulary import ESCALATES_TO, RDF_TYPE, compact, sections
from ketenontologie.errors import AuthoringBoundsError, UnsafeInputError, YAMLSyntaxError
from ketenontologie.namespaces import DEF

__all__ = ["MAX_DEPTH", "MAX_NODES", "SCHEMA_URL", "read_yaml", "write_yaml"]

MAX_DEPTH = 48
"""How deep mappings and lists may nest."""
MAX_NODES = 100_000
"""How many values a file may hold once every alias is expanded."""
SCHEMA_URL = f"{DEF}/ontwerp.schema.json"
"""Where the JSON Schema of the YAML format is published."""

_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {
    None,
    "!",
    *(_CORE + t for t in ("str", "int", "bool", "null", "float", "map", "seq")),
}
_XSD = "http://www.w3.org/2001/XMLSchema#"
_RESOLVER = yaml.resolver.Resolver()
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# --- composing: events into nodes with positions ------------------------------------------------


@dataclass(eq=False)
class Node:
    """A YAML node with its 1-based position: a scalar, a list or a mapping."""

    kind: Literal["scalar", "list", "map"]
    line: int
    column: int
    text: str = ""
    tag: str = _CORE + "str"
    items: list[Node] = field(default_factory=list)
    pairs: list[tuple[Node, Node]] = field(default_factory=list)
    size: int = 1

    @property
    def place(self) -> Place:
        return Place(line=self.line, column=self.column)

    def get(self, key: str) -> Node | None:
        return next((value for k, value in self.pairs if k.text == key), None)


def _resolve(value: str, implicit: tuple[bool, bool]) -> str:
    tag: str = _RESOLVER.resolve(yaml.ScalarNode, value, implicit)  # type: ignore[no-untyped-call]
    return tag


def _mark(event: Any) -> tuple[int, int]:
    mark = event.start_mark
    return mark.line + 1, mark.column + 1


def _compose(data: bytes, name: str) -> Node | None:
    """The one document of ``data`` as nodes; refuses tags, deep nesting and alias bombs."""
    anchors: dict[str, Node] = {}
    stack: list[Node] = []
    pending_key: list[Node | None] = []
    root: Node | None = None
    documents = 0

    def attach(node: Node, anchor: str | None) -> None:
        nonlocal root
        if anchor:
            anchors[anchor] = node
        if not stack:
            root = node
            return
        parent = stack[-1]
        if parent.kind == "list":
            parent.items.append(node)
        elif pending_key[-1] is None:
            if node.kind != "scalar":
                raise YAMLSyntaxError(
                    name,
                    problem="a key of a mapping is itself a list or mapping",
                    hint="Use a plain word as key",
                    line=node.line,
                    column=node.column,
                )
            pending_key[-1] = node
        else:
            key = pending_key[-1]
            assert key is not None
            if any(k.text == key.text for k, _ in parent.pairs):
                raise YAMLSyntaxError(
                    name,
                    problem=f"the key {key.text!r} appears twice in one mapping",
                    hint="Keep one of them; YAML would silently drop the other",
                    line=key.line,
                    column=key.column,
                )
            parent.pairs.append((key, node))
            pending_key[-1] = None

    try:
        for event in yaml.parse(data, Loader=_LOADER):
            line, column = _mark(event)
            tag = getattr(event, "tag", None)
            if tag not in _ALLOWED_TAGS:
                raise UnsafeInputError(
                    name,
                    problem=f"the tag {tag} is not read here",
                    hint="Remove the tag: designs use plain YAML values only",
                    line=line,
                    column=column,
                )
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise YAMLSyntaxError(
                        name,
                        problem="the file holds more than one YAML document",
                        hint="Keep one design per file (no second '---')",
                        line=line,
                        column=column,
                    )
            elif isinstance(event, yaml.ScalarEvent):
                resolved = (
                    tag
                    if tag and tag != "!"
                    else (
                        _resolve(event.value, event.implicit)
                        if event.implicit[0]
                        else _CORE + "str"
                    )
                )
                attach(Node("scalar", line, column, text=event.value, tag=resolved), event.anchor)
            elif isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
                if len(stack) >= MAX_DEPTH:
                    raise AuthoringBoundsError(
                        name,
                        problem=f"lists and mappings nest more than {MAX_DEPTH} deep",
                        hint="Flatten the file; a design needs only a few levels",
                        line=line,
                        column=column,
                    )
                node = Node(
                    "list" if isinstance(event, yaml.SequenceStartEvent) else "map", line, column
                )
                attach(node, event.anchor)
                stack.append(node)
                pending_key.append(None)
            elif isinstance(event, yaml.SequenceEndEvent | yaml.MappingEndEvent):
                node = stack.pop()
                pending_key.pop()
                children = (
                    node.items if node.kind == "list" else [n for pair in node.pairs for n in pair]
                )
                node.size = 1 + sum(child.size for child in children)
                if node.size > MAX_NODES:
                    raise AuthoringBoundsError(
                        name,
                        problem=f"the file expands to more than {MAX_NODES:,} values (aliases "
                        "included)",
                        hint="Write the design out without aliases that repeat large parts",
                        line=node.line,
                        column=node.column,
                    )
            elif isinstance(event, yaml.AliasEvent):
                target = anchors.get(event.anchor or "")
                if target is None:  # pragma: no cover - the parser reports unknown anchors itself
                    raise YAMLSyntaxError(
                        name,
                        problem=f"the alias *{event.anchor} has no anchor",
                        hint="Define &anchor before using it",
                        line=line,
                        column=column,
                    )
                if target.size > MAX_NODES or (
                    stack and sum(c.size for c in stack[-1].items) + target.size > MAX_NODES
                ):
                    raise AuthoringBoundsError(
                        name,
                        problem=f"the alias *{event.anchor} expands to more than {MAX_NODES:,} "
                        "values",
                        hint="Write the design out without aliases that repeat large parts",
                        line=line,
                        column=column,
                    )
                attach(target, None)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = (error.problem or error.context or "not valid YAML").strip()
        raise YAMLSyntaxError(
            name,
            problem=problem[:1].upper() + problem[1:],
            hint="Fix the YAML at that position and try again",
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from None
    except yaml.YAMLError as error:
        raise YAMLSyntaxError(
            name,
            problem=str(error).strip().splitlines()[0],
            hint="Save the file as UTF-8 YAML and try again",
        ) from None
    return root


# --- reading -------------------------------------------------------------------------------------


def _scalars(builder: Builder, node: Node, what: str) -> Iterator[Node]:
    """The scalar values of a field: one scalar, or a list of them."""
    if node.kind == "scalar":
        if node.tag != _CORE + "null":
            yield node
        return
    if node.kind == "list":
        for item in node.items:
            if item.kind != "scalar":
                raise builder.error(
                    item.place, f"a value of {what} is a list or mapping", "Write one name per item"
                )
            yield item
        return
    raise builder.error(node.place, f"{what} is a mapping", "Write a name, or a list of names")


def _mapping(builder: Builder, node: Node | None, what: str) -> list[tuple[Node, Node]]:
    if node is None or (node.kind == "scalar" and node.tag == _CORE + "null"):
        return []
    if node.kind != "map":
        raise builder.error(
            node.place, f"{what} is not a mapping", "Write it as 'key: value' lines"
        )
    return node.pairs


def _generic(builder: Builder, node: Node) -> Term:
    if node.kind == "scalar":
        if node.tag == _CORE + "bool":
            return ox.Literal(
                "true" if _RESOLVER_BOOL(node.text) else "false",
                datatype=ox.NamedNode(_XSD + "boolean"),
            )
        if node.tag == _CORE + "int":
            return ox.Literal(
                str(int(node.text.replace("_", ""), 0)), datatype=ox.NamedNode(_XSD + "integer")
            )
        if node.tag == _CORE + "float":
            return ox.Literal(node.text, datatype=ox.NamedNode(_XSD + "decimal"))
        if node.tag == _CORE + "null":
            raise builder.error(
                node.place, "a value is empty", "Write a value, or leave the line out"
            )
        return ox.Literal(node.text)
    if node.kind != "map":
        raise builder.error(
            node.place, "a value is a list inside a list", "Write one value per item"
        )
    parts = {k.text: v for k, v in node.pairs}
    unknown = set(parts) - {"iri", "tekst", "knoop", "taal", "datatype"}
    kinds = [k for k in ("iri", "tekst", "knoop") if k in parts]
    if unknown or len(kinds) != 1:
        raise builder.error(
            node.place,
            "a value is not one of {iri: …}, {tekst: …, taal|datatype: …} or {knoop: …}",
            "Write the value in one of those forms",
        )
    kind = kinds[0]
    text = parts[kind].text
    lang = parts["taal"].text if "taal" in parts else None
    datatype = parts["datatype"].text if "datatype" in parts else None
    return builder.generic(kind, text, parts[kind].place, lang=lang, datatype=datatype)


def _RESOLVER_BOOL(text: str) -> bool:
    return text.lower() in ("yes", "true", "on", "y")


def _others(builder: Builder, subject: ox.NamedNode | ox.BlankNode, node: Node | None) -> None:
    for key, values in _mapping(builder, node, "overig"):
        predicate = builder.predicate(key.text, key.place)
        for value in values.items if values.kind == "list" else [values]:
            builder.add(subject, predicate, _generic(builder, value), value.place)


def read_yaml(
    data: bytes, *, name: str, base_iri: str | None = None
) -> tuple[list[ox.Quad], SourceMap]:
    """Read a YAML design into quads and the place of each subject and statement."""
    root = _compose(data, name)
    builder = Builder(name, base_iri=base_iri, syntax=YAMLSyntaxError)
    if root is None:
        return [], builder.places
    if root.kind != "map":
        raise builder.error(
            root.place,
            "the file is not a mapping of sections",
            "Start with ketens:, partners:, organen:, rollen: …",
        )
    known = {s.name for s in sections()} | {"escalaties", "overig"}
    for key, _ in root.pairs:
        if key.text not in known:
            raise builder.error(
                key.place,
                f"{key.text!r} is not a section of a design",
                "Use: " + ", ".join(sorted(known)),
            )
    found = []
    for section in sections():
        for key, body in _mapping(builder, root.get(section.name), section.name):
            iri = body.get("iri") if body.kind == "map" else None
            node = builder.declare(
                section, key.text, iri.text if iri is not None else None, key.place
            )
            found.append((section, node, key, body))
    for section, node, key, body in found:
        pairs = {k.text: (k, v) for k, v in _mapping(builder, body, key.text)}
        allowed = {"iri", "soort", "overig", *(f.name for f in fields_of(section))}
        for word, (k, _) in pairs.items():
            if word not in allowed:
                raise builder.error(
                    k.place,
                    f"{word!r} is not a field of an entry in {section.name}",
                    "Use: " + ", ".join(sorted(allowed)),
                )
        kind_node = pairs.get("soort", (None, None))[1]
        kind = builder.kind(
            section, kind_node.text if kind_node is not None else None, (kind_node or key).place
        )
        builder.add(node, RDF_TYPE, ox.NamedNode(kind.type), (kind_node or key).place)
        for f in fields_of(section):
            if f.name not in pairs:
                continue
            value = pairs[f.name][1]
            if f.value == "text":
                if value.kind == "scalar":
                    texts = [("nl", value)] if value.tag != _CORE + "null" else []
                else:
                    texts = [(lang.text, text) for lang, text in _mapping(builder, value, f.name)]
                for lang, text in texts:
                    if lang not in LANGUAGES:
                        raise builder.error(
                            text.place,
                            f"{f.name} has the language {lang!r}",
                            "Use nl and en here; other languages go under overig",
                        )
                    if text.kind != "scalar":
                        raise builder.error(
                            text.place,
                            f"{f.name} ({lang}) is not text",
                            "Write the text after the language",
                        )
                    builder.add(
                        node,
                        f.predicate,
                        builder.field_value(f, text.text, text.place, lang=lang),
                        text.place,
                    )
            elif f.value == "boolean":
                if value.kind != "scalar":
                    raise builder.error(
                        value.place, f"{f.name} is not yes or no", "Write ja or nee"
                    )
                flag: str | bool = (
                    _RESOLVER_BOOL(value.text) if value.tag == _CORE + "bool" else value.text
                )
                builder.add(
                    node, f.predicate, builder.field_value(f, flag, value.place), value.place
                )
            else:
                for item in _scalars(builder, value, f.name):
                    builder.add(
                        node, f.predicate, builder.field_value(f, item.text, item.place), item.place
                    )
        _others(builder, node, pairs.get("overig", (None, None))[1])
    steps = root.get("escalaties")
    if steps is not None and not (steps.kind == "scalar" and steps.tag == _CORE + "null"):
        if steps.kind != "list":
            raise builder.error(
                steps.place, "escalaties is not a list", "Write one '- van: …  naar: …' per step"
            )
        for step in steps.items:
            parts = {k.text: v for k, v in _mapping(builder, step, "an escalation step")}
            if set(parts) != {"van", "naar"} or any(v.kind != "scalar" for v in parts.values()):
                raise builder.error(
                    step.place,
                    "an escalation step needs exactly van and naar",
                    "Write '- van: key' and 'naar: key'",
                )
            source = builder.ref(parts["van"].text, parts["van"].place)
            builder.add(
                source,
                ESCALATES_TO,
                builder.ref(parts["naar"].text, parts["naar"].place),
                step.place,
            )
    for subject, body in _mapping(builder, root.get("overig"), "overig"):
        _others(builder, builder.subject(subject.text, subject.place), body)
    return builder.quads, builder.places


# --- writing -------------------------------------------------------------------------------------


def _generic_value(design: Design, term: Term) -> Any:
    kind, text, lang, datatype = generic_parts(design, term)
    if kind == "iri":
        return {"iri": text}
    if kind == "knoop":
        return {"knoop": text}
    if lang:
        return {"tekst": text, "taal": lang}
    if datatype is None:
        return text
    if datatype == "xsd:boolean" and text in ("true", "false"):
        return text == "true"
    if datatype == "xsd:integer" and re.fullmatch(r"-?[1-9][0-9]{0,17}|0", text):
        return int(text)
    return {"tekst": text, "datatype": datatype}


def _one_or_many(values: Sequence[Any]) -> Any:
    return values[0] if len(values) == 1 else list(values)


def _others_data(design: Design, other: dict[str, list[Term]]) -> dict[str, Any]:
    return {
        compact(p): _one_or_many([_generic_value(design, v) for v in values])
        for p, values in sorted(other.items(), key=lambda kv: compact(kv[0]))
    }


def design_data(design: Design) -> dict[str, Any]:
    """The design as plain data in the YAML layout (what :func:`write_yaml` dumps)."""
    data: dict[str, Any] = {}
    for section in sections():
        entries = [e for e in design.entries if e.section is section]
        if not entries:
            continue
        block: dict[str, Any] = {}
        for entry in entries:
            item: dict[str, Any] = {}
            if section.has_kinds:
                item["soort"] = entry.kind.name
            if entry.explicit_iri:
                item["iri"] = entry.iri.value
            for f in fields_of(section):
                values = entry.fields.get(f.name, [])
                if not values:
                    continue
                if f.value == "text":
                    texts = [v for v in values if isinstance(v, ox.Literal) and v.language]
                    item[f.name] = {
                        v.language: v.value
                        for v in sorted(texts, key=lambda v: LANGUAGES.index(v.language or "nl"))
                    }
                elif f.value == "boolean":
                    item[f.name] = values[0].value == "true"
                else:
                    item[f.name] = _one_or_many([field_text(design, f, v) for v in values])
            if entry.other:
                item["overig"] = _others_data(design, entry.other)
            block[entry.key] = item
        data[section.name] = block
    if design.escalations:
        data["escalaties"] = [
            {"van": entry.key, "naar": reference_text(design, target)}
            for entry, target in design.escalations
        ]
    if design.other:
        data["overig"] = {
            reference_text(design, subject): _others_data(design, other)
            for subject, other in design.other.items()
        }
    return data


class _Dumper(yaml.SafeDumper):
    """Text with line breaks as literal blocks; lists indented under their key."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _str(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = (
        "|"
        if "\n" in text and text == text.strip() and not re.search(r"[ \t]\n|\r", text)
        else None
    )
    return dumper.represent_scalar(_CORE + "str", text, style=style)


_Dumper.add_representer(str, _str)


def write_yaml(quads: Sequence[ox.Quad | ox.Triple]) -> str:
    """The design as YAML (deterministic: the same statements give the same text)."""
    body = yaml.dump(
        design_data(design_from_quads(quads)),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
    )
    header = (
        f"# yaml-language-server: $schema={SCHEMA_URL}\n"
        "# Ketenontwerp / chain design — ketenontologie (docs/authoring.md)\n"
    )
    return header + ("" if body.strip() == "{}" else body)
