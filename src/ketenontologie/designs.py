"""The stored designs: the catalogue, the upload pipeline and the project's first load.

A :class:`DesignCatalogue` owns the service's :class:`~ketenontologie.reasoning.ReasoningState`
and every write of a design graph (``…/graph/ontwerp/{id}``) and of the inferred graphs
(``…/graph/afgeleid/{id}``): it is the one writer of inferred graphs, and of the designs'
histories (:mod:`ketenontologie.history`). Adding, replacing or removing a design re-derives only
what that design touches, and writes the design with every inferred graph that changed, its
history and the version it replaces or deletes in **one** transaction
(:meth:`GraphStore.replace_graphs`): the store holds a design whole with its inferred triples and
its history, or not at all. At start-up the state is rebuilt
from the stored designs and the stored inferred graphs are brought in line with it; on a first
start :meth:`DesignCatalogue.load_project` writes the ontology, the concept scheme, the shapes
and the example designs in one transaction.

Where inferred triples live: the union of the inferred graphs is exactly what OWL 2 RL infers
from the ontology with all stored designs (less the ontology's own closure, which is in
``…/graph/afgeleid``, and less anything a design asserts). An inferred triple is stored once, in
the graph of the design whose write first derived it; a triple that rests on several designs
(UWV is an ``org:Organization`` because two chains name it a partner) stays when one of them
goes, and moves to the graph of another design that mentions its subject. Inferred triples about
blank nodes are not stored (a blank node cannot be shared between graphs written apart).

An upload (:func:`store_upload`) is parsed once (:func:`ketenontologie.loading.parse_bytes`:
nothing in it is ever fetched), validated as the command line validates a file, with the
upload's line numbers, and stored through the catalogue. The command line and the service use
the same functions. From parsing to storage a design stays pyoxigraph terms: the reasoning state
takes the parsed triples as they are, and its deltas are stored as they come (nothing here
converts to or from rdflib).

>>> catalogue = DesignCatalogue.open(store)  # doctest: +SKIP
>>> catalogue.put("mijn-keten", triples)  # doctest: +SKIP
"""

from __future__ import annotations

import datetime
import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeAlias

import pyoxigraph as ox

from ketenontologie.changes import Comparison, Design, compare, summary_line
from ketenontologie.errors import (
    DesignTooCostlyError,
    InconsistencyError,
    InputError,
    NotConformingError,
    QueryResourceError,
    QueryTimeoutError,
    UnknownDesignError,
    UnknownVersionError,
)
from ketenontologie.history import History
from ketenontologie.loading import Parsed, parse_quads, parse_upload, syntax_for_media_type
from ketenontologie.namespaces import (
    GRAPH,
    INFERRED_GRAPH,
    ONTOLOGY_GRAPH,
    VERSIONS_GRAPH,
    design_graph,
    history_graph,
    inferred_graph,
    shapes_graph,
    version_graph,
)
from ketenontologie.reasoning.reasoner import Delta, Inconsistency, Reasoner, ReasoningState
from ketenontologie.resources import design_files, ontology_files, shape_files
from ketenontologie.sparql.results import format_by_name
from ketenontologie.store import GraphName, GraphStore, OpenedStore, design_ids
from ketenontologie.store.workers import WorkerPool
from ketenontologie.validation import FailOn, ValidationReport, validate

if TYPE_CHECKING:
    from ketenontologie.terms import TermTriple

__all__ = [
    "DESIGN_ID",
    "DesignCatalogue",
    "DesignInfo",
    "Include",
    "PutOutcome",
    "UploadChecker",
    "check_design_id",
    "check_upload",
    "load_project",
    "open_catalogue",
    "read_upload",
    "store_design",
    "store_upload",
    "upload_name",
]

Include: TypeAlias = Literal["asserted", "inferred", "all"]
"""What :meth:`DesignCatalogue.read` returns: the design, its inferred triples, or both."""

_NTRIPLES = format_by_name("ntriples", kind="graph")

DESIGN_ID = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"
"""What a design id may be: letters, digits, ``.``, ``_`` and ``-``, at most 100, starting with a
letter or digit (it becomes part of graph IRIs and URLs)."""


