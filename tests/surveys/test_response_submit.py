"""Submitting stores the engine's scores within a small query ceiling, even when the response
changed since the caller read it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from operations.demo import demo_values
from scoring import engine
from scoring.bridge import engine_bank, engine_response
from scoring.models import CityDimensionResult, CityResult, DimensionScore, ResponseResult
from surveys import services as surveys_services
from surveys.models import Response, Round
from surveys.services import (
    ResponseLocked,
    response_get_or_create,
    response_reopen,
    response_submit,
)
from surveys.structure import AnswerValue
from tests import factories
from tests.web import bank_of, option, save_answers, submit_answers

SUBMIT_QUERY_CEILING = 12  # the pages' ceiling in `make bench`


@pytest.fixture
def bank(open_round):
    return bank_of(open_round)


@pytest.fixture
def planner(city):
    return factories.MembershipFactory(city=city, department="Urban planning").user


def _values(bank, user):
    return demo_values(bank, "rotterdam", user.membership.department, 7)


def _engine_score(bank, user, values):
    return engine.score_response(
        engine_bank(bank), engine_response(bank, user.membership.department, values)
    )


def _stored_city(round_, city):
    result = CityResult.objects.get(round=round_, city=city)
    dimensions = {
        row.dimension.code: (row.score, row.median, row.spread, row.departments)
        for row in CityDimensionResult.objects.filter(city_result=result).select_related(
            "dimension"
        )
    }
    return (result.overall_score, result.overall_stage, result.responses), dimensions


def _expected_city(bank, scored):
    city = engine.combine_city(engine_bank(bank), scored)
    dimensions = {
        item.dimension: (
            item.score,
            item.median,
            item.spread,
            [
                {"department": d.department, "score": d.score, "stage": d.stage}
                for d in item.departments
            ],
        )
        for item in city.dimensions
    }
    return (city.overall_score, city.overall_stage, city.responses), dimensions


def _post_submit(client, round_):
    """The submit's queries, without the savepoint statements that only a test has (its own
    transaction turns the submit's transaction into a savepoint)."""
    with CaptureQueriesContext(connection) as queries:
        assert client.post(f"/rounds/{round_.pk}/submit/").status_code == 302
    return sum(1 for query in queries if "SAVEPOINT" not in query["sql"])


def test_submit_stays_within_the_query_ceiling_for_a_citys_first_and_third_response(
    client, open_round, officer, colleague, planner, facilitator, bank
):
    save_answers(open_round, officer, _values(bank, officer))
    client.force_login(officer)

    alone = _post_submit(client, open_round)
    response_reopen(response=Response.objects.get(respondent=officer), by=facilitator)
    for user in (colleague, planner):
        submit_answers(open_round, user, _values(bank, user))
    third = _post_submit(client, open_round)

    # The first also creates the city's result (in a savepoint, in case another submit of the
    # city creates it at the same moment).
    assert alone <= SUBMIT_QUERY_CEILING
    assert third <= SUBMIT_QUERY_CEILING
    assert CityResult.objects.get(round=open_round).responses == 3


def test_submit_stores_the_engines_response_and_city_scores(
    open_round, city, officer, colleague, planner, bank
):
    scored = []
    for user in (officer, colleague, planner):
        values = _values(bank, user)
        submit_answers(open_round, user, values)
        scored.append((user.membership.department, _engine_score(bank, user, values)))

    assert _stored_city(open_round, city) == _expected_city(bank, scored)
    result = ResponseResult.objects.get(response__respondent=planner)
    expected = scored[-1][1]
    assert (result.overall_score, result.overall_stage) == (
        expected.overall_score,
        expected.overall_stage,
    )
    assert sorted(
        DimensionScore.objects.filter(result=result).values_list(
            "dimension__code",
            "score",
            "stage",
            "coverage",
            "dont_know_share",
            "answered",
            "applicable",
        )
    ) == sorted(
        (d.dimension, d.score, d.stage, d.coverage, d.dont_know_share, d.answered, d.applicable)
        for d in expected.dimensions
    )


def test_answers_saved_between_the_submits_read_and_its_write_are_the_ones_scored(
    open_round, officer, bank, monkeypatch
):
    values = _values(bank, officer)
    save_answers(open_round, officer, values)
    vision = option(bank, "strategy-vision", "l4")
    if values[vision.question_id].option_id == vision.pk:
        vision = option(bank, "strategy-vision", "l0")
    changed = {**values, vision.question_id: AnswerValue(option_id=vision.pk)}
    read_answers = surveys_services.answers_load

    def read_then_save(response):
        answers = read_answers(response)
        monkeypatch.setattr(surveys_services, "answers_load", read_answers)
        save_answers(open_round, officer, changed)  # another tab's save lands right here
        return answers

    monkeypatch.setattr(surveys_services, "answers_load", read_then_save)
    read = response_get_or_create(round=open_round, membership=officer.membership)

    submitted = response_submit(response=read, by=officer)

    stored = Response.objects.get(pk=read.pk)
    assert (stored.status, stored.version) == ("submitted", read.version + 2)
    assert (submitted.status, submitted.version) == ("submitted", stored.version)
    expected = _engine_score(bank, officer, changed)
    assert expected.overall_score != _engine_score(bank, officer, values).overall_score
    assert ResponseResult.objects.get(response=stored).overall_score == expected.overall_score


def test_a_second_submit_of_an_old_copy_changes_nothing(open_round, officer, bank):
    save_answers(open_round, officer, _values(bank, officer))
    stale = response_get_or_create(round=open_round, membership=officer.membership)
    first = response_submit(
        response=response_get_or_create(round=open_round, membership=officer.membership),
        by=officer,
    )

    again = response_submit(response=stale, by=officer)

    stored = Response.objects.get(pk=stale.pk)
    assert (again.submitted_at, again.version) == (first.submitted_at, first.version)
    assert (stored.submitted_at, stored.version) == (first.submitted_at, first.version)
    assert ResponseResult.objects.filter(response=stored).count() == 1


def test_a_submit_read_before_the_round_closed_is_refused(open_round, officer, bank):
    save_answers(open_round, officer, _values(bank, officer))
    read = response_get_or_create(round=open_round, membership=officer.membership)
    assert read.round.is_open
    Round.objects.filter(pk=open_round.pk).update(status=Round.Status.CLOSED)

    with pytest.raises(ResponseLocked, match=r"^This round is closed\.$"):
        response_submit(response=read, by=officer)

    assert Response.objects.get(pk=read.pk).status == "draft"
    assert not ResponseResult.objects.exists()
    assert not CityResult.objects.exists()
