"""``ketenontologie publish dist``: every release file parses, the version IRI is stamped, and
the static documentation has a section for every term and a page for every concept."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import html5lib
import pytest
from rdflib import Graph, URIRef

from ketenontologie import __version__, load_graph
from ketenontologie.namespaces import BASE, DEF, KETEN, OWL
from ketenontologie.publication.dist import ARTEFACTS, build_dist, concept_pages, version_iri
from ketenontologie.publication.formats import RDF_FORMATS
from ketenontologie.publication.words import LANGUAGES
from ketenontologie.resources import ontology_files

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    build_dist(out)
    return out


@pytest.mark.parametrize("stem", ARTEFACTS)
@pytest.mark.parametrize("fmt", RDF_FORMATS, ids=lambda fmt: fmt.extension)
def test_every_release_file_parses(dist: Path, stem: str, fmt: object) -> None:
    extension = fmt.extension  # type: ignore[attr-defined]
    graph = Graph().parse(dist / f"{stem}.{extension}", format=fmt.rdflib_format)  # type: ignore[attr-defined]
    assert len(graph) > (20 if stem == "mappings" else 50)  # the mappings are a short list


def test_the_version_iri_is_stamped_from_the_project_version(dist: Path) -> None:
    for fmt in RDF_FORMATS:
        graph = Graph().parse(dist / f"ketenontologie.{fmt.extension}", format=fmt.rdflib_format)
        header = URIRef(DEF)
        assert list(graph.objects(header, OWL.versionIRI)) == [URIRef(f"{DEF}/{__version__}")]
        assert [str(v) for v in graph.objects(header, OWL.versionInfo)] == [__version__]
    assert version_iri("9.9.9") == f"{DEF}/9.9.9"


def test_a_given_version_is_stamped(tmp_path: Path) -> None:
    build_dist(tmp_path, version="2.0.0")
    graph = Graph().parse(tmp_path / "ketenontologie.ttl")
    assert graph.value(URIRef(DEF), OWL.versionIRI) == URIRef(f"{DEF}/2.0.0")


def test_the_html_has_every_term_and_every_concept(dist: Path) -> None:
    files = {path.stem: path for path in ontology_files()}
    ontology = load_graph(files["ketenontologie"])
    terms = {
        str(s)[len(str(KETEN)) :] for s in ontology.subjects() if str(s).startswith(str(KETEN))
    }
    pages = concept_pages(load_graph(files["begrippenkader"]))
    assert len(pages) > 30
    for lang in LANGUAGES:
        root = dist / "html" if lang == "nl" else dist / "html" / lang
        index = (root / "index.html").read_text(encoding="utf-8")
        for term in terms:
            assert f'id="{term}"' in index, (lang, term)
        for page, iri in pages.items():
            html = (root / page).read_text(encoding="utf-8")
            assert str(iri) in html
            html5lib.HTMLParser(strict=True).parse(html)
        html5lib.HTMLParser(strict=True).parse(index)
        assert f'<html lang="{lang}">' in index
    assert (dist / "html" / "ketenontologie.css").is_file()
    assert (dist / "html" / "shapes.html").read_text(encoding="utf-8").count('id="KS-R') >= 18


def test_static_links_point_at_files_that_exist(dist: Path) -> None:
    import re

    html_root = dist / "html"
    for page in html_root.rglob("*.html"):
        for href in re.findall(r'href="([^"#]+)', page.read_text(encoding="utf-8")):
            if href.startswith(("http://", "https://")):
                continue
            assert (page.parent / href).resolve().is_file(), (page, href)
    assert not any(BASE + "/doc/" in p.read_text() for p in html_root.rglob("*.html"))


def test_the_command_writes_the_same_files(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, "-m", "ketenontologie", "publish", "dist", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "files written" in done.stdout
    assert (tmp_path / "ketenontologie.jsonld").is_file()
    assert (tmp_path / "html" / "en" / "doc" / "pijler" / "P1.html").is_file()


# --- the wheel -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package built as a wheel (hatch_build.py included) and unpacked as site-packages."""
    import zipfile

    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            f"from hatchling.build import build_wheel; build_wheel({str(out)!r})",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    (built,) = out.glob("ketenontologie-*.whl")
    site = out / "site-packages"
    with zipfile.ZipFile(built) as archive:
        archive.extractall(site)
    return site


@pytest.mark.slow
def test_the_wheel_ships_the_compiled_tables_and_validates_without_making_them(
    wheel: Path, tmp_path: Path
) -> None:
    compiled = sorted(
        p.name.split("-")[0] for p in (wheel / "ketenontologie").glob("_resources/compiled/*")
    )
    assert compiled == ["described", "rules", "shapes"]
    # A fresh machine: an empty cache, the package from the wheel alone (no checkout around it).
    cache = tmp_path / "cache"
    env = {**os.environ, "PYTHONPATH": str(wheel), "KETENONTOLOGIE_CACHE_DIR": str(cache)}
    design = ROOT / "tests" / "designs" / "invalid" / "KS-R05-ketenmanager-buiten-bestuur.ttl"
    command = [sys.executable, "-m", "ketenontologie", "validate", "--format", "json", str(design)]
    done = subprocess.run(
        command, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert not cache.exists() or not any(cache.iterdir()), "the wheel's tables were not used"
    checkout = subprocess.run(
        command,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert done.stdout == checkout.stdout


def test_the_build_compiles_with_the_locked_owlrl_rdflib_and_pyoxigraph() -> None:
    """The shipped rules are keyed by owlrl's version: the build must use the one installed."""
    import re
    import tomllib

    requires = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["build-system"]
    pins = dict(r.split("==") for r in requires["requires"] if "==" in r)
    lock = (ROOT / "requirements.lock").read_text("utf-8")
    locked = dict(re.findall(r"^([a-z0-9_.-]+)==(\S+)", lock, re.MULTILINE))
    assert set(pins) == {"owlrl", "pyoxigraph", "rdflib"}
    assert {name: locked[name] for name in pins} == pins
