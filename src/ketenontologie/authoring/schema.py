"""The JSON Schema of YAML designs, generated from the ontology, the concept scheme and the
shapes, so that an editor (VS Code's YAML extension) completes and checks a design as it is
typed. Each field says what it means in Dutch and English (the ontology's definition) and which
rules read it (the shapes); levels, phases, kinds and building blocks are offered as lists.

Published at :data:`~ketenontologie.authoring.yaml.SCHEMA_URL` (``/def/ontwerp.schema.json``).

>>> schema = json_schema()
>>> schema["$id"]
'https://w3id.org/ketenontologie/def/ontwerp.schema.json'
>>> sorted(schema["properties"])
['doelstellingen', 'escalaties', 'ketens', 'organen', 'overig', 'partners', 'rollen']
"""

from __future__ import annotations

import functools
import json
from typing import Any

from ketenontologie.authoring.model import KEY, LANGUAGES
from ketenontologie.authoring.vocabulary import (
    ConceptScheme,
    Field,
    Section,
    compact,
    concept_name,
    concepts,
    rules_for,
    sections,
    term_definition,
    term_label,
)
from ketenontologie.authoring.yaml import SCHEMA_URL

__all__ = ["MEDIA_TYPE", "json_schema", "schema_bytes"]

MEDIA_TYPE = "application/schema+json"
_IRI = r"^(?:<[^>\s]+>|[A-Za-z][A-Za-z0-9+.-]*:\S+)$"
_REFERENCE = rf"^(?:{KEY.pattern}|_:\S+|[A-Za-z][A-Za-z0-9+.-]*:\S+)$"


def _describe(f: Field) -> dict[str, str]:
    parts_nl = [f.description[0]] if f.description[0] else []
    parts_en = [f.description[1]] if f.description[1] else []
    definition_nl, definition_en = (
        term_definition(f.predicate, "nl"),
        term_definition(f.predicate, "en"),
    )
    if definition_nl:
        parts_nl.append(definition_nl)
    if definition_en:
        parts_en.append(definition_en)
    text = f"{term_label(f.predicate, 'nl')} ({compact(f.predicate)}). " + " ".join(parts_nl)
    if parts_en:
        text += " — " + " ".join(parts_en)
    rules = rules_for(f.predicate)
    if rules:
        text += (
            " Regels / rules: " + "; ".join(f"{rule} {name}".strip() for rule, name in rules) + "."
        )
    return {"title": term_label(f.predicate, "nl"), "description": text.strip()}


def _concept_schema(scheme: ConceptScheme) -> dict[str, Any]:
    names = [concept_name(c.iri) for c in concepts(scheme)]
    other = sorted({label for c in concepts(scheme) for label in c.labels} - set(names))
    return {
        "anyOf": [
            {
                "enum": names,
                "description": "; ".join(
                    f"{concept_name(c.iri)}: {c.label.get('nl', '')} / {c.label.get('en', '')}"
                    for c in concepts(scheme)
                ),
            },
            {"enum": other},
            {"type": "string", "pattern": _IRI},
        ]
    }


def _field_schema(f: Field) -> dict[str, Any]:
    if f.value == "text":
        body: dict[str, Any] = {"$ref": "#/$defs/tekst"}
    elif f.value == "boolean":
        body = {
            "anyOf": [{"type": "boolean"}, {"enum": ["ja", "nee", "yes", "no", "true", "false"]}]
        }
    elif f.value == "concept" and f.scheme is not None:
        one = {"$ref": f"#/$defs/{f.scheme}"}
        body = {"anyOf": [one, {"type": "array", "items": one}]}
    elif f.value == "iri":
        one = {"type": "string", "pattern": _IRI}
        body = {"anyOf": [one, {"type": "array", "items": one}]}
    else:
        body = {"$ref": "#/$defs/verwijzingen"}
    return {**body, **_describe(f)}


def _entry_schema(section: Section) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "iri": {
            "type": "string",
            "pattern": _IRI,
            "description": "Eigen IRI, als de sleutel die niet moet bepalen. — An IRI of its own, "
            "where the key should not make it.",
        }
    }
    required = []
    if section.has_kinds:
        names = [k.name for k in section.kinds]
        labels = sorted({label for k in section.kinds for label in k.label.values()} - set(names))
        properties["soort"] = {
            "anyOf": [{"enum": names}, {"enum": labels}],
            "description": "Soort / kind: "
            + "; ".join(
                f"{k.name} ({compact(k.type)}): {k.label.get('en', '')}" for k in section.kinds
            ),
        }
        required.append("soort")
    from ketenontologie.authoring.model import fields_of

    for f in fields_of(section):
        properties[f.name] = _field_schema(f)
    properties["overig"] = {"$ref": "#/$defs/uitspraken"}
    schema: dict[str, Any] = {
        "type": "object",
        "title": section.label[0],
        "description": (
            f"{section.label[0]} / {section.label[1]} ({compact(section.type)}). "
            f"{term_definition(section.type, 'nl')} — {term_definition(section.type, 'en')}"
        ).strip(),
        "additionalProperties": False,
        "properties": properties,
    }
    if required:
        schema["required"] = required
    return schema


