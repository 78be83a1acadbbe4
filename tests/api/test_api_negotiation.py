"""The one content negotiation, in process: result formats, documents, the report, languages and
which errors get a page."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ketenontologie.api.negotiation import (
    choose,
    choose_document,
    choose_language,
    choose_report,
    parse_accept,
    prefers_html,
)
from ketenontologie.errors import BadRequestError, ConflictingFormatError, NotAcceptableError
from ketenontologie.publication.formats import GRAPH_FORMATS, HTML, split_extension

SRC = Path(__file__).resolve().parents[2] / "src" / "ketenontologie"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


def test_parse_accept_reads_q_values_and_tolerates_junk() -> None:
    assert parse_accept("Text/CSV;q=0.5, */*;q=bad, *, text/turtle;q=7") == [
        ("text/csv", 0.5),
        ("*/*", 0.0),
        ("*/*", 1.0),
        ("text/turtle", 1.0),
    ]


# --- query results ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "kind", "expected"),
    [
        (None, "solutions", "json"),
        ("*/*", "solutions", "json"),
        ("application/json", "solutions", "json"),
        ("application/xml", "solutions", "xml"),
        ("text/csv;q=0.5, application/sparql-results+xml", "solutions", "xml"),
        ("*/*", "graph", "turtle"),
        ("application/json", "graph", "jsonld"),
        ("text/plain", "graph", "ntriples"),
        ("application/xml;q=0.9, application/rdf+xml;q=0.1, text/turtle;q=0.5", "graph", "turtle"),
        ("text/csv", "boolean", "csv"),
    ],
)
def test_a_result_format_by_accept(accept: str | None, kind: str, expected: str) -> None:
    assert choose(accept, kind=kind, format=None).name == expected  # type: ignore[arg-type]


def test_the_most_specific_range_gives_the_quality() -> None:
    # text/csv is refused outright although text/* is welcome.
    chosen = choose("text/csv;q=0, text/tab-separated-values;q=0.4, text/*;q=0.3", kind="solutions")
    assert chosen.name == "tsv"


# What SPARQLWrapper, Virtuoso and Fuseki send as format= or output= (SPARQLWrapper sends a second
# value, the media type or an empty one, for TSV, JSON-LD and RDF/XML).
SPARQLWRAPPER = {
    "json": ["json"],
    "xml": ["xml"],
    "turtle": ["turtle"],
    "n3": ["n3"],
    "rdf": ["rdf"],
    "rdf+xml": ["rdf+xml", "application/rdf+xml"],
    "csv": ["csv"],
    "tsv": ["tsv", "text/tab-separated-values"],
    "json-ld": ["json-ld", "application/ld+json"],
}


@pytest.mark.parametrize(
    ("values", "kind", "expected"),
    [
        *[
            (v, "solutions", e)
            for v, e in zip(
                SPARQLWRAPPER.values(),
                ["json", "xml", None, None, None, None, "csv", "tsv", None],
                strict=True,
            )
        ],
        *[
            (v, "boolean", e)
            for v, e in zip(
                SPARQLWRAPPER.values(),
                ["json", "xml", None, None, None, None, "csv", "tsv", None],
                strict=True,
            )
        ],
        *[
            (v, "graph", e)
            for v, e in zip(
                SPARQLWRAPPER.values(),
                ["jsonld", "rdfxml", "turtle", "turtle", "rdfxml", "rdfxml", None, None, "jsonld"],
                strict=True,
            )
        ],
        (["json-ld", ""], "solutions", None),  # SPARQLWrapper's JSONLD on a SELECT
        (["application/sparql-results+json"], "solutions", "json"),  # Virtuoso: a media type
        (["text/rdf+n3"], "graph", "turtle"),
        (["application/x-json+ld"], "graph", "jsonld"),
        (["text/plain"], "graph", "ntriples"),
        (["ttl"], "graph", "turtle"),
        (["nt"], "graph", "ntriples"),
        (["TSV"], "solutions", "tsv"),
        (["text/csv; charset=utf-8"], "solutions", "csv"),
        (["text/html"], "solutions", None),  # Virtuoso's page: not offered here
        (["jsn"], "solutions", None),  # names nothing: Accept decides
        (["csv", "turtle"], "solutions", "csv"),  # one for tables, one for graphs
        (["csv", "turtle"], "graph", "turtle"),
        (["xml", "application/sparql-results+xml", "srx"], "solutions", "xml"),
    ],
)
def test_format_and_output_values_of_the_clients(
    values: list[str], kind: str, expected: str | None
) -> None:
    """A value that can carry the result wins over Accept; any other is passed over, and Accept
    (here ``*/*``) decides: a parameter never makes a 406."""
    chosen = choose("*/*", kind=kind, format=values)  # type: ignore[arg-type]
    default = choose("*/*", kind=kind)  # type: ignore[arg-type]
    assert chosen.name == (expected or default.name)


def test_a_format_that_cannot_carry_the_result_leaves_it_to_accept() -> None:
    assert choose("text/csv", kind="solutions", format="xml").name == "xml"
    assert choose(None, kind="graph", format="text/turtle").name == "turtle"
    assert choose(None, kind="graph", format="csv").name == "turtle"
    assert choose("application/rdf+xml", kind="graph", format="json-ld").name == "jsonld"
    assert choose("application/rdf+xml", kind="graph", format="tsv").name == "rdfxml"
    with pytest.raises(NotAcceptableError, match="format/output 'csv'") as refused:
        choose("image/png", kind="graph", format="csv")
    assert "geen gevraagd formaat" in str(refused.value)
    with pytest.raises(NotAcceptableError, match="format="):
        choose("image/png", kind="solutions")


@pytest.mark.parametrize(
    "values",
    [["json", "xml"], ["csv", "tsv"], ["json", "application/sparql-results+xml"]],
)
def test_two_different_formats_are_refused_whatever_their_order(values: list[str]) -> None:
    for order in (values, values[::-1]):
        with pytest.raises(ConflictingFormatError, match="format en output") as refused:
            choose("*/*", kind="solutions", format=order)
        assert refused.value.code == "conflicting-format"
        assert all(repr(value) in str(refused.value) for value in values)


# --- media types, wildcards and q-values -------------------------------------------------------

# Every offer of the one negotiation, by what is chosen from it; "406" where nothing will do.
# A type/* range matches an offer by the media type it is sent as, never by an alias:
# application/* is not HTML (text/html), text/* is not SPARQL XML (application/...+xml) although
# text/xml names it exactly. The q of the most specific matching range counts (RFC 9110, 12.5.1).
WILDCARDS = [
    # documents: html, turtle, jsonld, rdfxml, ntriples
    ("document", "*/*", "html"),
    ("document", "application/*", "jsonld"),
    ("document", "application/*, text/html;q=0.1", "jsonld"),
    ("document", "text/*", "html"),
    ("document", "text/*, text/html;q=0", "turtle"),
    ("document", "text/*;q=0.5, application/*", "jsonld"),
    ("document", "application/*;q=0.5, text/turtle", "turtle"),
    ("document", "application/*, application/ld+json;q=0", "rdfxml"),
    ("document", "*/*;q=0.1, application/*;q=0.5, text/turtle;q=0.3", "jsonld"),
    ("document", "*/*, application/*;q=0", "html"),
    ("document", "*/*;q=0, text/turtle;q=0.2", "turtle"),
    ("document", "image/*", "406"),
    # SELECT: json, xml, csv, tsv
    ("solutions", "*/*", "json"),
    ("solutions", "text/*", "csv"),
    ("solutions", "text/*, text/csv;q=0.5", "tsv"),
    ("solutions", "text/*;q=0.9, application/xml", "xml"),
    ("solutions", "text/*;q=0.9, text/xml", "xml"),
    ("solutions", "application/*", "json"),
    ("solutions", "application/*;q=0.5, text/*", "csv"),
    ("solutions", "application/*, application/sparql-results+json;q=0", "xml"),
    ("solutions", "*/*;q=0.2, text/tab-separated-values;q=0.3", "tsv"),
    ("solutions", "image/*", "406"),
    # ASK: json, xml, csv, tsv
    ("boolean", "text/*", "csv"),
    ("boolean", "application/*;q=0.1, text/*;q=0.2", "csv"),
    ("boolean", "application/*", "json"),
    # CONSTRUCT and DESCRIBE: turtle, ntriples, jsonld, rdfxml
    ("graph", "*/*", "turtle"),
    ("graph", "text/*", "turtle"),
    ("graph", "text/*, text/turtle;q=0", "406"),  # text/plain is an alias of N-Triples
    ("graph", "application/*", "ntriples"),
    ("graph", "application/*, application/n-triples;q=0.2", "jsonld"),
    ("graph", "text/*;q=0.5, application/*", "ntriples"),
    ("graph", "application/*;q=0.5, text/plain", "ntriples"),
    ("graph", "application/*;q=0.9, text/turtle;q=0.8", "ntriples"),
    ("graph", "*/*;q=0.1, application/ld+json;q=0.2", "jsonld"),
]


@pytest.mark.parametrize(("offer", "accept", "expected"), WILDCARDS)
def test_wildcards_and_q_values(offer: str, accept: str, expected: str) -> None:
    def chosen() -> str:
        if offer == "document":
            return choose_document(accept).name
        return choose(accept, kind=offer).name  # type: ignore[arg-type]

    if expected == "406":
        with pytest.raises(NotAcceptableError):
            chosen()
    else:
        assert chosen() == expected


# --- documents --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "html"),
        ("", "html"),
        ("*/*", "html"),
        (BROWSER, "html"),
        ("text/turtle", "turtle"),
        ("application/ld+json", "jsonld"),
        ("application/rdf+xml", "rdfxml"),
        ("application/n-triples", "ntriples"),
        ("text/turtle;q=0.5, application/ld+json;q=0.9", "jsonld"),
        ("text/html;q=0, */*", "turtle"),
        ("text/*;q=0.3, application/rdf+xml;q=0.4", "rdfxml"),
        ("application/xml", "rdfxml"),
        ("text/plain", "ntriples"),
        ("application/json", "jsonld"),
        ("text/turtle;q=oops, application/n-triples;q=0.1", "ntriples"),
    ],
)
def test_a_document_format_by_accept_with_q_values(accept: str | None, expected: str) -> None:
    assert choose_document(accept).name == expected


