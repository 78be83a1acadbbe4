"""The service reads designs written by hand (YAML, workbooks, ArchiMate) on POST /validate and
PUT /designs/{id}, answers findings in the author's terms, and serves the JSON Schema; in
process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from ketenontologie.api import create_app
from ketenontologie.authoring.schema import json_schema
from ketenontologie.authoring.starter import starter_quads
from ketenontologie.config import Settings
from ketenontologie.convert import write_design

TOKEN = "geheim"
YAML = {"Content-Type": "application/yaml"}
XLSX = {"Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
XML = {"Content-Type": "application/xml"}
BROKEN = b"ketens:\n  k:\n    partners: [a]\npartners:\n  a: {naam: {nl: A}}\n"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data = Path(tmp_path_factory.mktemp("authoring")) / "data"
    settings = Settings(
        data_dir=data,
        update_token=TOKEN,
        load_project=False,
        query_workers=1,
        max_body_bytes=200_000,
    )
    with TestClient(create_app(settings)) as client:
        yield client


def test_the_schema_is_served_under_def(client: TestClient) -> None:
    response = client.get("/def/ontwerp.schema.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/schema+json")
    assert response.json() == json_schema()


@pytest.mark.parametrize(
    ("headers", "format"), [(YAML, "yaml"), (XLSX, "xlsx"), (XML, "archimate")]
)
def test_validate_reads_each_format(
    client: TestClient, headers: dict[str, str], format: str
) -> None:
    body = write_design(starter_quads(), format).data  # type: ignore[arg-type]
    response = client.post("/validate", content=body, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["summary"]["violations"] == 0


def test_findings_point_at_the_line_and_column(client: TestClient) -> None:
    response = client.post("/validate", content=BROKEN, headers=YAML)
    partners = next(r for r in response.json()["results"] if r["rule"] == "KS-R01")
    assert (partners["file"], partners["line"], partners["column"]) == ("ontwerp.yaml", 3, 16)


def test_put_stores_a_yaml_design_and_refuses_a_broken_one(client: TestClient) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    body = write_design(starter_quads(), "yaml").data
    stored = client.put("/designs/starter", content=body, headers={**YAML, **auth})
    assert stored.status_code == 201, stored.text
    refused = client.put(
        "/designs/kapot",
        content=b"ketens:\n  k: {partners: [onbekend]}\n",
        headers={**YAML, **auth},
    )
    assert refused.status_code == 400
    error = refused.json()
    assert error["error"] == "unknown-reference"
    assert (error["line"], error["column"]) == (2, 18)
    assert client.get("/designs/kapot").status_code == 404, "nothing was stored"


def test_uploads_keep_the_same_size_limit(client: TestClient) -> None:
    response = client.post("/validate", content=b"#" * 300_000, headers=YAML)
    assert response.status_code == 413