def check_design_id(design_id: str) -> str:
    """``design_id`` when it is usable as one; else :class:`~ketenontologie.errors.InputError`.

    >>> check_design_id("loonaangifteketen")
    'loonaangifteketen'
    """
    if re.fullmatch(DESIGN_ID, design_id) is None:
        raise InputError(
            f"The design id {design_id!r} is not usable. Use letters, digits, '.', '_' and '-' "
            "(at most 100), starting with a letter or digit."
        )
    return design_id


@dataclass(frozen=True, slots=True)
class DesignInfo:
    """A stored design: its id, graphs and sizes."""

    id: str
    graph: str
    inferred_graph: str
    triples: int
    inferred: int


@dataclass(frozen=True, slots=True)
class PutOutcome:
    """What storing a design did."""

    created: bool
    """True when the design was new, False when it replaced a stored version."""
    info: DesignInfo
    added: int
    """Inferred triples that appeared in the store (over all designs' inferred graphs)."""
    removed: int
    """Inferred triples that left the store."""


# --- the catalogue ------------------------------------------------------------------------------


class DesignCatalogue:
    """The stored designs and their reasoning state; every design write goes through here.

    Writes are serialised by a lock. Each one updates the reasoning state, then the store in
    one transaction; when the store refuses, the state is put back as it was.
    """

    def __init__(self, store: GraphStore, *, reasoner: Reasoner | None = None) -> None:
        self.store = store
        self._reasoner = reasoner or Reasoner.from_ontology()
        self._state: ReasoningState = self._reasoner.state()
        self._lock = threading.Lock()
        self._asserted: dict[str, Sequence[ox.Triple]] = {}
        self._mentions: dict[str, frozenset[ox.NamedNode]] = {}
        self._owner: dict[ox.Triple, str] = {}
        self._owned: dict[str, set[ox.Triple]] = {}
        self._inconsistencies: tuple[Inconsistency, ...] = ()
        self._histories: dict[str, History] = {}
        self._summaries: dict[tuple[str, int, str, str], str] = {}
        """One-line summaries of versions, by design, number, date stored and language (a
        version never changes once stored)."""

    @classmethod
    def open(cls, store: GraphStore, *, reasoner: Reasoner | None = None) -> DesignCatalogue:
        """A catalogue for the designs in ``store``, with the state rebuilt (see rebuild)."""
        catalogue = cls(store, reasoner=reasoner)
        catalogue.rebuild()
        return catalogue

    # --- reading --------------------------------------------------------------------------------

    def ids(self) -> list[str]:
        """The ids of the stored designs, sorted."""
        with self._lock:
            return sorted(self._asserted)

    def __contains__(self, design_id: object) -> bool:
        return design_id in self._asserted

    def info(self, design_id: str) -> DesignInfo:
        """Id, graphs and sizes of a stored design; :class:`UnknownDesignError` if absent."""
        with self._lock:
            return self._info(design_id)

    def infos(self) -> list[DesignInfo]:
        """Every stored design, sorted by id."""
        with self._lock:
            return [self._info(design_id) for design_id in sorted(self._asserted)]

    def _info(self, design_id: str) -> DesignInfo:
        if design_id not in self._asserted:
            raise UnknownDesignError(design_id)
        return DesignInfo(
            id=design_id,
            graph=design_graph(design_id),
            inferred_graph=inferred_graph(design_id),
            triples=len(self._asserted[design_id]),
            inferred=len(self._owned.get(design_id, ())),
        )

    def read(self, design_id: str, *, include: Include = "asserted") -> list[ox.Triple]:
        """A stored design's triples, its inferred triples, or both (from the store)."""
        if design_id not in self._asserted:
            raise UnknownDesignError(design_id)
        graphs = {
            "asserted": [design_graph(design_id)],
            "inferred": [inferred_graph(design_id)],
            "all": [design_graph(design_id), inferred_graph(design_id)],
        }[include]
        triples: list[ox.Triple] = []
        for graph in graphs:
            triples += self._stored(graph)
        return triples

    def history(self, design_id: str) -> History:
        """The versions of a design, stored or deleted; :class:`UnknownDesignError` when it
        was never stored."""
        with self._lock:
            stored = self._asserted.get(design_id)
            history = self._histories.get(design_id, History(design_id))
            if stored is not None:
                history = history.since(triples=len(stored))
            if not history.versions:
                raise UnknownDesignError(design_id)
            return history

    def read_version(self, design_id: str, number: int) -> list[ox.Triple]:
        """The asserted triples of version ``number`` of a design (from the store).

        Raises :class:`UnknownDesignError` or :class:`UnknownVersionError`.
        """
        history = self.history(design_id)
        version = history.version(number)
        if version is None:
            last = history.last
            raise UnknownVersionError(design_id, number, last=last.number if last else None)
        if version.current:
            return self.read(design_id)
        return self._stored(version_graph(design_id, number))

    def compare_versions(self, design_id: str, old: int, new: int) -> Comparison:
        """What changed from version ``old`` to version ``new`` of a design (see
        :func:`ketenontologie.changes.compare`)."""
        before = self.read_version(design_id, old)
        after = self.read_version(design_id, new)
        return compare(
            Design.from_triples(before, name=f"{design_id}@{old}"),
            Design.from_triples(after, name=f"{design_id}@{new}"),
        )

    def summary(self, design_id: str, number: int, *, lang: Literal["nl", "en"] = "nl") -> str:
        """Version ``number`` in one line: what changed since the version before it."""
        version = self.history(design_id).version(number)
        if version is None:
            self.read_version(design_id, number)  # raises UnknownVersionError
            raise AssertionError  # pragma: no cover
        key = (design_id, number, str(version.stored), lang)
        if key not in self._summaries:
            if number == 1:
                n = version.triples
                line = (
                    f"Eerste versie, {n} {'tripel' if n == 1 else 'tripels'}."
                    if lang == "nl"
                    else f"First version, {n} {'triple' if n == 1 else 'triples'}."
                )
            else:
                line = summary_line(self.compare_versions(design_id, number - 1, number), lang=lang)
            self._summaries[key] = line
        return self._summaries[key]

    @property
    def inconsistencies(self) -> tuple[Inconsistency, ...]:
        """What OWL 2 RL finds inconsistent in the stored designs (normally nothing)."""
        return self._inconsistencies

    # --- writing --------------------------------------------------------------------------------

    def put(
        self, design_id: str, triples: Sequence[ox.Triple], *, name: str | None = None
    ) -> PutOutcome:
        """Store a design (new or replacing one) with the inferred triples it changes.

        The design's history gains a version (named ``name``, if given); a version it replaces
        is kept in its version graph, in the same transaction. Raises
        :class:`~ketenontologie.errors.InconsistencyError`, storing nothing, when the design
        makes the knowledge graph inconsistent with the ontology.
        """
        check_design_id(design_id)
        triples = list(triples)
        with self._lock:
            old = self._asserted.get(design_id)
            before = {_key(found) for found in self._inconsistencies}
            delta = self._state.replace(design_id, triples)
            new = [found for found in delta.inconsistencies if _key(found) not in before]
            if new:
                self._restore(design_id, old)
                raise InconsistencyError(new, design_id=design_id)
            plan = self._plan(design_id, delta, removing=False)
            graphs: dict[GraphName, Iterable[ox.Triple]] = {design_graph(design_id): triples}
            graphs.update({inferred_graph(d): owned for d, owned in plan.owned.items()})
            history = self._histories.get(design_id, History(design_id))
            if old is not None:
                history = history.since(triples=len(old))
                last = history.last
                assert last is not None
                graphs[version_graph(design_id, last.number)] = old
            history = history.stored(at=_now(), triples=len(triples), name=name)
            graphs[history_graph(design_id)] = history.to_triples()
            try:
                self.store.replace_graphs(graphs)
            except BaseException:
                self._restore(design_id, old)
                raise
            self._histories[design_id] = history
            self._asserted[design_id] = triples
            self._mentions[design_id] = _mentions(triples)
            self._commit(plan)
            self._inconsistencies = delta.inconsistencies
            return PutOutcome(
                created=old is None,
                info=self._info(design_id),
                added=len(plan.added),
                removed=len(plan.removed),
            )

    def remove(self, design_id: str) -> int:
        """Remove a design and the inferred triples only it supported; returns how many left.

        Raises :class:`UnknownDesignError` when there is no such design.
        """
        with self._lock:
            old = self._asserted.get(design_id)
            if old is None:
                raise UnknownDesignError(design_id)
            delta = self._state.remove(design_id)
            plan = self._plan(design_id, delta, removing=True)
            graphs: dict[GraphName, Iterable[ox.Triple]] = {
                inferred_graph(d): owned for d, owned in plan.owned.items()
            }
            history = self._histories.get(design_id, History(design_id)).since(triples=len(old))
            last = history.last
            assert last is not None
            graphs[version_graph(design_id, last.number)] = old
            history = history.deleted(at=_now())
            graphs[history_graph(design_id)] = history.to_triples()
            try:
                self.store.replace_graphs(
                    graphs, drop=[design_graph(design_id), inferred_graph(design_id)]
                )
            except BaseException:
                self._restore(design_id, old)
                raise
            self._histories[design_id] = history
            del self._asserted[design_id]
            del self._mentions[design_id]
            self._commit(plan)
            self._owned.pop(design_id, None)
            self._inconsistencies = delta.inconsistencies
            return len(plan.removed)

    def _restore(self, design_id: str, old: Sequence[ox.Triple] | None) -> None:
        """Put the reasoning state back after a refused write."""
        if old is None:
            if design_id in self._state.designs:
                self._state.remove(design_id)
        else:
            self._state.replace(design_id, old)

    # --- where inferred triples go --------------------------------------------------------------

    def _plan(
        self,
        design_id: str,
        delta: Delta,
        *,
        removing: bool,
    ) -> _Plan:
        """The inferred graphs to rewrite for ``delta``, and the new owner of each triple."""
        added = self._storable(delta.added)
        removed = self._storable(delta.removed)
        owned: dict[str, set[ox.Triple]] = {}

        def graph_of(owner: str) -> set[ox.Triple]:
            if owner not in owned:
                owned[owner] = set(self._owned.get(owner, ()))
            return owned[owner]

        for triple in removed:
            owner = self._owner.get(triple)
            if owner is not None:
                graph_of(owner).discard(triple)
        owners: dict[ox.Triple, str | None] = dict.fromkeys(removed)
        if removing:
            # What the design held that still holds, and what it kept from holding as
            # inferred (by asserting it), go to another design.
            orphans = (self._owned.get(design_id, set()) - removed) | added
            for triple in orphans:
                owner = self._place(triple, leaving=design_id)
                if owner is not None:
                    graph_of(owner).add(triple)
                owners[triple] = owner
            owned.pop(design_id, None)
        else:
            mine = graph_of(design_id)
            for triple in added:
                if self._owner.get(triple, design_id) == design_id:
                    mine.add(triple)
                    owners[triple] = design_id
        # A graph that stays as it is stored is not written again: an edit that changes no
        # inferred triple rewrites none (the store holds exactly each design's owned triples).
        # A new design's inferred graph is written even when empty, so that it exists.
        owned = {
            owner: triples
            for owner, triples in owned.items()
            if owner not in self._owned or triples != self._owned[owner]
        }
        return _Plan(owned=owned, owners=owners, added=added, removed=removed)

    def _place(self, triple: ox.Triple, *, leaving: str) -> str | None:
        """A remaining design for an inferred triple: the first that mentions its subject, or
        else its object, else the first one."""
        remaining = [d for d in self._state.designs if d != leaving]
        for term in (triple.subject, triple.object):
            for candidate in remaining:
                if term in self._mentions.get(candidate, ()):
                    return candidate
        return remaining[0] if remaining else None

    def _placer(self) -> Callable[[ox.Triple], str | None]:
        """:meth:`_place` for many triples at once: an index of first mentions, built once."""
        first: dict[ox.NamedNode, str] = {}
        for design_id in reversed(self._state.designs):
            first.update(dict.fromkeys(self._mentions.get(design_id, ()), design_id))
        fallback = self._state.designs[0] if self._state.designs else None

        def place(triple: ox.Triple) -> str | None:
            for term in (triple.subject, triple.object):
                found = first.get(term) if isinstance(term, ox.NamedNode) else None
                if found is not None:
                    return found
            return fallback

        return place

    def _commit(self, plan: _Plan) -> None:
        for triple, owner in plan.owners.items():
            if owner is None:
                self._owner.pop(triple, None)
            else:
                self._owner[triple] = owner
        for owner, triples in plan.owned.items():
            self._owned[owner] = triples

    # --- start-up -------------------------------------------------------------------------------

    def rebuild(self) -> list[str]:
        """Rebuild the state from the stored designs; repair the stored inferred graphs.

        Designs are read from their graphs and reasoned one by one; each stored inferred
        triple keeps its graph where it still holds, duplicates and triples that no longer hold
        are taken out, missing ones are placed, and inferred graphs of designs that are gone are
        dropped, all in one transaction. Returns the names of the graphs that were rewritten.
        """
        with self._lock:
            ids = design_ids(self.store)
            designs = {design_id: self._stored(design_graph(design_id)) for design_id in ids}
            stored = {design_id: self._stored(inferred_graph(design_id)) for design_id in ids}
            touched = self._reset(designs, stored)
            self._histories = {
                graph[len(VERSIONS_GRAPH) :]: History.from_triples(
                    graph[len(VERSIONS_GRAPH) :], self._stored(graph)
                )
                for graph in self.store.graphs()
                if graph.startswith(VERSIONS_GRAPH) and "/" not in graph[len(VERSIONS_GRAPH) :]
            }
            prefix = inferred_graph("")
            stale = [
                graph
                for graph in self.store.graphs()
                if graph.startswith(prefix) and graph[len(prefix) :] not in self._asserted
            ]
            if touched or stale:
                self.store.replace_graphs(
                    {inferred_graph(d): self._owned[d] for d in sorted(touched)}, drop=stale
                )
            return sorted(inferred_graph(d) for d in touched) + stale

    def load_project(self) -> list[str]:
        """Write the project's sources into an empty store, in one transaction.

        The ontology, the concept scheme and each shapes file go into graphs of their own, the
        ontology's own closure into ``…/graph/afgeleid``, and each example design (``data/``)
        with its inferred triples as :meth:`put` would store it. Returns the graphs written.
        """
        with self._lock:
            graphs: dict[GraphName, Iterable[ox.Triple]] = {}
            for path in ontology_files():
                name = ONTOLOGY_GRAPH if path.stem == "ketenontologie" else f"{GRAPH}{path.stem}"
                graphs[name] = _triples(path)
            graphs[INFERRED_GRAPH] = self._storable(self._reasoner.ontology_inferred())
            for path in shape_files():
                graphs[shapes_graph(path.stem)] = _triples(path)
            designs = {path.stem: _triples(path) for path in design_files()}
            self._reset(designs, {})
            self._histories = {}  # their histories start with their first write
            for design_id, triples in designs.items():
                graphs[design_graph(design_id)] = triples
                graphs[inferred_graph(design_id)] = self._owned[design_id]
            self.store.replace_graphs(graphs)
            return [str(name) for name in graphs]

    def _reset(
        self,
        designs: Mapping[str, Sequence[ox.Triple]],
        stored: Mapping[str, Iterable[ox.Triple]],
    ) -> set[str]:
        """Reason ``designs`` afresh and place every inferred triple in one design's graph.

        A triple keeps the graph ``stored`` has it in when it still holds there; the others are
        placed anew. Returns the designs whose inferred graph differs from ``stored``.
        """
        self._state = self._reasoner.state()
        self._asserted, self._mentions, self._owner, self._owned = {}, {}, {}, {}
        for design_id, triples in designs.items():
            self._state.add(design_id, triples)
            self._asserted[design_id] = triples
            self._mentions[design_id] = _mentions(triples)
        inferred = self._state.inferred()
        self._inconsistencies = inferred.inconsistencies
        target = self._storable(inferred) if designs else set()
        touched: set[str] = set()
        for design_id in designs:
            kept: set[ox.Triple] = set()
            for triple in stored.get(design_id, ()):
                if triple in target and triple not in self._owner:
                    self._owner[triple] = design_id
                    kept.add(triple)
                else:
                    touched.add(design_id)
            self._owned[design_id] = kept
        place = self._placer()
        for triple in target - self._owner.keys():
            owner = place(triple)
            if owner is not None:
                self._owner[triple] = owner
                self._owned[owner].add(triple)
                touched.add(owner)
        return touched

    def _storable(self, triples: Iterable[TermTriple]) -> set[ox.Triple]:
        """Inferred triples a store can hold apart from their design: no blank nodes, no literal
        subjects or predicates that are no IRI (owlrl's generalised RDF)."""
        return {
            ox.Triple(s, p, o)
            for s, p, o in triples
            if isinstance(s, ox.NamedNode)
            and isinstance(p, ox.NamedNode)
            and not isinstance(o, ox.BlankNode)
        }

    def _stored(self, graph: str) -> list[ox.Triple]:
        if not self.store.has_graph(graph):
            return []
        assert _NTRIPLES is not None
        data = self.store.dump(graph, format=_NTRIPLES)
        return [
            ox.Triple(q.subject, q.predicate, q.object)
            for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)
        ]


