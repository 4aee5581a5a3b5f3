"""GET /health/ answers 200 while the database answers, 503 when it does not, to anyone."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.db import OperationalError

from polis_assess.sessions import SessionStore


@pytest.mark.django_db
def test_health_is_ok_for_an_anonymous_visitor_while_the_database_answers(client):
    response = client.get("/health/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == (
        "max-age=0, no-cache, no-store, must-revalidate, private"
    )


@pytest.mark.django_db
def test_health_is_503_when_the_database_does_not_answer(client, monkeypatch):
    def unreachable() -> bool:
        raise OperationalError("connection to server failed")

    monkeypatch.setattr(Session.objects, "exists", unreachable)

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json() == {"status": "database unavailable"}


@pytest.mark.django_db
def test_health_refuses_post(client):
    assert client.post("/health/").status_code == 405


@pytest.mark.django_db
def test_health_is_503_for_a_signed_in_monitor_when_the_database_does_not_answer(
    client, django_user_model, monkeypatch
):
    # A session cookie must not turn the outage into a 500: the login check reads no session
    # for a public view.
    client.force_login(django_user_model.objects.create_user("monitor"))

    def unreachable(*args, **kwargs):
        raise OperationalError("connection to server failed")

    monkeypatch.setattr(Session.objects, "exists", unreachable)
    monkeypatch.setattr(SessionStore, "load", unreachable)

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json() == {"status": "database unavailable"}
