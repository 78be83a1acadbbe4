"""HTTP to a SPARQL 1.1 server: endpoints from one URL, auth, timeouts, errors, result parsing.

The remote store (:mod:`ketenontologie.store.remote`) talks to the server only through
:class:`SparqlClient`: the SPARQL 1.1 Protocol (query and update) and nothing else. Every
failure becomes an error of the project's tree whose message names the URL and the setting.

The store URL is ``sparql+http://host:port/path`` (or ``sparql+https://``), the query endpoint
with ``sparql+`` in front. Options go in its query string: ``update=`` (path or URL of the update
endpoint), ``dialect=virtuoso|fuseki|graphdb|generic`` and ``auth=digest|basic``. Without them the
server is recognised by its answers (Virtuoso names itself in ``Server``) and by its path.

>>> endpoints = Endpoints.parse("sparql+http://127.0.0.1:8890/sparql")
>>> endpoints.query
'http://127.0.0.1:8890/sparql'
>>> Endpoints.parse("sparql+https://db.example/ds/sparql?update=/ds/update").update
'https://db.example/ds/update'
"""

from __future__ import annotations

import io
import json
import logging
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal, TypeAlias
from urllib.parse import parse_qs, urljoin, urlsplit, urlunsplit

import httpx
import pyoxigraph as ox

from ketenontologie.errors import (
    QueryTimeoutError,
    SortLimitError,
    SparqlSyntaxError,
    StoreSettingError,
    StoreUnavailableError,
)

_log = logging.getLogger(__name__)
_SERVER_CODE = re.compile(r"\bError ([0-9A-Z]{5})\b")
"""The code in Virtuoso's error texts (``Virtuoso 37000 Error SP030: …``)."""

__all__ = [
    "Dialect",
    "Endpoints",
    "SparqlClient",
]

Dialect: TypeAlias = Literal["virtuoso", "fuseki", "graphdb", "generic"]
SETTING = "KETENONTOLOGIE_STORE"


@dataclass(frozen=True, slots=True)
class Endpoints:
    """Where the server answers: query and update endpoints, dialect and auth scheme."""

    query: str
    update: str | None = None
    dialect: Dialect | None = None
    auth: Literal["digest", "basic"] | None = None

    @classmethod
    def parse(cls, url: str) -> Endpoints:
        """Read a ``sparql+http(s)://`` store URL (see the module docstring)."""
        if not url.startswith(("sparql+http://", "sparql+https://")):
            raise StoreSettingError(
                f"{SETTING}={url!r} is not a store this version knows. Use 'oxigraph' for the "
                "embedded store or 'sparql+http://host:port/sparql' (or sparql+https://) for a "
                "SPARQL 1.1 server."
            )
        parts = urlsplit(url[len("sparql+") :])
        if not parts.hostname:
            raise StoreSettingError(f"{SETTING}={url!r} has no host. Write it as {_EXAMPLE}.")
        options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        unknown = set(options) - {"update", "dialect", "auth"}
        if unknown:
            raise StoreSettingError(
                f"{SETTING}={url!r} has unknown options {sorted(unknown)}. Only update=, "
                "dialect= and auth= are read (see docs/deploy.md)."
            )
        query = urlunsplit((parts.scheme, parts.netloc, parts.path or "/", "", ""))
        dialect = options.get("dialect")
        if dialect not in (None, "virtuoso", "fuseki", "graphdb", "generic"):
            raise StoreSettingError(
                f"{SETTING}: dialect={dialect!r} is unknown; use virtuoso, fuseki, graphdb or "
                "generic."
            )
        auth = options.get("auth")
        if auth not in (None, "digest", "basic"):
            raise StoreSettingError(f"{SETTING}: auth={auth!r} is unknown; use digest or basic.")
        update = urljoin(query, options["update"]) if "update" in options else None
        if update is not None and urlsplit(update).netloc != parts.netloc:
            raise StoreSettingError(
                f"{SETTING}: the update endpoint {update} is on another host than {query}. "
                "Both must be on the same server."
            )
        return cls(query=query, update=update, dialect=dialect, auth=auth)  # type: ignore[arg-type]

    def resolved(self, *, dialect: Dialect, authenticated: bool) -> Endpoints:
        """Fill in what the URL left open, with the defaults of ``dialect``."""
        update = self.update
        if update is None:
            path = urlsplit(self.query).path
            if dialect == "virtuoso" and authenticated and path.endswith("/sparql"):
                update = self.query + "-auth"  # Virtuoso takes authenticated writes there
            elif dialect == "fuseki" and path.endswith(("/sparql", "/query")):
                update = self.query.rsplit("/", 1)[0] + "/update"
            elif dialect == "graphdb":
                update = self.query.rstrip("/") + "/statements"
            else:
                update = self.query
        auth = self.auth or ("digest" if dialect == "virtuoso" else "basic")
        return replace(self, update=update, dialect=dialect, auth=auth)


