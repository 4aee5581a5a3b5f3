"""On submit the officer gets an e-mail over SMTP with what they submitted and a link to their
city's results, in their language; a repeated submit sends nothing more."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation
from django.utils.html import escape

from operations.demo import demo_values
from surveys.models import Profile
from tests import smtp
from tests.web import bank_of, option, question, save_answers

SITE = "https://assess.example.org"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.POLIS_SITE_URL = SITE


@pytest.fixture
def complete(current_round, officer):
    """The officer's draft holds a complete answer set, with a comment on the vision question."""
    bank = bank_of(current_round)
    values = demo_values(bank, "rotterdam", "Mobility", 1)
    vision = question(bank, "strategy-vision")
    values[vision.pk] = type(values[vision.pk])(
        option_id=option(bank, vision.code, "l3").pk, comment="Our Plan 2030 says so."
    )
    save_answers(current_round, officer, values)
    return values


def _submit(client, round_):
    return client.post(f"/rounds/{round_.pk}/submit/")


def test_submitting_sends_what_was_submitted_and_a_results_link_that_works(
    client, current_round, officer, complete, smtp_inbox, django_capture_on_commit_callbacks
):
    client.force_login(officer)

    with django_capture_on_commit_callbacks(execute=True):
        reply = _submit(client, current_round)

    assert reply.status_code == 302
    (mail,) = smtp_inbox.messages
    assert mail["To"] == officer.email
    assert smtp.subject(mail) == "Submitted: your answers to Session 1 current round"
    body = smtp.part(mail, "text/plain")
    bank = bank_of(current_round)
    vision = question(bank, "strategy-vision")
    assert f"- {vision.text}\n  {option(bank, vision.code, 'l3').label}\n" in body.replace(
        "\r\n", "\n"
    )
    assert "Comment: Our Plan 2030 says so." in body
    assert "(Mobility department)" in body
    results, review, site = smtp.links(body)
    assert results == f"{SITE}/rounds/{current_round.pk}/cities/rotterdam/results/"
    assert review == f"{SITE}/rounds/{current_round.pk}/review/"
    assert site == SITE
    assert client.get(results.removeprefix(SITE)).status_code == 200
    assert client.get(review.removeprefix(SITE)).status_code == 200
    html_part = smtp.part(mail, "text/html")
    assert f'href="{results}"' in html_part
    assert escape(vision.text) in html_part


def test_a_repeated_submit_sends_no_second_confirmation(
    client, current_round, officer, complete, smtp_inbox, django_capture_on_commit_callbacks
):
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        _submit(client, current_round)

    with django_capture_on_commit_callbacks(execute=True):
        _submit(client, current_round)

    assert len(smtp_inbox.messages) == 1


def test_an_incomplete_response_is_not_submitted_and_sends_nothing(
    client, current_round, officer, smtp_inbox, django_capture_on_commit_callbacks
):
    client.force_login(officer)

    with django_capture_on_commit_callbacks(execute=True):
        _submit(client, current_round)

    assert smtp_inbox.messages == []


def test_the_confirmation_is_in_the_officers_language(
    client, current_round, officer, complete, smtp_inbox, django_capture_on_commit_callbacks
):
    Profile.objects.create(user=officer, language="nl")
    client.force_login(officer)

    with django_capture_on_commit_callbacks(execute=True):
        _submit(client, current_round)

    (mail,) = smtp_inbox.messages
    with translation.override("nl"):
        expected = translation.gettext("Submitted: your answers to %(round)s") % {
            "round": current_round.title
        }
        vision = question(bank_of(current_round), "strategy-vision").text
    assert expected != "Submitted: your answers to Session 1 current round"
    assert smtp.subject(mail) == expected
    assert vision in smtp.part(mail, "text/plain")  # the bank's own Dutch text


def test_a_mail_server_that_fails_does_not_undo_the_submit(
    current_round, officer, complete, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.free_port()
    client = Client()
    client.force_login(officer)

    with django_capture_on_commit_callbacks(execute=True):
        reply = _submit(client, current_round)

    assert reply.status_code == 302
    assert officer.responses.get().is_submitted
