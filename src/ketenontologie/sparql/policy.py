"""What a query or update may do here, decided on its parsed algebra (:mod:`.algebra`).

* Nothing reaches outside: ``SERVICE`` and ``LOAD`` are refused, and ``FROM``, ``FROM NAMED``,
  ``USING`` and the protocol's dataset parameters may only name graphs the store holds.
* A design's graph (``…/graph/ontwerp/{id}``), the inferred graphs (``…/graph/afgeleid``,
  ``…/graph/afgeleid/{id}``), the designs' earlier versions and histories
  (``…/graph/versie/…``) and the store's own management graphs (``…/graph/beheer/…``) are
  written only by the service itself: designs through ``/designs``, which keeps their inferred
  triples right. The SPARQL Update endpoint and the Graph Store Protocol refuse to write them,
  with a 400 that points at ``/designs``; reading designs is free.
* An update may not *read* a graph the store does not hold (``USING``, ``USING NAMED``, the
  protocol's ``using-graph-uri``/``using-named-graph-uri``), unless an earlier operation of the
  same request writes it: nothing would be fetched, but the update would silently change
  nothing. ``WITH <g>`` may name a new graph when the operation inserts (the insert creates it),
  a stored one when it only deletes.
* On a server with extension functions of its own (Virtuoso's ``bif:`` and ``sql:``), queries
  may call only the functions the store allows.
* A query may not build values that grow past :data:`~ketenontologie.bounds.MAX_VALUE_GROWTH`
  times the values they start from (``CONCAT`` of a value with itself, step after step): the
  store would build them before any bound on the answer could stop it.

>>> from ketenontologie.sparql.algebra import update_facts
>>> check_update(
...     update_facts("INSERT DATA { GRAPH <https://example.org/g> { <a:b> <a:c> <a:d> } }")
... )
>>> check_update(update_facts("DROP ALL"), stored=[design_graph("loonaangifteketen")])
Traceback (most recent call last):
...
ketenontologie.errors.DesignGraphWriteError: DROP ALL would also remove ...
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence

from ketenontologie.bounds import MAX_VALUE_GROWTH
from ketenontologie.errors import (
    DesignGraphWriteError,
    ForbiddenOperationError,
    QueryTooCostlyError,
    UnknownGraphError,
)
from ketenontologie.namespaces import ADMIN_GRAPH, design_graph, is_inferred, is_version
from ketenontologie.sparql.algebra import ALL, DEFAULT, NAMED, VARIABLE, Operation, QueryFacts

__all__ = ["check_graph_write", "check_query", "check_update", "is_protected"]

_DESIGNS = design_graph("")

FunctionFilter = Callable[[str], bool]
"""Says whether a query may call the extension function with this IRI."""


def is_protected(graph: object) -> bool:
    """True for a design graph, an inferred graph, a version or history of a design, or a
    management graph of the store."""
    return isinstance(graph, str) and (
        graph.startswith((_DESIGNS, ADMIN_GRAPH)) or is_inferred(graph) or is_version(graph)
    )


def check_graph_write(graph: object) -> None:
    """Refuse a Graph Store Protocol write to a design, inferred or management graph."""
    if isinstance(graph, str) and is_protected(graph):
        raise _refuse_graph(graph)


def check_query(
    facts: QueryFacts,
    *,
    stored: Collection[str] | None = None,
    dataset: Sequence[str] = (),
    functions: FunctionFilter | None = None,
) -> None:
    """Refuse a query that reaches outside or names graphs that are not stored.

    ``stored`` are the store's graphs (None: do not check names); ``dataset`` the graphs the
    request's ``default-graph-uri``/``named-graph-uri`` parameters name; ``functions`` says
    which extension functions may be called (None: any the store itself evaluates).
    """
    if facts.services:
        raise _refused("SERVICE", "query")
    if facts.growth > MAX_VALUE_GROWTH:
        raise QueryTooCostlyError(growth=facts.growth, limit=MAX_VALUE_GROWTH)
    if stored is not None:
        named = dataset or (*facts.default_graphs, *facts.named_graphs)
        for graph in named:
            if graph not in stored:
                raise UnknownGraphError(graph)
    _check_functions(facts.functions, functions)


def check_update(
    operations: Iterable[Operation],
    *,
    stored: Iterable[str] = (),
    parameters: Iterable[str] = (),
    functions: FunctionFilter | None = None,
) -> None:
    """Refuse an update that reaches outside, writes a protected graph or reads an unknown one.

    ``stored`` are the graphs in the store (``CLEAR ALL`` is fine on a store without designs;
    ``USING`` must name one of them). ``parameters`` are the graphs of the request's
    ``using-graph-uri``/``using-named-graph-uri`` (already added to the update as ``USING``
    clauses), so that a refusal names the parameter.
    """
    known = set(stored)
    holds_designs = any(is_protected(graph) for graph in known)
    given = set(parameters)
    used: set[str] = set()
    for operation in operations:
        if operation.kind == "LOAD":
            raise _refused("LOAD", "update")
        if operation.services:
            raise _refused("SERVICE", "update")
        if operation.growth > MAX_VALUE_GROWTH:
            raise QueryTooCostlyError(growth=operation.growth, limit=MAX_VALUE_GROWTH)
        _check_functions(operation.functions, functions)
        _check_writes(operation, holds_designs=holds_designs)
        _check_reads(operation, known=known, parameters=given)
        used.update(operation.using)
        known.update(g for g in operation.writes if g not in (DEFAULT, ALL, NAMED, VARIABLE))
    unused = sorted(given - used)  # a parameter no operation used (INSERT DATA only, say)
    if unused:
        raise _unknown_parameter(unused[0])


def _check_writes(operation: Operation, *, holds_designs: bool) -> None:
    for graph in operation.writes:
        if graph == VARIABLE:
            raise DesignGraphWriteError(
                "The update writes to a graph named by a variable (GRAPH ?g), which could be a "
                "design graph whose inferred triples would then go stale. Name the graph you "
                "write with an IRI; designs are written through /designs."
            )
        if graph in (ALL, NAMED) and holds_designs:
            raise DesignGraphWriteError(
                f"{operation.kind} {graph} would also remove the designs and their inferred "
                "triples, which are written only through /designs (ontwerpen verwijder je via "
                f"/designs). {operation.kind} the graphs you mean one by one (GRAPH <iri>), and "
                "remove designs with DELETE /designs/{id}."
            )
        if is_protected(graph):
            raise _refuse_graph(graph)


def _check_reads(operation: Operation, *, known: set[str], parameters: set[str]) -> None:
    for graph in operation.using:
        if graph in known:
            continue
        if graph in parameters:
            raise _unknown_parameter(graph)
        raise UnknownGraphError(
            graph,
            hint=f"USING <{graph}> would read nothing from it, so the update would silently "
            "change nothing; nothing is ever fetched from the web. Name a stored graph (GET "
            "/graphs lists them), store the data first (PUT /graphs?graph=...), or write it in "
            "an earlier operation of the same request; or leave USING out to read the "
            "service's default graph.",
        )
    target = operation.with_graph
    if target is not None and not operation.using and not operation.inserts and target not in known:
        raise UnknownGraphError(
            target,
            hint=f"WITH <{target}> in an operation that only deletes reads and deletes in that "
            "graph alone, so the update would silently change nothing. Name a stored graph "
            "(GET /graphs lists them). (WITH may name a new graph when the operation inserts: "
            "the insert creates it.)",
        )


def _check_functions(called: Iterable[str], allowed: FunctionFilter | None) -> None:
    if allowed is None:
        return
    for iri in called:
        if not allowed(iri):
            raise ForbiddenOperationError(
                f"The query calls the function <{iri}>, which this service does not offer "
                "(deze functie is niet beschikbaar): only SPARQL's own functions and XSD casts "
                "run here. Remove the call and try again."
            )


def _refused(what: str, where: str) -> ForbiddenOperationError:
    if what == "SERVICE":
        return ForbiddenOperationError(
            f"The {where} uses SERVICE, and this service never sends requests to other "
            "endpoints (SERVICE wordt niet uitgevoerd). Query the other endpoint yourself and "
            "combine the results, or remove the SERVICE clause."
        )
    return ForbiddenOperationError(
        f"The {where} uses LOAD, and this service never fetches documents from the web (LOAD "
        "wordt niet uitgevoerd). Upload the data with the Graph Store Protocol (PUT or POST "
        "/graphs?graph=...) instead."
    )


def _unknown_parameter(iri: str) -> UnknownGraphError:
    return UnknownGraphError(
        iri,
        hint="The request's using-graph-uri or using-named-graph-uri parameter names it, so "
        "the update would read nothing from it and silently change nothing; nothing is ever "
        "fetched from the web. Name a stored graph there (GET /graphs lists them), or store "
        "the data first (PUT /graphs?graph=...).",
    )


def _refuse_graph(graph: str) -> DesignGraphWriteError:
    if graph.startswith(ADMIN_GRAPH):
        return DesignGraphWriteError(
            f"<{graph}> is a graph the store keeps for its own bookkeeping, and only the "
            "service writes it (deze graaf is van de opslag zelf). Write your data to a graph "
            "of your own."
        )
    if is_version(graph):
        return DesignGraphWriteError(
            f"<{graph}> holds an earlier version or the history of a design, which the service "
            "keeps as it was stored and writes only when a design is replaced or deleted "
            "through /designs (deze graaf is de geschiedenis van een ontwerp). Write your data "
            "to a graph of your own."
        )
    what = "a design" if graph.startswith(_DESIGNS) else "triples inferred by the reasoner"
    design = graph.rsplit("/", 1)[-1] if graph.startswith(_DESIGNS) else "{id}"
    return DesignGraphWriteError(
        f"<{graph}> holds {what}, and is written only through /designs, which validates a "
        "design and keeps its inferred triples right (deze graaf wijzig je via /designs). "
        f"PUT /designs/{design} to store or replace a design, DELETE /designs/{design} to "
        "remove it."
    )
