"""``python -m ketenontologie.api``: run the service, as ``ketenontologie serve`` does."""

from __future__ import annotations

import sys

from ketenontologie.cli import main

if __name__ == "__main__":
    sys.exit(main(["serve", *sys.argv[1:]]))
