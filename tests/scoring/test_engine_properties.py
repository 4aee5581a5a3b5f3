"""Property tests for the pure scoring engine: invariants that hold for any bank and answers."""

from __future__ import annotations

from statistics import fmean

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.engine import (
    Aggregate,
    AnswerInput,
    Bank,
    DimensionDef,
    Flag,
    ResponseInput,
    ResponseScore,
    StageDef,
    combine_city,
    score_response,
)

# No example database: the suite must not write into the repository.
FAST = settings(max_examples=200, deadline=None, database=None)

weights = st.sampled_from([0, 0.5, 1, 1, 2, 3]) | st.floats(0.01, 10)
values = st.sampled_from([0, 0.25, 0.5, 0.75, 1]) | st.floats(0, 1)


@st.composite
def banks(draw: st.DrawFn, dimension_weight: float | None = None) -> Bank:
    count = draw(st.integers(1, 4))
    dimensions = tuple(
        DimensionDef(f"d{n}", f"Dimension {n}", dimension_weight or draw(st.floats(0.1, 10)))
        for n in range(count)
    )
    thresholds = sorted(draw(st.lists(st.floats(1, 99), min_size=4, max_size=4, unique=True)))
    stages = tuple(
        StageDef(level, f"Stage {level}", threshold)
        for level, threshold in enumerate([0.0, *thresholds], start=1)
    )
    return Bank(dimensions, stages)


@st.composite
def answers(draw: st.DrawFn, bank: Bank, weight: float | None = None) -> AnswerInput:
    """Any valid answer: a value, nothing, a don't-know or a not-applicable; maybe hidden."""
    dimension = draw(st.sampled_from([d.code for d in bank.dimensions]))
    flag = draw(
        st.sampled_from([Flag.NONE, Flag.NONE, Flag.NONE, Flag.DONT_KNOW, Flag.NOT_APPLICABLE])
    )
    value = draw(st.none() | values) if flag is Flag.NONE else None
    return AnswerInput(
        question=f"q{draw(st.integers(0, 10**6))}",
        dimension=dimension,
        weight=draw(weights) if weight is None else weight,
        value=value,
        flag=flag,
        applicable=draw(st.booleans()) if draw(st.integers(0, 4)) == 0 else True,
    )


@st.composite
def responses(
    draw: st.DrawFn, bank: Bank, weight: float | None = None, min_size: int = 0
) -> ResponseInput:
    items = draw(st.lists(answers(bank, weight), min_size=min_size, max_size=15))
    return ResponseInput(draw(st.sampled_from(["Finance", "IT", "Mobility"])), tuple(items))


@st.composite
def bank_and_response(draw: st.DrawFn) -> tuple[Bank, ResponseInput]:
    bank = draw(banks())
    return bank, draw(responses(bank))


def all_scores(result: ResponseScore) -> list[float | None]:
    return [d.score for d in result.dimensions] + [result.overall_score]


def all_stages(result: ResponseScore) -> list[int | None]:
    return [d.stage for d in result.dimensions] + [result.overall_stage]


@FAST
@given(bank_and_response())
def test_scores_stay_between_0_and_100(case: tuple[Bank, ResponseInput]) -> None:
    bank, response = case
    result = score_response(bank, response)
    for score in all_scores(result):
        assert score is None or 0 <= score <= 100
    for item in result.dimensions:
        assert 0 <= item.coverage <= 1
        assert 0 <= item.dont_know_share <= 1
        assert item.coverage + item.dont_know_share <= 1 + 1e-12


@FAST
@given(st.data())
def test_raising_one_answer_never_lowers_any_score_or_stage(data: st.DataObject) -> None:
    bank = data.draw(banks())
    response = data.draw(responses(bank, min_size=1))
    answered = [i for i, a in enumerate(response.answers) if a.value is not None]
    if not answered:
        answered = [0]
        first = response.answers[0]
        fixed = AnswerInput(first.question, first.dimension, first.weight, 0.0)
        response = ResponseInput(response.department, (fixed, *response.answers[1:]))
    index = data.draw(st.sampled_from(answered))
    old = response.answers[index]
    assert old.value is not None
    new_value = data.draw(st.floats(old.value, 1))
    raised = list(response.answers)
    raised[index] = AnswerInput(
        old.question, old.dimension, old.weight, new_value, old.flag, old.applicable
    )

    before = score_response(bank, response)
    after = score_response(bank, ResponseInput(response.department, tuple(raised)))
    for low, high in zip(all_scores(before), all_scores(after), strict=True):
        assert (low is None) == (high is None)
        assert low is None or high >= low  # type: ignore[operator]
    for low_stage, high_stage in zip(all_stages(before), all_stages(after), strict=True):
        assert low_stage is None or high_stage >= low_stage  # type: ignore[operator]


@st.composite
def ignored_answers(draw: st.DrawFn, bank: Bank) -> AnswerInput:
    """Answers that must not move a score: don't-know, not-applicable, hidden or unscored."""
    dimension = draw(st.sampled_from([d.code for d in bank.dimensions]))
    kind = draw(st.sampled_from(["dont_know", "not_applicable", "hidden", "unscored"]))
    question = f"extra{draw(st.integers(0, 10**6))}"
    if kind == "hidden":
        return AnswerInput(
            question, dimension, draw(weights), draw(st.none() | values), applicable=False
        )
    if kind == "unscored":
        return AnswerInput(question, dimension, 0, draw(st.none() | values))
    return AnswerInput(question, dimension, draw(weights), None, Flag(kind))


