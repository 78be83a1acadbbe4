"""Design graphs and inferred graphs are written only through ``/designs``.

A design's graph (``…/graph/ontwerp/{id}``) and the inferred graphs (``…/graph/afgeleid``,
``…/graph/afgeleid/{id}``) must change together with the reasoning state, or the inferred triples
go stale. So the SPARQL Update endpoint and the Graph Store Protocol refuse to write them, with
a 400 that points at ``/designs``; reading them is free.

For an update, every operation is checked for the graphs it may *write*: the ``GRAPH`` IRIs in
``INSERT DATA``/``DELETE DATA``/``DELETE WHERE`` and in ``INSERT``/``DELETE`` templates, ``WITH``,
and the targets of ``CLEAR``, ``DROP``, ``CREATE``, ``ADD``, ``COPY`` and ``MOVE`` (and ``MOVE``'s
source, which it empties). What cannot be known before running — a template's ``GRAPH ?g`` —
is refused too, and so is ``CLEAR``/``DROP`` ``ALL`` or ``NAMED`` while designs are stored.
``WHERE`` clauses may read any graph.

An update may also not *read* a graph the store does not hold, just as a query's ``FROM`` may
not (:func:`ketenontologie.store.run_query`): ``USING``, ``USING NAMED`` and the protocol's
``using-graph-uri``/``using-named-graph-uri`` must name a stored graph, or one an earlier
operation of the same request writes; otherwise 400 ``unknown-graph``. Nothing would be
fetched, but the update would silently change nothing. ``WITH <g>`` names the graph an
operation writes, and may name a new one when the operation inserts (the insert creates it);
an operation that only deletes, with no ``USING``, reads and deletes only in ``<g>``, so there
``<g>`` must be stored too.

>>> check_update("INSERT DATA { GRAPH <https://example.org/g> { <a:b> <a:c> <a:d> } }")
>>> check_update("DROP ALL")
>>> check_update("DROP ALL", stored=[design_graph("loonaangifteketen")])
Traceback (most recent call last):
...
ketenontologie.errors.DesignGraphWriteError: DROP ALL would also remove ...
>>> check_update("INSERT { ?s ?p ?o } USING <https://example.org/elders> WHERE { ?s ?p ?o }")
Traceback (most recent call last):
...
ketenontologie.errors.UnknownGraphError: <https://example.org/elders> is not a graph in this ...
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urljoin

from ketenontologie.errors import DesignGraphWriteError, UnknownGraphError
from ketenontologie.namespaces import design_graph, is_inferred
from ketenontologie.sparql.text import Prologue, Token, tokenize

__all__ = ["check_graph_write", "check_update", "is_protected"]

_DESIGNS = design_graph("")


def is_protected(graph: object) -> bool:
    """True for a design graph or an inferred graph (written only through ``/designs``)."""
    return isinstance(graph, str) and (graph.startswith(_DESIGNS) or is_inferred(graph))


def _refuse_graph(graph: str) -> DesignGraphWriteError:
    what = "a design" if graph.startswith(_DESIGNS) else "triples inferred by the reasoner"
    design = graph.rsplit("/", 1)[-1] if graph.startswith(_DESIGNS) else "{id}"
    return DesignGraphWriteError(
        f"<{graph}> holds {what}, and is written only through /designs, which validates a "
        "design and keeps its inferred triples right (deze graaf wijzig je via /designs). "
        f"PUT /designs/{design} to store or replace a design, DELETE /designs/{design} to "
        "remove it."
    )


def check_graph_write(graph: object) -> None:
    """Refuse a Graph Store Protocol write to a design or inferred graph."""
    if isinstance(graph, str) and is_protected(graph):
        raise _refuse_graph(graph)


def check_update(
    text: str,
    *,
    base_iri: str | None = None,
    stored: Iterable[str] = (),
    parameters: Iterable[str] = (),
) -> None:
    """Refuse an update that may write a design or inferred graph, or reads an unknown graph.

    ``stored`` are the graphs in the store (``CLEAR ALL`` is fine on a store without designs;
    ``USING`` must name one of them). ``parameters`` are the graphs of the request's
    ``using-graph-uri``/``using-named-graph-uri`` (already added to ``text`` by
    :func:`ketenontologie.sparql.text.add_using`), so that a refusal names the parameter. Syntax
    errors are left to the store's parser: an operation this check does not recognise is not
    refused here.
    """
    stored = set(stored)
    holds_designs = any(is_protected(graph) for graph in stored)
    known = set(stored)
    tokens = tokenize(text)
    prologue = Prologue(base_iri)
    given = {urljoin(base_iri, iri) if base_iri else iri for iri in parameters}
    index = 0
    while index < len(tokens):
        index = prologue.read(tokens, index)
        operation: list[Token] = []
        depth = 0
        while index < len(tokens):
            token = tokens[index]
            index += 1
            depth += token.text == "{"
            depth -= token.text == "}"
            if depth == 0 and token.text == ";":
                break
            operation.append(token)
        if operation:
            _check_operation(operation, prologue, holds_designs=holds_designs)
            _check_reads(operation, prologue, known=known, parameters=given)
            known |= _written(operation, prologue)
    unused = sorted(given - known)  # a parameter no operation used (INSERT DATA only, say)
    if unused:
        raise _unknown_parameter(unused[0])


def _unknown_parameter(iri: str) -> UnknownGraphError:
    return UnknownGraphError(
        iri,
        hint="The request's using-graph-uri or using-named-graph-uri parameter names it, so "
        "the update would read nothing from it and silently change nothing; nothing is ever "
        "fetched from the web. Name a stored graph there (GET /graphs lists them), or store "
        "the data first (PUT /graphs?graph=...).",
    )


def _check_reads(
    operation: list[Token], prologue: Prologue, *, known: set[str], parameters: set[str]
) -> None:
    """Refuse ``USING``/``USING NAMED`` (and a deleting ``WITH``) naming an unknown graph."""
    keywords = [token.keyword for token in operation]
    if keywords[0] not in ("INSERT", "DELETE", "WITH"):
        return
    if len(keywords) > 1 and keywords[1] in ("DATA", "WHERE"):
        return
    depth = 0
    using = False
    inserts = False
    for position, token in enumerate(operation):
        depth += token.text == "{"
        depth -= token.text == "}"
        if depth != 0:
            continue
        if token.keyword == "INSERT":
            inserts = True
        elif token.keyword == "WHERE":
            break
        elif token.keyword == "USING":
            using = True
            target = position + 1
            named = target < len(operation) and operation[target].keyword == "NAMED"
            target += named
            iri = prologue.resolve(operation[target]) if target < len(operation) else None
            if iri is None or iri in known:
                continue
            if iri in parameters:
                raise _unknown_parameter(iri)
            clause = "USING NAMED" if named else "USING"
            raise UnknownGraphError(
                iri,
                hint=f"{clause} <{iri}> would read nothing from it, so the update would "
                "silently change nothing; nothing is ever fetched from the web. Name a stored "
                "graph (GET /graphs lists them), store the data first (PUT /graphs?graph=...), "
                f"or write it in an earlier operation of the same request; or leave {clause} "
                "out to read the service's default graph.",
            )
    if keywords[0] == "WITH" and not using and not inserts and len(operation) > 1:
        iri = prologue.resolve(operation[1])
        if iri is not None and iri not in known:
            raise UnknownGraphError(
                iri,
                hint=f"WITH <{iri}> in an operation that only deletes reads and deletes in "
                "that graph alone, so the update would silently change nothing. Name a stored "
                "graph (GET /graphs lists them). (WITH may name a new graph when the operation "
                "inserts: the insert creates it.)",
            )


def _written(operation: list[Token], prologue: Prologue) -> set[str]:
    """Graphs the operation may create or add to (an over-estimate is harmless here)."""
    keywords = [token.keyword for token in operation]
    first = keywords[0]
    written: set[str] = set()

    def add(position: int) -> None:
        if position < len(operation):
            iri = prologue.resolve(operation[position])
            if iri is not None:
                written.add(iri)

    if first == "CREATE":
        add(3 if len(keywords) > 1 and keywords[1] == "SILENT" else 2)
    elif first in ("ADD", "COPY", "MOVE") and "TO" in keywords:
        to = keywords.index("TO")
        add(to + 2 if to + 1 < len(keywords) and keywords[to + 1] == "GRAPH" else to + 1)
    elif first in ("INSERT", "WITH", "DELETE"):
        if first == "WITH" and "INSERT" in keywords:
            add(1)
        depth = 0
        template = False
        for position, token in enumerate(operation):
            if depth == 0 and token.keyword == "INSERT":
                template = True
            elif depth == 0 and token.keyword in ("DELETE", "USING", "WHERE"):
                template = False
            depth += token.text == "{"
            depth -= token.text == "}"
            if template and depth > 0 and token.keyword == "GRAPH":
                add(position + 1)
    return written


def _check_operation(operation: list[Token], prologue: Prologue, *, holds_designs: bool) -> None:
    keywords = [token.keyword for token in operation]
    first = keywords[0]

    def target(position: int) -> None:
        if position < len(operation):
            iri = prologue.resolve(operation[position])
            if iri is not None and is_protected(iri):
                raise _refuse_graph(iri)

    position = 2 if len(keywords) > 1 and keywords[1] == "SILENT" else 1
    if first in ("CLEAR", "DROP"):
        scope = keywords[position] if position < len(keywords) else None
        if scope in ("ALL", "NAMED") and holds_designs:
            raise DesignGraphWriteError(
                f"{first} {scope} would also remove the designs and their inferred triples, "
                "which are written only through /designs (ontwerpen verwijder je via /designs). "
                f"{first} the graphs you mean one by one (GRAPH <iri>), and remove designs with "
                "DELETE /designs/{id}."
            )
        if scope == "GRAPH":
            target(position + 1)
    elif first == "CREATE":
        target(position + 1)
    elif first in ("ADD", "COPY", "MOVE"):
        to = keywords.index("TO") if "TO" in keywords else len(keywords)
        if first == "MOVE":
            target(position + 1 if keywords[position] == "GRAPH" else position)
        target(to + 2 if to + 1 < len(keywords) and keywords[to + 1] == "GRAPH" else to + 1)
    elif first in ("INSERT", "DELETE", "WITH"):
        _check_modify(operation, keywords, prologue)


def _check_modify(operation: list[Token], keywords: list[str | None], prologue: Prologue) -> None:
    start = 0
    if keywords[0] == "WITH":
        iri = prologue.resolve(operation[1]) if len(operation) > 1 else None
        if iri is not None and is_protected(iri):
            raise _refuse_graph(iri)
        start = 2
    depth = 0
    writing = False
    for position in range(start, len(operation)):
        token = operation[position]
        if depth == 0 and token.keyword in ("INSERT", "DELETE"):
            writing = True
        elif depth == 0 and token.keyword in ("USING", "WHERE") and keywords[start + 1] != "WHERE":
            return  # the rest reads
        if token.text == "{":
            depth += 1
        elif token.text == "}":
            depth -= 1
        elif writing and depth > 0 and token.keyword == "GRAPH" and position + 1 < len(operation):
            graph = operation[position + 1]
            if graph.kind == "var":
                raise DesignGraphWriteError(
                    f"The update writes to a graph named by a variable (GRAPH {graph.text}), "
                    "which could be a design graph whose inferred triples would then go stale. "
                    "Name the graph you write with an IRI; designs are written through /designs."
                )
            iri = prologue.resolve(graph)
            if iri is not None and is_protected(iri):
                raise _refuse_graph(iri)
