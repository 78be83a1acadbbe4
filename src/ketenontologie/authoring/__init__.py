"""Chain designs written where architects work: YAML, a spreadsheet and ArchiMate.

Each format is read into pyoxigraph quads together with a :class:`~.sourcemap.SourceMap` (which
YAML line and column, which sheet and cell, which ArchiMate element wrote which subject and
statement), and written back from quads. The formats share one model of a design
(:mod:`.model`): entries by kind with fixed fields, and a general part for every other statement.
Turtle stays the canonical form; :mod:`ketenontologie.convert` converts between all of them.

Modules: :mod:`.vocabulary` (kinds, fields and concepts read from the ontology), :mod:`.model`
(quads to a design and back), :mod:`.yaml`, :mod:`.spreadsheet`, :mod:`.archimate`,
:mod:`.schema` (the JSON Schema for editors) and :mod:`.sourcemap`.
"""

from __future__ import annotations

__all__ = ["XLSX_MEDIA_TYPE"]

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
"""The media type of a workbook (:mod:`.spreadsheet`), here so that the table of formats in
:mod:`ketenontologie.loading` names it without loading the workbook reader."""
