"""With the keyboard alone an officer logs in, completes a section, saves, reviews and submits;
whatever has focus shows it (WCAG 2.1.1 Keyboard, 2.4.7 Focus Visible)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from operations.demo import demo_values
from surveys.models import Question, Response
from surveys.services import answers_save
from surveys.structure import AnswerValue, bank_for
from tests.e2e.pages import officer_response, option_labels, saved_answers
from tests.factories import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

MAX_TABS = 120
COMMENT = "Figures from the 2024 data strategy."

# What has focus, and whether it shows: an outline of 2 px or more, or a box shadow.
FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const block = el.closest("[data-question]");
  return {
    tag: el.tagName.toLowerCase(), type: el.type || "", name: el.name || "",
    text: (el.innerText || "").trim(), label: el.labels && el.labels.length ? el.labels[0].innerText.trim() : "",
    question: block ? block.dataset.question : "", checked: Boolean(el.checked),
    visible: el !== document.body && (
      (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2) || style.boxShadow !== "none"),
  };
}"""


class Keyboard:
    """Presses keys on a page and checks after each one that focus is visible somewhere."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.steps = 0

    def press(self, key: str) -> dict:
        self.page.keyboard.press(key)
        self.steps += 1
        focused = self.page.evaluate(FOCUSED)
        assert focused["visible"], f"no visible focus after {key}: {focused}"
        return focused

    def tab_to(self, wanted, *, backwards: bool = False) -> dict:
        """Tab (or Shift+Tab) until ``wanted(focused)`` holds, if it does not already."""
        focused = self.page.evaluate(FOCUSED)
        if wanted(focused):
            return focused
        for _ in range(MAX_TABS):
            focused = self.press("Shift+Tab" if backwards else "Tab")
            if wanted(focused):
                return focused
        raise AssertionError(f"never reached the element in {MAX_TABS} presses")

    def activate(self, key: str = "Enter") -> None:
        """Press a link or button that leads to another page, and wait for it."""
        with self.page.expect_navigation():
            self.page.keyboard.press(key)
        self.steps += 1


def _button(text: str):
    return lambda focused: focused["tag"] in {"button", "a"} and focused["text"] == text


def _answer_all_sections_but_the_first(round_, officer) -> None:
    bank = bank_for(round_.questionnaire)
    first = {q.pk for q in bank.sections[0].questions}
    values = {
        pk: value
        for pk, value in demo_values(bank, "rotterdam", "Mobility", 7).items()
        if pk not in first
    }
    response = officer_response(round_, officer)
    answers_save(response=response, values=values, expected_version=response.version, by=officer)


def _answer_with_keys(
    keys: Keyboard, question: Question, focused: dict, pick: int, reveal: str | None
) -> list[str]:
    """Answer the question whose first control has focus; returns what is chosen or typed.

    ``reveal`` is the option that shows a further question, chosen when there is one.
    """
    page = keys.page
    if question.kind in Question.CHOICE_KINDS:
        # One tab stop per group; the arrow keys move through it and choose as they go.
        wanted = reveal or option_labels(question)[pick % len(option_labels(question))]
        if focused["label"] == wanted:
            focused = keys.press("Space")
        for _ in range(question.options.count()):
            if focused["label"] == wanted and focused["checked"]:
                return [wanted]
            focused = keys.press("ArrowDown")
        raise AssertionError(f"could not choose {wanted!r} in {question.code}")
    if question.kind == Question.Kind.MULTI:
        # Every checkbox is a tab stop: Space ticks the wanted ones on the way through.
        wanted = option_labels(question)[pick % 2 :: 2]
        name = focused["name"]
        while focused["name"] == name:
            if focused["label"] in wanted and not focused["checked"]:
                focused = keys.press("Space")
            focused = keys.press("Tab")
        keys.press("Shift+Tab")  # back on the last checkbox, so the caller's Tab moves on
        return wanted
    value = (
        str((question.min_value or 0) + 1 + pick)
        if question.kind == Question.Kind.NUMBER
        else f"Typed answer {pick}"
    )
    page.keyboard.type(value)
    return [value]


def _shown(question: Question, value: AnswerValue) -> list[str]:
    """A stored answer as the labels or text the page showed for it."""
    labels = {o.pk: o.label for o in question.options.all()}
    if question.kind in Question.CHOICE_KINDS:
        return [labels[value.option_id]]
    if question.kind == Question.Kind.MULTI:
        return [labels[pk] for pk in value.choice_ids]
    if question.kind == Question.Kind.NUMBER:
        return [format(value.number.normalize(), "f")]
    return [value.text]


def test_officer_completes_a_section_and_submits_with_the_keyboard_alone(page, open_round, officer):
    bank = bank_for(open_round.questionnaire)
    section = bank.sections[0]
    by_code = {q.code: q for q in section.questions}
    reveals = {
        bank.options_by_id[q.condition_id].question_id: bank.options_by_id[q.condition_id].label
        for q in section.questions
        if q.condition_id
    }
    _answer_all_sections_but_the_first(open_round, officer)
    keys = Keyboard(page)

    # Log in (the username field has focus when the page opens).
    page.goto(f"/accounts/login/?next=/rounds/{open_round.pk}/")
    keys.tab_to(lambda f: f["name"] == "username")
    page.keyboard.type(officer.username)
    keys.press("Tab")
    page.keyboard.type(PASSWORD)
    keys.activate("Enter")
    expect(page).to_have_url(re.compile(rf"/sections/{section.dimension.code}/$"))

    # The skip link is the first stop and jumps past the navigation.
    skip = keys.press("Tab")
    assert skip["text"] == "Skip to main content"
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()

    chosen: dict[str, list[str]] = {}
    commented = False
    focused = keys.tab_to(lambda f: f["name"].endswith("__answer"))
    while not _button("Save")(focused):
        name = focused["name"]
        if name.endswith("__answer") and focused["question"] not in chosen:
            question = by_code[focused["question"]]
            chosen[question.code] = _answer_with_keys(
                keys, question, focused, len(chosen), reveals.get(question.pk)
            )
            if question.kind in {Question.Kind.NUMBER, Question.Kind.TEXT} and not commented:
                # Back and forth: Shift+Tab leaves the field, Tab returns to what was typed.
                keys.press("Shift+Tab")
                back = keys.press("Tab")
                assert back["name"] == name
        elif focused["tag"] == "summary" and not commented:
            # Enter opens "Comment or evidence link"; the comment box is the next stop.
            page.keyboard.press("Enter")
            focused = keys.press("Tab")
            assert focused["name"].endswith("__comment")
            page.keyboard.type(COMMENT)
            commented = focused["question"]
        focused = keys.press("Tab")

    visible = [q.code for q in section.questions if page.locator(f"#q-{q.code}").is_visible()]
    assert sorted(chosen) == sorted(visible)
    assert any(by_code[code].condition_id for code in chosen), "a conditional question was shown"
    keys.activate("Enter")
    expect(page.get_by_role("status").filter(has_text="Your answers were saved at")).to_be_visible()

    stored = {
        code: value for code, value in saved_answers(open_round, officer).items() if code in by_code
    }
    assert {code: _shown(by_code[code], value) for code, value in stored.items()} == chosen
    assert stored[commented].comment == COMMENT

    keys.tab_to(_button("Review and submit"))
    keys.activate("Enter")
    expect(page).to_have_url(re.compile(rf"/rounds/{open_round.pk}/review/$"))
    expect(page.locator("#missing-summary")).to_have_count(0)

    keys.tab_to(_button("Submit answers"))
    keys.activate("Space")
    expect(page.locator("#submitted-message")).to_be_visible()
    assert officer_response(open_round, officer).status == Response.Status.SUBMITTED
    assert keys.steps > 40
