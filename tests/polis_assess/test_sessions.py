"""Sessions are Django's own: a stale cookie gets a new session, an expired key is never reused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from polis_assess.sessions import SessionStore

NEW_PASSWORD = "a-fresh-passphrase-for-spring"

pytestmark = pytest.mark.django_db


def _reset_link(user) -> tuple[str, str]:
    """The e-mailed password-reset link and the set-password page it leads to."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return f"/accounts/reset/{uidb64}/{token}/", f"/accounts/reset/{uidb64}/set-password/"


def _stored_session(*, expires_in: timedelta) -> str:
    store = SessionStore()
    store["colour"] = "blue"
    store.create()
    Session.objects.filter(pk=store.session_key).update(expire_date=timezone.now() + expires_in)
    return store.session_key


def test_a_password_reset_link_works_for_a_browser_whose_session_row_was_pruned(client, officer):
    client.force_login(officer)
    stale_key = client.cookies["sessionid"].value
    Session.objects.all().delete()  # pruned, or erased, while the browser kept its cookie
    link, set_password_page = _reset_link(officer)

    opened = client.get(link)
    form = client.get(set_password_page)
    changed = client.post(
        set_password_page, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert opened.status_code == 302
    assert opened.headers["Location"] == set_password_page
    assert client.cookies["sessionid"].value != stale_key
    assert form.status_code == 200
    assert form.context["validlink"] is True
    assert changed.status_code == 302
    assert changed.headers["Location"] == "/accounts/reset/done/"
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD) is True


def test_an_expired_session_key_is_never_used_again_nor_its_row_revived(client, officer):
    client.force_login(officer)
    expired_key = client.cookies["sessionid"].value
    Session.objects.filter(pk=expired_key).update(expire_date=timezone.now() - timedelta(minutes=1))
    link, set_password_page = _reset_link(officer)

    response = client.get(link)  # a request that writes to the session

    new_key = client.cookies["sessionid"].value
    assert response.status_code == 302
    assert response.headers["Location"] == set_password_page
    assert new_key != expired_key
    assert Session.objects.get(pk=expired_key).expire_date < timezone.now()
    assert Session.objects.get(pk=new_key).expire_date > timezone.now()


def test_loading_an_expired_session_gives_no_data_and_forgets_its_key():
    expired_key = _stored_session(expires_in=timedelta(seconds=-1))
    store = SessionStore(expired_key)

    assert store.load() == {}
    assert store.session_key is None


def test_a_stored_session_tells_the_seconds_its_row_has_left():
    key = _stored_session(expires_in=timedelta(seconds=600))
    store = SessionStore(key)

    assert store["colour"] == "blue"
    assert 595 <= store.seconds_left() <= 600


def test_a_session_changed_by_this_request_has_its_full_length_left(settings):
    store = SessionStore(_stored_session(expires_in=timedelta(seconds=600)))

    store["colour"] = "green"

    assert store.seconds_left() == settings.SESSION_COOKIE_AGE


def test_a_session_whose_row_is_gone_has_no_time_left():
    key = _stored_session(expires_in=timedelta(seconds=600))
    store = SessionStore(key)
    assert store["colour"] == "blue"
    Session.objects.filter(pk=key).delete()

    assert store.seconds_left() == 0
