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
from ketenontologie.sparql.text import QueryForm, inspect_query, tokenize

__all__ = [
    "ALL",
    "DEFAULT",
    "NAMED",
    "Operation",
    "QueryFacts",
    "query_facts",
    "query_facts_from_tokens",
    "update_facts",
    "value_growth",
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
    growth: int = 1
    """How many times longer than the values it starts from a value the query builds may be,
    at most (:func:`value_growth`): ``BIND(CONCAT(?x, ?x) AS ?y)`` doubles, 26 of them in a
    row make a value of 64 million times its start."""

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
    growth: int = 1
    """What its ``WHERE`` clause builds, as :attr:`QueryFacts.growth`."""


def warm() -> None:
    """Load the parser and build its grammar now, not on a worker's first query."""
    query_facts("ASK {}")
    update_facts("INSERT DATA {}")


def query_facts(text: str, *, base_iri: str | None = None) -> QueryFacts:
    """Parse a query and say what it asks for; :class:`SparqlSyntaxError` if it cannot be read."""
    return _query_facts(text, base_iri)


_BUILDS_OR_CALLS = frozenset({"SERVICE", "CONCAT", "REPLACE", "UCASE", "LCASE", "ENCODE_FOR_URI"})
"""Words after which only the algebra can tell what a query does: a ``SERVICE`` clause, and
the functions that can make a value longer than their arguments (:func:`value_growth`)."""


def query_facts_from_tokens(text: str, *, base_iri: str | None = None) -> QueryFacts | None:
    """:func:`query_facts` from the query's tokens, when they settle every fact; else None.

    Parsing to the algebra costs 25-400 ms per query (rdflib's parser), more than most queries
    take to run. The tokens settle the facts when the query has no ``SERVICE``, none of the
    functions that build longer values (so its value growth is 1), no call of an extension
    function (an IRI or prefixed name before ``(``; a collection object after a predicate
    counts too, erring towards the algebra) and no ``\\u`` escape, which SPARQL resolves
    anywhere in the text before reading it. Then its form and ``FROM``/``FROM NAMED`` graphs
    are :func:`~ketenontologie.sparql.text.inspect_query`'s. The store's own parser reads the
    query when it runs it, and reports its syntax errors.

    >>> facts = query_facts_from_tokens("SELECT * FROM <g> { ?s ?p ?o }", base_iri="https://e.org/")
    >>> facts.form, facts.default_graphs
    ('SELECT', ('https://e.org/g',))
    >>> query_facts_from_tokens("SELECT (CONCAT(?a, ?a) AS ?b) { ?s ?p ?a }") is None
    True
    """
    if "\\u" in text or "\\U" in text:
        return None
    tokens = tokenize(text)
    for index, token in enumerate(tokens):
        if token.keyword in _BUILDS_OR_CALLS:
            return None
        if (
            token.kind in ("iri", "pname")
            and index + 1 < len(tokens)
            and tokens[index + 1].text == "("
        ):
            return None
    info = inspect_query(text, base_iri=base_iri)
    return QueryFacts(info.form, info.default_graphs, info.named_graphs)


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
    growth = value_growth(root)
    return QueryFacts(form, tuple(default), tuple(named), services, functions, growth)


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
        growth=value_growth(_field(op, "where")),
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


_GROWTH_CAP = 2**62
"""Growth is counted up to here: past it, a query is refused whatever its bound."""
_SAME_SIZE = frozenset(
    {
        "Builtin_STR",
        "Builtin_STRDT",
        "Builtin_STRLANG",
        "Builtin_IRI",
        "Builtin_BNODE",
        "Builtin_SUBSTR",
        "Builtin_STRBEFORE",
        "Builtin_STRAFTER",
        "Builtin_IF",
        "Builtin_COALESCE",
        "Builtin_LANG",
        "Builtin_DATATYPE",
    }
)
"""Functions whose value is never longer than the longest of their arguments."""
_FACTOR = {"Builtin_UCASE": 3, "Builtin_LCASE": 3, "Builtin_ENCODE_FOR_URI": 12}
"""Functions that can lengthen their argument by a fixed factor (a character that upper-cases
to three, a four-byte character that becomes twelve characters of ``%XX``)."""
_AGGREGATES_OF_ONE = frozenset(
    {"Aggregate_Sample", "Aggregate_Min", "Aggregate_Max", "Aggregate_GroupConcat"}
)
"""Aggregates whose value is as long as one of their values (``GROUP_CONCAT`` per row: the
number of rows is bounded by the data and the time limit, not by the query's text)."""


_HOLDS_EXPRESSIONS = frozenset(
    {"Extend", "AggregateJoin", "Filter", "LeftJoin", "OrderCondition", "Group"}
)
"""Algebra nodes with expressions: what ``BIND``, ``SELECT (… AS ?v)``, aggregates, ``FILTER``,
``OPTIONAL … FILTER``, ``ORDER BY`` and ``GROUP BY`` compute (the store builds those values,
even where only a test or an order comes out of them)."""


def value_growth(root: Any) -> int:
    """The most a value built by the query (``BIND``, ``SELECT (… AS ?v)``, aggregates) can
    grow over the values it starts from: the data's own values and the query's literals.

    Each computed variable gets the growth of its expression: ``CONCAT`` adds its arguments,
    ``REPLACE`` can put its replacement in at every character (its argument times one plus the
    replacement's length), case and URI encoding multiply by a small factor, other functions
    give at most their longest argument, and a number or boolean is 1. A variable the query
    builds from itself over and over doubles at each step, which the store would otherwise
    compute before any limit on the answer could see it.

    >>> from rdflib.plugins.sparql import algebra, parser
    >>> def growth(text):
    ...     return value_growth(algebra.translateQuery(parser.parseQuery(text)).algebra)
    >>> growth('SELECT * { ?s ?p ?o BIND(CONCAT(STR(?s), " ", STR(?o)) AS ?t) }')
    3
    >>> growth('SELECT * { BIND("a" AS ?a) BIND(CONCAT(?a, ?a) AS ?b) BIND(CONCAT(?b, ?b) AS ?c) }')
    4
    >>> growth(
    ...     'ASK { ?s ?p ?o FILTER(STRLEN(REPLACE(REPLACE(?o, ".", "$0$0"), ".", "$0$0")) > 1) }'
    ... )
    25
    """
    from rdflib.plugins.sparql.parserutils import CompValue

    # Innermost first: a pattern's BINDs and sub-selects sit below the expressions using them.
    nodes = [n for n in _walk(root) if n.name in _HOLDS_EXPRESSIONS]
    known: dict[str, int] = {}
    largest = 1
    for node in reversed(nodes):
        if node.name == "AggregateJoin":
            for aggregate in _field(node, "A") or ():
                if not isinstance(aggregate, CompValue):
                    continue
                size, built = _growth(_field(aggregate, "vars"), known)
                largest = max(largest, built)
                size = size if aggregate.name in _AGGREGATES_OF_ONE else 1
                _remember(known, _field(aggregate, "res"), size)
            continue
        size, built = _growth(_field(node, "expr"), known)
        if node.name == "Extend":
            _remember(known, _field(node, "var"), size)
        largest = max(largest, built)
    return largest


def _remember(known: dict[str, int], variable: Any, size: int) -> None:
    if variable is not None:
        name = str(variable)
        known[name] = max(known.get(name, 1), size)


def _growth(expression: Any, known: dict[str, int]) -> tuple[int, int]:
    """The growth of one expression's value, and the largest of any value built on the way
    (``STRLEN(REPLACE(…))`` is a number, after a long string); counted without recursion."""
    from rdflib import Variable
    from rdflib.plugins.sparql.parserutils import CompValue

    # Post-order over the expression tree: (node, done) pairs; sizes of finished nodes by id.
    sizes: dict[int, int] = {}
    stack: list[tuple[Any, bool]] = [(expression, False)]
    while stack:
        node, done = stack.pop()
        if isinstance(node, Variable):
            sizes[id(node)] = known.get(str(node), 1)
        elif isinstance(node, list | tuple):
            if done:
                sizes[id(node)] = max((sizes[id(child)] for child in node), default=1)
            else:
                stack.append((node, True))
                stack.extend((child, False) for child in node)
        elif isinstance(node, CompValue):
            children = [v for k, v in node.items() if not k.startswith("_")]
            if not done:
                stack.append((node, True))
                stack.extend((child, False) for child in children)
                continue
            sizes[id(node)] = _combine(node, [sizes.get(id(c), 1) for c in children], sizes)
        else:  # a literal, an IRI, an operator's name: as long as itself
            sizes[id(node)] = 1
    largest = max(sizes.values(), default=1)
    return min(sizes.get(id(expression), 1), _GROWTH_CAP), min(largest, _GROWTH_CAP)


def _combine(node: Any, parts: list[int], sizes: dict[int, int]) -> int:
    name = node.name
    longest = max(parts, default=1)
    if name == "Builtin_CONCAT":
        args = _field(node, "arg")
        if isinstance(args, list):  # CONCAT's value is as long as its arguments together
            return min(sum(sizes.get(id(arg), 1) for arg in args), _GROWTH_CAP)
        return longest
    if name == "Builtin_REPLACE":
        replacement = str(_field(node, "replacement") or "")
        return min(longest * (1 + len(replacement)), _GROWTH_CAP)
    if name in _FACTOR:
        return min(longest * _FACTOR[name], _GROWTH_CAP)
    if name in _SAME_SIZE or not name.startswith("Builtin_"):
        return longest  # also casts (xsd:string(?x)) and operators: never longer
    return 1  # lengths, hashes, tests, dates, random numbers: a value of a bounded size


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
