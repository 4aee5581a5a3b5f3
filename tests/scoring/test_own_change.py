"""An officer's results and report show their city's change since its previous round."""

from __future__ import annotations

import datetime

import pytest

from operations.demo import demo_values
from scoring.change import city_change
from scoring.models import CityDimensionResult, CityResult
from tests import factories
from tests.web import bank_of, by_id, find_all, html, submit_answers, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_rounds(ddg, city, officer):
    before = factories.RoundFactory(
        questionnaire=ddg,
        title="Session 1 (2021)",
        opens_on=datetime.date(2021, 6, 1),
        closes_on=datetime.date(2021, 9, 30),
    )
    now = factories.RoundFactory(
        questionnaire=ddg,
        title="Session 1 follow-up (2023)",
        opens_on=datetime.date(2023, 3, 1),
        closes_on=datetime.date(2023, 5, 31),
    )
    for round_, salt in ((before, 1), (now, 7)):
        round_.cities.add(city)
        submit_answers(round_, officer, demo_values(bank_of(round_), city.slug, "Mobility", salt))
    return before, now


def test_the_change_compares_each_dimension_and_overall_with_the_previous_round(two_rounds, city):
    before, now = two_rounds

    change = city_change(now, city)

    assert change.previous == before
    stored = {
        (row.city_result.round_id, row.dimension.code): (row.score, row.stage)
        for row in CityDimensionResult.objects.select_related("city_result", "dimension")
    }
    for row in change.rows[:-1]:
        assert (row.before, row.stage_before.level) == stored[(before.pk, row.code)]
        assert (row.after, row.stage_after.level) == stored[(now.pk, row.code)]
    overall = change.rows[-1]
    assert (overall.code, overall.before, overall.after) == (
        "",
        CityResult.objects.get(round=before).overall_score,
        CityResult.objects.get(round=now).overall_score,
    )
    assert city_change(before, city) is None  # no earlier round


def test_an_officer_sees_the_change_on_the_results_page_and_in_the_report(
    client, two_rounds, city, officer
):
    before, now = two_rounds
    client.force_login(officer)

    for url in (
        f"/rounds/{now.pk}/cities/{city.slug}/results/",
        f"/rounds/{now.pk}/cities/{city.slug}/report/",
    ):
        page = html(client.get(url))
        section = by_id(page, "own-change")
        assert f"Change since {before.title}" in text(section)
        rows = find_all(by_id(page, "own-change-table"), "tr")
        assert len(rows) == 1 + len(bank_of(now).sections) + 1  # header, dimensions, overall
        assert text(rows[-1]).startswith("Overall")
    results = client.get(f"/rounds/{now.pk}/cities/{city.slug}/results/")
    assert b'id="own-change-figure"' in results.content
    first = client.get(f"/rounds/{before.pk}/cities/{city.slug}/results/")
    assert b'id="own-change"' not in first.content


def test_the_scoring_page_explains_each_banks_stages_and_is_linked_from_results(
    client, open_round, city, officer, ddg, idm
):
    client.force_login(officer)

    page = text(html(client.get("/how-scoring-works/")))

    for bank in (ddg, idm):
        for stage in bank.stages.all():
            assert f"{stage.level} · {stage.name}" in page
    assert "(4/4 + 2/4) ÷ 2 × 100 = 75" in page
    results = client.get(f"/rounds/{open_round.pk}/cities/{city.slug}/results/")
    assert b'href="/how-scoring-works/"' in results.content