@functools.cache
def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a YAML design."""
    defs: dict[str, Any] = {section.name: _entry_schema(section) for section in sections()}
    value_forms = [
        {"type": "string"},
        {"type": "boolean"},
        {"type": "integer"},
        {"type": "number"},
        {
            "type": "object",
            "required": ["iri"],
            "additionalProperties": False,
            "properties": {"iri": {"type": "string"}},
        },
        {
            "type": "object",
            "required": ["knoop"],
            "additionalProperties": False,
            "properties": {"knoop": {"type": "string"}},
        },
        {
            "type": "object",
            "required": ["tekst"],
            "additionalProperties": False,
            "properties": {
                "tekst": {"type": "string"},
                "taal": {"type": "string"},
                "datatype": {"type": "string", "pattern": _IRI},
            },
            "not": {"required": ["taal", "datatype"]},
        },
    ]
    defs.update(
        {
            "tekst": {
                "anyOf": [
                    {"type": "string"},
                    {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {lang: {"type": "string"} for lang in LANGUAGES},
                    },
                ],
                "description": "Tekst in het Nederlands (nl) en Engels (en); een losse tekst is "
                "Nederlands. — Text in Dutch (nl) and English (en); a bare text is "
                "Dutch.",
            },
            "verwijzing": {
                "type": "string",
                "pattern": _REFERENCE,
                "description": "De sleutel van een ander ding in dit ontwerp, of een IRI. — The "
                "key of another thing in this design, or an IRI.",
            },
            "verwijzingen": {
                "anyOf": [
                    {"$ref": "#/$defs/verwijzing"},
                    {"type": "array", "items": {"$ref": "#/$defs/verwijzing"}},
                ]
            },
            "niveau": _concept_schema("niveau"),
            "fase": _concept_schema("fase"),
            "bouwsteen": _concept_schema("bouwsteen"),
            "waarde": {"anyOf": value_forms},
            "uitspraken": {
                "type": "object",
                "description": "Andere uitspraken, per eigenschap (voorvoegselnaam of IRI). — "
                "Other statements, by property (prefixed name or IRI).",
                "propertyNames": {"pattern": _IRI},
                "additionalProperties": {
                    "anyOf": [
                        {"$ref": "#/$defs/waarde"},
                        {"type": "array", "items": {"$ref": "#/$defs/waarde"}},
                    ]
                },
            },
        }
    )
    properties: dict[str, Any] = {
        section.name: {
            "type": ["object", "null"],
            "description": f"{section.label[0]} / {section.label[1]}, elk onder een eigen sleutel "
            "/ each under a key of its own.",
            "propertyNames": {"pattern": f"^{KEY.pattern}$"},
            "additionalProperties": {"$ref": f"#/$defs/{section.name}"},
        }
        for section in sections()
    }
    properties["escalaties"] = {
        "type": ["array", "null"],
        "description": "Escalatiestappen (keten:escalatesTo): van wie naar wie. "
        "— Escalation steps: from whom to whom."
        + (
            " Regels / rules: "
            + "; ".join(
                f"{r} {n}" for r, n in rules_for("https://w3id.org/ketenontologie/def#escalatesTo")
            )
            + "."
        ),
        "items": {
            "type": "object",
            "required": ["van", "naar"],
            "additionalProperties": False,
            "properties": {
                "van": {"$ref": "#/$defs/verwijzing"},
                "naar": {"$ref": "#/$defs/verwijzing"},
            },
        },
    }
    properties["overig"] = {
        "type": ["object", "null"],
        "description": "Uitspraken over dingen die geen item van het ontwerp zijn, per onderwerp. "
        "— Statements about things that are no entry of the design, by subject.",
        "additionalProperties": {"$ref": "#/$defs/uitspraken"},
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_URL,
        "title": "Ketenontwerp / chain design",
        "description": "Een ketenontwerp in YAML volgens de ketenontologie; zie docs/authoring.md. "
        "— A chain design in YAML following the chain governance ontology.",
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
        "$defs": defs,
    }


def schema_bytes() -> bytes:
    """The schema as JSON text (UTF-8, indented, keys in a stable order)."""
    return (json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
