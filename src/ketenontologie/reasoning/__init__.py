"""OWL 2 RL reasoning over chain designs: exact (equal to owlrl), incremental and fast.

The stages, one module each: :mod:`~ketenontologie.reasoning.rules` (the ontology's closure
compiled into rules), :mod:`~ketenontologie.reasoning.facts` (facts kept closed under them as
designs come and go), :mod:`~ketenontologie.reasoning.reasoner` (the reasoner and its state),
:mod:`~ketenontologie.reasoning.explain` (why a triple holds) and
:mod:`~ketenontologie.reasoning.output` (designs from files, results as RDF).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_HOMES = {
    "explain": ("Explanation", "parse_triple", "prefix_manager", "render_explanation"),
    "output": ("load_designs", "reasoned_dataset", "serialize"),
    "reasoner": (
        "Delta",
        "Engine",
        "Include",
        "Inconsistency",
        "InferredTriples",
        "OutputFormat",
        "Reasoner",
        "ReasoningState",
        "infer",
        "is_datatype_axiom",
    ),
}
"""Where each public name lives. A stage is imported when one of its names is first used:
validation needs the reasoner, not explanations or output (which load rdflib)."""
_HOME = {name: module for module, names in _HOMES.items() for name in names}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_HOME[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


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
