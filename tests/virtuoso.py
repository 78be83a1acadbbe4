"""A throwaway Virtuoso for the tests and benchmarks: own database directory, loopback ports.

Debian's ``virtuoso-opensource-7-bin`` (in bookworm) provides ``virtuoso-t`` and ``isql-vt``.
:func:`start_virtuoso` writes a ``virtuoso.ini`` into an empty directory (HTTP and SQL ports on
127.0.0.1, ``DirsAllowed`` limited to that directory, no demo data), starts ``virtuoso-t`` in
the foreground as a child process with a fresh random ``dba`` password, creates a user with
the ``SPARQL_UPDATE`` role for the tests (as a deployment would) and waits until ``/sparql``
answers. :meth:`Virtuoso.stop` shuts it down; :meth:`Virtuoso.kill` sends SIGKILL (for the
crash tests) and :meth:`Virtuoso.start` starts it again on the same database.

>>> server = start_virtuoso(tmp_path)  # doctest: +SKIP
>>> server.store_url  # doctest: +SKIP
'sparql+http://127.0.0.1:41234/sparql'
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

__all__ = ["USER", "Virtuoso", "VirtuosoUnavailableError", "find_virtuoso", "start_virtuoso"]

USER = "ketenontologie"
"""The SPARQL user the tests write as (``SPARQL_UPDATE`` role, not ``dba``)."""

INI = """\
; Written by tests/virtuoso.py for one test session: loopback only, thrown away afterwards.
[Database]
DatabaseFile       = {root}/virtuoso.db
ErrorLogFile       = {root}/virtuoso.log
LockFile           = {root}/virtuoso.lck
TransactionFile    = {root}/virtuoso.trx
xa_persistent_file = {root}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {root}/virtuoso-temp.db
TransactionFile    = {root}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort               = 127.0.0.1:{sql_port}
DirsAllowed              = {root}
NumberOfBuffers          = {buffers}
MaxDirtyBuffers          = {dirty_buffers}
CheckpointInterval       = 60
ServerThreads            = 20
MaxQueryMem              = 512M
TransactionAfterImageLimit = 500000000

[HTTPServer]
ServerPort               = 127.0.0.1:{http_port}
ServerRoot               = {root}
ServerThreads            = 20
MaxClientConnections     = 20
MaxKeepAlives            = 20
KeepAliveTimeout         = 10
EnabledDavVSP            = 0

