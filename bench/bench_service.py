"""Benchmark the SPARQL service: lookups against rdflib-endpoint and a minimal pyoxigraph app,
then the named queries over 1,000,000 triples of designs against rdflib's in-memory engine.

Run from the repository root (needs ``wrk`` from Debian: ``apt-get install -y wrk``)::

    python bench/bench_service.py            # 10 s per load run; 1,000,000 triples of designs
    python bench/bench_service.py --quick    # 3 s per load run; 100,000 triples

1. **Lookups.** One single-resource lookup (``SELECT ?p ?o WHERE { <chain> ?p ?o }``, SPARQL
   JSON) at 1 and at 10 connections, with ``wrk`` on loopback, against: this service as shipped
   (``ketenontologie serve``); ``rdflib-endpoint`` (PyPI, in a throwaway virtualenv under
   ``~/.cache/ketenontologie/bench``) serving the same quads; and the ceiling for this stack, a
   Starlette app whose one route hands the query to pyoxigraph (on disk like ours, and in
   memory). All run on the same uvicorn with the same settings (access log on), one process.
2. **Named queries at scale.** The project's data plus synthetic designs (``bench/synthetic.py``)
   up to 1,000,000 design triples, stored through the design catalogue (reasoned, as uploads
   are); the service restarted on them; each named query timed (median of three) through
   ``/queries/<name>`` within the service's time limit, and the same query text timed once on
   rdflib's in-memory engine (a ``Dataset`` with a union default graph holding the same quads).

Writes Markdown to ``bench/results/service.md``. Never run as a timed test. Everything stays on
127.0.0.1; every process started here is stopped by its id.
"""

# ruff: noqa: RUF001 - the multiplication sign in the Markdown tables is meant

from __future__ import annotations

import argparse
import contextlib
import datetime
import importlib.util
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

RESULTS = ROOT / "bench" / "results" / "service.md"
CACHE = Path.home() / ".cache" / "ketenontologie" / "bench"
RDFLIB_ENDPOINT = "rdflib-endpoint==0.6.3"
HTTP_STACK = (
    "httptools" if importlib.util.find_spec("httptools") else "h11",
    "uvloop" if importlib.util.find_spec("uvloop") else "asyncio",
)
"""What ``uvicorn.run`` picks for this service here (its ``auto``)."""
CHAIN = "https://w3id.org/ketenontologie/id/keten/loonaangifteketen"
LOOKUP = f"SELECT ?p ?o WHERE {{ <{CHAIN}> ?p ?o }}"
JSON_RESULTS = "application/sparql-results+json"

CEILING_APP = '''
"""The ceiling: one Starlette route that hands the query to pyoxigraph."""
import os

import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

if os.environ.get("CEILING_STORE"):
    store = ox.Store(os.environ["CEILING_STORE"])
else:
    store = ox.Store()
    store.load(path=os.environ["CEILING_DATA"], format=ox.RdfFormat.N_QUADS)


async def sparql(request):
    results = store.query(request.query_params["query"], use_default_graph_as_union=True)
    body = results.serialize(format=ox.QueryResultsFormat.JSON)
    return Response(body, media_type="application/sparql-results+json")


app = Starlette(routes=[Route("/sparql", sparql)])
'''

RDFLIB_ENDPOINT_APP = '''
"""rdflib-endpoint serving the same quads, with a union default graph."""
import os

from rdflib import Dataset
from rdflib_endpoint import SparqlEndpoint

dataset = Dataset(default_union=True)
dataset.parse(os.environ["RDFLIB_DATA"], format="nquads")
app = SparqlEndpoint(graph=dataset, path="/sparql")
'''

RDFLIB_RUNNER = '''
"""Time SPARQL queries on rdflib's in-memory engine: load once, one line of JSON per query."""
import json
import signal
import sys
import time

from rdflib import Dataset


class Late(Exception):
    pass


def late(signum, frame):
    raise Late()


signal.signal(signal.SIGALRM, late)
data, queries, limit = sys.argv[1], json.loads(open(sys.argv[2]).read()), int(sys.argv[3])
start = time.perf_counter()
dataset = Dataset(default_union=True)
dataset.parse(data, format="nquads")
print(json.dumps({"load": time.perf_counter() - start, "quads": len(dataset)}), flush=True)
for name, text in queries.items():
    signal.alarm(limit)
    start = time.perf_counter()
    try:
        rows = len(list(dataset.query(text)))
        print(json.dumps({"name": name, "seconds": time.perf_counter() - start, "rows": rows}),
              flush=True)
    except Late:
        print(json.dumps({"name": name, "timeout": limit}), flush=True)
    finally:
        signal.alarm(0)
'''


