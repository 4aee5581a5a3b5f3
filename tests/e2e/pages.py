"""What a person does on the questionnaire pages, as small helpers shared by the browser tests."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from surveys.models import Membership, Question, Response, Round
from surveys.services import answers_load, response_get_or_create
from surveys.structure import AnswerValue, bank_for
from tests.factories import PASSWORD


def log_in(page: Page, user, *, next_url: str = "", password: str = PASSWORD) -> None:
    """Log in through the real login page and wait until it has moved on.

    ``user`` is a user or a username (the demo's accounts use the demo password).
    """
    if not page.url.split("?")[0].endswith("/accounts/login/"):
        page.goto(f"/accounts/login/?next={next_url}" if next_url else "/accounts/login/")
    # By the fields' ids, not their labels: the page is in the browser's language.
    page.locator("#id_username").fill(getattr(user, "username", user))
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def log_out(page: Page) -> None:
    """Log out with the navigation bar's button and wait for the login page."""
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(lambda url: "/accounts/login/" in url)


def card(page: Page, question: Question) -> Locator:
    """A question's block on the section page (answer, comment and evidence link)."""
    return page.locator(f"#q-{question.code}")


def option_labels(question: Question, *, include_special: bool = False) -> list[str]:
    return [o.label for o in question.options.all() if include_special or not o.special]


def choose(page: Page, question: Question, label: str) -> None:
    """Click an option's label, as a person would, and check it took."""
    block = card(page, question)
    block.get_by_text(label, exact=True).click()
    expect(block.get_by_role("radio", name=label, exact=True)).to_be_checked()


def answer(page: Page, question: Question, pick: int) -> list[str]:
    """Answer any kind of question through its widgets; returns what is now chosen or typed.

    ``pick`` varies the choice from question to question.
    """
    block = card(page, question)
    if question.kind in Question.CHOICE_KINDS:
        labels = option_labels(question)
        label = labels[pick % len(labels)]
        choose(page, question, label)
        return [label]
    if question.kind == Question.Kind.MULTI:
        ticked = option_labels(question)[pick % 2 :: 2]
        for label in ticked:
            block.get_by_text(label, exact=True).click()
            expect(block.get_by_role("checkbox", name=label, exact=True)).to_be_checked()
        return ticked
    if question.kind == Question.Kind.NUMBER:
        value = str((question.min_value or 0) + 1 + pick)
        block.get_by_role("textbox").fill(value)
        return [value]
    text = f"Typed answer {pick}"
    block.get_by_label(question.text, exact=True).fill(text)
    return [text]


def expect_answered(page: Page, question: Question, shown: list[str]) -> None:
    """The page shows exactly the answer ``answer`` gave (other options unchecked)."""
    block = card(page, question)
    if question.kind in Question.CHOICE_KINDS or question.kind == Question.Kind.MULTI:
        role = "radio" if question.kind in Question.CHOICE_KINDS else "checkbox"
        for label in option_labels(question, include_special=True):
            widget = block.get_by_role(role, name=label, exact=True)
            if label in shown:
                expect(widget).to_be_checked()
            else:
                expect(widget).not_to_be_checked()
    elif question.kind == Question.Kind.NUMBER:
        expect(block.get_by_role("textbox")).to_have_value(shown[0])
    else:
        expect(block.get_by_label(question.text, exact=True)).to_have_value(shown[0])


def draft_notice(page: Page) -> Locator:
    """The section page's offer of answers that were typed but never reached the server."""
    return page.locator("#draft-notice")


def restore_unsaved_answers(page: Page) -> None:
    """Accept the offer, then wait for the background save of the restored answers."""
    notice = draft_notice(page)
    expect(notice).to_be_focused()
    notice.get_by_role("button", name="Restore my unsaved answers").click()
    expect(notice).to_have_text("Your unsaved answers are back on the page and are being saved.")
    expect(page.locator("#autosave-status")).to_have_text(re.compile(r"^Saved at \d\d:\d\d$"))
    assert kept_copies(page) == []


def kept_copies(page: Page) -> list[str]:
    """The keys of the copies of unsaved answers this browser holds for the site."""
    return page.evaluate(
        "Object.keys(localStorage).filter((key) => key.startsWith('polis-assess-draft:'))"
    )


def progress_value(page: Page) -> int:
    return int(page.get_by_role("progressbar").get_attribute("aria-valuenow") or "-1")


def officer_response(round_: Round, user) -> Response:
    membership = Membership.objects.get(user=user)
    return response_get_or_create(round=round_, membership=membership)


def saved_answers(round_: Round, user) -> dict[str, AnswerValue]:
    """The officer's stored answers by question code, straight from the database."""
    bank = bank_for(round_.questionnaire)
    return {
        bank.questions_by_id[qid].code: value
        for qid, value in answers_load(officer_response(round_, user)).items()
    }


def option_id(question: Question, label: str) -> int:
    return next(o.pk for o in question.options.all() if o.label == label)
