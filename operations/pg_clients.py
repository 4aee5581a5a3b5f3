"""PostgreSQL's client programs (pg_dump, pg_restore, createdb, ...) run against the app database."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import connections
from psycopg2.extensions import make_dsn

# Connection parameters that are Python-side only and mean nothing to libpq.
_NOT_LIBPQ = {"cursor_factory", "client_encoding", "password"}
# createdb and dropdb name the database they create or drop on their command line, and take the
# database they connect to (and a connection string for it) through this option instead.
_CONNECTION_OPTION = {"createdb": "--maintenance-db", "dropdb": "--maintenance-db"}
# The database every PostgreSQL server has, for commands that act on another one.
MAINTENANCE_DATABASE = "postgres"


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
    option = _CONNECTION_OPTION.get(name, "--dbname")
    with dsn_for(params, dbname=dbname) as dsn:
        # A fixed program from pgserver's folder and arguments as a list: no shell is involved.
        completed = subprocess.run(  # noqa: S603  program() is pgserver's, never user input
            [str(program(name)), *args, f"{option}={dsn}"],
            capture_output=True,
            text=True,
            check=True,
        )
    return completed.stdout


def database_names(params: dict[str, Any]) -> set[str]:
    """The names of the databases on the server of ``params``."""
    # Records end in a zero byte: a database's access privileges may span several lines.
    listing = run(
        "psql",
        "--list",
        "--tuples-only",
        "--no-align",
        "--field-separator=\t",
        "--record-separator-zero",
        params=params,
        dbname=MAINTENANCE_DATABASE,
    )
    return {record.split("\t", 1)[0] for record in listing.split("\0") if record.strip()}


def database_create(params: dict[str, Any], name: str) -> bool:
    """Create the database on the same server if it does not exist; True if it was created."""
    if name in database_names(params):
        return False
    run("createdb", name, params=params, dbname=MAINTENANCE_DATABASE)
    return True


def database_drop(params: dict[str, Any], name: str) -> None:
    """Drop a database on the same server if it exists, ending its sessions first."""
    run("dropdb", "--if-exists", "--force", name, params=params, dbname=MAINTENANCE_DATABASE)