[SPARQL]
ResultSetMaxRows           = 10000
MaxQueryExecutionTime      = 600
MaxQueryCostEstimationTime = 0
DefaultGraph               =
"""


class VirtuosoUnavailableError(RuntimeError):
    """Virtuoso is not installed or did not start; the message says how to get it."""


def find_virtuoso() -> tuple[str, str]:
    """The paths of ``virtuoso-t`` and ``isql-vt``; raises when they are not installed."""
    server = shutil.which("virtuoso-t")
    isql = shutil.which("isql-vt") or shutil.which("isql")
    if server is None or isql is None:
        raise VirtuosoUnavailableError(
            "virtuoso-t and isql-vt are not installed. Install them with "
            "'apt-get install -y virtuoso-opensource-7-bin' (Debian bookworm) and run the "
            "tests again."
        )
    return server, isql


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Virtuoso:
    """A Virtuoso server in ``root`` on loopback ports, started by :func:`start_virtuoso`."""

    root: Path
    http_port: int
    sql_port: int
    dba_password: str
    password: str
    buffers: int = 20_000
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        """The plain SPARQL endpoint (queries)."""
        return f"http://127.0.0.1:{self.http_port}/sparql"

    @property
    def store_url(self) -> str:
        """The ``KETENONTOLOGIE_STORE`` value for this server."""
        return f"sparql+{self.url}"

    def env(self) -> dict[str, str]:
        """The service's environment for this server (store URL, user, password)."""
        return {
            "KETENONTOLOGIE_STORE": self.store_url,
            "KETENONTOLOGIE_STORE_USER": USER,
            "KETENONTOLOGIE_STORE_PASSWORD": self.password,
        }

    @property
    def pid(self) -> int | None:
        return None if self.process is None else self.process.pid

    def rss_bytes(self) -> int:
        """The resident memory of the server process (from /proc), 0 when not running."""
        if self.process is None:
            return 0
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        return 0

    # --- life cycle ----------------------------------------------------------------------------

    def start(self, *, timeout: float = 120) -> None:
        """Start ``virtuoso-t`` on the database in ``root`` and wait until it answers."""
        server, _ = find_virtuoso()
        ini = self.root / "virtuoso.ini"
        ini.write_text(
            INI.format(
                root=self.root,
                sql_port=self.sql_port,
                http_port=self.http_port,
                buffers=self.buffers,
                dirty_buffers=self.buffers * 3 // 4,
            )
        )
        first = not (self.root / "virtuoso.db").exists()
        command = [server, "+foreground", "+configfile", str(ini)]
        with (self.root / "stdout.log").open("ab") as out:
            self.process = subprocess.Popen(
                command, cwd=self.root, stdout=out, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise VirtuosoUnavailableError(
                    f"virtuoso-t stopped at start-up:\n{self.log_tail()}"
                )
            with contextlib.suppress(httpx.HTTPError):
                answer = httpx.get(self.url, params={"query": "ASK {}"}, timeout=2)
                if answer.status_code == 200:
                    break
            time.sleep(0.2)
        else:
            self.kill()
            raise VirtuosoUnavailableError(f"virtuoso-t did not start in time:\n{self.log_tail()}")
        if first:
            # A new database has dba/dba: change that first, then add the SPARQL user.
            self.sql(
                f"USER_CHANGE_PASSWORD('dba', 'dba', '{self.dba_password}');",
                password="dba",
            )
            self.sql(
                f"DB.DBA.USER_CREATE('{USER}', '{self.password}');",
                f'GRANT SPARQL_UPDATE TO "{USER}";',
                f"DB.DBA.RDF_DEFAULT_USER_PERMS_SET('{USER}', 15);",
            )

    def sql(self, *statements: str, timeout: float = 600, password: str | None = None) -> str:
        """Run SQL statements as ``dba`` with ``isql-vt``; returns its output."""
        _, isql = find_virtuoso()
        script = "\n".join(statements) + "\n"
        done = subprocess.run(
            [
                isql,
                f"127.0.0.1:{self.sql_port}",
                "dba",
                password or self.dba_password,
                "VERBOSE=OFF",
            ],
            input=script.encode(),
            capture_output=True,
            timeout=timeout,
            check=False,
        )
        output = done.stdout.decode(errors="replace") + done.stderr.decode(errors="replace")
        if done.returncode != 0 or "*** Error" in output:
            raise VirtuosoUnavailableError(f"isql failed:\n{script}\n{output}")
        return output

    def stop(self) -> None:
        """Shut the server down cleanly (SIGTERM; SIGKILL after 60 s)."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def kill(self) -> None:
        """SIGKILL the server, as a crash would (the database stays for a restart)."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None
        # A killed server leaves its lock file behind.
        with contextlib.suppress(FileNotFoundError):
            (self.root / "virtuoso.lck").unlink()

    def log_tail(self, lines: int = 30) -> str:
        text = ""
        for name in ("virtuoso.log", "stdout.log"):
            with contextlib.suppress(OSError):
                text += (self.root / name).read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])


def start_virtuoso(root: Path, *, buffers: int = 20_000) -> Virtuoso:
    """A fresh Virtuoso with its database in ``root`` (created), on free loopback ports."""
    root.mkdir(parents=True, exist_ok=True)
    server = Virtuoso(
        root=root.resolve(),
        http_port=_free_port(),
        sql_port=_free_port(),
        dba_password=secrets.token_hex(12),
        password=secrets.token_hex(12),
        buffers=buffers,
    )
    server.start()
    return server


def must_have_virtuoso() -> bool:
    """True under ``CI=true``: there a missing or broken Virtuoso fails the tests."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")
