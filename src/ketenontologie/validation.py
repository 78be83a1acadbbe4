"""Validate chain designs against the governance rules (the SHACL shapes in ``shapes/``).

The design is validated together with the ontology and the concept scheme, after OWL 2 RL
inference, and the report speaks only about the design's own nodes. Two engines give the same
results: the fast path (:mod:`ketenontologie.shacl_engine`: materialisation and SPARQL on an
in-memory Oxigraph store) for the project's rules, and pySHACL on an owlrl closure for everything
the fast path does not cover, such as an organisation's own shapes.

What OWL 2 RL finds inconsistent (a node in two disjoint classes, a literal that does not fit its
datatype …) is reported too, as a violation of the rule ``KS-C01``: SHACL alone would not see it.

>>> from ketenontologie.validation import validate
>>> report = validate(["tests/designs/valid/kleine-keten.ttl"])
>>> report.conforms, report.summary.violations
(True, 0)
>>> report = validate(["tests/designs/invalid/KS-R05-ketenmanager-buiten-bestuur.ttl"])
>>> [(r.rule, r.severity, r.basis, r.line) for r in report.results if r.rule != "KS-R21"]
[('KS-R05', 'Warning', 'nora', 37)]
"""

from __future__ import annotations

import bisect
import json
import logging
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, get_args
from urllib.parse import urljoin

import pyoxigraph as ox

from ketenontologie import shacl_engine
from ketenontologie.errors import InputError
from ketenontologie.loading import find_rdf_files, format_for, parse_quads
from ketenontologie.resources import ontology_files, resource_dir

if TYPE_CHECKING:
    from rdflib import Graph

    from ketenontologie.reasoning import Inconsistency

__all__ = [
    "Basis",
    "Engine",
    "FailOn",
    "Language",
    "OutputFormat",
    "Rule",
    "Severity",
    "Source",
    "Summary",
    "ValidationReport",
    "ValidationResult",
    "default_shape_files",
    "validate",
]

Severity: TypeAlias = Literal["Violation", "Warning", "Info"]
Basis: TypeAlias = Literal["nora", "project"]
"""What a rule rests on (``kss:basis``): a principle of the NORA dossier, or the project's own
requirement on data and model (or advice). ``None`` for a shape that does not say."""
FailOn: TypeAlias = Literal["violation", "warning", "info"]
"""The lowest severity that makes a design fail (``conforms`` false, exit code 1)."""
Engine: TypeAlias = Literal["auto", "fast", "pyshacl"]
"""``auto``: the fast path where it applies, pySHACL elsewhere; ``pyshacl``: pySHACL only
(the semantics reference); ``fast``: the fast path only, an error where it does not apply."""
Language: TypeAlias = Literal["nl", "en"]
OutputFormat: TypeAlias = Literal["text", "json", "turtle", "junit", "sarif", "github"]
Source: TypeAlias = "str | os.PathLike[str] | Graph"
"""A design: an RDF file, a directory searched for RDF files, or an rdflib graph."""

_SH = "http://www.w3.org/ns/shacl#"
_DCT_SOURCE = "http://purl.org/dc/terms/source"
_RANK: Mapping[str, int] = {"Info": 1, "Warning": 2, "Violation": 3}
_FAIL_RANK: Mapping[FailOn, int] = {"info": 1, "warning": 2, "violation": 3}
_RULE_ID = re.compile(r"^(KS-R\d+)")
_NOT_RULES = ("nl-sbb.ttl", "vocabulary.ttl")  # concept-scheme checks; the rules' own terms
_KSS = "https://w3id.org/ketenontologie/shapes#"
_BASIS: Mapping[str, Basis] = {_KSS + "NoraRule": "nora", _KSS + "ProjectRule": "project"}
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_KETEN = "https://w3id.org/ketenontologie/def#"
_ONTOLOGY = "https://w3id.org/ketenontologie/def"
_CONSISTENCY = "KS-C01"  # OWL 2 RL inconsistencies: not a shape, so outside the KS-Rnn ids


