"""An officer adopts a next step from the city's results as an action in a real browser, marks
it done with a note, and finds it done in the plan with its history."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from operations.demo import demo_values
from scoring.models import Action
from surveys.models import Recommendation
from surveys.structure import bank_for
from tests.e2e.pages import log_in
from tests.web import submit_answers

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def test_an_officer_adopts_a_next_step_and_marks_it_done(page, open_round, city, officer):
    submit_answers(
        open_round,
        officer,
        demo_values(bank_for(open_round.questionnaire), city.slug, "Mobility", 1),
    )
    log_in(page, officer)

    page.goto(f"/rounds/{open_round.pk}/cities/{city.slug}/results/")
    first = page.locator("#adoptable li").first
    recommendation = Recommendation.objects.get(pk=int(first.get_attribute("data-recommendation")))
    first.get_by_role("link").click()
    expect(page.locator("#adopted-recommendation")).to_contain_text(recommendation.title)
    page.locator("#id_department").select_option("Mobility")
    page.locator("#id_due_on").fill("2030-06-30")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()

    row = page.locator("#plan-table tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(recommendation.title)
    expect(row).to_contain_text("Planned")
    row.get_by_role("link").click()
    page.locator("#id_status").select_option("done")
    page.locator("#id_note").fill("The data steward started in May.")
    with page.expect_navigation():
        page.locator("#status-heading ~ form button[type=submit]").click()

    expect(page.locator("#plan-table tbody tr")).to_contain_text("Done")
    expect(page.locator("#plan-table tbody tr")).to_contain_text("The data steward started in May.")
    action = Action.objects.get()
    assert (action.recommendation, action.status, action.note, action.done_on, action.due_on) == (
        recommendation,
        "done",
        "The data steward started in May.",
        timezone.localdate(),
        datetime.date(2030, 6, 30),
    )
    page.goto(f"/rounds/{open_round.pk}/cities/{city.slug}/results/")
    expect(
        page.locator(f"#adoptable li[data-recommendation='{recommendation.pk}']")
    ).to_contain_text("In the plan")
    page.locator("#plan-table tbody tr").get_by_role("link").click()
    expect(page.locator("#action-history li").first).to_contain_text("Planned → Done")
