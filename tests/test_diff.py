"""``ketenontologie diff`` and :mod:`ketenontologie.changes`: what changed, in governance terms.

The versions of one fictional design in ``tests/fixtures/diff/rivierstad/`` each bring a known
set of changes, listed beside them in ``vN.expected.json`` (the changes from ``v(N-1)``): one
row per change, ``[kind, subject, before, after]``, IRIs in short form (``rol:…``) and blank
nodes as ``_:x``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib.compare import isomorphic

from ketenontologie.changes import (
    KINDS,
    Comparison,
    Design,
    apply_patch,
    canonical_triples,
    compare,
    read_design,
    read_revision,
    render,
    write_patch,
)
from ketenontologie.changes.canonical import triple_text
from ketenontologie.changes.render import short
from ketenontologie.cli import main
from ketenontologie.errors import GitRevisionError, InputError
from ketenontologie.terms import to_rdflib_graph

ROOT = Path(__file__).resolve().parents[1]
VERSIONS = ROOT / "tests" / "fixtures" / "diff" / "rivierstad"
EXPECTED = sorted(VERSIONS.glob("v*.expected.json"))
KETEN = "https://w3id.org/ketenontologie/def#"
ID = "https://w3id.org/ketenontologie/id/"
ROL = f"{ID}rol/"
DASH = "\N{EN DASH}"  # what reports write for no value


def _version(number: int) -> Path:
    return VERSIONS / f"v{number}.ttl"


@cache
def _design(path: Path) -> Design:
    return read_design(path)


@cache
def _compare(old: Path, new: Path) -> Comparison:
    return compare(_design(old), _design(new))


def _shorten(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, tuple | list):
        return [_shorten(item) for item in value]
    value = re.sub(r"_:\w+", "_:x", value)
    value = re.sub(r"<([^>]+)>", lambda m: short(m[1]) if short(m[1]) != m[1] else m[0], value)
    return value if value.startswith(('"', "_:", "<")) or " " in value else short(value)


def _rows(comparison: Comparison) -> list[list[Any]]:
    return [
        [change.kind, _shorten(change.subject), _shorten(change.before), _shorten(change.after)]
        for change in comparison.changes
    ]


def _isomorphic(triples: frozenset[ox.Triple], design: Design) -> bool:
    return isomorphic(to_rdflib_graph(triples), to_rdflib_graph(design.quads))


# --- a sequence of versions -------------------------------------------------------------------


@pytest.mark.parametrize("expected", EXPECTED, ids=[p.name for p in EXPECTED])
def test_each_version_brings_exactly_its_changes(expected: Path) -> None:
    number = int(expected.name.removeprefix("v").split(".")[0])
    comparison = _compare(_version(number - 1), _version(number))
    assert _rows(comparison) == json.loads(expected.read_text("utf-8"))


@pytest.mark.parametrize("expected", EXPECTED, ids=[p.name for p in EXPECTED])
def test_every_differing_triple_belongs_to_exactly_one_change(expected: Path) -> None:
    number = int(expected.name.removeprefix("v").split(".")[0])
    comparison = _compare(_version(number - 1), _version(number))
    removed = [line for change in comparison.changes for line in change.removed]
    added = [line for change in comparison.changes for line in change.added]
    assert sorted(removed) == sorted(triple_text(t) for t in comparison.removed)
    assert sorted(added) == sorted(triple_text(t) for t in comparison.added)


PAIRS = [(n - 1, n) for n in range(1, 7)] + [(0, 6), (6, 0), (5, 2)]


@pytest.mark.parametrize(("old", "new"), PAIRS, ids=[f"v{a}-v{b}" for a, b in PAIRS])
def test_the_patch_turns_the_old_version_into_the_new(old: int, new: int) -> None:
    comparison = _compare(_version(old), _version(new))
    patch = render(comparison, "patch")
    patched = apply_patch(_design(_version(old)).quads, patch)
    assert patched == canonical_triples(_design(_version(new)).quads)
    assert _isomorphic(patched, _design(_version(new)))  # checked apart from our own names
    rows = patch.splitlines()
    assert rows[0] == "TX ." and rows[-1] == "TC ."
    assert len(rows) - 2 == len(comparison.removed) + len(comparison.added)


def test_the_sequence_brings_every_kind() -> None:
    seen = {row[0] for path in EXPECTED for row in json.loads(path.read_text("utf-8"))}
    assert set(KINDS) - seen == set()


# --- formatting is no change ------------------------------------------------------------------


def test_the_same_design_written_otherwise_is_no_change() -> None:
    comparison = compare(_design(_version(5)), read_design(VERSIONS / "v5-anders-geschreven.ttl"))
    assert comparison.changes == ()
    assert not comparison.changed
    assert render(comparison, "patch") == "TX .\nTC ."


def test_turtle_and_yaml_of_the_same_design_are_no_change() -> None:
    comparison = compare(_design(_version(0)), read_design(VERSIONS / "v0.yaml"))
    assert comparison.changes == ()
    assert comparison.removed == comparison.added == frozenset()


@pytest.mark.parametrize(
    ("suffix", "rdf_format"),
    [
        (".nt", ox.RdfFormat.N_TRIPLES),
        (".jsonld", ox.RdfFormat.JSON_LD),
        (".rdf", ox.RdfFormat.RDF_XML),
    ],
)
def test_other_serialisations_are_no_change(
    tmp_path: Path, suffix: str, rdf_format: ox.RdfFormat
) -> None:
    quads = [ox.Triple(q.subject, q.predicate, q.object) for q in _design(_version(5)).quads]
    path = tmp_path / f"v5{suffix}"
    path.write_bytes(ox.serialize(quads, format=rdf_format) or b"")
    assert compare(_design(_version(5)), read_design(path)).changes == ()


def test_a_design_split_over_files_is_the_same_design(tmp_path: Path) -> None:
    lines = [line for line in ox.serialize(
        [ox.Triple(q.subject, q.predicate, q.object) for q in _design(_version(4)).quads],
        format=ox.RdfFormat.N_TRIPLES,
    ).decode().splitlines() if line]  # fmt: skip
    (tmp_path / "a.nt").write_text("\n".join(lines[::2]) + "\n")
    (tmp_path / "b.nt").write_text("\n".join(lines[1::2]) + "\n")
    assert compare(_design(_version(4)), read_design(tmp_path)).changes == ()


# --- blank nodes by structure -----------------------------------------------------------------


def _triples(text: str) -> frozenset[ox.Triple]:
    return canonical_triples(ox.parse(text.encode(), format=ox.RdfFormat.TURTLE))


def test_blank_node_labels_do_not_matter() -> None:
    first = _triples("_:a <a:p> _:b . _:b <a:q> _:a . _:a <a:r> 'x' .")
    second = _triples("_:z <a:r> 'x' . _:y <a:q> _:z . _:z <a:p> _:y .")
    assert first == second


def test_blank_nodes_alike_in_structure_stay_apart() -> None:
    triples = _triples("<a:s> <a:p> [ <a:q> 'x' ] , [ <a:q> 'x' ] .")
    assert len(triples) == 4
    assert len({t.object for t in triples if t.predicate.value == "a:p"}) == 2


def test_a_blank_node_keeps_its_name_when_another_changes() -> None:
    before = _triples("<a:s> <a:p> [ <a:q> 'x' ] . <a:t> <a:p> [ <a:q> 'y' ] .")
    after = _triples("<a:s> <a:p> [ <a:q> 'x' ] . <a:t> <a:p> [ <a:q> 'z' ] .")
    assert len(before - after) == len(after - before) == 2  # only the node under <a:t>


def test_a_patch_for_another_version_is_refused() -> None:
    old = _triples("<a:s> <a:p> 'x' .")
    patch = write_patch(old, _triples("<a:s> <a:p> 'y' ."))
    with pytest.raises(InputError, match="deletes a triple"):
        apply_patch(_triples("<a:s> <a:p> 'z' ."), patch)
    with pytest.raises(InputError, match="adds a triple"):
        apply_patch(_triples("<a:s> <a:p> 'x' , 'y' ."), patch)


# --- generated edits --------------------------------------------------------------------------

_BASE = _version(5)
_NODES = [
    ox.NamedNode(ROL + "ketenmanager-rivierstad"),
    ox.NamedNode(ROL + "professional-waterschap-rivierstad"),
    ox.NamedNode(ROL + "teammanager-waterschap-rivierstad"),
    ox.NamedNode("https://w3id.org/ketenontologie/id/orgaan/ketenbestuur-rivierstad"),
    ox.NamedNode("https://w3id.org/ketenontologie/id/keten/proefketen-rivierstad"),
    ox.NamedNode("https://w3id.org/ketenontologie/id/organisatie/nieuw"),
    ox.NamedNode(ROL + "nieuw"),
]
_PREDICATES = [
    ox.NamedNode(KETEN + name)
    for name in ("hasPartner", "escalatesTo", "boardMember", "atLevel", "hasOverridingPower")
] + [
    ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
    ox.NamedNode("http://www.w3.org/ns/org#heldBy"),
    ox.NamedNode("https://example.org/eigen"),
]
_OBJECTS = [
    *_NODES,
    ox.NamedNode("https://w3id.org/ketenontologie/id/niveau/tactisch"),
    ox.Literal("nieuwe naam", language="nl"),
    ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")),
]


@st.composite
def _edits(draw: st.DrawFn) -> tuple[list[ox.Triple], list[ox.Triple]]:
    old = sorted(
        {ox.Triple(q.subject, q.predicate, q.object) for q in _design(_BASE).quads}, key=str
    )
    dropped = set(draw(st.lists(st.sampled_from(old), max_size=6)))
    new = [t for t in old if t not in dropped]
    blank = ox.BlankNode()
    for _ in range(draw(st.integers(0, 5))):
        subject = draw(st.sampled_from([*_NODES, blank]))
        obj = draw(st.sampled_from([*_OBJECTS, blank]))
        new.append(ox.Triple(subject, draw(st.sampled_from(_PREDICATES)), obj))
    return old, new


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(_edits())
def test_generated_edits_patch_exactly_and_drop_nothing(
    edit: tuple[list[ox.Triple], list[ox.Triple]],
) -> None:
    old, new = edit
    comparison = compare(old, new)
    patched = apply_patch(old, render(comparison, "patch"))
    assert isomorphic(to_rdflib_graph(patched), to_rdflib_graph(new))
    accounted = sorted(line for change in comparison.changes for line in change.removed)
    assert accounted == sorted(triple_text(t) for t in comparison.removed)
    accounted = sorted(line for change in comparison.changes for line in change.added)
    assert accounted == sorted(triple_text(t) for t in comparison.added)
    assert set(json.loads(render(comparison, "json"))) == {"changes", "summary"}


# --- the command line -------------------------------------------------------------------------


def test_json_has_the_contract_keys(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["diff", str(_version(2)), str(_version(3)), "--format", "json", "--lang", "en"]) == 0
    )
    document = json.loads(capsys.readouterr().out)
    assert set(document) == {"changes", "summary"}
    assert document["summary"]["kinds"]["escalation-added"] == 2
    power = next(c for c in document["changes"] if c["kind"] == "overriding-power-changed")
    assert {"kind", "chain", "subject", "before", "after", "label"} <= set(power)
    assert power["chain"] == "https://w3id.org/ketenontologie/id/keten/proefketen-rivierstad"
    assert power["label"] == "ketenmanager Rivierstad"
    assert power["message"] == "overriding power changed: ketenmanager Rivierstad: no → yes"
    path = next(c for c in document["changes"] if c["kind"] == "escalation-path-changed")
    assert path["after"][-1] == [ROL + "gedeputeerde-rivierstad"]


def test_text_in_dutch_and_english(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(_version(3)), str(_version(4))]) == 0
    dutch = capsys.readouterr().out
    assert "~ escalatiepad gewijzigd: dijkwachter Waterschap Rivierstad" in dutch
    assert "      nu: ketenmanager Rivierstad → ketenbestuur Rivierstad → gedeputeerde" in dutch
    assert (
        f"~ besturingsniveau gewijzigd: ketenbureau Rivierstad: {DASH} → tactisch niveau" in dutch
    )
    assert main(["diff", str(_version(3)), str(_version(4)), "--lang", "en"]) == 0
    english = capsys.readouterr().out
    assert f"~ management level changed: ketenbureau Rivierstad: {DASH} → tactical level" in english
    assert english.rstrip().endswith(
        "5 changes in 1 chain; findings: 0 new (0 violations), 0 fixed."
    )


def test_markdown_for_a_pull_request(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(_version(1)), str(_version(2)), "--format", "markdown"]) == 0
    markdown = capsys.readouterr().out
    assert "### Proefketen Rivierstad (fictief)" in markdown
    assert "| wijziging | onderwerp | was | wordt |" in markdown
    assert f"| orgaan toegevoegd | ketenbureau Rivierstad | {DASH} | ketenbureau |" in markdown
    assert "| ✅ opgelost | KS-R13 | melding | ketenbestuur Rivierstad |" in markdown
    assert "<details><summary>Overige wijzigingen (2 triples)</summary>" in markdown
    assert main(["diff", str(_version(3)), str(_version(4)), "--format", "markdown"]) == 0
    markdown = capsys.readouterr().out
    assert "**Escalatiepaden**" in markdown
    assert "- **dijkwachter Waterschap Rivierstad**" in markdown
    assert "  - nu: ketenmanager Rivierstad → ketenbestuur Rivierstad → gedeputeerde" in markdown


def test_no_changes_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(_version(0)), str(VERSIONS / "v0.yaml"), "--lang", "en"]) == 0
    assert capsys.readouterr().out == "No changes.\n"


def _with_cycle(tmp_path: Path) -> Path:
    text = _version(0).read_text("utf-8") + (
        "\norgaan:ketenbestuur-rivierstad keten:escalatesTo rol:ketenmanager-rivierstad .\n"
    )
    path = tmp_path / "kring.ttl"
    path.write_text(text, "utf-8")
    return path


def test_fail_on_new_violation(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cycle = _with_cycle(tmp_path)
    assert main(["diff", str(_version(0)), str(cycle), "--format", "json"]) == 0
    new = [c for c in json.loads(capsys.readouterr().out)["changes"] if c["kind"] == "finding-new"]
    assert {c["finding"]["severity"] for c in new} >= {"Violation"}
    assert main(["diff", str(_version(0)), str(cycle), "--fail-on", "new-violation"]) == 1
    capsys.readouterr()
    # the violation fixed is no reason to fail, nor are new infos
    assert main(["diff", str(cycle), str(_version(0)), "--fail-on", "new-violation"]) == 0
    assert main(["diff", str(_version(0)), str(_version(1)), "--fail-on", "new-violation"]) == 0


def test_unusable_input_exits_two(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "kapot.ttl"
    broken.write_text("<a:s> <a:p> <a:o>\n<a:t> <a:p> .\n", "utf-8")
    assert main(["diff", str(_version(0)), str(broken)]) == 2
    assert re.search(r"kapot\.ttl:2:\d+: ", capsys.readouterr().err)
    assert main(["diff", str(_version(0))]) == 2
    assert "name OLD and NEW" in capsys.readouterr().err
    assert main(["diff", str(_version(0)), str(tmp_path / "er-niet.ttl")]) == 2


# --- diff --git -------------------------------------------------------------------------------

_GIT_ENV = {
    "GIT_AUTHOR_NAME": "test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def _git(repository: Path, *arguments: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(repository), *arguments],
        capture_output=True,
        check=True,
        env={**os.environ, **_GIT_ENV},
        text=True,
    )
    return done.stdout


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A repository whose last commit holds v0 (and a relative-IRI design); the working tree
    has v3 instead of v0 and a new design."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path / "repo"
    (root / "ontwerpen").mkdir(parents=True)
    _git(root, "init", "-q", "-b", "main")
    shutil.copy(_version(0), root / "ontwerpen" / "rivierstad.ttl")
    (root / "ontwerpen" / "relatief.ttl").write_text(
        "<#keten> a <https://w3id.org/ketenontologie/def#Chain> .\n", "utf-8"
    )
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "v0")
    shutil.copy(_version(3), root / "ontwerpen" / "rivierstad.ttl")
    return root


def test_git_revision_against_the_working_tree(
    repository: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = (repository / "ontwerpen" / "rivierstad.ttl").read_bytes()
    monkeypatch.chdir(repository / "ontwerpen")
    old, new = read_revision("HEAD", ["."])
    assert sorted(s.name for s in old.sources) == [
        "HEAD:ontwerpen/relatief.ttl",
        "HEAD:ontwerpen/rivierstad.ttl",
    ]
    comparison = compare(old, new)
    assert _rows(comparison) == _rows(_compare(_version(0), _version(3)))
    # the working tree is as it was: nothing checked out, nothing written
    assert (repository / "ontwerpen" / "rivierstad.ttl").read_bytes() == before
    assert _git(repository, "status", "--porcelain") == " M ontwerpen/rivierstad.ttl\n"


def test_git_a_design_added_and_one_removed(
    repository: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repository)
    (repository / "ontwerpen" / "relatief.ttl").unlink()
    shutil.copy(ROOT / "tests" / "designs" / "valid" / "kleine-keten.ttl", repository / "nieuw.ttl")
    old, new = read_revision("HEAD", ["ontwerpen", "nieuw.ttl"])
    assert [s.name for s in old.sources] == [
        "HEAD:ontwerpen/relatief.ttl",
        "HEAD:ontwerpen/rivierstad.ttl",
    ]
    assert [s.name for s in new.sources] == ["ontwerpen/rivierstad.ttl", "nieuw.ttl"]
    changes = compare(old, new).changes
    added = {(c.kind, c.chain) for c in changes if c.kind == "partner-added"}
    assert added >= {("partner-added", "https://w3id.org/ketenontologie/id/keten/kleine-keten")}
    gone = [c for c in changes if c.kind == "other" and c.subject.endswith("relatief.ttl#keten")]
    assert len(gone) == 1 and gone[0].after is None  # a chain has no kind of change of its own


def test_git_errors_are_unusable_input(
    repository: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repository)
    with pytest.raises(GitRevisionError, match="no such commit"):
        read_revision("geen-tak", ["ontwerpen"])
    with pytest.raises(GitRevisionError, match="is no revision"):
        read_revision("--output=x", ["ontwerpen"])
    outside = tmp_path / "buiten"
    outside.mkdir()
    monkeypatch.chdir(outside)
    with pytest.raises(GitRevisionError, match="not inside a git repository"):
        read_revision("HEAD", ["."])


def test_diff_git_as_a_real_subprocess(repository: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ketenontologie", "diff", "--git", "HEAD", "--format", "markdown"],
        capture_output=True,
        cwd=repository,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "### Proefketen Rivierstad (fictief)" in done.stdout
    assert "| doorzettingsmacht gewijzigd | ketenmanager Rivierstad | nee | ja |" in done.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "ketenontologie", "diff", "--git", "geen-tak"],
        capture_output=True,
        cwd=repository,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        text=True,
        check=False,
    )
    assert bad.returncode == 2
    assert "geen-tak: the repository has no such commit" in bad.stderr


def test_a_service_compares_stored_triples() -> None:
    """What a service keeps of a version is its triples: compare takes them as they are."""
    old = [ox.Triple(q.subject, q.predicate, q.object) for q in _design(_version(2)).quads]
    new = [ox.Triple(q.subject, q.predicate, q.object) for q in _design(_version(3)).quads]
    assert _rows(compare(old, new)) == _rows(_compare(_version(2), _version(3)))


def test_a_thing_in_two_chains_is_listed_under_the_first(tmp_path: Path) -> None:
    two = ROOT / "tests" / "designs" / "valid" / "twee-ketens-een-minister.ttl"
    text = two.read_text("utf-8").replace("Minister van Gedeelde Zaken", "Minister van Alles")
    step = "  keten:escalatesTo rol:minister-gedeeld ;\n"
    head, _, tail = text.rpartition(step)  # the second chain's manager no longer goes there
    changed = tmp_path / "twee.ttl"
    changed.write_text(head + tail, "utf-8")
    comparison = compare(read_design(two), read_design(changed))
    chains = {change.kind: change.chain for change in comparison.changes}
    first, second = (f"{ID}keten/{which}-keten" for which in ("eerste", "tweede"))
    assert chains["label-changed"] == first  # the minister acts in both chains
    assert chains["escalation-removed"] == second
    assert render(comparison, "markdown", lang="en").count("\n### ") == 2
