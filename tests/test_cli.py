"""The command line, in-process through ``main([...])`` and once as a real subprocess."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

import ketenontologie.cli
from ketenontologie import __version__
from ketenontologie.cli import build_parser, main

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TERMS = FIXTURES / "summary" / "terms.ttl"
CHAINS = FIXTURES / "summary" / "chains.ttl"
BROKEN = FIXTURES / "loading" / "broken" / "missing-dot.ttl"


@pytest.fixture
def fixture_context(monkeypatch: pytest.MonkeyPatch) -> None:
    """Use the fixture terms as the ontology context, so these tests do not depend on ontology/."""
    monkeypatch.setattr(ketenontologie.cli, "ontology_files", lambda: [TERMS])


# --- in-process --------------------------------------------------------------------------------


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"ketenontologie {__version__}\n"


def test_help_lists_the_subcommands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "usage: ketenontologie" in out
    assert "summary" in out


def _subparser(parser: argparse.ArgumentParser, command: str) -> argparse.ArgumentParser:
    (subcommands,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return subcommands.choices[command]


@pytest.mark.parametrize("command", list(ketenontologie.cli._SUBCOMMANDS))
def test_a_command_alone_parses_as_in_the_whole_parser(command: str) -> None:
    """``main`` builds only the command it runs: its help, usage and defaults are the same as
    in the parser with every command."""
    whole, alone = build_parser(), build_parser(command)
    assert _subparser(alone, command).format_help() == _subparser(whole, command).format_help()
    assert list(_subparser(alone, command)._defaults) == list(_subparser(whole, command)._defaults)


def test_an_unknown_command_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["valideer", "x.ttl"]) == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'valideer'" in err
    assert all(f"'{command}'" in err for command in ketenontologie.cli._SUBCOMMANDS)


def test_no_subcommand_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "required: COMMAND" in capsys.readouterr().err


@pytest.mark.usefixtures("fixture_context")
def test_summary_of_a_fixture_design(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summary", str(CHAINS), "--lang", "en"]) == 0
    captured = capsys.readouterr()
    assert "Test chain\n══════════" in captured.out
    assert "  • Test chain manager — with overriding power" in captured.out
    assert "↺ cycle" in captured.out
    assert captured.err == ""


@pytest.mark.usefixtures("fixture_context")
def test_summary_of_a_directory_in_dutch(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summary", str(FIXTURES / "summary")]) == 0
    assert "Ketenpartners (3)" in capsys.readouterr().out


@pytest.mark.usefixtures("fixture_context")
def test_broken_file_exits_2_with_position(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summary", str(BROKEN)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"ketenontologie: error: {BROKEN}:6:1: A dot is expected")
    assert "Traceback" not in captured.err


@pytest.mark.usefixtures("fixture_context")
def test_missing_file_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summary", "no-such-design.ttl"]) == 2
    assert "no-such-design.ttl: no such file or directory" in capsys.readouterr().err


@pytest.mark.usefixtures("fixture_context")
def test_explicit_format(capsys: pytest.CaptureFixture[str]) -> None:
    text_file = FIXTURES / "loading" / "tree" / "sub" / "c.txt"
    assert main(["summary", str(text_file)]) == 2
    assert "cannot tell the RDF format" in capsys.readouterr().err
    assert main(["summary", str(text_file), "--format", "n-triples"]) == 0


def test_missing_ontology_is_a_warning_not_an_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def no_ontology() -> list[Path]:
        raise ketenontologie.InputNotFoundError("ontology", problem="missing", hint="Reinstall")

    monkeypatch.setattr(ketenontologie.cli, "ontology_files", no_ontology)
    assert main(["summary", str(TERMS), str(CHAINS)]) == 0
    captured = capsys.readouterr()
    assert "Proefketen" in captured.out
    assert "warning: ontology: missing" in captured.err


# --- a real process ----------------------------------------------------------------------------


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "100"}
    return subprocess.run(
        [sys.executable, "-m", "ketenontologie", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        check=False,
    )


def test_subprocess_version_and_help() -> None:
    version = _run("--version")
    assert (version.returncode, version.stdout) == (0, f"ketenontologie {__version__}\n")
    help_ = _run("--help")
    assert help_.returncode == 0
    assert "summary" in help_.stdout


def test_console_script_version() -> None:
    script = Path(sys.executable).with_name("ketenontologie")
    if not script.exists():
        pytest.skip("console script not installed next to this Python")
    result = subprocess.run(
        [str(script), "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    assert (result.returncode, result.stdout) == (0, f"ketenontologie {__version__}\n")


def test_subprocess_summary_of_a_fixture_design() -> None:
    # The real ontology (if present) is loaded as context; the fixture terms agree with it.
    result = _run("summary", str(TERMS), str(CHAINS), "--lang", "nl")
    assert result.returncode == 0, result.stderr
    assert "Proefketen\n══════════" in result.stdout
    assert "Dienst Oost" in result.stdout
    assert "Traceback" not in result.stderr


def test_subprocess_broken_file_exits_2() -> None:
    result = _run("summary", str(BROKEN))
    assert result.returncode == 2
    assert f"{BROKEN}:6:1: A dot is expected" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["summary", str(TERMS), str(CHAINS)],
        ["queries"],
        ["reason", str(CHAINS)],
        ["template", "--format", "yaml"],
    ],
    ids=lambda args: args[0],
)
def test_a_closed_pipe_ends_every_command_quietly(args: list[str]) -> None:
    """`ketenontologie … | head -1` prints no traceback: the command stops with exit code 1
    (``validate`` keeps its verdict, see test_cli_validate.py)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "ketenontologie", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader is gone before the first line is written
    err = process.stderr.read()
    assert (process.wait(timeout=120), err) == (1, "")
