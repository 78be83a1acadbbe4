"""Shared helpers for the tests of designs written by hand: the example designs, isomorphism,
and the ArchiMate fixtures and schemas in ../shared (used in place, never copied)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
import pytest

from shared_files import shared

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(ROOT.joinpath("data").glob("*.ttl")) + sorted(
    ROOT.joinpath("tests", "designs").rglob("*.ttl")
)
"""Every example design of the project (and the organisation's own shapes: a graph too)."""


def canonical(quads: Iterable[ox.Quad | ox.Triple]) -> set[ox.Quad]:
    """The statements with blank nodes labelled canonically: equal sets are isomorphic graphs."""
    dataset = ox.Dataset(ox.Quad(q.subject, q.predicate, q.object) for q in quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return set(dataset)


@pytest.fixture(scope="session")
def archimate_schema() -> object:
    """The Open Group's exchange-format schema, read offline (Dublin Core and xml: mapped)."""
    import xmlschema

    xsd = shared("fixtures", "archimate", "xsd", what="the ArchiMate schemas")
    return xmlschema.XMLSchema(
        str(xsd / "archimate3_Diagram.xsd"),
        locations=[
            ("http://purl.org/dc/elements/1.1/", str(xsd / "dc.xsd")),
            ("http://www.w3.org/XML/1998/namespace", str(xsd / "xml.xsd")),
        ],
        allow="local",  # never remote: the schemas they import are mapped to these files
    )


@pytest.fixture(scope="session")
def archisurance() -> bytes:
    return shared(
        "fixtures", "archimate", "archisurance.xml", what="the ArchiMate fixture"
    ).read_bytes()