# --- processes ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Service:
    name: str
    url: str
    process: subprocess.Popen[bytes]


@contextlib.contextmanager
def serving(
    name: str, command: Sequence[str], *, env: dict[str, str], log: Path, ready: str
) -> Iterator[Service]:
    """Start a server, wait until ``ready`` (a path) answers, stop it afterwards by its id."""
    port = free_port()
    command = [part.replace("{port}", str(port)) for part in command]
    with log.open("ab") as out:
        process = subprocess.Popen(
            command, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 1800
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{name} stopped; see {log}")
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(url + ready, timeout=5) as answer,
            ):
                if answer.status == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not start; see {log}")
            time.sleep(0.2)
        yield Service(name, url, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def get(url: str, *, accept: str = JSON_RESULTS, timeout: float = 600) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


# --- wrk ------------------------------------------------------------------------------------------


@dataclass
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(url: str, *, connections: int, seconds: int, script: Path | None = None) -> Load:
    """Requests per second and latency percentiles from ``wrk --latency``."""
    command = [
        "wrk",
        f"-t{min(connections, 2)}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "-H",
        f"Accept: {JSON_RESULTS}",
    ]
    if script is not None:
        command += ["-s", str(script)]
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True, timeout=seconds + 60
    ).stdout
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", output, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    if socket_errors:
        print("  wrk:", socket_errors.group(0))
    return Load(
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),  # type: ignore[union-attr]
        p50_ms=_ms(percentiles["50"]),
        p99_ms=_ms(percentiles["99"]),
        errors=int(errors.group(1)) if errors else 0,
    )


def cpu_times() -> list[int]:
    """The machine's CPU time counters (``/proc/stat``): user … steal, in clock ticks."""
    try:
        with Path("/proc/stat").open(encoding="ascii") as stat:
            return [int(v) for v in stat.readline().split()[1:9]]
    except OSError:
        return []


def stolen(before: list[int], after: list[int]) -> float | None:
    """The share of CPU time the host took from this machine (steal) between two readings."""
    if len(before) < 8 or len(after) < 8:
        return None
    total = sum(after) - sum(before)
    return (after[7] - before[7]) / total if total else None


def rotating_script(directory: Path, paths: Sequence[str]) -> Path:
    """A wrk script that asks for a different resource on each request (unique query texts)."""
    listed = ",\n".join(json.dumps(p) for p in paths)
    script = directory / "rotating.lua"
    script.write_text(
        textwrap.dedent(
            """
            paths = {
            %s
            }
            -- each wrk thread counts in its own range, so no two requests share a query text
            started = 0
            function setup(thread)
              started = started + 1
              thread:set("id", started)
            end
            counter = 0
            function init(args)
              counter = (id or 0) * 100000000
            end
            request = function()
              counter = counter + 1
              local path = paths[(counter %% #paths) + 1]
              return wrk.format("GET", path .. "%%23" .. counter)
            end
            """
        )
        % listed,
        encoding="utf-8",
    )
    return script


# --- data -----------------------------------------------------------------------------------------


def store_project(data_dir: Path, designs_total: int = 0) -> tuple[float, list[float]]:
    """The project's data (and synthetic designs up to ``designs_total`` triples), stored as
    the service stores it: through the design catalogue. Returns the total and per-design
    times of the synthetic designs."""
    import pyoxigraph as ox
    from synthetic import designs

    from ketenontologie.designs import load_project
    from ketenontologie.store import OxigraphStore

    store = OxigraphStore(data_dir, workers=1)
    try:
        catalogue = load_project(store)
        times = []
        start = time.perf_counter()
        for index, text in enumerate(designs(designs_total) if designs_total else ()):
            triples = [
                ox.Triple(q.subject, q.predicate, q.object)
                for q in ox.parse(text.encode(), format=ox.RdfFormat.TURTLE)
            ]
            begin = time.perf_counter()
            catalogue.put(f"synthetisch-{index:05d}", triples)
            times.append(time.perf_counter() - begin)
            if index % 100 == 99:
                print(f"  {index + 1} designs stored", flush=True)
        return time.perf_counter() - start, times
    finally:
        store.close()


