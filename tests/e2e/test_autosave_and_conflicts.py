"""Background saving on the section page, and two tabs of one response that disagree."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from surveys.models import Answer
from surveys.structure import bank_for, progress_for
from tests.e2e.pages import (
    choose,
    expect_answered,
    log_in,
    option_id,
    option_labels,
    progress_value,
    saved_answers,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

AUTOSAVE_WAIT_MS = 8_000
CONFLICT_TEXT = "Not saved: this response was changed in another tab or window at"


def _question(round_, code):
    bank = bank_for(round_.questionnaire)
    section = next(s for s in bank.sections if any(q.code == code for q in s.questions))
    return bank, section, next(q for q in section.questions if q.code == code)


def _saved_option(round_, officer, question):
    return Answer.objects.get(
        response__round=round_, response__respondent=officer, question=question
    ).option_id


def test_chosen_answer_is_saved_in_the_background_and_survives_a_reload(page, open_round, officer):
    bank, section, question = _question(open_round, "strategy-vision")
    label = option_labels(question)[3]

    log_in(page, officer)
    page.goto(f"/rounds/{open_round.pk}/sections/{section.dimension.code}/")
    with page.expect_request("**/autosave/") as posted:
        choose(page, question, label)
    expect(page.locator("#autosave-status")).to_have_text(
        re.compile(r"^Saved at \d\d:\d\d$"), timeout=AUTOSAVE_WAIT_MS
    )

    # URL-encoded like the form's own post (cheaper for the server to read than multipart).
    assert posted.value.headers["content-type"].startswith("application/x-www-form-urlencoded")
    assert f"strategy-vision__answer={option_id(question, label)}" in posted.value.post_data
    assert _saved_option(open_round, officer, question) == option_id(question, label)
    expected = progress_for(bank, {question.pk: saved_answers(open_round, officer)[question.code]})
    assert progress_value(page) == expected.percent

    page.reload()
    expect_answered(page, question, [label])
    expect(page.locator("#autosave-status")).to_have_text("")


def test_save_from_a_stale_tab_is_refused_and_keeps_its_answers_on_screen(
    context, open_round, officer
):
    _bank, section, question = _question(open_round, "strategy-vision")
    labels = option_labels(question)
    url = f"/rounds/{open_round.pk}/sections/{section.dimension.code}/"
    tab_a = context.new_page()
    log_in(tab_a, officer)
    tab_a.goto(url)
    tab_b = context.new_page()
    tab_b.goto(url)
    tab_c = context.new_page()
    tab_c.goto(url)

    choose(tab_a, question, labels[1])
    tab_a.get_by_role("button", name="Save", exact=True).click()
    expect(tab_a.get_by_text("Your answers were saved at")).to_be_visible()

    choose(tab_b, question, labels[4])
    tab_b.get_by_role("button", name="Save", exact=True).click()
    conflict = tab_b.locator("#conflict-message")
    expect(conflict).to_be_visible()
    expect(conflict).to_be_focused()
    expect(conflict).to_contain_text("Not saved: this response changed in another tab or window")
    expect_answered(tab_b, question, [labels[4]])
    assert _saved_option(open_round, officer, question) == option_id(question, labels[1])

    # The background save of a stale tab is refused the same way.
    choose(tab_c, question, labels[0])
    expect(tab_c.locator("#autosave-status")).to_contain_text(
        CONFLICT_TEXT, timeout=AUTOSAVE_WAIT_MS
    )
    assert _saved_option(open_round, officer, question) == option_id(question, labels[1])

    # As the conflict message promises, pressing Save again keeps the answers of tab B.
    tab_b.get_by_role("button", name="Save", exact=True).click()
    expect(tab_b.get_by_text("Your answers were saved at")).to_be_visible()
    expect(tab_b.locator("#conflict-message")).to_have_count(0)
    expect_answered(tab_b, question, [labels[4]])
    assert _saved_option(open_round, officer, question) == option_id(question, labels[4])


def test_save_pressed_during_a_background_save_waits_for_it(page, open_round, officer):
    _bank, section, question = _question(open_round, "strategy-vision")
    labels = option_labels(question)
    held = []
    log_in(page, officer)
    page.goto(f"/rounds/{open_round.pk}/sections/{section.dimension.code}/")

    # The background save reaches the server, but its answer reaches the page only later.
    def hold(route):
        held.append((route, route.fetch()))

    page.route("**/autosave/", hold)
    choose(page, question, labels[2])
    expect(page.locator("#autosave-status")).to_have_text("Saving…", timeout=AUTOSAVE_WAIT_MS)
    for _ in range(100):  # the route handler runs while Playwright waits
        if held:
            break
        page.wait_for_timeout(50)
    assert len(held) == 1
    page.get_by_role("button", name="Save", exact=True).click()
    route, response = held[0]
    route.fulfill(response=response)

    expect(page.get_by_text("Your answers were saved at")).to_be_visible()
    expect(page.locator("#conflict-message")).to_have_count(0)
    expect_answered(page, question, [labels[2]])
    assert _saved_option(open_round, officer, question) == option_id(question, labels[2])
