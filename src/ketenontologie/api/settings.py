"""Service settings: defaults, ``KETENONTOLOGIE_*`` environment variables, then CLI options.

>>> Settings.from_env({"KETENONTOLOGIE_PORT": "9000", "KETENONTOLOGIE_CORS_ORIGINS": "a, b"}).port
9000
"""

from __future__ import annotations

import argparse
import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ketenontologie.errors import InputError
from ketenontologie.namespaces import BASE

__all__ = ["ENV_PREFIX", "Settings", "add_arguments", "default_data_dir", "settings_from_args"]

ENV_PREFIX = "KETENONTOLOGIE_"


def default_data_dir() -> Path:
    """``$XDG_DATA_HOME/ketenontologie``, or ``~/.local/share/ketenontologie``."""
    root = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(root) / "ketenontologie"


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Everything the service can be told; each field is also ``KETENONTOLOGIE_<FIELD>``."""

    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = field(default_factory=default_data_dir)
    update_token: str | None = None
    """Bearer token for writes (SPARQL Update, Graph Store PUT/POST/DELETE); none: writes off."""
    query_timeout: float = 10.0
    """Seconds a query may run before it is stopped."""
    row_limit: int = 10_000
    """Rows (or triples) a query returns at most; a cut result is reported, never silent."""
    max_body_bytes: int = 10 * 1024 * 1024
    cors_origins: tuple[str, ...] = ()
    base_iri: str = BASE
    query_workers: int = 2
    load_project: bool = True
    """On an empty data directory, load ontology, concept scheme, shapes and example designs."""
    store: str = "oxigraph"
    """``oxigraph`` (embedded, in ``data_dir``) or ``sparql+http(s)://host:port/sparql``."""
    store_user: str | None = None
    """Account on the SPARQL server for writes (``KETENONTOLOGIE_STORE_USER``)."""
    store_password: str | None = field(default=None, repr=False)
    """Its password; only from ``KETENONTOLOGIE_STORE_PASSWORD``, never an option."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from ``KETENONTOLOGIE_*`` variables; ``overrides`` (not None) win."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for spec in dataclasses.fields(cls):
            raw = environ.get(ENV_PREFIX + spec.name.upper())
            if raw is not None and raw != "":
                values[spec.name] = _convert(spec.name, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        if isinstance(values.get("data_dir"), str):
            values["data_dir"] = Path(values["data_dir"])
        return cls(**values)


def _convert(name: str, raw: str) -> Any:
    try:
        if name in ("port", "row_limit", "max_body_bytes", "query_workers"):
            return int(raw)
        if name == "query_timeout":
            return float(raw)
        if name == "load_project":
            if raw.lower() not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
                raise ValueError(raw)
            return raw.lower() in ("1", "true", "yes", "on")
        if name == "cors_origins":
            return tuple(origin.strip() for origin in raw.split(",") if origin.strip())
        if name == "data_dir":
            return Path(raw)
    except ValueError:
        raise InputError(
            f"{ENV_PREFIX}{name.upper()}={raw!r} is not a valid value. "
            "Set it to a number (or true/false) and start again."
        ) from None
    return raw


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``serve`` options; each one defaults to its ``KETENONTOLOGIE_*`` variable."""
    parser.add_argument("--host", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to listen on (default: 8000)")
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="directory of the store; an empty one is filled with the project's data "
        f"(default: {default_data_dir()})",
    )
    parser.add_argument(
        "--store",
        metavar="STORE",
        help="'oxigraph' (the embedded store in --data-dir, the default) or the URL of a "
        "SPARQL 1.1 server, sparql+http://host:8890/sparql; its account comes from "
        "KETENONTOLOGIE_STORE_USER and KETENONTOLOGIE_STORE_PASSWORD (docs/deploy.md)",
    )
    parser.add_argument("--query-timeout", type=float, help="seconds per query (default: 10)")
    parser.add_argument("--row-limit", type=int, help="rows per result at most (default: 10000)")
    parser.add_argument("--max-body-bytes", type=int, help="largest request body (default: 10 MB)")
    parser.add_argument(
        "--cors-origin",
        action="append",
        dest="cors_origins",
        metavar="ORIGIN",
        help="origin allowed to query from a browser (repeat for more)",
    )
    parser.add_argument("--base-iri", help="base IRI of the knowledge graph")
    parser.add_argument("--query-workers", type=int, help="query worker processes (default: 2)")
    parser.add_argument(
        "--no-load-project",
        dest="load_project",
        action="store_const",
        const=False,
        help="start empty instead of loading the project's data into an empty data directory",
    )


def settings_from_args(args: argparse.Namespace) -> Settings:
    """Settings from the environment, with the given command-line options on top.

    The update token and the store password are only read from the environment
    (``KETENONTOLOGIE_UPDATE_TOKEN``, ``KETENONTOLOGIE_STORE_PASSWORD``): a command line is
    visible to every user of the machine.
    """
    options = {
        name: getattr(args, name, None)
        for name in (
            "host",
            "port",
            "data_dir",
            "query_timeout",
            "row_limit",
            "max_body_bytes",
            "base_iri",
            "query_workers",
            "load_project",
            "store",
        )
    }
    if getattr(args, "cors_origins", None):
        options["cors_origins"] = tuple(args.cors_origins)
    return Settings.from_env(**options)