def test_nothing_acceptable_is_refused_with_the_offer() -> None:
    with pytest.raises(NotAcceptableError, match="text/turtle"):
        choose_document("image/png")


def test_a_graph_is_offered_with_its_name_too() -> None:
    assert choose_document("application/trig", formats=GRAPH_FORMATS).is_dataset
    assert choose_document("application/n-quads", formats=GRAPH_FORMATS).extension == "nq"
    assert choose_document("*/*", formats=GRAPH_FORMATS) is HTML
    with pytest.raises(NotAcceptableError):
        choose_document("application/trig")  # documents have no graph name to keep


def test_an_extension_wins_over_accept() -> None:
    _, fmt = split_extension("P1.nt")
    assert choose_document("text/html", extension=fmt).name == "ntriples"
    _, trig = split_extension("x.trig")
    assert trig is None  # a document has no TriG file


# --- the validation report --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "json"),
        ("*/*", "json"),
        ("text/turtle;q=0.5, application/json", "json"),
        ("text/turtle", "turtle"),
        ("application/x-turtle", "turtle"),
        ("text/*", "turtle"),
        ("application/*", "json"),
    ],
)
def test_the_report_is_json_unless_turtle_is_preferred(accept: str | None, expected: str) -> None:
    assert choose_report(accept) == expected


