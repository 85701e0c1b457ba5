"""One database behind one URL: engine creation, SQLite's settings, and migrations (Alembic) under a lock.

`SRM_DATABASE_URL` picks the database: unset, a SQLite file under the data directory (created on first
start, WAL mode); `postgresql://…` for several hosts (the psycopg 3 driver is used whatever the URL names).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection, Engine, make_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
DB_FILE = "srm.sqlite3"
CONNECT_TIMEOUT = 3  # seconds to reach PostgreSQL; a down database must not hold a thread for long
MIGRATION_LOCK = 7_462_001  # pg_advisory_lock key: one process migrates at a time

log = logging.getLogger("srm.store")
logging.getLogger("alembic").setLevel(logging.WARNING)  # its INFO lines are set-up chatter; srm logs the result


def data_dir(env: Mapping[str, str] | None = None) -> Path:
    """$SRM_DATA_DIR, else $XDG_DATA_HOME/srm, else ~/.local/share/srm."""
    env = os.environ if env is None else env
    if env.get("SRM_DATA_DIR", "").strip():
        return Path(env["SRM_DATA_DIR"].strip()).expanduser()
    base = env.get("XDG_DATA_HOME", "").strip() or str(Path.home() / ".local" / "share")
    return Path(base) / "srm"


def database_url(env: Mapping[str, str] | None = None) -> str:
    """SRM_DATABASE_URL; else SRM_EVENT_STORE (deprecated: a SQLite file); else the default SQLite file."""
    env = os.environ if env is None else env
    if env.get("SRM_DATABASE_URL", "").strip():
        return env["SRM_DATABASE_URL"].strip()
    if env.get("SRM_EVENT_STORE", "").strip():
        return f"sqlite:///{Path(env['SRM_EVENT_STORE'].strip()).expanduser()}"
    return f"sqlite:///{data_dir(env) / DB_FILE}"


def normalise(url: str) -> sa.URL:
    """postgres:// and postgresql:// use psycopg 3; a bare path is a SQLite file."""
    if "://" not in url:
        url = f"sqlite:///{Path(url).expanduser()}"
    parsed = make_url(url)
    if parsed.drivername in ("postgres", "postgresql", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def write_lock_path(engine: Engine) -> str | None:
    """The file a SQLite database's writers lock across processes (None: in memory, or not SQLite)."""
    path = (engine.url.database or "") if is_sqlite(engine) else ""
    if not path or path == ":memory:" or path.startswith("file:"):
        return None
    return f"{path}.write-lock"


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout = 10000")
    cur.execute("PRAGMA synchronous = NORMAL")  # WAL + NORMAL survives a killed process
    cur.close()


def create(url: str) -> Engine:
    """An engine for the URL. SQLite: the directory is created and the file put in WAL mode."""
    parsed = normalise(url)
    if parsed.get_backend_name() == "sqlite":
        path = parsed.database or ""
        if path and path != ":memory:" and not path.startswith("file:"):
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # Many threads (HTTP and answer pool) per process; writes take turns on a lock in Python, not here.
        engine = sa.create_engine(parsed, pool_size=16, max_overflow=64, pool_timeout=10,
                                  connect_args={"timeout": 10, "check_same_thread": False})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return sa.create_engine(parsed, pool_size=5, max_overflow=27, pool_timeout=CONNECT_TIMEOUT,
                            pool_pre_ping=True, connect_args={"connect_timeout": CONNECT_TIMEOUT})


@contextlib.contextmanager
def _migrating(engine: Engine) -> Iterator[Connection]:
    """A connection that alone migrates: web workers, the Socket Mode worker and `srm migrate` may start at once.

    SQLite: a file lock, taken before the first connection, so that switching a new file to WAL is done by one
    process too (that switch needs the file to itself and can fail at once with "database is locked", without
    waiting on busy_timeout, when another process opens it at that moment). PostgreSQL: an advisory lock.
    """
    if is_sqlite(engine):
        path = engine.url.database or ""
        on_disk = bool(path) and path != ":memory:" and not path.startswith("file:")
        with open(f"{path}.migrate-lock", "a+") if on_disk else contextlib.nullcontext() as lock:
            if lock is not None:
                fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                with engine.connect() as conn:
                    conn.exec_driver_sql("PRAGMA journal_mode=WAL")
                    yield conn
            finally:
                if lock is not None:
                    fcntl.flock(lock, fcntl.LOCK_UN)
        return
    with engine.connect() as conn:
        conn.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK})
        try:
            yield conn
        finally:
            conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK})


