"""A design as a set of triples whose blank nodes are named by their structure, and RDF Patch.

Two versions of a design are compared as sets of triples: named graphs are merged (as
validation merges them), and blank nodes get names that depend only on the statements around
them, never on the labels a file gave them. The names come from RDFC-1.0 (W3C RDF Dataset
Canonicalization, as pyoxigraph implements it) refined by the blank node's neighbourhood: a
node's name is a hash of the statements it is in, with its neighbours' names, computed until
the partition into names is stable; nodes the hashes cannot tell apart are numbered in RDFC-1.0
order. Isomorphic designs thus give the same set, and a blank node whose neighbourhood did not
change keeps its name when something elsewhere changes.

RDF Patch (https://afs.github.io/rdf-patch/) is written and applied on such sets: ``D`` rows
for triples only in the old set, ``A`` rows for triples only in the new one, in a ``TX``/``TC``
transaction.

>>> old = canonical_triples(
...     ox.parse(b'<a:s> <a:p> _:x .\\n_:x <a:q> "1" .', format=ox.RdfFormat.TURTLE)
... )
>>> new = canonical_triples(ox.parse(b'<a:s> <a:p> [ <a:q> "2" ] .', format=ox.RdfFormat.TURTLE))
>>> apply_patch(old, write_patch(old, new)) == new
True
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from typing import Literal, TypeAlias

import pyoxigraph as ox

from ketenontologie.errors import InputError
from ketenontologie.terms import TermTriple

__all__ = [
    "Operation",
    "apply_patch",
    "canonical_triples",
    "read_patch",
    "triple_text",
    "write_patch",
]

Operation: TypeAlias = Literal["A", "D"]
"""An RDF Patch row: add or delete a triple."""

_HEADERS = ("H", "TX", "TC", "TA", "PA", "PD")
"""Rows of RDF Patch that carry no triple (header, transaction, prefixes): read and skipped."""


def _triple(item: ox.Quad | ox.Triple | TermTriple) -> ox.Triple:
    if isinstance(item, ox.Triple):
        return item
    if isinstance(item, ox.Quad):
        return ox.Triple(item.subject, item.predicate, item.object)
    return ox.Triple(*item)  # type: ignore[arg-type]


def canonical_triples(triples: Iterable[ox.Quad | ox.Triple | TermTriple]) -> frozenset[ox.Triple]:
    """The triples (graph names dropped) with blank nodes named by their structure.

    >>> a = canonical_triples(ox.parse(b"[] <a:p> <a:o> .", format=ox.RdfFormat.TURTLE))
    >>> b = canonical_triples(ox.parse(b"_:n <a:p> <a:o> .", format=ox.RdfFormat.TURTLE))
    >>> a == b
    True
    """
    given = {_triple(item) for item in triples}
    if not any(_has_blank(triple) for triple in given):
        return frozenset(given)
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in given)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    canonical = [ox.Triple(q.subject, q.predicate, q.object) for q in dataset]
    names = _structural_names(canonical)
    return frozenset(
        ox.Triple(
            names.get(t.subject, t.subject),  # type: ignore[arg-type]
            t.predicate,
            names.get(t.object, t.object),  # type: ignore[arg-type]
        )
        for t in canonical
    )


def _has_blank(triple: ox.Triple) -> bool:
    return isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode)


def _structural_names(triples: list[ox.Triple]) -> dict[ox.BlankNode, ox.BlankNode]:
    """A name for each blank node of canonical ``triples`` (labels ``c14nN``)."""
    around: dict[ox.BlankNode, list[tuple[str, str, object]]] = defaultdict(list)
    for t in triples:
        if isinstance(t.subject, ox.BlankNode):
            around[t.subject].append(("out", t.predicate.value, t.object))
        if isinstance(t.object, ox.BlankNode):
            around[t.object].append(("in", t.predicate.value, t.subject))
    colour = dict.fromkeys(around, "")
    classes = 1
    for _ in range(len(around) + 1):
        refined = {
            node: hashlib.sha256(
                "\n".join(
                    [
                        colour[node],
                        *sorted(
                            f"{way} {predicate} "
                            + (colour[other] if isinstance(other, ox.BlankNode) else str(other))
                            for way, predicate, other in edges
                        ),
                    ]
                ).encode("utf-8")
            ).hexdigest()
            for node, edges in around.items()
        }
        colour = refined
        if len(set(refined.values())) == classes:  # the partition is stable: so it stays
            break
        classes = len(set(refined.values()))
    names: dict[ox.BlankNode, ox.BlankNode] = {}
    seen: dict[str, int] = defaultdict(int)
    for node in sorted(around, key=lambda n: int(n.value.removeprefix("c14n"))):
        number = seen[colour[node]]
        seen[colour[node]] += 1
        names[node] = ox.BlankNode(f"b{colour[node][:16]}" + (f"n{number}" if number else ""))
    return names


# --- RDF Patch ---------------------------------------------------------------------------------


def triple_text(triple: ox.Triple) -> str:
    """A triple as an N-Triples line, without the final dot."""
    return f"{triple.subject} {triple.predicate} {triple.object}"


def write_patch(old: Iterable[ox.Triple], new: Iterable[ox.Triple]) -> str:
    """The RDF Patch that turns the triple set ``old`` into ``new`` (``D`` rows, then ``A``).

    >>> print(
    ...     write_patch(
    ...         [],
    ...         canonical_triples(
    ...             [ox.Triple(ox.NamedNode("a:s"), ox.NamedNode("a:p"), ox.Literal("o"))]
    ...         ),
    ...     ),
    ...     end="",
    ... )
    TX .
    A <a:s> <a:p> "o" .
    TC .
    """
    before, after = set(old), set(new)
    rows = ["TX ."]
    rows += sorted(f"D {triple_text(t)} ." for t in before - after)
    rows += sorted(f"A {triple_text(t)} ." for t in after - before)
    rows.append("TC .")
    return "\n".join(rows) + "\n"


def read_patch(text: str) -> list[tuple[Operation, ox.Triple]]:
    """The ``A`` and ``D`` rows of an RDF Patch, in order (headers and transactions skipped).

    Raises :class:`~ketenontologie.errors.InputError` for a row that is not RDF Patch or names
    a graph (a design is compared as one graph).
    """
    rows: list[tuple[Operation, ox.Triple]] = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        operation, _, rest = stripped.partition(" ")
        if operation in _HEADERS:
            continue
        if operation not in ("A", "D"):
            raise InputError(
                f"RDF Patch line {number}: {operation!r} is no row of RDF Patch. "
                "Use A or D rows (with H, TX, TC, TA, PA, PD), and try again."
            )
        try:
            parsed = list(ox.parse(rest.encode("utf-8"), format=ox.RdfFormat.N_QUADS))
        except SyntaxError as error:
            raise InputError(
                f"RDF Patch line {number}: {error.msg}. Write the triple as in N-Triples."
            ) from None
        if len(parsed) != 1 or not isinstance(parsed[0].graph_name, ox.DefaultGraph):
            raise InputError(
                f"RDF Patch line {number}: one triple without a graph name is expected. "
                "A design is compared as one graph."
            )
        quad = parsed[0]
        rows.append((operation, ox.Triple(quad.subject, quad.predicate, quad.object)))  # type: ignore[arg-type]
    return rows


def apply_patch(
    triples: Iterable[ox.Quad | ox.Triple | TermTriple], patch: str
) -> frozenset[ox.Triple]:
    """Apply an RDF Patch to a design: its triples with blank nodes named by their structure
    (:func:`canonical_triples`), ``D`` rows removed and ``A`` rows added, strictly.

    Raises :class:`~ketenontologie.errors.InputError` when a ``D`` row's triple is not there or
    an ``A`` row's triple is there already: the patch was made for another version.
    """
    result = set(canonical_triples(triples))
    for operation, triple in read_patch(patch):
        if operation == "D":
            if triple not in result:
                raise InputError(
                    f"RDF Patch: D {triple_text(triple)} . deletes a triple the design does "
                    "not have. Apply the patch to the version it was made from."
                )
            result.discard(triple)
        else:
            if triple in result:
                raise InputError(
                    f"RDF Patch: A {triple_text(triple)} . adds a triple the design has "
                    "already. Apply the patch to the version it was made from."
                )
            result.add(triple)
    return frozenset(result)
