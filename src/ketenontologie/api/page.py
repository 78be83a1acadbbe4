"""``/``: the query page, YASGUI on ``/sparql`` with the named queries as examples, in nl and en.

YASGUI is served from this package (``static/yasgui``, see its README); the page and its
assets come from this service only and its ``Content-Security-Policy`` names no other origin.
The language is ``?lang=nl|en`` (any other value is refused), else the best of
``Accept-Language``, else Dutch (:func:`~ketenontologie.api.negotiation.choose_language`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any, Literal

import jinja2
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from ketenontologie.namespaces import PREFIXES
from ketenontologie.publication.words import Language
from ketenontologie.queries import NamedQuery

from .negotiation import choose_language

__all__ = ["CSP", "page_router", "query_page"]

CSP = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
"""The page's Content-Security-Policy: this service only, no other origin. Styles allow
``'unsafe-inline'`` because YASGUI's result table adds a ``<style>`` element of its own (for
resizable columns) and its editor sets style attributes; scripts never run inline."""

_TEXTS: Mapping[Language, Mapping[str, str]] = {
    "nl": {
        "title": "Ketenontologie — SPARQL",
        "tagline": "Bevraag de kennisgraaf van ketensturing: ontologie, begrippenkader, regels "
        "en ketenontwerpen.",
        "language": "Taal",
        "intro": "Schrijf hieronder een SPARQL-query en voer hem uit op deze dienst. De "
        "standaardgraaf is de vereniging van alle grafen, met de afgeleide triples: een "
        "escalatiepad is dus meteen tot het eind te volgen (keten:escalatesEventuallyTo).",
        "examples": "Voorbeeldvragen",
        "examples_help": "Elke knop opent een vaste vraag uit queries/ in een eigen tabblad en "
        "voert hem uit. Dezelfde vraag is ook als API-route te gebruiken.",
        "check": "controle, hoort leeg te zijn",
        "as_api": "als API",
        "tab": "Query",
        "noscript": "Deze pagina heeft JavaScript nodig. Zonder JavaScript kun je queries naar "
        "/sparql sturen met elk SPARQL-programma.",
        "footer": "Deze pagina en de editor (YASGUI) komen helemaal van deze dienst; er gaat "
        "niets naar andere sites.",
        "api": "API-documentatie",
        "ontology": "ontologie",
        "yasgui": "YASGUI-licentie",
        "start_comment": "# Alle ketens met hun naam",
    },
    "en": {
        "title": "Ketenontologie — SPARQL",
        "tagline": "Query the knowledge graph of chain governance: ontology, concept scheme, "
        "rules and chain designs.",
        "language": "Language",
        "intro": "Write a SPARQL query below and run it on this service. The default graph is "
        "the union of all graphs, inferred triples included, so an escalation path can be "
        "followed to its end at once (keten:escalatesEventuallyTo).",
        "examples": "Example questions",
        "examples_help": "Each button opens one of the fixed questions from queries/ in a tab "
        "of its own and runs it. The same question is also an API route.",
        "check": "check, should be empty",
        "as_api": "as API",
        "tab": "Query",
        "noscript": "This page needs JavaScript. Without it, send queries to /sparql with any "
        "SPARQL client.",
        "footer": "This page and its editor (YASGUI) come entirely from this service; nothing "
        "is sent to other sites.",
        "api": "API documentation",
        "ontology": "ontology",
        "yasgui": "YASGUI licence",
        "start_comment": "# Every chain with its name",
    },
}

_START = """PREFIX keten: <https://w3id.org/ketenontologie/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

