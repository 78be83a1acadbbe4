"""Why an inferred triple holds: derivations down to asserted facts, parsed and rendered.

Explanations speak pyoxigraph terms, as the reasoner does; rendering writes them as rdflib
does (prefixed names where a prefix is known), converting through :mod:`ketenontologie.terms`.

>>> from ketenontologie.reasoning.rules import RDF_TYPE
>>> a, c = ox.NamedNode("urn:a"), ox.NamedNode("urn:C")
>>> leaf = Explanation((a, RDF_TYPE, c), "asserted", designs=("d",))
>>> print(render_explanation(leaf))
<urn:a> rdf:type <urn:C>    [asserted in d]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ketenontologie.errors import InputError, NotEntailedError
from ketenontologie.reasoning.facts import Derivation, FactStore
from ketenontologie.reasoning.rules import Triple
from ketenontologie.terms import TermTriple, checked, to_rdflib

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.namespace import NamespaceManager

__all__ = ["Explainer", "Explanation", "parse_triple", "prefix_manager", "render_explanation"]


@dataclass(frozen=True)
class Explanation:
    """Why a triple holds: the rule and the premises it was derived from, down to asserted facts.

    ``rule`` is ``"asserted"`` (``designs`` name where), ``"ontology"`` (the triple is in the
    ontology's closure), or an OWL 2 RL rule id; ``axioms`` are the ontology triples the rule
    instance rests on.
    """

    triple: TermTriple
    rule: str
    premises: tuple[Explanation, ...] = ()
    axioms: tuple[TermTriple, ...] = ()
    designs: tuple[str, ...] = ()

    def render(self, *, namespaces: NamespaceManager | None = None) -> str:
        """The derivation as an indented tree (see :func:`render_explanation`)."""
        return render_explanation(self, namespaces=namespaces)


class Explainer:
    """Answers :meth:`explain` from a fact store's proofs."""

    def __init__(self, store: FactStore, designs: Mapping[str, frozenset[TermTriple]]) -> None:
        self._store = store
        self._designs = designs

    def explain(self, triple: TermTriple) -> Explanation:
        store = self._store
        ids = store.terms.ids
        interned = tuple(ids.get(term) for term in triple)
        if None in interned:
            raise _not_entailed(triple)
        goal: Triple = (interned[0], interned[1], interned[2])  # type: ignore[assignment]
        if goal not in store.facts:
            if goal[1] == store.rules.same_as and goal[0] == goal[2]:
                return self._reflexive(triple, goal[0])
            raise _not_entailed(triple)
        proof = store.proof(goal)
        return self._tree(goal, proof)

    def _reflexive(self, triple: TermTriple, node: int) -> Explanation:
        store = self._store
        if node not in store.occurrences:
            raise _not_entailed(triple)
        for fact in store.asserted:
            if node in fact:
                return Explanation(triple, "eq-ref", (self._leaf(fact),))
        raise _not_entailed(triple)  # pragma: no cover - every node stems from an assertion

    def _leaf(self, fact: Triple) -> Explanation:
        terms = self._store.terms.term_triple(fact)
        if fact in self._store.asserted:
            designs = tuple(name for name, triples in self._designs.items() if terms in triples)
            return Explanation(terms, "asserted", designs=designs)
        return Explanation(terms, "ontology")

    def _tree(self, fact: Triple, proof: Mapping[Triple, Derivation | None]) -> Explanation:
        derivation = proof[fact]
        if derivation is None:
            return self._leaf(fact)
        rule, premises, axioms = derivation
        terms = self._store.terms.term_triple
        return Explanation(
            terms(fact),
            rule,
            tuple(self._tree(premise, proof) for premise in premises),
            tuple(terms(axiom) for axiom in axioms),
        )


def _not_entailed(triple: TermTriple) -> NotEntailedError:
    shown = " ".join(str(term) for term in triple)
    return NotEntailedError(
        f"{shown} is neither asserted nor inferred from these designs. Check the IRIs (and "
        "prefixes), or reason over the designs that state it."
    )


def prefix_manager(graph: Graph | None = None) -> NamespaceManager:
    """The project's prefixes and the thing prefixes, plus those bound on ``graph``."""
    from rdflib import Graph
    from rdflib.namespace import NamespaceManager

    from ketenontologie.namespaces import PREFIXES

    manager = NamespaceManager(Graph(), bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        manager.bind(prefix, namespace, override=False)
    if graph is not None:
        for prefix, namespace in graph.namespaces():
            manager.bind(prefix, namespace, override=False)
    return manager


def parse_triple(text: str, *, prefixes: Mapping[str, str] | None = None) -> TermTriple:
    """Parse one triple written as in Turtle: ``<s> <p> <o>``, prefixed names, ``a``, literals.

    ``prefixes`` adds to the project's prefixes (``keten:``, ``org:``, ``rdf:`` …) and the
    thing prefixes (``rol:``, ``orgaan:`` …; ``ketens:`` for chains).

    >>> parse_triple("rol:km a keten:ChainManager")[2]
    <NamedNode value=https://w3id.org/ketenontologie/def#ChainManager>
    """
    known = {prefix: str(namespace) for prefix, namespace in prefix_manager().namespaces()}
    known.update(prefixes or {})
    header = "".join(f"@prefix {prefix}: <{iri}> .\n" for prefix, iri in known.items())
    body = text.strip()
    if not body.endswith("."):
        body += " ."
    try:
        quads = list(ox.parse((header + body).encode("utf-8"), format=ox.RdfFormat.TURTLE))
    except SyntaxError as error:
        raise InputError(
            f"Cannot read the triple {text!r}: {error.msg}. Write it as in Turtle, e.g. "
            '"rol:a keten:escalatesEventuallyTo rol:b" or "<iri> <iri> <iri>".'
        ) from None
    if len(quads) != 1:
        raise InputError(
            f"{text!r} holds {len(quads)} triples; give exactly one, as subject predicate object."
        )
    quad = quads[0]
    return (checked(quad.subject), quad.predicate, checked(quad.object))


_RULE_NAMES: Mapping[str, str] = {
    "asserted": "asserted",
    "ontology": "in the ontology's closure",
    "eq-ref": "everything is the same as itself (eq-ref)",
    "cax-sco": "subclass (cax-sco)",
    "prp-dom": "domain (prp-dom)",
    "prp-rng": "range (prp-rng)",
    "prp-spo1": "subproperty (prp-spo1)",
    "prp-spo2": "property chain (prp-spo2)",
    "prp-inv": "inverse (prp-inv)",
    "prp-symp": "symmetric property (prp-symp)",
    "prp-trp": "transitive property (prp-trp)",
}


def render_explanation(
    explanation: Explanation, *, namespaces: NamespaceManager | None = None
) -> str:
    """Render a derivation as a tree, one triple per line, the rule and axioms beside it.

    Terms are written as rdflib writes them, with the prefixes of ``namespaces``.

    >>> from ketenontologie.reasoning.rules import RDF_TYPE
    >>> a, c = ox.NamedNode("urn:a"), ox.NamedNode("urn:C")
    >>> leaf = Explanation((a, RDF_TYPE, c), "asserted", designs=("d",))
    >>> print(render_explanation(leaf))
    <urn:a> rdf:type <urn:C>    [asserted in d]
    """
    manager = namespaces or prefix_manager()

    def show(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
        return str(to_rdflib(term).n3(manager))

    def line(node: Explanation) -> str:
        triple = " ".join(show(term) for term in node.triple)
        reason = _RULE_NAMES.get(node.rule, node.rule)
        if node.rule == "asserted" and node.designs:
            reason = f"asserted in {', '.join(node.designs)}"
        if node.axioms:
            axioms = "; ".join(" ".join(show(t) for t in axiom) for axiom in node.axioms)
            reason = f"{reason}: {axioms}"
        return f"{triple}    [{reason}]"

    lines = [line(explanation)]

    def walk(node: Explanation, indent: str) -> None:
        for number, premise in enumerate(node.premises):
            last = number == len(node.premises) - 1
            lines.append(f"{indent}{'└─ ' if last else '├─ '}{line(premise)}")
            walk(premise, indent + ("   " if last else "│  "))

    walk(explanation, "")
    return "\n".join(lines)
