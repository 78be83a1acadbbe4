"""Bad input gets a clear error with its place and nothing is read: YAML syntax, unknown names
with the nearest known ones, missing sheets and columns, unsafe YAML and XML, ArchiMate 4."""

from __future__ import annotations

import io
import time
import zipfile

import openpyxl
import pytest

from ketenontologie.authoring.archimate import read_archimate
from ketenontologie.authoring.spreadsheet import read_workbook, write_workbook
from ketenontologie.authoring.starter import starter_quads
from ketenontologie.authoring.yaml import read_yaml
from ketenontologie.errors import (
    ArchimateVersionError,
    AuthoringBoundsError,
    AuthoringError,
    SpreadsheetLayoutError,
    UnknownReferenceError,
    UnsafeInputError,
    YAMLSyntaxError,
)

# --- YAML ------------------------------------------------------------------------------------


def test_a_yaml_syntax_error_has_line_and_column() -> None:
    text = b"ketens:\n  k:\n    naam: {nl: Keten\n"
    with pytest.raises(YAMLSyntaxError) as error:
        read_yaml(text, name="k.yaml")
    assert error.value.line == 4 and error.value.column is not None
    assert str(error.value).startswith("k.yaml:4:")


def test_an_unknown_key_names_the_nearest_keys() -> None:
    text = (
        b"ketens:\n  k:\n    partners: [belastingdienst, uvw]\n"
        b"partners:\n  uwv: {}\n  belastingdienst: {}\n"
    )
    with pytest.raises(UnknownReferenceError) as error:
        read_yaml(text, name="k.yaml")
    assert (error.value.line, error.value.column) == (3, 33)
    assert error.value.candidates == ("uwv",)
    assert "'uvw'" in str(error.value) and "'uwv'" in str(error.value)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (b"rollen:\n  m: {soort: ketenmanagr}\n", "ketenmanager"),
        (b"organen:\n  b: {soort: ketenbestuur, niveau: strategish}\n", "strategisch"),
    ],
    ids=["kind", "level"],
)
def test_an_unknown_kind_or_level_names_the_nearest(text: bytes, found: str) -> None:
    with pytest.raises(UnknownReferenceError) as error:
        read_yaml(text, name="k.yaml")
    assert found in error.value.candidates or found in str(error.value)


def test_levels_phases_and_building_blocks_go_by_name_notation_or_label() -> None:
    text = (
        b"ketens:\n  k:\n    fase: Stable phase\n    bouwstenen: ['3.2', ketenkaart, Ketenbureau]\n"
        b"organen:\n  b: {soort: Ketenbestuur, niveau: strategisch niveau}\n"
    )
    quads, _ = read_yaml(text, name="k.yaml")
    values = {q.object.value.rsplit("/", 1)[-1] for q in quads}
    assert {"stabiel", "ketenmanager", "ketenkaart", "ketenbureau", "strategisch"} <= values


@pytest.mark.parametrize(
    "text",
    [
        b"ketens: !!python/object:os.system {}\n",
        b"ketens:\n  k:\n    naam: !eigen {nl: x}\n",
    ],
    ids=["python-object", "local-tag"],
)
def test_yaml_tags_are_refused(text: bytes) -> None:
    with pytest.raises(UnsafeInputError) as error:
        read_yaml(text, name="k.yaml")
    assert error.value.line is not None


def test_a_billion_laughs_is_refused_fast() -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(1, 10):
        lines.append(f"a{n}: &a{n} [" + ",".join([f"*a{n - 1}"] * 9) + "]")
    started = time.perf_counter()
    with pytest.raises(AuthoringBoundsError, match="aliases"):
        read_yaml("\n".join(lines).encode(), name="lol.yaml")
    assert time.perf_counter() - started < 2


def test_deep_nesting_is_refused() -> None:
    with pytest.raises(AuthoringBoundsError, match="48"):
        read_yaml(b"[" * 100 + b"]" * 100, name="diep.yaml")
    with pytest.raises(AuthoringError):  # the parser's own bound comes first here
        read_yaml(b"[" * 50_000 + b"]" * 50_000, name="diep.yaml")


