"""Where a page links to: every IRI we mint becomes a link to its page, here or in ``dist/``.

The service links root-relative (``/doc/pijler/P1``), so pages work under any host name; the
static documentation links file-relative (``../pijler/P1.html``), so it works from a folder.

An IRI has a page of its own in the service when it is shaped like ours (:func:`service_path`:
``/id/{kind}/{ref}``, ``/def#…``, ``/graph/…`` under one of the bases); any other IRI that a
stored design describes has its page at ``/doc?uri=<IRI>`` (:func:`about_path`). The service
tells :class:`ServiceLinks` which IRIs those are; every other IRI links to itself.

>>> links = ServiceLinks(("https://w3id.org/ketenontologie",), lang="en", explicit=True)
>>> links.href("https://w3id.org/ketenontologie/id/pijler/P1")
'/doc/pijler/P1?lang=en'
>>> links.href("https://w3id.org/ketenontologie/def#Chain")
'/def?lang=en#Chain'
>>> links.download("https://w3id.org/ketenontologie/graph/ontologie", "ttl")
'/dumps/ontologie.ttl'
>>> theirs = "https://rivierstad.example.nl/id/keten/vergunningen"
>>> ServiceLinks(lang="en", explicit=True, described={theirs}).href(theirs)
'/doc?uri=https://rivierstad.example.nl/id/keten/vergunningen&lang=en'
>>> about_path(theirs, "ttl")
'/doc.ttl?uri=https://rivierstad.example.nl/id/keten/vergunningen'
"""

from __future__ import annotations

import posixpath
from collections.abc import Collection, Sequence
from typing import Protocol
from urllib.parse import quote

from ketenontologie.namespaces import BASE
from ketenontologie.publication.words import LANGUAGES, Language

__all__ = [
    "Links",
    "ServiceLinks",
    "StaticLinks",
    "about_path",
    "local_path",
    "service_path",
    "with_query",
]

PAGES = ("ontology", "shapes", "scheme", "dataset", "stylesheet")
_SCHEME_PATH = "/id/begrippenkader/ketensturing"


def local_path(iri: str, bases: Sequence[str]) -> str | None:
    """The part of ``iri`` after one of ``bases`` (``/def#Chain``), or None when outside them."""
    for base in bases:
        if iri == base or iri.startswith((base + "/", base + "#")):
            return iri[len(base) :]
    return None


def service_path(path: str) -> str | None:
    """Where the service answers about the IRI whose part after a base is ``path``: ``/doc/…``
    for ``/id/{kind}/{ref}``, the path itself for ``/def…``, ``/shapes#…``, ``/graph/…`` and
    the dataset; None when no route of its own has it (it may then be at :func:`about_path`).

    >>> service_path("/id/pijler/P1"), service_path("/id/keten/a/b")
    ('/doc/pijler/P1', None)
    """
    if path == "/def" or path.startswith(("/def#", "/def/")):
        return path
    if path == "/shapes" or path.startswith("/shapes#"):
        return path
    if path.startswith("/id/"):
        kind, slash, ref = path[len("/id/") :].partition("/")
        if not kind or not slash or not ref or any(c in ref for c in "/?#%"):
            return None  # no /id/{kind}/{ref} route matches it
        return f"/doc/{kind}/{ref}"
    if path.startswith(("/doc/", "/dumps", "/.well-known/", "/graph/")):
        return path
    return None


def about_path(iri: str, extension: str | None = None) -> str:
    """``/doc?uri=<IRI>`` (``/doc.{extension}?uri=…`` for one format): the document about an IRI
    that has no path of its own here, such as a design's IRI in its author's namespace."""
    stem = "/doc" if extension is None else f"/doc.{extension}"
    return f"{stem}?uri={quote(iri, safe=':/')}"


def with_query(path: str, query: str) -> str:
    """Add ``query`` to the query of ``path``, before its fragment."""
    if not query:
        return path
    before, hash_, fragment = path.partition("#")
    return f"{before}{'&' if '?' in before else '?'}{query}{hash_}{fragment}"


class Links(Protocol):
    """Turns IRIs and page names into ``href`` values for one page in one language."""

    lang: Language

    def href(self, iri: str) -> str | None:
        """Where a link to ``iri`` goes; None when there is nothing to link to."""
        ...

    def page(self, name: str) -> str:
        """The ``href`` of a fixed page: ontology, shapes, scheme, dataset or stylesheet."""
        ...

    def switch(self, lang: Language) -> str:
        """The ``href`` of this very page in ``lang``."""
        ...

    def download(self, iri: str, extension: str) -> str | None:
        """The ``href`` of the document about ``iri`` in the format with ``extension``."""
        ...


