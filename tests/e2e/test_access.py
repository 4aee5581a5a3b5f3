"""Who may open a round's pages: its cities' officers only; everyone else sees a 404 or logs in."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from surveys.structure import bank_for
from tests.e2e.pages import log_in
from tests.factories import RoundFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


@pytest.fixture
def city_only_round(idm, city):
    """A Session 2 round that only ``city`` takes part in."""
    round_ = RoundFactory(questionnaire=idm, title="Session 2 test round")
    round_.cities.add(city)
    return round_


def _round_urls(round_) -> list[str]:
    code = bank_for(round_.questionnaire).sections[0].dimension.code
    return [
        f"/rounds/{round_.pk}/",
        f"/rounds/{round_.pk}/sections/{code}/",
        f"/rounds/{round_.pk}/review/",
    ]


def test_anonymous_visitor_is_sent_to_the_login_page(page, city_only_round):
    for url in _round_urls(city_only_round):
        page.goto(url)
        expect(page).to_have_url(re.compile(rf"/accounts/login/\?next={re.escape(quote(url))}$"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Log in to POLIS Assess")


def test_officer_of_another_city_gets_not_found(page, city_only_round, foreign_officer, officer):
    log_in(page, foreign_officer)
    expect(page.get_by_text("There are no assessment rounds for you yet.")).to_be_visible()
    for url in _round_urls(city_only_round):
        response = page.goto(url)
        assert response is not None
        assert response.status == 404
        expect(page.get_by_role("heading", level=1)).to_have_text("Not Found")

    # The same pages open for an officer of the round's city.
    page.context.clear_cookies()
    log_in(page, officer)
    first = bank_for(city_only_round.questionnaire).sections[0]
    for url in _round_urls(city_only_round):
        response = page.goto(url)
        assert response is not None
        assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Review your answers")
    page.goto(_round_urls(city_only_round)[0])
    expect(page).to_have_url(re.compile(rf"/sections/{first.dimension.code}/$"))
