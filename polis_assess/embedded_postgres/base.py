"""Database backend that starts an embedded PostgreSQL (pgserver) on first connection, and again
whenever it finds the server stopped: every new connection checks, in every process.

Only the embedded path does this. With DATABASE_URL, settings choose Django's own backend, which
never starts a server.
"""

from __future__ import annotations

import os
import pwd
import subprocess
import tempfile
import threading
import warnings
from pathlib import Path
from typing import Any

import psycopg2
from django.db.backends.base.creation import TEST_DATABASE_PREFIX
from django.db.backends.postgresql import base

_lock = threading.Lock()
_servers: dict[str, Any] = {}
_databases: set[tuple[str, str]] = set()


def ensure_server(pgdata: Path) -> Any:
    """Start (or reuse) the server whose data lives in ``pgdata``."""
    key = str(pgdata)
    with _lock:
        if key not in _servers:
            pgdata.mkdir(parents=True, exist_ok=True)
            with warnings.catch_warnings():
                # platformdirs warns about a missing XDG_RUNTIME_DIR on servers; harmless here.
                warnings.simplefilter("ignore", UserWarning)
                import pgserver  # imported lazily: only the embedded path needs it

                # cleanup_mode=None: the server outlives this process; the next command reuses it.
                _servers[key] = pgserver.get_server(pgdata, cleanup_mode=None)
    return _servers[key]


def running_socket_dir(server: Any) -> Path:
    """The socket directory of the running server, started again first if it was stopped.

    Read from ``postmaster.pid`` on every call rather than remembered: the server may have been
    stopped and started by another process since. A failed start is a database error (Django
    reports it as ``OperationalError``), so the health check answers 503 rather than 500.
    """
    from pgserver.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(server.pgdata)
    if info is None or not info.is_running() or info.status != "ready":
        try:
            # One thread here, and pgserver's own lock across processes: one of them starts the
            # server, the others then find it running.
            with _lock, server._lock:
                server.ensure_postgres_running()
        except (subprocess.SubprocessError, OSError, AssertionError) as error:
            raise psycopg2.OperationalError(
                f"the embedded PostgreSQL did not start: {error}"
            ) from error
        info = server.get_postmaster_info()
    return Path(info.socket_dir)


def stop_server(pgdata: Path) -> bool:
    """Stop the embedded server whose data lives in ``pgdata`` (fast shutdown: open sessions
    are ended, nothing is lost); False if it was not running. The next connection starts it
    again, as after a crash."""
    from pgserver.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(pgdata)
    if info is None or not info.is_running():
        return False
    import pgserver

    pg_ctl = Path(pgserver.__file__).parent / "pginstall" / "bin" / "pg_ctl"
    # pg_ctl as the server's own user: pgserver runs PostgreSQL as "pgserver" under root.
    owner = pwd.getpwuid(pgdata.stat().st_uid).pw_name
    user = owner if pgdata.stat().st_uid != os.getuid() else None
    # Output to a file, not a pipe: a pipe inherited by the server would be held open.
    with tempfile.TemporaryFile() as output:
        subprocess.run(  # noqa: S603  pgserver's own pg_ctl and our data folder, no user input
            [str(pg_ctl), "-D", str(pgdata), "-w", "-m", "fast", "stop"],
            stdout=output,
            stderr=output,
            user=user,
            check=True,
            timeout=60,
        )
    return True


def ensure_database(server: Any, pgdata: Path, name: str) -> None:
    """Create the named database on first use, as a fresh machine has none."""
    if name == "postgres" or (str(pgdata), name) in _databases:
        return
    with _lock:
        found = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{_literal(name)}';")  # noqa: S608  _literal admits only letters, digits, underscores
        if "(1 row)" not in found:
            server.psql(f'CREATE DATABASE "{_identifier(name)}";')
        _databases.add((str(pgdata), name))


def _identifier(name: str) -> str:
    if not name.replace("_", "").isalnum():
        raise ValueError(f"unsupported database name {name!r}")
    return name


def _literal(name: str) -> str:
    return _identifier(name)


class DatabaseWrapper(base.DatabaseWrapper):
    """PostgreSQL backend whose host is the embedded server's Unix socket."""

    def get_connection_params(self) -> dict[str, Any]:
        options = self.settings_dict.get("OPTIONS", {})
        pgdata = Path(options["pgdata"])
        server = ensure_server(pgdata)
        original = self.settings_dict
        self.settings_dict = {
            **original,
            "HOST": str(running_socket_dir(server)),
            "OPTIONS": {k: v for k, v in options.items() if k not in {"pgdata", "create_db"}},
        }
        try:
            params = super().get_connection_params()
        finally:
            self.settings_dict = original
        if options.get("create_db", True) and not self._is_test_database(params["dbname"]):
            ensure_database(server, pgdata, params["dbname"])
        return params

    def _is_test_database(self, name: str) -> bool:
        # The test runner creates (and drops) its own databases; creating one here would clash.
        return name.startswith(TEST_DATABASE_PREFIX)
