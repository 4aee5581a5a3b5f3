"""The app runs on PostgreSQL through DATABASE_URL or the embedded server — never anything else."""

import os

import pytest
from django.conf import settings
from django.db import connection


@pytest.mark.django_db
def test_database_is_postgresql_and_answers():
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        (version,) = cursor.fetchone()
    assert connection.vendor == "postgresql"
    assert version.startswith("PostgreSQL ")


@pytest.mark.django_db
def test_configured_backend_matches_environment():
    engine = settings.DATABASES["default"]["ENGINE"]
    if os.environ.get("DATABASE_URL"):
        assert engine == "django.db.backends.postgresql"
        assert connection.settings_dict["HOST"] == "127.0.0.1"
    else:
        assert engine == "polis_assess.embedded_postgres"
        assert connection.get_connection_params()["host"].startswith(str(settings.BASE_DIR / "var"))


@pytest.mark.django_db
def test_migrations_applied_and_banks_loaded(banks):
    assert sorted(banks) == ["data-driven-government", "insight-driven-mobility"]
