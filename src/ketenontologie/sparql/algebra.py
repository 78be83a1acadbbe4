"""What a query or update does, read from its parsed algebra (not from its text).

The service decides what it refuses — ``SERVICE``, ``LOAD``, graphs that are not stored, writes
to graphs that belong to ``/designs``, a database's own extension functions — on the SPARQL
algebra of a real parser, so that no spelling (escapes, comments, prefixed names) can hide an
operation from the decision. Parsing is costly for large queries, so it runs where queries run:
in a worker process under the time limit (:mod:`ketenontologie.store.workers`), after
:func:`~ketenontologie.sparql.text.check_bounds` has bounded the text's size and nesting.

>>> text = "SELECT * FROM <g> { SERVICE <http://x/sparql> { ?s ?p ?o } }"
>>> facts = query_facts(text, base_iri="https://example.org/")
>>> facts.form, facts.default_graphs, facts.services
('SELECT', ('https://example.org/g',), ('http://x/sparql',))
>>> [op.kind for op in update_facts("CLEAR ALL; INSERT DATA { <a:s> <a:p> <a:o> }")]
['CLEAR', 'INSERT DATA']
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ketenontologie.errors import SparqlSyntaxError
from ketenontologie.sparql.text import QueryForm

__all__ = [
    "ALL",
    "DEFAULT",
    "NAMED",
    "Operation",
    "QueryFacts",
    "query_facts",
    "update_facts",
    "warm",
]

DEFAULT = "DEFAULT"
"""The default graph, where an operation names it."""
ALL = "ALL"
"""Every graph (``CLEAR ALL``, ``DROP ALL``)."""
NAMED = "NAMED"
"""Every named graph (``CLEAR NAMED``, ``DROP NAMED``)."""
VARIABLE = "?"
"""A graph named by a variable, known only when the operation runs."""

_FORMS: dict[str, QueryForm] = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}


@dataclass(frozen=True, slots=True)
class QueryFacts:
    """What a parsed query asks for: its form, its own dataset, services and functions."""

    form: QueryForm
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    """The endpoints of ``SERVICE`` clauses (``?`` for one named by a variable)."""
    functions: tuple[str, ...] = ()
    """The IRIs of the extension functions the query calls (not SPARQL's own)."""

    @property
    def has_dataset(self) -> bool:
        """True when the query names its own dataset with ``FROM`` or ``FROM NAMED``."""
        return bool(self.default_graphs or self.named_graphs)


@dataclass(frozen=True, slots=True)
class Operation:
    """One operation of a parsed update and the graphs it touches.

    ``writes`` are the graphs it may change (also a ``MOVE`` source, which it empties):
    IRIs, :data:`DEFAULT`, :data:`ALL`, :data:`NAMED` or :data:`VARIABLE`. ``using`` are the
    graphs of its ``USING``/``USING NAMED`` clauses, ``with_graph`` its ``WITH`` graph, and
    ``inserts`` whether it adds triples (an insert creates the graph it writes to).
    """

    kind: str
    writes: tuple[str, ...] = ()
    using: tuple[str, ...] = ()
    with_graph: str | None = None
    inserts: bool = False
    services: tuple[str, ...] = ()
    functions: tuple[str, ...] = ()
    source: str | None = None
    """What ``LOAD`` would fetch."""


def warm() -> None:
    """Load the parser and build its grammar now, not on a worker's first query."""
    query_facts("ASK {}")
    update_facts("INSERT DATA {}")


def query_facts(text: str, *, base_iri: str | None = None) -> QueryFacts:
    """Parse a query and say what it asks for; :class:`SparqlSyntaxError` if it cannot be read."""
    return _query_facts(text, base_iri)


def update_facts(text: str, *, base_iri: str | None = None) -> tuple[Operation, ...]:
    """Parse an update and list its operations; :class:`SparqlSyntaxError` if it cannot be read."""
    return _update_facts(text, base_iri)


@functools.lru_cache(maxsize=512)
def _query_facts(text: str, base_iri: str | None) -> QueryFacts:
    from rdflib.plugins.sparql import algebra, parser

    try:
        parsed = algebra.translateQuery(parser.parseQuery(text), base=base_iri)
    except Exception as error:  # pyparsing and rdflib raise many kinds; all mean "unreadable"
        raise _unreadable("query", error) from None
    root = parsed.algebra
    form = _FORMS.get(root.name)
    if form is None:  # pragma: no cover - the parser only makes these four
        raise SparqlSyntaxError(f"The query has an unknown form ({root.name}).")
    default: list[str] = []
    named: list[str] = []
    for clause in _field(root, "datasetClause") or ():
        if _field(clause, "default") is not None:
            default.append(_iri(clause["default"]))
        if _field(clause, "named") is not None:
            named.append(_iri(clause["named"]))
    services, functions = _calls(root)
    return QueryFacts(form, tuple(default), tuple(named), services, functions)


@functools.lru_cache(maxsize=128)
def _update_facts(text: str, base_iri: str | None) -> tuple[Operation, ...]:
    from rdflib.plugins.sparql import algebra, parser

    try:
        parsed = algebra.translateUpdate(parser.parseUpdate(text), base=base_iri)
    except Exception as error:  # pyparsing and rdflib raise many kinds; all mean "unreadable"
        raise _unreadable("update", error) from None
    # An update of only comments (or nothing) is valid and does nothing: rdflib gives a list.
    return tuple(_operation(op) for op in getattr(parsed, "algebra", ()))


def _operation(op: Any) -> Operation:
    name = op.name
    if name == "Load":
        target = _field(op, "graphiri")
        return Operation(
            "LOAD",
            writes=(_graph(target) if target is not None else DEFAULT,),
            source=_iri(op["iri"]),
        )
    if name in ("Clear", "Drop", "Create"):
        return Operation(name.upper(), writes=(_graph(op["graphiri"]),))
    if name in ("Add", "Move", "Copy"):
        source, target = (_graph(g) for g in op["graph"])
        return Operation(name.upper(), writes=(source, target) if name == "Move" else (target,))
    if name in ("InsertData", "DeleteData", "DeleteWhere"):
        kind = {"InsertData": "INSERT DATA", "DeleteData": "DELETE DATA"}.get(name, "DELETE WHERE")
        return Operation(
            kind, writes=_quad_graphs(op, default=DEFAULT), inserts=name == "InsertData"
        )
    # Modify: WITH, DELETE/INSERT templates, USING, WHERE
    with_graph = _iri(op["withClause"]) if _field(op, "withClause") is not None else None
    default = with_graph or DEFAULT
    written: tuple[str, ...] = ()
    for clause in (_field(op, "delete"), _field(op, "insert")):
        if clause is not None:
            written += _quad_graphs(clause, default=default)
    using = tuple(
        _iri(clause["default"] if _field(clause, "default") is not None else clause["named"])
        for clause in _field(op, "using") or ()
    )
    services, functions = _calls(_field(op, "where"))
    return Operation(
        "MODIFY",
        writes=tuple(dict.fromkeys(written)),
        using=using,
        with_graph=with_graph,
        inserts=_field(op, "insert") is not None,
        services=services,
        functions=functions,
    )


_LOCAL_ESCAPE = re.compile(r"\\([_~.!$&'()*+,;=/?#@%-])")


def _iri(term: Any) -> str:
    """The IRI a term names, as the store reads it: rdflib keeps the backslash of an escaped
    character in a prefixed name's local part (``g:ontwerp\\/x``), the store drops it."""
    return _LOCAL_ESCAPE.sub(r"\1", str(term))


def _field(node: Any, key: str) -> Any:
    """A field of an algebra node, or None (rdflib's own ``get`` returns the key when absent)."""
    return dict.get(node, key)


def _graph(term: Any) -> str:
    """A graph as an operation names it: an IRI, DEFAULT, ALL, NAMED or a variable."""
    from rdflib import URIRef

    if isinstance(term, URIRef):
        return _iri(term)
    text = str(term).upper()
    return text if text in (DEFAULT, ALL, NAMED) else VARIABLE


def _quad_graphs(clause: Any, *, default: str) -> tuple[str, ...]:
    graphs = [_graph(graph) for graph in (_field(clause, "quads") or {})]
    if _field(clause, "triples"):
        graphs.append(default)
    return tuple(dict.fromkeys(graphs))


def _calls(root: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The ``SERVICE`` endpoints and extension function IRIs anywhere below ``root``."""
    services: list[str] = []
    functions: list[str] = []
    for node in _walk(root):
        if node.name == "ServiceGraphPattern":
            services.append(_service(_field(node, "term")))
        elif node.name == "Function" and _field(node, "iri") is not None:
            functions.append(_iri(node["iri"]))
    return tuple(dict.fromkeys(services)), tuple(dict.fromkeys(functions))


def _service(term: Any) -> str:
    from rdflib import URIRef

    return _iri(term) if isinstance(term, URIRef) else VARIABLE


def _walk(node: Any) -> Iterator[Any]:
    """Every algebra node below ``node``, without recursion (the parse is bounded, the walk too)."""
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, CompValue):
            yield current
            stack.extend(current.values())
        elif isinstance(current, list | tuple | set | frozenset):
            stack.extend(current)
        elif isinstance(current, dict):
            stack.extend(current.values())


_PREFIX = re.compile(r"[Uu]nknown namespace prefix\s*:\s*([\w.-]*)")
_POSITION = re.compile(r"\s*\(at char \d+\),?\s*\(line:(\d+), col:(\d+)\)\s*$")


def _unreadable(what: str, error: Exception) -> SparqlSyntaxError:
    problem = " ".join(str(error).split()) or type(error).__name__
    where = ""
    position = _POSITION.search(problem)
    if position:
        where = f" at line {position.group(1)}, column {position.group(2)}"
        problem = problem[: position.start()]
    if isinstance(error, RecursionError):
        problem = "it is nested too deeply to read"
    prefix = _PREFIX.search(problem)
    if prefix:
        name = prefix.group(1)
        return SparqlSyntaxError(
            f"The prefix '{name}:' is used in the {what} but not declared. Add "
            f"'PREFIX {name}: <...>' at the top and send it again."
        )
    problem = problem[:1].lower() + problem[1:]
    logging.getLogger(__name__).debug("unreadable %s%s: %s", what, where, problem)
    return SparqlSyntaxError(
        f"The {what} is not valid SPARQL{where}: {problem}. Correct it and send it again."
    )
