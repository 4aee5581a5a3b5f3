"""Log-in throttling through the real form: a username + address pair locks, the account elsewhere does not."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import F
from django.test import Client

from tests.factories import PASSWORD

HOME = "198.51.100.7"  # where the guessing happens
ELSEWHERE = "203.0.113.9"  # where the real officer is
LOCKED_TEXT = "Too many failed log-in attempts"


def _log_in(username: str, password: str, address: str):
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )
    return response, client


def _signed_in_as(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def _fail_until_locked(username: str, address: str) -> list[int]:
    return [
        _log_in(username, "wrong-password-guess", address)[0].status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]


@pytest.mark.django_db
def test_the_limit_th_failure_locks_the_pair_and_the_right_password_is_refused_there(officer):
    statuses = _fail_until_locked(officer.username, HOME)
    refused, client = _log_in(officer.username, PASSWORD, HOME)

    assert settings.AXES_FAILURE_LIMIT == 5
    assert statuses == [200, 200, 200, 200, 429]
    assert refused.status_code == 429
    assert LOCKED_TEXT in refused.content.decode()
    assert _signed_in_as(client) is None


@pytest.mark.django_db
def test_a_locked_account_still_logs_in_from_another_address(officer):
    _fail_until_locked(officer.username, HOME)

    elsewhere, client = _log_in(officer.username, PASSWORD, ELSEWHERE)
    still_home, _ = _log_in(officer.username, PASSWORD, HOME)

    assert (elsewhere.status_code, elsewhere.headers["Location"]) == (302, "/")
    assert _signed_in_as(client) == str(officer.pk)
    # Success elsewhere resets only that address's record, not the locked pair.
    assert still_home.status_code == 429


@pytest.mark.django_db
def test_another_account_from_the_locked_address_is_not_affected(officer, colleague):
    _fail_until_locked(officer.username, HOME)

    response, client = _log_in(colleague.username, PASSWORD, HOME)

    assert response.status_code == 302
    assert _signed_in_as(client) == str(colleague.pk)


@pytest.mark.django_db
def test_failures_below_the_limit_do_not_lock(officer):
    statuses = [
        _log_in(officer.username, "wrong", HOME)[0].status_code
        for _ in range(settings.AXES_FAILURE_LIMIT - 1)
    ]
    response, client = _log_in(officer.username, PASSWORD, HOME)

    assert statuses == [200, 200, 200, 200]
    assert response.status_code == 302
    assert _signed_in_as(client) == str(officer.pk)
    # A success resets the count: the next guesses start from zero again.
    assert AccessAttempt.objects.filter(username=officer.username).count() == 0


def _age_attempts(username: str, by: timedelta) -> None:
    AccessAttempt.objects.filter(username=username).update(attempt_time=F("attempt_time") - by)


@pytest.mark.django_db
def test_the_lock_holds_a_minute_before_the_cool_off_ends(officer):
    _fail_until_locked(officer.username, HOME)
    _age_attempts(officer.username, settings.AXES_COOLOFF_TIME - timedelta(minutes=1))

    response, client = _log_in(officer.username, PASSWORD, HOME)

    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert response.status_code == 429
    assert _signed_in_as(client) is None


@pytest.mark.django_db
def test_the_lock_lifts_once_the_cool_off_has_passed(officer):
    _fail_until_locked(officer.username, HOME)
    _age_attempts(officer.username, settings.AXES_COOLOFF_TIME + timedelta(seconds=1))

    response, client = _log_in(officer.username, PASSWORD, HOME)

    assert response.status_code == 302
    assert _signed_in_as(client) == str(officer.pk)


@pytest.mark.django_db
def test_trying_again_while_locked_restarts_the_cool_off(officer):
    _fail_until_locked(officer.username, HOME)
    _age_attempts(officer.username, settings.AXES_COOLOFF_TIME - timedelta(minutes=1))
    during, _ = _log_in(officer.username, PASSWORD, HOME)
    # Now more than the cool-off has passed since the lock, but not since the last try.
    _age_attempts(officer.username, timedelta(minutes=1, seconds=1))

    after, client = _log_in(officer.username, PASSWORD, HOME)

    assert during.status_code == 429
    assert after.status_code == 429
    assert _signed_in_as(client) is None


PROXY = "10.0.0.2"  # the one trusted proxy: every connection behind it comes from here


def _log_in_through_proxy(username: str, password: str, forwarded_for: str):
    client = Client()
    response = client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )
    return response, client


@pytest.mark.django_db
def test_behind_the_proxy_an_attackers_failures_do_not_lock_the_victim_out_elsewhere(
    officer, settings
):
    settings.BEHIND_PROXY = True
    statuses = [
        _log_in_through_proxy(officer.username, "wrong-password-guess", HOME)[0].status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]

    victim, client = _log_in_through_proxy(officer.username, PASSWORD, ELSEWHERE)
    attacker, _ = _log_in_through_proxy(officer.username, PASSWORD, HOME)

    assert statuses == [200, 200, 200, 200, 429]
    assert (victim.status_code, victim.headers["Location"]) == (302, "/")
    assert _signed_in_as(client) == str(officer.pk)
    assert attacker.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {HOME}


@pytest.mark.django_db
def test_behind_the_proxy_a_spoofed_forwarded_hop_neither_frees_nor_frames_anyone(
    officer, settings
):
    settings.BEHIND_PROXY = True
    # The attacker writes the victim's address, then a new one each time, in front of the
    # address the proxy appends; only the proxy's own entry counts.
    statuses = [
        _log_in_through_proxy(
            officer.username, "wrong-password-guess", f"{ELSEWHERE}, 192.0.2.{i}, {HOME}"
        )[0].status_code
        for i in range(settings.AXES_FAILURE_LIMIT)
    ]

    victim, client = _log_in_through_proxy(officer.username, PASSWORD, ELSEWHERE)

    assert statuses == [200, 200, 200, 200, 429]
    assert victim.status_code == 302
    assert _signed_in_as(client) == str(officer.pk)
