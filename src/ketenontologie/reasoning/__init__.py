"""OWL 2 RL reasoning over chain designs: exact (equal to owlrl), incremental and fast.

The stages, one module each: :mod:`~ketenontologie.reasoning.rules` (the ontology's closure
compiled into rules), :mod:`~ketenontologie.reasoning.facts` (facts kept closed under them as
designs come and go), :mod:`~ketenontologie.reasoning.reasoner` (the reasoner and its state),
:mod:`~ketenontologie.reasoning.explain` (why a triple holds) and
:mod:`~ketenontologie.reasoning.output` (designs from files, results as RDF).
"""

from __future__ import annotations

from ketenontologie.reasoning.explain import (
    Explanation,
    parse_triple,
    prefix_manager,
    render_explanation,
)
from ketenontologie.reasoning.output import load_designs, reasoned_dataset, serialize
from ketenontologie.reasoning.reasoner import (
    Delta,
    Engine,
    Include,
    Inconsistency,
    InferredTriples,
    OutputFormat,
    Reasoner,
    ReasoningState,
    infer,
    is_datatype_axiom,
)

__all__ = [
    "Delta",
    "Engine",
    "Explanation",
    "Include",
    "Inconsistency",
    "InferredTriples",
    "OutputFormat",
    "Reasoner",
    "ReasoningState",
    "infer",
    "is_datatype_axiom",
    "load_designs",
    "parse_triple",
    "prefix_manager",
    "reasoned_dataset",
    "render_explanation",
    "serialize",
]
