"""The history of a stored design: its versions, kept as PROV in a graph of their own.

Every write of a design through the catalogue (:mod:`ketenontologie.designs`) adds a version to
its history: version 1 is the first stored, each later one ``prov:wasRevisionOf`` the one
before, and the last is the design as it is stored now (unless the design was deleted). When a
version is replaced or deleted, its asserted triples move to a graph of their own,
``…/graph/versie/{id}/{n}`` (:func:`~ketenontologie.namespaces.version_graph`), in the same
transaction as the write; the current version's triples are the design graph's. The history
itself is the graph ``…/graph/versie/{id}``: one ``prov:Entity`` per version, named by its
version graph's IRI, with ``prov:generatedAtTime`` (stored), ``prov:invalidatedAtTime``
(replaced or deleted), ``dct:isVersionOf`` the design graph, ``dcat:version`` its number,
``void:triples`` its size and ``rdfs:label`` the name the request gave, if any.

A design deleted and stored again continues its history: the new version is a revision of
the deleted one.

>>> first = History("k").stored(at=_at("2026-01-02T03:04:05Z"), triples=3, name="eerste")
>>> [(v.number, v.name, v.current) for v in first.versions]
[(1, 'eerste', True)]
>>> second = first.stored(at=_at("2026-01-03T00:00:00Z"), triples=4, name=None)
>>> History.from_triples("k", second.to_triples()) == second
True
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, replace

import pyoxigraph as ox

from ketenontologie.namespaces import DCT, RDF, RDFS, design_graph, version_graph

__all__ = ["History", "Version"]

_PROV = "http://www.w3.org/ns/prov#"
_DCAT = "http://www.w3.org/ns/dcat#"
_VOID = "http://rdfs.org/ns/void#"
_XSD = "http://www.w3.org/2001/XMLSchema#"

_TYPE = ox.NamedNode(str(RDF.type))
_ENTITY = ox.NamedNode(f"{_PROV}Entity")
_GENERATED = ox.NamedNode(f"{_PROV}generatedAtTime")
_INVALIDATED = ox.NamedNode(f"{_PROV}invalidatedAtTime")
_REVISION_OF = ox.NamedNode(f"{_PROV}wasRevisionOf")
_VERSION_OF = ox.NamedNode(f"{DCT}isVersionOf")
_NUMBER = ox.NamedNode(f"{_DCAT}version")
_TRIPLES = ox.NamedNode(f"{_VOID}triples")
_LABEL = ox.NamedNode(str(RDFS.label))
_DATETIME = ox.NamedNode(f"{_XSD}dateTime")
_INTEGER = ox.NamedNode(f"{_XSD}integer")


def _at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _time(moment: datetime.datetime) -> ox.Literal:
    text = moment.astimezone(datetime.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return ox.Literal(text, datatype=_DATETIME)


@dataclass(frozen=True, slots=True)
class Version:
    """One version of a design."""

    number: int
    """1 for the first stored, counting on over replacements, deletions and re-creations."""
    stored: datetime.datetime | None
    """When it was stored (None: stored before histories were kept)."""
    triples: int
    """How many asserted triples it has."""
    name: str | None = None
    """The name the request that stored it gave (``Ketenontologie-Version-Name``), if any."""
    until: datetime.datetime | None = None
    """When it was replaced or deleted; None while it is the stored design."""

    @property
    def current(self) -> bool:
        """True for the version that is the stored design now."""
        return self.until is None

    @property
    def deleted(self) -> bool:
        """True when this version ended without a successor (the design was deleted)."""
        return self.until is not None


@dataclass(frozen=True, slots=True)
class History:
    """The versions of one design, oldest first."""

    design_id: str
    versions: tuple[Version, ...] = ()

    @property
    def last(self) -> Version | None:
        """The newest version (the stored design, unless it was deleted)."""
        return self.versions[-1] if self.versions else None

    def version(self, number: int) -> Version | None:
        """Version ``number``, or None when there is none."""
        if 1 <= number <= len(self.versions):
            return self.versions[number - 1]
        return None

    def since(self, *, triples: int) -> History:
        """This history, or for a design stored before histories were kept (none yet) one
        version of unknown date with ``triples`` triples."""
        if self.versions:
            return self
        return History(self.design_id, (Version(1, None, triples),))

    def stored(self, *, at: datetime.datetime, triples: int, name: str | None) -> History:
        """The history after a new version was stored at ``at`` (the last one, if current,
        ends then)."""
        versions = list(self.versions)
        if versions and versions[-1].current:
            versions[-1] = replace(versions[-1], until=at)
        versions.append(Version(len(versions) + 1, at, triples, name))
        return History(self.design_id, tuple(versions))

    def deleted(self, *, at: datetime.datetime) -> History:
        """The history after the design was deleted at ``at``."""
        versions = list(self.versions)
        if versions and versions[-1].current:
            versions[-1] = replace(versions[-1], until=at)
        return History(self.design_id, tuple(versions))

    def to_triples(self) -> list[ox.Triple]:
        """The history graph's triples (PROV)."""
        design = ox.NamedNode(design_graph(self.design_id))
        triples: list[ox.Triple] = []
        for version in self.versions:
            entity = ox.NamedNode(version_graph(self.design_id, version.number))
            number = ox.Literal(str(version.number), datatype=_INTEGER)
            size = ox.Literal(str(version.triples), datatype=_INTEGER)
            triples += [
                ox.Triple(entity, _TYPE, _ENTITY),
                ox.Triple(entity, _VERSION_OF, design),
                ox.Triple(entity, _NUMBER, number),
                ox.Triple(entity, _TRIPLES, size),
            ]
            if version.number > 1:
                previous = version_graph(self.design_id, version.number - 1)
                triples.append(ox.Triple(entity, _REVISION_OF, ox.NamedNode(previous)))
            if version.stored is not None:
                triples.append(ox.Triple(entity, _GENERATED, _time(version.stored)))
            if version.until is not None:
                triples.append(ox.Triple(entity, _INVALIDATED, _time(version.until)))
            if version.name is not None:
                triples.append(ox.Triple(entity, _LABEL, ox.Literal(version.name)))
        return triples

    @classmethod
    def from_triples(cls, design_id: str, triples: Iterable[ox.Triple]) -> History:
        """The history a history graph holds (what :meth:`to_triples` wrote)."""
        facts: dict[str, dict[str, str]] = {}
        for triple in triples:
            if isinstance(triple.subject, ox.NamedNode) and isinstance(triple.object, ox.Literal):
                facts.setdefault(triple.subject.value, {})[triple.predicate.value] = (
                    triple.object.value
                )
        versions = []
        for fact in facts.values():
            if _NUMBER.value not in fact:
                continue
            stored, until = fact.get(_GENERATED.value), fact.get(_INVALIDATED.value)
            versions.append(
                Version(
                    number=int(fact[_NUMBER.value]),
                    stored=_at(stored) if stored else None,
                    triples=int(fact.get(_TRIPLES.value, "0")),
                    name=fact.get(_LABEL.value),
                    until=_at(until) if until else None,
                )
            )
        versions.sort(key=lambda version: version.number)
        return cls(design_id, tuple(versions))
