"""The PostgreSQL client programs create, list and drop databases on the app's server."""

from __future__ import annotations

import subprocess

import pytest

from operations import pg_clients


@pytest.fixture
def scratch_name():
    params = pg_clients.connection_params()
    name = f"{params['dbname']}_scratch"
    yield name
    pg_clients.database_drop(params, name)


@pytest.mark.django_db
def test_the_server_lists_the_app_database_and_postgres():
    params = pg_clients.connection_params()

    assert {params["dbname"], "postgres"} <= pg_clients.database_names(params)


@pytest.mark.django_db
def test_creating_a_database_twice_creates_it_once(scratch_name):
    params = pg_clients.connection_params()

    created = [pg_clients.database_create(params, scratch_name) for _ in range(2)]

    assert created == [True, False]
    assert scratch_name in pg_clients.database_names(params)


@pytest.mark.django_db
def test_dropping_a_database_removes_it_and_a_missing_one_is_no_error(scratch_name):
    params = pg_clients.connection_params()
    pg_clients.database_create(params, scratch_name)

    pg_clients.database_drop(params, scratch_name)
    pg_clients.database_drop(params, scratch_name)

    assert scratch_name not in pg_clients.database_names(params)


@pytest.mark.django_db
def test_a_failing_program_raises_with_its_error_message():
    params = pg_clients.connection_params()

    with pytest.raises(subprocess.CalledProcessError) as failure:
        pg_clients.run("psql", "--command=SELECT * FROM no_such_table", params=params)

    assert 'relation "no_such_table" does not exist' in failure.value.stderr
