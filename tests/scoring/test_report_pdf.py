"""The report's PDF read back as a reader gets it: a title that follows the session, every
section, nothing cut off at the page's edges, no table row split across pages, and an appendix
with every question and each department's answer (read without a query per answer)."""

from __future__ import annotations

import datetime
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pypdf
import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image

from operations.demo import demo_values
from scoring.consensus import (
    Agreed,
    consensus_get_or_create,
    consensus_items,
    consensus_publish,
    consensus_save,
)
from scoring.report import report_document
from scoring.report_views import report_context
from surveys.structure import AnswerValue
from tests import factories
from tests.web import attr, bank_of, by_id, find_all, html, submit_answers, text

pytestmark = pytest.mark.django_db

POPPLER = shutil.which("pdftotext") and shutil.which("pdftoppm")
# CI installs poppler-utils (.ci/run); elsewhere `make browser` does.
needs_poppler = pytest.mark.skipif(
    not POPPLER and not os.environ.get("CI"),
    reason="poppler-utils (pdftotext, pdftoppm) not installed: make browser",
)

MM = 72 / 25.4  # PDF points per millimetre
SIDE_MARGIN = 16 * MM  # @page margin in includes/print_styles.html
# A comment long enough that a row holding it is a good part of a page: a page break falls
# inside such rows unless they are kept whole.
LONG_COMMENT = (
    "The mobility team keeps the counts of the shared bikes and e-scooters in a spreadsheet "
    "that is filled in by hand every month from the operators' reports, checked against the "
    "permits and shared with the planning department, which uses it for the parking zones."
)
EVIDENCE = "https://www.rotterdam.nl/mobiliteit/deelmobiliteit/jaarverslag-2024-bijlage-data.pdf"


@pytest.fixture
def sessions(ddg, idm, city, officer, colleague):
    """Rotterdam in Session 2 twice (the second round is the report's, with a change since the
    first), both departments submitted, every answer with a long comment and evidence link."""
    before = factories.RoundFactory(
        questionnaire=idm,
        title="Session 2 — 2022",
        opens_on=datetime.date(2022, 3, 1),
        closes_on=datetime.date(2022, 5, 31),
    )
    now = factories.RoundFactory(
        questionnaire=idm,
        title="Session 2 — 2024",
        opens_on=datetime.date(2024, 3, 1),
        closes_on=datetime.date(2024, 5, 31),
    )
    for round_, salt in ((before, 1), (now, 2)):
        round_.cities.add(city)
        for user in (officer, colleague):
            values = demo_values(bank_of(round_), city.slug, user.membership.department, salt)
            submit_answers(
                round_,
                user,
                {
                    pk: AnswerValue(
                        option_id=value.option_id,
                        choice_ids=value.choice_ids,
                        number=value.number,
                        text=value.text,
                        comment=f"{user.membership.department}: {LONG_COMMENT}",
                        evidence_url=EVIDENCE,
                    )
                    for pk, value in values.items()
                },
            )
    return before, now


@pytest.fixture
def published(sessions, city, facilitator):
    """The facilitator agreed every question on the first department's answer and published."""
    _before, now = sessions
    consensus = consensus_get_or_create(round=now, city=city)
    items = consensus_items(now, city, consensus)
    agreed = {}
    for item in items:
        given = next(a.value for a in item.answers if a.value is not None)
        agreed[item.question.pk] = Agreed(
            AnswerValue(option_id=given.option_id, choice_ids=given.choice_ids)
        )
    consensus = consensus_save(
        consensus=consensus, agreed=agreed, expected_version=consensus.version, by=facilitator
    )
    consensus_publish(
        consensus=consensus,
        items=consensus_items(now, city, consensus),
        expected_version=consensus.version,
        by=facilitator,
    )
    return now


def _report_page(client, user, round_, city, language="en"):
    client.force_login(user)
    client.post("/language/", {"language": language, "next": "/"})
    reply = client.get(f"/rounds/{round_.pk}/cities/{city.slug}/report/")
    assert reply.status_code == 200
    return html(reply)


def _expected_title(city, questionnaire, language: str) -> str:
    with translation.override(language):
        return gettext("%(city)s: where the city stands — %(questionnaire)s") % {
            "city": city.name,
            "questionnaire": getattr(questionnaire, f"title_{language}"),
        }


