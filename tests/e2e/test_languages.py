"""A Dutch and a French officer do their whole round in their own language, in a real browser.

The Dutch officer keeps the language of their city; the French one, a francophone officer of a
Flemish city, switches. Each answers a section, with a decimal comma, submits, and reads their
results and their PDF report. No English interface text shows on the way.
"""

from __future__ import annotations

import re
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from operations.demo import demo_values
from surveys.models import Answer, Question, Response
from surveys.services import answers_save
from surveys.structure import bank_for
from tests import factories
from tests.e2e.pages import log_in, officer_response
from tests.test_translations import _entries

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

SECTION = "skills"  # Session 1's section with a number question (staff in FTE)
CATALOGUES = Path(settings.BASE_DIR) / "locale"


def _shown_messages(texts: list[str], language: str) -> dict[str, str]:
    """The interface messages (English msgid: translation) whose translation shows in these
    texts: whole sentences and labels of a dozen characters or more, without placeholders."""
    entries = _entries(CATALOGUES / language / "LC_MESSAGES" / "django.po")
    seen = "\n".join(texts)
    return {
        msgid: strings[0]
        for msgid, strings, _flags in entries
        if len(strings[0]) >= 12
        and "%" not in msgid
        and "<" not in msgid
        and strings[0] != msgid
        and strings[0] in seen
    }


def _text(page: Page) -> str:
    return page.locator("body").inner_text()


def _translated(message: str, language: str) -> str:
    with translation.override(language):
        return gettext(message)


def _answer_all_but_the_section(round_, user) -> None:
    bank = bank_for(round_.questionnaire)
    values = demo_values(bank, "x", "Mobility", 1)
    section = bank.section(SECTION)
    for question in section.questions:
        values.pop(question.pk, None)
    response = officer_response(round_, user)
    answers_save(response=response, values=values, expected_version=response.version, by=user)


def _journey(page: Page, round_, user, language: str) -> list[str]:
    """Answer the section (a decimal comma in the number), submit, open results and the PDF;
    return the text of every page on the way."""
    bank = bank_for(round_.questionnaire)
    section = bank.section(SECTION)
    texts = []
    page.goto(f"/rounds/{round_.pk}/sections/{SECTION}/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    for question in section.questions:
        card = page.locator(f"#q-{question.code}")
        if not card.is_visible():
            continue  # a follow-up its gate hides
        if question.kind == Question.Kind.NUMBER:
            card.locator("input[name$=__answer]").fill("12,5")
        elif question.kind in Question.CHOICE_KINDS:
            card.locator(".form-check-label").nth(1).click()
        elif question.kind == Question.Kind.MULTI:
            card.locator(".form-check-label").first.click()
    texts.append(_text(page))
    with page.expect_navigation():
        page.get_by_role("button", name=_translated("Save and continue", language)).click()
    page.goto(f"/rounds/{round_.pk}/review/")
    texts.append(_text(page))
    page.get_by_role("button", name=_translated("Submit answers", language)).click()
    expect(page.locator("#submitted-message")).to_be_visible()
    texts.append(_text(page))
    city = user.membership.city
    page.goto(f"/rounds/{round_.pk}/cities/{city.slug}/results/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    texts.append(_text(page))
    pdf = page.request.get(f"/rounds/{round_.pk}/cities/{city.slug}/report.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    texts.append("\n".join(p.extract_text() for p in PdfReader(BytesIO(pdf.body())).pages))
    return texts


@pytest.fixture
def study_round(ddg):
    round_ = factories.RoundFactory(questionnaire=ddg, title="Ronde 2026")
    return round_


def test_a_dutch_and_a_french_officer_do_their_round_in_their_own_language(
    browser, live_server, study_round
):
    antwerp = factories.CityFactory(name="Antwerpen", slug="antwerpen", country="BE", language="nl")
    mechelen = factories.CityFactory(name="Mechelen", slug="mechelen", country="BE", language="nl")
    study_round.cities.add(antwerp, mechelen)
    dutch = factories.MembershipFactory(city=antwerp, department="Mobiliteit").user
    french = factories.MembershipFactory(city=mechelen, department="Mobilité").user
    for user in (dutch, french):
        _answer_all_but_the_section(study_round, user)

    visits = {}
    for user, language, browser_locale in ((dutch, "nl", "nl-BE"), (french, "fr", "en-GB")):
        context = browser.new_context(base_url=live_server.url, locale=browser_locale)
        page = context.new_page()
        log_in(page, user)
        expect(page.locator("html")).to_have_attribute("lang", "nl")  # their city's language
        if language == "fr":
            page.get_by_role("button", name=re.compile("Français")).click()
            expect(page.locator("html")).to_have_attribute("lang", "fr")
        visits[language] = _journey(page, study_round, user, language)
        context.close()

    for user, language in ((dutch, "nl"), (french, "fr")):
        response = Response.objects.get(round=study_round, respondent=user)
        assert response.status == Response.Status.SUBMITTED
        number = Answer.objects.get(response=response, question__code="skills-staff")
        assert (number.number, number.language) == (Decimal("12.5"), language)
        # At least 20 interface messages show, translated; their English shows nowhere.
        shown = _shown_messages(visits[language], language)
        print(f"\n{language}: {len(shown)} interface messages shown translated")
        assert len(shown) >= 20, shown
        english = [msgid for msgid in shown if any(msgid in text for text in visits[language])]
        assert english == [], f"English on the {language} pages: {english}"