# --- the report ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A rule as the shapes describe it: id, severity, name, description, message, source and
    basis (``nora`` or ``project``, see :data:`Basis`)."""

    id: str
    severity: Severity
    name: Mapping[str, str]
    description: Mapping[str, str]
    message: Mapping[str, str]
    source: str | None
    basis: Basis | None = None


@dataclass(frozen=True)
class ValidationResult:
    """One finding about one node of the design (the JSON contract's ``results`` item).

    ``basis`` is the basis of its rule (``nora`` or ``project``; ``None`` for an organisation's
    own shape that does not state one). ``shape`` and ``component`` (the shape and SHACL
    constraint component behind the result) are not part of the JSON contract; the Turtle
    renderer writes them as ``sh:sourceShape`` and ``sh:sourceConstraintComponent``.
    """

    rule: str
    severity: Severity
    file: str | None
    line: int | None
    focus_node: str
    path: str | None
    value: str | None
    message: Mapping[str, str]
    source: str | None
    basis: Basis | None = None
    shape: str | None = field(default=None, compare=False, repr=False)
    component: str | None = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The result in the JSON contract's form."""
        return {
            "rule": self.rule,
            "severity": self.severity,
            "file": self.file,
            "line": self.line,
            "focusNode": self.focus_node,
            "path": self.path,
            "value": self.value,
            "message": {"nl": self.message.get("nl", ""), "en": self.message.get("en", "")},
            "source": self.source,
            "basis": self.basis,
        }


@dataclass(frozen=True)
class Summary:
    """How many results of each severity."""

    violations: int
    warnings: int
    infos: int


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of :func:`validate`: ``conforms``, ``summary`` and ``results``.

    :meth:`to_dict` is exactly the JSON contract. ``rules`` (every rule that was checked),
    ``files`` (every file that was read) and ``fail_on`` are kept for the JUnit and SARIF
    renderers, which list passing checks too.

    >>> report = validate(["tests/designs/valid/kleine-keten.ttl"])
    >>> sorted(report.to_dict())
    ['conforms', 'results', 'summary']
    """

    conforms: bool
    summary: Summary
    results: tuple[ValidationResult, ...]
    rules: Mapping[str, Rule] = field(default_factory=dict, compare=False, repr=False)
    files: tuple[str, ...] = field(default=(), compare=False, repr=False)
    fail_on: FailOn = field(default="violation", compare=False, repr=False)

    def fails_on(self, severity: Severity) -> bool:
        """Whether a result of ``severity`` makes this report fail (see ``fail_on``)."""
        return _RANK[severity] >= _FAIL_RANK[self.fail_on]

    @property
    def exit_code(self) -> int:
        """0 when the design conforms, 1 when it does not (the command's exit code)."""
        return 0 if self.conforms else 1

    def to_dict(self) -> dict[str, Any]:
        """The report in the JSON contract's form."""
        return {
            "conforms": self.conforms,
            "summary": {
                "violations": self.summary.violations,
                "warnings": self.summary.warnings,
                "infos": self.summary.infos,
            },
            "results": [result.to_dict() for result in self.results],
        }

    def to_json(self) -> str:
        """The JSON contract as text."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def render(
        self, format: OutputFormat = "text", *, lang: Language = "nl", color: bool = False
    ) -> str:
        """Render the report as ``text``, ``json``, ``turtle``, ``junit``, ``sarif`` or ``github``.

        >>> report = validate(["tests/designs/invalid/KS-R03-zonder-bestuur.ttl"])
        >>> print(report.render("github", lang="en"))  # doctest: +ELLIPSIS
        ::warning file=tests/designs/invalid/KS-R03-zonder-bestuur.ttl,line=13,title=KS-R03...
        """
        from ketenontologie import reporting

        return reporting.render(self, format, lang=lang, color=color)


# --- inputs --------------------------------------------------------------------------------------


@dataclass
class _Design:
    """One input: a file (with its text, for line numbers) or an in-memory graph."""

    name: str | None
    path: Path | None
    quads: list[ox.Quad]


def default_shape_files() -> list[Path]:
    """The shapes of the chain governance rules: ``shapes/*.ttl`` except the NL-SBB shapes.

    >>> [path.name for path in default_shape_files()]
    ['chain.ttl', 'escalation.ttl', 'roles.ttl']
    """
    directory = resource_dir("shapes")
    return sorted(p for p in directory.glob("*.ttl") if p.is_file() and p.name not in _NOT_RULES)


def _as_list(sources: Source | Iterable[Source]) -> list[Source]:
    if isinstance(sources, str | os.PathLike) or _is_graph(sources):
        return [sources]  # type: ignore[list-item]
    return list(sources)  # type: ignore[arg-type]


def _is_graph(value: object) -> bool:
    return type(value).__module__.startswith("rdflib") and hasattr(value, "triples")


def _load_designs(sources: Source | Iterable[Source]) -> list[_Design]:
    designs = []
    for source in _as_list(sources):
        if _is_graph(source):
            designs.append(_Design(name=None, path=None, quads=_graph_quads(source)))
            continue
        for path in find_rdf_files(source):  # type: ignore[arg-type]
            designs.append(_Design(name=str(path), path=path, quads=parse_quads(path)))
    if not designs:
        raise InputError("No design was given. Name one or more RDF files or directories.")
    return designs


def _parsed(paths: Sequence[Path]) -> tuple[ox.Quad, ...]:
    """Parse shape or ontology files, once per process while they stay unchanged."""
    return _parsed_versions(tuple((path, path.stat().st_mtime_ns) for path in paths))


@cache
def _parsed_versions(versions: tuple[tuple[Path, int], ...]) -> tuple[ox.Quad, ...]:
    return tuple(parse_quads([path for path, _ in versions]))


# --- the shapes: rules and compiled queries ----------------------------------------------------


def _shape_store(paths: Sequence[Path]) -> ox.Store:
    store = ox.Store()
    store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in _parsed(tuple(paths)))
    return store


def _rule_id(shape: str) -> str:
    local = re.split(r"[#/]", shape)[-1] or shape
    match = _RULE_ID.match(local)
    return match.group(1) if match else local


def _texts(store: ox.Store, shape: ox.NamedNode, predicate: str) -> dict[str, str]:
    texts: dict[str, str] = {}
    for quad in store.quads_for_pattern(shape, ox.NamedNode(predicate), None):
        if isinstance(quad.object, ox.Literal):
            texts.setdefault(quad.object.language or "", quad.object.value)
    return texts


def _severity(term: object) -> Severity:
    local = term.value.removeprefix(_SH) if isinstance(term, ox.NamedNode) else "Violation"
    return local if local in _RANK else "Violation"  # type: ignore[return-value]


@dataclass(frozen=True)
class _ShapeInfo:
    """What a result needs from its (named) shape: rule id, severity, message, source, basis."""

    rule: str
    severity: Severity
    message: Mapping[str, str]
    source: str | None
    name: Mapping[str, str]
    description: Mapping[str, str]
    basis: Basis | None = None


def _shape_infos(store: ox.Store) -> dict[str, _ShapeInfo]:
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
        infos[shape.value] = _ShapeInfo(
            rule=_rule_id(shape.value),
            severity=_severity(severity.object if severity else None),
            message=_texts(store, shape, _SH + "message"),
            source=source.object.value
            if source and isinstance(source.object, ox.NamedNode)
            else None,
            name=_texts(store, shape, _SH + "name"),
            description=_texts(store, shape, _SH + "description"),
            basis=basis,
        )
    return infos


def _rules(infos: Mapping[str, _ShapeInfo]) -> dict[str, Rule]:
    """One entry per rule id; a rule made of several shapes joins their names and texts."""
    groups: dict[str, list[tuple[str, _ShapeInfo]]] = {}
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
            severity=max((info.severity for info in parts), key=_RANK.__getitem__),
            name=joined([info.name for info in parts], "; "),
            description=joined([info.description for info in parts], " "),
            message=joined([info.message for info in parts], " "),
            source=parts[0].source,
            basis=parts[0].basis,
        )
    return rules


def _compiled(paths: tuple[Path, ...]) -> tuple[shacl_engine.CompiledShape, ...] | None:
    """The shapes as SPARQL queries, or ``None`` when the fast path does not cover them."""
    return _compiled_versions(tuple((path, path.stat().st_mtime_ns) for path in paths))


@cache
def _compiled_versions(
    versions: tuple[tuple[Path, int], ...],
) -> tuple[shacl_engine.CompiledShape, ...] | None:
    try:
        return tuple(shacl_engine.compile_shapes(_shape_store([p for p, _ in versions])))
    except shacl_engine.UnsupportedShape:
        return None


# --- the engines ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Hit:
    """One result, engine-neutral: shape IRI, severity, component and terms as N-Triples."""

    shape: str
    severity: Severity
    component: str | None
    focus: str
    path: str | None
    value: str | None


ClashKind: TypeAlias = Literal["classes", "nothing", "literal", "other"]


@dataclass(frozen=True)
class _Clash:
    """One OWL 2 RL inconsistency, engine-neutral (terms as in :class:`_Hit`).

    ``classes``: a node in two disjoint classes (the pair, ordered); ``nothing``: a node of type
    ``owl:Nothing``; ``literal``: the value of ``path`` on the node does not fit its datatype
    (``classes`` holds the datatype, ``detail`` the lexical form); ``other``: what owlrl
    reports, in ``detail``.
    """

    kind: ClashKind
    focus: str
    classes: tuple[str, ...] = ()
    path: str | None = None
    value: str | None = None
    detail: str | None = None


def _term_text(term: object) -> str:
    """An IRI as itself, a blank node as ``_:id``, a literal in N-Triples syntax."""
    if isinstance(term, ox.NamedNode):
        return term.value
    return str(term)


def _fast(
    designs: Sequence[_Design], context: Sequence[ox.Quad], shapes: tuple[Path, ...]
) -> tuple[list[_Hit], set[_Clash]]:
    compiled = _compiled(shapes)
    if compiled is None:
        raise shacl_engine.UnsupportedShape("the shapes use SHACL the fast path does not cover")
    data = [q for design in designs for q in design.quads]
    shacl_engine.check_literals(data)
    data.extend(context)
    inferred = shacl_engine.materialise(data)
    store = ox.Store()
    store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object) for q in data)
    store.bulk_extend(ox.Quad(s, p, o) for s, p, o in inferred)  # type: ignore[arg-type]
    clashes = {
        _Clash("classes", _term_text(clash.node), tuple(_term_text(c) for c in clash.classes))
        for clash in shacl_engine.find_clashes(store)
    }
    hits = [
        _Hit(
            shape=hit.shape,
            severity=_severity(ox.NamedNode(hit.severity)),
            component=hit.component,
            focus=_term_text(hit.focus),
            path=hit.path,
            value=None if hit.value is None else _term_text(hit.value),
        )
        for hit in shacl_engine.run_shapes(store, compiled)
    ]
    return hits, clashes


def _pyshacl(
    designs: Sequence[_Design], context: Sequence[ox.Quad], shapes: tuple[Path, ...]
) -> tuple[list[_Hit], set[_Clash]]:
    """pySHACL on the design, the context and their OWL 2 RL closure (the reference)."""
    import pyshacl
    from pyshacl.errors import ReportableRuntimeError
    from rdflib import RDF, SH, BNode, Graph, URIRef

    closed, inconsistencies = _infer(
        _rdflib_graph(q for design in designs for q in design.quads), _rdflib_graph(context)
    )
    shapes_graph = _rdflib_graph(_parsed(shapes))
    try:
        _, report, _ = pyshacl.validate(closed, shacl_graph=shapes_graph, inference="none")
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
                severity=_severity(ox.NamedNode(str(report.value(result, SH.resultSeverity)))),
                component=str(component) if component is not None else None,
                focus=_term_text(_ox_term(report.value(result, SH.focusNode))),
                path=str(path) if isinstance(path, URIRef) else None,
                value=None if value is None else _term_text(_ox_term(value)),
            )
        )
    return hits, _clashes_from(inconsistencies, designs)


def _infer(design: Graph, context: Graph) -> tuple[Graph, tuple[Inconsistency, ...]]:
    """Design and context with their OWL 2 RL closure (:mod:`ketenontologie.reasoning`).

    The reasoner equals owlrl's closure and keeps the context's own closure per process. An
    inconsistency does not stop validation: it is returned, and reported as a result.
    """
    from rdflib import Graph

    from ketenontologie.reasoning import Reasoner

    reasoner = Reasoner.from_ontology(context)
    inferred = reasoner.infer(design)
    closed = Graph()
    for part in (design, context, reasoner.ontology_inferred(), inferred.graph()):
        closed.addN((s, p, o, closed) for s, p, o in part)
    return closed, inferred.inconsistencies


# --- terms between pyoxigraph and rdflib ---------------------------------------------------------

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _rdflib_graph(quads: Iterable[ox.Quad]) -> Graph:
    with _quiet_rdflib_terms():
        return _to_rdflib_graph(quads)


@contextmanager
def _quiet_rdflib_terms() -> Iterator[None]:
    """Keep rdflib from logging a traceback for each literal that does not fit its datatype.

    Such a literal is an inconsistency that validation reports (KS-C01), with file and line.
    """
    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def _to_rdflib_graph(quads: Iterable[ox.Quad]) -> Graph:
    from rdflib import BNode, Graph, URIRef
    from rdflib import Literal as RDFLiteral

    def convert(term: Any) -> Any:
        if isinstance(term, ox.NamedNode):
            return URIRef(term.value)
        if isinstance(term, ox.BlankNode):
            return BNode(term.value)
        if term.language is not None:
            return RDFLiteral(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:
            return RDFLiteral(term.value)
        return RDFLiteral(term.value, datatype=URIRef(term.datatype.value))

    graph = Graph()
    graph.addN((convert(q.subject), convert(q.predicate), convert(q.object), graph) for q in quads)
    return graph


def _ox_term(term: Any) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    from rdflib import BNode, URIRef

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    datatype = ox.NamedNode(str(term.datatype or _XSD_STRING))
    return ox.Literal(str(term), datatype=datatype)


def _graph_quads(graph: Any) -> list[ox.Quad]:
    quads = []
    for s, p, o in graph.triples((None, None, None)):
        subject, predicate, obj = _ox_term(s), _ox_term(p), _ox_term(o)
        if isinstance(subject, ox.Literal) or not isinstance(predicate, ox.NamedNode):
            continue  # generalised RDF (a literal subject) has no place in a design
        quads.append(ox.Quad(subject, predicate, obj))
    return quads


def _own_nodes(designs: Sequence[_Design], context: Sequence[ox.Quad]) -> set[str]:
    described = {_term_text(q.subject) for q in context}
    own = set()
    for design in designs:
        for quad in design.quads:
            own.add(_term_text(quad.subject))
            if not isinstance(quad.object, ox.Literal):
                own.add(_term_text(quad.object))
    return own - described


# --- inconsistencies: KS-C01 ---------------------------------------------------------------------

_OWLRL_DISJOINT = re.compile(r"Disjoint classes (\S+) and (\S+) have a common individual (\S+)")
_OWLRL_NOTHING = re.compile(r"(\S+) is defined of type 'Nothing'")
_OWLRL_LEXICAL = re.compile(
    r"Lexical value of the literal '(.*)' does not match its datatype \((\S+)\)", re.DOTALL
)


def _clashes_from(
    inconsistencies: Iterable[Inconsistency], designs: Sequence[_Design]
) -> set[_Clash]:
    """The reasoner's inconsistencies as clashes, about the nodes of the design where it can."""
    clashes: set[_Clash] = set()
    for found in inconsistencies:
        if found.rule in ("cax-dw", "cax-adc") and found.node is not None:
            classes = sorted(_term_text(_ox_term(c)) for c in found.classes)
            clashes.add(_Clash("classes", _term_text(_ox_term(found.node)), tuple(classes)))
        elif found.rule == "cls-nothing2" and found.node is not None:
            clashes.add(_Clash("nothing", _term_text(_ox_term(found.node))))
        elif found.rule == "dt-lexical" and found.node is not None:
            literal = _ox_term(found.node)
            assert isinstance(literal, ox.Literal)
            clashes |= _literal_clashes(literal, designs)
        else:
            clashes |= _owlrl_clashes(found.owlrl_message, designs)
    # owl:Nothing is a subclass of every class: its other clashes follow from that one.
    nothing = {clash.focus for clash in clashes if clash.kind == "nothing"}
    return {c for c in clashes if not (c.kind == "classes" and c.focus in nothing)}


def _literal_clashes(literal: ox.Literal, designs: Sequence[_Design]) -> set[_Clash]:
    uses = {
        (_term_text(q.subject), q.predicate.value)
        for design in designs
        for q in design.quads
        if q.object == literal
    }
    value, datatype, lexical = _term_text(literal), (literal.datatype.value,), literal.value
    if not uses:  # not the design's own value: report it as found
        return {_Clash("literal", value, datatype, value=value, detail=lexical)}
    return {_Clash("literal", s, datatype, path=p, value=value, detail=lexical) for s, p in uses}


def _owlrl_clashes(message: str, designs: Sequence[_Design]) -> set[_Clash]:
    """What owlrl reports where the compiled rules do not apply, read back where it can be."""
    if match := _OWLRL_DISJOINT.fullmatch(message):
        first, second, node = match.groups()
        return {_Clash("classes", _node_text(node), tuple(sorted((first, second))))}
    if match := _OWLRL_NOTHING.fullmatch(message):
        return {_Clash("nothing", _node_text(match.group(1)))}
    if match := _OWLRL_LEXICAL.fullmatch(message):
        literal = ox.Literal(match.group(1), datatype=ox.NamedNode(match.group(2)))
        return _literal_clashes(literal, designs)
    mentioned = [
        text
        for design in designs
        for quad in design.quads
        for text in (_term_text(quad.subject),)
        if text in message
    ]
    focus = min(mentioned, key=message.index) if mentioned else _ONTOLOGY
    return {_Clash("other", focus, detail=message)}


def _node_text(text: str) -> str:
    """A node as owlrl writes it (IRI or blank node label) in the form results use."""
    return text if ":" in text else f"_:{text}"


_PREFIXES = {
    "dct": "http://purl.org/dc/terms/",
    "keten": _KETEN,
    "org": "http://www.w3.org/ns/org#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def _short(iri: str) -> str:
    for prefix, namespace in _PREFIXES.items():
        local = iri.removeprefix(namespace)
        if local != iri and re.fullmatch(r"[A-Za-z_][\w\-]*", local):
            return f"{prefix}:{local}"
    return iri if iri.startswith("_:") else f"<{iri}>"


def _labels(context: Sequence[ox.Quad], designs: Sequence[_Design]) -> dict[str, dict[str, str]]:
    """The ``rdfs:label`` texts per node and language, the context's first."""
    labels: dict[str, dict[str, str]] = {}
    for quad in [*context, *(q for design in designs for q in design.quads)]:
        label = quad.object
        if quad.predicate.value == _RDFS_LABEL and isinstance(label, ox.Literal) and label.language:
            texts = labels.setdefault(_term_text(quad.subject), {})
            texts.setdefault(label.language, label.value)
    return labels


def _clash_message(clash: _Clash, labels: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    """What is inconsistent and what to change, in Dutch and English."""

    def name(iri: str, lang: str) -> str:
        label = labels.get(iri, {}).get(lang)
        return f"{label} ({_short(iri)})" if label else _short(iri)

    if clash.kind == "classes":
        first, second = clash.classes
        return {
            "nl": "Dit heeft twee typen die elkaar volgens de ontologie uitsluiten: "
            f"{name(first, 'nl')} en {name(second, 'nl')}. Houd er maar één van over, en kijk "
            "ook naar de typen die volgen uit het domein en bereik van de eigenschappen die erop "
            "of ernaar wijzen.",
            "en": "This has two types that the ontology declares disjoint: "
            f"{name(first, 'en')} and {name(second, 'en')}. Keep only one of them, and check "
            "also the types implied by the domain and range of the properties used on it or "
            "pointing at it.",
        }
    if clash.kind == "nothing":
        return {
            "nl": "Dit heeft het type owl:Nothing, een klasse die geen leden kan hebben. Haal dat "
            "type weg, of de rdfs:subClassOf of owl:equivalentClass waaruit het volgt.",
            "en": "This has the type owl:Nothing, a class that cannot have members. Remove that "
            "type, or the rdfs:subClassOf or owl:equivalentClass it follows from.",
        }
    if clash.kind == "literal":
        value = json.dumps(clash.detail, ensure_ascii=False)
        datatype = _short(clash.classes[0])
        where_nl = f" van {_short(clash.path)}" if clash.path else ""
        where_en = f" of {_short(clash.path)}" if clash.path else ""
        return {
            "nl": f"De waarde {value}{where_nl} past niet bij het datatype {datatype}: schrijf "
            "haar in de vorm die dat datatype voorschrijft, of kies een datatype dat bij de "
            "waarde past.",
            "en": f"The value {value}{where_en} does not fit the datatype {datatype}: write it in "
            "the form that datatype prescribes, or choose a datatype that fits the value.",
        }
    return {
        "nl": f"OWL 2 RL vindt een tegenspraak met de ontologie (owlrl meldt: {clash.detail}). "
        "Pas het ontwerp aan zodat het de axioma's van de ontologie niet meer tegenspreekt.",
        "en": f"OWL 2 RL finds a contradiction with the ontology (owlrl reports: {clash.detail}). "
        "Change the design so that it no longer contradicts the ontology's axioms.",
    }


_CONSISTENCY_RULE = Rule(
    id=_CONSISTENCY,
    severity="Violation",
    name={"nl": "consistent met de ontologie", "en": "consistent with the ontology"},
    description={
        "nl": "Het ontwerp spreekt de axioma's van de ontologie niet tegen: na OWL 2 "
        "RL-inferentie is niets lid van twee klassen die elkaar uitsluiten (zoals ketenbestuur "
        "en ketenbureau), niets van het type owl:Nothing, en past elke waarde bij haar datatype.",
        "en": "The design does not contradict the ontology's axioms: after OWL 2 RL inference "
        "nothing is a member of two disjoint classes (such as chain board and chain bureau), "
        "nothing has the type owl:Nothing, and every value fits its datatype.",
    },
    message={
        "nl": "Het ontwerp spreekt de ontologie tegen: geef elk orgaan, elke functie en elk "
        "ander ding alleen typen die elkaar niet uitsluiten, en schrijf elke waarde in de vorm "
        "van haar datatype.",
        "en": "The design contradicts the ontology: give every body, post and other thing only "
        "types that do not exclude each other, and write every value in the form of its "
        "datatype.",
    },
    source=_ONTOLOGY,
    basis="project",
)


def _clash_result(
    clash: _Clash, labels: Mapping[str, Mapping[str, str]], locator: _Locator
) -> ValidationResult:
    file, line = locator.locate(clash.focus)
    return ValidationResult(
        rule=_CONSISTENCY,
        severity="Violation",
        file=file,
        line=line,
        focus_node=clash.focus,
        path=_RDF_TYPE if clash.kind in ("classes", "nothing") else clash.path,
        value=clash.value,
        message=_clash_message(clash, labels),
        source=_ONTOLOGY,
        basis="project",
    )


# --- validate ------------------------------------------------------------------------------------


def validate(
    sources: Source | Iterable[Source],
    *,
    shapes: Iterable[str | os.PathLike[str]] | None = None,
    fail_on: FailOn = "violation",
    engine: Engine = "auto",
) -> ValidationReport:
    """Validate chain designs against the governance rules; one report for all of them.

    ``sources`` are RDF files, directories (searched for RDF files) or rdflib graphs; they are
    validated as one design. ``shapes`` adds an organisation's own SHACL files on top of the
    project's rules. ``fail_on`` is the lowest severity that makes the report not conform.

    Raises :class:`~ketenontologie.errors.InputError` (or a subclass) for unusable input: a
    missing file, an RDF syntax error (with file, line and column) or unusable shapes.

    >>> report = validate("tests/designs/invalid/KS-R16-twee-ketenmanagers.ttl")
    >>> report.conforms, report.summary.warnings
    (True, 1)
    >>> validate("tests/designs/invalid/KS-R16-twee-ketenmanagers.ttl", fail_on="warning").conforms
    False
    """
    if fail_on not in _FAIL_RANK:
        raise InputError(f"Unknown fail_on {fail_on!r}. Use one of: {', '.join(_FAIL_RANK)}.")
    if engine not in get_args(Engine):
        raise InputError(f"Unknown engine {engine!r}. Use one of: {', '.join(get_args(Engine))}.")
    designs = _load_designs(sources)
    context = _parsed(tuple(ontology_files()))
    ours = tuple(default_shape_files())
    extra = tuple(Path(p) for p in find_rdf_files(list(shapes))) if shapes else ()

    hits, clashes = _run(designs, context, ours, engine=engine)
    if extra:
        hits += _pyshacl(designs, context, extra)[0]

    infos = _shape_infos(_shape_store(ours + extra))
    own = _own_nodes(designs, context)
    locator = _Locator(designs)
    labels = _labels(context, designs) if clashes else {}
    # An inconsistency is reported wherever it is found: the context alone is consistent, so
    # the design caused it, even when the node is one the ontology or the scheme describes.
    found = [_result(hit, infos, locator) for hit in set(hits) if hit.focus in own]
    found += [_clash_result(clash, labels, locator) for clash in clashes]
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
    counts = {level: sum(r.severity == level for r in results) for level in _RANK}
    threshold = _FAIL_RANK[fail_on]
    return ValidationReport(
        conforms=not any(_RANK[r.severity] >= threshold for r in results),
        fail_on=fail_on,
        summary=Summary(
            violations=counts["Violation"], warnings=counts["Warning"], infos=counts["Info"]
        ),
        results=tuple(results),
        rules={**_rules(infos), _CONSISTENCY: _CONSISTENCY_RULE},
        files=tuple(d.name for d in designs if d.name is not None),
    )


def _run(
    designs: Sequence[_Design],
    context: Sequence[ox.Quad],
    shapes: tuple[Path, ...],
    *,
    engine: Engine,
) -> tuple[list[_Hit], set[_Clash]]:
    if engine == "pyshacl":
        return _pyshacl(designs, context, shapes)
    try:
        return _fast(designs, context, shapes)
    except (shacl_engine.UnsupportedInput, shacl_engine.UnsupportedShape) as reason:
        if engine == "fast":
            raise InputError(
                f"The fast validation path does not cover this input ({reason}). "
                "Validate with the pyshacl engine instead."
            ) from None
        return _pyshacl(designs, context, shapes)


def _result(hit: _Hit, infos: Mapping[str, _ShapeInfo], locator: _Locator) -> ValidationResult:
    info = infos.get(hit.shape)
    file, line = locator.locate(hit.focus)
    return ValidationResult(
        rule=info.rule if info else _rule_id(hit.shape),
        severity=hit.severity,
        file=file,
        line=line,
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
        "nl": f"Voldoet niet aan {_rule_id(hit.shape)} ({component}).",
        "en": f"Does not conform to {_rule_id(hit.shape)} ({component}).",
    }


# --- where a node is described -------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n]*)
  | (?P<long>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*''')
  | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<directive>@prefix|@base|(?i:prefix|base)(?=\s))
  | (?P<bnode>_:[\w\-.]*[\w\-])
  | (?P<pname>(?:[A-Za-z][\w\-.]*)?:(?:[\w\-:%]|\\.|\.(?=[\w\-:%\\]))*)
  | (?P<punct>[.;,\[\](){}])
  | (?P<word>[^\s;,()\[\]{}]+)
    """,
    re.VERBOSE,
)


def _subject_lines(text: str, base: str) -> dict[str, int]:
    """For Turtle, TriG or N-Triples text: each subject (full IRI or ``_:label``) → first line."""
    newlines = [i for i, char in enumerate(text) if char == "\n"]
    prefixes: dict[str, str] = {}
    lines: dict[str, int] = {}
    expect_subject, depth = True, 0
    tokens = [(m.lastgroup, m.group(), m.start()) for m in _TOKEN.finditer(text)]
    i = 0
    while i < len(tokens):
        kind, value, start = tokens[i]
        i += 1
        if kind == "comment":
            continue
        if kind == "directive":
            rest = [t for t in tokens[i : i + 4] if t[0] != "comment"]
            if value.lower().endswith("prefix") and len(rest) >= 2:
                prefixes[rest[0][1].rstrip(":")] = _join(base, rest[1][1][1:-1])
                i += 2
            elif rest:
                base = _join(base, rest[0][1][1:-1])
                i += 1
            if i < len(tokens) and tokens[i][1] == ".":
                i += 1
            expect_subject = True
            continue
        if kind == "punct":
            if value in "[(":
                depth += 1
            elif value in "])":
                depth -= 1
            elif value in "{}" or (value == "." and depth == 0):
                expect_subject, depth = True, 0
            continue
        if expect_subject and depth == 0:
            expect_subject = False
            node = _resolve(kind, value, prefixes, base)
            if node is not None and node not in lines:
                lines[node] = bisect.bisect_left(newlines, start) + 1
            if value.upper() == "GRAPH":
                expect_subject = True
    return lines


def _join(base: str, iri: str) -> str:
    """Resolve ``iri`` against ``base``; unlike urljoin, keep an empty fragment (``…/def#``)."""
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", iri):
        return iri
    joined = urljoin(base, iri)
    return joined + "#" if iri.endswith("#") and not joined.endswith("#") else joined


def _resolve(kind: str | None, value: str, prefixes: Mapping[str, str], base: str) -> str | None:
    if kind == "iri":
        return _join(base, value[1:-1])
    if kind == "bnode":
        return value
    if kind == "pname":
        prefix, _, local = value.partition(":")
        if prefix in prefixes:
            return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
    return None


class _Locator:
    """Finds the file and line where a focus node is described, reading each file once."""

    def __init__(self, designs: Sequence[_Design]) -> None:
        self._designs = designs
        self._lines: dict[int, dict[str, int]] = {}
        self._mentions: dict[str, str] | None = None

    def locate(self, node: str) -> tuple[str | None, int | None]:
        for index, design in enumerate(self._designs):
            line = self._subject_line(index, design, node)
            if line is not None:
                return design.name, line
        return self._mentioned_in(node), None

    def _subject_line(self, index: int, design: _Design, node: str) -> int | None:
        if design.path is None:
            return None
        if index not in self._lines:
            text = design.path.read_text("utf-8", errors="replace")
            rdf_format = format_for(design.path)
            base = design.path.resolve().as_uri()
            if rdf_format in ("turtle", "trig", "n-triples", "n-quads"):
                self._lines[index] = _subject_lines(text, base)
            else:
                self._lines[index] = _quoted_lines(text, design)
        return self._lines[index].get(node)

    def _mentioned_in(self, node: str) -> str | None:
        if self._mentions is None:
            self._mentions = {}
            for design in reversed(self._designs):
                for quad in design.quads:
                    for term in (quad.subject, quad.object):
                        if design.name is not None:
                            self._mentions[_term_text(term)] = design.name
        return self._mentions.get(node)


def _quoted_lines(text: str, design: _Design) -> dict[str, int]:
    """Best effort for RDF/XML and JSON-LD: the first line that quotes a subject's IRI."""
    subjects = {q.subject.value for q in design.quads if isinstance(q.subject, ox.NamedNode)}
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        for quoted in re.findall(r'"([^"]+)"', line):
            if quoted in subjects and quoted not in lines:
                lines[quoted] = number
    return lines
