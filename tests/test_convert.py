"""Conversion between Turtle, YAML, a workbook and ArchiMate: canonical Turtle, formats from
extensions, templates; uploads of designs written by hand."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from ketenontologie.authoring.starter import starter_quads
from ketenontologie.cli import main
from ketenontologie.convert import (
    canonical_turtle,
    convert_file,
    output_format_for,
    template,
    write_design,
)
from ketenontologie.errors import UnknownFormatError
from ketenontologie.loading import parse_upload, syntax_for_media_type
from shared_files import shared

ROOT = Path(__file__).resolve().parents[1]
HAVENSTAD = ROOT / "data" / "voorbeeldketen-havenstad.ttl"


def test_canonical_turtle_is_the_same_bytes_for_the_same_graph() -> None:
    quads = list(ox.parse(HAVENSTAD.read_bytes(), format=ox.RdfFormat.TURTLE))
    shuffled = list(reversed(quads)) + quads[:5]
    assert canonical_turtle(quads) == canonical_turtle(shuffled)
    text = canonical_turtle(quads).decode()
    assert text.startswith("@prefix bouwsteen: ")
    assert "\n\nketens:voorbeeldketen-havenstad a keten:Chain ;" in text


@pytest.mark.parametrize("to", ["yaml", "xlsx", "archimate", "turtle", "json-ld", "n-triples"])
def test_every_format_converts_back_to_the_same_turtle(tmp_path: Path, to: str) -> None:
    suffix = {
        "yaml": "yaml",
        "archimate": "xml",
        "turtle": "ttl",
        "json-ld": "jsonld",
        "n-triples": "nt",
    }
    out = tmp_path / f"keten.{suffix.get(to, to)}"
    out.write_bytes(convert_file(HAVENSTAD, to=to).data)  # type: ignore[arg-type]
    assert convert_file(out, to="turtle").data == convert_file(HAVENSTAD, to="turtle").data


def test_formats_come_from_extensions_or_to() -> None:
    assert output_format_for("x.yml") == "yaml"
    assert output_format_for("x.xml") == "archimate"
    assert output_format_for("x.txt", to="turtle") == "turtle"
    with pytest.raises(UnknownFormatError, match="--to"):
        output_format_for("x.txt")


def test_templates() -> None:
    assert template("yaml").startswith(b"# yaml-language-server")
    assert template("xlsx")[:2] == b"PK"
    assert b"Specialisatie" in template("archimate")


@pytest.mark.parametrize(
    ("media_type", "format"),
    [
        ("application/yaml", "yaml"),
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
        ("application/xml; charset=utf-8", "archimate"),
    ],
)
def test_uploads_of_designs_written_by_hand(media_type: str, format: str) -> None:
    assert syntax_for_media_type(media_type).name == format
    data = write_design(starter_quads(), format).data  # type: ignore[arg-type]
    parsed = parse_upload(data, media_type=media_type, name="ontwerp", base_iri="https://e.org/")
    assert parsed.quads and parsed.source_map is not None


# --- the command line ------------------------------------------------------------------------


def test_convert_and_template_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["template", "--format", "xlsx", "-o", str(tmp_path / "leeg.xlsx")]) == 0
    assert main(["template", "--format", "archimate", "-o", str(tmp_path / "start.xml")]) == 0
    assert main(["convert", str(tmp_path / "start.xml"), str(tmp_path / "start.ttl")]) == 0
    assert "read as a chain design: 14 elements" in capsys.readouterr().err
    assert main(["convert", str(HAVENSTAD), "-", "--to", "yaml"]) == 0
    assert main(["convert", str(HAVENSTAD), "-"]) == 2
    assert "--to" in capsys.readouterr().err
    assert main(["validate", str(tmp_path / "start.xml")]) == 0


def test_archisurance_converts_to_nothing_and_says_what_it_holds(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    archisurance = shared("fixtures", "archimate", "archisurance.xml", what="the ArchiMate fixture")
    assert main(["convert", str(archisurance), str(tmp_path / "a.ttl")]) == 2
    err = capsys.readouterr().err
    assert "120 elements, 178 relationships, 17 views" in err
    assert "298 outside the mapping" in err
    assert not (tmp_path / "a.ttl").exists()


def test_convert_as_a_real_process(tmp_path: Path) -> None:
    out = tmp_path / "keten.yaml"
    done = subprocess.run(
        [sys.executable, "-m", "ketenontologie", "convert", str(HAVENSTAD), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    back = subprocess.run(
        [sys.executable, "-m", "ketenontologie", "convert", str(out), "-", "--to", "turtle"],
        capture_output=True,
        check=False,
    )
    assert back.stdout == convert_file(HAVENSTAD, to="turtle").data