SELECT ?chain ?name WHERE {
  ?chain a keten:Chain ;
         rdfs:label ?name .
  FILTER (LANG(?name) = "nl")
}
ORDER BY ?name
"""

_ASSETS: Mapping[str, tuple[str, str]] = {
    "yasgui/yasgui.min.js": ("yasgui/yasgui.min.js", "text/javascript; charset=utf-8"),
    "yasgui/yasgui.min.css": ("yasgui/yasgui.min.css", "text/css; charset=utf-8"),
    "yasgui/LICENSE.txt": ("yasgui/LICENSE.txt", "text/plain; charset=utf-8"),
    "yasgui/yasgui.min.js.LICENSE.txt": (
        "yasgui/yasgui.min.js.LICENSE.txt",
        "text/plain; charset=utf-8",
    ),
    "sparql/page.js": ("sparql/page.js", "text/javascript; charset=utf-8"),
    "sparql/page.css": ("sparql/page.css", "text/css; charset=utf-8"),
}
"""The files the page uses, by path under ``/assets/`` (nothing else is served from there)."""

_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


@cache
def _asset(path: str) -> bytes:
    return resources.files("ketenontologie.api").joinpath("static", path).read_bytes()


@cache
def _template() -> jinja2.Template:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("ketenontologie.api", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return environment.get_template("query-page.html")


def _examples(queries: Mapping[str, NamedQuery], lang: Language) -> list[dict[str, Any]]:
    examples = []
    for query in queries.values():
        parts = [part.strip() for part in query.summary.split(" / ", 1)]
        label = parts[0] if lang == "nl" or len(parts) == 1 else parts[1]
        required = {p.name: p.example or "" for p in query.parameters if p.required}
        examples.append(
            {
                "name": query.name,
                "label": label,
                "description": query.description,
                "check": query.is_violation_check,
                "href": f"/queries/{query.name}",
                "text": query.bind(required) if required else query.text,
            }
        )
    return examples


def query_page(
    request: Request,
    *,
    lang: str | None,
    queries: Mapping[str, NamedQuery] | None = None,
    unknown: Literal["ignore", "refuse"] = "ignore",
    vary: str | None = None,
) -> HTMLResponse:
    """The query page in the language ``lang`` or ``Accept-Language`` choose, with ``queries``
    (by default the application's) as examples; ``vary`` names a further header the answer
    depends on (``/sparql`` shows the page to a browser only)."""
    chosen = choose_language(lang, request.headers.get("accept-language"), unknown=unknown)
    texts = _TEXTS[chosen]
    base = str(request.base_url)
    examples = request.app.state.queries if queries is None else queries
    config = {
        "lang": chosen,
        "endpoint": f"{base}sparql",
        "prefixes": f"{base}assets/sparql/prefixes.json",
        "texts": {"tab": texts["tab"]},
        "start": f"{texts['start_comment']}\n{_START}",
        "queries": _examples(examples, chosen),
    }
    html = _template().render(lang=chosen, t=texts, config=config, assets="/assets/")
    return HTMLResponse(
        html,
        headers={
            **_HEADERS,
            "Vary": ", ".join(filter(None, (vary, "Accept-Language"))),
            "Content-Language": chosen,
        },
    )


def page_router(queries: Mapping[str, NamedQuery]) -> APIRouter:
    """The page and its assets, with ``queries`` as the example buttons."""
    router = APIRouter(include_in_schema=False)

    @router.get("/")
    async def page(request: Request, lang: str | None = None) -> HTMLResponse:
        """The query page in the chosen language."""
        return query_page(request, lang=lang, queries=queries, unknown="refuse")

    @router.get("/assets/sparql/prefixes.json")
    async def prefixes() -> Response:
        """The prefixes the editor completes, in prefix.cc's format."""
        return Response(
            json.dumps(PREFIXES, indent=1).encode(),
            media_type="application/json",
            headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"},
        )

    for path, (file, media_type) in _ASSETS.items():
        router.add_api_route(
            f"/assets/{path}", _asset_endpoint(file, media_type), methods=["GET", "HEAD"]
        )
    return router


def _asset_endpoint(file: str, media_type: str) -> Any:
    async def asset() -> Response:
        return Response(
            _asset(file),
            media_type=media_type,
            headers={"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"},
        )

    asset.__doc__ = f"The page's asset {file}."
    return asset
