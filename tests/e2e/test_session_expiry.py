"""The session ends while an officer is answering: nothing typed is lost after logging in again."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from surveys.models import Question
from surveys.structure import bank_for
from tests.e2e.pages import (
    answer,
    card,
    draft_notice,
    expect_answered,
    kept_copies,
    log_in,
    log_out,
    option_id,
    restore_unsaved_answers,
    saved_answers,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

ANSWERS = 50
AUTOSAVE_WAIT_MS = 8_000


def _plan(bank, count):
    """The first ``count`` questions an officer meets when answering every visible one in
    order, each with its ``pick`` for ``answer``, grouped by section."""
    chosen_options = set()
    plan = []
    total = 0
    for section in bank.sections:
        picks = []
        for question in section.questions:
            if total == count:
                break
            if question.condition_id is not None and question.condition_id not in chosen_options:
                continue  # hidden: its gate got another answer
            if question.kind == Question.Kind.EXCHANGES:
                continue  # rows of their own (tests/e2e/test_exchanges.py), optional
            picks.append((question, total))
            if question.kind in Question.CHOICE_KINDS:
                labels = [o for o in question.options.all() if not o.special]
                chosen_options.add(labels[total % len(labels)].pk)
            total += 1
        plan.append((section, picks))
    return [(section, picks) for section, picks in plan if picks]


def _stored_as_typed(question, stored, shown):
    if question.kind in Question.CHOICE_KINDS:
        return stored.option_id == option_id(question, shown[0])
    if question.kind == Question.Kind.MULTI:
        return set(stored.choice_ids) == {option_id(question, label) for label in shown}
    if question.kind == Question.Kind.NUMBER:
        return stored.number == Decimal(shown[0])
    return stored.text == shown[0]


def test_fifty_answers_survive_the_session_ending_while_answering(page, open_round, officer):
    bank = bank_for(open_round.questionnaire)
    plan = _plan(bank, ANSWERS)
    *earlier, (last_section, last_picks) = plan
    assert len(last_picks) >= 4, "the final section must hold answers typed around the expiry"
    half = len(last_picks) // 2
    typed = {}

    log_in(page, officer)
    page.goto(f"/rounds/{open_round.pk}/")
    for section, picks in earlier:
        expect(page).to_have_url(re.compile(rf"/sections/{section.dimension.code}/$"))
        for question, pick in picks:
            typed[question] = answer(page, question, pick)
        page.get_by_role("button", name="Save and continue").click()
    expect(page).to_have_url(re.compile(rf"/sections/{last_section.dimension.code}/$"))
    for question, pick in last_picks[:half]:
        typed[question] = answer(page, question, pick)

    # The session ends on the server (expiry, or a log-out elsewhere) while the officer types.
    Session.objects.all().delete()
    for question, pick in last_picks[half:]:
        typed[question] = answer(page, question, pick)
    comment = f"Comment typed after the session ended on {last_picks[-1][0].code}"
    card(page, last_picks[-1][0]).locator("summary").click()
    card(page, last_picks[-1][0]).get_by_label("Comment (optional)").fill(comment)
    expect(page.locator("#autosave-status")).to_contain_text(
        "Not saved: your session has ended", timeout=AUTOSAVE_WAIT_MS
    )
    assert len(typed) == ANSWERS
    assert len(saved_answers(open_round, officer)) <= ANSWERS - (len(last_picks) - half)

    # Save sends the officer to the login page, and from there back to the section.
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    log_in(page, officer)
    expect(page).to_have_url(re.compile(rf"/sections/{last_section.dimension.code}/$"))
    expect(draft_notice(page)).to_contain_text("Answers you typed here were not saved")
    restore_unsaved_answers(page)

    stored = saved_answers(open_round, officer)
    assert sorted(stored) == sorted(question.code for question in typed)
    wrong = [q.code for q, shown in typed.items() if not _stored_as_typed(q, stored[q.code], shown)]
    assert wrong == []
    assert stored[last_picks[-1][0].code].comment == comment
    page.reload()
    expect(draft_notice(page)).to_have_count(0)
    for question, _pick in last_picks:
        expect_answered(page, question, typed[question])


def test_a_kept_copy_is_offered_only_to_its_own_officer(page, open_round, officer, colleague):
    section = bank_for(open_round.questionnaire).sections[1]
    question = next(q for q in section.questions if q.condition_id is None)
    url = f"/rounds/{open_round.pk}/sections/{section.dimension.code}/"
    log_in(page, officer)
    page.goto(url)
    page.route("**/autosave/", lambda route: route.abort())
    answer(page, question, 1)
    expect(page.locator("#autosave-status")).to_contain_text(
        "Not saved: no connection", timeout=AUTOSAVE_WAIT_MS
    )
    page.unroute("**/autosave/")
    copies = kept_copies(page)
    assert copies == [f"polis-assess-draft:{officer.pk}:{open_round.pk}:{section.dimension.code}"]
    log_out(page)

    # A colleague on the same computer is not shown the officer's answers.
    log_in(page, colleague)
    page.goto(url)
    expect(page.locator("#section-form")).to_be_visible()
    expect(draft_notice(page)).to_have_count(0)
    assert kept_copies(page) == copies
    log_out(page)

    log_in(page, officer)
    page.goto(url)
    notice = draft_notice(page)
    expect(notice).to_be_focused()
    notice.get_by_role("button", name="Discard them").click()
    expect(notice).to_have_text("The unsaved copy was discarded; the page shows the saved answers.")
    assert kept_copies(page) == []
    page.reload()
    expect(page.locator("#section-form")).to_be_visible()
    expect(draft_notice(page)).to_have_count(0)
    assert saved_answers(open_round, officer) == {}
