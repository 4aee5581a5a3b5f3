"""A save refused for a stale CSRF token (new log-in in another tab) loses nothing typed."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from surveys.structure import bank_for
from tests.e2e.pages import (
    answer,
    draft_notice,
    expect_answered,
    log_in,
    log_out,
    restore_unsaved_answers,
    saved_answers,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

AUTOSAVE_WAIT_MS = 8_000


def test_answers_refused_after_a_new_log_in_elsewhere_are_offered_back(
    context, open_round, officer
):
    section = bank_for(open_round.questionnaire).sections[2]
    first, *later = [q for q in section.questions if q.condition_id is None][:4]
    url = f"/rounds/{open_round.pk}/sections/{section.dimension.code}/"
    tab_a = context.new_page()
    log_in(tab_a, officer)
    tab_a.goto(url)
    typed = {first.code: answer(tab_a, first, 0)}
    expect(tab_a.locator("#autosave-status")).to_have_text(
        re.compile(r"^Saved at "), timeout=AUTOSAVE_WAIT_MS
    )

    # Tab B logs out and in again: the session and the CSRF token change under tab A.
    tab_b = context.new_page()
    tab_b.goto("/")
    log_out(tab_b)
    log_in(tab_b, officer)

    for pick, question in enumerate(later, start=1):
        typed[question.code] = answer(tab_a, question, pick)
    expect(tab_a.locator("#autosave-status")).to_contain_text("Not saved", timeout=AUTOSAVE_WAIT_MS)
    tab_a.get_by_role("button", name="Save", exact=True).click()
    expect(tab_a.get_by_role("heading", level=1)).to_have_text(
        "Not saved: the page was out of date"
    )
    assert set(saved_answers(open_round, officer)) == {first.code}

    tab_a.get_by_role("link", name="Back to the section").click()
    expect(tab_a).to_have_url(re.compile(rf"{re.escape(url)}$"))
    expect(draft_notice(tab_a)).to_contain_text("Answers you typed here were not saved")
    restore_unsaved_answers(tab_a)

    stored = saved_answers(open_round, officer)
    assert set(stored) == set(typed)
    for question in [first, *later]:
        expect_answered(tab_a, question, typed[question.code])
    tab_a.reload()
    expect(draft_notice(tab_a)).to_have_count(0)
    for question in [first, *later]:
        expect_answered(tab_a, question, typed[question.code])
