"""Benchmark OWL 2 RL reasoning: ketenontologie's reasoner against owlrl and reasonable.

Run from the repository root::

    python bench/bench_reasoning.py           # 100k-triple closure; adds at 10k, 100k and 1M
    python bench/bench_reasoning.py --quick   # 10k-triple closure; adds at 10k and 100k

Measures (1) the closure of ontology + synthetic designs by owlrl (the reference), by our
reasoner and by ``reasonable`` (if installed), checking each result against owlrl's;
(2) adding (and removing) one ~1,000-triple design to a reasoning state that already holds
10k, 100k and 1M triples of designs. Writes Markdown to ``bench/results/reasoning.md``.
Never run as a timed test.
"""

# ruff: noqa: RUF001 - the multiplication sign in the Markdown tables is meant

from __future__ import annotations

import argparse
import datetime
import gc
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import owlrl  # noqa: E402
import pyoxigraph as ox  # noqa: E402
from rdflib import Graph, Literal  # noqa: E402
from rdflib.term import Node  # noqa: E402
from synthetic import design, designs  # noqa: E402

from ketenontologie.loading import load_ontology  # noqa: E402
from ketenontologie.reasoning import Reasoner, is_datatype_axiom  # noqa: E402
from ketenontologie.terms import TermCache, to_ox  # noqa: E402

RDFTriple = tuple[Node, Node, Node]
T = TypeVar("T")
RESULTS = ROOT / "bench" / "results" / "reasoning.md"


def timed(action: Callable[[], T]) -> tuple[float, T]:
    gc.collect()
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def parse(texts: Iterable[str]) -> list[Graph]:
    return [Graph().parse(data=text, format="turtle") for text in texts]


def parse_ox(text: str) -> list[ox.Triple]:
    """A design as the reasoner takes it: pyoxigraph triples, parsed by Oxigraph."""
    return [
        ox.Triple(q.subject, q.predicate, q.object)
        for q in ox.parse(text.encode(), format=ox.RdfFormat.TURTLE)
    ]


def reported(triple: RDFTriple) -> bool:
    s, p, o = triple
    return not isinstance(s, Literal) and not is_datatype_axiom((to_ox(s), to_ox(p), to_ox(o)))


def inferred_about_designs(
    closure: Iterable[RDFTriple], ontology_closure: Graph, asserted: set[RDFTriple]
) -> set[RDFTriple]:
    return {t for t in closure if t not in ontology_closure and t not in asserted and reported(t)}


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = []
    for package in ("rdflib", "owlrl", "pyoxigraph", "reasonable"):
        try:
            versions.append(f"{package} {version(package)}")
        except PackageNotFoundError:
            versions.append(f"{package} not installed")
    return f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}, " + ", ".join(
        versions
    )


def closure_benchmark(size: int, lines: list[str]) -> None:
    ontology = load_ontology()
    compile_time, reasoner = timed(lambda: Reasoner.from_ontology(ontology))
    texts = list(designs(size))
    graphs = parse(texts)
    triples = [parse_ox(text) for text in texts]
    asserted = {t for g in graphs for t in g}
    print(f"closure: {len(asserted):,} design triples in {len(graphs)} designs", flush=True)

    reference_graph = Graph()
    for triple in ontology:
        reference_graph.add(triple)
    ontology_closure = Graph()
    for triple in ontology:
        ontology_closure.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(ontology_closure)
    for triple in asserted:
        reference_graph.add(triple)
    owlrl_time, _ = timed(
        lambda: owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(reference_graph)
    )
    expected = inferred_about_designs(reference_graph, ontology_closure, asserted)
    print(f"  owlrl: {owlrl_time:.2f} s, {len(expected):,} inferred", flush=True)

    runs = []
    result = reasoner.infer([])
    for _ in range(3):
        seconds, result = timed(lambda: reasoner.infer(triples))
        runs.append(seconds)
    our_time = statistics.median(runs)
    ours = frozenset(TermCache().rdflib_triples(result))  # compared as rdflib triples
    equal = ours == expected
    print(f"  ours: {our_time:.3f} s (median of 3), equal to owlrl: {equal}", flush=True)

    rows = [
        f"| owlrl {version('owlrl')} (reference) | {owlrl_time:.2f} s | 1× | {len(expected):,} "
        "| — |",
        f"| ketenontologie reasoner | {our_time:.3f} s | **{owlrl_time / our_time:.0f}× faster** "
        f"| {len(ours):,} | {'yes' if equal else '**no**'} |",
    ]
    reasonable_note = reasonable_row(
        ontology, asserted, ontology_closure, expected, rows, owlrl_time=owlrl_time
    )
    lines += [
        f"## 1. Closure of {len(asserted):,} triples of designs ({len(graphs)} designs)",
        "",
        "Ontology and concept scheme plus synthetic designs (`bench/synthetic.py`). Our time is "
        "the median of three runs of `Reasoner.infer` from pyoxigraph triples to the set of "
        "inferred triples (pyoxigraph terms; converted to rdflib afterwards, untimed, to compare "
        f"with owlrl's); compiling the ontology (its owlrl closure, once, cached) took "
        f"{compile_time:.2f} s and is not included. owlrl is one run of "
        "`DeductiveClosure(OWLRL_Semantics).expand`.",
        "",
        "| engine | time | vs owlrl | inferred triples about the designs | equal to owlrl |",
        "|---|---:|---:|---:|---|",
        *rows,
        "",
        reasonable_note,
        "",
    ]


