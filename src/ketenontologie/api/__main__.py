"""``python -m ketenontologie.api``: run the service (same options as ``ketenontologie serve``)."""

from __future__ import annotations

import argparse

from ketenontologie.api import serve
from ketenontologie.config import add_arguments, settings_from_args


def main() -> None:
    """Parse the options and serve until stopped."""
    parser = argparse.ArgumentParser(
        prog="python -m ketenontologie.api", description="Run the ketenontologie service."
    )
    add_arguments(parser)
    serve(settings_from_args(parser.parse_args()))


if __name__ == "__main__":
    main()
