"""The database itself refuses rows that break the domain's rules (constraints, not Python)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from surveys.models import (
    Answer,
    Dimension,
    Option,
    Question,
    Questionnaire,
    Response,
    Stage,
)
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def questionnaire():
    return Questionnaire.objects.create(key="model-test", version=1, title_en="Model test")


@pytest.fixture
def question(questionnaire):
    dimension = Dimension.objects.create(questionnaire=questionnaire, code="dim", title_en="Dim")
    return Question.objects.create(dimension=dimension, code="q1", text_en="Question one?")


@pytest.fixture
def response(open_round, officer):
    return factories.ResponseFactory(
        round=open_round, city=open_round.cities.get(slug="rotterdam"), respondent=officer
    )


def _constraint_name(error: pytest.ExceptionInfo[IntegrityError]) -> str:
    return error.value.__cause__.diag.constraint_name


def test_questionnaire_key_and_version_are_unique(questionnaire):
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        Questionnaire.objects.create(key="model-test", version=1, title_en="Same key and version")
    assert _constraint_name(error) == "questionnaire_key_version"


def test_same_key_with_next_version_is_accepted(questionnaire):
    second = Questionnaire.objects.create(key="model-test", version=2, title_en="Next version")
    assert list(
        Questionnaire.objects.filter(key="model-test").values_list("version", flat=True)
    ) == [
        2,
        1,
    ]
    assert second.status == "draft"


def test_option_level_above_4_is_rejected(question):
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        Option.objects.create(question=question, code="l7", label_en="Level 7", level=7)
    assert _constraint_name(error) == "option_level_range"


def test_option_levels_0_to_4_are_accepted(question):
    for level in range(5):
        Option.objects.create(
            question=question, code=f"l{level}", label_en=f"L{level}", level=level
        )
    assert list(question.options.values_list("level", flat=True)) == [0, 1, 2, 3, 4]


def test_special_option_with_a_level_is_rejected(question):
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        Option.objects.create(
            question=question, code="dont-know", label_en="Don't know", special="dont_know", level=2
        )
    assert _constraint_name(error) == "option_special_has_no_level"


def test_special_option_without_a_level_is_accepted(question):
    option = Option.objects.create(
        question=question, code="dont-know", label_en="Don't know", special="dont_know"
    )
    assert (option.special, option.level) == ("dont_know", None)


@pytest.mark.parametrize("level", [0, 6])
def test_stage_level_outside_1_to_5_is_rejected(questionnaire, level):
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        Stage.objects.create(
            questionnaire=questionnaire, level=level, name_en="Out of range", min_score=Decimal(0)
        )
    assert _constraint_name(error) == "stage_level_range"


def test_round_closing_before_it_opens_is_rejected(ddg):
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        factories.RoundFactory(
            questionnaire=ddg,
            opens_on=datetime.date(2021, 9, 30),
            closes_on=datetime.date(2021, 9, 29),
        )
    assert _constraint_name(error) == "round_opens_before_closes"


def test_round_opening_and_closing_on_the_same_day_is_accepted(ddg):
    round_ = factories.RoundFactory(
        questionnaire=ddg, opens_on=datetime.date(2021, 9, 30), closes_on=datetime.date(2021, 9, 30)
    )
    assert round_.pk is not None


def test_second_response_for_the_same_round_and_respondent_is_rejected(response):
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        factories.ResponseFactory(
            round=response.round, city=response.city, respondent=response.respondent
        )
    assert _constraint_name(error) == "response_one_per_round_and_respondent"


def test_same_respondent_may_respond_in_another_round(response, ddg):
    other_round = factories.RoundFactory(questionnaire=ddg)
    other = factories.ResponseFactory(
        round=other_round, city=response.city, respondent=response.respondent
    )
    assert Response.objects.filter(respondent=response.respondent).count() == 2
    assert other.round == other_round


def test_second_answer_to_the_same_question_in_a_response_is_rejected(response, ddg):
    question = Question.objects.filter(dimension__questionnaire=ddg).first()
    Answer.objects.create(response=response, question=question, text="first")
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        Answer.objects.create(response=response, question=question, text="second")
    assert _constraint_name(error) == "answer_one_per_question"
    assert list(Answer.objects.filter(response=response).values_list("text", flat=True)) == [
        "first"
    ]
