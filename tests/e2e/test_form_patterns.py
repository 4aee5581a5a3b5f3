"""The section page's GOV.UK patterns in a real browser: the live character count, the option
that stands alone in a practices question, and the section list following each autosave."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from surveys.structure import bank_for
from tests.e2e.pages import card, choose, log_in, saved_answers

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

SAVED = re.compile(r"^Saved at \d\d:\d\d$")


def _question(round_, code):
    bank = bank_for(round_.questionnaire)
    return next(q for q in bank.questions() if q.code == code)


def test_a_comment_box_counts_the_characters_left_and_over_and_announces_it_politely(
    page, open_round, officer
):
    vision = _question(open_round, "strategy-vision")
    log_in(page, officer)
    page.goto(f"/rounds/{open_round.pk}/sections/strategy/")
    box = card(page, vision)
    box.get_by_text("Comment or evidence link").click()
    comment = box.get_by_role("textbox", name="Comment (optional)")
    count = box.locator(".char-count-status")
    live = box.locator("[aria-live=polite]")

    expect(count).to_have_text("You have 5,000 characters remaining")
    # The hint of the limit stays as the box's description, for screen readers.
    expect(comment).to_have_attribute(
        "aria-describedby", re.compile(r"id_strategy-vision__comment_count$")
    )
    comment.fill("x" * 4999)
    expect(count).to_have_text("You have 1 character remaining")
    expect(live).to_have_text("You have 1 character remaining")
    comment.fill("x" * 5100)
    expect(count).to_have_text("You have 100 characters too many")
    expect(count).to_have_class(re.compile(r"\btext-danger\b"))
    # Nothing is cut: the box holds every character typed or pasted.
    assert len(comment.input_value()) == 5100


def test_ticking_none_of_these_unticks_the_practices_and_the_other_way_round(
    page, open_round, officer
):
    practices = _question(open_round, "data-practices")
    labels = {o.code: o.label for o in practices.options.all()}
    log_in(page, officer)
    page.goto(f"/rounds/{open_round.pk}/sections/data-management/")
    group = card(page, practices)
    lineage = group.get_by_role("checkbox", name=labels["lineage"], exact=True)
    none = group.get_by_role("checkbox", name=labels["none"], exact=True)

    lineage.check()
    none.check()
    expect(lineage).not_to_be_checked()
    expect(none).to_be_checked()
    with page.expect_response("**/autosave/"):
        lineage.check()
    expect(none).not_to_be_checked()
    saved = saved_answers(open_round, officer)["data-practices"]
    assert saved.choice_ids == (next(o.pk for o in practices.options.all() if o.code == "lineage"),)


def test_the_section_list_and_progress_line_follow_an_autosave(page, open_round, officer):
    bank = bank_for(open_round.questionnaire)
    section = bank.section("strategy")
    required = sum(1 for q in section.questions if q.required and q.condition_id is None)
    log_in(page, officer)
    page.goto(f"/rounds/{open_round.pk}/sections/strategy/")
    badge = page.locator("#section-nav [data-section=strategy] .section-status")
    line = page.locator("[data-section-progress=strategy]")
    expect(badge).to_have_text(f"0/{required}")

    written = _question(open_round, "strategy-written")
    no = next(o.label for o in written.options.all() if o.code == "no")
    choose(page, written, no)

    expect(badge).to_have_text(f"1/{required}")
    expect(line).to_have_text(f"1 of {required} required questions in this section answered.")
    # The follow-up 1a shown by "yes" joins question 1's count: the total does not move.
    yes = next(o.label for o in written.options.all() if o.code == "yes")
    with page.expect_response("**/autosave/"):
        choose(page, written, yes)
    expect(badge).to_have_text(f"0/{required}")
    follow_up = _question(open_round, "strategy-follow-through")
    expect(card(page, follow_up).locator("[id$=-label]")).to_contain_text("Question 1a")
