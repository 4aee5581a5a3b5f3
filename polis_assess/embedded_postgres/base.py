"""Database backend that starts an embedded PostgreSQL (pgserver) on first connection."""

from __future__ import annotations

import threading
import warnings
from pathlib import Path
from typing import Any

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
            "HOST": str(server.get_postmaster_info().socket_dir),
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
