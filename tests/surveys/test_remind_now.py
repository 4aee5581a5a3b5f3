"""A facilitator's "remind now" from the tracker: one officer, or every officer of a city who has
not submitted; recorded (the tracker shows the last one), and not a step of `send_reminders`."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import dateformat, timezone

from operations.demo import demo_values
from surveys.models import Reminder, Round
from surveys.reminders import reminders_send_due
from tests import factories, smtp
from tests.web import bank_of, by_id, find_all, html, submit_answers, text


@pytest.fixture
def facilitator_client(client, facilitator):
    client.force_login(facilitator)
    return client


def _remind(client, round_, **data):
    tracker = reverse("scoring:tracker", kwargs={"round_id": round_.pk})
    return client.post(
        reverse("surveys:remind", kwargs={"round_id": round_.pk}), {**data, "next": tracker}
    )


def test_reminding_one_officer_sends_them_one_reminder_and_the_tracker_shows_when(
    facilitator_client, facilitator, current_round, officer, colleague, smtp_inbox
):
    reply = _remind(facilitator_client, current_round, officer=officer.pk)

    assert reply.status_code == 302
    assert reply["Location"] == reverse("scoring:tracker", kwargs={"round_id": current_round.pk})
    (mail,) = smtp_inbox.messages
    assert mail["To"] == officer.email
    assert mail["Reply-To"] == facilitator.email
    assert mail["Auto-Submitted"] is None  # a person sent it
    assert f"{facilitator.username}, POLIS facilitator, sends you this reminder." in smtp.part(
        mail, "text/plain"
    )
    reminder = Reminder.objects.get()
    assert (reminder.officer, reminder.days_before, reminder.sent_by) == (
        officer,
        None,
        facilitator,
    )
    tracker = facilitator_client.get(reply["Location"])
    rows = {
        text(cells[2]): text(cells[6])
        for row in find_all(by_id(html(tracker), "tracker-table"), "tr")[1:]
        if (cells := find_all(row, "td"))
    }
    sent = dateformat.format(timezone.localtime(reminder.sent_at), "j F Y, H:i")
    assert rows[officer.username] == sent
    assert rows[colleague.username] == "—"


def test_reminding_a_city_reaches_its_officers_who_have_not_submitted_only(
    facilitator_client, current_round, city, officer, colleague, foreign_officer, smtp_inbox
):
    submit_answers(
        current_round, colleague, demo_values(bank_of(current_round), "rotterdam", "IT and data", 1)
    )
    no_address = factories.MembershipFactory(city=city, department="Finance").user
    no_address.email = ""
    no_address.save()

    _remind(facilitator_client, current_round, city=city.slug)

    assert [m["To"] for m in smtp_inbox.messages] == [officer.email]
    assert list(Reminder.objects.values_list("officer_id", flat=True)) == [officer.pk]


def test_reminders_now_repeat_and_do_not_take_the_place_of_a_scheduled_step(
    facilitator_client, current_round, officer, smtp_inbox
):
    current_round.deadline = timezone.localdate() + timedelta(days=2)
    current_round.save()

    _remind(facilitator_client, current_round, officer=officer.pk)
    _remind(facilitator_client, current_round, officer=officer.pk)
    scheduled = reminders_send_due(today=timezone.localdate())

    assert scheduled.sent[2] == 1  # the foreign officer too has not submitted
    assert sorted(
        Reminder.objects.filter(officer=officer).values_list("days_before", flat=True),
        key=str,
    ) == [2, None, None]
    assert len(smtp_inbox.to(officer.email)) == 3


def test_a_submitted_officer_is_not_reminded_and_the_facilitator_is_told(
    facilitator_client, current_round, officer, smtp_inbox
):
    submit_answers(
        current_round, officer, demo_values(bank_of(current_round), "rotterdam", "Mobility", 1)
    )

    reply = _remind(facilitator_client, current_round, officer=officer.pk)

    assert smtp_inbox.messages == []
    page = facilitator_client.get(reply["Location"])
    assert (
        "Nobody to remind: everyone asked for has submitted or has no e-mail address."
        in page.content.decode()
    )


def test_a_closed_round_sends_no_reminder(facilitator_client, current_round, officer, smtp_inbox):
    Round.objects.filter(pk=current_round.pk).update(status=Round.Status.CLOSED)

    _remind(facilitator_client, current_round, officer=officer.pk)

    assert smtp_inbox.messages == []
    assert not Reminder.objects.exists()


@pytest.mark.parametrize("role", ["officer", "colleague", "foreign_officer"])
def test_officers_cannot_remind_anyone(request, client, current_round, city, role, smtp_inbox):
    client.force_login(request.getfixturevalue(role))

    reply = _remind(client, current_round, city=city.slug)

    assert reply.status_code == 404
    assert smtp_inbox.messages == []
