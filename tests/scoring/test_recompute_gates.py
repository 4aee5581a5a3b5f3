"""`recompute_scores` rescores rounds stored under the old gate rule, where "No" hid its
follow-ups from the score."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from operations.demo import demo_values
from scoring.models import CityDimensionResult, DimensionScore
from surveys.structure import AnswerValue, Bank
from tests.web import bank_of, option, question, submit_answers

pytestmark = pytest.mark.django_db

STRATEGY_UNGATED = (
    "strategy-vision",
    "strategy-sponsor",
    "strategy-budget",
    "strategy-alignment",
    "strategy-roadmap",
    "strategy-scaling",
)


def test_recompute_counts_the_follow_up_of_a_no_at_level_0(open_round, officer):
    bank = bank_of(open_round)
    values = demo_values(bank, "rotterdam", "IT", 1)
    for code in STRATEGY_UNGATED:
        values[question(bank, code).pk] = _answer(bank, code, "l2")
    values[question(bank, "strategy-written").pk] = _answer(bank, "strategy-written", "no")
    values.pop(question(bank, "strategy-follow-through").pk, None)
    submit_answers(open_round, officer, values)
    # What the old rule stored: the six questions without a condition at level 2.
    DimensionScore.objects.filter(dimension__code="strategy").update(score=50.0, stage=3)
    CityDimensionResult.objects.filter(dimension__code="strategy").update(score=50.0, stage=3)

    call_command("recompute_scores", stdout=io.StringIO())

    stored = DimensionScore.objects.get(dimension__code="strategy")
    city = CityDimensionResult.objects.get(dimension__code="strategy")
    # Six answers at 0.5 and the hidden follow-up at 0: 100 * 3 / 7.
    assert (round(stored.score, 6), stored.stage, stored.answered, stored.applicable) == (
        42.857143,
        2,
        7,
        7,
    )
    assert (round(city.score, 6), city.stage) == (42.857143, 2)


def _answer(bank: Bank, code: str, option_code: str) -> AnswerValue:
    return AnswerValue(option_id=option(bank, code, option_code).pk)
