"""The bench counts SQL statements, not the transaction control around them."""

from __future__ import annotations

from bench.pages import _statements


def test_begin_commit_and_savepoints_are_not_counted_as_queries():
    captured = [
        {"sql": 'SELECT "django_session"."session_key" FROM "django_session"'},
        {"sql": "BEGIN"},
        {"sql": 'SAVEPOINT "s1_x1"'},
        {"sql": 'UPDATE "surveys_response" SET "version" = 2'},
        {"sql": 'RELEASE SAVEPOINT "s1_x1"'},
        {"sql": "COMMIT"},
    ]

    assert _statements(captured) == 2