def dump(data_dir: Path, target: Path) -> int:
    import gc

    import pyoxigraph as ox

    gc.collect()  # the closed OxigraphStore lets go of the store's lock only when collected

    store = ox.Store(str(data_dir / "store"))
    store.dump(str(target), format=ox.RdfFormat.N_QUADS)
    count = len(store)
    del store
    return count


def subjects(nquads: Path, *, limit: int) -> list[str]:
    found: dict[str, None] = {}
    with nquads.open(encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("<https://w3id.org/ketenontologie/id/"):
                found[line[1 : line.index(">")]] = None
                if len(found) >= limit:
                    break
    return list(found)


def rdflib_endpoint_python() -> Path:
    """The throwaway virtualenv with rdflib-endpoint (its pins never touch ours)."""
    venv = CACHE / "rdflib-endpoint-venv"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "--quiet",
                RDFLIB_ENDPOINT,
                "uvicorn",
                "uvloop",
                "httptools",
            ],
            check=True,
        )
    return python


# --- part 1: lookups ------------------------------------------------------------------------------


def bench_lookups(work: Path, *, seconds: int, rounds: int, skip_rdflib_endpoint: bool) -> dict:
    print("1. lookups: storing the project's data", flush=True)
    project = work / "project"
    store_project(project)
    nquads = work / "project.nq"
    quads = dump(project, nquads)
    import pyoxigraph as ox

    disk = ox.Store(str(work / "ceiling-store"))
    disk.load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    disk.flush()
    del disk
    (work / "ceiling_app.py").write_text(CEILING_APP, encoding="utf-8")
    (work / "rdflib_endpoint_app.py").write_text(RDFLIB_ENDPOINT_APP, encoding="utf-8")
    lookup_path = "/sparql?" + urllib.parse.urlencode({"query": LOOKUP})
    paths = [
        "/sparql?" + urllib.parse.urlencode({"query": f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}"})
        for iri in subjects(nquads, limit=2000)
    ]
    rotating = rotating_script(work, paths)
    # The others run on the HTTP stack ours gets from uvicorn here (h11, or httptools and uvloop
    # when they are installed), so that only the applications differ.
    uvicorn = ["-m", "uvicorn", "--app-dir", str(work), "--host", "127.0.0.1", "--port", "{port}"]
    uvicorn += ["--http", HTTP_STACK[0], "--loop", HTTP_STACK[1]]
    targets = [
        (
            "ketenontologie (this service)",
            [
                sys.executable,
                "-m",
                "ketenontologie",
                "serve",
                "--data-dir",
                str(project),
                "--port",
                "{port}",
            ],
            {"PYTHONPATH": str(ROOT / "src")},
            "/queries",
        ),
        (
            "ceiling: Starlette + pyoxigraph, on disk",
            [sys.executable, *uvicorn, "ceiling_app:app"],
            {"CEILING_STORE": str(work / "ceiling-store")},
            lookup_path,
        ),
        (
            "ceiling: Starlette + pyoxigraph, in memory",
            [sys.executable, *uvicorn, "ceiling_app:app"],
            {"CEILING_DATA": str(nquads)},
            lookup_path,
        ),
    ]
    if not skip_rdflib_endpoint:
        targets.append(
            (
                f"rdflib-endpoint {RDFLIB_ENDPOINT.split('==')[1]}",
                [str(rdflib_endpoint_python()), *uvicorn, "rdflib_endpoint_app:app"],
                {"RDFLIB_DATA": str(nquads)},
                lookup_path,
            )
        )
    results: dict = {"quads": quads, "targets": {}, "rounds": rounds}
    with contextlib.ExitStack() as running:
        services = {}
        for name, command, env, ready in targets:
            log = work / "servers.log"
            services[name] = running.enter_context(
                serving(name, command, env=env, log=log, ready=ready)
            )
            status, _, body = get(services[name].url + lookup_path)
            rows = len(json.loads(body)["results"]["bindings"]) if status == 200 else None
            results["targets"][name] = {
                "rows": rows,
                1: [],
                10: [],
                "rotating": [],
                "rotating10": [],
            }
        # Rounds interleave the servers, so that a busy moment on the shared machine does not
        # fall on one of them only; each figure is the median of the rounds.
        runs: list[tuple[str | int, str, int, Path | None]] = [
            (1, lookup_path, 1, None),
            (10, lookup_path, 10, None),
            ("rotating", "/", 1, rotating),
            ("rotating10", "/", 10, rotating),
        ]
        for service in services.values():
            for _, path, connections, script in runs:
                wrk(service.url + path, connections=connections, seconds=1, script=script)
        # Within a round each kind of run goes to every server in turn, so that the figures a
        # ratio compares are measured within a minute of each other.
        steal_before = cpu_times()
        for round_number in range(rounds):
            for key, path, connections, script in runs:
                for name, service in services.items():
                    load = wrk(
                        service.url + path, connections=connections, seconds=seconds, script=script
                    )
                    results["targets"][name][key].append(load)
                    print(f"   round {round_number + 1}, {name}, {key}: {load}", flush=True)
        results["steal"] = stolen(steal_before, cpu_times())
    for measured in results["targets"].values():
        for key in (1, 10, "rotating", "rotating10"):
            loads = measured[key]
            measured[key] = Load(
                rps=statistics.median(load.rps for load in loads),
                p50_ms=statistics.median(load.p50_ms for load in loads),
                p99_ms=statistics.median(load.p99_ms for load in loads),
                errors=sum(load.errors for load in loads),
            )
    results["resources"] = len(paths)
    return results


# --- part 2: named queries at scale ---------------------------------------------------------------


def bench_named_queries(work: Path, *, triples: int, repeat: int, rdflib_timeout: int) -> dict:
    from ketenontologie.queries import load_queries

    print(f"2. named queries: storing designs up to {triples:,} triples", flush=True)
    big = work / "big"
    total, times = store_project(big, triples)
    nquads = work / "big.nq"
    quads = dump(big, nquads)
    queries = load_queries()
    texts = {}
    params: dict[str, dict[str, dict[str, str]]] = {"examples": {}, "all": {}}
    for name, query in queries.items():
        examples = {p.name: p.example for p in query.parameters if p.example}
        params["examples"][name] = examples
        params["all"][name] = {k: v for k, v in examples.items() if query_required(query, k)}
        texts[name] = query.bind(examples) if examples else query.text
    results: dict = {
        "designs": len(times),
        "store_seconds": total,
        "put_median": statistics.median(times) if times else 0.0,
        "put_max": max(times) if times else 0.0,
        "quads": quads,
        "queries": {},
        "all_chains": {},
    }
    command = [sys.executable, "-m", "ketenontologie", "serve", "--data-dir", str(big)]
    begin = time.perf_counter()
    with serving(
        "ketenontologie",
        [*command, "--port", "{port}"],
        env={"PYTHONPATH": str(ROOT / "src")},
        log=work / "servers.log",
        ready="/queries",
    ) as service:
        results["startup"] = time.perf_counter() - begin
        limit = get(service.url + "/sparql?query=ASK%7B%7D")[1].get("ketenontologie-row-limit")
        results["row_limit"] = limit
        for variant, target in (("examples", "queries"), ("all", "all_chains")):
            for name in queries:
                url = f"{service.url}/queries/{name}"
                if params[variant][name]:
                    url += "?" + urllib.parse.urlencode(params[variant][name])
                elif variant == "all" and not params["examples"][name]:
                    continue  # no optional parameter: the same request as above
                runs = []
                for _ in range(repeat):
                    start = time.perf_counter()
                    status, headers, _ = get(url)
                    runs.append(time.perf_counter() - start)
                headers = {k.lower(): v for k, v in headers.items()}
                results[target][name] = {
                    "status": status,
                    "seconds": statistics.median(runs),
                    "rows": headers.get("ketenontologie-result-count"),
                    "truncated": headers.get("ketenontologie-result-truncated") == "true",
                }
                print(f"   {variant} {name}: {results[target][name]}", flush=True)
    print("   rdflib: loading the same quads in memory", flush=True)
    (work / "queries.json").write_text(json.dumps(texts), encoding="utf-8")
    (work / "rdflib_runner.py").write_text(RDFLIB_RUNNER, encoding="utf-8")
    runner = subprocess.Popen(
        [
            sys.executable,
            str(work / "rdflib_runner.py"),
            str(nquads),
            str(work / "queries.json"),
            str(rdflib_timeout),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    rdflib: dict = {}
    try:
        assert runner.stdout is not None
        for line in runner.stdout:
            record = json.loads(line)
            print(f"   rdflib: {record}", flush=True)
            if "load" in record:
                results["rdflib_load"] = record["load"]
            else:
                rdflib[record["name"]] = record
        runner.wait(timeout=60)
    finally:
        if runner.poll() is None:
            runner.send_signal(signal.SIGTERM)
            runner.wait()
    results["rdflib"] = rdflib
    return results


def query_required(query: object, name: str) -> bool:
    return any(p.name == name and p.required for p in query.parameters)  # type: ignore[attr-defined]


# --- report ---------------------------------------------------------------------------------------


def machine() -> str:
    model = platform.processor() or "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    packages = ", ".join(
        f"{name} {version(name)}" for name in ("pyoxigraph", "fastapi", "uvicorn", "rdflib")
    )
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split()[1]
    return (
        f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}, {packages}, "
        f"{RDFLIB_ENDPOINT.replace('==', ' ')}, wrk {wrk_version}"
    )


def report(lookups: dict | None, named: dict | None, *, seconds: int, command: str) -> str:
    today = datetime.date.today().isoformat()
    out = [
        "# Service benchmark",
        "",
        f"Run {today} with `{command}` on {machine()}. Loopback only; one uvicorn process per "
        f"server, same settings for all ({HTTP_STACK[0]}, {HTTP_STACK[1]} event loop, access "
        "log on). The machine is shared, so single runs vary by 10–20 %; ratios are measured "
        "in the same run.",
    ]
    if lookups:
        targets = lookups["targets"]
        ours = targets["ketenontologie (this service)"]
        disk = targets["ceiling: Starlette + pyoxigraph, on disk"]
        memory = targets["ceiling: Starlette + pyoxigraph, in memory"]
        endpoint = next((v for k, v in targets.items() if k.startswith("rdflib")), None)
        out += [
            "",
            "## 1. Single-resource lookup",
            "",
            f"`{LOOKUP}` as SPARQL JSON ({ours['rows']} rows), over the project's data "
            f"({lookups['quads']:,} quads: ontology, concept scheme, shapes, example designs and "
            f"their inferred triples). `wrk` for {seconds} s per run after a 1 s warm-up, all "
            f"servers running, {lookups['rounds']} rounds interleaving them, the median of the "
            "rounds; 1 connection is one `wrk` thread, 10 connections two."
            + (
                f" The host took {lookups['steal']:.0%} of this machine's CPU time during these "
                "runs (steal), which is where most of the variation between rounds comes from."
                if lookups.get("steal") is not None
                else ""
            ),
            "",
            "| server | rows | req/s, 1 conn. | p50 / p99 | req/s, 10 conn. | p50 / p99 |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for name, measured in targets.items():
            one, ten = measured[1], measured[10]
            out.append(
                f"| {name} | {measured['rows']} | {one.rps:,.0f} | {one.p50_ms:.2f} / "
                f"{one.p99_ms:.2f} ms | {ten.rps:,.0f} | {ten.p50_ms:.2f} / {ten.p99_ms:.2f} ms |"
            )
        out += ["", "| ratio | 1 connection | 10 connections | target |", "|---|---:|---:|---|"]
        if endpoint:
            ratios = [ours[c].rps / endpoint[c].rps for c in (1, 10)]
            out.append(
                f"| this service / rdflib-endpoint | **{ratios[0]:.1f}×** | **{ratios[1]:.1f}×** "
                f"| ≥ 5× {'met' if min(ratios) >= 5 else '**missed**'} |"
            )
        ratios = [ours[c].rps / disk[c].rps for c in (1, 10)]
        out.append(
            f"| this service / ceiling on disk (same storage as ours) | **{ratios[0]:.2f}×** | "
            f"**{ratios[1]:.2f}×** | ≥ 0.7× {'met' if min(ratios) >= 0.7 else '**missed**'} |"
        )
        ratios = [ours[c].rps / memory[c].rps for c in (1, 10)]
        out.append(
            f"| this service / ceiling in memory | {ratios[0]:.2f}× | {ratios[1]:.2f}× | "
            "(for reference: the service's store is on disk) |"
        )
        out += [
            "",
            f"With a different resource on every request ({lookups['resources']:,} resources in "
            "turn, each query text unique, so neither the service's answer cache nor its plan "
            "cache ever hits; its per-anchor count cache is warm after the first pass). This is "
            "the work of a lookup itself:",
            "",
            "| server | req/s, 1 conn. | p50 / p99 | req/s, 10 conn. | p50 / p99 |",
            "|---|---:|---:|---:|---:|",
        ]
        for name, measured in targets.items():
            if "rotating" in measured:
                one, ten = measured["rotating"], measured["rotating10"]
                out.append(
                    f"| {name} | {one.rps:,.0f} | {one.p50_ms:.2f} / {one.p99_ms:.2f} ms | "
                    f"{ten.rps:,.0f} | {ten.p50_ms:.2f} / {ten.p99_ms:.2f} ms |"
                )
        out += ["", "| ratio, different resources | 1 connection | 10 connections | target |"]
        out += ["|---|---:|---:|---|"]
        rotated = [("rotating", "rotating10")]
        if endpoint:
            ratios = [ours[c].rps / endpoint[c].rps for c in rotated[0]]
            out.append(
                f"| this service / rdflib-endpoint | **{ratios[0]:.1f}×** | **{ratios[1]:.1f}×** "
                f"| ≥ 5× {'met' if min(ratios) >= 5 else '**missed**'} |"
            )
        ratios = [ours[c].rps / disk[c].rps for c in rotated[0]]
        out.append(
            f"| this service / ceiling on disk | **{ratios[0]:.2f}×** | **{ratios[1]:.2f}×** | "
            f"≥ 0.7× {'met' if min(ratios) >= 0.7 else '**missed**'} |"
        )
        ratios = [ours[c].rps / memory[c].rps for c in rotated[0]]
        out.append(
            f"| this service / ceiling in memory | {ratios[0]:.2f}× | {ratios[1]:.2f}× | "
            "(for reference) |"
        )
        out += [
            "",
            "How the service gets there: a lookup — one triple pattern anchored on an IRI, with "
            "filters and solution modifiers but no nested groups, paths, `BIND` or `VALUES` — is "
            "answered in the server process when its anchor has at most row-limit quads, so its "
            "work is bounded by the row limit and it needs no killable worker; Oxigraph "
            "serialises it (`ketenontologie.api.fastpath`, `OxigraphStore.lookup`). Its answer "
            "is kept until the next write (up to 1,024 answers of at most 64 KB; never for "
            "RAND, NOW, UUID …), which is why repeating one lookup beats the ceiling, which "
            "runs the query every time; rdflib-endpoint keeps parsed queries the same way. Every "
            "other query still runs in a worker process that is killed at the time limit. "
            "Before this, every query paid the worker round trip and the Python serialiser: "
            "about 770 req/s on one connection.",
        ]
    if named:
        out += [
            "",
            f"## 2. Named queries over {named['quads']:,} quads",
            "",
            f"The project's data plus {named['designs']:,} synthetic designs (about 1,000 "
            "triples each), stored through the design catalogue as uploads are (reasoned, each "
            f"design with its inferred triples in one transaction): {named['store_seconds']:.0f} s "
            f"in all, {named['put_median'] * 1000:.0f} ms per design (median; slowest "
            f"{named['put_max'] * 1000:.0f} ms). Restarting the service on this store (rebuilding "
            f"the reasoning state from the stored designs) took {named['startup']:.0f} s.",
            "",
            "Each named query through `/queries/<name>` as SPARQL JSON with the parameter values "
            "of its header's examples (as in the API documentation): median of three, within "
            f"the service's time limit of 10 s and its row limit of {named['row_limit']} rows. "
            "rdflib: the same query text on a `Dataset` with a union default graph holding the "
            f"same quads (loaded in {named.get('rdflib_load', 0):.0f} s), one run each.",
            "",
            "| query | this service | rows | rdflib in memory | rows | rdflib / service |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for name, ours in named["queries"].items():
            theirs = named["rdflib"].get(name, {})
            ok = ours["status"] == 200 and ours["seconds"] < 10
            rows = f"{ours['rows']}{' (cut)' if ours['truncated'] else ''}"
            if "seconds" in theirs:
                ratio = f"{theirs['seconds'] / ours['seconds']:,.0f}×"
                rdflib_time = f"{theirs['seconds']:.2f} s"
                rdflib_rows = str(theirs["rows"])
            else:
                ratio, rdflib_rows = "—", "—"
                rdflib_time = f"> {theirs['timeout']} s" if "timeout" in theirs else "not run"
            out.append(
                f"| `{name}` | {ours['seconds']:.3f} s{'' if ok else ' **(over)**'} | {rows} | "
                f"{rdflib_time} | {rdflib_rows} | {ratio} |"
            )
        within = all(q["status"] == 200 and q["seconds"] < 10 for q in named["queries"].values())
        out += [
            "",
            "Every named query was answered within its time limit."
            if within
            else "**Not every named query was answered within its time limit.**",
            "",
            "The same queries with their optional parameters left out, so over every chain (a "
            "503 is the time limit stopping the query, as it should):",
            "",
            "| query | this service | status | rows |",
            "|---|---:|---:|---:|",
        ]
        for name, ours in named["all_chains"].items():
            rows = f"{ours['rows']}{' (cut)' if ours['truncated'] else ''}"
            out.append(
                f"| `{name}` | {ours['seconds']:.3f} s | {ours['status']} | "
                f"{rows if ours['status'] == 200 else '—'} |"
            )
    return "\n".join(out) + "\n"


def keep_other_part(text: str, previous: str, only: str) -> str:
    """The results of one part (``--only``), with the other part kept from ``previous``."""
    if "\n## 1. " not in previous or "\n## 2. " not in previous:
        return text
    earlier = re.search(r"^Run (\S+) with `([^`]*)`", previous, re.MULTILINE)
    when = f" of {earlier.group(1)} with `{earlier.group(2)}`" if earlier else ""
    head, _, measured = text.partition("\n\n## ")
    lookups = previous[previous.index("\n## 1. ") : previous.index("\n## 2. ")].strip("\n")
    named = previous[previous.index("\n## 2. ") :].strip("\n")
    measured = "## " + measured.strip("\n")
    if only == "lookups":
        head += f" Part 2 is kept from the run{when}."
        return f"{head}\n\n{measured}\n\n{named}\n"
    head += f" Part 1 is kept from the run{when}."
    return f"{head}\n\n{lookups}\n\n{measured}\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 s runs and 100,000 triples")
    parser.add_argument("--seconds", type=int, help="seconds per wrk run (default 10)")
    parser.add_argument("--triples", type=int, help="design triples (default 1,000,000)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved load rounds")
    parser.add_argument("--rdflib-timeout", type=int, default=600, help="seconds per query")
    parser.add_argument("--skip-rdflib-endpoint", action="store_true")
    parser.add_argument("--only", choices=["lookups", "named"], help="run one part")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--keep", action="store_true", help="keep the working directory")
    args = parser.parse_args()
    options = [a for a in sys.argv[1:] if not a.startswith("--out") and a != str(args.out)]
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install -y wrk")
    seconds = args.seconds or (3 if args.quick else 10)
    triples = args.triples or (100_000 if args.quick else 1_000_000)
    work = Path(tempfile.mkdtemp(prefix="ketenontologie-bench-"))
    try:
        lookups = named = None
        if args.only in (None, "lookups"):
            lookups = bench_lookups(
                work,
                seconds=seconds,
                rounds=args.rounds,
                skip_rdflib_endpoint=args.skip_rdflib_endpoint,
            )
        if args.only in (None, "named"):
            named = bench_named_queries(
                work, triples=triples, repeat=3, rdflib_timeout=args.rdflib_timeout
            )
        command = " ".join(["python bench/bench_service.py", *options])
        text = report(lookups, named, seconds=seconds, command=command)
        if args.only and args.out.exists():
            text = keep_other_part(text, args.out.read_text(encoding="utf-8"), args.only)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
        print(text)
        print(f"wrote {args.out}")
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