def alembic_config(conn: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    return cfg


def migrate(engine: Engine) -> str | None:
    """Bring the schema to the newest revision (a no-op when it is there already); returns that revision."""
    with _migrating(engine) as conn:
        if conn.in_transaction():
            conn.commit()
        before = current_revision(conn)
        if conn.in_transaction():
            conn.commit()
        command.upgrade(alembic_config(conn), "head")
        conn.commit()
        after = current_revision(conn)
    if after != before:
        log.info("store migrated", extra={"from_revision": before, "to_revision": after,
                                          "database": engine.url.render_as_string(hide_password=True)})
    return after


def current_revision(conn: Connection) -> str | None:
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


class _Pending:
    __slots__ = ("error", "finished", "lead", "params", "result", "statement", "wake")

    def __init__(self, statement: Any, params: dict[str, Any] | None):
        self.statement = statement
        self.params = params
        self.wake = threading.Event()  # set when finished, or when this thread is to lead the next batch
        self.lead = False
        self.finished = False
        self.result: tuple[int, list[Any]] = (0, [])
        self.error: BaseException | None = None


class GroupCommit:
    """SQLite's writes: one transaction for all the threads of a process that want to write at that moment.

    SQLite has one writer at a time. Threads taking turns on a lock, each with its own transaction, formed a
    convoy under load: with 20 concurrent requests a claim waited ~70 ms for the lock to run a 0.5 ms
    statement. Here one writer leads: it runs its own statement and those queued before the batch starts, in
    arrival order, in one transaction, commits once and wakes their threads; the next queued writer then
    leads the next batch (a request thread never runs more than its own batch). Nothing returns before the
    commit that holds it, so a claim is still durable before its ack. If the shared transaction fails, each
    statement runs again on its own, so one caller's error (a locked or unreachable database) is its own.
    """

    MAX_BATCH = 64

    def __init__(self, engine: Callable[[], Engine], lock_path: str | None = None):
        self._engine = engine
        self._lock = threading.Lock()  # guards the queue and the leader flag
        self._queue: list[_Pending] = []
        self._leading = False
        self._lock_path = lock_path
        self._lock_file: Any = None
        self._lock_pid = 0

    @contextlib.contextmanager
    def _between_processes(self) -> Iterator[None]:
        """Writers of other processes (gunicorn's workers) wait on a file lock, which wakes the next one as soon
        as it is released, instead of in SQLite's busy handler, which polls with sleeps of 1, 2, 5, 10… ms: with
        two workers, a claim's median was 17 ms of such sleeps against 0.15 ms of work. Opened per process (a
        lock inherited across fork would be shared, not exclusive); anything else still has busy_timeout."""
        if self._lock_path is None:
            yield
            return
        if self._lock_file is None or self._lock_pid != os.getpid():
            self._lock_file = open(self._lock_path, "a+")  # noqa: SIM115 (kept open for the process's life)
            self._lock_pid = os.getpid()
        fcntl.flock(self._lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)

    def execute(self, statement: Any, params: dict[str, Any] | None = None) -> tuple[int, list[Any]]:
        """(rows changed, rows returned), once committed."""
        mine = _Pending(statement, params)
        with self._lock:
            self._queue.append(mine)
            if not self._leading:
                self._leading = mine.lead = True
        if not mine.lead:
            mine.wake.wait()
        if not mine.finished:  # leading: this thread's statement is first in the queue
            self._lead()
        if mine.error is not None:
            raise mine.error
        return mine.result

    def _lead(self) -> None:
        with self._lock:
            batch, self._queue = self._queue[:self.MAX_BATCH], self._queue[self.MAX_BATCH:]
        try:
            self._run(batch)
        finally:
            with self._lock:
                following = self._queue[0] if self._queue else None
                if following is None:
                    self._leading = False
                else:
                    following.lead = True
            for p in batch:
                p.finished = True
                p.wake.set()
            if following is not None:
                following.wake.set()

    def _run(self, batch: list[_Pending]) -> None:
        try:
            with self._between_processes(), self._engine().begin() as conn:
                results = [execute(conn, p.statement, p.params) for p in batch]
        except BaseException as exc:  # the transaction rolled back: one at a time, each with its own error
            if len(batch) == 1:
                batch[0].error = exc
                return
            for p in batch:
                self._run([p])
            return
        for p, result in zip(batch, results, strict=True):
            p.result = result


def execute(conn: Connection, statement: Any, params: dict[str, Any] | None = None) -> tuple[int, list[Any]]:
    """Run one statement: (rows changed, rows returned)."""
    result = conn.execute(statement, params)
    rows = list(result.all()) if result.returns_rows else []
    return result.rowcount, rows
