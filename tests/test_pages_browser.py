"""The pages in a real browser: headless Chromium renders them, dumps the DOM, takes screenshots.

Screenshots and DOM dumps land in ``tests/artifacts/`` (ignored by git) for a person to look at.
Needs Debian's ``chromium`` and ``graphviz``; without them the tests skip, except on CI
(``CI=true``), where a missing tool is a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from api.conftest import Server

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def _require(program: str, package: str) -> str:
    found = shutil.which(program)
    if found:
        return found
    message = f"{program} is not installed (apt-get install -y {package})"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def chromium() -> str:
    _require("dot", "graphviz")
    return shutil.which("chromium-browser") or _require("chromium", "chromium")


@pytest.fixture(scope="module")
def service(oxigraph_server: Server, chromium: str) -> Server:
    """The session's real uvicorn (a browser needs a socket), once Chromium is known to be there."""
    return oxigraph_server


def _browse(chromium: str, url: str, *, screenshot: Path, profile: Path) -> str:
    """Take a screenshot of ``url`` and return the DOM as Chromium built it."""
    flags = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        "--window-size=1280,2400",
    ]
    ARTIFACTS.mkdir(exist_ok=True)
    shot = subprocess.run(
        [*flags, f"--screenshot={screenshot}", url], capture_output=True, timeout=120, check=False
    )
    assert shot.returncode == 0, shot.stderr.decode(errors="replace")[-2000:]
    dom = subprocess.run([*flags, "--dump-dom", url], capture_output=True, timeout=120, check=False)
    assert dom.returncode == 0, dom.stderr.decode(errors="replace")[-2000:]
    text = dom.stdout.decode("utf-8")
    screenshot.with_suffix(".html").write_text(text, encoding="utf-8")
    assert screenshot.read_bytes().startswith(b"\x89PNG")
    return text


class _Reader(HTMLParser):
    """Title, headings, term list entries and diagram node titles of a dumped DOM."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.title = ""
        self.h1 = ""
        self.terms: list[str] = []
        self.nodes: list[str] = []
        self._in_term_list = False
        self._in_node = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.stack.append(tag)
        if tag == "ul" and "term-list" in (values.get("class") or ""):
            self._in_term_list = True
        if tag == "a" and self._in_term_list:
            self.terms.append(str(values.get("href")))
        if tag == "g" and values.get("class") == "node":
            self._in_node = len(self.stack)

    def handle_endtag(self, tag: str) -> None:
        if tag == "ul":
            self._in_term_list = False
        if self._in_node and len(self.stack) == self._in_node and tag == "g":
            self._in_node = 0
        if self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        current = self.stack[-1] if self.stack else ""
        if current == "title" and "svg" not in self.stack:
            self.title += data
        elif current == "h1":
            self.h1 += data
        elif current == "title" and self._in_node:
            self.nodes.append(data.strip())


def test_the_ontology_page_in_a_browser(service: Server, chromium: str, tmp_path: Path) -> None:
    dom = _browse(
        chromium,
        f"{service.url}/def?lang=nl",
        screenshot=ARTIFACTS / "ontologie.png",
        profile=tmp_path / "profile",
    )
    page = _Reader()
    page.feed(dom)
    assert page.title.startswith("Ketenontologie")
    assert page.h1.strip() == "Ketenontologie"
    assert "#ChainManager" in page.terms and "#escalatesTo" in page.terms
    assert len(page.terms) >= 40
    assert re.search(r'<section id="ChainManager" class="term class"', dom)
    assert 'lang="nl"' in dom and ">English</a>" in dom


def test_a_design_page_in_a_browser(service: Server, chromium: str, tmp_path: Path) -> None:
    dom = _browse(
        chromium,
        f"{service.url}/doc/keten/voorbeeldketen-havenstad?lang=nl",
        screenshot=ARTIFACTS / "ontwerp-havenstad.png",
        profile=tmp_path / "profile",
    )
    page = _Reader()
    page.feed(dom)
    assert page.h1.strip() == "Voorbeeldketen Havenstad (fictief)"
    for node in (
        "Gemeente Havenstad (fictief)",
        "Havenbedrijf Havenstad (fictief)",
        "ketenbestuur Havenstad",
        "ketenbureau Havenstad",
        "ketenmanager Havenstad",
        "minister van Havens en Goederenvervoer (fictief)",
    ):
        assert node in page.nodes, node
    assert "strategisch niveau" in dom and "operationeel niveau" in dom
    assert "Het ontwerp voldoet aan alle regels." in dom


def test_a_design_that_breaks_rules_shows_the_messages(
    service: Server, chromium: str, tmp_path: Path
) -> None:
    dom = _browse(
        chromium,
        f"{service.url}/doc/keten/loonaangifteketen?lang=en",
        screenshot=ARTIFACTS / "ontwerp-loonaangifteketen.png",
        profile=tmp_path / "profile",
    )
    assert "KS-R03" in dom
    assert "State with keten:hasBoard which chain board governs this chain" in dom
