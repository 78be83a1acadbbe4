"""Settings of the command line and the service: defaults, ``KETENONTOLOGIE_*`` variables, options.

Each field of :class:`Settings` is also the environment variable ``KETENONTOLOGIE_<FIELD>``;
options given on the command line (:mod:`ketenontologie.cli` defines them) win over the
environment, which wins over the defaults.

>>> Settings(port=9000, cors_origins="a, b").cors_origins
('a', 'b')
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from ketenontologie.errors import SettingError
from ketenontologie.namespaces import BASE

__all__ = ["ENV_PREFIX", "Settings", "default_data_dir", "settings_from_args"]

ENV_PREFIX = "KETENONTOLOGIE_"


def default_data_dir() -> Path:
    """``$XDG_DATA_HOME/ketenontologie``, or ``~/.local/share/ketenontologie``."""
    root = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(root) / "ketenontologie"


class Settings(BaseSettings):
    """Everything the service can be told; each field is also ``KETENONTOLOGIE_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, frozen=True, extra="forbid")

    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = Field(default_factory=default_data_dir)
    update_token: str | None = Field(default=None, repr=False)
    """Bearer token for writes (SPARQL Update, Graph Store PUT/POST/DELETE); none: writes off."""
    query_timeout: float = Field(default=10.0, gt=0)
    """Seconds a query may run before it is stopped."""
    row_limit: int = Field(default=10_000, gt=0)
    """Rows (or triples) a query returns at most; a cut result is reported, never silent."""
    max_body_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
    """The largest request body (an upload, a query sent by POST)."""
    body_timeout: float = Field(default=30.0, gt=0)
    """Seconds a request body may pause before the request is answered 408 and let go."""
    max_connections: int = Field(default=500, gt=0)
    """Connections and requests the service handles at once; more are answered 503."""
    max_query_bytes: int = Field(default=100_000, gt=0)
    """The longest query or update text."""
    max_result_bytes: int = Field(default=64 * 1024 * 1024, gt=0)
    """The largest answer to a query; a longer one is cut and reported, like the row limit."""
    validation_timeout: float = Field(default=30.0, gt=0)
    """Seconds reading and validating one uploaded design may take."""
    validation_workers: int = Field(default=1, ge=1)
    """Worker processes that read and validate uploads."""
    query_memory_mb: int = Field(default=2048, gt=0)
    """Memory a query worker may use (its data segment), in MiB."""
    cors_origins: Annotated[tuple[str, ...], NoDecode] = ()
    """Origins allowed to query from a browser; in the environment, separated by commas."""
    base_iri: str = BASE
    public_url: str | None = None
    """The address users reach the service at (behind a proxy, or ``https://w3id.org/
    ketenontologie`` once that namespace is registered and forwards here): VoID names the
    endpoint and the dumps under it. Unset: the address of each request."""
    query_workers: int = Field(default=3, ge=1)
    """Query worker processes; one client (by address) runs at most all but one at once."""
    load_project: bool = True
    """On an empty data directory, load ontology, concept scheme, shapes and example designs."""
    store: str = "oxigraph"
    """``oxigraph`` (embedded, in ``data_dir``) or ``sparql+http(s)://host:port/sparql``."""
    store_user: str | None = None
    """Account on the SPARQL server for writes (``KETENONTOLOGIE_STORE_USER``)."""
    store_password: str | None = Field(default=None, repr=False)
    """Its password; only from ``KETENONTOLOGIE_STORE_PASSWORD``, never an option."""

    @field_validator("public_url")
    @classmethod
    def _absolute_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not value.startswith(("http://", "https://")) or any(c.isspace() for c in value):
            raise ValueError("give an absolute http(s) URL such as https://ketens.example.nl")
        return value.rstrip("/")

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(origin.strip() for origin in value.split(",") if origin.strip())
        return value

    @classmethod
    def load(cls, **overrides: Any) -> Settings:
        """Settings from the environment, with ``overrides`` (those not None) on top.

        Raises :class:`~ketenontologie.errors.SettingError` naming the variable or option whose
        value cannot be used.
        """
        try:
            return cls(**{name: value for name, value in overrides.items() if value is not None})
        except ValidationError as error:
            problem = error.errors()[0]
            name = str(problem["loc"][0]) if problem["loc"] else "?"
            raise SettingError(
                f"{ENV_PREFIX}{name.upper()} (or --{name.replace('_', '-')}) is not valid: "
                f"{problem['msg']}. Set it to a usable value and start again."
            ) from None


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
    return Settings.load(**options)
