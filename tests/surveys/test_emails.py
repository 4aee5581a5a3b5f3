"""Every e-mail: text and HTML parts from templates, absolute links from POLIS_SITE_URL only, names
shown as typed (never as markup), and no other city's data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from operations.demo import demo_values
from surveys.invitations import Invitee, invitations_create
from surveys.models import Answer, Response
from surveys.reminders import officers_to_remind, reminders_send_due, reminders_send_now
from tests import factories, smtp
from tests.web import bank_of, save_answers, submit_answers

SITE = "https://assess.example.org/polis"  # served under a path: links keep it
FOREIGN = {
    "department": "Valenciennes-only department",
    "comment": "A remark only Valenciennes may read.",
    "username": "valenciennes-officer-x",
    "email": "secret-officer@valenciennes.example",
}


@pytest.fixture(autouse=True)
def _site(settings):
    settings.POLIS_SITE_URL = SITE


@pytest.fixture
def every_kind_of_email(
    current_round,
    city,
    other_city,
    officer,
    facilitator,
    smtp_inbox,
    django_capture_on_commit_callbacks,
):
    """A round of Rotterdam and Valenciennes, Valenciennes's officer submitted with a comment of
    their own; then every kind of e-mail to Rotterdam's people: invitations (new account and
    existing one), a scheduled and a facilitator's reminder, and a confirmation."""
    bank = bank_of(current_round)
    foreign = factories.MembershipFactory(
        city=other_city,
        department=FOREIGN["department"],
        user__username=FOREIGN["username"],
        user__email=FOREIGN["email"],
    ).user
    submitted = submit_answers(
        current_round, foreign, demo_values(bank, "valenciennes", FOREIGN["department"], 1)
    )
    Answer.objects.filter(response=submitted).update(comment=FOREIGN["comment"])
    current_round.deadline = timezone.localdate() + timedelta(days=2)
    current_round.save()
    existing = factories.UserFactory(email="sam@rotterdam.example")
    invitations_create(
        round=current_round,
        invitees=[
            Invitee("nora@rotterdam.example", "Nora", city, "Urban planning"),
            Invitee(existing.email, "Sam", city, "Finance"),
        ],
        by=facilitator,
    )
    reminders_send_due(today=timezone.localdate())
    reminders_send_now(
        round=current_round,
        officers=officers_to_remind(current_round).filter(pk=officer.pk),
        by=facilitator,
    )
    with django_capture_on_commit_callbacks(execute=True):
        submit_answers(current_round, officer, demo_values(bank, "rotterdam", "Mobility", 1))
    rotterdam = [m for m in smtp_inbox.messages if m["To"] != FOREIGN["email"]]
    assert Response.objects.filter(city=other_city, status="submitted").count() == 1
    return rotterdam


def test_every_kind_is_sent(every_kind_of_email, officer):
    subjects = sorted(smtp.subject(m).split(":")[0] for m in every_kind_of_email)

    assert subjects == [
        "Invitation to POLIS Assess",
        "Invitation to POLIS Assess",
        "Reminder",  # Nora's scheduled reminder
        "Reminder",  # the officer's scheduled reminder
        "Reminder",  # the officer's reminder now
        "Reminder",  # Sam's scheduled reminder
        "Submitted",
    ]


def test_no_other_citys_data_appears_in_any_email(every_kind_of_email):
    leaks = {
        (smtp.subject(mail), value)
        for mail in every_kind_of_email
        for content in (
            smtp.subject(mail),
            smtp.part(mail, "text/plain"),
            smtp.part(mail, "text/html"),
        )
        for value in ("Valenciennes", *FOREIGN.values())
        if value.lower() in content.lower()
    }

    assert leaks == set()


def test_every_link_is_absolute_on_the_configured_site(every_kind_of_email):
    links = [
        link
        for mail in every_kind_of_email
        for content in (smtp.part(mail, "text/plain"), smtp.part(mail, "text/html"))
        for link in smtp.links(content)
    ]

    assert len(links) > 20
    assert [link for link in links if not link.startswith(SITE)] == []


def test_a_name_with_markup_is_shown_as_typed(current_round, city, facilitator, smtp_inbox):
    invitations_create(
        round=current_round,
        invitees=[Invitee("nora@rotterdam.example", "<b>Nora</b> & co", city, "<i>Planning</i>")],
        by=facilitator,
    )

    (mail,) = smtp_inbox.messages
    html_part = smtp.part(mail, "text/html")
    assert "Dear &lt;b&gt;Nora&lt;/b&gt; &amp; co," in html_part
    assert "(&lt;i&gt;Planning&lt;/i&gt; department)" in html_part
    assert "<b>" not in html_part
    assert "<i>" not in html_part
    assert "Dear <b>Nora</b> & co," in smtp.part(mail, "text/plain")


def test_a_draft_of_the_other_city_is_not_counted_in_a_reminder(
    current_round, officer, foreign_officer, smtp_inbox
):
    bank = bank_of(current_round)
    save_answers(current_round, foreign_officer, demo_values(bank, "valenciennes", "Mobility", 1))
    current_round.deadline = timezone.localdate()
    current_round.save()

    reminders_send_due(today=timezone.localdate())

    (mail,) = smtp_inbox.to(officer.email)
    assert "You have not started yet." in smtp.part(mail, "text/plain")
