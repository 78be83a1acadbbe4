"""The peer pipeline ``shacl`` (Rust, from PyPI) after ``reasonable`` (Rust OWL 2 RL), as a user
would write it: run by ``bench/bench_peers.py`` with the Python of the peers' own virtual
environment, never with the project's.

``reasonable`` materialises the OWL 2 RL closure of the context and the design; the closure goes
to ``shacl`` as N-Triples. Prints one JSON line per result: focus node, shape, severity.

Run: ``python peer_shacl_after_reasonable.py DESIGN CONTEXT SHAPES``.
"""

from __future__ import annotations

import json
import sys

import reasonable
import shacl


def main(design: str, context: str, shapes: str) -> int:
    reasoner = reasonable.PyReasoner()
    reasoner.load_file(context)
    reasoner.load_file(design)
    closure = reasoner.reason()
    text = "".join(f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in closure)
    report = shacl.Shapes.from_file(shapes).validate_text(text, format="ntriples")
    for result in report.results:
        print(
            json.dumps(
                {
                    "focus": result.focus_node,
                    "shape": result.root_shape,
                    "severity": result.severity,
                }
            )
        )
    return 0 if report.conforms else 1


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:4]))
