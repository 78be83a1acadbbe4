"""Benchmark the linked-data pages: each page against the same document as Turtle, and against
the implementation before pages stopped copying graphs.

Run from the repository root::

    python bench/bench_pages.py            # 5 rounds of 20 requests per document and side
    python bench/bench_pages.py --quick    # 2 rounds of 8

Each side is the service's application (``create_app``, the embedded store, the project's data)
in a process of its own, asked through Starlette's test client: the time is that of the whole
request in the application (routing, negotiation, the page, its HTML), without a network. The
sides are asked in turn, document by document and round by round, so that both see the same
load; a figure is the median over all requests of all rounds.

* **Turtle** (the baseline): the same document, ``Accept: text/turtle``, from the same process.
* **before**: the same requests to the commit ``--before`` (default: the last one whose pages
  copied graphs), exported with ``git archive`` into a temporary directory and run from there
  with this environment. Left out with ``--before ''`` or when that commit cannot be exported.

Writes Markdown to ``bench/results/pages.md``. Never run as a timed test.
"""

# ruff: noqa: RUF001 - the multiplication sign in the Markdown table is meant

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "pages.md"
BEFORE = "408679e"
"""The last commit whose pages were built by copying rdflib graphs."""
TARGET_MS = 25.0
"""An ordinary ``/doc`` page (a concept, a role) takes at most this long on the example data."""
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@dataclass(frozen=True)
class Page:
    """A document to time: its path, what it is, and whether it is an ordinary ``/doc`` page."""

    path: str
    what: str
    ordinary: bool = False


PAGES = (
    Page("/doc/pijler/P1", "a concept (pillar P1)", ordinary=True),
    Page("/doc/rol/ketenmanager-havenstad", "a role in a design", ordinary=True),
    Page("/doc/keten/loonaangifteketen", "a chain design (diagram, rule check)"),
    Page("/doc/begrippenkader/ketensturing", "the concept scheme"),
    Page("/def", "the ontology"),
    Page("/shapes", "the rules"),
)


# --- one side: the application in this process, answering timing requests on stdin ---------------


def serve(src: Path) -> None:
    """Load the application from ``src`` and time requests as stdin asks, one JSON line each."""
    sys.path.insert(0, str(src))
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

    from ketenontologie.api import create_app
    from ketenontologie.config import Settings

    with tempfile.TemporaryDirectory() as data:
        app = create_app(Settings(data_dir=data))
        with TestClient(app) as client:
            print(json.dumps({"ready": True}), flush=True)
            for line in sys.stdin:
                ask = json.loads(line)
                times = []
                for number in range(ask["warm"] + ask["n"]):
                    start = time.perf_counter()
                    answer = client.get(ask["path"], headers={"Accept": ask["accept"]})
                    took = time.perf_counter() - start
                    wanted = ask["accept"].partition(",")[0]
                    if answer.status_code != 200 or wanted not in answer.headers["content-type"]:
                        raise SystemExit(f"{ask['path']}: {answer.status_code} {answer.text[:200]}")
                    if number >= ask["warm"]:
                        times.append(took)
                print(json.dumps({"times": times}), flush=True)


