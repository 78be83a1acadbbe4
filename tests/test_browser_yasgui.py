"""The query page in headless Chromium, driven over the Chrome DevTools Protocol.

Chromium opens ``/``, a named query's button is clicked with the mouse, and YASGUI's result
table must show that query's rows. Every request the page makes is recorded: all of them go to
the service, none elsewhere (the page works offline), and the page's Content-Security-Policy
is never violated. A screenshot lands in ``tests/artifacts/`` (ignored by git).

Needs Debian's ``chromium`` (``apt-get install -y chromium``) and the ``websockets`` package.
Without chromium the tests skip, except on CI (``CI=true``), where that is a failure.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from api.conftest import Server

try:
    from websockets.sync.client import ClientConnection, connect
except ImportError:  # a dev dependency: missing only in an environment set up by hand
    connect = None  # type: ignore[assignment]

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
QUERY = "list-partner-board-seats"


def _missing(message: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


def _chromium() -> str:
    if connect is None:
        _missing("the websockets package is not installed (a dev dependency)")
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        _missing("chromium is not installed (apt-get install -y chromium)")
    assert found is not None
    return found


class DevTools:
    """A Chrome DevTools Protocol connection to one page, with the events it has seen."""

    def __init__(self, socket: ClientConnection, session: str) -> None:
        self._socket = socket
        self._session = session
        self._next = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, *, session: bool = True, **params: Any) -> dict[str, Any]:
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params}
        if session:
            message["sessionId"] = self._session
        self._socket.send(json.dumps(message))
        while True:
            reply = json.loads(self._socket.recv(timeout=60))
            if reply.get("id") == self._next:
                if "error" in reply:
                    raise AssertionError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            self.events.append(reply)

    def evaluate(self, expression: str) -> Any:
        result = self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            raise AssertionError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_until(self, expression: str, *, timeout: float = 30) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {expression}")

    def click(self, selector: str) -> None:
        """A real mouse click in the middle of the element."""
        box = self.evaluate(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
            "e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();"
            "return [r.x + r.width / 2, r.y + r.height / 2]; })()"
        )
        for kind in ("mousePressed", "mouseReleased"):
            self.send(
                "Input.dispatchMouseEvent",
                type=kind,
                x=box[0],
                y=box[1],
                button="left",
                clickCount=1,
            )

    def screenshot(self, path: Path) -> None:
        data = self.send("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data["data"]))

    def requested(self) -> list[str]:
        return [
            e["params"]["request"]["url"]
            for e in self.events
            if e.get("method") == "Network.requestWillBeSent"
        ]


_WATCH_CSP = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


@contextlib.contextmanager
def browser(profile: Path) -> Iterator[Callable[[], DevTools]]:
    """Headless Chromium with DevTools on a loopback port; yields a factory of pages."""
    process = subprocess.Popen(
        [
            _chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-default-apps",
            "--hide-scrollbars",
            "--window-size=1280,1600",
            "--remote-debugging-address=127.0.0.1",
            "--remote-debugging-port=0",
            f"--user-data-dir={profile}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        active = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (active.exists() and len(active.read_text().splitlines()) >= 2):
            assert process.poll() is None, "chromium stopped"
            assert time.monotonic() < deadline, "chromium did not open its DevTools port"
            time.sleep(0.1)
        port, path = active.read_text().splitlines()[:2]
        with connect(f"ws://127.0.0.1:{port}{path}", max_size=None) as socket:

            def page() -> DevTools:
                tools = DevTools(socket, "")
                target = tools.send("Target.createTarget", session=False, url="about:blank")
                attached = tools.send(
                    "Target.attachToTarget",
                    session=False,
                    targetId=target["targetId"],
                    flatten=True,
                )
                tools = DevTools(socket, attached["sessionId"])
                for domain in ("Page", "Runtime", "Network", "Log"):
                    tools.send(f"{domain}.enable")
                tools.send("Page.addScriptToEvaluateOnNewDocument", source=_WATCH_CSP)
                tools.send(
                    "Emulation.setDeviceMetricsOverride",
                    width=1280,
                    height=1600,
                    deviceScaleFactor=1,
                    mobile=False,
                )
                return tools

            yield page
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def service(oxigraph_server: Server) -> Server:
    """The session's real uvicorn (a browser needs a socket), once Chromium is known to be there."""
    _chromium()
    return oxigraph_server


def _open(tools: DevTools, url: str) -> None:
    tools.send("Page.navigate", url=url)
    tools.wait_until("document.readyState === 'complete'")
    tools.wait_until("document.documentElement.dataset.ready === 'true'")


