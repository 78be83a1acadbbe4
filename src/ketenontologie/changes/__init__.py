"""What changed between two versions of a chain design, in the words of governance.

The stages, one module each: :mod:`~ketenontologie.changes.canonical` (a design as a set of
triples with blank nodes named by their structure; RDF Patch),
:mod:`~ketenontologie.changes.governance` (each version read in the ontology's terms, and the
changes between two), :mod:`~ketenontologie.changes.compare` (:func:`compare`: statements,
governance and validation findings), :mod:`~ketenontologie.changes.git` (the version at a git
revision and the working tree's) and :mod:`~ketenontologie.changes.render` (text, JSON,
Markdown, RDF Patch). Reasoning and validation are :mod:`ketenontologie.reasoning`'s and
:mod:`ketenontologie.validation`'s, as everywhere in the project.

A service compares two stored versions by their triples:

>>> import pyoxigraph as ox
>>> KETEN, ID = "https://w3id.org/ketenontologie/def#", "https://w3id.org/ketenontologie/id/"
>>> chain = ox.NamedNode(ID + "keten/k")
>>> old = [ox.Triple(chain, ox.NamedNode(KETEN + "hasPartner"), ox.NamedNode(ID + "organisatie/a"))]
>>> new = old + [
...     ox.Triple(chain, ox.NamedNode(KETEN + "hasPartner"), ox.NamedNode(ID + "organisatie/b"))
... ]
>>> [(c.kind, c.subject) for c in compare(old, new).changes if c.kind == "partner-added"]
[('partner-added', 'https://w3id.org/ketenontologie/id/organisatie/b')]
"""

from __future__ import annotations

from ketenontologie.changes.canonical import (
    apply_patch,
    canonical_triples,
    read_patch,
    write_patch,
)
from ketenontologie.changes.compare import Design, Version, compare, read_design
from ketenontologie.changes.git import read_revision
from ketenontologie.changes.model import KINDS, Change, Comparison, FailOn, Finding, Kind
from ketenontologie.changes.render import DiffFormat, describe, render, summary_line, to_dict

__all__ = [
    "KINDS",
    "Change",
    "Comparison",
    "Design",
    "DiffFormat",
    "FailOn",
    "Finding",
    "Kind",
    "Version",
    "apply_patch",
    "canonical_triples",
    "compare",
    "describe",
    "read_design",
    "read_patch",
    "read_revision",
    "render",
    "summary_line",
    "to_dict",
    "write_patch",
]
