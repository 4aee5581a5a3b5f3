"""POST /account/keep-alive/ starts a signed-in person's session time again (and nothing else does)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from polis_assess.context_processors import session_timeout
from polis_assess.sessions import SessionStore

URL = "/account/keep-alive/"


def _expire_in(client, seconds: int) -> None:
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() + timedelta(seconds=seconds)
    )


def _stored_expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


@pytest.mark.django_db
def test_keep_alive_gives_the_session_its_full_length_again(client, officer, settings):
    client.force_login(officer)
    _expire_in(client, 60)

    response = client.post(URL)

    assert response.status_code == 200
    assert response.json() == {"seconds_left": settings.SESSION_COOKIE_AGE}
    left = (_stored_expiry(client) - timezone.now()).total_seconds()
    assert settings.SESSION_COOKIE_AGE - 5 < left <= settings.SESSION_COOKIE_AGE
    assert response.cookies["sessionid"]["max-age"] == settings.SESSION_COOKIE_AGE
    assert response.headers["Cache-Control"] == (
        "max-age=0, no-cache, no-store, must-revalidate, private"
    )


@pytest.mark.django_db
def test_a_page_view_does_not_extend_the_session_and_tells_the_time_left(client, officer):
    client.force_login(officer)
    _expire_in(client, 600)
    before = _stored_expiry(client)

    response = client.get("/")

    assert _stored_expiry(client) == before
    assert 590 <= response.context["session_seconds_left"] <= 600
    assert b'data-session-warning="300"' in response.content


@pytest.mark.django_db
def test_keep_alive_refuses_get(client, officer):
    client.force_login(officer)

    assert client.get(URL).status_code == 405


@pytest.mark.django_db
def test_keep_alive_needs_the_csrf_token(officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)

    assert client.post(URL).status_code == 403


@pytest.mark.django_db
def test_keep_alive_sends_visitors_who_are_not_signed_in_to_log_in(client):
    response = client.post(URL)

    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/login/?next=/account/keep-alive/"


def test_a_new_session_has_its_full_length_left(settings):
    assert SessionStore().seconds_left() == settings.SESSION_COOKIE_AGE


def test_visitors_who_are_not_signed_in_get_no_session_timing(rf):
    request = rf.get("/")
    request.user = AnonymousUser()

    assert session_timeout(request) == {}