def reasonable_row(
    ontology: Graph,
    asserted: set[RDFTriple],
    ontology_closure: Graph,
    expected: set[RDFTriple],
    rows: list[str],
    *,
    owlrl_time: float,
) -> str:
    try:
        import reasonable  # type: ignore[import-not-found]
    except ImportError:
        return "`reasonable` is not installed (`pip install reasonable`); it was not measured."
    graph = Graph()
    for triple in ontology:
        graph.add(triple)
    for triple in asserted:
        graph.add(triple)
    engine = reasonable.PyReasoner()
    engine.from_graph(graph)
    seconds, closure = timed(engine.reason)
    theirs = inferred_about_designs(closure, ontology_closure, asserted)
    missing, extra = expected - theirs, theirs - expected
    equal = not missing and not extra
    rows.append(
        f"| reasonable {version('reasonable')} | {seconds:.3f} s | "
        f"{owlrl_time / seconds:.0f}× faster | {len(theirs):,} | {'yes' if equal else '**no**'} |"
    )
    print(f"  reasonable: {seconds:.3f} s, equal: {equal}", flush=True)
    if equal:
        return "`reasonable` gives owlrl's result exactly."
    return (
        f"`reasonable` is not exact: it misses {len(missing):,} of owlrl's inferred "
        f"triples (e.g. {_kinds(missing)}) and adds {len(extra):,} owlrl does not infer "
        f"(e.g. {_kinds(extra)}). So the project does not use it."
    )


def _kinds(triples: set[RDFTriple]) -> str:
    from collections import Counter

    counts = Counter(
        (str(p).rsplit("#", 1)[-1] if str(p).rsplit("#", 1)[-1] != "type" else f"a {o.n3()}")
        for _s, p, o in triples
    )
    return ", ".join(f"{count:,}× {kind}" for kind, count in counts.most_common(3))


def add_benchmark(sizes: list[int], lines: list[str]) -> None:
    reasoner = Reasoner.from_ontology(load_ontology())
    lines += [
        "## 2. Adding one design to a reasoning state",
        "",
        "A `ReasoningState` holds designs of the given total size; then nine new designs of "
        "about 1,000 triples are each added (`state.add`) and removed again (`state.remove`). "
        "Median (and slowest) of the nine; building the state is not timed. The machine is "
        "shared, so single runs vary by about a factor two.",
        "",
        "| triples in the state | designs | add one design | remove it | inferred triples added |",
        "|---:|---:|---:|---:|---:|",
    ]
    for size in sizes:
        state = reasoner.state()
        count = 0
        total = 0
        build_start = time.perf_counter()
        for text in designs(size, seed=1):
            triples = parse_ox(text)
            total += len(triples)
            state.add(f"base-{count}", triples)
            count += 1
        build = time.perf_counter() - build_start
        adds, removes, added = [], [], []
        for n in range(9):
            new = parse_ox(design(100_000 + n, seed=2))
            seconds, delta = timed(lambda s=state, g=new, n=n: s.add(f"new-{n}", g))
            adds.append(seconds)
            added.append(len(delta.added))
            seconds, _ = timed(lambda s=state, n=n: s.remove(f"new-{n}"))
            removes.append(seconds)
        add, remove = statistics.median(adds), statistics.median(removes)
        print(
            f"state of {total:,} triples ({count} designs, built in {build:.1f} s): "
            f"add {add * 1000:.1f} ms, remove {remove * 1000:.1f} ms",
            flush=True,
        )
        lines.append(
            f"| {total:,} | {count:,} | {add * 1000:.0f} ms (slowest {max(adds) * 1000:.0f} ms) "
            f"| {remove * 1000:.0f} ms (slowest {max(removes) * 1000:.0f} ms) "
            f"| {statistics.median(added):,.0f} |"
        )
    lines.append("")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument("--output", type=Path, default=RESULTS, help="Markdown file to write")
    args = parser.parse_args(argv)
    closure_size = 10_000 if args.quick else 100_000
    state_sizes = [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]
    lines = [
        "# Reasoning benchmark",
        "",
        f"Run {datetime.date.today().isoformat()} with `python bench/bench_reasoning.py"
        f"{' --quick' if args.quick else ''}` on {machine()}.",
        "",
    ]
    closure_benchmark(closure_size, lines)
    add_benchmark(state_sizes, lines)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