@dataclass(frozen=True, slots=True)
class _Plan:
    owned: dict[str, set[ox.Triple]]
    """The new content of every inferred graph that changes."""
    owners: Mapping[ox.Triple, str | None]
    """New owners (None: no longer stored)."""
    added: set[ox.Triple]
    removed: set[ox.Triple]


def _mentions(triples: Iterable[ox.Triple]) -> frozenset[ox.NamedNode]:
    return frozenset(
        term for t in triples for term in (t.subject, t.object) if isinstance(term, ox.NamedNode)
    )


def _now() -> datetime.datetime:
    """Now, to the millisecond (as a history keeps it)."""
    now = datetime.datetime.now(datetime.UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def _key(found: Inconsistency) -> tuple[str, str]:
    return (found.rule, found.message)


# The ontology's own closure lives in INFERRED_GRAPH; a design id never names it.
assert inferred_graph("x").startswith(INFERRED_GRAPH + "/")


# --- uploads --------------------------------------------------------------------------------------


def upload_name(stem: str, media_type: str) -> str:
    """The name an upload is reported by: ``stem`` with the extension of its format."""
    try:
        syntax = syntax_for_media_type(media_type)
    except InputError:
        return stem
    return f"{stem}{syntax.extensions[0]}"


def read_upload(data: bytes, *, media_type: str, name: str, base_iri: str) -> Parsed:
    """Parse an uploaded design (one graph); errors name ``name`` with line and column.

    Raises :class:`~ketenontologie.errors.UnknownFormatError` for a media type that is not an
    RDF format read here, :class:`~ketenontologie.errors.RDFSyntaxError` for bad syntax (and a
    ``DOCTYPE`` in RDF/XML), :class:`~ketenontologie.errors.RemoteContextError` for a remote
    JSON-LD context, and :class:`~ketenontologie.errors.InputError` for an empty design.

    >>> triples = read_upload(
    ...     b"<https://e.org/a> a <https://e.org/B> .",
    ...     media_type="text/turtle",
    ...     name="ontwerp.ttl",
    ...     base_iri="https://e.org/",
    ... )
    >>> len(triples.quads)
    1
    """
    upload = parse_upload(data, media_type=media_type, name=name, base_iri=base_iri)
    if not upload.quads:
        raise InputError(
            f"{name}: the upload holds no triples (het ontwerp is leeg). Send the design's RDF "
            "in the request body."
        )
    return upload


def warm() -> None:
    """Load what checking an upload needs (the compiled rules and shapes) before the first one."""
    check_upload(
        b"<urn:x:a> <urn:x:b> <urn:x:c> .",
        media_type="application/n-triples",
        name="-",
        base_iri="urn:x:",
    )


def check_upload(
    data: bytes, *, media_type: str, name: str, base_iri: str, fail_on: FailOn = "violation"
) -> tuple[ValidationReport, bytes]:
    """Read and validate an upload: its report, and its triples in N-Triples.

    This is what :class:`UploadChecker` runs in a confined worker; the triples travel back in
    N-Triples, the plainest form to send between processes.
    """
    upload = read_upload(data, media_type=media_type, name=name, base_iri=base_iri)
    report = validate(upload, fail_on=fail_on)
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in upload.quads]
    return report, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