@pytest.mark.parametrize("language", ["en", "nl", "fr"])
def test_the_title_follows_the_session_in_the_readers_language(
    client, officer, sessions, city, idm, ddg, language
):
    _before, now = sessions

    page = _report_page(client, officer, now, city, language)

    (heading,) = find_all(page, "h1")
    assert text(heading) == _expected_title(city, idm, language)
    with translation.override(language):
        assert text(find_all(page, "title")[0]) == gettext(
            "%(city)s — %(questionnaire)s: report"
        ) % {"city": city.name, "questionnaire": idm.title}
    assert getattr(ddg, f"title_{language}") not in text(page)
    assert "data-driven government" not in text(page).lower()


def test_session_1_keeps_its_own_title(client, officer, open_round, city, ddg):
    submit_answers(open_round, officer, demo_values(bank_of(open_round), city.slug, "Mobility", 3))

    page = _report_page(client, officer, open_round, city)

    assert (
        text(find_all(page, "h1")[0]) == "Rotterdam: where the city stands — Data-Driven Government"
    )


def test_without_a_published_consensus_or_earlier_round_those_sections_are_left_out(
    client, officer, sessions, city
):
    before, _now = sessions

    page = _report_page(client, officer, before, city)

    assert find_all(page, "section", id="agreed-result") == []
    assert find_all(page, "section", id="own-change") == []
    assert find_all(page, "section", id="appendix")


# --- The PDF, laid out once and read back every way -------------------------------------------


@pytest.fixture
def laid_out(rf: RequestFactory, client, facilitator, published, city):
    """Session 2's French report (the longest texts) with its change since the previous round
    and its agreed result, laid out in pages, and the same pages as PDF bytes."""
    request = rf.get(f"/rounds/{published.pk}/cities/{city.slug}/report.pdf")
    request.user = facilitator
    request.session = client.session
    with translation.override("fr"):
        request.LANGUAGE_CODE = "fr"
        document = report_document(request, report_context(published, city, facilitator))
        pdf = document.write_pdf()
    return document, pdf


def _pages_text(pdf: bytes) -> list[str]:
    """Each page's text, the white space of wrapped lines made single spaces."""
    return [
        re.sub(r"(\w)- (\w)", r"\1-\2", " ".join(page.extract_text().split()))
        for page in pypdf.PdfReader(io.BytesIO(pdf)).pages
    ]


def _word_boxes(pdf: bytes, tmp_path: Path) -> list[tuple[int, float, float, float, str]]:
    """(page, page width, left, right, word) for every word poppler finds on the pages."""
    source = tmp_path / "report.pdf"
    source.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-bbox", str(source), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    boxes = []
    page_number, width = 0, 0.0
    for line in out.splitlines():
        if page := re.search(r'<page width="([\d.]+)"', line):
            page_number += 1
            width = float(page.group(1))
        elif word := re.search(
            r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>(.*)</word>', line
        ):
            boxes.append(
                (page_number, width, float(word.group(1)), float(word.group(2)), word.group(3))
            )
    return boxes


def test_the_pdf_states_the_sessions_title_and_has_every_section(laid_out, sessions, city, idm):
    _document, pdf = laid_out
    before, _now = sessions

    pages = _pages_text(pdf)

    assert _expected_title(city, idm, "fr") in pages[0]
    with translation.override("fr"):
        assert pypdf.PdfReader(io.BytesIO(pdf)).metadata.title == gettext(
            "%(city)s — %(questionnaire)s: report"
        ) % {"city": city.name, "questionnaire": idm.title_fr}
        headings = [
            gettext("Overall"),
            gettext("Self-assessed and agreed result"),
            gettext("Change since %(previous)s") % {"previous": before.title},
            gettext("Score and stage per dimension"),
            gettext("Departments"),
            gettext("Next steps"),
            gettext("Appendix: every question and each department's answer"),
        ]
    words = " ".join(pages)
    assert [heading for heading in headings if heading not in words] == []
    assert words.find(headings[0]) < words.find(headings[-1])
    appendix = next(i for i, page in enumerate(pages) if headings[-1] in page)
    assert 0 < appendix < len(pages) - 1  # on a page of its own, and continued


