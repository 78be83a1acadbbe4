"""The redirect rules for the w3id.org registry (its ``.htaccess`` form).

Every IRI under ``https://w3id.org/ketenontologie/`` is forwarded, path and query string kept,
to the service at ``target``, which negotiates formats itself. The rules are generated, never
edited: ``ketenontologie publish w3id`` writes ``docs/w3id/.htaccess``.

>>> print(htaccess("https://ketens.example.nl").splitlines()[-1])
RewriteRule ^$ https://ketens.example.nl/def [R=302,L]
>>> "PLACEHOLDER" in htaccess(DEFAULT_TARGET), "PLACEHOLDER" in htaccess("https://ketens.nl")
(True, False)
"""

from __future__ import annotations

from pathlib import Path

from ketenontologie.errors import InputError
from ketenontologie.publication.formats import FORMATS

__all__ = ["DEFAULT_TARGET", "HTACCESS_PATH", "htaccess", "write_htaccess"]

DEFAULT_TARGET = "https://ketenontologie.example.org"
"""A placeholder (``example.org`` never resolves) until the service has a public address. The
committed ``docs/w3id/.htaccess`` is generated with it and says so in its header; for the
registry, generate the file with ``ketenontologie publish w3id --target https://<host>`` (and,
once the address is settled, make it the default here so the committed file stays the real
one)."""

_PLACEHOLDER_NOTE = """\
#
# PLACEHOLDER: {target} is not a real host. Do not send this file to
# w3id.org as it is: generate it for the service's public address with
#   ketenontologie publish w3id --target https://<host>
# (docs/publication.md, "w3id.org", has the steps).
#
"""

HTACCESS_PATH = Path("docs") / "w3id" / ".htaccess"
"""Where the committed copy of the rules lives, relative to the repository root."""


def htaccess(target: str = DEFAULT_TARGET) -> str:
    """The ``.htaccess`` rules that forward every IRI of the project to ``target``."""
    target = target.rstrip("/")
    if not target.startswith(("https://", "http://")) or any(c in target for c in " $\\\n"):
        raise InputError(
            f"{target!r} is not a usable service address. Give an absolute http(s) URL "
            "without spaces, such as https://ketens.example.nl."
        )
    extensions = "|".join(fmt.extension for fmt in FORMATS)
    formats = rf"(\.({extensions}))?"
    note = _PLACEHOLDER_NOTE.format(target=target) if target == DEFAULT_TARGET else ""
    return f"""\
# Redirect rules for https://w3id.org/ketenontologie/ (generated, do not edit by hand:
# run `ketenontologie publish w3id --target URL`). This file goes into the ketenontologie/
# folder of the w3id.org repository.
#
# Service: {target}
{note}# The service answers every path itself: HTML or RDF by Accept header or extension, Dutch or
# English by Accept-Language or ?lang=, and 303 See Other from /id/... to /doc/.... So w3id
# only forwards, and Apache keeps the query string.
Options +FollowSymLinks
RewriteEngine on

# The ontology (/def#Term), its version IRIs (/def/0.1.0) and the service vocabulary
# (/def/service#truncated)
RewriteRule ^def{formats}$ {target}/def$1 [R=302,L]
RewriteRule ^def/([^/]+)$ {target}/def/$1 [R=302,L]

# The rules (/shapes#KS-R05) and their version IRIs (/shapes/0.2.0)
RewriteRule ^shapes{formats}$ {target}/shapes$1 [R=302,L]
RewriteRule ^shapes/([^/]+)$ {target}/shapes/$1 [R=302,L]

# Things and the documents about them
RewriteRule ^id/(.+)$ {target}/id/$1 [R=302,L]
RewriteRule ^doc/(.+)$ {target}/doc/$1 [R=302,L]

# The named graphs (their triples, or a page about them)
RewriteRule ^graph/(.+)$ {target}/graph/$1 [R=302,L]

# The dataset description, the dumps and the SPARQL endpoint (307 keeps a POST a POST)
RewriteRule ^\\.well-known/void{formats}$ {target}/.well-known/void$1 [R=302,L]
RewriteRule ^dumps(/.*)?$ {target}/dumps$1 [R=302,L]
RewriteRule ^sparql(/update)?$ {target}/sparql$1 [R=307,L]

# The bare namespace: the ontology
RewriteRule ^$ {target}/def [R=302,L]
"""


def write_htaccess(path: str | Path = HTACCESS_PATH, *, target: str = DEFAULT_TARGET) -> Path:
    """Write the rules for ``target`` to ``path`` (creating its folder) and return the path."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(htaccess(target), encoding="utf-8")
    return out