def test_a_key_twice_and_an_unknown_field_are_errors() -> None:
    with pytest.raises(YAMLSyntaxError, match="twice") as error:
        read_yaml(b"partners:\n  a: {}\n  a: {}\n", name="k.yaml")
    assert error.value.line == 3
    with pytest.raises(YAMLSyntaxError, match="'naem' is not a field") as error:
        read_yaml(b"partners:\n  a:\n    naem: {nl: A}\n", name="k.yaml")
    assert (error.value.line, error.value.column) == (3, 5)


# --- workbooks -------------------------------------------------------------------------------


def _workbook(change: object) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(write_workbook(starter_quads())))
    change(book)  # type: ignore[operator]
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_missing_sheet_is_named() -> None:
    data = _workbook(lambda book: book.remove(book["Escalaties"]))
    with pytest.raises(SpreadsheetLayoutError, match="no sheet 'Escalaties'"):
        read_workbook(data, name="k.xlsx")


def test_a_missing_column_is_named() -> None:
    data = _workbook(lambda book: book["Rollen"].delete_cols(2))
    with pytest.raises(SpreadsheetLayoutError, match="no column 'soort'") as error:
        read_workbook(data, name="k.xlsx")
    assert error.value.where == "Rollen!1:1"


def test_an_unknown_key_in_a_cell_names_the_cell_and_the_nearest_keys() -> None:
    def change(book: openpyxl.Workbook) -> None:
        book["Escalaties"]["B3"] = "ketenmanagr"

    with pytest.raises(UnknownReferenceError) as error:
        read_workbook(_workbook(change), name="k.xlsx")
    assert error.value.where == "Escalaties!B3"
    assert "ketenmanager" in error.value.candidates


def test_a_file_that_is_no_workbook_or_unpacks_too_far_is_refused() -> None:
    with pytest.raises(SpreadsheetLayoutError, match=r"not an \.xlsx workbook"):
        read_workbook(b"ketens: {}", name="k.xlsx")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (65 * 1024 * 1024))
    with pytest.raises(UnsafeInputError, match="unpacks"):
        read_workbook(bomb.getvalue(), name="bom.xlsx")


# --- ArchiMate ---------------------------------------------------------------------------------

_MODEL = (
    '<model xmlns="{ns}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'identifier="m"><name>x</name></model>'
)


@pytest.mark.parametrize(
    ("text", "what"),
    [
        (
            '<?xml version="1.0"?>\n<!DOCTYPE model [<!ENTITY e "x">]>\n'
            + _MODEL.format(ns="http://www.opengroup.org/xsd/archimate/3.0/"),
            "DOCTYPE",
        ),
        (
            '<model xmlns="http://www.opengroup.org/xsd/archimate/3.0/" '
            'xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="/etc/passwd"/></model>',
            "XInclude",
        ),
    ],
    ids=["doctype", "xinclude"],
)
def test_unsafe_xml_is_refused_and_nothing_fetched(
    text: str, what: str, no_network: list[object]
) -> None:
    with pytest.raises(UnsafeInputError, match=what):
        read_archimate(text.encode(), name="model.xml")
    assert not no_network


def test_archimate_4_is_not_supported_yet_and_says_its_namespace() -> None:
    namespace = "http://www.opengroup.org/xsd/archimate/4.0/"
    with pytest.raises(ArchimateVersionError, match="not supported yet") as error:
        read_archimate(_MODEL.format(ns=namespace).encode(), name="model.xml")
    assert namespace in str(error.value)


def test_xml_that_is_not_well_formed_or_not_archimate_is_an_error() -> None:
    with pytest.raises(AuthoringError, match="not well-formed") as error:
        read_archimate(b"<model>\n<elements>\n</model>", name="model.xml")
    assert error.value.line == 3
    with pytest.raises(AuthoringError, match="not an ArchiMate model"):
        read_archimate(b"<html/>", name="model.xml")


def test_archisurance_is_reported_with_what_it_holds_and_what_maps(archisurance: bytes) -> None:
    quads, places = read_archimate(archisurance, name="archisurance.xml")
    assert quads == []
    summary, outside, *kinds = places.notes
    assert "120 elements, 178 relationships, 17 views" in summary
    assert "read as a chain design: 0 elements and 0 relationships" in summary
    assert outside.startswith("298 outside the mapping")
    counted = sum(int(line.split("(x")[1].split(")")[0]) for line in kinds)
    assert counted == 298
    assert any(line.strip().startswith("BusinessActor (x") and "id-" in line for line in kinds)
