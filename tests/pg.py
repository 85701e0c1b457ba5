"""A throwaway PostgreSQL server for the tests: initdb + pg_ctl in a temporary directory, on a free loopback
port, stopped at the end of the session. Debian's `postgresql` package provides the binaries (.ci/run
installs it). Where they are missing the PostgreSQL tests skip with one line — except on CI (CI=true),
where they fail: CI must run them."""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa


def _bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb and shutil.which("pg_ctl") else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    bindir: Path
    datadir: Path
    port: int
    user: str | None  # the OS user the server runs as (postgres, when the tests run as root)

    @property
    def url(self) -> str:
        return f"postgresql://srm@127.0.0.1:{self.port}/postgres"

    def run(self, *args: str) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.datadir} -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300")
        self.run("initdb", "-D", str(self.datadir), "-U", "srm", "-A", "trust", "-E", "UTF8", "--no-sync")
        self.run("pg_ctl", "-D", str(self.datadir), "-o", options, "-l", str(self.datadir / "server.log"),
                 "-w", "-t", "60", "start")

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.run("pg_ctl", "-D", str(self.datadir), "-m", "immediate", "-w", "stop")

    def new_database(self) -> str:
        """A fresh, empty database on this server: one per test, so tests never see each other's rows."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        engine = sa.create_engine(self.url.replace("postgresql://", "postgresql+psycopg://"),
                                  isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
        engine.dispose()
        return self.url.rsplit("/", 1)[0] + f"/{name}"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"PostgreSQL is required on CI: {reason}")
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


@pytest.fixture(scope="session")
def postgres() -> Iterator[Server]:
    bindir = _bindir()
    if bindir is None:
        _unavailable("no initdb/pg_ctl (Debian: apt-get install postgresql)")
    user = None
    if os.geteuid() == 0:  # initdb refuses to run as root
        try:
            user = pwd.getpwnam("postgres").pw_name
        except KeyError:
            _unavailable("running as root and there is no 'postgres' user to run the server as")
    home = Path(tempfile.mkdtemp(prefix="srm-pg-"))  # pytest's tmp dirs are 0700 root: the server needs its own
    datadir = home / "data"
    datadir.mkdir()
    if user:
        os.chmod(home, 0o755)
        shutil.chown(datadir, user, user)
    server = Server(bindir, datadir, _free_port(), user)  # type: ignore[arg-type]
    try:
        server.start()
    except (subprocess.SubprocessError, OSError) as exc:
        log = datadir / "server.log"
        detail = log.read_text()[-300:] if log.exists() else str(exc)
        shutil.rmtree(home, ignore_errors=True)
        _unavailable(f"the server did not start ({' '.join(detail.split())[:300]})")
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(home, ignore_errors=True)
