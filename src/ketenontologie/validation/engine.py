"""Validate chain designs against the governance rules (the SHACL shapes in ``shapes/``).

The design is validated together with the ontology and the concept scheme, after OWL 2 RL
inference by the project's one reasoner (:mod:`ketenontologie.reasoning`, with the ontology's
compiled rules cached per process), and the report speaks only about the design's own nodes.
Two engines run the shapes on the same closure and give the same results: the fast path (the
shapes compiled to SPARQL on an in-memory Oxigraph store) for the project's rules, and pySHACL
for shapes the fast path does not compile, such as an organisation's own.

What OWL 2 RL finds inconsistent (a node in two disjoint classes, a literal that does not fit its
datatype …) is reported too, as a violation of the rule ``KS-C01``: SHACL alone would not see it.
The reasoner's inconsistencies are those violations, whichever engine runs the shapes.

>>> report = validate(["tests/designs/valid/kleine-keten.ttl"])
>>> report.conforms, report.summary.violations
(True, 0)
>>> report = validate(["tests/designs/invalid/KS-R05-ketenmanager-buiten-bestuur.ttl"])
>>> [(r.rule, r.severity, r.basis, r.line) for r in report.results if r.rule != "KS-R21"]
[('KS-R05', 'Warning', 'nora', 37)]
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple, TypeAlias, get_args

import pyoxigraph as ox

from ketenontologie.errors import InputError
from ketenontologie.loading import Parsed, find_rdf_files, parse_file
from ketenontologie.reasoning.reasoner import Inconsistency, Reasoner
from ketenontologie.resources import cache_key, load_cached, ontology_files, store_cached
from ketenontologie.validation.chains import ChainIndex
from ketenontologie.validation.consistency import (
    CONSISTENCY,
    CONSISTENCY_RULE,
    clash_result,
    clashes_from,
    labels,
)
from ketenontologie.validation.lines import DesignInput, Locator, term_text
from ketenontologie.validation.report import (
    FAIL_RANK,
    RANK,
    ChainVerdict,
    FailOn,
    Severity,
    Summary,
    ValidationReport,
    ValidationResult,
)
from ketenontologie.validation.shapes import (
    ShapeInfo,
    UnsupportedShape,
    compiled_shapes,
    default_shape_files,
    parsed_files,
    rule_id,
    rules_of,
    run_shapes,
    severity_of,
    shape_infos,
    shape_store,
    shape_tables,
)

if TYPE_CHECKING:
    from rdflib import Graph

    from ketenontologie.terms import TermTriple

__all__ = ["Engine", "Source", "validate"]

Engine: TypeAlias = Literal["auto", "fast", "pyshacl"]
"""How the shapes run on the reasoner's closure. ``auto``: the fast path where the shapes
compile to SPARQL, pySHACL elsewhere; ``pyshacl``: pySHACL only (the semantics reference);
``fast``: the fast path only, an error where the shapes do not compile."""
Source: TypeAlias = "str | os.PathLike[str] | Parsed | Graph"
"""A design: an RDF file, a directory searched for RDF files, a parsed source (an upload), or
an rdflib graph."""

_SH = "http://www.w3.org/ns/shacl#"


def _as_list(sources: Source | Iterable[Source]) -> list[Source]:
    if isinstance(sources, str | os.PathLike | Parsed) or _is_graph(sources):
        return [sources]  # type: ignore[list-item]
    return list(sources)  # type: ignore[arg-type]


def _is_graph(value: object) -> bool:
    return type(value).__module__.startswith("rdflib") and hasattr(value, "triples")


def _load_designs(sources: Source | Iterable[Source]) -> list[DesignInput]:
    designs = []
    for source in _as_list(sources):
        if isinstance(source, Parsed):
            designs.append(DesignInput(source.quads, source))
        elif _is_graph(source):
            from ketenontologie.terms import from_rdflib_graph

            quads = [ox.Quad(t.subject, t.predicate, t.object) for t in from_rdflib_graph(source)]  # type: ignore[arg-type]
            designs.append(DesignInput(quads))
        else:
            for path in find_rdf_files(source):  # type: ignore[arg-type]
                parsed = parse_file(path)
                designs.append(DesignInput(parsed.quads, parsed))
    if not designs:
        raise InputError("No design was given. Name one or more RDF files or directories.")
    return designs


# The records below are named tuples rather than dataclasses: a dataclass costs a process some
# milliseconds to make at import (its methods are compiled from generated source), and validating
# one design is mostly start-up.


class _Hit(NamedTuple):
    """One result, engine-neutral: shape IRI, severity, component and terms as N-Triples."""

    shape: str
    severity: Severity
    component: str | None
    focus: str
    path: str | None
    value: str | None


class _Closed(NamedTuple):
    """The design with the ontology, the concept scheme and their OWL 2 RL closure (one
    graph, as quads in the default graph), and what OWL 2 RL finds inconsistent in it."""

    quads: list[ox.Quad]
    inconsistencies: tuple[Inconsistency, ...]
    about_design: list[ox.Quad]
    """The quads that may be about the design's own nodes: all but the context's closure about
    what the context's files describe."""


