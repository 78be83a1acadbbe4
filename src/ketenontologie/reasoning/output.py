"""Designs read from files, and the reasoner's result written as RDF (for the command line).

The command line reads designs as rdflib graphs (with the prefixes their files declare) and
writes with rdflib's serialisers: this is the reasoner's rdflib edge, converting through
:mod:`ketenontologie.terms`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from ketenontologie.loading import PathLike, find_rdf_files, load_graph
from ketenontologie.namespaces import bind_prefixes, design_graph, inferred_graph
from ketenontologie.reasoning.reasoner import Include, InferredTriples, OutputFormat
from ketenontologie.terms import TermCache, quiet_rdflib_literals

if TYPE_CHECKING:
    from rdflib import Dataset, Graph

__all__ = ["load_designs", "reasoned_dataset", "serialize"]

_PREFIX_DECLARATION = re.compile(r"(?im)^\s*(?:@prefix|prefix)\s+([\w.-]*):\s*<([^>]*)>")


def load_designs(paths: Sequence[PathLike]) -> dict[str, Graph]:
    """Load one design per RDF file (directories are searched), keyed by the file's stem.

    The prefixes a Turtle or TriG file declares are bound on its graph, so that explanations and
    output can use them.

    >>> sorted(load_designs(["data"]))  # doctest: +SKIP
    ['keten-werk-en-inkomen', 'loonaangifteketen', ...]
    """
    designs: dict[str, Graph] = {}
    for path in find_rdf_files(paths):
        graph = load_graph(path)
        if path.suffix.lower() in (".ttl", ".turtle", ".trig"):
            text = path.read_text("utf-8", errors="replace")
            for prefix, namespace in _PREFIX_DECLARATION.findall(text):
                graph.bind(prefix, namespace, override=False)
        name, number = path.stem, 1
        while name in designs:
            number += 1
            name = f"{path.stem}-{number}"
        designs[name] = graph
    return designs


def reasoned_dataset(
    designs: Mapping[str, Graph], inferred: InferredTriples, *, include: Include = "all"
) -> Dataset:
    """Asserted and inferred triples in named graphs, named as the store names them.

    Each design's asserted triples go into ``…/graph/ontwerp/{id}``; the inferred triples into
    ``…/graph/afgeleid/{id}`` for one design, or ``…/graph/afgeleid/ontwerpen`` for several
    (an inferred triple may rest on more than one design).
    """
    from rdflib import Dataset, URIRef

    dataset = Dataset()
    bind_prefixes(dataset)
    if include == "all":
        for name, graph in designs.items():
            target = dataset.graph(URIRef(design_graph(name)))
            target.addN((s, p, o, target) for s, p, o in graph)
    name = next(iter(designs)) if len(designs) == 1 else "ontwerpen"
    target = dataset.graph(URIRef(inferred_graph(name)))
    with quiet_rdflib_literals():
        target.addN((s, p, o, target) for s, p, o in TermCache().rdflib_triples(inferred))
    return dataset


def serialize(
    designs: Mapping[str, Graph],
    inferred: InferredTriples,
    *,
    format: OutputFormat = "turtle",
    include: Include = "all",
) -> str:
    """The designs with their inferred triples (or only those) as RDF text.

    TriG keeps asserted and inferred triples apart in named graphs (see
    :func:`reasoned_dataset`); the other formats write one graph.
    """
    if format == "trig":
        return reasoned_dataset(designs, inferred, include=include).serialize(format="trig")
    graph = inferred.graph()
    for design in designs.values():
        for prefix, namespace in design.namespaces():
            graph.bind(prefix, namespace, override=False)
        if include == "all":
            graph.addN((s, p, o, graph) for s, p, o in design)
    rdflib_format = {"turtle": "turtle", "nt": "nt", "jsonld": "json-ld"}[format]
    return graph.serialize(format=rdflib_format)
