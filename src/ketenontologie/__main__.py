"""Run the command line: ``python -m ketenontologie``."""

from __future__ import annotations

import sys

from ketenontologie.cli import main

if __name__ == "__main__":
    sys.exit(main())