class UploadChecker:
    """Reads and validates uploads in confined worker processes, within a time and memory limit.

    A design whose check runs past ``timeout`` seconds or past the workers' memory (a long chain
    of escalation steps makes the closure grow fast) is refused with
    :class:`~ketenontologie.errors.DesignTooCostlyError`, and nothing is stored; the service's
    own process never runs it.
    """

    def __init__(
        self, *, workers: int = 1, timeout: float = 30.0, memory_bytes: int | None = None
    ) -> None:
        self.timeout = timeout
        self._pool = WorkerPool(
            size=workers, memory_bytes=memory_bytes, warm="ketenontologie.designs:warm"
        )

    def check(
        self,
        data: bytes,
        *,
        media_type: str,
        name: str,
        base_iri: str,
        fail_on: FailOn = "violation",
        client: str | None = None,
    ) -> tuple[ValidationReport, list[ox.Triple]]:
        """The upload's report and triples (see :func:`check_upload`)."""
        try:
            report, data_nt = self._pool.call(
                "ketenontologie.designs:check_upload",
                data,
                media_type=media_type,
                name=name,
                base_iri=base_iri,
                fail_on=fail_on,
                timeout=self.timeout,
                client=client,
            )
        except (QueryTimeoutError, QueryResourceError):
            raise DesignTooCostlyError(name, seconds=self.timeout) from None
        quads = ox.parse(data_nt, format=ox.RdfFormat.N_TRIPLES)
        return report, [ox.Triple(q.subject, q.predicate, q.object) for q in quads]

    def close(self) -> None:
        """Stop the workers."""
        self._pool.close()


