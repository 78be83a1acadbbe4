"""The pages in a real browser: headless Chromium renders them, dumps the DOM, takes screenshots.

Screenshots and DOM dumps land in ``tests/artifacts/`` (ignored by git) for a person to look at.
The governance diagram is measured in the browser (over the Chrome DevTools Protocol, as in
``test_browser_yasgui``) on a phone's width and on wider screens: the whole diagram is in view,
its text legible or the switch to its actual size there, and at actual size it scrolls.
Needs Debian's ``chromium`` and ``graphviz``; without them the tests skip, except on CI
(``CI=true``), where a missing tool is a failure.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from api.conftest import Server
from test_browser_yasgui import DevTools, browser

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


# --- the governance diagram on a phone and on wide screens ---------------------------------------

LEGIBLE_PX = 10.0
"""The smallest text the diagram may show, in CSS pixels; below it the page must offer the
diagram at its actual size (Graphviz's 10 pt: 13.3 px)."""

MANAGER = "ketenmanager Havenstad"
_DIAGRAM = """(() => {
  const figure = document.querySelector('figure.diagram');
  const canvas = figure.querySelector('.canvas');
  const svg = canvas.querySelector('svg');
  const box = (e) => { const r = e.getBoundingClientRect();
    return {left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width}; };
  const nodes = {};
  for (const node of svg.querySelectorAll('g.node')) {
    nodes[node.querySelector('title').textContent.trim()] = box(node);
  }
  const fonts = Array.from(svg.querySelectorAll('text'),
    (t) => parseFloat(t.getAttribute('font-size')) * t.getScreenCTM().a);
  return {
    figure: box(figure), canvas: box(canvas), svg: box(svg), nodes,
    smallest: Math.min(...fonts),
    natural: svg.width.baseVal.value,
    viewport: document.documentElement.clientWidth,
    pageWidth: document.documentElement.scrollWidth,
    canvasScroll: [canvas.scrollWidth, canvas.clientWidth],
    controls: Array.from(figure.querySelectorAll('input[name="diagram-size"]'), (i) => i.value),
    scripts: document.scripts.length,
  };
})()"""


def _inside(inner: dict[str, float], outer: dict[str, float], *, slack: float = 0.5) -> bool:
    return (
        inner["left"] >= outer["left"] - slack
        and inner["right"] <= outer["right"] + slack
        and inner["top"] >= outer["top"] - slack
        and inner["bottom"] <= outer["bottom"] + slack
    )


@pytest.fixture(scope="module")
def pages(
    service: Server, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[], DevTools]]:
    """New pages of one headless Chromium for the module."""
    with browser(tmp_path_factory.mktemp("chromium") / "profile") as new_page:
        yield new_page


def _open(pages: Callable[[], DevTools], url: str, *, width: int) -> DevTools:
    """``url`` in a fresh page ``width`` CSS pixels wide; narrower than 600: a phone (touch)."""
    tools = pages()
    phone = width < 600
    tools.send(
        "Emulation.setDeviceMetricsOverride",
        width=width,
        height=844 if phone else 1000,
        deviceScaleFactor=1,
        mobile=phone,
    )
    tools.send("Emulation.setTouchEmulationEnabled", enabled=phone)
    tools.send("Page.navigate", url=url)
    tools.wait_until("document.readyState === 'complete'")
    return tools


def _tap(tools: DevTools, selector: str, *, phone: bool) -> None:
    """A tap on a phone, a mouse click elsewhere, in the middle of the element."""
    if not phone:
        tools.click(selector)
        return
    x, y = tools.evaluate(
        f"(() => {{ const e = document.querySelector({selector!r});"
        "e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();"
        "return [r.x + r.width / 2, r.y + r.height / 2]; })()"
    )
    tools.send("Input.dispatchTouchEvent", type="touchStart", touchPoints=[{"x": x, "y": y}])
    tools.send("Input.dispatchTouchEvent", type="touchEnd", touchPoints=[])