class _Context(NamedTuple):
    """The ontology and the concept scheme as validation uses them, made once per process."""

    reasoner: Reasoner
    """The reasoner for the context's files (its compiled rules are cached on disk, too)."""
    closure: tuple[ox.Quad, ...]
    """The ontology as the reasoner compiled it (its blank nodes as in its closure) and what the
    reasoner infers from it alone."""
    described: frozenset[str]
    """The IRIs the context's files describe (the subjects of their statements)."""
    undescribed: tuple[ox.Quad, ...]
    """The quads of the closure about other nodes."""


@lru_cache(maxsize=4)
def _context(files: tuple[Path, ...]) -> _Context:
    reasoner = Reasoner.from_files(files)
    closure = tuple(_quads(chain(reasoner.ontology(), reasoner.ontology_inferred())))
    key = cache_key(code=(__file__,), files=files)
    described = load_cached("described", key)
    if not isinstance(described, frozenset):
        parsed = parsed_files(files)
        described = frozenset(
            q.subject.value for q in parsed if isinstance(q.subject, ox.NamedNode)
        )
        store_cached("described", key, described)
    undescribed = tuple(q for q in closure if term_text(q.subject) not in described)
    return _Context(reasoner, closure, described, undescribed)


def prepare() -> None:
    """Make what validation derives from the project's own files and keeps (the compiled rules,
    the compiled shapes, the IRIs the context describes), where it is not kept yet: the wheel's
    build ships what this leaves in :func:`~ketenontologie.resources.cache_dir`."""
    _context(tuple(ontology_files()))
    shape_tables(default_shape_files())


def _quads(triples: Iterable[TermTriple]) -> Iterator[ox.Quad]:
    # Generalised RDF (a predicate that is no IRI) cannot be stored; OWL 2 RL derives it only
    # from schema such as "p rdfs:subPropertyOf _:b".
    return (ox.Quad(s, p, o) for s, p, o in triples if isinstance(p, ox.NamedNode))  # type: ignore[arg-type]


def _close(designs: Sequence[DesignInput], context: tuple[Path, ...]) -> _Closed:
    """The design, the context and their OWL 2 RL closure (:mod:`ketenontologie.reasoning`).

    The reasoner equals owlrl's closure. An inconsistency does not stop validation: it is
    returned, and reported as a result.
    """
    tables = _context(context)
    inferred = tables.reasoner.infer([q for design in designs for q in design.quads])
    data = [
        q
        if isinstance(q.graph_name, ox.DefaultGraph)
        else ox.Quad(q.subject, q.predicate, q.object)
        for d in designs
        for q in d.quads
    ]
    data.extend(_quads(inferred))
    about_design = [*data, *tables.undescribed]
    data.extend(tables.closure)
    return _Closed(data, inferred.inconsistencies, about_design)


