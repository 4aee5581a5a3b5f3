"""Reminders before a round's deadline: once per officer, round and step, whatever runs when; none
for officers who have submitted; sent again by the next run when the mail server failed."""

from __future__ import annotations

import io
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.utils import timezone, translation

from operations.demo import demo_values
from surveys.invitations import Invitee, invitations_create
from surveys.models import Profile, Reminder, Round
from surveys.reminders import reminders_send_due, step_reached
from surveys.structure import AnswerValue
from tests import factories, smtp
from tests.smtp import Inbox, smtp_server
from tests.web import bank_of, question, save_answers, submit_answers

SITE = "https://assess.example.org"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.POLIS_SITE_URL = SITE
    settings.REMINDER_DAYS_BEFORE = [7, 2]


@pytest.mark.parametrize(
    ("days_left", "step"),
    [(10, None), (8, None), (7, 7), (5, 7), (3, 7), (2, 2), (1, 2), (0, 0), (-1, None)],
)
def test_the_step_reached_is_the_nearest_one_at_or_above_the_days_left(days_left, step):
    assert step_reached(days_left, [7, 2, 0]) == step


def _due_in(round_: Round, days: int) -> Round:
    round_.deadline = timezone.localdate() + timedelta(days=days)
    round_.save()
    return round_


@pytest.fixture
def crowd(current_round, officer, colleague, foreign_officer):
    """Rotterdam: Mobility not started, IT and data one answer in. Valenciennes: submitted."""
    bank = bank_of(current_round)
    vision = question(bank, "strategy-vision")
    save_answers(
        current_round, colleague, {vision.pk: AnswerValue(option_id=vision.options.all()[1].pk)}
    )
    submit_answers(current_round, foreign_officer, demo_values(bank, "valenciennes", "Mobility", 1))
    return current_round


def _run() -> str:
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    return out.getvalue().strip()


def test_a_second_run_sends_nothing_and_a_submitted_officer_gets_none(
    crowd, officer, colleague, foreign_officer, smtp_inbox
):
    _due_in(crowd, 2)

    first = _run()
    second = _run()

    assert first == (
        "Reminders sent: 2 (7 days before: 0, 2 days before: 2, on the day: 0); "
        "already sent by another run: 0; failed: 0"
    )
    assert second == (
        "Reminders sent: 0 (7 days before: 0, 2 days before: 0, on the day: 0); "
        "already sent by another run: 0; failed: 0"
    )
    assert sorted(m["To"] for m in smtp_inbox.messages) == sorted([officer.email, colleague.email])
    assert smtp_inbox.connections() == 1
    assert foreign_officer.email not in {m["To"] for m in smtp_inbox.messages}
    assert sorted(Reminder.objects.values_list("officer_id", "days_before")) == sorted(
        [(officer.pk, 2), (colleague.pk, 2)]
    )


def test_runs_day_by_day_send_each_step_on_its_day(crowd, officer, colleague, smtp_inbox):
    deadline = _due_in(crowd, 10).deadline

    runs = [
        (days_left, reminders_send_due(today=deadline - timedelta(days=days_left)).total)
        for days_left in (9, 8, 7, 7, 6, 3, 2, 2, 1, 0, 0, -1)
    ]

    assert runs == [
        (9, 0),
        (8, 0),
        (7, 2),
        (7, 0),
        (6, 0),
        (3, 0),
        (2, 2),
        (2, 0),
        (1, 0),
        (0, 2),
        (0, 0),
        (-1, 0),
    ]
    assert sorted(Reminder.objects.values_list("officer_id", "days_before")) == sorted(
        (user.pk, step) for user in (officer, colleague) for step in (7, 2, 0)
    )
    assert len(smtp_inbox.messages) == 6


def test_a_deadline_set_late_reminds_at_once_then_at_the_remaining_steps(
    crowd, officer, colleague, smtp_inbox
):
    deadline = _due_in(crowd, 5).deadline

    runs = [reminders_send_due(today=deadline - timedelta(days=days)).sent for days in (5, 2, 0)]

    assert [dict(run) for run in runs] == [{7: 2}, {2: 2}, {0: 2}]


@pytest.mark.parametrize("case", ["closed", "no_deadline", "far_away"])
def test_rounds_closed_without_deadline_or_far_from_it_send_nothing(crowd, smtp_inbox, case):
    if case == "closed":
        _due_in(crowd, 2)
        Round.objects.filter(pk=crowd.pk).update(status=Round.Status.CLOSED)
    elif case == "far_away":
        _due_in(crowd, 8)

    assert _run().startswith("Reminders sent: 0 ")
    assert smtp_inbox.messages == []
    assert not Reminder.objects.exists()