def _outside(urls: list[str], origin: str) -> list[str]:
    local = urlsplit(origin).netloc
    return [
        url
        for url in urls
        if urlsplit(url).scheme not in ("data", "blob", "about") and urlsplit(url).netloc != local
    ]


def test_a_named_query_runs_in_yasgui_and_shows_its_rows(service: Server, tmp_path: Path) -> None:
    expected = httpx.get(
        f"{service.url}/queries/{QUERY}",
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    ).json()["results"]["bindings"]
    assert expected, "the named query has rows on the project's data"
    with browser(tmp_path / "profile") as new_page:
        tools = new_page()
        _open(tools, f"{service.url}/?lang=nl")
        assert tools.evaluate("document.documentElement.lang") == "nl"
        assert tools.evaluate("document.querySelectorAll('.yasgui .CodeMirror').length") >= 1

        tools.click(f'button[data-query="{QUERY}"]')
        rows = tools.wait_until(
            "(() => { const rows = document.querySelectorAll("
            "'.tabPanel.active .yasr table.dataTable tbody tr');"
            "return rows.length && !rows[0].querySelector('.dataTables_empty') ? "
            "Array.from(rows, r => Array.from(r.cells, c => c.innerText)) : null; })()"
        )
        tools.screenshot(ARTIFACTS / "yasgui-named-query.png")

        assert len(rows) == min(len(expected), 50), "YASR shows the rows (one page of them)"
        partners = {b["partnerLabel"]["value"] for b in expected[:50] if "partnerLabel" in b}
        shown = " ".join(cell for row in rows for cell in row)
        assert partners and all(f'"{name}"' in shown for name in partners), "the answer's rows"
        tab = tools.evaluate("document.querySelector('.tabsList .tab.active').innerText")
        assert "Ketenpartners" in tab

        violations = tools.evaluate("window.__violations")
        assert violations == [], violations
        requested = tools.requested()
        assert any(url.endswith("/sparql") for url in requested), "the query went to /sparql"
        assert any("/assets/yasgui/yasgui.min.js" in url for url in requested)
        assert _outside(requested, service.url) == []


def test_the_page_in_english_and_offline(service: Server, tmp_path: Path) -> None:
    with browser(tmp_path / "profile") as new_page:
        tools = new_page()
        tools.send(
            "Network.emulateNetworkConditions",
            offline=False,
            latency=0,
            downloadThroughput=-1,
            uploadThroughput=-1,
        )
        _open(tools, f"{service.url}/?lang=en")
        assert tools.evaluate("document.documentElement.lang") == "en"
        label = tools.evaluate(
            f"document.querySelector('button[data-query=\"{QUERY}\"]').innerText"
        )
        assert label.startswith("Partners per chain")
        # YASGUI's own editor query runs too: the start query lists the chains.
        tools.evaluate("window.ketenontologie.yasgui.getTab().query()")
        tools.wait_until(
            "document.querySelectorAll('.tabPanel.active .yasr table.dataTable tbody tr')"
            ".length > 1"
        )
        tools.screenshot(ARTIFACTS / "yasgui-en.png")
        assert tools.evaluate("window.__violations") == []
        assert _outside(tools.requested(), service.url) == []
        errors = [
            e["params"]["entry"]["text"]
            for e in tools.events
            if e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error"
        ]
        missing = [
            e["params"]["response"]["url"]
            for e in tools.events
            if e.get("method") == "Network.responseReceived"
            and e["params"]["response"]["status"] >= 400
        ]
        assert (errors, missing) == ([], [])


def test_a_browser_opening_the_endpoint_sees_the_query_page(
    service: Server, tmp_path: Path
) -> None:
    """``/sparql`` typed into the address bar shows the query page (as Fuseki and Oxigraph do),
    not a service description to download; the editor there queries the same endpoint."""
    with browser(tmp_path / "profile") as new_page:
        tools = new_page()
        _open(tools, f"{service.url}/sparql")
        assert tools.evaluate("document.contentType") == "text/html"
        assert tools.evaluate("location.pathname") == "/sparql"
        assert tools.evaluate("document.querySelectorAll('.yasgui .CodeMirror').length") >= 1
        assert tools.evaluate(f"!!document.querySelector('button[data-query=\"{QUERY}\"]')")
        tools.evaluate("window.ketenontologie.yasgui.getTab().query()")
        tools.wait_until(
            "document.querySelectorAll('.tabPanel.active .yasr table.dataTable tbody tr')"
            ".length > 1"
        )
        assert tools.evaluate("window.__violations") == []
        assert _outside(tools.requested(), service.url) == []
