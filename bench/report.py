"""Assemble docs/benchmarks.md from the result files the benchmarks write to bench/results/."""

from __future__ import annotations

import argparse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ORDER = ["validation", "peers", "reasoning", "service", "upload", "pages", "scale"]

HEADER = """# Benchmarks

Every figure below is a ratio against a baseline measured in the same run on the same machine,
written by the benchmark scripts in `bench/` (`make bench` runs them all and rebuilds this page).
Absolute times depend on the machine; the ratios are what the project promises.
"""


def assemble(results: Path) -> str:
    """Join the result sections in a fixed order (unknown sections follow alphabetically)."""
    files = sorted(
        results.glob("*.md"),
        key=lambda p: (p.stem not in ORDER, ORDER.index(p.stem) if p.stem in ORDER else 0, p.stem),
    )
    sections = [p.read_text(encoding="utf-8").strip() for p in files]
    return "\n\n".join([HEADER.strip(), *sections]) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()
    args.out.write_text(assemble(args.results), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
