"""An officer answers the Session 1 questionnaire in a real browser: resume, save, validation."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from surveys.structure import bank_for, progress_for
from tests.e2e.pages import (
    answer,
    card,
    choose,
    expect_answered,
    log_in,
    officer_response,
    progress_value,
    saved_answers,
)

pytestmark = [
    pytest.mark.browser,
    # The live server's WhiteNoise looks for collected static files; the finders serve them.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def test_officer_answers_first_section_and_resumes_at_the_next(page, open_round, officer):
    bank = bank_for(open_round.questionnaire)
    first, second = bank.sections[0], bank.sections[1]
    gate, conditional = first.questions[0], first.questions[1]
    assert conditional.condition_id is not None
    assert bank.options_by_id[conditional.condition_id].question_id == gate.pk

    log_in(page, officer)
    page.goto(f"/rounds/{open_round.pk}/")
    expect(page).to_have_url(
        re.compile(rf"/rounds/{open_round.pk}/sections/{first.dimension.code}/$")
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Section 1 of {len(bank.sections)}: {first.dimension.title}"
    )
    assert progress_value(page) == 0

    # The conditional question appears as soon as its gate is "Yes", without a round trip.
    page.evaluate("window.notReloaded = true")
    expect(card(page, conditional)).to_be_hidden()
    choose(page, gate, "Yes")
    expect(card(page, conditional)).to_be_visible(timeout=1_000)
    assert page.evaluate("window.notReloaded") is True

    chosen = {gate.code: ["Yes"]}
    for pick, question in enumerate(first.questions[1:]):
        chosen[question.code] = answer(page, question, pick)
    page.get_by_role("button", name="Save and continue").click()

    expect(page).to_have_url(
        re.compile(rf"/rounds/{open_round.pk}/sections/{second.dimension.code}/$")
    )
    expect(page.get_by_role("status").filter(has_text="Your answers were saved at")).to_be_visible()
    stored = saved_answers(open_round, officer)
    assert sorted(stored) == sorted(chosen)
    expected_percent = progress_for(
        bank, {q.pk: v for q in first.questions if (v := stored.get(q.code))}
    ).percent
    assert expected_percent > 0
    assert progress_value(page) == expected_percent
    expect(page.locator(f'[data-section="{first.dimension.code}"]')).to_contain_text("complete")

    page.goto("/")
    page.goto(f"/rounds/{open_round.pk}/")
    expect(page).to_have_url(
        re.compile(rf"/rounds/{open_round.pk}/sections/{second.dimension.code}/$")
    )

    page.get_by_role("link", name=first.dimension.title, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/sections/{first.dimension.code}/$"))
    for question in first.questions:
        expect_answered(page, question, chosen[question.code])


def test_invalid_number_keeps_everything_typed_and_points_to_the_field(page, open_round, officer):
    bank = bank_for(open_round.questionnaire)
    section = next(s for s in bank.sections if s.dimension.code == "skills")
    number = next(q for q in section.questions if q.code == "skills-staff")
    others = [q for q in section.questions if q != number]  # radios and checkboxes
    comment = "Figures from the 2024 staffing plan, page 12."

    log_in(page, officer)
    page.goto(f"/rounds/{open_round.pk}/sections/{section.dimension.code}/")
    chosen = {q.code: answer(page, q, pick) for pick, q in enumerate(others)}
    number_card = card(page, number)
    field = number_card.get_by_role("textbox", name=f"{number.text} (FTE)")
    # The bad number first: a background save in between must not store the comment alone.
    field.fill("999999")
    number_card.get_by_text("Comment or evidence link").click()
    number_card.get_by_label("Comment (optional)").fill(comment)
    page.get_by_role("button", name="Save", exact=True).click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    # The message names the question, in the summary as beside the field.
    error = f"Question {bank.number(number)}: enter a number of 500 or less"
    link = summary.get_by_role("link", name=error, exact=True)
    expect(link).to_have_attribute("href", f"#div_id_{number.code}__answer")
    expect(page.locator(f"#div_id_{number.code}__answer")).to_be_visible()
    expect(number_card.get_by_text(error, exact=True)).to_be_visible()
    expect(field).to_have_class(re.compile(r"\bis-invalid\b"))

    expect(field).to_have_value("999999")
    expect(number_card.get_by_label("Comment (optional)")).to_have_value(comment)
    for question in others:
        expect_answered(page, question, chosen[question.code])

    # The valid answers were saved, the invalid number (and its comment) were not.
    stored = saved_answers(open_round, officer)
    assert sorted(stored) == sorted(chosen)
    assert number.pk not in officer_response(open_round, officer).answers.values_list(
        "question_id", flat=True
    )
