"""Prepared statements: planned once per connection, prepared again after a reconnect."""

from __future__ import annotations

import uuid

from django.db import connection

from polis_assess.prepared import Prepared

ANSWER = Prepared.of("polis_test_answer", "SELECT %(a)s::int + %(b)s::int, %(a)s::int")


def test_placeholders_become_numbered_parameters_in_order_of_first_use():
    positional = Prepared.of("polis_test_positional", "SELECT %s::int WHERE %s::int > 0")

    assert ANSWER.text == "SELECT $1::int + $2::int, $1::int"
    assert (ANSWER.names, ANSWER.count) == (("a", "b"), 2)
    assert positional.text == "SELECT $1::int WHERE $2::int > 0"
    assert (positional.names, positional.count) == ((), 2)


def test_a_statement_is_prepared_once_per_connection(db, django_assert_num_queries):
    fresh = Prepared.of(f"polis_test_{uuid.uuid4().hex}", ANSWER.sql)

    with django_assert_num_queries(3) as queries, connection.cursor() as cursor:
        fresh.execute(cursor, {"a": 40, "b": 2})
        assert cursor.fetchone() == (42, 40)
        fresh.execute(cursor, {"b": 1, "a": 1})
        assert cursor.fetchone() == (2, 1)
    assert [q["sql"].split()[0] for q in queries.captured_queries] == [
        "PREPARE",
        "EXECUTE",
        "EXECUTE",
    ]


def test_a_statement_is_prepared_again_on_a_new_connection(transactional_db):
    with connection.cursor() as cursor:
        ANSWER.execute(cursor, {"a": 1, "b": 2})
        assert cursor.fetchone() == (3, 1)
    connection.close()  # the next cursor opens a new server connection, with nothing prepared

    with connection.cursor() as cursor:
        ANSWER.execute(cursor, {"a": 3, "b": 4})
        assert cursor.fetchone() == (7, 3)


def test_without_prepared_statements_the_sql_runs_as_written(
    db, settings, django_assert_num_queries
):
    settings.POLIS_PREPARED_STATEMENTS = False

    with django_assert_num_queries(1) as queries, connection.cursor() as cursor:
        ANSWER.execute(cursor, {"a": 5, "b": 6})
        assert cursor.fetchone() == (11, 5)
    assert queries.captured_queries[0]["sql"] == "SELECT 5::int + 6::int, 5::int"