def _shoot(tools: DevTools, path: Path) -> None:
    """A screenshot of the diagram's section, the page's full width."""
    top, height = tools.evaluate(
        "(() => { const r = document.querySelector('#diagram').getBoundingClientRect();"
        "return [r.top + window.scrollY, r.height]; })()"
    )
    width = tools.evaluate("document.documentElement.clientWidth")
    shot = tools.send(
        "Page.captureScreenshot",
        format="png",
        captureBeyondViewport=True,
        clip={"x": 0, "y": top, "width": width, "height": height, "scale": 1},
    )
    ARTIFACTS.mkdir(exist_ok=True)
    path.write_bytes(base64.b64decode(shot["data"]))


def _requests_elsewhere(tools: DevTools, origin: str) -> list[str]:
    local = urlsplit(origin).netloc
    return [
        url
        for url in tools.requested()
        if urlsplit(url).scheme not in ("data", "blob", "about") and urlsplit(url).netloc != local
    ]


@pytest.mark.parametrize("width", [390, 1400, 2600])
def test_the_whole_diagram_is_in_view_and_legible(
    service: Server, pages: Callable[[], DevTools], width: int
) -> None:
    phone = width < 600
    tools = _open(pages, f"{service.url}/doc/keten/voorbeeldketen-havenstad?lang=nl", width=width)
    fit: dict[str, Any] = tools.evaluate(_DIAGRAM)
    _shoot(tools, ARTIFACTS / f"diagram-havenstad-{width}.png")

    # The whole diagram fits its box and the screen; the page does not scroll sideways.
    assert _inside(fit["svg"], fit["canvas"]) and _inside(fit["canvas"], fit["figure"]), fit
    assert fit["svg"]["left"] >= 0 and fit["svg"]["right"] <= fit["viewport"], fit
    assert fit["pageWidth"] <= fit["viewport"], "nothing on the page is wider than the screen"
    assert fit["svg"]["width"] > 0.8 * min(fit["canvas"]["width"], fit["natural"]), fit
    assert MANAGER in fit["nodes"], sorted(fit["nodes"])
    for name, node in fit["nodes"].items():
        assert _inside(node, fit["svg"]), name
    assert _inside(fit["nodes"][MANAGER], fit["canvas"])
    assert fit["controls"] == ["fit", "full"], "the diagram has a size switch"
    assert fit["scripts"] == 0, "the page needs no script"
    if not phone:
        assert fit["smallest"] >= LEGIBLE_PX, f"text {fit['smallest']:.1f} px at {width} px"

    # Actual size: legible text, and the box scrolls (a finger or a scroll bar moves it).
    _tap(tools, "#diagram-full", phone=phone)
    tools.wait_until("document.querySelector('#diagram-full').checked")
    full: dict[str, Any] = tools.evaluate(_DIAGRAM)
    assert full["smallest"] >= LEGIBLE_PX
    assert abs(full["svg"]["width"] - full["natural"]) < 1, "drawn at its actual size"
    assert full["pageWidth"] <= full["viewport"], "only the diagram's box scrolls"
    scroll_width, client_width = full["canvasScroll"]
    assert (scroll_width > client_width) == (full["natural"] > full["canvas"]["width"] + 1)
    tools.evaluate(
        "(() => { const node = Array.from(document.querySelectorAll('figure.diagram g.node'))"
        f".find((g) => g.querySelector('title').textContent.trim() === {MANAGER!r});"
        "node.scrollIntoView({block: 'center', inline: 'center'}); })()"
    )
    moved: dict[str, Any] = tools.evaluate(_DIAGRAM)
    assert _inside(moved["nodes"][MANAGER], moved["canvas"])
    assert moved["nodes"][MANAGER]["right"] <= moved["viewport"]
    _shoot(tools, ARTIFACTS / f"diagram-havenstad-{width}-actual-size.png")
    assert _requests_elsewhere(tools, service.url) == []
