"""The rules docs/scoring.md states on the questions it once left open, number for number."""

from __future__ import annotations

import pytest

from scoring import engine
from scoring.bridge import GatePath, answer_paths, answer_value, engine_bank, engine_response
from surveys.banks.reading import parse_bank
from surveys.banks.store import bank_write
from surveys.structure import AnswerValue, Bank, bank_for
from tests.surveys.test_bank_loader import bank_data
from tests.web import option, question

STAGES = tuple(
    engine.StageDef(level, f"Stage {level}", threshold)
    for level, threshold in enumerate((0, 20, 45, 70, 90), start=1)
)
ONE = engine.Bank(dimensions=(engine.DimensionDef("x", "X", 1),), stages=STAGES)


def _response(department: str, *answers: engine.AnswerInput) -> engine.ResponseInput:
    return engine.ResponseInput(department=department, answers=answers)


def _level(value: float | None, flag: engine.Flag = engine.Flag.NONE) -> engine.AnswerInput:
    return engine.AnswerInput("q", "x", 1, value, flag)


def test_city_coverage_averages_over_every_response_also_those_without_a_score():
    scored = engine.score_response(ONE, _response("IT", _level(0.5)))
    only_dont_know = engine.score_response(
        ONE, _response("IT", _level(None, engine.Flag.DONT_KNOW))
    )

    city = engine.combine_city(ONE, [("IT", scored), ("IT", only_dont_know)]).dimension("x")

    assert (city.score, city.coverage, city.dont_know_share) == (50.0, 0.5, 0.5)


def test_a_city_is_scored_by_the_mean_unless_told_otherwise():
    scores = [
        ("IT", engine.score_response(ONE, _response("IT", _level(value))))
        for value in (0.0, 0.25, 1.0)
    ]

    city = engine.combine_city(ONE, scores).dimension("x")

    assert (city.score, city.median) == (pytest.approx(125 / 3), 25.0)
    assert city.score == city.mean


def test_departments_are_sorted_by_code_point_upper_case_first():
    scores = [
        (department, engine.score_response(ONE, _response(department, _level(0.5))))
        for department in ("finance", "IT", "Mobility")
    ]

    city = engine.combine_city(ONE, scores).dimension("x")

    assert [d.department for d in city.departments] == ["IT", "Mobility", "finance"]


@pytest.mark.django_db
def test_none_ticked_beside_practices_is_ignored(ddg):
    bank = bank_for(ddg)
    practices = question(bank, "data-practices")
    ticked = AnswerValue(
        choice_ids=(
            option(bank, "data-practices", "lineage").pk,
            option(bank, "data-practices", "none").pk,
        )
    )

    assert answer_value(bank, practices, ticked) == (0.25, engine.Flag.NONE)


@pytest.mark.django_db
def test_dont_know_ticked_beside_practices_makes_the_answer_dont_know(ddg):
    bank = bank_for(ddg)
    practices = question(bank, "data-practices")
    ticked = AnswerValue(
        choice_ids=(
            option(bank, "data-practices", "lineage").pk,
            option(bank, "data-practices", "dont-know").pk,
        )
    )

    assert answer_value(bank, practices, ticked) == (None, engine.Flag.DONT_KNOW)


def _nested_bank() -> Bank:
    """The loader's test bank, q2 with "don't know", and q4 shown when q3 (itself shown by q2
    "yes") is at level 4."""
    data = bank_data()
    data["dimensions"][0]["questions"][1]["options"].append(
        {"code": "dont-know", "special": "dont_know", "label": "Don't know"}
    )
    data["dimensions"][0]["questions"].append(
        {**data["dimensions"][0]["questions"][0], "code": "q4"}
        | {"condition": {"question": "q3", "option": "l4"}}
    )
    return bank_for(bank_write(spec=parse_bank(data)))


def _pick(bank: Bank, code: str, option_code: str) -> tuple[int, AnswerValue]:
    chosen = option(bank, code, option_code)
    return chosen.question_id, AnswerValue(option_id=chosen.pk)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("gate", "path", "alpha"),
    [
        ("no", GatePath.NO, (100 * 3 / 12, 3, 3)),  # q1 at 3 of 4, q3 and q4 at 0
        ("dont-know", GatePath.DONT_KNOW, (75.0, 1, 3)),
    ],
)
def test_a_gate_hidden_by_another_passes_on_how_it_was_hidden(gate, path, alpha):
    bank = _nested_bank()
    answers = dict([_pick(bank, "q1", "l3"), _pick(bank, "q2", gate), _pick(bank, "q4", "l4")])

    paths = answer_paths(bank, answers)
    scored = engine.score_response(engine_bank(bank), engine_response(bank, "IT", answers))
    dimension = scored.dimension("alpha")

    assert (paths[question(bank, "q3").pk], paths[question(bank, "q4").pk]) == (path, path)
    assert (dimension.score, dimension.answered, dimension.applicable) == alpha
