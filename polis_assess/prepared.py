"""Server-side prepared statements for the few queries that every signed-in request makes.

PostgreSQL plans each statement it receives; for the session, user and response reads and the
save statement, planning took as long as running them (0.2-0.4 ms each, on the same cores as
the app). A statement prepared once per connection is planned once. Written with psycopg2's
`%s` or `%(name)s` placeholders like any other SQL here; they become `$n` for PREPARE.

Not for a connection pooler in transaction mode (PgBouncer's default), which hands a session's
statements to other server connections: docs/deploy.md says how to turn this off.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.backends.utils import CursorWrapper

_PLACEHOLDER = re.compile(r"%\((\w+)\)s|%s")


@dataclass(frozen=True)
class Prepared:
    """A statement with its name on the server, its `$n` text and its parameters' order."""

    name: str
    sql: str  # as written, with psycopg2's placeholders
    text: str  # with $n placeholders, for PREPARE
    names: tuple[str, ...]  # for %(name)s placeholders; empty for %s ones
    count: int

    @classmethod
    def of(cls, name: str, sql: str) -> Prepared:
        names: list[str] = []
        positions = iter(range(1, 1000))

        def number(match: re.Match[str]) -> str:
            if match.group(1) is None:
                return f"${next(positions)}"
            if match.group(1) not in names:
                names.append(match.group(1))
            return f"${names.index(match.group(1)) + 1}"

        text = _PLACEHOLDER.sub(number, sql)
        count = len(names) or next(positions) - 1
        return cls(name=name, sql=sql, text=text, names=tuple(names), count=count)

    def execute(self, cursor: CursorWrapper, params: Sequence[Any] | Mapping[str, Any]) -> None:
        """Run the statement on ``cursor``, preparing it first on a connection that lacks it."""
        if not settings.POLIS_PREPARED_STATEMENTS:
            cursor.execute(self.sql, params)
            return
        values = [params[name] for name in self.names] if isinstance(params, Mapping) else params
        prepared = _prepared_on_this_connection()
        if self.name not in prepared:
            cursor.execute(f"PREPARE {self.name} AS {self.text}")
            prepared.add(self.name)
        placeholders = ", ".join(["%s"] * self.count)
        cursor.execute(f"EXECUTE {self.name}({placeholders})", values)


def _prepared_on_this_connection() -> set[str]:
    """The names prepared on the current server connection; empty again after a reconnect."""
    raw = connection.connection
    kept: tuple[object, set[str]] | None = getattr(connection, "_polis_prepared", None)
    if kept is None or kept[0] is not raw:
        kept = (raw, set())
        connection._polis_prepared = kept  # type: ignore[attr-defined]
    return kept[1]
