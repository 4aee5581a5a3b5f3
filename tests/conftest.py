"""Shared fixtures: the real question banks, cities, officers and facilitators."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import setup_databases, teardown_databases
from django.utils import timezone

from surveys.models import Questionnaire
from tests import factories
from tests.smtp import Inbox, smtp_server

BANK_DIR = Path(settings.BASE_DIR) / "fixtures" / "question_banks"
BANK_FILES = sorted(BANK_DIR.glob("*.yaml"))
DDG = "data-driven-government"
IDM = "insight-driven-mobility"


def _ensure_banks() -> dict[str, Questionnaire]:
    published = {
        q.key: q for q in Questionnaire.objects.filter(status=Questionnaire.Status.PUBLISHED)
    }
    if not {DDG, IDM} <= set(published):
        call_command(
            "load_bank", "--publish", "--skip-existing", *map(str, BANK_FILES), verbosity=0
        )
        published = {
            q.key: q for q in Questionnaire.objects.filter(status=Questionnaire.Status.PUBLISHED)
        }
    return published


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The production hasher is slow on purpose; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # pytest-django creates the test database only when a collected test asks for `db`,
    # `transactional_db` or `live_server`. Browser tests that share the seeded demo ask for
    # none, so a run of only those would seed and flush the development database: create the
    # test database for them too.
    with django_db_blocker.unblock():
        created = None
        if connection.settings_dict["NAME"] != connection.settings_dict["TEST"]["NAME"]:
            created = setup_databases(verbosity=0, interactive=False, aliases={"default"})
        # The real banks are loaded once; every test's transaction rolls back on top of them.
        _ensure_banks()
    yield
    with django_db_blocker.unblock():
        _disconnect_other_sessions()
        if created is not None:
            teardown_databases(created, verbosity=0)


def _disconnect_other_sessions() -> None:
    """End the test database's other sessions before it is dropped: a live server's request
    thread still serving a browser's kept-alive connection holds a persistent connection
    (CONN_MAX_AGE), and PostgreSQL refuses to drop a database in use, leaving it behind."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture
def banks(db) -> dict[str, Questionnaire]:
    """Both published banks by key (reloaded if a transactional test flushed them)."""
    return _ensure_banks()


@pytest.fixture
def ddg(banks) -> Questionnaire:
    return banks[DDG]


@pytest.fixture
def idm(banks) -> Questionnaire:
    return banks[IDM]


@pytest.fixture
def city(db):
    return factories.CityFactory(name="Rotterdam", slug="rotterdam", country="NL")


@pytest.fixture
def other_city(db):
    return factories.CityFactory(name="Valenciennes", slug="valenciennes", country="FR")


@pytest.fixture
def open_round(ddg, city, other_city):
    round_ = factories.RoundFactory(questionnaire=ddg, title="Session 1 test round")
    round_.cities.add(city, other_city)
    return round_


@pytest.fixture
def current_round(ddg, city, other_city):
    """An open round of Rotterdam and Valenciennes that runs from a month ago to two months on
    (deadlines must fall within it)."""
    today = timezone.localdate()
    round_ = factories.RoundFactory(
        questionnaire=ddg,
        title="Session 1 current round",
        opens_on=today - timedelta(days=30),
        closes_on=today + timedelta(days=60),
    )
    round_.cities.add(city, other_city)
    return round_


@pytest.fixture
def officer(city):
    return factories.MembershipFactory(city=city, department="Mobility").user


@pytest.fixture
def colleague(city):
    return factories.MembershipFactory(city=city, department="IT and data").user


@pytest.fixture
def foreign_officer(other_city):
    return factories.MembershipFactory(city=other_city, department="Mobility").user


@pytest.fixture
def facilitator(db):
    return factories.FacilitatorFactory()


@pytest.fixture
def admin_user_(db):
    return factories.UserFactory(is_staff=True, is_superuser=True, username="root-admin")


@pytest.fixture
def smtp_inbox(settings):
    """A real SMTP server that every e-mail of the test goes to (its messages are the inbox)."""
    inbox = Inbox()
    with smtp_server(inbox) as controller:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        cache.clear()
        yield inbox
        cache.clear()
