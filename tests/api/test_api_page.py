"""``/``: the query page and its assets, from this service only, in Dutch and English."""

from __future__ import annotations

import doctest
import hashlib
import importlib
import re
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest

from ketenontologie.queries import load_queries

from .conftest import Server

ROOT = Path(__file__).resolve().parents[2]
YASGUI = ROOT / "src" / "ketenontologie" / "api" / "static" / "yasgui"


class _Links(HTMLParser):
    """Every URL the page refers to, and its example buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.buttons: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("src", "href", "action"):
            if values.get(name):
                self.urls.append(str(values[name]))
        if tag == "button" and values.get("data-query"):
            self.buttons.append(str(values["data-query"]))


def test_the_page_is_dutch_by_default(server: Server) -> None:
    response = httpx.get(server.url + "/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-language"] == "nl"
    assert 'lang="nl"' in response.text
    assert "Voorbeeldvragen" in response.text
    assert "Accept-Language" in response.headers["vary"]


@pytest.mark.parametrize(
    ("accept_language", "lang"),
    [
        ("en-GB,en;q=0.9", "en"),
        ("nl-NL,nl;q=0.9,en;q=0.8", "nl"),
        ("en;q=0.4, nl;q=0.6", "nl"),
        ("de, en;q=0.5", "en"),
        ("fr, de", "nl"),
        ("*", "nl"),
    ],
)
def test_accept_language_picks_the_language(
    server: Server, accept_language: str, lang: str
) -> None:
    response = httpx.get(server.url + "/", headers={"Accept-Language": accept_language})
    assert response.headers["content-language"] == lang


def test_the_language_switch_wins(server: Server) -> None:
    response = httpx.get(server.url + "/?lang=en", headers={"Accept-Language": "nl"})
    assert response.headers["content-language"] == "en"
    assert "Example questions" in response.text
    assert httpx.get(server.url + "/?lang=fr").status_code == 400


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


def test_a_browser_opening_the_endpoint_gets_the_query_page(server: Server) -> None:
    """As Fuseki and Oxigraph do: /sparql without a query shows the page to a browser, and
    stays the service description for every SPARQL client."""
    page = httpx.get(server.url + "/sparql", headers={"Accept": BROWSER, "Accept-Language": "en"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "attachment" not in page.headers.get("content-disposition", "")
    assert page.headers["content-language"] == "en"
    assert {"Accept", "Accept-Language"} <= {v.strip() for v in page.headers["vary"].split(",")}
    assert "Example questions" in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    assert f"{server.url}/sparql" in page.text  # YASGUI queries this endpoint
    dutch = httpx.get(server.url + "/sparql?lang=nl", headers={"Accept": BROWSER})
    assert dutch.headers["content-language"] == "nl"
    for accept in (None, "*/*", "text/turtle", "application/*", "text/html;q=0.5, */*"):
        described = httpx.get(server.url + "/sparql", headers={"Accept": accept} if accept else {})
        assert described.status_code == 200, accept
        assert not described.headers["content-type"].startswith("text/html"), accept
    answered = httpx.get(server.url + "/sparql?query=ASK%7B%7D", headers={"Accept": BROWSER})
    assert answered.headers["content-type"].startswith("application/sparql-results+xml")


def test_every_named_query_has_a_button(server: Server) -> None:
    page = _Links()
    page.feed(httpx.get(server.url + "/").text)
    assert page.buttons == list(load_queries())


def test_the_page_refers_to_this_service_only(server: Server) -> None:
    response = httpx.get(server.url + "/")
    page = _Links()
    page.feed(response.text)
    assert page.urls
    for url in page.urls:
        assert url.startswith(("/", "?", "data:")), url
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert "connect-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert not re.search(r"https?:|\*|'unsafe-eval'", csp)
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]


@pytest.mark.parametrize(
    ("path", "media_type"),
    [
        ("/assets/yasgui/yasgui.min.js", "text/javascript"),
        ("/assets/yasgui/yasgui.min.css", "text/css"),
        ("/assets/yasgui/LICENSE.txt", "text/plain"),
        ("/assets/sparql/page.js", "text/javascript"),
        ("/assets/sparql/page.css", "text/css"),
        ("/assets/sparql/prefixes.json", "application/json"),
    ],
)
def test_the_assets_are_served(server: Server, path: str, media_type: str) -> None:
    response = httpx.get(server.url + path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert httpx.get(server.url + "/assets/yasgui/other.js").status_code == 404


def test_the_prefixes_are_ours(server: Server) -> None:
    prefixes = httpx.get(server.url + "/assets/sparql/prefixes.json").json()
    assert prefixes["keten"] == "https://w3id.org/ketenontologie/def#"
    assert prefixes["rol"] == "https://w3id.org/ketenontologie/id/rol/"


def test_the_vendored_yasgui_is_what_its_readme_says() -> None:
    readme = (YASGUI / "README.md").read_text("utf-8")
    assert "**4.2.28**" in readme
    listed = {
        name: digest for digest, name in re.findall(r"^\s+([0-9a-f]{64})\s+(\S+)$", readme, re.M)
    }
    assert set(listed) == {
        "yasgui.min.js",
        "yasgui.min.css",
        "LICENSE.txt",
        "yasgui.min.js.LICENSE.txt",
    }
    for name, digest in listed.items():
        assert hashlib.sha256((YASGUI / name).read_bytes()).hexdigest() == digest, name
    assert "MIT" in (YASGUI / "LICENSE.txt").read_text("utf-8")


def test_the_language_is_chosen_as_on_every_page() -> None:
    # The query page and the linked-data pages choose their language with one function.
    module = importlib.import_module("ketenontologie.api.negotiation")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.failed == 0 and result.attempted > 0
