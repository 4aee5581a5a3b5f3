"""The tracker shows officers a page at a time, and only those in one state when asked."""

from __future__ import annotations

import pytest
from django.urls import reverse

from operations.demo import demo_values
from scoring.facilitator_views import TRACKER_PAGE_SIZE
from tests import factories
from tests.web import bank_of, by_id, find_all, html, save_answers, submit_answers, text


@pytest.fixture
def facilitator_client(client, facilitator):
    client.force_login(facilitator)
    return client


def _officers(page) -> list[str]:
    table = by_id(html(page), "tracker-table")
    return [text(find_all(row, "td")[2]) for row in find_all(table, "tr")[1:]]


def _url(round_, **query) -> str:
    url = reverse("scoring:tracker", kwargs={"round_id": round_.pk})
    return f"{url}?{'&'.join(f'{k}={v}' for k, v in query.items())}" if query else url


@pytest.fixture
def crowd(open_round, city):
    """One more officer than fits on a page, none started, named in table order."""
    return [
        factories.MembershipFactory(
            city=city, department="Mobility", user__username=f"officer-{n:03d}"
        ).user.username
        for n in range(TRACKER_PAGE_SIZE + 1)
    ]


def test_the_first_page_holds_a_page_of_officers_and_the_next_the_rest(
    facilitator_client, open_round, crowd
):
    first = facilitator_client.get(_url(open_round))
    second = facilitator_client.get(_url(open_round, page=2))

    assert _officers(first) == crowd[:TRACKER_PAGE_SIZE]
    assert _officers(second) == crowd[TRACKER_PAGE_SIZE:]
    assert f"Officers 1 to {TRACKER_PAGE_SIZE} of {len(crowd)}" in first.content.decode()


def test_a_page_number_out_of_range_shows_the_last_page(facilitator_client, open_round, crowd):
    page = facilitator_client.get(_url(open_round, page=99))

    assert page.status_code == 200
    assert _officers(page) == crowd[TRACKER_PAGE_SIZE:]


def test_a_state_shows_only_its_officers_while_the_counts_stay_for_everyone(
    facilitator_client, open_round, officer, colleague, foreign_officer
):
    bank = bank_of(open_round)
    submit_answers(open_round, officer, demo_values(bank, "rotterdam", "Mobility", 1))
    save_answers(open_round, colleague, demo_values(bank, "rotterdam", "IT and data", 1))

    page = facilitator_client.get(_url(open_round, state="in+progress"))

    assert _officers(page) == [colleague.username]
    assert text(by_id(html(page), "tracker-counts")) == (
        "submitted: 1 · in progress: 1 · joined: 1 · invited: 0 · everyone"
    )
    assert text(by_id(html(page), "tracker-caption")) == (
        "The officers whose response is in progress"
    )


def test_an_unknown_state_shows_everyone(facilitator_client, open_round, officer, foreign_officer):
    page = facilitator_client.get(_url(open_round, state="lost"))

    assert sorted(_officers(page)) == sorted([officer.username, foreign_officer.username])
