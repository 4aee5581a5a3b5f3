"""Department divergence: questions a city's departments answer two or more levels apart, and
each department's share of "don't know" answers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from operations.demo import demo_values
from scoring.divergence import divergence_for
from surveys.models import Option
from surveys.structure import AnswerValue
from tests import factories
from tests.web import bank_of, by_id, find_all, html, option, question, submit_answers, text

QUESTION = "strategy-vision"
# With the three yes/no gate questions answered "no", their follow-up questions stay hidden and
# 46 scored questions are shown: 43 maturity scales and 3 practice lists.
SCORED_SHOWN = 46
GATES = ("strategy-written", "governance-policy", "infra-platform")
DONT_KNOW = ("strategy-sponsor", "data-quality", "skills-roles")


@pytest.fixture
def bank(open_round):
    return bank_of(open_round)


@pytest.fixture
def base(bank):
    """One complete answer set without any "don't know", given by every officer unless changed."""
    values = demo_values(bank, "rotterdam", "Mobility", 1)
    for question_id, value in list(values.items()):
        chosen = bank.options_by_id.get(value.option_id) if value.option_id else None
        if chosen is not None and chosen.special == Option.Special.DONT_KNOW:
            code = bank.questions_by_id[question_id].code
            values[question_id] = AnswerValue(option_id=option(bank, code, "l2").pk)
    for code in GATES:
        values[question(bank, code).pk] = AnswerValue(option_id=option(bank, code, "no").pk)
    for code in ("strategy-follow-through", "governance-policy-practice", "infra-platform-use"):
        values.pop(question(bank, code).pk, None)
    return values


def _at_level(bank, values, level, code=QUESTION):
    return {
        **values,
        question(bank, code).pk: AnswerValue(option_id=option(bank, code, f"l{level}").pk),
    }


def _summary(round_, city):
    return [
        (item.question.code, item.levels, item.gap)
        for item in divergence_for(round_, city).questions
    ]


@pytest.mark.parametrize(
    ("mobility", "it", "listed"),
    [
        (0, 3, [(QUESTION, {"IT and data": 3.0, "Mobility": 0.0}, 3.0)]),
        (3, 1, [(QUESTION, {"IT and data": 1.0, "Mobility": 3.0}, 2.0)]),
        (1, 2, []),
        (2, 2, []),
    ],
)
def test_questions_two_or_more_levels_apart_are_listed(
    open_round, city, bank, base, officer, colleague, mobility, it, listed
):
    submit_answers(open_round, officer, _at_level(bank, base, mobility))
    submit_answers(open_round, colleague, _at_level(bank, base, it))

    assert _summary(open_round, city) == listed


def test_officers_of_one_department_are_averaged(open_round, city, bank, base, officer, colleague):
    second = factories.MembershipFactory(city=city, department="Mobility").user
    submit_answers(open_round, officer, _at_level(bank, base, 0))
    submit_answers(open_round, second, _at_level(bank, base, 1))
    submit_answers(open_round, colleague, _at_level(bank, base, 3))

    assert _summary(open_round, city) == [(QUESTION, {"IT and data": 3.0, "Mobility": 0.5}, 2.5)]


def test_averaging_can_bring_a_department_within_one_level(
    open_round, city, bank, base, officer, colleague
):
    second = factories.MembershipFactory(city=city, department="Mobility").user
    submit_answers(open_round, officer, _at_level(bank, base, 0))
    submit_answers(open_round, second, _at_level(bank, base, 4))
    submit_answers(open_round, colleague, _at_level(bank, base, 3))

    assert _summary(open_round, city) == []


def test_dont_know_share_is_dont_know_answers_over_scored_questions_shown(
    open_round, city, bank, base, officer, colleague
):
    unsure = dict(base)
    for code in DONT_KNOW:
        unsure[question(bank, code).pk] = AnswerValue(option_id=option(bank, code, "dont-know").pk)
    submit_answers(open_round, officer, base)
    submit_answers(open_round, colleague, unsure)

    divergence = divergence_for(open_round, city)

    assert divergence.departments == ["IT and data", "Mobility"]
    assert divergence.dont_know_share == {
        "IT and data": len(DONT_KNOW) / SCORED_SHOWN,
        "Mobility": 0.0,
    }


def test_drafts_are_left_out(open_round, city, bank, base, officer, colleague):
    submit_answers(open_round, officer, _at_level(bank, base, 0))
    factories.ResponseFactory(
        round=open_round, city=city, respondent=colleague, department="IT and data"
    )

    divergence = divergence_for(open_round, city)

    assert (divergence.questions, divergence.departments) == ([], ["Mobility"])


def test_results_page_lists_the_divergent_question_with_each_departments_level(
    client, open_round, city, bank, base, officer, colleague
):
    submit_answers(open_round, officer, _at_level(bank, base, 0))
    submit_answers(open_round, colleague, _at_level(bank, base, 3))
    client.force_login(officer)

    page = client.get(
        reverse("scoring:city_results", kwargs={"round_id": open_round.pk, "city_slug": city.slug})
    )

    table = by_id(html(page), "divergence-table")
    assert [text(cell) for cell in find_all(table, "th")] == [
        "Dimension",
        "Question",
        "IT and data",
        "Mobility",
    ]
    assert [[text(cell) for cell in find_all(row, "td")] for row in find_all(table, "tr")[1:]] == [
        ["Strategy and leadership", question(bank, QUESTION).text, "3", "0"]
    ]
