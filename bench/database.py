"""Drop and create the benchmark's databases on whichever PostgreSQL the settings point at."""

from __future__ import annotations

import re
from typing import Any

import psycopg2
from django.db import connections

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def _quoted(name: str) -> str:
    if not _NAME.match(name):
        raise ValueError(f"unsupported database name {name!r}")
    return f'"{name}"'


def _maintenance_cursor() -> Any:
    """A cursor on the server's `postgres` database (CREATE/DROP DATABASE cannot run elsewhere).

    Plain psycopg2, not a Django connection: django.contrib.postgres would open the default
    database's connection too, creating that database on the embedded server.
    """
    connection = psycopg2.connect(**connection_params(name="postgres"))
    connection.autocommit = True
    return connection.cursor()


def database_drop(*, name: str) -> None:
    with _maintenance_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {_quoted(name)} WITH (FORCE)")


def database_create(*, name: str, template: str | None = None) -> None:
    """Create ``name`` empty, or as a copy of ``template`` (much faster than migrating again)."""
    sql = f"CREATE DATABASE {_quoted(name)}"
    if template:
        sql += f" TEMPLATE {_quoted(template)}"
    with _maintenance_cursor() as cursor:
        cursor.execute(sql)


def database_vacuum(*, name: str) -> None:
    """VACUUM (ANALYZE) a freshly seeded database, as autovacuum would soon after a bulk load.

    Without it the planner works from no statistics on tables just filled (and the visibility
    map is empty), so the first minutes after seeding measure plans no live database would use.
    """
    connection = psycopg2.connect(**connection_params(name=name))
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    finally:
        connection.close()


def connection_params(*, name: str) -> dict[str, str]:
    """How another program reaches database ``name`` on the same server (libpq keywords)."""
    wrapper = connections.create_connection("default")
    wrapper.settings_dict = {**wrapper.settings_dict, "NAME": name}
    params = wrapper.get_connection_params()
    return {
        key: str(params[key])
        for key in ("dbname", "user", "password", "host", "port")
        if params.get(key) not in (None, "")
    }
