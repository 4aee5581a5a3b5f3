"""PostgreSQL's client programs (pg_dump, pg_restore) run against the configured database."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg2
from django.db import connections
from psycopg2 import sql
from psycopg2.extensions import make_dsn

# Connection parameters that are Python-side only and mean nothing to libpq.
_NOT_LIBPQ = {"cursor_factory", "client_encoding", "password"}


def program(name: str) -> Path:
    """A client program bundled with pgserver (PostgreSQL 16), so no system install is needed."""
    import pgserver  # imported lazily, as in the embedded backend

    return Path(pgserver.__file__).parent / "pginstall" / "bin" / name


def connection_params(alias: str = "default") -> dict[str, Any]:
    """libpq parameters of a Django database (the embedded server's socket included)."""
    return connections[alias].get_connection_params()


@contextmanager
def dsn_for(params: dict[str, Any], *, dbname: str | None = None) -> Iterator[str]:
    """A connection string for the client programs; a password goes to a private passfile,
    never onto the command line where other local users could read it."""
    values = {k: v for k, v in params.items() if k not in _NOT_LIBPQ and v not in (None, "")}
    if dbname is not None:
        values["dbname"] = dbname
    password = params.get("password")
    if not password:
        yield make_dsn(**values)
        return
    with tempfile.NamedTemporaryFile("w", prefix="pgpass-", suffix=".conf") as passfile:
        escaped = str(password).replace("\\", "\\\\").replace(":", "\\:")
        passfile.write(f"*:*:*:*:{escaped}\n")
        passfile.flush()
        yield make_dsn(**values, passfile=passfile.name)


def run(name: str, *args: str, params: dict[str, Any], dbname: str | None = None) -> str:
    """Run a client program against the database; its stdout, or CalledProcessError."""
    with dsn_for(params, dbname=dbname) as dsn:
        completed = subprocess.run(
            [str(program(name)), *args, f"--dbname={dsn}"],
            capture_output=True,
            text=True,
            check=True,
        )
    return completed.stdout


def database_create(params: dict[str, Any], name: str) -> bool:
    """Create the database on the same server if it does not exist; True if it was created."""
    connection = psycopg2.connect(**{**_libpq(params), "dbname": "postgres"})
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is not None:
                return False
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            return True
    finally:
        connection.close()


def database_drop(params: dict[str, Any], name: str) -> None:
    """Drop a database on the same server, closing its sessions first."""
    connection = psycopg2.connect(**{**_libpq(params), "dbname": "postgres"})
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
    finally:
        connection.close()


def _libpq(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if k not in {"cursor_factory", "client_encoding"}}