def test_a_report_nobody_takes_is_refused() -> None:
    with pytest.raises(NotAcceptableError, match="takes neither"):
        choose_report("image/png")


# --- languages --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "header", "expected"),
    [
        (None, None, "nl"),
        (None, "en-GB,en;q=0.9", "en"),
        (None, "de, en;q=0.3, nl;q=0.2", "en"),
        (None, "en;q=0.2, nl-BE;q=0.8", "nl"),
        (None, "en;q=0.5, nl;q=0.5", "en"),
        (None, "fr", "nl"),
        (None, "*", "nl"),
        ("en", "nl", "en"),
        ("nl", "en", "nl"),
        (" EN ", None, "en"),
        ("fr", "en", "en"),
        ("", "en", "en"),
    ],
)
def test_language_by_parameter_then_header(
    lang: str | None, header: str | None, expected: str
) -> None:
    assert choose_language(lang, header) == expected


@pytest.mark.parametrize("lang", ["fr", ""])
def test_a_language_we_do_not_have_can_be_refused(lang: str) -> None:
    with pytest.raises(BadRequestError, match="lang=nl or lang=en"):
        choose_language(lang, "en", unknown="refuse")
    assert choose_language(None, "en", unknown="refuse") == "en"


# --- pages for errors -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "page"),
    [
        (BROWSER, True),
        ("text/html", True),
        ("application/xhtml+xml, application/json;q=0.9", True),
        (None, False),
        ("", False),
        ("*/*", False),
        ("text/*", False),
        ("application/json", False),
        ("text/html;q=0.5, */*", False),
        ("text/html;q=0.9, text/turtle", False),
        ("text/html;q=0, */*", False),
    ],
)
def test_an_error_is_a_page_only_for_clients_that_name_html_first(
    accept: str | None, page: bool
) -> None:
    assert prefers_html(accept) is page


# --- one reading of Accept --------------------------------------------------------------------


def test_accept_is_read_in_the_negotiation_module_only() -> None:
    """No other module reads ``Accept`` or ``Accept-Language`` with q-values of its own: the
    routes call :mod:`ketenontologie.api.negotiation`, the library offers formats only."""
    readers = []
    for path in sorted(SRC.rglob("*.py")):
        if path == SRC / "api" / "negotiation.py":
            continue
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value in ("q", "q="):
                readers.append(f"{path.relative_to(SRC)}:{node.lineno}")
            if isinstance(node, ast.FunctionDef) and "accept" in node.name.lower():
                readers.append(f"{path.relative_to(SRC)}:{node.lineno} {node.name}")
    assert not readers
