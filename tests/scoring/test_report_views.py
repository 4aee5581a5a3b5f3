"""The per-city report: a printable page with a vector bar chart, and the same page as a PDF."""

from __future__ import annotations

import io

import pypdf
import pytest
from django.urls import reverse
from pypdf.generic import ContentStream

from operations.demo import demo_values
from scoring.models import CityDimensionResult, CityResult
from surveys.models import Recommendation
from tests.web import attr, bank_of, by_id, find_all, html, submit_answers, text

# The bars' fill colour (#0072B2) as PDF RGB operands, rounded to three places.
BAR_RGB = (0.0, 0.447, 0.698)
PLOT_WIDTH = 320  # the chart's 640 units less the 260 for labels and 60 for the score text


@pytest.fixture
def bank(open_round):
    return bank_of(open_round)


@pytest.fixture
def submitted(open_round, bank, officer, colleague):
    """Rotterdam's Mobility and IT officers have submitted; Valenciennes has not."""
    for user in (officer, colleague):
        department = user.membership.department
        submit_answers(open_round, user, demo_values(bank, "rotterdam", department, 5))
    return CityResult.objects.get(round=open_round, city__slug="rotterdam")


@pytest.fixture
def facilitator_client(client, facilitator):
    client.force_login(facilitator)
    return client


def _page_url(round_, city):
    return reverse("scoring:city_report", kwargs={"round_id": round_.pk, "city_slug": city.slug})


def _pdf_url(round_, city):
    return reverse(
        "scoring:city_report_pdf", kwargs={"round_id": round_.pk, "city_slug": city.slug}
    )


def _stage(bank, level):
    return next(stage for stage in bank.stages if stage.level == level)


def _dimension_rows(result):
    return sorted(
        CityDimensionResult.objects.filter(city_result=result).select_related("dimension"),
        key=lambda row: row.dimension.position,
    )


# --- The printable page -----------------------------------------------------------------------


def test_report_page_names_the_city_and_its_overall_stage(
    facilitator_client, open_round, city, bank, submitted
):
    page = facilitator_client.get(_page_url(open_round, city))

    assert page.status_code == 200
    tree = html(page)
    (heading,) = find_all(tree, "h1")
    assert text(heading) == "Rotterdam: where the city stands — Data-Driven Government"
    stage = _stage(bank, submitted.overall_stage)
    (overall,) = find_all(tree, "p", class_="stage")
    assert text(overall) == (
        f"Stage {stage.level} of 5: {stage.name} — score {submitted.overall_score:.1f} / 100"
    )


def test_report_page_lists_every_dimension_with_its_score_and_stage(
    facilitator_client, open_round, city, bank, submitted
):
    page = facilitator_client.get(_page_url(open_round, city))

    table = find_all(html(page), "table")[0]
    rows = [
        (text(find_all(row, "th")[0]), [text(cell) for cell in find_all(row, "td")][:2])
        for row in find_all(table, "tr")[1:]
    ]
    assert rows == [
        (row.dimension.title, [f"{row.score:.1f}", f"{row.stage} · {_stage(bank, row.stage).name}"])
        for row in _dimension_rows(submitted)
    ]
    assert len(rows) == len(bank.sections)


def test_report_page_draws_one_inline_svg_bar_per_dimension(
    facilitator_client, open_round, city, bank, submitted
):
    page = facilitator_client.get(_page_url(open_round, city))

    # The report's first picture; the data-sharing network's follows it.
    (chart,) = find_all(html(page), "svg", aria_labelledby="bars-title")
    bars = find_all(chart, "rect")
    assert len(bars) == len(bank.sections)
    expected = [row.score / 100 * PLOT_WIDTH for row in _dimension_rows(submitted)]
    assert [float(attr(bar, "width")) for bar in bars] == pytest.approx(expected, abs=0.051)
    labels = [text(label) for label in find_all(chart, "text", font_size="12")]
    assert labels == [s.dimension.title for s in bank.sections]


def test_report_page_lists_the_next_steps_weakest_dimension_first(
    facilitator_client, open_round, city, submitted
):
    page = facilitator_client.get(_page_url(open_round, city))

    below_top = sorted(
        (row for row in _dimension_rows(submitted) if row.stage < 5),
        key=lambda row: (row.score, row.dimension.position),
    )
    assert below_top, "the demo answers leave some dimension below the top stage"
    tree = html(page)
    assert [text(h) for h in find_all(by_id(tree, "next-steps"), "h3")] == [
        f"{row.dimension.title}: stage {row.stage} → {row.stage + 1}" for row in below_top
    ]
    weakest = below_top[0]
    titles = Recommendation.objects.filter(
        dimension=weakest.dimension, stage_level=weakest.stage + 1
    ).values_list("title_en", flat=True)
    assert titles
    content = text(tree)
    assert all(f"{title}." in content for title in titles)


def test_report_of_a_city_without_submissions_says_no_results_yet(
    facilitator_client, open_round, other_city, submitted
):
    page = facilitator_client.get(_page_url(open_round, other_city))

    assert page.status_code == 200
    assert "No results yet: no officer of this city has submitted." in page.content.decode()
    assert find_all(html(page), "svg") == []


# --- Access -----------------------------------------------------------------------------------


def test_officer_of_the_city_can_open_its_report(client, open_round, city, officer, submitted):
    client.force_login(officer)

    assert client.get(_page_url(open_round, city)).status_code == 200


def test_officer_of_another_city_does_not_find_the_report(
    client, open_round, city, foreign_officer, submitted
):
    client.force_login(foreign_officer)

    assert client.get(_page_url(open_round, city)).status_code == 404
    assert client.get(_pdf_url(open_round, city)).status_code == 404


# --- The PDF ----------------------------------------------------------------------------------


def _bars_drawn(reader):
    """Rectangles filled in the bar colour, across every page's content stream.

    WeasyPrint draws an SVG <rect> as vector operators (``x y w h re`` then ``f``) after
    setting the fill colour with ``r g b rg``; a raster image would show up as an XObject
    instead, so this counts only true vector bars.
    """
    count = 0
    for page in reader.pages:
        fill = None
        pending = False
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"rg":
                fill = tuple(round(float(value), 3) for value in operands)
            elif operator == b"re":
                pending = True
            elif operator in (b"f", b"f*", b"F"):
                count += pending and fill == BAR_RGB
                pending = False
            elif operator in (b"n", b"S", b"B", b"b", b"W"):
                pending = pending and operator == b"W"
    return count


def test_pdf_download_is_a_pdf_attachment_stating_the_city_and_its_stage(
    facilitator_client, open_round, city, bank, submitted
):
    reply = facilitator_client.get(_pdf_url(open_round, city))

    assert reply.status_code == 200
    assert reply["Content-Type"] == "application/pdf"
    assert reply["Content-Disposition"] == (
        'attachment; filename="polis-assess-rotterdam-session-1-test-round.pdf"'
    )
    assert reply.content.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(reply.content))
    words = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    stage = _stage(bank, submitted.overall_stage)
    assert "Rotterdam: where the city stands" in words
    assert f"Stage {stage.level} of 5: {stage.name}" in words
    assert _bars_drawn(reader) == len(bank.sections)
