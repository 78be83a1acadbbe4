"""The JSON Schema for editors: valid, generated from the ontology and the shapes, accepts every
example design in YAML and rejects broken ones."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from ketenontologie.authoring.schema import json_schema, schema_bytes
from ketenontologie.authoring.starter import starter_quads
from ketenontologie.authoring.yaml import SCHEMA_URL, write_yaml
from ketenontologie.loading import parse_file

from .conftest import EXAMPLES

IDS = [str(path.relative_to(path.parents[1])) for path in EXAMPLES]


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("path", EXAMPLES, ids=IDS)
def test_every_example_in_yaml_is_accepted(
    path: Path, validator: jsonschema.Draft202012Validator
) -> None:
    document = yaml.safe_load(write_yaml(parse_file(path).quads))
    assert list(validator.iter_errors(document)) == []


@pytest.mark.parametrize(
    ("broken", "where"),
    [
        ({"ketens": {"k": {"naem": {"nl": "x"}}}}, ["ketens", "k"]),
        ({"rollen": {"m": {"naam": {"nl": "x"}}}}, ["rollen", "m"]),
        ({"rollen": {"m": {"soort": "baas"}}}, ["rollen", "m", "soort"]),
        (
            {"organen": {"b": {"soort": "ketenbestuur", "niveau": "hoog"}}},
            ["organen", "b", "niveau"],
        ),
        ({"escalaties": [{"van": "a"}]}, ["escalaties", 0]),
        ({"partners": {"met spatie": {}}}, ["partners"]),
        ({"kettens": {}}, []),
        ({"ketens": {"k": {"naam": {"de": "Kette"}}}}, ["ketens", "k", "naam"]),
    ],
    ids=[
        "unknown-field",
        "no-kind",
        "unknown-kind",
        "unknown-level",
        "half-step",
        "bad-key",
        "unknown-section",
        "language",
    ],
)
def test_broken_designs_are_rejected(
    broken: dict[str, Any], where: list[object], validator: jsonschema.Draft202012Validator
) -> None:
    errors = list(validator.iter_errors(broken))
    assert errors
    assert any(list(error.absolute_path)[: len(where)] == where for error in errors)


def test_fields_explain_themselves_with_the_ontology_and_the_rules() -> None:
    schema = json_schema()
    seats = schema["$defs"]["organen"]["properties"]["leden"]
    assert seats["title"] == "heeft bestuurslid"
    assert "keten:boardMember" in seats["description"] and "KS-R05" in seats["description"]
    levels = schema["$defs"]["niveau"]["anyOf"][0]["enum"]
    assert levels == ["strategisch", "tactisch", "operationeel"]
    assert schema["$id"] == SCHEMA_URL
    assert schema_bytes() == schema_bytes()


def test_the_starter_design_points_editors_at_the_schema() -> None:
    assert write_yaml(starter_quads()).startswith(f"# yaml-language-server: $schema={SCHEMA_URL}")
