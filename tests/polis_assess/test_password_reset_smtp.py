"""Password-reset mails through a real SMTP server: a flood of requests delivers three messages."""

from __future__ import annotations

import socket
from email.header import decode_header, make_header
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message as MessageHandler
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from surveys.models import Profile


class Inbox(MessageHandler):  # type: ignore[misc]  # aiosmtpd is untyped
    """Keeps every message the server accepts."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[Message] = []

    def handle_message(self, message: Message) -> None:
        self.messages.append(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp_inbox(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    cache.clear()
    yield inbox
    controller.stop()
    cache.clear()


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
    assert str(make_header(decode_header(message["Subject"]))) == expected