_EXAMPLE = "sparql+http://host:8890/sparql"


def guess_dialect(url: str, headers: Mapping[str, str]) -> Dialect:
    """The kind of server, from its ``Server`` header and the endpoint's path."""
    server = headers.get("server", "").lower()
    if "virtuoso" in server:
        return "virtuoso"
    if "fuseki" in server or "jena" in server or "fuseki-request-id" in headers:
        return "fuseki"
    if "/repositories/" in urlsplit(url).path:
        return "graphdb"
    return "generic"


@dataclass(frozen=True, slots=True)
class Solutions:
    """The first rows of a SELECT result, parsed, and whether the server cut it."""

    variables: list[str]
    rows: list[list[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None]]
    more: bool
    """True when there were more rows than were read (or the server says it cut the result)."""


class SparqlClient:
    """A connection pool to one SPARQL server; never follows a redirect anywhere.

    ``timeout`` bounds connecting and each read; queries get their own read limit.
    """

    def __init__(
        self,
        endpoints: Endpoints,
        *,
        user: str | None = None,
        password: str | None = None,
        timeout: float = 60.0,
    ) -> None:
        self.endpoints = endpoints
        self._credentials = (user, password or "") if user else None
        self._timeout = timeout
        self._http = httpx.Client(
            follow_redirects=False,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            headers={"User-Agent": "ketenontologie"},
            trust_env=False,
        )
        self.dialect: Dialect = endpoints.dialect or "generic"

    # --- set-up -------------------------------------------------------------------------------

    def connect(self) -> None:
        """Reach the server once (``ASK {}``), tell its dialect and settle the endpoints."""
        response = self._send("GET", self.endpoints.query, params={"query": "ASK {}"}, auth=False)
        self._check(response, what="a test query")
        self.dialect = self.endpoints.dialect or guess_dialect(
            self.endpoints.query, response.headers
        )
        self.endpoints = self.endpoints.resolved(
            dialect=self.dialect, authenticated=self._credentials is not None
        )

    @property
    def writable(self) -> bool:
        """True when credentials are configured (or the server takes anonymous updates)."""
        return self._credentials is not None or self.endpoints.update != self.endpoints.query

    def close(self) -> None:
        self._http.close()

    # --- requests -----------------------------------------------------------------------------

    def _auth(self) -> httpx.Auth | None:
        if self._credentials is None:
            return None
        user, password = self._credentials
        if self.endpoints.auth == "basic":
            return httpx.BasicAuth(user, password)
        return httpx.DigestAuth(user, password)

    def _send(
        self,
        method: str,
        url: str,
        *,
        auth: bool,
        stream: bool = False,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        request = self._http.build_request(
            method,
            url,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)) if timeout else None,
            **kwargs,
        )
        try:
            return self._http.send(request, auth=self._auth() if auth else None, stream=stream)
        except httpx.TimeoutException:
            raise
        except httpx.HTTPError as error:
            raise StoreUnavailableError(
                f"The SPARQL server at {url} cannot be reached ({type(error).__name__}: "
                f"{error}). Check that it runs and that {SETTING} names it, or unset {SETTING} "
                "to use the embedded store."
            ) from None

    def _check(self, response: httpx.Response, *, what: str, query: str | None = None) -> None:
        status = response.status_code
        if status < 300:
            return
        url = str(response.request.url).split("?")[0]
        if status < 400:
            target = response.headers.get("location", "?")
            raise StoreUnavailableError(
                f"The SPARQL server at {url} answered {what} with a redirect to {target}, "
                f"which is never followed. Set {SETTING} to the endpoint itself."
            )
        if response.is_stream_consumed is False:
            response.read()
        text = response.text.strip()[:600]
        if status in (401, 403):
            raise StoreUnavailableError(
                f"The SPARQL server at {url} refused {what} ({status}): {text or 'no reason'}. "
                f"Set KETENONTOLOGIE_STORE_USER and KETENONTOLOGIE_STORE_PASSWORD to an account "
                "that may read and update its graphs (see docs/deploy.md)."
            )
        _log.warning("the SPARQL server answered %s with %s: %s", what, status, text)
        code = _SERVER_CODE.search(text)
        reason = f" (the server's code: {code.group(1)})" if code else ""
        if code and code.group(1) == "SR353":
            raise SortLimitError(
                "The SPARQL server sorts at most a set number of rows for ORDER BY with LIMIT "
                "and OFFSET (Virtuoso's [Parameters] MaxSortedTopRows), and this page lies "
                "beyond it (deze pagina ligt voorbij wat de server wil sorteren). Ask for a page "
                "nearer the start, or ask the administrator to raise MaxSortedTopRows "
                "(docs/deploy.md)."
            )
        if status == 400 and query is not None:
            raise SparqlSyntaxError(
                f"The SPARQL server refuses {what}{reason}: it may not support every SPARQL 1.1 "
                "construct. The service's log has the server's own words."
            )
        raise StoreUnavailableError(
            f"The SPARQL server at {url} failed {what} ({status}){reason}. The service's log "
            "has the server's own words; the request was not completed."
        )

    def update(self, text: str, *, params: Mapping[str, str | Sequence[str]] | None = None) -> None:
        """Send one update request (form-encoded); raises when the server refuses it."""
        assert self.endpoints.update is not None, "connect() first"
        limit = max(self._timeout, 300.0)
        try:
            response = self._send(
                "POST",
                self.endpoints.update,
                auth=True,
                data={"update": text, **(params or {})},
                timeout=limit,
            )
        except httpx.TimeoutException:
            raise StoreUnavailableError(
                f"The SPARQL server at {self.endpoints.update} did not answer an update within "
                f"{limit:g} s. Check the server's load and log; the write is undone."
            ) from None
        self._check(response, what="an update", query=text)

    def _query(
        self,
        text: str,
        *,
        accept: str,
        params: Mapping[str, str | Sequence[str]],
        timeout: float | None,
    ) -> httpx.Response:
        """POST a query and return the streamed response (the caller closes it)."""
        data: dict[str, Any] = {"query": text, **params}
        if timeout is not None and self.dialect == "virtuoso":
            data["timeout"] = str(int(timeout * 1000))  # milliseconds; "anytime" answers
        elif timeout is not None and self.dialect in ("fuseki", "graphdb"):
            data["timeout"] = f"{timeout:g}"
        try:
            response = self._send(
                "POST",
                self.endpoints.query,
                auth=self._credentials is not None and self.dialect != "virtuoso",
                stream=True,
                timeout=None if timeout is None else timeout + 5.0,
                data=data,
                headers={"Accept": accept},
            )
        except httpx.TimeoutException:
            raise QueryTimeoutError(timeout or self._timeout) from None
        if timeout is not None:
            response.extensions["ketenontologie-deadline"] = time.monotonic() + timeout
        try:
            self._check(response, what="a query", query=text)
            if response.headers.get("x-sql-state") == "S1TAT":
                # Virtuoso's "anytime" answer: a partial result at the time limit.
                raise QueryTimeoutError(timeout or self._timeout)
        except BaseException:
            response.close()
            raise
        return response

    def select(
        self,
        text: str,
        *,
        params: Mapping[str, str | Sequence[str]] | None = None,
        timeout: float | None = None,
        limit: int | None = None,
    ) -> Solutions:
        """Run a SELECT query; read at most ``limit`` rows (streamed, then the rest is left)."""
        response = self._query(
            text,
            accept="application/sparql-results+xml",
            params=params or {},
            timeout=timeout,
        )
        try:
            try:
                results = ox.parse_query_results(
                    _stream(response), format=ox.QueryResultsFormat.XML
                )
                assert isinstance(results, ox.QuerySolutions)
                variables = [v.value for v in results.variables]
                rows: list[list[Any]] = []
                more = False
                for solution in results:
                    if limit is not None and len(rows) >= limit:
                        more = True
                        break
                    rows.append([solution[v] for v in variables])
            except (httpx.TimeoutException, _PastDeadline):
                raise QueryTimeoutError(timeout or self._timeout) from None
            except (SyntaxError, ValueError) as error:
                raise StoreUnavailableError(
                    f"The SPARQL server's answer is not SPARQL XML results ({error})."
                ) from None
        finally:
            response.close()
        cut = "x-sparql-maxrows" in response.headers
        return Solutions(variables, rows, more or cut)

    def ask(
        self,
        text: str,
        *,
        params: Mapping[str, str | Sequence[str]] | None = None,
        timeout: float | None = None,
    ) -> bool:
        """Run an ASK query (Virtuoso answers it as a one-column table in JSON)."""
        response = self._query(
            text, accept="application/sparql-results+json", params=params or {}, timeout=timeout
        )
        try:
            try:
                document = json.loads(response.read())
            except (httpx.TimeoutException, _PastDeadline):
                raise QueryTimeoutError(timeout or self._timeout) from None
            except ValueError as error:
                raise StoreUnavailableError(
                    f"The SPARQL server's answer to ASK is not SPARQL JSON ({error})."
                ) from None
        finally:
            response.close()
        if "boolean" in document:
            return bool(document["boolean"])
        bindings = document.get("results", {}).get("bindings", [])
        return any(str(v.get("value")) not in ("0", "false") for b in bindings for v in b.values())

    def construct(
        self,
        text: str,
        *,
        params: Mapping[str, str | Sequence[str]] | None = None,
        timeout: float | None = None,
        limit: int | None = None,
    ) -> tuple[list[ox.Triple], bool]:
        """Run a CONSTRUCT or DESCRIBE query; at most ``limit`` triples and whether more came."""
        response = self._query(
            text, accept="application/n-triples", params=params or {}, timeout=timeout
        )
        triples: list[ox.Triple] = []
        more = False
        try:
            try:
                for quad in ox.parse(_stream(response), format=ox.RdfFormat.N_TRIPLES):
                    if limit is not None and len(triples) >= limit:
                        more = True
                        break
                    triples.append(ox.Triple(quad.subject, quad.predicate, quad.object))
            except (httpx.TimeoutException, _PastDeadline):
                raise QueryTimeoutError(timeout or self._timeout) from None
            except (SyntaxError, ValueError) as error:
                raise StoreUnavailableError(
                    f"The SPARQL server's answer is not N-Triples ({error})."
                ) from None
        finally:
            response.close()
        return triples, more