def store_upload(
    catalogue: DesignCatalogue,
    data: bytes,
    *,
    media_type: str,
    design_id: str,
    strict: bool = False,
    fail_on: FailOn = "violation",
    checker: UploadChecker | None = None,
    client: str | None = None,
    version_name: str | None = None,
) -> tuple[PutOutcome, ValidationReport]:
    """Read, validate and store an uploaded design with its inferred triples.

    With ``strict``, a design whose report does not conform is refused
    (:class:`~ketenontologie.errors.NotConformingError`) and nothing is stored. Relative
    IRIs resolve against the design's graph IRI. With a ``checker`` (the service has one),
    reading and validating run in its confined workers within its limits.
    """
    name = upload_name(design_id, media_type)
    base = design_graph(design_id)
    if checker is None:
        upload = read_upload(data, media_type=media_type, name=name, base_iri=base)
        return store_design(
            catalogue,
            upload,
            design_id=design_id,
            strict=strict,
            fail_on=fail_on,
            version_name=version_name,
        )
    report, triples = checker.check(
        data, media_type=media_type, name=name, base_iri=base, fail_on=fail_on, client=client
    )
    return _put(catalogue, design_id, triples, report, strict=strict, version_name=version_name)


def store_design(
    catalogue: DesignCatalogue,
    design: Parsed,
    *,
    design_id: str,
    strict: bool = False,
    fail_on: FailOn = "violation",
    version_name: str | None = None,
) -> tuple[PutOutcome, ValidationReport]:
    """Validate a parsed design and store it with its inferred triples (see :func:`store_upload`).

    The design's relative IRIs should have been resolved against its graph IRI
    (:func:`~ketenontologie.namespaces.design_graph`), as the service does.
    """
    report = validate(design, fail_on=fail_on)
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in design.quads]
    return _put(catalogue, design_id, triples, report, strict=strict, version_name=version_name)


