"""Render the pages: Jinja2 templates from ``ketenontologie/templates``, escaped, no scripts.

>>> from ketenontologie.publication.links import ServiceLinks
>>> html = render_page(
...     "not_found.html", links=ServiceLinks(), title="x", path="/x", message=None, suggestions=[]
... )
>>> html.startswith("<!DOCTYPE html>")
True
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from ketenontologie.publication.formats import RDF_FORMATS
from ketenontologie.publication.links import Links
from ketenontologie.publication.words import words

__all__ = ["Download", "downloads_for", "environment", "render_page", "stylesheet"]

STYLESHEET = "ketenontologie.css"


@dataclass(frozen=True, slots=True)
class Download:
    """A link to one representation: its label, ``href`` and media type."""

    label: str
    href: str
    media_type: str


def _templates_dir() -> str:
    return str(files("ketenontologie") / "templates")


@functools.cache
def environment() -> Environment:
    """The Jinja2 environment: autoescaping on, undefined names are errors."""
    return Environment(
        loader=FileSystemLoader(_templates_dir()),
        autoescape=select_autoescape(["html"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def stylesheet() -> bytes:
    """The one stylesheet of the pages."""
    return (files("ketenontologie") / "templates" / STYLESHEET).read_bytes()


def downloads_for(links: Links, iri: str) -> list[Download]:
    """The RDF representations of the document about ``iri``, where there are any."""
    found = []
    for fmt in RDF_FORMATS:
        href = links.download(iri, fmt.extension)
        if href is not None:
            found.append(Download(fmt.label, href, fmt.media_type))
    return found


def render_page(
    template: str,
    *,
    links: Links,
    title: str,
    section: str = "",
    alternates: Sequence[Download] = (),
    files: Sequence[Download] = (),
    **context: Any,
) -> str:
    """Render ``template`` with the page frame: language switch, navigation, alternates."""
    return (
        environment()
        .get_template(template)
        .render(
            lang=links.lang,
            t=words(links.lang),
            links=links,
            title=title,
            section=section,
            alternates=list(alternates),
            files=list(files),
            **context,
        )
    )