@needs_poppler
def test_no_text_is_clipped_every_word_stays_within_the_page_margins(laid_out, published, tmp_path):
    _document, pdf = laid_out

    boxes = _word_boxes(pdf, tmp_path)

    assert len({page for page, *_rest in boxes}) == len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    outside = [
        (page, round(left), round(right), word)
        for page, width, left, right, word in boxes
        if left < SIDE_MARGIN - 1 or right > width - SIDE_MARGIN + 1
    ]
    assert outside == []
    # Each dimension's title is written whole beside its bar (wrapped, never shortened) and in
    # the tables: three times at least.
    words = " ".join(_pages_text(pdf))
    with translation.override("fr"):
        titles = [section.dimension.title for section in bank_of(published).sections]
    assert [title for title in titles if words.count(title) < 3] == []


@needs_poppler
def test_every_page_image_has_content_and_nothing_touches_its_edges(laid_out, tmp_path):
    _document, pdf = laid_out
    (tmp_path / "report.pdf").write_bytes(pdf)

    subprocess.run(
        ["pdftoppm", "-r", "40", "-gray", str(tmp_path / "report.pdf"), str(tmp_path / "page")],
        check=True,
    )

    images = sorted(tmp_path.glob("page-*.pgm"))
    assert len(images) == len(pypdf.PdfReader(io.BytesIO(pdf)).pages) > 3
    margin = round(SIDE_MARGIN / 72 * 40) - 2  # the side margins in pixels, less anti-aliasing
    for image_path in images:
        with Image.open(image_path) as image:
            width, _height = image.size
            content = image.point(lambda value: 255 if value < 200 else 0).getbbox()
        assert content is not None, f"{image_path.name} is blank"
        left, _top, right, _bottom = content
        assert left >= margin, f"{image_path.name}: content {left} px from the left edge"
        assert right <= width - margin, (
            f"{image_path.name}: content {width - right} px from the right edge"
        )


def test_no_table_row_is_split_across_pages(laid_out):
    document, _pdf = laid_out

    pages_of_row: dict[object, set[int]] = {}
    header_rows = set()  # a table's header row is repeated on purpose on every page it spans
    for number, page in enumerate(document.pages):
        for box in page._page_box.descendants():
            if getattr(box, "element_tag", None) == "thead":
                header_rows.update(box.element.iter("tr"))
            elif getattr(box, "element_tag", None) == "tr":
                pages_of_row.setdefault(box.element, set()).add(number)
    for row in header_rows:
        pages_of_row.pop(row, None)

    assert len(document.pages) > 10
    assert len(pages_of_row) > 100
    assert [row for row, pages in pages_of_row.items() if len(pages) > 1] == []


def test_the_appendix_lists_every_question_with_each_departments_answer(
    client, officer, sessions, city
):
    _before, now = sessions
    client.force_login(officer)

    page = html(client.get(f"/rounds/{now.pk}/cities/{city.slug}/report/"))

    appendix = by_id(page, "appendix")
    bank = bank_of(now)
    assert [text(h) for h in find_all(appendix, "h3")] == [s.dimension.title for s in bank.sections]
    questions = find_all(appendix, "div", class_="appendix-question")
    assert [text(find_all(q, "p")[0]) for q in questions] == [q.text for q in bank.questions()]
    vision = next(
        q for q in questions if text(find_all(q, "p")[0]) == bank.sections[0].questions[0].text
    )
    rows = [
        [text(cell) for cell in find_all(row, "th") + find_all(row, "td")]
        for row in find_all(vision, "tr")[1:]
    ]
    assert [(row[0], row[2], row[3]) for row in rows] == [
        ("IT and data", f"IT and data: {LONG_COMMENT}".strip(), EVIDENCE),
        ("Mobility", f"Mobility: {LONG_COMMENT}".strip(), EVIDENCE),
    ]
    assert all(row[1] not in {"", "—", "Not answered"} for row in rows)
    links = [a for a in find_all(vision, "a") if attr(a, "href") == EVIDENCE]
    assert len(links) == 2


def test_the_appendix_reads_answers_without_a_query_per_question_or_department(
    client, facilitator, sessions, city, ddg
):
    _before, now = sessions
    client.force_login(facilitator)
    url = f"/rounds/{now.pk}/cities/{city.slug}/report/"
    client.get(url)  # the bank's structure is cached after the first page

    with CaptureQueriesContext(connection) as two_departments:
        client.get(url)
    third = factories.MembershipFactory(city=city, department="Urban planning").user
    submit_answers(now, third, demo_values(bank_of(now), city.slug, "Urban planning", 2))
    with CaptureQueriesContext(connection) as three_departments:
        page = client.get(url)

    assert "Urban planning" in text(by_id(html(page), "appendix"))
    assert len(three_departments) == len(two_departments)
