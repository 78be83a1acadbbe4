"""rdflib's SPARQL processor, parsing each query text once per test run.

pySHACL, the reference the suite checks the compiled shapes against, hands every SPARQL-based
constraint to rdflib as text again for every design it validates, and rdflib's parser takes
most of that time. A parsed and translated query is rdflib's own reusable form (the one
``prepareQuery`` gives), so the answers are rdflib's as before; only the parsing is done once.
``tests/conftest.py`` registers this processor as rdflib's ``sparql`` plugin.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.processor import SPARQLProcessor
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Identifier


@functools.lru_cache(maxsize=4096)
def _prepared(text: str, base: str | None, namespaces: tuple[tuple[str, Any], ...]) -> Query:
    return translateQuery(parseQuery(text), base, dict(namespaces))


class OnceParsedSPARQL(SPARQLProcessor):
    """rdflib's processor; a query given as text is parsed the first time only."""

    def query(  # type: ignore[override]
        self,
        strOrQuery: str | Query,
        initBindings: Mapping[str, Identifier] | None = None,
        initNs: Mapping[str, Any] | None = None,
        base: str | None = None,
        DEBUG: bool = False,
    ) -> Mapping[str, Any]:
        if isinstance(strOrQuery, str):
            strOrQuery = _prepared(strOrQuery, base, tuple(sorted((initNs or {}).items())))
        return super().query(strOrQuery, initBindings, initNs, base, DEBUG)
