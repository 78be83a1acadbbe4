"""Shared helpers for the tests of designs written by hand: the example designs, isomorphism,
and the ArchiMate fixtures and schemas in ../shared (used in place, never copied)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
import pytest

ROOT = Path(__file__).resolve().parents[2]
ARCHIMATE = ROOT.parent / "shared" / "fixtures" / "archimate"
XSD = ARCHIMATE / "xsd"
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
    xmlschema = pytest.importorskip("xmlschema")
    if not XSD.is_dir():
        pytest.skip(f"the ArchiMate schemas are not at {XSD}")
    return xmlschema.XMLSchema(
        str(XSD / "archimate3_Diagram.xsd"),
        locations=[
            ("http://purl.org/dc/elements/1.1/", str(XSD / "dc.xsd")),
            ("http://www.w3.org/XML/1998/namespace", str(XSD / "xml.xsd")),
        ],
        allow="local",  # never remote: the schemas they import are mapped to these files
    )


@pytest.fixture(scope="session")
def archisurance() -> bytes:
    path = ARCHIMATE / "archisurance.xml"
    if not path.is_file():
        pytest.skip(f"the ArchiMate fixture is not at {path}")
    return path.read_bytes()
