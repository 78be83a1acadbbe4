"""The service's pure parts, in process: negotiation, settings, the error mapping."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from ketenontologie.api.errors import status_for
from ketenontologie.api.negotiation import choose, parse_accept
from ketenontologie.cli import add_serve_arguments
from ketenontologie.config import Settings, settings_from_args
from ketenontologie.errors import (
    ConflictingFormatError,
    ForbiddenOperationError,
    KetenontologieError,
    NotAcceptableError,
    ParameterError,
    QueryTimeoutError,
    SettingError,
    SparqlSyntaxError,
    UndeclaredPrefixError,
    UnknownGraphError,
    UnknownQueryError,
)


def test_parse_accept_reads_q_values_and_tolerates_junk() -> None:
    assert parse_accept("text/csv;q=0.5, */*;q=bad, text/turtle") == [
        ("text/csv", 0.5),
        ("*/*", 0.0),
        ("text/turtle", 1.0),
    ]


def test_the_most_specific_range_gives_the_quality() -> None:
    # text/csv is refused outright although text/* is welcome (text/xml then counts 0.3).
    chosen = choose("text/csv;q=0, text/tab-separated-values;q=0.4, text/*;q=0.3", kind="solutions")
    assert chosen.name == "tsv"


def test_format_wins_over_accept_only_when_it_fits_the_result() -> None:
    assert choose("text/csv", kind="solutions", format="xml").name == "xml"
    assert choose(None, kind="graph", format="csv").name == "turtle"
    with pytest.raises(NotAcceptableError, match="turtle"):
        choose("text/csv", kind="graph", format="csv")


def test_settings_come_from_env_and_options_win(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    environ = {
        "KETENONTOLOGIE_PORT": "9000",
        "KETENONTOLOGIE_QUERY_TIMEOUT": "2.5",
        "KETENONTOLOGIE_CORS_ORIGINS": "https://a.example, https://b.example",
        "KETENONTOLOGIE_LOAD_PROJECT": "false",
        "KETENONTOLOGIE_UPDATE_TOKEN": "secret",
    }
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    settings = Settings.load(data_dir=tmp_path, port=9100)
    assert settings.port == 9100
    assert settings.query_timeout == 2.5
    assert settings.cors_origins == ("https://a.example", "https://b.example")
    assert settings.load_project is False
    assert settings.update_token == "secret"
    assert settings.data_dir == tmp_path
    for name in environ:
        monkeypatch.delenv(name)
    assert Settings().query_timeout == 10.0
    assert Settings().max_body_bytes == 10 * 1024 * 1024
    assert "secret" not in repr(settings), "the token never shows in a repr or a log"


def test_the_public_url_is_an_absolute_address(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().public_url is None
    monkeypatch.setenv("KETENONTOLOGIE_PUBLIC_URL", "https://w3id.org/ketenontologie/")
    assert Settings.load().public_url == "https://w3id.org/ketenontologie"
    monkeypatch.setenv("KETENONTOLOGIE_PUBLIC_URL", "")
    assert Settings.load().public_url is None
    monkeypatch.setenv("KETENONTOLOGIE_PUBLIC_URL", "ketens.example.nl")
    with pytest.raises(SettingError, match="KETENONTOLOGIE_PUBLIC_URL"):
        Settings.load()


def test_new_errors_have_their_status() -> None:
    assert status_for(UndeclaredPrefixError("ex", line=1, column=2)) == 400
    assert status_for(ConflictingFormatError("json and xml")) == 400


def test_a_bad_environment_value_says_which_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KETENONTOLOGIE_ROW_LIMIT", "many")
    with pytest.raises(SettingError, match="KETENONTOLOGIE_ROW_LIMIT"):
        Settings.load()
    monkeypatch.setenv("KETENONTOLOGIE_ROW_LIMIT", "0")
    with pytest.raises(SettingError, match="KETENONTOLOGIE_ROW_LIMIT"):
        Settings.load()


def test_command_line_options_become_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KETENONTOLOGIE_ROW_LIMIT", "7")
    parser = argparse.ArgumentParser()
    add_serve_arguments(parser)
    args = parser.parse_args(
        ["--port", "8123", "--cors-origin", "https://a.example", "--no-load-project"]
    )
    settings = settings_from_args(args)
    assert (settings.port, settings.row_limit, settings.load_project) == (8123, 7, False)
    assert settings.cors_origins == ("https://a.example",)


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (SparqlSyntaxError("x"), 400),
        (ForbiddenOperationError("x"), 400),
        (UnknownGraphError("https://example.org/g"), 400),
        (ParameterError("x"), 400),
        (UnknownQueryError("x"), 404),
        (QueryTimeoutError(1.0), 503),
        (KetenontologieError("x"), 500),
    ],
)
def test_every_error_has_its_status(error: KetenontologieError, status: int) -> None:
    assert status_for(error) == status
    assert error.to_dict()["error"] == error.code
