"""Chain designs in a workbook (``.xlsx``): one sheet per kind of thing, one row per entry.

Sheets ``Ketens``, ``Doelstellingen``, ``Partners``, ``Organen`` and ``Rollen`` hold the entries
(a column per field; text in Dutch and English in two columns; several keys in one cell separated
by commas), ``Escalaties`` the escalation steps, ``Bouwstenen`` the building blocks each chain
applies and ``Overig`` every other statement, so nothing is lost. ``Lijsten`` (hidden) feeds the
drop-down lists for levels, phases, kinds and building blocks; ``Toelichting`` explains the
workbook. :func:`write_workbook` with no statements gives the empty template.

A workbook is a zip file: its size unpacked and its number of parts are checked before it is
opened, and its XML is read by a parser that refuses entities (defusedxml).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from ketenontologie.authoring import XLSX_MEDIA_TYPE
from ketenontologie.authoring.model import (
    LANGUAGES,
    UNWRITABLE,
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
from ketenontologie.authoring.vocabulary import (
    ESCALATES_TO,
    RDF_TYPE,
    Field,
    Section,
    compact,
    concept_name,
    concepts,
    section_named,
    sections,
)
from ketenontologie.errors import AuthoringBoundsError, SpreadsheetLayoutError, UnsafeInputError

if TYPE_CHECKING:  # openpyxl is imported where a workbook is read or written: it is slow to load
    import openpyxl
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["MAX_ROWS", "MAX_UNPACKED_BYTES", "MEDIA_TYPE", "read_workbook", "write_workbook"]

MEDIA_TYPE = XLSX_MEDIA_TYPE
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
"""How large a workbook may be once unpacked (a design's workbook is a few hundred kB)."""
MAX_PARTS = 2000
MAX_ROWS = 100_000
"""How many rows one sheet may hold."""

KEY_COLUMN = "sleutel"
SEPARATORS = re.compile(r"\s*[,;\n]\s*")
_BLOCKS_FIELD = "bouwstenen"
_ESCALATIONS = "Escalaties"
_BLOCKS = "Bouwstenen"
_OTHER = "Overig"
_LISTS = "Lijsten"
_README = "Toelichting"
_OTHER_COLUMNS = ("onderwerp", "eigenschap", "waarde", "soort", "taal", "datatype")


@dataclass(frozen=True, slots=True)
class _Column:
    header: str
    field: Field | None = None
    lang: str | None = None


def _columns(section: Section) -> list[_Column]:
    columns = [_Column(KEY_COLUMN)]
    if section.has_kinds:
        columns.append(_Column("soort"))
    columns.append(_Column("iri"))
    for f in fields_of(section):
        if f.name == _BLOCKS_FIELD:
            continue
        if f.value == "text":
            columns += [_Column(f"{f.column} ({lang})", f, lang) for lang in LANGUAGES]
        else:
            columns.append(_Column(f.column, f))
    return columns


# --- writing -------------------------------------------------------------------------------------


def _set(sheet: Worksheet, row: int, column: int, value: str | bool | None) -> None:
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # text that starts with '=' stays text, never a formula


def _header(sheet: Worksheet, headers: Sequence[str]) -> None:
    for index, header in enumerate(headers, 1):
        _set(sheet, 1, index, header)
        sheet.cell(row=1, column=index).font = _bold()
        sheet.column_dimensions[_letter(index)].width = max(12, min(40, len(header) + 6))
    sheet.freeze_panes = "A2"


def _bold() -> Any:
    from openpyxl.styles import Font

    return Font(bold=True)


def _letter(index: int) -> str:
    """The letter of a column (1 is A), as openpyxl names it."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _fits_cell(text: str, *, many: bool) -> bool:
    return not UNWRITABLE.search(text) and not (many and SEPARATORS.search(text))


def _escaped(term: Term) -> str:
    """A literal in N-Triples syntax with every character a cell cannot hold escaped."""
    return UNWRITABLE.sub(lambda m: f"\\u{ord(m.group()):04X}", str(term))


def _other_row(design: Design, subject: str, predicate: str, term: Term) -> list[str | None]:
    kind, text, lang, datatype = generic_parts(design, term)
    if UNWRITABLE.search(text) or (kind == "tekst" and (not text or text != text.strip())):
        return [subject, compact(predicate), _escaped(term), "n-triples", None, None]
    return [subject, compact(predicate), text, kind, lang, datatype]


def _lists(book: openpyxl.Workbook) -> dict[str, str]:
    """The hidden sheet of drop-down values; the range of each list by its name."""
    sheet = book.create_sheet(_LISTS)
    columns: list[tuple[str, list[str]]] = [
        ("niveau", [concept_name(c.iri) for c in concepts("niveau")]),
        ("fase", [concept_name(c.iri) for c in concepts("fase")]),
        ("bouwsteen", [concept_name(c.iri) for c in concepts("bouwsteen")]),
        ("soort orgaan", [k.name for k in section_named("organen").kinds]),
        ("soort rol", [k.name for k in section_named("rollen").kinds]),
        ("ja/nee", ["ja", "nee"]),
    ]
    ranges = {}
    for index, (name, values) in enumerate(columns, 1):
        letter = _letter(index)
        _set(sheet, 1, index, name)
        for row, value in enumerate(values, 2):
            _set(sheet, row, index, value)
        ranges[name] = f"={_LISTS}!${letter}$2:${letter}${len(values) + 1}"
    sheet.sheet_state = "hidden"
    return ranges


def _drop_down(sheet: Worksheet, formula: str, column: int) -> None:
    # "information": the list is offered, and a value outside it (an IRI) is still allowed.
    from openpyxl.worksheet.datavalidation import DataValidation

    check = DataValidation(
        type="list", formula1=formula, allow_blank=True, errorStyle="information"
    )
    letter = _letter(column)
    check.add(f"{letter}2:{letter}1000")
    sheet.add_data_validation(check)


_README_TEXT = (
    ("Ketenontwerp", "Chain design"),
    (
        "Elk tabblad is één soort ding; elke regel één ding met een eigen sleutel.",
        "Each sheet is one kind of thing; each row one thing with a key of its own.",
    ),
    (
        "Verwijs naar een ander ding met zijn sleutel; meerdere sleutels scheid je met komma's.",
        "Refer to another thing by its key; separate several keys with commas.",
    ),
    (
        "Niveaus, fasen, soorten en bouwstenen kies je uit de keuzelijst.",
        "Pick levels, phases, kinds and building blocks from the drop-down list.",
    ),
    (
        "Escalaties: één regel per stap, van wie naar wie. Overig: alle andere uitspraken.",
        "Escalaties: one row per step, from whom to whom. Overig: every other statement.",
    ),
    (
        "Controleer met: ketenontologie validate ontwerp.xlsx",
        "Check with: ketenontologie validate design.xlsx",
    ),
)


def write_workbook(quads: Sequence[ox.Quad | ox.Triple]) -> bytes:
    """The design as an ``.xlsx`` workbook; with no statements, the empty template."""
    design = design_from_quads(quads)
    import openpyxl

    book = openpyxl.Workbook()
    readme = book.active
    assert readme is not None
    readme.title = _README
    for row, (nl, en) in enumerate(_README_TEXT, 1):
        _set(readme, row, 1, nl)
        _set(readme, row, 2, en)
    readme["A1"].font = readme["B1"].font = _bold()
    readme.column_dimensions["A"].width = readme.column_dimensions["B"].width = 90
    other_rows: list[list[str | None]] = []
    blocks: list[list[str | None]] = []
    sheets: dict[str, Worksheet] = {}
    for section in sections():
        sheets[section.name] = book.create_sheet(section.sheet)
    escalations = book.create_sheet(_ESCALATIONS)
    block_sheet = book.create_sheet(_BLOCKS)
    other_sheet = book.create_sheet(_OTHER)
    ranges = _lists(book)
    for section in sections():
        sheet = sheets[section.name]
        columns = _columns(section)
        _header(sheet, [c.header for c in columns])
        for index, column in enumerate(columns, 1):
            if column.header == "soort":
                _drop_down(
                    sheet,
                    ranges["soort orgaan" if section.name == "organen" else "soort rol"],
                    index,
                )
            elif column.field is not None and column.field.scheme in ("niveau", "fase"):
                _drop_down(sheet, ranges[column.field.scheme], index)
            elif column.field is not None and column.field.value == "boolean":
                _drop_down(sheet, ranges["ja/nee"], index)
        row = 1
        for entry in (e for e in design.entries if e.section is section):
            row += 1
            for index, column in enumerate(columns, 1):
                value: str | None = None
                if column.header == KEY_COLUMN:
                    value = entry.key
                elif column.header == "soort":
                    value = entry.kind.name
                elif column.header == "iri":
                    value = entry.iri.value if entry.explicit_iri else None
                elif column.field is not None:
                    value = _cell_text(
                        design,
                        entry.key,
                        column,
                        entry.fields.get(column.field.name, []),
                        other_rows,
                    )
                if value is not None:
                    _set(sheet, row, index, value)
            for term in entry.fields.get(_BLOCKS_FIELD, []):
                blocks.append(
                    [entry.key, field_text(design, section_named("ketens").fields[-1], term)]
                )
            for predicate, values in sorted(entry.other.items()):
                other_rows += [_other_row(design, entry.key, predicate, v) for v in values]
    _header(escalations, ["van", "naar"])
    for row, (entry, target) in enumerate(design.escalations, 2):
        _set(escalations, row, 1, entry.key)
        _set(escalations, row, 2, reference_text(design, target))
    _header(block_sheet, ["keten", "bouwsteen"])
    _drop_down(block_sheet, ranges["bouwsteen"], 2)
    for row, cells in enumerate(blocks, 2):
        for index, text in enumerate(cells, 1):
            _set(block_sheet, row, index, text)
    for subject, statements in design.other.items():
        for predicate, values in statements.items():
            other_rows += [
                _other_row(design, reference_text(design, subject), predicate, v) for v in values
            ]
    _header(other_sheet, list(_OTHER_COLUMNS))
    for row, cells in enumerate(other_rows, 2):
        for index, text in enumerate(cells, 1):
            if text is not None:
                _set(other_sheet, row, index, text)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell_text(
    design: Design,
    key: str,
    column: _Column,
    values: Sequence[Term],
    other_rows: list[list[str | None]],
) -> str | None:
    """The text of one cell; values the cell cannot hold go to the general part."""
    f = column.field
    assert f is not None
    if f.value == "text":
        texts = [v.value for v in values if isinstance(v, ox.Literal) and v.language == column.lang]
        if not texts:
            return None
        if (
            texts[0]
            and _fits_cell(texts[0], many=False)
            and not texts[0].startswith(" ")
            and texts[0] == texts[0].strip()
        ):
            return texts[0]
        other_rows.append(
            _other_row(design, key, f.predicate, ox.Literal(texts[0], language=column.lang))
        )
        return None
    if f.value == "boolean":
        return None if not values else ("ja" if values[0].value == "true" else "nee")
    kept = []
    for term in values:
        text = field_text(design, f, term)
        if _fits_cell(text, many=True) and text == text.strip():
            kept.append(text)
        else:
            other_rows.append(_other_row(design, key, f.predicate, term))
    return ", ".join(kept) or None


# --- reading -------------------------------------------------------------------------------------


def _check_archive(data: bytes, name: str) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise SpreadsheetLayoutError(
            name,
            problem="the file is not an .xlsx workbook (not a zip archive)",
            hint="Save it from the spreadsheet program as Excel workbook (.xlsx)",
        ) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_PARTS:
            raise AuthoringBoundsError(
                name,
                problem=f"the workbook holds {len(infos)} parts, more than {MAX_PARTS}",
                hint="Save the design in a workbook of its own",
            )
        unpacked = sum(info.file_size for info in infos)
        if unpacked > MAX_UNPACKED_BYTES:
            raise UnsafeInputError(
                name,
                problem=f"the workbook unpacks to {unpacked:,} bytes, more than "
                f"{MAX_UNPACKED_BYTES:,}",
                hint="Save the design in a workbook of its own, without images or other large "
                "parts",
            )
        for info in infos:
            if info.filename.endswith((".xml", ".rels")):
                head = archive.open(info).read(4096)
                if b"<!DOCTYPE" in head.upper():
                    raise UnsafeInputError(
                        name,
                        problem=f"the part {info.filename} has a DOCTYPE",
                        hint="Save the workbook again from the spreadsheet program",
                    )


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if text.strip() else None


def _rows(
    sheet: Any, title: str, name: str, allowed: Sequence[str], required: Sequence[str]
) -> Iterator[tuple[int, dict[str, tuple[str, Place]]]]:
    """Each row with data as {header: (text, place)}; checks the headers first."""
    if hasattr(sheet, "reset_dimensions"):  # some programs record a wrong size; read it all
        sheet.reset_dimensions()
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    columns: dict[int, str] = {}
    for index, value in enumerate(header):
        text = _text(value)
        if text is None:
            continue
        key = text.strip().lower()
        if key not in allowed:
            raise SpreadsheetLayoutError(
                name,
                problem=f"the sheet {title!r} has a column {text!r} that a design does not have",
                hint="Use the columns of the template: " + ", ".join(allowed),
                where=f"{title}!{_letter(index + 1)}1",
            )
        columns[index] = key
    for column in required:
        if column not in columns.values():
            raise SpreadsheetLayoutError(
                name,
                problem=f"the sheet {title!r} has no column {column!r}",
                hint="Add the column (row 1), as in 'ketenontologie template --format xlsx'",
                where=f"{title}!1:1",
            )
    for number, values in enumerate(rows, 2):
        if number > MAX_ROWS + 1:
            raise AuthoringBoundsError(
                name,
                problem=f"the sheet {title!r} has more than {MAX_ROWS:,} rows",
                hint="Split the design",
                where=title,
            )
        found = {}
        for index, value in enumerate(values):
            text = _text(value)
            if text is None:
                continue
            if index not in columns:
                raise SpreadsheetLayoutError(
                    name,
                    problem=f"the sheet {title!r} has a value in a column without a heading",
                    hint="Give the column a heading or clear the cell",
                    where=f"{title}!{_letter(index + 1)}{number}",
                )
            found[columns[index]] = (
                text,
                Place(where=f"{title}!{_letter(index + 1)}{number}"),
            )
        if found:
            yield number, found


def read_workbook(
    data: bytes, *, name: str, base_iri: str | None = None
) -> tuple[list[ox.Quad], SourceMap]:
    """Read a workbook design into quads and the sheet and cell of each subject and statement."""
    _check_archive(data, name)
    try:
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise SpreadsheetLayoutError(
            name,
            problem=f"the workbook cannot be read ({type(error).__name__}: {error})",
            hint="Save it again from the spreadsheet program as .xlsx",
        ) from None
    builder = Builder(name, base_iri=base_iri, syntax=SpreadsheetLayoutError)
    try:
        titles = {title.lower(): title for title in book.sheetnames}
        needed = [s.sheet for s in sections()] + [_ESCALATIONS, _BLOCKS, _OTHER]
        for title in needed:
            if title.lower() not in titles:
                raise SpreadsheetLayoutError(
                    name,
                    problem=f"the workbook has no sheet {title!r}",
                    hint="Add it, or start from 'ketenontologie template --format xlsx'",
                    where=title,
                )
        found = []
        for section in sections():
            title = titles[section.sheet.lower()]
            columns = _columns(section)
            headers = [c.header for c in columns]
            required = [KEY_COLUMN, "soort"] if section.has_kinds else [KEY_COLUMN]
            for _, row in _rows(book[title], title, name, headers, required):
                if KEY_COLUMN not in row:
                    any_place = next(iter(row.values()))[1]
                    raise builder.error(
                        any_place,
                        f"a row of {title!r} has no sleutel",
                        "Give every row a key in the column sleutel",
                    )
                key, place = row[KEY_COLUMN]
                iri = row.get("iri")
                node = builder.declare(section, key.strip(), iri[0].strip() if iri else None, place)
                found.append((section, node, row, place))
        for section, node, row, place in found:
            kind_cell = row.get("soort")
            kind = builder.kind(
                section, kind_cell[0] if kind_cell else None, kind_cell[1] if kind_cell else place
            )
            builder.add(
                node, RDF_TYPE, ox.NamedNode(kind.type), kind_cell[1] if kind_cell else place
            )
            for column in _columns(section):
                cell = row.get(column.header)
                if cell is None or column.field is None:
                    continue
                text, at = cell[0].strip(), cell[1]
                f = column.field
                if f.value in ("text", "boolean"):
                    builder.add(
                        node, f.predicate, builder.field_value(f, text, at, lang=column.lang), at
                    )
                else:
                    for part in SEPARATORS.split(text):
                        if part:
                            builder.add(node, f.predicate, builder.field_value(f, part, at), at)
        blocks_field = next(f for f in section_named("ketens").fields if f.name == _BLOCKS_FIELD)
        title = titles[_BLOCKS.lower()]
        for _, row in _rows(
            book[title], title, name, ["keten", "bouwsteen"], ["keten", "bouwsteen"]
        ):
            if set(row) != {"keten", "bouwsteen"}:
                raise builder.error(
                    next(iter(row.values()))[1],
                    "a row of Bouwstenen lacks keten or bouwsteen",
                    "Fill in both cells",
                )
            chain = builder.ref(row["keten"][0], row["keten"][1], what="the chain")
            builder.add(
                chain,
                blocks_field.predicate,
                builder.field_value(blocks_field, row["bouwsteen"][0], row["bouwsteen"][1]),
                row["bouwsteen"][1],
            )
        title = titles[_ESCALATIONS.lower()]
        for _, row in _rows(book[title], title, name, ["van", "naar"], ["van", "naar"]):
            if set(row) != {"van", "naar"}:
                raise builder.error(
                    next(iter(row.values()))[1],
                    "an escalation step lacks van or naar",
                    "Fill in both cells: who escalates, and to whom",
                )
            source = builder.ref(row["van"][0], row["van"][1])
            builder.add(
                source, ESCALATES_TO, builder.ref(row["naar"][0], row["naar"][1]), row["naar"][1]
            )
        title = titles[_OTHER.lower()]
        for _, row in _rows(
            book[title], title, name, list(_OTHER_COLUMNS), ["onderwerp", "eigenschap", "waarde"]
        ):
            if not {"onderwerp", "eigenschap", "waarde"} <= set(row):
                raise builder.error(
                    next(iter(row.values()))[1],
                    "a row of Overig lacks onderwerp, eigenschap or waarde",
                    "Fill in the three cells",
                )
            subject = builder.subject(*row["onderwerp"])
            predicate = builder.predicate(*row["eigenschap"])
            text, at = row["waarde"]
            sort = row.get("soort", ("tekst", at))[0].strip().lower()
            if sort == "n-triples":
                value = _from_ntriples(builder, text, at)
            else:
                value = builder.generic(
                    sort,
                    text,
                    at,
                    lang=_stripped(row.get("taal")),
                    datatype=_stripped(row.get("datatype")),
                )
            builder.add(subject, predicate, value, at)
    finally:
        book.close()
    return builder.quads, builder.places


def _stripped(cell: tuple[str, Place] | None) -> str | None:
    return cell[0].strip() if cell else None


def _from_ntriples(builder: Builder, text: str, place: Place) -> Term:
    try:
        quad = next(iter(ox.parse(f"<x:s> <x:p> {text} .".encode(), format=ox.RdfFormat.N_TRIPLES)))
    except (SyntaxError, StopIteration):
        raise builder.error(
            place,
            f"{text!r} is not a value in N-Triples syntax",
            "Write the value as N-Triples, or choose soort tekst",
        ) from None
    found: Term = quad.object
    return found
