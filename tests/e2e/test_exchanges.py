"""Data exchanges in a real browser: an officer adds and removes rows with the page's script,
saves, submits, and finds the exchanges in the city's network on the results page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from operations.demo import demo_values
from surveys.models import Exchange, Question
from surveys.services import answers_save
from surveys.structure import bank_for
from tests.e2e.pages import log_in, officer_response
from tests.web import submit_answers

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def _without_exchanges(bank, department):
    values = demo_values(bank, "rotterdam", department, 1)
    question = next(q for q in bank.questions() if q.kind == Question.Kind.EXCHANGES)
    values.pop(question.pk, None)
    return question, values


def test_officer_records_exchanges_and_sees_them_on_the_results(
    context, open_round, officer, colleague
):
    bank = bank_for(open_round.questionnaire)
    question, values = _without_exchanges(bank, "Mobility")
    response = officer_response(open_round, officer)
    answers_save(response=response, values=values, expected_version=response.version, by=officer)
    # IT and data submitted without naming Mobility: Mobility's flow to it is one-sided.
    submit_answers(open_round, colleague, _without_exchanges(bank, "IT and data")[1])
    section = next(s for s in bank.sections if question in s.questions)
    page = context.new_page()
    log_in(page, officer)

    page.goto(f"/rounds/{open_round.pk}/sections/{section.dimension.code}/")
    card = page.locator(f"#q-{question.code}")
    rows = card.locator("[data-exchange-row]")
    expect(rows).to_have_count(2)  # the blank rows a page without script offers
    card.get_by_role("button", name="Add an exchange").click()
    expect(rows).to_have_count(3)
    expect(rows.nth(2).get_by_label("Direction", exact=True)).to_be_focused()
    for row, (direction, partner, means, often) in zip(
        (rows.nth(0), rows.nth(2)),
        (
            ("Gives to", "IT and data", "API or feed", "Daily"),
            ("Receives from", "Shared-mobility operators", "E-mail or ad-hoc files", "Weekly"),
        ),
        strict=True,
    ):
        row.get_by_label("Direction", exact=True).select_option(label=direction)
        row.get_by_label("Partner", exact=True).select_option(label=partner)
        row.get_by_label("Means", exact=True).select_option(label=means)
        row.get_by_label("How often", exact=True).select_option(label=often)
    # A row begun and then removed is not saved, and blocks nothing.
    rows.nth(1).get_by_label("Direction", exact=True).select_option(label="Receives from")
    rows.nth(1).get_by_role("button", name="Remove this exchange").click()
    expect(rows.nth(1)).to_be_hidden()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Your answers were saved at")).to_be_visible()
    assert sorted(
        Exchange.objects.filter(answer__response=response).values_list("direction", "means__code")
    ) == [("gives", "api-feed"), ("receives", "email-files")]

    page.goto(f"/rounds/{open_round.pk}/review/")
    expect(page.locator("body")).to_contain_text(
        "Gives to IT and data: API or feed, Daily; Receives from Shared-mobility operators: "
        "E-mail or ad-hoc files, Weekly"
    )
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_text("Thank you — your answers were submitted.")).to_be_visible()

    page.goto(f"/rounds/{open_round.pk}/cities/rotterdam/results/")
    expect(page).to_have_url(re.compile(r"/cities/rotterdam/results/$"))
    table = page.locator("#network-table")
    expect(table.locator("tbody tr")).to_have_text(
        [
            re.compile(
                r"^\s*Shared-mobility operators\s+Mobility\s+E-mail or ad-hoc files \(manual\)\s+Weekly\s+Mobility\s*$"
            ),
            re.compile(
                r"^\s*Mobility\s+IT and data\s+API or feed \(automated\)\s+Daily\s+Mobility\s*$"
            ),
        ]
    )
    expect(page.locator("#network-flags")).to_contain_text(
        "One-sided link: Mobility says it gives data to IT and data, but IT and data reports "
        "receiving nothing from Mobility."
    )
    expect(page.locator("[data-figure=network-figure] .main-svg").first).to_be_attached()