def _fast(closed: _Closed, shapes: tuple[Path, ...]) -> list[_Hit]:
    """The shapes compiled to SPARQL, run on the closure in an in-memory Oxigraph store."""
    compiled = compiled_shapes(shapes)
    if compiled is None:
        raise UnsupportedShape("the shapes use SHACL the fast path does not cover")
    store = ox.Store()
    store.bulk_extend(closed.quads)
    return [
        _Hit(
            shape=hit.shape,
            severity=severity_of(ox.NamedNode(hit.severity)),
            component=hit.component,
            focus=term_text(hit.focus),
            path=hit.path,
            value=None if hit.value is None else term_text(hit.value),
        )
        for hit in run_shapes(store, compiled)
    ]


def _pyshacl(closed: _Closed, shapes: tuple[Path, ...]) -> list[_Hit]:
    """pySHACL on the closure (the reference); the one place validation needs rdflib."""
    import pyshacl
    from pyshacl.errors import ReportableRuntimeError
    from rdflib import RDF, SH, BNode, Graph, URIRef

    from ketenontologie.terms import to_ox, to_rdflib_graph

    shapes_graph = to_rdflib_graph(parsed_files(shapes))
    try:
        _, report, _ = pyshacl.validate(
            to_rdflib_graph(closed.quads), shacl_graph=shapes_graph, inference="none"
        )
    except (ReportableRuntimeError, ValueError, TypeError) as error:
        report = error
    if not isinstance(report, Graph):  # pySHACL returns a failure instead of raising it
        names = ", ".join(str(p) for p in shapes)
        problem = getattr(report, "message", None) or str(report)
        raise InputError(
            f"{names}: the shapes cannot be used ({problem.strip()}). Fix the shapes and try again."
        )
    hits = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        shape = report.value(result, SH.sourceShape)
        while isinstance(shape, BNode):  # a property shape inside a named node shape
            shape = shapes_graph.value(predicate=SH.property, object=shape)
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        component = report.value(result, SH.sourceConstraintComponent)
        hits.append(
            _Hit(
                shape=str(shape) if shape is not None else "",
                severity=severity_of(ox.NamedNode(str(report.value(result, SH.resultSeverity)))),
                component=str(component) if component is not None else None,
                focus=term_text(to_ox(report.value(result, SH.focusNode))),  # type: ignore[arg-type]
                path=str(path) if isinstance(path, URIRef) else None,
                value=None if value is None else term_text(to_ox(value)),
            )
        )
    return hits


def _own_nodes(designs: Sequence[DesignInput], described: frozenset[str]) -> set[str]:
    """The design's nodes that the context's files do not describe (a blank node never is:
    each parse labels them anew)."""
    own = set()
    for design in designs:
        for quad in design.quads:
            own.add(term_text(quad.subject))
            if not isinstance(quad.object, ox.Literal):
                own.add(term_text(quad.object))
    return own - described