def test_an_officer_who_submits_after_the_first_step_gets_no_later_one(
    crowd, officer, colleague, smtp_inbox
):
    deadline = _due_in(crowd, 7).deadline
    reminders_send_due(today=deadline - timedelta(days=7))
    submit_answers(crowd, officer, demo_values(bank_of(crowd), "rotterdam", "Mobility", 1))

    reminders_send_due(today=deadline - timedelta(days=2))

    first, later = smtp_inbox.messages[:2], smtp_inbox.messages[2:]
    assert sorted(m["To"] for m in first) == sorted([officer.email, colleague.email])
    assert [m["To"] for m in later] == [colleague.email]
    assert Reminder.objects.filter(officer=officer).count() == 1


def test_the_reminder_says_the_deadline_the_progress_and_links_to_the_round(
    crowd, officer, colleague, smtp_inbox
):
    _due_in(crowd, 2)

    _run()

    mails = {m["To"]: m for m in smtp_inbox.messages}
    date = (timezone.localdate() + timedelta(days=2)).strftime("%-d %B %Y")
    assert (
        smtp.subject(mails[officer.email]) == f"Reminder: Session 1 current round, deadline {date}"
    )
    assert mails[officer.email]["Auto-Submitted"] == "auto-generated"
    started = smtp.part(mails[colleague.email], "text/plain")
    not_started = smtp.part(mails[officer.email], "text/plain")
    assert (
        "Please submit your answers to the round “Session 1 current round” for Rotterdam by "
        f"{date}: 2 days left." in not_started
    )
    assert "You have not started yet." in not_started
    assert "So far you have answered 1 of 49 required questions." in started
    assert smtp.links(not_started) == [f"{SITE}/rounds/{crowd.pk}/", SITE]


def test_a_reminder_is_in_the_officers_language(crowd, officer, smtp_inbox):
    Profile.objects.create(user=officer, language="fr")
    _due_in(crowd, 0)

    _run()

    (mail,) = smtp_inbox.to(officer.email)
    with translation.override("fr"):
        expected = translation.gettext("Today is the deadline: %(round)s") % {"round": crowd.title}
    assert expected != "Today is the deadline: Session 1 current round"
    assert smtp.subject(mail) == expected


def test_an_invited_officer_without_a_password_is_sent_a_fresh_link_that_works(
    crowd, city, facilitator, smtp_inbox
):
    invitations_create(
        round=crowd,
        invitees=[Invitee("nora@rotterdam.example", "Nora", city, "Urban planning")],
        by=facilitator,
    )
    smtp_inbox.messages.clear()
    _due_in(crowd, 2)

    _run()

    (mail,) = smtp_inbox.to("nora@rotterdam.example")
    text = smtp.part(mail, "text/plain")
    welcome, _round_link, _site = smtp.links(text)
    assert welcome.startswith(f"{SITE}/welcome/")
    visitor = Client()
    opened = visitor.get(welcome.removeprefix(SITE))
    set_password = visitor.post(
        opened["Location"],
        {"new_password1": "nora-sets-a-password", "new_password2": "nora-sets-a-password"},
    )
    assert set_password.status_code == 302


def test_a_failed_send_records_nothing_and_the_next_run_sends_it(
    crowd, officer, colleague, settings, smtp_inbox
):
    _due_in(crowd, 2)
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = smtp.free_port()  # nobody listens there

    with pytest.raises(CommandError, match="2 reminder"):
        _run()
    assert not Reminder.objects.exists()

    settings.EMAIL_PORT = port
    assert _run().startswith("Reminders sent: 2 ")
    assert len(smtp_inbox.messages) == 2


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_reminder_exactly_once(banks, settings):
    today = timezone.localdate()
    city = factories.CityFactory(name="Antwerp", slug="antwerp", country="BE")
    round_ = factories.RoundFactory(
        questionnaire=banks["data-driven-government"],
        opens_on=today - timedelta(days=10),
        closes_on=today + timedelta(days=10),
        deadline=today + timedelta(days=2),
    )
    round_.cities.add(city)
    officers = [
        factories.MembershipFactory(city=city, department=f"Department {n}").user for n in range(6)
    ]
    inbox = Inbox(delay=0.2)  # a slow mail server: each run is still sending when the other starts
    start = threading.Barrier(2)
    outputs: list[str] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            outputs.append(_run())
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    with smtp_server(inbox) as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = server.hostname, server.port
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    assert errors == []
    assert sorted(m["To"] for m in inbox.messages) == sorted(u.email for u in officers)
    assert Reminder.objects.count() == len(officers)
    sent = [int(out.split("Reminders sent: ")[1].split(" ")[0]) for out in outputs]
    already = [int(out.split("already sent by another run: ")[1].split(";")[0]) for out in outputs]
    assert sum(sent) == len(officers)
    assert sum(already) >= 1  # the runs did meet: one found a reminder the other had claimed
    print(f"\nconcurrent runs sent {sent}, found already sent {already}")