@FAST
@given(st.data())
def test_dont_know_not_applicable_hidden_or_unscored_answers_change_no_score(
    data: st.DataObject,
) -> None:
    bank = data.draw(banks())
    response = data.draw(responses(bank))
    extra = data.draw(st.lists(ignored_answers(bank), min_size=1, max_size=5))
    mixed = data.draw(st.permutations([*response.answers, *extra]))
    before = score_response(bank, response)
    after = score_response(bank, ResponseInput(response.department, tuple(mixed)))
    assert all_scores(after) == all_scores(before)
    assert all_stages(after) == all_stages(before)
    assert [d.answered for d in after.dimensions] == [d.answered for d in before.dimensions]


@FAST
@given(st.data())
def test_hidden_and_not_applicable_answers_change_no_coverage(data: st.DataObject) -> None:
    bank = data.draw(banks())
    response = data.draw(responses(bank))
    code = bank.dimensions[0].code
    extra = (
        AnswerInput("hidden", code, 1, data.draw(st.none() | values), applicable=False),
        AnswerInput("n/a", code, 1, None, Flag.NOT_APPLICABLE),
    )
    before = score_response(bank, response)
    after = score_response(bank, ResponseInput(response.department, response.answers + extra))
    assert after == before


@FAST
@given(st.data())
def test_answer_order_changes_nothing(data: st.DataObject) -> None:
    bank = data.draw(banks())
    response = data.draw(responses(bank))
    shuffled = data.draw(st.permutations(response.answers))
    assert score_response(bank, ResponseInput(response.department, tuple(shuffled))) == (
        score_response(bank, response)
    )


@FAST
@given(st.data())
def test_equal_question_weights_give_the_plain_mean(data: st.DataObject) -> None:
    bank = data.draw(banks())
    weight = data.draw(st.floats(0.01, 10))
    response = data.draw(responses(bank, weight=weight))
    result = score_response(bank, response)
    for dimension in bank.dimensions:
        counted = [
            a.value
            for a in response.answers
            if a.dimension == dimension.code and a.applicable and a.value is not None
        ]
        expected = 100 * sum(counted) / len(counted) if counted else None
        assert result.dimension(dimension.code).score == pytest.approx(expected)


@FAST
@given(st.data())
def test_equal_dimension_weights_give_the_plain_mean_of_dimension_scores(
    data: st.DataObject,
) -> None:
    bank = data.draw(banks(dimension_weight=data.draw(st.floats(0.1, 10))))
    result = score_response(bank, data.draw(responses(bank)))
    scored = [d.score for d in result.dimensions if d.score is not None]
    expected = sum(scored) / len(scored) if scored else None
    assert result.overall_score == pytest.approx(expected)


@FAST
@given(bank_and_response(), st.sampled_from(Aggregate))
def test_city_of_one_response_equals_that_response(
    case: tuple[Bank, ResponseInput], aggregate: Aggregate
) -> None:
    bank, response = case
    alone = score_response(bank, response)
    result = combine_city(bank, [(response.department, alone)], aggregate)
    assert result.responses == 1
    assert result.overall_score == alone.overall_score
    assert result.overall_stage == alone.overall_stage
    for city_dimension, own in zip(result.dimensions, alone.dimensions, strict=True):
        assert city_dimension.dimension == own.dimension
        assert city_dimension.score == city_dimension.mean == city_dimension.median == own.score
        assert city_dimension.stage == own.stage
        assert city_dimension.coverage == own.coverage
        assert city_dimension.dont_know_share == own.dont_know_share
        assert city_dimension.spread == (None if own.score is None else 0.0)
        assert city_dimension.silo is False
        (department,) = city_dimension.departments
        assert (department.department, department.score, department.stage) == (
            response.department,
            own.score,
            own.stage,
        )


@FAST
@given(st.data(), st.sampled_from(Aggregate))
def test_city_score_lies_between_lowest_and_highest_response(
    data: st.DataObject, aggregate: Aggregate
) -> None:
    bank = data.draw(banks())
    items = data.draw(st.lists(responses(bank), min_size=1, max_size=6))
    scored = [(r.department, score_response(bank, r)) for r in items]
    result = combine_city(bank, scored, aggregate)
    assert result.responses == len(items)
    for city_dimension in result.dimensions:
        found = [
            s.dimension(city_dimension.dimension).score
            for _, s in scored
            if s.dimension(city_dimension.dimension).score is not None
        ]
        if not found:
            assert city_dimension.score is None
            continue
        assert min(found) <= city_dimension.score <= max(found)  # type: ignore[operator]
        assert city_dimension.spread == pytest.approx(max(found) - min(found))
        assert city_dimension.mean == pytest.approx(fmean(found))
        for department in city_dimension.departments:
            assert department.score is None or min(found) <= department.score <= max(found)
