"""Regression (issue 16): the command line ran a 762-byte RDF/XML entity bomb for 26-34 s and
5 GB before it aborted (the service refused DOCTYPEs, the command line did not), and a file name
with a line break could start a GitHub workflow command of its own on the error line."""

from __future__ import annotations

import re
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, Server, cli

BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY l0 "lol">
 <!ENTITY l1 "&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;">
 <!ENTITY l2 "&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;">
 <!ENTITY l3 "&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;">
 <!ENTITY l4 "&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;">
 <!ENTITY l5 "&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;">
 <!ENTITY l6 "&l5;&l5;&l5;&l5;&l5;&l5;&l5;&l5;&l5;&l5;">
 <!ENTITY l7 "&l6;&l6;&l6;&l6;&l6;&l6;&l6;&l6;&l6;&l6;">
 <!ENTITY l8 "&l7;&l7;&l7;&l7;&l7;&l7;&l7;&l7;&l7;&l7;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="https://example.org/">
<rdf:Description rdf:about="https://example.org/a"><ex:p>&l8;</ex:p></rdf:Description>
</rdf:RDF>
"""
"""About 800 bytes that expand to 300 MB of text, and more in the parser."""

INJECTED = "::error::injected"
NEWLINE_NAME = f"ontwerp\n{INJECTED}.ttl"
OWN_COMMAND = re.compile(
    r"^(::(error|warning|notice) file=[^\n:]*,line=\d+(,col=\d+)?,title=[^\n:]*::"
    r"|::group::|::endgroup::)"
)
"""The only workflow commands the tool writes: one per result or per unusable file, with its
properties escaped, and a group per chain."""


def capped(*args: str) -> subprocess.CompletedProcess[str]:
    """``ketenontologie ARGS`` with its memory capped at 2 GB, so a bomb cannot take the box."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))

    return subprocess.run(
        [sys.executable, "-m", "ketenontologie", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        preexec_fn=cap,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
    )


def test_an_entity_bomb_makes_the_cli_exit_2_at_once(tmp_path: Path) -> None:
    """``validate`` on an RDF/XML entity bomb: exit 2 within seconds, saying what to change."""
    bomb = tmp_path / "bom.rdf"
    bomb.write_text(BOMB)
    assert len(BOMB) < 1000
    started = time.monotonic()
    done = capped("validate", str(bomb))
    seconds = time.monotonic() - started
    assert done.returncode == 2, (done.returncode, done.stderr[-2000:])
    assert "DOCTYPE" in done.stderr, done.stderr[-2000:]
    assert seconds < 10, f"{seconds:.1f} s"


def test_an_entity_bomb_to_validate_is_refused(attacked: Server) -> None:
    """The same bomb posted to /validate: 400, and the service still answers."""
    with attacked.client() as client:
        answer = client.post(
            "/validate", content=BOMB, headers={"Content-Type": "application/rdf+xml"}
        )
    assert answer.status_code == 400, answer.text
    attacked.answers()


def commands_in(done: subprocess.CompletedProcess[str]) -> list[str]:
    """Every line of stdout and stderr that a CI log would read as a workflow command."""
    return [
        line
        for line in (done.stdout + "\n" + done.stderr).splitlines()
        if line.lstrip().startswith("::")
    ]


@pytest.mark.parametrize("output", ["github", "text"])
@pytest.mark.parametrize(
    "content",
    [
        "<https://example.org/a> <https://example.org/p> .\n",
        (ROOT / "tests" / "designs" / "invalid" / "KS-R06-escalatiekring.ttl").read_text(),
    ],
    ids=["syntax-error", "finding"],
)
def test_a_file_name_with_a_line_break_cannot_inject_a_workflow_command(
    tmp_path: Path, output: str, content: str
) -> None:
    """A design named ``…\\n::error::…``: no line of any output starts a command of its own."""
    design = tmp_path / NEWLINE_NAME
    design.write_text(content)
    for target in (design, tmp_path):
        done = cli("validate", "--format", output, str(target))
        assert done.returncode in (1, 2), (done.returncode, done.stderr[-2000:])
        assert done.stdout or done.stderr
        for line in commands_in(done):
            assert OWN_COMMAND.match(line), f"a command the tool did not mean: {line!r}"
            assert not line.startswith(INJECTED)
        if "finding" in content or "KS-R06" in content:
            assert done.returncode == 1
            if output == "github":
                assert commands_in(done), "the finding is reported as a workflow command"
