"""E-mails to one person, written from templates in their own language, with absolute links."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from surveys.languages import preferred_language
from surveys.tokens import invitation_tokens

logger = logging.getLogger(__name__)

# What a failed delivery raises: the SMTP server's refusal, or no server to talk to.
SEND_ERRORS = (smtplib.SMTPException, OSError)


def absolute_url(path: str) -> str:
    """A path of this site as a link that works from a mail client."""
    return f"{settings.POLIS_SITE_URL}{path}"


def set_password_path(user: User) -> str:
    """The path of the one-time page on which an invited person sets their first password."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse(
        "surveys:invitation_accept",
        kwargs={"uidb64": uid, "token": invitation_tokens.make_token(user)},
    )


def email_language(user: User) -> str:
    """The person's language (theirs, else their city's), else the site's."""
    return preferred_language(user) or settings.LANGUAGE_CODE


def email_to(
    user: User,
    template: str,
    context: Mapping[str, Any],
    *,
    reply_to: str = "",
    headers: Mapping[str, str] | None = None,
) -> EmailMultiAlternatives:
    """The e-mail ``templates/surveys/emails/<template>`` makes for ``user``: its subject
    (``_subject.txt``), text (``.txt``) and HTML (``.html``) parts, all in their language."""
    language = email_language(user)
    with translation.override(language):
        full_context = {
            **context,
            "recipient": user,
            "language": language,
            "site_url": settings.POLIS_SITE_URL,
        }
        subject = render_to_string(f"surveys/emails/{template}_subject.txt", full_context)
        text = render_to_string(f"surveys/emails/{template}.txt", full_context)
        html = render_to_string(f"surveys/emails/{template}.html", full_context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        to=[user.email],
        reply_to=[reply_to] if reply_to else None,
        headers=dict(headers or {}),
    )
    message.attach_alternative(html, "text/html")
    return message


@contextmanager
def mail_server() -> Iterator[BaseEmailBackend]:
    """One connection to the mail server for a batch of messages (`deliver`, `email_send`): a
    run of reminders or a file of invitations is not a connection per message. Closed at the end."""
    connection = get_connection()
    try:
        yield connection
    finally:
        with suppress(*SEND_ERRORS):
            connection.close()


def deliver(message: EmailMultiAlternatives, connection: BaseEmailBackend | None = None) -> None:
    """Send ``message``, over ``connection`` if given (opened if need be). Raises what the mail
    server raised, having closed the connection so that the next message opens a fresh one."""
    if connection is None:
        message.send()
        return
    try:
        connection.open()
        message.connection = connection
        message.send()
    except SEND_ERRORS:
        with suppress(*SEND_ERRORS):
            connection.close()
        raise


def email_send(message: EmailMultiAlternatives, connection: BaseEmailBackend | None = None) -> bool:
    """Deliver ``message``; False (logged, not raised) when the mail server cannot be reached or
    refuses it, so the caller can record that it was not sent."""
    try:
        deliver(message, connection)
    except SEND_ERRORS:
        logger.exception("E-mail %r to %s was not sent", message.subject, message.to)
        return False
    return True
