"""Which chain a finding is about, so that each chain of a design gets a verdict of its own.

A node belongs to the chain it is (a ``keten:Chain``); else to the chains it acts in
(``keten:actsIn``), is a partner in (``keten:partnerIn``) or is the objective of
(``org:purpose``); else to those of the organisation it is a post in (``org:postIn``) or of a
membership's organisation (``org:organization``); else to those of whatever refers to it. The
closure is read, so ``keten:hasBoard`` makes the board act in the chain and ``keten:hasPartner``
makes the partner one. A node in no chain (a partner no chain names) belongs to none: its
findings are reported apart. The same reading as ``ketenontologie diff`` uses for a change.

>>> import pyoxigraph as ox
>>> k = "https://w3id.org/ketenontologie/def#"
>>> chain, role = ox.NamedNode("https://e.org/keten"), ox.NamedNode("https://e.org/rol")
>>> index = ChainIndex(
...     [
...         ox.Quad(chain, ox.NamedNode(_RDF_TYPE), ox.NamedNode(k + "Chain")),
...         ox.Quad(role, ox.NamedNode(k + "actsIn"), chain),
...     ],
...     own={"https://e.org/keten", "https://e.org/rol"},
... )
>>> index.chains_of("https://e.org/rol")
('https://e.org/keten',)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

import pyoxigraph as ox

from ketenontologie.validation.lines import term_text

__all__ = ["ChainIndex"]

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_KETEN = "https://w3id.org/ketenontologie/def#"
_ORG = "http://www.w3.org/ns/org#"
_CHAIN = _KETEN + "Chain"
_ACTS_IN, _PARTNER_IN = _KETEN + "actsIn", _KETEN + "partnerIn"
_PURPOSE, _POST_IN, _ORGANIZATION = _ORG + "purpose", _ORG + "postIn", _ORG + "organization"
_LABELS = (
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2000/01/rdf-schema#label",
)


class ChainIndex:
    """The chains of a design and, for each of its nodes, the chains it belongs to."""

    def __init__(self, quads: Iterable[ox.Quad], *, own: set[str]) -> None:
        self._objects: dict[tuple[str, str], set[str]] = defaultdict(set)
        self._referrers: dict[str, set[str]] = defaultdict(set)
        # (node, language) -> (skos:prefLabel before rdfs:label, text): one, whatever the order
        self._labels: dict[tuple[str, str], tuple[int, str]] = {}
        self._found: dict[str, tuple[str, ...]] = {}
        for quad in quads:
            subject = term_text(quad.subject)
            if subject not in own:
                continue
            predicate, obj = quad.predicate.value, quad.object
            if isinstance(obj, ox.Literal):
                if predicate in _LABELS and (obj.language or "") in ("nl", "en", ""):
                    key = (subject, obj.language or "")
                    found = (_LABELS.index(predicate), obj.value)
                    self._labels[key] = min(self._labels.get(key, found), found)
                continue
            self._link(subject, predicate, term_text(obj))
        self._finish()

    @classmethod
    def from_texts(cls, triples: Iterable[tuple[str, str, str]]) -> ChainIndex:
        """The index of triples given as term texts (a literal in N-Triples form is skipped)."""
        index = cls((), own=set())
        for subject, predicate, obj in triples:
            if not obj.startswith('"'):
                index._link(subject, predicate, obj)
        index._finish()
        return index

    def _link(self, subject: str, predicate: str, target: str) -> None:
        self._objects[subject, predicate].add(target)
        self._referrers[target].add(subject)

    def _finish(self) -> None:
        chains = {s for s in self._referrers.get(_CHAIN, ()) if _CHAIN in self._get(s, _RDF_TYPE)}
        self.chains: tuple[str, ...] = tuple(sorted(chains))
        """Every chain of the design, by IRI."""
        self._chains = frozenset(chains)

    def label(self, chain: str) -> Mapping[str, str]:
        """The chain's label in ``nl`` and ``en``: each language's own, else the other's, else
        an untagged label, else the last part of its IRI."""
        labels = {
            lang: self._labels[chain, lang][1]
            for lang in ("nl", "en", "")
            if (chain, lang) in self._labels
        }
        fallback = labels.get("") or chain.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        return {
            "nl": labels.get("nl") or labels.get("en") or fallback,
            "en": labels.get("en") or labels.get("nl") or fallback,
        }

    def chains_of(self, node: str) -> tuple[str, ...]:
        """The chains ``node`` belongs to, by IRI; none for a node outside every chain."""
        if node not in self._found:
            self._found[node] = ()  # a cycle of references ends here
            self._found[node] = tuple(sorted(self._chains_of(node)))
        return self._found[node]

    def _chains_of(self, node: str) -> set[str]:
        if node in self._chains:
            return {node}
        found = self._get(node, _ACTS_IN) | self._get(node, _PARTNER_IN)
        found |= {s for s in self._referrers.get(node, ()) if node in self._get(s, _PURPOSE)}
        found &= self._chains
        if found:
            return found
        for host in self._get(node, _POST_IN) | self._get(node, _ORGANIZATION):
            found.update(self.chains_of(host))
        if found:
            return found
        for referrer in sorted(self._referrers.get(node, ())):
            found.update(self.chains_of(referrer))
        return found

    def _get(self, subject: str, predicate: str) -> set[str]:
        return self._objects.get((subject, predicate), set())
