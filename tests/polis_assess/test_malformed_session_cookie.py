"""A session cookie Django never issued (a NUL byte, markup, an over-long key) means no session."""

from __future__ import annotations

import pytest
from django.conf import settings

from polis_assess.sessions import SessionStore

pytestmark = pytest.mark.django_db

MALFORMED = {
    "nul": "abcdefgh\x00ijklmnop",
    "markup": "<script>x</script>abcdef",
    "too_long": "a" * 41,
    "upper_case": "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345",
}


@pytest.mark.parametrize("value", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_session_cookie_gets_the_login_page(client, value):
    client.cookies[settings.SESSION_COOKIE_NAME] = value

    page = client.get("/", follow=True)

    assert page.status_code == 200
    assert page.redirect_chain == [("/accounts/login/?next=/", 302)]
    assert page.templates[0].name == "registration/login.html"


def test_a_session_store_given_a_malformed_key_starts_without_one():
    assert SessionStore("abcdefgh\x00ijklmnop").session_key is None
    assert SessionStore("a" * 32).session_key == "a" * 32


def test_a_signed_in_browser_keeps_its_session(client, officer):
    client.force_login(officer)

    page = client.get("/")

    assert page.status_code == 200
    assert page.wsgi_request.user == officer
