"""A facilitator holds Antwerp's consensus session in a real browser; its officers then read the
agreed result beside their own, and another city's officer finds none of it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from operations.demo import demo_values
from scoring.consensus import agreed_values
from scoring.models import Consensus
from surveys.structure import AnswerValue, bank_for
from tests import factories
from tests.e2e.pages import log_in
from tests.web import option, question, submit_answers

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


@pytest.fixture
def antwerp_round(ddg):
    antwerp = factories.CityFactory(name="Antwerp", slug="antwerp", country="BE")
    rotterdam = factories.CityFactory(name="Rotterdam", slug="rotterdam", country="NL")
    round_ = factories.RoundFactory(questionnaire=ddg, title="Consensus round")
    round_.cities.add(antwerp, rotterdam)
    bank = bank_for(ddg)
    # Two departments alike everywhere but two questions: 3 levels apart, and 1 level apart.
    for department, vision, sponsor in (("Mobility", "l0", "l1"), ("IT and data", "l3", "l2")):
        values = demo_values(bank, "antwerp", "Mobility", 1)
        values[question(bank, "strategy-vision").pk] = AnswerValue(
            option_id=option(bank, "strategy-vision", vision).pk
        )
        values[question(bank, "strategy-sponsor").pk] = AnswerValue(
            option_id=option(bank, "strategy-sponsor", sponsor).pk
        )
        officer = factories.MembershipFactory(city=antwerp, department=department).user
        submit_answers(round_, officer, values)
    return round_, antwerp, rotterdam, officer


def test_a_facilitator_records_and_publishes_antwerps_consensus(
    context, live_server, antwerp_round, facilitator
):
    round_, antwerp, rotterdam, antwerp_officer = antwerp_round
    bank = bank_for(round_.questionnaire)
    consensus_url = f"/rounds/{round_.pk}/cities/antwerp/consensus/"
    page = context.new_page()
    log_in(page, facilitator)

    page.goto(consensus_url)
    cards = page.locator("section.consensus-item")
    expect(cards.first).to_have_attribute("id", "q-strategy-vision")  # the widest gap first
    vision = page.locator("#q-strategy-vision")
    expect(vision.get_by_text("3 levels apart")).to_be_visible()
    vision.get_by_label(option(bank, "strategy-vision", "l2").label).check()
    vision.get_by_label("Rationale").fill("The coalition agreement names goals, not yet budgets.")
    sponsor = page.locator("#q-strategy-sponsor")
    sponsor.get_by_label(option(bank, "strategy-sponsor", "l2").label).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Accept the").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Save and publish").click()
    expect(page.locator("#consensus-status")).to_contain_text("Published")

    consensus = Consensus.objects.get(round=round_, city=antwerp)
    assert consensus.status == Consensus.Status.PUBLISHED
    agreed = agreed_values(consensus)
    assert agreed[question(bank, "strategy-vision").pk].option_id == (
        option(bank, "strategy-vision", "l2").pk
    )
    assert consensus.answers.get(question__code="strategy-vision").rationale.startswith("The coa")

    officer_page = context.browser.new_context(base_url=live_server.url).new_page()
    log_in(officer_page, antwerp_officer)
    officer_page.goto(f"/rounds/{round_.pk}/cities/antwerp/results/")
    table = officer_page.locator("#agreed-table")
    expect(table).to_be_visible()
    strategy = table.locator("tr", has_text="Strategy and leadership")
    expect(strategy.locator("td").nth(2)).to_contain_text("1 answer")  # Mobility's l0 vs l2
    assert officer_page.goto(consensus_url).status == 404
    officer_page.context.close()

    rotterdam_officer = factories.MembershipFactory(city=rotterdam, department="Mobility").user
    foreign = context.browser.new_context(base_url=live_server.url).new_page()
    log_in(foreign, rotterdam_officer)
    for url in (
        consensus_url,
        f"/rounds/{round_.pk}/cities/antwerp/results/",
        f"/rounds/{round_.pk}/cities/antwerp/results.json",
        f"/rounds/{round_.pk}/cities/antwerp/report/",
        f"/rounds/{round_.pk}/cities/antwerp/report.pdf",
    ):
        assert foreign.request.get(url).status == 404, url
    foreign.context.close()
