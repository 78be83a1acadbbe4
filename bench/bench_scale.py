"""Benchmark the knowledge graph at national scale: the embedded store against Virtuoso.

Run from the repository root::

    python bench/bench_scale.py               # 10k, 100k and 1M triples of designs
    python bench/bench_scale.py --quick       # 10k and 100k
    python bench/bench_scale.py --with-10m    # also 10M (hours: see docs/deploy.md)

For each size, synthetic designs (``bench/synthetic.py``, about 1,000 triples each) are written
as one N-Quads file (a graph per design) to a temporary directory. Then, for each store — the
embedded Oxigraph (``OxigraphStore``) and Virtuoso 7 (``SparqlStore`` on a throwaway
``virtuoso-t``, see ``tests/virtuoso.py``) — a fresh process (so memory is its own):

1. loads the project (ontology, concept scheme, shapes, example designs) and then the designs
   file in batches of 100 designs through ``GraphStore.replace_graphs`` (*bulk load*);
2. opens the service's ``DesignCatalogue``, which reasons over every design and writes the
   inferred graphs (*start-up*, what a service does on a store it has not seen);
3. runs every named query (``queries/*.rq``) three times, with its documented example
   parameters, and once more without parameters where they are all optional (*queries*);
4. validates one new design and adds it with its inferred triples (``DesignCatalogue.put``),
   three times (*add one design*);
5. reports the resident memory of the process (and of Virtuoso's).

Writes ``bench/results/scale.md`` and plots in ``docs/img/scale-*.png``. Never run as a timed
test. Virtuoso's buffers are sized for the data (``NumberOfBuffers``, 8 kB each).
"""

# ruff: noqa: RUF001 - the multiplication sign in the summary is meant

from __future__ import annotations

import argparse
import datetime
import gc
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

import pyoxigraph as ox  # noqa: E402
from synthetic import design, designs  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "scale.md"
IMAGES = ROOT / "docs" / "img"
BATCH = 100
"""Designs per ``replace_graphs`` call while loading."""
QUERY_TIMEOUT = 120.0
REASON_UP_TO = 5_000
"""Designs up to which the service's reasoning state is built (about 3 GB per 1,000 designs in
this process): beyond, only loading, queries on the asserted triples and validation are run."""
T = TypeVar("T")


