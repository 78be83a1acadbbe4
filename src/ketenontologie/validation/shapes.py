"""The rules as SHACL shapes: their files, what each rule says, and the shapes run as SPARQL.

:func:`compile_shapes` turns each shape into one SPARQL query that returns every result of that
shape at once: SHACL-SPARQL constraints run as written, the SHACL Core components the rules use
are translated. A shape using anything else raises :class:`UnsupportedShape` (validation then
runs pySHACL, the reference). Both give exactly the same results on every test design.

What validation needs of a set of shape files (the compiled queries, what each shape says) is
made once per version of the files and kept on disk (:func:`shape_tables`): a new process reads
it instead of parsing and compiling the shapes again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox

from ketenontologie.loading import parse_quads
from ketenontologie.resources import cache_key, load_cached, resource_dir, store_cached
from ketenontologie.validation import report as report_module
from ketenontologie.validation.report import RANK, Basis, Rule, Severity

__all__ = [
    "CompiledShape",
    "Hit",
    "ShapeInfo",
    "ShapeTables",
    "UnsupportedShape",
    "compile_shapes",
    "compiled_shapes",
    "default_shape_files",
    "parsed_files",
    "rule_id",
    "rules_of",
    "run_shapes",
    "severity_of",
    "shape_infos",
    "shape_store",
    "shape_tables",
]

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_SH = "http://www.w3.org/ns/shacl#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_DCT_SOURCE = "http://purl.org/dc/terms/source"
_RULE_ID = re.compile(r"^(KS-R\d+)")
_NOT_RULES = ("nl-sbb.ttl", "vocabulary.ttl")  # concept-scheme checks; the rules' own terms
_KSS = "https://w3id.org/ketenontologie/shapes#"
_BASIS: Mapping[str, Basis] = {_KSS + "NoraRule": "nora", _KSS + "ProjectRule": "project"}

Term = ox.NamedNode | ox.BlankNode | ox.Literal
RDF_TYPE = ox.NamedNode(_RDF + "type")
_NIL = ox.NamedNode(_RDF + "nil")


class UnsupportedShape(Exception):
    """A shape uses SHACL that :func:`compile_shapes` does not translate."""


def default_shape_files() -> list[Path]:
    """The shapes of the chain governance rules: ``shapes/*.ttl`` except the NL-SBB shapes and
    the rules' own vocabulary.

    >>> [path.name for path in default_shape_files()]
    ['chain.ttl', 'escalation.ttl', 'roles.ttl']
    """
    directory = resource_dir("shapes")
    return sorted(p for p in directory.glob("*.ttl") if p.is_file() and p.name not in _NOT_RULES)


def parsed_files(paths: Sequence[Path]) -> tuple[ox.Quad, ...]:
    """Parse shape or ontology files, once per process while they stay unchanged."""
    return _parsed_versions(tuple((path, path.stat().st_mtime_ns) for path in paths))


@cache
def _parsed_versions(versions: tuple[tuple[Path, int], ...]) -> tuple[ox.Quad, ...]:
    return tuple(parse_quads([path for path, _ in versions]))


def shape_store(paths: Sequence[Path]) -> ox.Store:
    store = ox.Store()
    store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in parsed_files(tuple(paths)))
    return store


def rule_id(shape: str) -> str:
    local = re.split(r"[#/]", shape)[-1] or shape
    match = _RULE_ID.match(local)
    return match.group(1) if match else local


def _texts(store: ox.Store, shape: ox.NamedNode, predicate: str) -> dict[str, str]:
    texts: dict[str, str] = {}
    for quad in store.quads_for_pattern(shape, ox.NamedNode(predicate), None):
        if isinstance(quad.object, ox.Literal):
            texts.setdefault(quad.object.language or "", quad.object.value)
    return texts


def severity_of(term: object) -> Severity:
    local = term.value.removeprefix(_SH) if isinstance(term, ox.NamedNode) else "Violation"
    return local if local in RANK else "Violation"  # type: ignore[return-value]


# Named tuples, not dataclasses: made at import by every process that validates, and a
# dataclass's generated methods cost milliseconds to compile there.
class ShapeInfo(NamedTuple):
    """What a result needs from its (named) shape: rule id, severity, message, source, basis."""

    rule: str
    severity: Severity
    message: Mapping[str, str]
    source: str | None
    name: Mapping[str, str]
    description: Mapping[str, str]
    basis: Basis | None = None


def shape_infos(store: ox.Store) -> dict[str, ShapeInfo]:
    named = {
        q.subject
        for q in store.quads_for_pattern(None, None, None)
        if isinstance(q.subject, ox.NamedNode)
        and q.predicate.value in (_SH + "severity", _SH + "message", _SH + "name")
    }
    infos = {}
    for shape in named:
        assert isinstance(shape, ox.NamedNode)
        source = next(store.quads_for_pattern(shape, ox.NamedNode(_DCT_SOURCE), None), None)
        severity = next(store.quads_for_pattern(shape, ox.NamedNode(_SH + "severity"), None), None)
        basis_quad = next(store.quads_for_pattern(shape, ox.NamedNode(_KSS + "basis"), None), None)
        basis: Basis | None = None
        if basis_quad is not None and isinstance(basis_quad.object, ox.NamedNode):
            basis = _BASIS.get(basis_quad.object.value)
        infos[shape.value] = ShapeInfo(
            rule=rule_id(shape.value),
            severity=severity_of(severity.object if severity else None),
            message=_texts(store, shape, _SH + "message"),
            source=source.object.value
            if source and isinstance(source.object, ox.NamedNode)
            else None,
            name=_texts(store, shape, _SH + "name"),
            description=_texts(store, shape, _SH + "description"),
            basis=basis,
        )
    return infos


def rules_of(infos: Mapping[str, ShapeInfo]) -> dict[str, Rule]:
    """One entry per rule id; a rule made of several shapes joins their names and texts."""
    groups: dict[str, list[tuple[str, ShapeInfo]]] = {}
    for shape, info in sorted(infos.items()):
        groups.setdefault(info.rule, []).append((shape, info))
    rules = {}
    for rule_id, members in sorted(groups.items()):
        exact = [info for shape, info in members if shape.endswith(f"#{rule_id}")]
        parts = exact or [info for _, info in members]

        def joined(texts: list[Mapping[str, str]], sep: str) -> dict[str, str]:
            langs = sorted({lang for text in texts for lang in text})
            return {lang: sep.join(text[lang] for text in texts if lang in text) for lang in langs}

        rules[rule_id] = Rule(
            id=rule_id,
            severity=max((info.severity for info in parts), key=RANK.__getitem__),
            name=joined([info.name for info in parts], "; "),
            description=joined([info.description for info in parts], " "),
            message=joined([info.message for info in parts], " "),
            source=parts[0].source,
            basis=parts[0].basis,
        )
    return rules


def compiled_shapes(paths: tuple[Path, ...]) -> tuple[CompiledShape, ...] | None:
    """The shapes as SPARQL queries, or ``None`` when the fast path does not cover them."""
    return shape_tables(paths).compiled


class ShapeTables(NamedTuple):
    """What validation needs of a set of shape files, made once per version of the files."""

    compiled: tuple[CompiledShape, ...] | None
    """The shapes as SPARQL queries; None when the fast path does not cover them."""
    infos: Mapping[str, ShapeInfo]
    """What each named shape says (:func:`shape_infos`)."""


def shape_tables(paths: Sequence[Path]) -> ShapeTables:
    """The shapes in ``paths`` compiled, and what each says: kept per process while the files
    stay unchanged, and on disk (:func:`~ketenontologie.resources.cache_dir`) by a hash of their
    bytes and of the code that makes the tables."""
    return _tables_of(tuple((path, path.stat().st_mtime_ns) for path in paths))


@cache
def _tables_of(versions: tuple[tuple[Path, int], ...]) -> ShapeTables:
    paths = [path for path, _ in versions]
    key = cache_key(code=(__file__, report_module.__file__), files=paths)
    found = load_cached("shapes", key)
    if isinstance(found, ShapeTables):
        return found
    store = shape_store(paths)
    try:
        compiled: tuple[CompiledShape, ...] | None = tuple(compile_shapes(store))
    except UnsupportedShape:
        compiled = None
    tables = ShapeTables(compiled, shape_infos(store))
    store_cached("shapes", key, tables)
    return tables


# --- shapes as SPARQL ----------------------------------------------------------------------


class CompiledShape(NamedTuple):
    """One shape as a SPARQL query returning ``?this ?path ?value`` for each of its results."""

    shape: str
    severity: str
    component: str
    query: str
    value_is_focus: bool = False
    """A SPARQL constraint of a node shape: without ``?value``, the value is the focus node."""


class Hit(NamedTuple):
    """One validation result of the fast path, before it is mapped to a rule and a file."""

    shape: str
    severity: str
    component: str
    focus: Term
    path: str | None
    value: Term | None


def _checked(term: Term | ox.Triple) -> Term:
    if isinstance(term, ox.Triple):
        raise UnsupportedShape(f"a triple term in the shapes: {term}")
    return term


def _node(term: Term) -> ox.NamedNode | ox.BlankNode:
    """``term`` as a shapes-graph node to look up; a literal there is a malformed shape."""
    if isinstance(term, ox.NamedNode | ox.BlankNode):
        return term
    raise UnsupportedShape(f"{term} where a node is expected")


def _one(store: ox.Store, subject: Term, predicate: str) -> Term | None:
    pattern = store.quads_for_pattern(_node(subject), ox.NamedNode(predicate), None)
    values = [_checked(q.object) for q in pattern]
    if len(values) > 1:
        raise UnsupportedShape(f"{subject} has several {predicate}")
    return values[0] if values else None


def _all(store: ox.Store, subject: Term, predicate: str) -> list[Term]:
    pattern = store.quads_for_pattern(_node(subject), ox.NamedNode(predicate), None)
    return [_checked(q.object) for q in pattern]


def _rdf_list(store: ox.Store, head: Term) -> list[Term]:
    items = []
    while head != _NIL:
        first = _one(store, head, _RDF + "first")
        nxt = _one(store, head, _RDF + "rest")
        if first is None or nxt is None:
            raise UnsupportedShape(f"malformed list at {head}")
        items.append(first)
        head = nxt
    return items


def _sparql_term(term: Term) -> str:
    if isinstance(term, ox.BlankNode | ox.Triple):
        raise UnsupportedShape(f"{term} used as a constant")
    return str(term)


_TARGETS = {
    _SH + "targetClass": "?this a {0} .",
    _SH + "targetSubjectsOf": "?this {0} [] .",
    _SH + "targetObjectsOf": "[] {0} ?this .",
    _SH + "targetNode": "VALUES ?this {{ {0} }}",
}


_HANDLED = {
    _SH + name
    for name in [
        "targetClass",
        "targetSubjectsOf",
        "targetObjectsOf",
        "targetNode",
        "path",
        "minCount",
        "maxCount",
        "datatype",
        "in",
        "qualifiedValueShape",
        "qualifiedMinCount",
        "qualifiedMaxCount",
        "sparql",
        "severity",
        "name",
        "description",
        "message",
        "property",
        "deactivated",
        "order",
        "group",
    ]
}


def _target_pattern(store: ox.Store, shape: Term) -> str:
    patterns = [
        template.format(_sparql_term(value))
        for predicate, template in _TARGETS.items()
        for value in _all(store, shape, predicate)
    ]
    if not patterns:
        raise UnsupportedShape(f"{shape} has no target the fast path understands")
    return " UNION ".join(f"{{ {pattern} }}" for pattern in patterns)


def _value_test(store: ox.Store, node: Term) -> str:
    """A SPARQL expression on ``?v`` that holds when ``?v`` conforms to the value shape ``node``."""
    tests = []
    for quad in store.quads_for_pattern(_node(node), None, None):
        key, value = quad.predicate.value, _checked(quad.object)
        if key == _RDF + "type":
            continue
        if key == _SH + "class":
            tests.append(f"EXISTS {{ ?v a {_sparql_term(value)} }}")
        elif key == _SH + "languageIn":
            items = _rdf_list(store, value)
            tags = [item.value for item in items]
            if any(not isinstance(item, ox.Literal) or "-" in item.value for item in items):
                raise UnsupportedShape("language ranges with subtags")
            matches = " || ".join(f'langMatches(lang(?v), "{tag}")' for tag in tags)
            tests.append(f"(isLiteral(?v) && ({matches or 'false'}))")
        elif key == _SH + "or":
            alternatives = [_value_test(store, item) for item in _rdf_list(store, value)]
            tests.append("(" + " || ".join(alternatives or ["false"]) + ")")
        else:
            raise UnsupportedShape(f"value shape parameter {key}")
    return "(" + " && ".join(tests or ["true"]) + ")"


def _compile_property_shape(store: ox.Store, shape: Term, targets: str) -> list[tuple[str, str]]:
    path = _one(store, shape, _SH + "path")
    if not isinstance(path, ox.NamedNode):
        raise UnsupportedShape(f"{shape} has a complex path")
    p = str(path)
    queries: list[tuple[str, str]] = []
    counted = "SELECT ?this ?path ?value WHERE {{ {{ SELECT ?this (COUNT(DISTINCT ?v) AS ?n) "
    counted += "WHERE {{ {{ {targets} }} OPTIONAL {{ ?this {p} ?v . {test} }} }} GROUP BY ?this }} "
    counted += "FILTER (?n {op} {bound}) BIND ({p} AS ?path) }}"
    for name, op, component in (("minCount", "<", "MinCount"), ("maxCount", ">", "MaxCount")):
        bound = _one(store, shape, _SH + name)
        if bound is not None:
            queries.append(
                (
                    component,
                    counted.format(targets=targets, p=p, test="", op=op, bound=bound.value),
                )
            )
    qualified = _one(store, shape, _SH + "qualifiedValueShape")
    if qualified is not None:
        if _one(store, shape, _SH + "qualifiedValueShapesDisjoint") is not None:
            raise UnsupportedShape("qualifiedValueShapesDisjoint")
        test = f"FILTER {_value_test(store, qualified)}"
        for name, op, component in (
            ("qualifiedMinCount", "<", "QualifiedMinCount"),
            ("qualifiedMaxCount", ">", "QualifiedMaxCount"),
        ):
            bound = _one(store, shape, _SH + name)
            if bound is not None:
                queries.append(
                    (
                        component,
                        counted.format(targets=targets, p=p, test=test, op=op, bound=bound.value),
                    )
                )
    per_value = "SELECT DISTINCT ?this ?path ?value WHERE {{ {{ {targets} }} ?this {p} ?value . "
    per_value += "FILTER ({failure}) BIND ({p} AS ?path) }}"
    datatype = _one(store, shape, _SH + "datatype")
    if datatype is not None:
        if datatype.value == _XSD + "boolean":
            well_formed = 'LCASE(STR(?value)) IN ("true", "false", "1", "0")'
        elif datatype.value == _XSD + "string":
            well_formed = "true"
        else:
            raise UnsupportedShape(f"sh:datatype {datatype.value}")
        failure = f"!(isLiteral(?value) && datatype(?value) = {datatype} && {well_formed})"
        queries.append(("Datatype", per_value.format(targets=targets, p=p, failure=failure)))
    members = _one(store, shape, _SH + "in")
    if members is not None:
        allowed = " || ".join(
            f"sameTerm(?value, {_sparql_term(m)})" for m in _rdf_list(store, members)
        )
        failure = f"!({allowed or 'false'})"
        queries.append(("In", per_value.format(targets=targets, p=p, failure=failure)))
    return queries


def _prefixes(store: ox.Store, constraint: Term) -> str:
    lines = []
    for declarer in _all(store, constraint, _SH + "prefixes"):
        for declaration in _all(store, declarer, _SH + "declare"):
            prefix = _one(store, declaration, _SH + "prefix")
            namespace = _one(store, declaration, _SH + "namespace")
            if prefix is None or namespace is None:
                raise UnsupportedShape("incomplete sh:declare")
            lines.append(f"PREFIX {prefix.value}: <{namespace.value}>")
    return "\n".join(sorted(set(lines)))


def _compile_sparql(store: ox.Store, constraint: Term, targets: str) -> str:
    select = _one(store, constraint, _SH + "select")
    if select is None:
        raise UnsupportedShape("SPARQL constraint without sh:select")
    text = select.value.replace("$this", "?this")
    if "$" in text or re.search(r"\b(OPTIONAL|SERVICE|MINUS|VALUES)\b|\{\s*SELECT", text, re.I):
        raise UnsupportedShape("a SPARQL constraint the fast path cannot run for all nodes at once")
    where = re.search(r"\bWHERE\s*\{", text, re.IGNORECASE)
    if where is None:
        raise UnsupportedShape("a SPARQL constraint without WHERE")
    # The query runs once for all focus nodes. The targets go first in its outer group, so ?this
    # is bound wherever $this would have been pre-bound (FILTERs see the whole group); the
    # constructs for which that is not the same as pre-binding are refused above.
    inlined = f"{text[: where.end()]} {{ {targets} }} {text[where.end() :]}"
    return f"{_prefixes(store, constraint)}\n{inlined}"


def compile_shapes(store: ox.Store) -> list[CompiledShape]:
    """Compile every shape with an IRI in ``store`` (a parsed shapes graph) into SPARQL queries.

    Raises :class:`UnsupportedShape` for a shape that uses SHACL outside the translated part.
    """
    shapes = {
        q.subject
        for target in _TARGETS
        for q in store.quads_for_pattern(None, ox.NamedNode(target), None)
    }
    compiled = []
    for shape in sorted(shapes, key=str):
        if not isinstance(shape, ox.NamedNode):
            raise UnsupportedShape(f"a shape without an IRI: {shape}")
        used = {q.predicate.value for q in store.quads_for_pattern(shape, None, None)}
        unknown = {p for p in used if p.startswith(_SH) and p not in _HANDLED}
        if unknown or _SH + "property" in used:
            raise UnsupportedShape(f"{shape.value} uses {sorted(unknown) or 'sh:property'}")
        deactivated = _one(store, shape, _SH + "deactivated")
        if isinstance(deactivated, ox.Literal) and deactivated.value in ("true", "1"):
            continue
        severity_term = _one(store, shape, _SH + "severity")
        severity = severity_term.value if severity_term else _SH + "Violation"
        targets = _target_pattern(store, shape)
        queries: list[tuple[str, str]] = []
        if _SH + "path" in used:
            queries.extend(_compile_property_shape(store, shape, targets))
        for constraint in _all(store, shape, _SH + "sparql"):
            queries.append(("SPARQL", _compile_sparql(store, constraint, targets)))
        for component, query in queries:
            compiled.append(
                CompiledShape(
                    shape=shape.value,
                    severity=severity,
                    component=f"{_SH}{component}ConstraintComponent",
                    query=query,
                    value_is_focus=component == "SPARQL" and _SH + "path" not in used,
                )
            )
    return compiled


def run_shapes(store: ox.Store, shapes: Iterable[CompiledShape]) -> list[Hit]:
    """Run compiled shapes on ``store`` (data, context and inferred triples); every result."""
    hits = []
    for shape in shapes:
        solutions = store.query(shape.query)
        assert isinstance(solutions, ox.QuerySolutions)
        names = {variable.value for variable in solutions.variables}
        for row in solutions:
            focus = row["this"] if "this" in names else None
            path = row["path"] if "path" in names else None
            value = row["value"] if "value" in names else None
            if focus is None:
                continue
            if value is None and shape.value_is_focus:
                value = focus
            hits.append(
                Hit(
                    shape=shape.shape,
                    severity=shape.severity,
                    component=shape.component,
                    focus=focus,
                    path=path.value if isinstance(path, ox.NamedNode) else None,
                    value=value if value is not None else None,
                )
            )
    return hits
