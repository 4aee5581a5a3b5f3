"""A round's deadline: set by a facilitator on the tracker within the round's dates, and shown to
officers (home page, section, one-page and review pages) and on the tracker."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import dateformat, timezone

from operations.demo import demo_values
from surveys.models import Round
from tests.web import bank_of, by_id, find_all, html, submit_answers, text


def _in(days: int):
    return timezone.localdate() + timedelta(days=days)


def _date(day) -> str:
    return dateformat.format(day, "j F Y")


def _set(client, round_, value: str):
    return client.post(
        reverse("scoring:round_deadline", kwargs={"round_id": round_.pk}), {"deadline": value}
    )


def test_a_facilitator_sets_the_deadline_and_the_tracker_shows_it(
    client, facilitator, current_round
):
    client.force_login(facilitator)

    reply = _set(client, current_round, _in(5).isoformat())

    assert reply.status_code == 302
    assert Round.objects.get(pk=current_round.pk).deadline == _in(5)
    tracker = client.get(reply["Location"])
    assert (
        text(by_id(html(tracker), "tracker-deadline")) == f"Deadline: {_date(_in(5))} (in 5 days)"
    )
    assert "The deadline is saved." in tracker.content.decode()


@pytest.mark.parametrize("days", [-31, 61], ids=["before_it_opens", "after_it_closes"])
def test_a_deadline_outside_the_rounds_dates_is_refused(client, facilitator, current_round, days):
    client.force_login(facilitator)

    reply = _set(client, current_round, _in(days).isoformat())

    assert Round.objects.get(pk=current_round.pk).deadline is None
    page = client.get(reply["Location"])
    assert (
        "The deadline must fall between the day the round opens and the day it closes."
        in page.content.decode()
    )


def test_an_empty_deadline_clears_it(client, facilitator, current_round):
    Round.objects.filter(pk=current_round.pk).update(deadline=_in(3))
    client.force_login(facilitator)

    _set(client, current_round, "")

    assert Round.objects.get(pk=current_round.pk).deadline is None
    tracker = client.get(reverse("scoring:tracker", kwargs={"round_id": current_round.pk}))
    assert text(by_id(html(tracker), "tracker-deadline")) == "Deadline: none set"


@pytest.mark.parametrize(
    ("days", "shown"),
    [
        (1, "{date} (in 1 day)"),
        (12, "{date} (in 12 days)"),
        (0, "{date} (today)"),
        (-2, "{date} (passed)"),
    ],
)
def test_officers_see_the_deadline_on_their_pages(client, officer, current_round, days, shown):
    Round.objects.filter(pk=current_round.pk).update(deadline=_in(days))
    client.force_login(officer)
    expected = shown.format(date=_date(_in(days)))

    home = client.get("/")
    section = client.get(f"/rounds/{current_round.pk}/sections/strategy/")
    one_page = client.get(f"/rounds/{current_round.pk}/all/")
    review = client.get(f"/rounds/{current_round.pk}/review/")

    cells = [text(cell) for cell in find_all(html(home), "td")]
    assert cells[2] == expected  # round, dates, deadline
    for page in (section, one_page, review):
        assert text(by_id(html(page), "deadline")) == f"Deadline: {expected}"


def test_a_submitted_officer_no_longer_sees_the_countdown(client, officer, current_round):
    Round.objects.filter(pk=current_round.pk).update(deadline=_in(3))
    submit_answers(
        current_round, officer, demo_values(bank_of(current_round), "rotterdam", "Mobility", 1)
    )
    client.force_login(officer)

    review = client.get(f"/rounds/{current_round.pk}/review/")

    assert find_all(html(review), id="deadline") == []


def test_without_a_deadline_officers_see_none(client, officer, current_round):
    client.force_login(officer)

    section = client.get(f"/rounds/{current_round.pk}/sections/strategy/")
    home = client.get("/")

    assert find_all(html(section), id="deadline") == []
    assert [text(cell) for cell in find_all(html(home), "td")][2] == "—"
