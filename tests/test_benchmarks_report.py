"""docs/benchmarks.md is the page ``bench/report.py`` assembles from the committed results."""

from __future__ import annotations

import importlib.util
import re
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _report_module() -> types.ModuleType:
    spec = importlib.util.spec_from_file_location("bench_report", ROOT / "bench" / "report.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_benchmarks_page_is_assembled_from_every_result_file() -> None:
    report = _report_module()
    expected = report.assemble(ROOT / "bench" / "results")
    page = (ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    assert page == expected, "docs/benchmarks.md is stale: run 'make bench-report'"
    for result in (ROOT / "bench" / "results").glob("*.md"):
        first = result.read_text(encoding="utf-8").splitlines()[0]
        assert first in page, result.name


def test_every_plot_the_page_shows_is_committed() -> None:
    page = (ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", page)
    assert images, "the page shows how cost grows with size in plots"
    for image in images:
        path = ROOT / "docs" / image
        assert path.is_file(), image
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", image
