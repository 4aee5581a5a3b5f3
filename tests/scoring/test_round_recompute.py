"""Recomputing a round rescores every submitted response and rebuilds its city results, in a
number of queries that does not grow with the responses."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from operations.demo import demo_values
from scoring import engine
from scoring.bridge import engine_bank, engine_response
from scoring.models import CityDimensionResult, CityResult, DimensionScore, ResponseResult
from scoring.services import round_recompute
from surveys.models import Response
from surveys.structure import AnswerValue
from tests import factories
from tests.web import bank_of, option, question, save_answers, submit_answers


@pytest.fixture
def bank(open_round):
    return bank_of(open_round)


def _stored_responses(round_):
    return {
        result.response_id: (
            result.department,
            result.overall_score,
            result.overall_stage,
            {
                score.dimension.code: (
                    score.score,
                    score.stage,
                    score.coverage,
                    score.dont_know_share,
                    score.answered,
                    score.applicable,
                )
                for score in result.dimension_scores.select_related("dimension")
            },
        )
        for result in ResponseResult.objects.filter(round=round_)
    }


def _expected_response(bank, department, values):
    score = engine.score_response(engine_bank(bank), engine_response(bank, department, values))
    return (
        department,
        score.overall_score,
        score.overall_stage,
        {
            item.dimension: (
                item.score,
                item.stage,
                item.coverage,
                item.dont_know_share,
                item.answered,
                item.applicable,
            )
            for item in score.dimensions
        },
    )


def _stored_cities(round_):
    return {
        result.city_id: (
            result.overall_score,
            result.overall_stage,
            result.responses,
            {
                row.dimension.code: (row.score, row.median, row.spread, row.silo, row.departments)
                for row in CityDimensionResult.objects.filter(city_result=result).select_related(
                    "dimension"
                )
            },
        )
        for result in CityResult.objects.filter(round=round_)
    }


def test_recompute_stores_what_the_engine_gives_for_each_submitted_response(
    open_round, bank, officer, colleague
):
    mobility = demo_values(bank, "rotterdam", "Mobility", 3)
    practices = question(bank, "data-practices")
    mobility[practices.pk] = AnswerValue(
        choice_ids=(
            option(bank, "data-practices", "lineage").pk,
            option(bank, "data-practices", "error-reporting").pk,
        )
    )
    it = demo_values(bank, "rotterdam", "IT and data", 4)
    first = submit_answers(open_round, officer, mobility)
    second = submit_answers(open_round, colleague, it)
    ResponseResult.objects.filter(round=open_round).update(overall_score=0)
    DimensionScore.objects.filter(result__round=open_round).delete()
    CityResult.objects.filter(round=open_round).update(responses=99)

    report = round_recompute(round=open_round)

    assert (report.responses, report.cities) == (2, 1)
    assert _stored_responses(open_round) == {
        first.pk: _expected_response(bank, "Mobility", mobility),
        second.pk: _expected_response(bank, "IT and data", it),
    }
    scored = [
        (department, engine.score_response(engine_bank(bank), engine_response(bank, department, v)))
        for department, v in (("Mobility", mobility), ("IT and data", it))
    ]
    city = engine.combine_city(engine_bank(bank), scored)
    assert _stored_cities(open_round) == {
        first.city_id: (
            city.overall_score,
            city.overall_stage,
            2,
            {
                item.dimension: (
                    item.score,
                    item.median,
                    item.spread,
                    item.silo,
                    [
                        {"department": d.department, "score": d.score, "stage": d.stage}
                        for d in item.departments
                    ],
                )
                for item in city.dimensions
            },
        )
    }


def test_recompute_leaves_out_drafts_and_drops_their_stored_scores(
    open_round, bank, officer, colleague
):
    submitted = submit_answers(open_round, officer, demo_values(bank, "rotterdam", "Mobility", 1))
    draft = submit_answers(open_round, colleague, demo_values(bank, "rotterdam", "IT and data", 2))
    Response.objects.filter(pk=draft.pk).update(status=Response.Status.DRAFT)

    report = round_recompute(round=open_round)

    assert (report.responses, report.cities) == (1, 1)
    assert set(
        ResponseResult.objects.filter(round=open_round).values_list("response_id", flat=True)
    ) == {submitted.pk}
    assert CityResult.objects.get(round=open_round).responses == 1


def test_recompute_runs_the_same_queries_for_one_and_five_cities(ddg, bank):
    def round_with(cities):
        round_ = factories.RoundFactory(questionnaire=ddg)
        for n in range(cities):
            place = factories.CityFactory()
            round_.cities.add(place)
            for department in ("Mobility", "IT and data"):
                user = factories.MembershipFactory(city=place, department=department).user
                submit_answers(round_, user, demo_values(bank, place.slug, department, n))
        return round_

    one, five = round_with(1), round_with(5)
    round_recompute(round=one)  # warm-up: the bank's cache
    counts = {}
    for name, round_ in (("one", one), ("five", five)):
        with CaptureQueriesContext(connection) as queries:
            report = round_recompute(round=round_)
        counts[name] = (len(queries), report.responses, report.cities)

    assert counts["one"][1:] == (2, 1)
    assert counts["five"][1:] == (10, 5)
    assert counts["one"][0] == counts["five"][0]


def test_a_draft_answer_counts_for_nothing_until_submitted(open_round, bank, officer):
    save_answers(open_round, officer, demo_values(bank, "rotterdam", "Mobility", 1))

    report = round_recompute(round=open_round)

    assert (report.responses, report.cities) == (0, 0)
    assert not ResponseResult.objects.filter(round=open_round).exists()
