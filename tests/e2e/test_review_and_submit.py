"""The review page in a real browser: missing answers block submitting, and submitting is once."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from operations.demo import demo_values
from scoring.models import ResponseResult
from surveys.models import Question, Response
from surveys.services import answers_save
from surveys.structure import bank_for, progress_for
from tests.e2e.pages import choose, log_in, officer_response, option_labels

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def _all_answered_but_one(round_, officer) -> Question:
    """Answer every required question through the service except one, which is returned."""
    bank = bank_for(round_.questionnaire)
    values = demo_values(bank, "x", "Mobility", 1)
    assert progress_for(bank, values).is_complete
    missing = next(
        q
        for q in bank.sections[-2].questions
        if q.required and q.kind in Question.CHOICE_KINDS and q.pk in values
    )
    del values[missing.pk]
    response = officer_response(round_, officer)
    answers_save(response=response, values=values, expected_version=response.version, by=officer)
    return missing


def test_incomplete_response_is_refused_then_submitted_once(context, open_round, officer):
    bank = bank_for(open_round.questionnaire)
    missing = _all_answered_but_one(open_round, officer)
    section = next(s for s in bank.sections if missing in s.questions)
    review_url = f"/rounds/{open_round.pk}/review/"
    page = context.new_page()
    log_in(page, officer)

    page.goto(review_url)
    summary = page.locator("#missing-summary")
    expect(summary.get_by_role("link")).to_have_text(
        [f"{section.dimension.title} — {missing.text}"]
    )
    page.get_by_role("button", name="Submit answers").click()
    expect(page).to_have_url(re.compile(rf"{review_url}$"))
    expect(page.get_by_role("status").filter(has_text="Not submitted")).to_have_text(
        "Not submitted: 1 required answer is missing. It is listed below."
    )
    expect(summary.get_by_role("link")).to_have_count(1)
    assert officer_response(open_round, officer).status == Response.Status.DRAFT

    summary.get_by_role("link").click()
    expect(page).to_have_url(
        re.compile(rf"/sections/{section.dimension.code}/#q-{re.escape(missing.code)}$")
    )
    choose(page, missing, option_labels(missing)[2])
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Your answers were saved at")).to_be_visible()
    page.get_by_role("link", name="Review and submit").click()
    expect(page).to_have_url(re.compile(rf"{review_url}$"))
    expect(summary).to_have_count(0)

    stale_tab = context.new_page()  # a second tab, opened before submitting
    stale_tab.goto(review_url)
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_text("Thank you — your answers were submitted.")).to_be_visible()
    expect(page.locator("#submitted-message")).to_be_visible()
    expect(page.get_by_role("button", name="Submit answers")).to_have_count(0)
    submitted = officer_response(open_round, officer)
    assert submitted.status == Response.Status.SUBMITTED
    assert submitted.submitted_at is not None

    # Back to the page with the Submit button, submitting from a stale tab, a bare POST:
    # none of them submits again.
    page.go_back()
    expect(page.locator("#submitted-message")).to_be_visible()
    expect(page.get_by_role("button", name="Submit answers")).to_have_count(0)
    stale_tab.get_by_role("button", name="Submit answers").click()
    expect(stale_tab.locator("#submitted-message")).to_be_visible()
    expect(stale_tab.get_by_text("Thank you — your answers were submitted.")).to_have_count(0)
    token = next(c["value"] for c in context.cookies() if c["name"] == "csrftoken")
    posted = page.request.post(
        f"/rounds/{open_round.pk}/submit/",
        form={"csrfmiddlewaretoken": token},
        max_redirects=0,
    )
    assert posted.status == 302
    assert posted.headers["location"] == review_url

    again = officer_response(open_round, officer)
    assert again.status == Response.Status.SUBMITTED
    assert again.submitted_at == submitted.submitted_at
    assert again.version == submitted.version
    assert ResponseResult.objects.filter(response=again).count() == 1