class Side:
    """A serving process: this checkout's source, or an exported commit's."""

    def __init__(self, name: str, root: Path) -> None:
        self.name = name
        env = {**os.environ, "PYTHONPATH": str(root / "src"), "PYTHONWARNINGS": "ignore"}
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--serve", str(root / "src")],
            cwd=root,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        if json.loads(self._line()).get("ready") is not True:
            raise SystemExit(f"{name}: the application did not start")

    def _line(self) -> str:
        stdout: IO[str] | None = self.process.stdout
        assert stdout is not None
        line = stdout.readline()
        if not line:
            raise SystemExit(f"{self.name}: the serving process stopped")
        return line

    def time(self, path: str, accept: str, *, n: int, warm: int) -> list[float]:
        stdin: IO[str] | None = self.process.stdin
        assert stdin is not None
        stdin.write(json.dumps({"path": path, "accept": accept, "n": n, "warm": warm}) + "\n")
        stdin.flush()
        times: list[float] = json.loads(self._line())["times"]
        return times

    def stop(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@contextlib.contextmanager
def exported(ref: str) -> Iterator[Path | None]:
    """The commit ``ref``'s source, data and ``pyproject.toml`` in a temporary directory."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = ["src", "ontology", "shapes", "queries", "data", "pyproject.toml"]
        archive = subprocess.run(["git", "archive", ref, *paths], cwd=ROOT, capture_output=True)
        if archive.returncode != 0:
            print(f"before: cannot export {ref}: {archive.stderr.decode().strip()}", flush=True)
            yield None
            return
        subprocess.run(["tar", "-x", "-C", tmp], input=archive.stdout, check=True)
        yield Path(tmp)


# --- the comparison ------------------------------------------------------------------------------


def ms(times: Sequence[float]) -> float:
    return statistics.median(times) * 1000


def run(rounds: int, n: int, before: str) -> tuple[list[dict[str, Any]], str | None]:
    sides = {"now": Side("now", ROOT)}
    with exported(before) if before else contextlib.nullcontext(None) as old:
        commit = None
        if old is not None:
            sides["before"] = Side("before", old)
            commit = subprocess.run(
                ["git", "rev-parse", "--short", before], cwd=ROOT, capture_output=True, text=True
            ).stdout.strip()
        try:
            collected: dict[tuple[str, str, str], list[float]] = {}
            for number in range(rounds):
                for page in PAGES:
                    for accept in (BROWSER, "text/turtle"):
                        for name, side in sides.items():
                            times = side.time(page.path, accept, n=n, warm=2 if number == 0 else 0)
                            collected.setdefault((page.path, accept, name), []).extend(times)
                print(f"round {number + 1} of {rounds}", flush=True)
        finally:
            for side in sides.values():
                side.stop()
    rows = []
    for page in PAGES:
        row: dict[str, Any] = {"page": page}
        for name in sides:
            row[f"{name}_html"] = ms(collected[(page.path, BROWSER, name)])
            row[f"{name}_turtle"] = ms(collected[(page.path, "text/turtle", name)])
        rows.append(row)
        print(
            f"{page.path}: page {row['now_html']:.1f} ms, Turtle {row['now_turtle']:.1f} ms"
            + (f", before {row['before_html']:.1f} ms" if "before_html" in row else ""),
            flush=True,
        )
    return rows, commit


def machine() -> str:
    model = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    packages = ", ".join(
        f"{name} {version(name)}" for name in ("rdflib", "pyoxigraph", "jinja2", "fastapi")
    )
    return f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}, {packages}"


def markdown(
    rows: Sequence[dict[str, Any]],
    *,
    commit: str | None,
    command: str,
    requests: int,
    load: tuple[float, float],
) -> str:
    today = datetime.date.today().isoformat()
    before = commit is not None
    head = "| document | page | same document as Turtle | page ÷ Turtle |"
    rule = "|---|---:|---:|---:|"
    if before:
        head += f" before ({commit}): page / Turtle | page before ÷ now |"
        rule += "---:|---:|"
    lines = [
        "# Linked-data pages",
        "",
        f"Run {today} with `{command}` on {machine()}. Load average {load[0]:.1f} at the start "
        f"and {load[1]:.1f} at the end (the two serving processes account for about 1; more "
        "means other work shared the machine).",
        "",
        "Each figure is the median time of one request through the service's application "
        "(Starlette's test client, the embedded store, the project's example data; no network), "
        f"over {requests} requests per document and side, the sides asked in turn. The baseline "
        "is the same document as Turtle from the same process"
        + (
            f"; *before* is the commit {commit}, whose pages copied the ontology, the concept "
            "scheme and the design into one rdflib graph for every page, run the same way in the "
            "same run."
            if before
            else "."
        ),
        "",
        head,
        rule,
    ]
    for row in rows:
        page: Page = row["page"]
        line = (
            f"| `{page.path}`: {page.what} | {row['now_html']:.1f} ms | "
            f"{row['now_turtle']:.1f} ms | {row['now_html'] / row['now_turtle']:.1f} |"
        )
        if before:
            line += (
                f" {row['before_html']:.1f} / {row['before_turtle']:.1f} ms | "
                f"**{row['before_html'] / row['now_html']:.1f}× faster** |"
            )
        lines.append(line)
    ordinary = [row["now_html"] for row in rows if row["page"].ordinary]
    verdict = "met" if max(ordinary) <= TARGET_MS else "**not met**"
    lines += [
        "",
        f"Target: an ordinary `/doc` page in at most {TARGET_MS:.0f} ms on the example data; "
        f"the slowest here took {max(ordinary):.1f} ms ({verdict}).",
        "",
        "How: each stored graph is parsed once per version of the store into rdflib's plain "
        "in-memory store, and a page reads the graphs it needs in place through a read-only "
        "union (`ketenontologie.publication.union`) instead of copying them into one graph; "
        "the scheme page no longer gathers what refers to the scheme (it does not show it), and a "
        "design's rule check runs once per version of the design. What is left of the ontology "
        "page is reading its terms from rdflib (about 60 %) and writing its 67 kB of HTML; of "
        "the design page, the summary of its governance (SPARQL on rdflib, about 70 %).",
        "",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 rounds of 8 requests")
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--before", default=BEFORE, help="commit to compare with ('' for none)")
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve is not None:
        serve(args.serve)
        return 0
    rounds = args.rounds or (2 if args.quick else 5)
    n = 8 if args.quick else 20
    load_at_start = os.getloadavg()[0]
    rows, commit = run(rounds, n, args.before)
    command = "python bench/bench_pages.py" + (" --quick" if args.quick else "")
    if args.rounds:
        command += f" --rounds {args.rounds}"
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        markdown(
            rows,
            commit=commit,
            command=command,
            requests=rounds * n,
            load=(load_at_start, os.getloadavg()[0]),
        ),
        "utf-8",
    )
    print(f"written: {RESULTS.relative_to(ROOT)}")
    ordinary = max(row["now_html"] for row in rows if row["page"].ordinary)
    return 0 if ordinary <= TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