def _put(
    catalogue: DesignCatalogue,
    design_id: str,
    triples: list[ox.Triple],
    report: ValidationReport,
    *,
    strict: bool,
    version_name: str | None = None,
) -> tuple[PutOutcome, ValidationReport]:
    if strict and not report.conforms:
        counts = report.summary
        raise NotConformingError(
            f"The design {design_id!r} breaks the rules ({counts.violations} violation(s), "
            f"{counts.warnings} warning(s)), and mode=strict stores only designs that conform; "
            "nothing was stored (niets opgeslagen). Fix what the report lists and upload it "
            "again, or upload without mode=strict.",
            report=report.to_dict(),
        )
    return catalogue.put(design_id, triples, name=version_name), report


def open_catalogue(store: OpenedStore, *, load_project: bool = True) -> DesignCatalogue:
    """The designs of ``store``: the project's own on a first start (an empty store, unless
    ``load_project`` is false), else those it holds, with their reasoning state rebuilt."""
    catalogue = DesignCatalogue(store)
    if load_project and store.is_empty():
        catalogue.load_project()
    else:
        catalogue.rebuild()
    return catalogue


def load_project(store: GraphStore, *, reasoner: Reasoner | None = None) -> DesignCatalogue:
    """Fill an empty store with the project's sources; the catalogue of what it then holds.

    >>> catalogue = load_project(store)  # doctest: +SKIP
    """
    catalogue = DesignCatalogue(store, reasoner=reasoner)
    catalogue.load_project()
    return catalogue


def _triples(path: Path) -> list[ox.Triple]:
    return [ox.Triple(q.subject, q.predicate, q.object) for q in parse_quads(path)]