class _Chunks(io.RawIOBase):
    """A read-only raw file over an iterator of byte chunks.

    Virtuoso names blank nodes ``nodeID://b123`` in SPARQL XML, which is not a blank node
    label; ``<bnode>nodeID://`` becomes ``<bnode>`` on the way (across chunk borders too).
    """

    _BNODE = b"<bnode>nodeID://"

    def __init__(self, chunks: Iterator[bytes], *, deadline: float | None = None) -> None:
        self._chunks = chunks
        self._rest = b""
        self._held = b""
        self._deadline = deadline

    def _check_time(self) -> None:
        if self._deadline is not None and time.monotonic() > self._deadline:
            raise _PastDeadline

    def readable(self) -> bool:
        return True

    def _next(self) -> bytes:
        self._check_time()
        chunk = next(self._chunks, None)
        if chunk is None:
            data, self._held = self._held, b""
            return data.replace(self._BNODE, b"<bnode>")
        data = (self._held + chunk).replace(self._BNODE, b"<bnode>")
        keep = len(self._BNODE) - 1
        self._held = data[-keep:]
        return data[:-keep] or self._next()

    def readinto(self, buffer: Any) -> int:
        if not self._rest:
            self._rest = self._next()
        size = min(len(buffer), len(self._rest))
        buffer[:size] = self._rest[:size]
        self._rest = self._rest[size:]
        return size


class _PastDeadline(Exception):
    """The answer is still arriving at the time limit."""


def _stream(response: httpx.Response) -> io.BufferedReader:
    """The response body as a file, read as the parser asks (for pyoxigraph's parsers), up to
    the deadline the request set (``response.extensions["deadline"]``)."""
    deadline = response.extensions.get("ketenontologie-deadline")
    chunks = _Chunks(response.iter_bytes(), deadline=deadline)
    return io.BufferedReader(chunks, buffer_size=1 << 16)