def timed(action: Callable[[], T]) -> tuple[float, T]:
    gc.collect()
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def rss(pid: int | str = "self") -> int:
    """Resident memory of a process in bytes (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def children_rss() -> int:
    """Resident memory of this process's children (the embedded store's query workers)."""
    total = 0
    me = str(os.getpid())
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == me:
            total += rss(status.parent.name)
    return total


# --- generating the designs --------------------------------------------------------------------


def write_designs(size: int, folder: Path) -> tuple[Path, int, int]:
    """Write designs of about ``size`` triples as N-Quads (graph per design); counts back."""
    from ketenontologie.namespaces import design_graph

    path = folder / f"designs-{size}.nq"
    triples = 0
    count = 0
    with path.open("wb") as out:
        for index, text in enumerate(designs(size)):
            graph = ox.NamedNode(design_graph(f"synthetisch-{index:05d}"))
            quads = [
                ox.Quad(q.subject, q.predicate, q.object, graph)
                for q in ox.parse(text.encode(), format=ox.RdfFormat.TURTLE)
            ]
            out.write(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")
            triples += len(quads)
            count += 1
    return path, triples, count


def batches(path: Path) -> Iterator[dict[str, list[ox.Triple]]]:
    """The designs of an N-Quads file, ``BATCH`` graphs at a time."""
    batch: dict[str, list[ox.Triple]] = {}
    with path.open("rb") as source:
        for quad in ox.parse(source, format=ox.RdfFormat.N_QUADS):
            name = str(quad.graph_name.value)  # type: ignore[union-attr]
            if name not in batch and len(batch) == BATCH:
                yield batch
                batch = {}
            batch.setdefault(name, []).append(ox.Triple(quad.subject, quad.predicate, quad.object))
    if batch:
        yield batch


# --- one store, one size (in a process of its own) --------------------------------------------


def run_one(store_kind: str, path: Path, data_dir: Path, count: int) -> dict[str, Any]:
    """Every measurement for one store and one designs file; returns them as a dict."""
    from rdflib import Graph

    from ketenontologie.designs import DesignCatalogue, load_project
    from ketenontologie.namespaces import design_graph, inferred_graph
    from ketenontologie.queries import load_queries
    from ketenontologie.reasoning import Reasoner
    from ketenontologie.sparql.results import format_by_name
    from ketenontologie.store import open_store, run_query
    from ketenontologie.validation import validate

    class Settings:
        store = os.environ.get("KETENONTOLOGIE_STORE", "oxigraph")
        store_user = os.environ.get("KETENONTOLOGIE_STORE_USER")
        store_password = os.environ.get("KETENONTOLOGIE_STORE_PASSWORD")
        query_workers = 2
        query_timeout = QUERY_TIMEOUT

    Settings.data_dir = data_dir  # type: ignore[attr-defined]
    result: dict[str, Any] = {"store": store_kind}
    store = open_store(Settings())  # type: ignore[arg-type]
    try:
        load_project(store)

        def load() -> None:
            for batch in batches(path):
                store.replace_graphs(batch)  # type: ignore[arg-type]

        result["load"], _ = timed(load)
        print(f"    {store_kind}: loaded in {result['load']:.1f} s", flush=True)
        catalogue = None
        result["open"] = None
        if os.environ.get("BENCH_SCALE_REASON", "1") != "0":
            result["open"], catalogue = timed(lambda: DesignCatalogue.open(store))
            print(f"    {store_kind}: reasoned and stored in {result['open']:.1f} s", flush=True)

        choose = lambda kind: format_by_name("json", kind=kind)  # noqa: E731
        queries: dict[str, float | None] = {}
        failures: dict[str, str] = {}
        for name, named in sorted(load_queries().items()):
            variants = {name: {p.name: p.example for p in named.parameters if p.example}}
            if named.parameters and not any(p.required for p in named.parameters):
                variants[f"{name} (all)"] = {}
            for label, values in variants.items():
                text = named.bind({k: v for k, v in values.items() if v is not None})
                runs: list[float] = []
                while len(runs) < (3 if not runs or runs[0] < 5 else 1):
                    try:
                        seconds, _ = timed(
                            lambda text=text: run_query(
                                store,
                                text,
                                choose_format=choose,  # type: ignore[arg-type]
                                timeout=QUERY_TIMEOUT,
                                row_limit=10_000,
                            )
                        )
                    except Exception as error:  # a timeout or a refusal is a result here
                        print(f"      {label}: {type(error).__name__}", flush=True)
                        runs = []
                        failures[label] = type(error).__name__
                        break
                    runs.append(seconds)
                queries[label] = statistics.median(runs) if runs else None
        result["queries"] = queries
        result["failures"] = failures

        adds = []
        writes: list[float] = []
        reasoner = None
        validations = []
        for extra in range(3):
            text = design(count + 10 + extra)
            graph = Graph().parse(data=text, format="turtle")
            seconds, _ = timed(lambda graph=graph: validate(graph))
            validations.append(seconds)
            triples = [
                ox.Triple(q.subject, q.predicate, q.object)
                for q in ox.parse(text.encode(), format=ox.RdfFormat.TURTLE)
            ]
            if catalogue is not None:
                seconds, _ = timed(
                    lambda extra=extra, triples=triples: catalogue.put(f"nieuw-{extra}", triples)
                )
                adds.append(seconds)
            else:  # no reasoning state: reason the design alone, time only its write
                reasoner = reasoner or Reasoner.from_ontology()
                inferred = [
                    ox.Triple(s, p, o)
                    for s, p, o in reasoner.infer(triples)
                    if isinstance(s, ox.NamedNode) and not isinstance(o, ox.BlankNode)
                ]
                seconds, _ = timed(
                    lambda extra=extra, triples=triples, inferred=inferred: store.replace_graphs(
                        {
                            design_graph(f"nieuw-{extra}"): triples,
                            inferred_graph(f"nieuw-{extra}"): inferred,
                        }
                    )
                )
                writes.append(seconds)
        result["validate"] = statistics.median(validations)
        result["add"] = statistics.median(adds) if adds else None
        result["write"] = statistics.median(writes) if writes else None
        result["rss"] = rss()
        result["workers_rss"] = children_rss()
        result["peak_rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    finally:
        store.close()
    return result


# --- orchestration -----------------------------------------------------------------------------


def measure(store_kind: str, path: Path, work: Path, count: int) -> dict[str, Any]:
    """Run :func:`run_one` in a fresh process (and a fresh Virtuoso for ``virtuoso``)."""
    from virtuoso import start_virtuoso

    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env = {k: v for k, v in env.items() if not k.startswith("KETENONTOLOGIE_")}
    env["PYTHONPATH"] = str(ROOT / "src")
    server = None
    if store_kind == "virtuoso":
        size_gb = path.stat().st_size / 1e9
        buffers = int(min(max(50_000, size_gb * 400_000), 1_000_000))
        server = start_virtuoso(work / "virtuoso", buffers=buffers)
        env.update(server.env())
    if count >= REASON_UP_TO:
        env["BENCH_SCALE_REASON"] = "0"
    out = work / f"{store_kind}.json"
    try:
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--one",
                store_kind,
                str(path),
                str(work / "data"),
                str(count),
                str(out),
            ],
            env=env,
            check=True,
        )
        result: dict[str, Any] = json.loads(out.read_text())
        if server is not None:
            result["server_rss"] = server.rss_bytes()
    finally:
        if server is not None:
            server.stop()
    return result


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    virtuoso = "Virtuoso not found"
    found = shutil.which("virtuoso-t")
    if found:
        answer = subprocess.run([found, "-?"], capture_output=True, text=True, check=False)
        for line in (answer.stdout + answer.stderr).splitlines():
            if line.startswith("Version"):
                virtuoso = "Virtuoso " + line.split()[1]
    return (
        f"{os.cpu_count()} CPUs ({model}), {memory:.0f} GiB, Python "
        f"{platform.python_version()}, pyoxigraph {ox.__version__}, {virtuoso}"
    )


def _added(result: dict[str, Any]) -> str:
    if result.get("add") is None and result.get("write") is not None:
        return f"{_ms(result['write'])} †"
    return _ms(result.get("add"))


def _ms(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def _s(seconds: float | None) -> str:
    if seconds is None:
        return "not run"
    return f"{seconds:,.1f} s" if seconds >= 1 else f"{seconds * 1000:,.0f} ms"


def _size(triples: int) -> str:
    """10k, 100k, 1M, 10M."""
    if triples >= 900_000:
        return f"{round(triples / 1e6):,}M"
    return f"{round(triples / 1e3):,}k"


def _failure(kind: str | None) -> str:
    return {"QueryTimeoutError": "> 120 s"}.get(kind or "", kind or "—")


def _mb(size: int) -> str:
    return f"{size / 2**20:,.0f} MB"


def markdown(runs: list[dict[str, Any]], *, command: str) -> str:
    lines = [
        "# Scale: the embedded store and Virtuoso",
        "",
        f"Run {datetime.date.today().isoformat()} with `{command}` on {machine()}. "
        "Synthetic designs of about 1,000 triples each (`bench/synthetic.py`); each store in a "
        "process of its own; the machine is shared, so single figures vary by tens of percents.",
        "",
        *_summary(runs),
        "## Load, start-up and one more design",
        "",
        "*Load*: the designs file through `GraphStore.replace_graphs`, 100 designs per call "
        "(asserted triples). *Start-up*: `DesignCatalogue.open` — reason over every design and "
        "write the inferred graphs. *Validate*: `ketenontologie.validation.validate` of one new "
        "design; *add*: `DesignCatalogue.put` of it (reasoning and the journaled write), median "
        "of three.",
        "",
        "| triples | designs | store | load | triples/s | start-up | validate | add one design "
        "| our RSS | workers' RSS | Virtuoso RSS |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        for result in run["stores"]:
            lines.append(
                f"| {run['triples']:,} | {run['designs']:,} | {result['store']} "
                f"| {_s(result['load'])} | {run['triples'] / result['load']:,.0f} "
                f"| {_s(result['open'])} | {_ms(result['validate'])} | {_added(result)} "
                f"| {_mb(result['rss'])} | {_mb(result['workers_rss'])} "
                f"| {_mb(result['server_rss']) if 'server_rss' in result else '—'} |"
            )
    if any(r["open"] is None for run in runs for r in run["stores"]):
        lines += [
            "",
            f"*Not run* from {REASON_UP_TO:,} designs on: the service keeps the reasoning state "
            "of every design in its process (about 3 GB per million triples, see *our RSS*), "
            "more than this machine has at 10 million triples; there the designs are loaded "
            "and queried without their inferred triples, and *add one design* (marked †) is "
            "the one-transaction write of a design with its inferred triples into the full "
            "store, the design reasoned alone with the ontology as context.",
        ]
    lines += [
        "",
        "![Load and start-up time against size](img/scale-load.png)",
        "",
        "![Adding one design against size](img/scale-add.png)",
        "",
        "## Named queries",
        "",
        "Median of three runs (one when it takes more than 5 s) through `run_query` (the "
        "service's path: the embedded store's query workers, or the SPARQL Protocol to "
        "Virtuoso), JSON results, at most 10,000 rows, time limit 120 s. *(all)*: without "
        "parameters, over every chain.",
        "",
    ]
    names = sorted({name for run in runs for r in run["stores"] for name in r["queries"]})
    header = "| query | " + " | ".join(
        f"{_size(run['triples'])} {r['store']}" for run in runs for r in run["stores"]
    )
    lines.append(header + " |")
    lines.append("|---|" + "---:|" * sum(len(run["stores"]) for run in runs))
    for name in names:
        cells = [
            _ms(r["queries"].get(name))
            if r["queries"].get(name) is not None
            else _failure(r.get("failures", {}).get(name))
            for run in runs
            for r in run["stores"]
        ]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "![Named queries against size](img/scale-queries.png)", ""]
    return "\n".join(lines)


def _ratio(virtuoso: float | None, embedded: float | None) -> str:
    if not virtuoso or not embedded:
        return "—"
    if virtuoso >= embedded:
        return f"{virtuoso / embedded:.1f}× slower"
    return f"{embedded / virtuoso:.1f}× faster"


def _summary(runs: list[dict[str, Any]]) -> list[str]:
    """Virtuoso against the embedded store at the largest size where both were reasoned."""
    both = [
        run
        for run in runs
        if {r["store"] for r in run["stores"]} == {"oxigraph", "virtuoso"}
        and all(r["open"] is not None for r in run["stores"])
    ]
    if not both:
        return []
    run = both[-1]
    ox_ = next(r for r in run["stores"] if r["store"] == "oxigraph")
    vt = next(r for r in run["stores"] if r["store"] == "virtuoso")
    common = [
        name
        for name in ox_["queries"]
        if ox_["queries"][name] is not None and vt["queries"].get(name) is not None
    ]
    faster = sum(1 for name in common if vt["queries"][name] < ox_["queries"][name])
    return [
        f"**At {_size(run['triples'])} triples, Virtuoso against the embedded store:** load "
        f"{_ratio(vt['load'], ox_['load'])}, start-up {_ratio(vt['open'], ox_['open'])}, "
        f"adding one design {_ratio(vt['add'], ox_['add'])}; faster on {faster} of the "
        f"{len(common)} named queries both finished. Memory: the service process holds the "
        f"reasoning state of every design either way ({_mb(ox_['rss'])} with the embedded "
        f"store inside, {_mb(vt['rss'])} with Virtuoso, which itself used "
        f"{_mb(vt.get('server_rss', 0))}).",
        "",
    ]


def plots(runs: list[dict[str, Any]]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    IMAGES.mkdir(parents=True, exist_ok=True)
    stores = sorted({r["store"] for run in runs for r in run["stores"]})
    sizes = [run["triples"] for run in runs]

    def series(store: str, key: Callable[[dict[str, Any]], float | None]) -> list[float]:
        values = []
        for run in runs:
            found = [key(r) for r in run["stores"] if r["store"] == store]
            values.append(found[0] if found and found[0] is not None else float("nan"))
        return values

    def figure(name: str, title: str, keys: dict[str, Callable[[dict[str, Any]], Any]]) -> None:
        fig, axes = plt.subplots(figsize=(7, 4.2))
        for store in stores:
            for label, key in keys.items():
                axes.plot(sizes, series(store, key), marker="o", label=f"{store}: {label}")
        axes.set_xscale("log")
        axes.set_yscale("log")
        axes.set_xlabel("triples of designs")
        axes.set_ylabel("seconds")
        axes.set_title(title)
        axes.grid(True, which="both", alpha=0.3)
        axes.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(IMAGES / f"scale-{name}.png", dpi=110)
        plt.close(fig)

    figure(
        "load",
        "Bulk load and start-up (reasoning) against size",
        {"load": lambda r: r["load"], "start-up": lambda r: r["open"]},
    )
    figure(
        "add",
        "Validating and adding one design to a full store",
        {
            "validate": lambda r: r["validate"],
            "add": lambda r: r["add"],
            "write, reasoned alone (†)": lambda r: r.get("write"),
        },
    )

    def slowest(r: dict[str, Any]) -> float | None:
        # A query stopped at the time limit counts as the limit (it took at least that).
        found = [QUERY_TIMEOUT if v is None else v for v in r["queries"].values()]
        return max(found) if found else None

    def median(r: dict[str, Any]) -> float | None:
        found = [v for v in r["queries"].values() if v is not None]
        return statistics.median(found) if found else None

    figure(
        "queries",
        "Named queries against size",
        {"median query": median, "slowest query (120 s: stopped)": slowest},
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10k and 100k triples only")
    parser.add_argument("--with-10m", action="store_true", help="also 10 million triples")
    parser.add_argument(
        "--stores", default="oxigraph,virtuoso", help="comma-separated: oxigraph, virtuoso"
    )
    parser.add_argument("--output", type=Path, default=RESULTS, help="Markdown file to write")
    parser.add_argument(
        "--sizes", help="comma-separated sizes in triples instead of the default ones"
    )
    parser.add_argument(
        "--from-json", type=Path, help="write the Markdown and plots again from a saved run"
    )
    parser.add_argument("--one", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.from_json:
        saved = json.loads(args.from_json.read_text())
        runs = sorted(saved["runs"], key=lambda run: run["triples"])
        args.output.write_text(markdown(runs, command=saved["command"]), "utf-8")
        plots(runs)
        return 0
    if args.one:
        kind, path, data, count, out = args.one
        result = run_one(kind, Path(path), Path(data), int(count))
        Path(out).write_text(json.dumps(result))
        return 0

    sizes = [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]
    if args.with_10m:
        sizes.append(10_000_000)
    if args.sizes:
        sizes = [int(size.replace("_", "")) for size in args.sizes.split(",")]
    stores = [s.strip() for s in args.stores.split(",") if s.strip()]
    if "virtuoso" in stores and shutil.which("virtuoso-t") is None:
        print(
            "virtuoso-t is not installed (apt-get install virtuoso-opensource-7-bin): "
            "measuring the embedded store only",
            flush=True,
        )
        stores.remove("virtuoso")
    runs = []
    with tempfile.TemporaryDirectory(prefix="ketenontologie-scale-") as temp:
        for size in sizes:
            folder = Path(temp) / str(size)
            folder.mkdir()
            seconds, (path, triples, count) = timed(
                lambda size=size, folder=folder: write_designs(size, folder)  # type: ignore[misc]
            )
            print(f"{triples:,} triples in {count} designs written in {seconds:.1f} s", flush=True)
            results = []
            for kind in stores:
                work = folder / kind
                work.mkdir()
                results.append(measure(kind, path, work, count))
                shutil.rmtree(work, ignore_errors=True)
            runs.append({"triples": triples, "designs": count, "stores": results})
            path.unlink()
            # after every size, so that a long run cut short keeps what it measured
            write_results(runs, args)
    return 0


def write_results(runs: list[dict[str, Any]], args: argparse.Namespace) -> None:
    """Write the Markdown results, the plots and the raw figures of the sizes measured so far."""
    command = "python bench/bench_scale.py" + (
        " --quick" if args.quick else " --with-10m" if args.with_10m else ""
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(markdown(runs, command=command), encoding="utf-8")
    plots(runs)
    saved = Path(tempfile.gettempdir()) / "ketenontologie-scale.json"
    saved.write_text(json.dumps({"command": command, "runs": runs}, indent=1), encoding="utf-8")
    print(f"wrote {args.output} and {IMAGES}/scale-*.png (figures in {saved})", flush=True)


if __name__ == "__main__":
    sys.exit(main())
