"""Loading RDF: every format, precise error positions, format choice, file search."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given
from hypothesis import strategies as st
from rdflib import BNode, Dataset, Graph, URIRef
from rdflib import Literal as RDFLiteral
from rdflib.compare import isomorphic

from ketenontologie import (
    InputError,
    InputNotFoundError,
    RDFSyntaxError,
    RemoteContextError,
    UnknownFormatError,
    find_rdf_files,
    load_dataset,
    load_graph,
    parse_quads,
)
from ketenontologie.loading import RDF_EXTENSIONS, format_for

LOADING = Path(__file__).resolve().parent / "fixtures" / "loading"
VALID = sorted((LOADING / "valid").iterdir())
BROKEN_EXPECTED: dict[str, dict[str, object]] = json.loads(
    (LOADING / "broken" / "expected.json").read_text("utf-8")
)
BROKEN = sorted(LOADING / "broken" / name for name in BROKEN_EXPECTED)
REFERENCE = LOADING / "valid" / "chain.ttl"
CHAIN = URIRef("https://w3id.org/ketenontologie/id/keten/voorbeeld")
CHAIN_DEF = "https://w3id.org/ketenontologie/def#"
RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")


def _names(paths: list[Path]) -> list[str]:
    return [path.name for path in paths]


# --- valid files -------------------------------------------------------------------------------


def test_every_format_has_a_valid_fixture() -> None:
    assert {format_for(path) for path in VALID} == set(RDF_EXTENSIONS.values())


@pytest.mark.parametrize("path", VALID, ids=_names(VALID))
def test_each_format_loads_the_same_graph(path: Path) -> None:
    # rdflib's own Turtle parser is the reference: same terms, same literal forms.
    reference = Graph().parse(REFERENCE, format="turtle")
    graph = load_graph(path)
    assert len(graph) == len(reference) == 10
    assert isomorphic(graph, reference)


def test_literals_become_the_rdflib_terms_rdflib_itself_makes() -> None:
    graph = load_graph(REFERENCE)
    labels = set(graph.objects(CHAIN, RDFS_LABEL))
    assert labels == {
        RDFLiteral("Voorbeeldketen", lang="nl"),
        RDFLiteral("Example chain", lang="en"),
    }
    plain = graph.value(URIRef("https://w3id.org/ketenontologie/id/organisatie/a"), RDFS_LABEL)
    assert plain == RDFLiteral("Organisatie A")
    assert plain.datatype is None
    power = graph.value(
        URIRef("https://w3id.org/ketenontologie/id/rol/ketenmanager"),
        URIRef("https://w3id.org/ketenontologie/def#hasOverridingPower"),
    )
    assert isinstance(power, RDFLiteral)
    assert power.toPython() is True


@given(st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40))
def test_any_string_literal_survives_loading(text: str) -> None:
    literal = RDFLiteral(text)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "literal.ttl"
        path.write_text(f"<https://example.org/s> <https://example.org/p> {literal.n3()} .\n")
        graph = load_graph(path)
    assert list(graph.objects()) == [literal]


def test_blank_nodes_of_different_files_stay_apart(tmp_path: Path) -> None:
    copy = tmp_path / "copy.nt"
    shutil.copy(LOADING / "valid" / "chain.nt", copy)
    graph = load_graph([LOADING / "valid" / "chain.nt", copy])
    bureaus = set(graph.objects(CHAIN, URIRef(f"{CHAIN_DEF}hasBureau")))
    assert len(bureaus) == 2
    assert all(isinstance(bureau, BNode) for bureau in bureaus)


# --- broken files ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", BROKEN, ids=_names(BROKEN))
def test_broken_file_reports_file_line_and_column(path: Path) -> None:
    expected = BROKEN_EXPECTED[path.name]
    with pytest.raises(InputError) as caught:
        load_graph(path)
    error = caught.value
    assert error.code == expected["code"]
    assert str(expected["says"]) in str(error)
    assert str(error).startswith(str(path))
    if isinstance(error, RDFSyntaxError):
        assert (error.line, error.column) == (expected["line"], expected["column"])
        if error.column is not None:
            assert str(error).startswith(f"{path}:{error.line}:{error.column}: ")
        elif error.line is not None:
            assert str(error).startswith(f"{path}:{error.line} (column unknown): ")
    position = (
        {"file": str(path), "line": expected["line"], "column": expected["column"]}
        if isinstance(error, RDFSyntaxError)
        else {}
    )
    assert error.to_dict() == {"error": expected["code"], "message": str(error), **position}


def test_remote_jsonld_context_is_refused_without_network(no_network: list[object]) -> None:
    with pytest.raises(RemoteContextError) as caught:
        load_graph(LOADING / "broken" / "remote-context.jsonld")
    assert "https://schema.org/" in str(caught.value)
    assert "never fetched" in str(caught.value)
    assert isinstance(caught.value, InputError)
    assert no_network == []


def test_external_xml_entity_is_never_loaded() -> None:
    with pytest.raises(RDFSyntaxError) as caught:
        load_graph(LOADING / "broken" / "external-entity.rdf")
    assert "root:" not in str(caught.value)  # nothing of /etc/passwd leaks into the message
    assert "DOCTYPE is refused" in str(caught.value)


def test_nothing_is_returned_when_a_later_file_is_broken() -> None:
    paths = [REFERENCE, LOADING / "broken" / "missing-dot.ttl"]
    with pytest.raises(RDFSyntaxError):
        load_graph(paths)
    with pytest.raises(RDFSyntaxError):
        parse_quads(paths)
    with pytest.raises(RDFSyntaxError):
        load_dataset(paths)


@pytest.mark.parametrize(
    ("line", "column", "start"),
    [
        (3, 7, "keten.rdf:3:7: "),
        (3, None, "keten.rdf:3 (column unknown): "),
        (None, None, "keten.rdf (line unknown): "),
    ],
)
def test_syntax_error_message_has_the_agreed_shape(
    line: int | None, column: int | None, start: str
) -> None:
    error = RDFSyntaxError("keten.rdf", line=line, column=column, problem="A dot is expected")
    assert str(error) == (
        f"{start}A dot is expected. Fix the RDF syntax at that position and try again."
    )
    assert error.code == "rdf-syntax"


# --- formats -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.ttl", "turtle"),
        ("a.TTL", "turtle"),
        ("a.trig", "trig"),
        ("a.nt", "n-triples"),
        ("a.nq", "n-quads"),
        ("a.jsonld", "json-ld"),
        ("a.rdf", "rdf-xml"),
        ("a.owl", "rdf-xml"),
    ],
)
def test_format_is_told_by_extension(name: str, expected: str) -> None:
    assert format_for(name) == expected


def test_explicit_format_overrides_extension() -> None:
    text_file = LOADING / "tree" / "sub" / "c.txt"
    assert len(load_graph(text_file, format="n-triples")) == 1
    # And the override really is used: Turtle read as N-Triples fails.
    with pytest.raises(RDFSyntaxError):
        load_graph(REFERENCE, format="n-triples")


def test_unknown_extension_is_an_input_error() -> None:
    with pytest.raises(UnknownFormatError) as caught:
        load_graph(LOADING / "tree" / "sub" / "c.txt")
    assert caught.value.code == "unknown-format"
    assert ".txt" in str(caught.value)
    assert "name the format explicitly" in str(caught.value)


def test_unknown_format_name_is_an_input_error() -> None:
    with pytest.raises(UnknownFormatError, match="'n3' is not a supported RDF format"):
        load_graph(REFERENCE, format="n3")  # type: ignore[arg-type]


# --- finding files -----------------------------------------------------------------------------


def test_missing_file_is_an_input_error() -> None:
    with pytest.raises(InputNotFoundError) as caught:
        load_graph(LOADING / "no-such-file.ttl")
    assert caught.value.code == "input-not-found"
    assert "no-such-file.ttl: no such file or directory" in str(caught.value)


def test_empty_path_is_an_input_error() -> None:
    with pytest.raises(InputError, match="empty path"):
        find_rdf_files([""])


def test_directory_is_searched_recursively_for_rdf_files() -> None:
    tree = LOADING / "tree"
    assert find_rdf_files(tree) == [tree / "a.ttl", tree / "sub" / "b.nt"]
    assert len(load_graph(tree)) == 2


def test_directory_without_rdf_files_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "readme.txt").write_text("no RDF here")
    with pytest.raises(InputNotFoundError, match="holds no RDF files"):
        find_rdf_files(tmp_path)


def test_files_are_kept_in_order_and_only_once() -> None:
    tree = LOADING / "tree"
    again = tree / "sub" / ".." / "a.ttl"  # the same file, spelled differently
    found = find_rdf_files([tree / "sub" / "b.nt", tree, tree / "a.ttl", again])
    assert found == [tree / "sub" / "b.nt", tree / "a.ttl"]


# --- datasets and quads ------------------------------------------------------------------------


def test_dataset_has_one_named_graph_per_file() -> None:
    turtle, trig = LOADING / "valid" / "chain.ttl", LOADING / "valid" / "chain.trig"
    dataset = load_dataset([turtle, trig], graph_names={turtle: "https://example.org/graph/ttl"})
    assert isinstance(dataset, Dataset)
    names = {str(graph.identifier): len(graph) for graph in dataset.graphs() if len(graph)}
    assert names == {
        "https://example.org/graph/ttl": 10,
        trig.resolve().as_uri(): 6,  # the TriG file's default graph
        "https://example.org/graph/rollen": 4,  # a named graph in the TriG file keeps its name
    }


def test_quads_keep_their_graphs_or_go_into_one_per_file() -> None:
    turtle = LOADING / "valid" / "chain.ttl"
    as_written = parse_quads(turtle)
    assert len(as_written) == 10
    assert all(isinstance(quad.graph_name, ox.DefaultGraph) for quad in as_written)
    per_file = parse_quads(turtle, graphs="per-file")
    assert {quad.graph_name for quad in per_file} == {ox.NamedNode(turtle.resolve().as_uri())}
