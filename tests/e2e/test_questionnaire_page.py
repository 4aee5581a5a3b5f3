"""All questions on one page in a real browser: follow-ups appear, answers save in the
background, and a missing answer is given and the response submitted in one go."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from operations.demo import demo_values
from scoring.models import ResponseResult
from surveys.models import Question, Response
from surveys.services import answers_save
from surveys.structure import bank_for, progress_for
from tests.e2e.pages import card, choose, log_in, officer_response, option_labels, saved_answers

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

SAVED = re.compile(r"^Saved at \d\d:\d\d$")


def test_follow_up_appears_and_the_answer_is_saved_in_the_background(page, open_round, officer):
    bank = bank_for(open_round.questionnaire)
    # A follow-up outside the first section: on a section page its gate would be elsewhere.
    follow_up = next(
        q for section in bank.sections[1:] for q in section.questions if q.condition_id
    )
    reveals = bank.options_by_id[follow_up.condition_id]
    gate = bank.questions_by_id[reveals.question_id]

    log_in(page, officer)
    page.goto(f"/rounds/{open_round.pk}/all/")
    expect(page.get_by_role("heading", level=1)).to_have_text("All questions on one page")
    expect(card(page, follow_up)).to_be_hidden()
    with page.expect_request("**/all/autosave/"):
        choose(page, gate, reveals.label)
    expect(card(page, follow_up)).to_be_visible()
    expect(page.locator("#autosave-status")).to_have_text(SAVED)
    assert saved_answers(open_round, officer)[gate.code].option_id == reveals.pk

    page.reload()
    expect(card(page, gate).get_by_role("radio", name=reveals.label, exact=True)).to_be_checked()
    expect(card(page, follow_up)).to_be_visible()


def test_missing_answer_is_given_and_the_response_submitted_with_one_button(
    page, open_round, officer
):
    bank = bank_for(open_round.questionnaire)
    values = demo_values(bank, "x", "Mobility", 1)
    assert progress_for(bank, values).is_complete
    missing = next(
        q
        for q in bank.sections[-1].questions
        if q.required and q.kind in Question.CHOICE_KINDS and q.pk in values
    )
    del values[missing.pk]
    response = officer_response(open_round, officer)
    answers_save(response=response, values=values, expected_version=response.version, by=officer)

    log_in(page, officer)
    page.goto(f"/rounds/{open_round.pk}/review/")
    page.get_by_role("link", name="All questions on one page").click()
    expect(page).to_have_url(re.compile(rf"/rounds/{open_round.pk}/all/$"))
    choose(page, missing, option_labels(missing)[1])
    page.get_by_role("button", name="Save and submit").click()

    expect(page).to_have_url(re.compile(rf"/rounds/{open_round.pk}/review/$"))
    expect(page.get_by_text("Thank you — your answers were submitted.")).to_be_visible()
    submitted = officer_response(open_round, officer)
    assert submitted.status == Response.Status.SUBMITTED
    assert ResponseResult.objects.filter(response=submitted).exists()
    assert saved_answers(open_round, officer)[missing.code].option_id == next(
        o.pk for o in missing.options.all() if o.label == option_labels(missing)[1]
    )