def validate(
    sources: Source | Iterable[Source],
    *,
    shapes: Iterable[str | os.PathLike[str]] | None = None,
    fail_on: FailOn = "violation",
    engine: Engine = "auto",
) -> ValidationReport:
    """Validate chain designs against the governance rules; one report for all of them, with a
    verdict per chain.

    ``sources`` are RDF files, directories (searched for RDF files) or rdflib graphs; they are
    validated as one design, and each result names the chains its node belongs to. ``shapes``
    adds an organisation's own SHACL files on top of the project's rules. ``fail_on`` is the
    lowest severity that makes the report (and a chain) not conform.

    Raises :class:`~ketenontologie.errors.InputError` (or a subclass) for unusable input: a
    missing file, an RDF syntax error (with file, line and column) or unusable shapes.

    >>> report = validate("tests/designs/invalid/KS-R16-twee-ketenmanagers.ttl")
    >>> report.conforms, report.summary.warnings
    (True, 1)
    >>> validate("tests/designs/invalid/KS-R16-twee-ketenmanagers.ttl", fail_on="warning").conforms
    False
    """
    if fail_on not in FAIL_RANK:
        raise InputError(f"Unknown fail_on {fail_on!r}. Use one of: {', '.join(FAIL_RANK)}.")
    if engine not in get_args(Engine):
        raise InputError(f"Unknown engine {engine!r}. Use one of: {', '.join(get_args(Engine))}.")
    designs = _load_designs(sources)
    context = tuple(ontology_files())
    ours = tuple(default_shape_files())
    extra = tuple(Path(p) for p in find_rdf_files(list(shapes))) if shapes else ()

    closed = _close(designs, context)
    hits = _run(closed, ours, engine=engine)
    if extra:
        hits += _pyshacl(closed, extra)
    clashes = clashes_from(closed.inconsistencies, designs)

    # Extra shapes may add to one of ours (a message, a severity): then read them all together.
    infos = shape_infos(shape_store(ours + extra)) if extra else shape_tables(ours).infos
    own = _own_nodes(designs, _context(context).described)
    locator = Locator(designs)
    names = labels(parsed_files(context), designs) if clashes else {}
    # An inconsistency is reported wherever it is found: the context alone is consistent, so
    # the design caused it, even when the node is one the ontology or the scheme describes.
    found = [_result(hit, infos, locator) for hit in set(hits) if hit.focus in own]
    found += [clash_result(clash, names, locator) for clash in clashes]
    index = ChainIndex(closed.about_design, own=own | {clash.focus for clash in clashes})
    found = [replace(r, chains=index.chains_of(r.focus_node)) for r in found]
    results = sorted(
        found,
        key=lambda r: (
            r.file or "",
            r.line or 0,
            r.rule,
            r.focus_node,
            r.path or "",
            r.value or "",
            r.message.get("en", ""),
        ),
    )
    threshold = FAIL_RANK[fail_on]
    return ValidationReport(
        conforms=_conforms(results, threshold),
        fail_on=fail_on,
        summary=Summary.of(results),
        results=tuple(results),
        chains=tuple(_verdict(chain, index, results, threshold) for chain in index.chains),
        rules={**rules_of(infos), CONSISTENCY: CONSISTENCY_RULE},
        files=tuple(d.name for d in designs if d.name is not None),
    )


def _conforms(results: Sequence[ValidationResult], threshold: int) -> bool:
    return not any(RANK[r.severity] >= threshold for r in results)


def _verdict(
    chain: str, index: ChainIndex, results: Sequence[ValidationResult], threshold: int
) -> ChainVerdict:
    """The verdict on one chain: on the results about it, under the same threshold."""
    own = [result for result in results if chain in result.chains]
    return ChainVerdict(
        chain=chain,
        label=index.label(chain),
        conforms=_conforms(own, threshold),
        summary=Summary.of(own),
    )


def _run(closed: _Closed, shapes: tuple[Path, ...], *, engine: Engine) -> list[_Hit]:
    if engine == "pyshacl":
        return _pyshacl(closed, shapes)
    try:
        return _fast(closed, shapes)
    except UnsupportedShape as reason:
        if engine == "fast":
            raise InputError(
                f"The fast validation path does not cover these shapes ({reason}). "
                "Validate with the pyshacl engine instead."
            ) from None
        return _pyshacl(closed, shapes)


def _result(hit: _Hit, infos: Mapping[str, ShapeInfo], locator: Locator) -> ValidationResult:
    info = infos.get(hit.shape)
    place = locator.locate(hit.focus, path=hit.path, value=hit.value)
    return ValidationResult(
        rule=info.rule if info else rule_id(hit.shape),
        severity=hit.severity,
        file=place.file,
        line=place.line,
        column=place.column,
        where=place.where,
        focus_node=hit.focus,
        path=hit.path,
        value=hit.value,
        message=dict(info.message) if info and info.message else _fallback_message(hit),
        source=info.source if info else None,
        basis=info.basis if info else None,
        shape=hit.shape or None,
        component=hit.component,
    )


def _fallback_message(hit: _Hit) -> dict[str, str]:
    component = (hit.component or "").removeprefix(_SH).removesuffix("ConstraintComponent")
    return {
        "nl": f"Voldoet niet aan {rule_id(hit.shape)} ({component}).",
        "en": f"Does not conform to {rule_id(hit.shape)} ({component}).",
    }