class ServiceLinks:
    """Links for pages the service answers: root-relative, ``?lang=`` kept when it was given.

    ``described`` are the IRIs without a path of their own that a stored design describes:
    they link to ``/doc?uri=…``.
    """

    def __init__(
        self,
        bases: Sequence[str] = (BASE,),
        *,
        lang: Language = "nl",
        explicit: bool = False,
        current: str = "/",
        query: str = "",
        described: Collection[str] = frozenset(),
    ) -> None:
        self.bases = tuple(dict.fromkeys((*bases, BASE)))
        self.lang = lang
        self.described = described
        self._carry = f"lang={lang}" if explicit or lang != LANGUAGES[0] else ""
        self._current = current
        self._query = query

    def _local(self, path: str) -> str | None:
        return service_path(path)

    def href(self, iri: str) -> str | None:
        """Root-relative for our IRIs (``/id/`` goes straight to ``/doc/``) and for the IRIs a
        stored design describes (``/doc?uri=…``), else the IRI."""
        path = local_path(iri, self.bases)
        local = None if path is None else self._local(path)
        if local is not None:
            return with_query(local, self._carry)
        if iri in self.described:
            return with_query(about_path(iri), self._carry)
        if path is not None:
            return None
        return iri if iri.startswith(("http://", "https://")) else None

    def page(self, name: str) -> str:
        """Root-relative ``href`` of a fixed page."""
        paths = {
            "ontology": "/def",
            "shapes": "/shapes",
            "scheme": "/doc" + _SCHEME_PATH[len("/id") :],
            "dataset": "/.well-known/void",
            "stylesheet": "/assets/ketenontologie.css",
        }
        path = paths[name]
        return path if name == "stylesheet" else with_query(path, self._carry)

    def switch(self, lang: Language) -> str:
        """This page with ``?lang=`` set to ``lang`` and its other parameters kept."""
        kept = [p for p in self._query.split("&") if p and not p.startswith("lang=")]
        return with_query(self._current, "&".join([*kept, f"lang={lang}"]))

    def download(self, iri: str, extension: str) -> str | None:
        """``/doc/…/{ref}.{ext}``, ``/def.{ext}``, ``/shapes.{ext}`` or ``/doc.{ext}?uri=…`` for
        ``iri``."""
        path = local_path(iri, self.bases)
        if path is None or self._local(path) is None:
            return about_path(iri, extension) if iri in self.described else None
        local = self._local(path.partition("#")[0])
        if local is not None and local.startswith("/graph/"):
            return f"/dumps/{local[len('/graph/') :]}.{extension}"
        if local is None or local.startswith(("/dumps", "/.well-known/")):
            return None
        return f"{local}.{extension}"


class StaticLinks:
    """Links between the files of the static documentation (``dist/html``).

    ``here`` is the page's path inside the language's folder (``doc/pijler/P1.html``); Dutch
    pages sit at the top, English ones under ``en/``. Concept pages exist for ``pages`` only.
    """

    def __init__(self, here: str, *, lang: Language, pages: Collection[str]) -> None:
        self.here = here
        self.lang = lang
        self.pages = pages

    def _root(self, lang: Language) -> str:
        return "" if lang == LANGUAGES[0] else f"{lang}/"

    def _relative(self, target: str, *, lang: Language | None = None) -> str:
        start = posixpath.dirname(self._root(self.lang) + self.here) or "."
        return posixpath.relpath(self._root(lang or self.lang) + target, start)

    def href(self, iri: str) -> str | None:
        """File-relative for our IRIs that have a page here, else the IRI (or None)."""
        path = local_path(iri, (BASE,))
        if path is None:
            return iri if iri.startswith(("http://", "https://")) else None
        if path == "/def" or path.startswith("/def#"):
            return self._relative("index.html") + path[len("/def") :]
        if path.startswith("/def/"):
            return self._relative("index.html")
        if path == "/shapes" or path.startswith("/shapes#"):
            return self._relative("shapes.html") + path[len("/shapes") :]
        if path.startswith("/id/"):
            page = "doc/" + path[len("/id/") :] + ".html"
            return self._relative(page) if page in self.pages else None
        return None

    def page(self, name: str) -> str:
        """File-relative ``href`` of a fixed page (the dataset page is the ontology's)."""
        targets = {
            "ontology": "index.html",
            "shapes": "shapes.html",
            "scheme": "doc" + _SCHEME_PATH[len("/id") :] + ".html",
            "dataset": "index.html#downloads",
        }
        if name == "stylesheet":
            start = posixpath.dirname(self._root(self.lang) + self.here) or "."
            return posixpath.relpath("ketenontologie.css", start)
        return self._relative(targets[name])

    def switch(self, lang: Language) -> str:
        """The same page in the other language's folder."""
        return self._relative(self.here, lang=lang)

    def download(self, iri: str, extension: str) -> str | None:
        """The release files: ``ketenontologie.ttl``, ``shapes.ttl``, ``begrippenkader.ttl``."""
        path = local_path(iri, (BASE,))
        files = {"/def": "ketenontologie", "/shapes": "shapes", _SCHEME_PATH: "begrippenkader"}
        name = files.get((path or "").partition("#")[0])
        if name is None:
            return None
        start = posixpath.dirname(self._root(self.lang) + self.here) or "."
        return posixpath.relpath(f"../{name}.{extension}", start)
