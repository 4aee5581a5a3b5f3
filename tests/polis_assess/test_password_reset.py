"""Password-reset mails: at most 3 an hour per address and 10 per client, and no tell-tale either way."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

URL = "/accounts/password_reset/"
DONE = "/accounts/password_reset/done/"
HOME = "198.51.100.7"


@pytest.fixture(autouse=True)
def _fresh_counts():
    cache.clear()
    yield
    cache.clear()


def _ask(email: str, address: str = HOME):
    return Client().post(URL, {"email": email}, REMOTE_ADDR=address)


def test_thirty_requests_for_one_address_send_three_mails(officer, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # From 30 addresses, so that only the limit per e-mail address applies.
    responses = [_ask(officer.email, f"192.0.2.{n}") for n in range(30)]

    assert [m.to for m in mail.outbox] == [[officer.email]] * 3
    assert {(r.status_code, r.headers["Location"]) for r in responses} == {(302, DONE)}
    assert settings.PASSWORD_RESET_MAILS_PER_ADDRESS == 3


def test_the_limit_per_address_ignores_case_and_spaces(officer, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    spellings = [officer.email, officer.email.upper(), f" {officer.email} ", officer.email]

    for n, email in enumerate(spellings):
        _ask(email, f"192.0.2.{n}")

    assert len(mail.outbox) == 3


def test_one_client_gets_ten_mails_an_hour_across_addresses(officer, colleague, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_RESET_MAILS_PER_ADDRESS = 100

    responses = [_ask(user.email) for user in [officer, colleague] * 8]

    assert len(mail.outbox) == 10
    assert {r.status_code for r in responses} == {302}
    assert settings.PASSWORD_RESET_MAILS_PER_CLIENT == 10


def test_a_limited_request_answers_and_queries_exactly_like_one_for_an_unknown_address(officer):
    def asked(email: str):
        with CaptureQueriesContext(connection) as queries:
            response = _ask(email, "203.0.113.1")
        return response.status_code, response.headers["Location"], len(queries)

    for n in range(3):
        _ask(officer.email, f"192.0.2.{n}")

    limited = asked(officer.email)
    unknown = asked("nobody@example.org")

    assert limited == unknown
    assert limited[:2] == (302, DONE)


def test_the_count_starts_again_after_the_hour(officer, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for n in range(4):
        _ask(officer.email, f"192.0.2.{n}")
    cache.clear()  # what the hour's expiry does to the counts

    _ask(officer.email)

    assert len(mail.outbox) == 4
