"""Password-reset mails through a real SMTP server: a flood of requests delivers three messages."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from surveys.models import Profile
from tests import smtp


@pytest.mark.django_db
def test_thirty_requests_deliver_three_reset_mails_over_smtp(officer, smtp_inbox):
    statuses = {
        Client()
        .post("/accounts/password_reset/", {"email": officer.email}, REMOTE_ADDR=f"192.0.2.{n}")
        .status_code
        for n in range(30)
    }

    assert statuses == {302}
    assert [m["To"] for m in smtp_inbox.messages] == [officer.email] * 3
    assert "/accounts/reset/" in smtp_inbox.messages[0].get_payload()


@pytest.mark.django_db
@pytest.mark.parametrize(("chosen", "subject"), [("nl", "nl"), ("fr", "fr"), ("", "city")])
def test_a_reset_mail_is_in_its_recipients_language_whatever_the_page(
    officer, smtp_inbox, chosen, subject
):
    officer.membership.city.language = "fr" if subject == "city" else "en"
    officer.membership.city.save()
    if chosen:
        Profile.objects.create(user=officer, language=chosen)
    expected_language = chosen or "fr"

    Client().post("/accounts/password_reset/", {"email": officer.email}, HTTP_ACCEPT_LANGUAGE="en")

    (message,) = smtp_inbox.messages
    with translation.override(expected_language):
        expected = translation.gettext("POLIS Assess: choose a new password")
    assert expected != "POLIS Assess: choose a new password"  # translated, so this can fail
    assert smtp.subject(message) == expected
