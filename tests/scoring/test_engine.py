"""Example and table tests for the pure scoring engine (no database, no Django)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from scoring.engine import (
    Aggregate,
    AnswerInput,
    Bank,
    CityDimension,
    CityScore,
    DimensionDef,
    DimensionScore,
    Flag,
    RecommendationDef,
    ResponseInput,
    ResponseScore,
    StageDef,
    combine_city,
    next_steps,
    score_response,
    stage_for_score,
    validate_bank,
)

ENGINE = Path(__file__).resolve().parents[2] / "scoring" / "engine.py"

STAGES = (
    StageDef(1, "Ad hoc", 0),
    StageDef(2, "Emerging", 20),
    StageDef(3, "Defined", 45),
    StageDef(4, "Managed", 70),
    StageDef(5, "Data-driven", 90),
)


def rec(dimension: str, stage: int, kind: str, title: str) -> RecommendationDef:
    return RecommendationDef(dimension, stage, kind, title, f"{title}: body.")


# The bank of the worked example in docs/scoring.md.
RECOMMENDATIONS = (
    rec("strategy", 4, "skill", "Benefits tracking"),
    rec("strategy", 4, "tool", "Data strategy scorecard"),
    rec("strategy", 4, "practice", "Yearly strategy review"),
    rec("strategy", 5, "skill", "Portfolio management"),
    rec("data", 5, "tool", "Data catalogue with lineage"),
    rec("people", 2, "skill", "Data literacy basics"),
    rec("people", 2, "tool", "Shared spreadsheet templates"),
    rec("people", 3, "skill", "Analyst community"),
    rec("people", 2, "skill", "Visualisation basics"),
)
BANK = Bank(
    dimensions=(
        DimensionDef("strategy", "Strategy and leadership", 2),
        DimensionDef("data", "Data management", 1),
        DimensionDef("people", "People and skills", 1),
    ),
    stages=STAGES,
    recommendations=RECOMMENDATIONS,
)


def a(
    question: str,
    value: float | None,
    weight: float = 1,
    flag: Flag = Flag.NONE,
    applicable: bool = True,
) -> AnswerInput:
    dimension = {"s": "strategy", "d": "data", "p": "people"}[question[0]]
    return AnswerInput(question, dimension, weight, value, flag, applicable)


# Officer 1 of the worked example (IT department).
IT_1 = ResponseInput(
    "IT",
    (
        a("s1", 0.75, weight=2),  # scale, level 3
        a("s2", 0.25),  # scale, level 1
        a("s3", 0.5),  # multi, 2 of 4 practices
        a("s4", None, flag=Flag.DONT_KNOW),
        a("s5", None, weight=0),  # number question: not scored
        a("d1", 1.0),
        a("d2", 0.5),
        a("d3", None, flag=Flag.NOT_APPLICABLE),
        a("d4", None, applicable=False),  # hidden by its condition
        a("d5", None),  # skipped
        a("p1", 0.0),
        a("p2", 0.25),
    ),
)
FINANCE = ResponseInput(
    "Finance",
    (
        a("s1", 0.25, weight=2),
        a("s2", 0.25),
        a("s3", None),
        a("s4", None),
        a("d1", 1.0),
        a("p1", 0.25),
        a("p2", 0.25),
    ),
)
IT_2 = ResponseInput(
    "IT",
    (
        a("s1", 0.75, weight=2),
        a("s2", 0.75),
        a("s3", 0.5),
        a("s4", None, flag=Flag.DONT_KNOW),
        a("d1", 0.5),
        a("d2", 0.5),
        a("p1", None, flag=Flag.DONT_KNOW),
        a("p2", None, flag=Flag.DONT_KNOW),
    ),
)


def city(aggregate: Aggregate = Aggregate.MEAN) -> CityScore:
    pairs = [(r.department, score_response(BANK, r)) for r in (IT_1, FINANCE, IT_2)]
    return combine_city(BANK, pairs, aggregate)


def one_dimension_bank(weight: float = 1) -> Bank:
    return Bank((DimensionDef("x", "X", weight),), STAGES)


def score_x(*answers: AnswerInput, department: str = "IT") -> ResponseScore:
    return score_response(one_dimension_bank(), ResponseInput(department, answers))


def x(
    value: float | None, weight: float = 1, flag: Flag = Flag.NONE, applicable: bool = True
) -> AnswerInput:
    return AnswerInput(f"q-{value}-{weight}", "x", weight, value, flag, applicable)


# --- Stages -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("threshold", "level"), [(0, 1), (20, 2), (45, 3), (70, 4), (90, 5)])
def test_score_exactly_on_a_threshold_reaches_that_stage(threshold: float, level: int) -> None:
    assert stage_for_score(STAGES, threshold) == level


@pytest.mark.parametrize(("threshold", "level"), [(20, 2), (45, 3), (70, 4), (90, 5)])
def test_score_just_below_a_threshold_stays_one_stage_lower(threshold: float, level: int) -> None:
    assert stage_for_score(STAGES, threshold - 0.001) == level - 1


@pytest.mark.parametrize(
    ("score", "level"),
    [(100 * 0.45, 3), (100 * 0.7, 4), (100 * (0.1 + 0.2) * 3, 5), (44.99999999999999, 3)],
)
def test_float_noise_on_a_threshold_still_reaches_it(score: float, level: int) -> None:
    assert stage_for_score(STAGES, score) == level


def test_top_score_gives_top_stage_and_zero_gives_first() -> None:
    assert stage_for_score(STAGES, 100) == 5
    assert stage_for_score(STAGES, 0) == 1


@pytest.mark.parametrize("level", [0, 1, 2, 3, 4])
def test_all_answers_at_level_k_give_stage_k_plus_one_everywhere(level: int) -> None:
    answers = tuple(a(f"{prefix}{n}", level / 4, weight=n) for prefix in "sdp" for n in (1, 2, 3))
    result = score_response(BANK, ResponseInput("IT", answers))
    assert [d.stage for d in result.dimensions] == [level + 1] * 3
    assert [d.score for d in result.dimensions] == pytest.approx([level * 25.0] * 3)
    assert result.overall_stage == level + 1


def test_all_lowest_answers_give_first_stage() -> None:
    result = score_x(x(0.0), x(0.0, weight=3))
    assert result.dimension("x").score == 0.0
    assert result.overall_stage == 1


# --- Worked example (docs/scoring.md) ---------------------------------------------------------


def test_worked_example_response_matches_the_documentation() -> None:
    result = score_response(BANK, IT_1)
    assert [d.dimension for d in result.dimensions] == ["strategy", "data", "people"]
    assert result.dimension("strategy") == DimensionScore(
        "strategy", 56.25, 3, coverage=0.75, dont_know_share=0.25, answered=3, applicable=4
    )
    data = result.dimension("data")
    assert (data.score, data.stage, data.answered, data.applicable) == (75.0, 4, 2, 3)
    assert data.coverage == pytest.approx(2 / 3)
    assert data.dont_know_share == 0.0
    assert result.dimension("people") == DimensionScore(
        "people", 12.5, 1, coverage=1.0, dont_know_share=0.0, answered=2, applicable=2
    )
    assert result.overall_score == pytest.approx(50.0)
    assert result.overall_stage == 3


def test_worked_example_city_matches_the_documentation() -> None:
    result = city()
    assert result.responses == 3
    strategy, data, people = result.dimensions
    assert (strategy.mean, strategy.median, strategy.score) == pytest.approx((50.0, 56.25, 50.0))
    assert strategy.stage == 3
    assert strategy.spread == pytest.approx(43.75)
    assert [(d.department, d.score, d.stage) for d in strategy.departments] == [
        ("Finance", 25.0, 2),
        ("IT", 62.5, 3),
    ]
    assert strategy.silo is False
    assert strategy.coverage == pytest.approx(2 / 3)
    assert strategy.dont_know_share == pytest.approx(1 / 6)

    assert (data.mean, data.median, data.stage, data.spread) == pytest.approx((75.0, 75.0, 4, 50.0))
    assert [(d.department, d.score, d.stage) for d in data.departments] == [
        ("Finance", 100.0, 5),
        ("IT", 62.5, 3),
    ]
    assert data.silo is True

    assert (people.mean, people.median, people.stage) == pytest.approx((18.75, 18.75, 1))
    assert people.spread == pytest.approx(12.5)
    assert people.silo is False
    assert people.dont_know_share == pytest.approx(1 / 3)

    assert result.overall_score == pytest.approx(48.4375)
    assert result.overall_stage == 3


def test_worked_example_city_by_median_matches_the_documentation() -> None:
    result = city(Aggregate.MEDIAN)
    assert [d.score for d in result.dimensions] == pytest.approx([56.25, 75.0, 18.75])
    assert result.overall_score == pytest.approx(51.5625)
    assert result.overall_stage == 3


def test_worked_example_next_steps_match_the_documentation() -> None:
    steps = next_steps(BANK, score_response(BANK, IT_1).dimensions)
    assert [(s.dimension, s.current_stage, s.target_stage, s.score) for s in steps] == [
        ("people", 1, 2, 12.5),
        ("strategy", 3, 4, 56.25),
        ("data", 4, 5, 75.0),
    ]
    people, strategy, data = steps
    assert [r.title for r in people.skills] == ["Data literacy basics", "Visualisation basics"]
    assert [r.title for r in people.tools] == ["Shared spreadsheet templates"]
    assert people.practices == ()
    assert [r.title for r in strategy.skills + strategy.tools + strategy.practices] == [
        "Benefits tracking",
        "Data strategy scorecard",
        "Yearly strategy review",
    ]
    assert [r.title for r in data.tools] == ["Data catalogue with lineage"]
    assert data.skills == data.practices == ()


# --- One response -----------------------------------------------------------------------------


def test_dont_know_counts_in_dont_know_share_and_not_in_score() -> None:
    result = score_x(x(1.0), x(None, flag=Flag.DONT_KNOW), x(None, flag=Flag.DONT_KNOW)).dimension(
        "x"
    )
    assert result.score == 100.0
    assert result.dont_know_share == pytest.approx(2 / 3)
    assert result.coverage == pytest.approx(1 / 3)
    assert (result.answered, result.applicable) == (1, 3)


def test_hidden_and_not_applicable_answers_are_left_out_of_coverage() -> None:
    result = score_x(
        x(0.5),
        x(None),
        x(None, flag=Flag.NOT_APPLICABLE),
        x(1.0, applicable=False),
        x(None, applicable=False),
    ).dimension("x")
    assert (result.answered, result.applicable) == (1, 2)
    assert result.coverage == 0.5
    assert result.score == 50.0


def test_flagged_answer_never_counts_as_answered_even_with_a_stray_value() -> None:
    result = score_x(x(0.5), x(1.0, flag=Flag.DONT_KNOW), x(1.0, flag=Flag.NOT_APPLICABLE))
    dimension = result.dimension("x")
    assert (dimension.score, dimension.answered, dimension.applicable) == (50.0, 1, 2)
    assert dimension.dont_know_share == 0.5


def test_unscored_questions_are_ignored_entirely() -> None:
    result = score_x(x(0.25), x(1.0, weight=0), x(None, weight=0)).dimension("x")
    assert (result.score, result.answered, result.applicable, result.coverage) == (25.0, 1, 1, 1.0)


def test_dimension_score_is_the_question_weighted_mean() -> None:
    result = score_x(x(1.0, weight=3), x(0.0, weight=1), x(0.5, weight=4))
    assert result.dimension("x").score == pytest.approx(100 * (3 + 0 + 2) / 8)


def test_weighted_mean_of_perfect_scores_is_exactly_100() -> None:
    # 100 * w / w rounds to 100.00000000000001 for this weight (found by hypothesis).
    bank = Bank((DimensionDef("a", "A", 1.0), DimensionDef("b", "B", 3.1980693789371637)), STAGES)
    answers = (AnswerInput("q", "b", 0.5, 1.0),)
    assert score_response(bank, ResponseInput("IT", answers)).overall_score == 100.0


def test_overall_score_is_the_dimension_weighted_mean_of_scored_dimensions() -> None:
    answers = (a("s1", 1.0), a("d1", 0.5), a("p1", None, flag=Flag.DONT_KNOW))
    result = score_response(BANK, ResponseInput("IT", answers))
    assert result.dimension("people").score is None
    assert result.overall_score == pytest.approx((2 * 100 + 1 * 50) / 3)


def test_nothing_answered_gives_no_scores_and_no_stages() -> None:
    answers = (a("s1", None), a("d1", None, flag=Flag.DONT_KNOW), a("p1", None, weight=0))
    result = score_response(BANK, ResponseInput("IT", answers))
    assert result.overall_score is None
    assert result.overall_stage is None
    assert all(d.score is None and d.stage is None for d in result.dimensions)
    assert result.dimension("strategy").coverage == 0.0
    assert result.dimension("data").dont_know_share == 1.0
    assert result.dimension("people").applicable == 0
    assert result.dimension("people").coverage == 0.0


def test_unknown_dimension_code_raises_key_error() -> None:
    with pytest.raises(KeyError):
        score_x(x(1.0)).dimension("nope")


# --- City -------------------------------------------------------------------------------------


def city_x(
    *pairs: tuple[str, float | None], aggregate: Aggregate = Aggregate.MEAN
) -> CityDimension:
    scores = [(dept, score_x(x(value))) for dept, value in pairs]
    return combine_city(one_dimension_bank(), scores, aggregate).dimension("x")


def test_city_mean_and_median_differ_with_an_outlier() -> None:
    pairs = (("A", 0.25), ("B", 0.25), ("C", 1.0))
    by_mean = city_x(*pairs)
    by_median = city_x(*pairs, aggregate=Aggregate.MEDIAN)
    assert (by_mean.mean, by_mean.median, by_mean.score) == pytest.approx((50.0, 25.0, 50.0))
    assert (by_mean.stage, by_median.score, by_median.stage) == (3, 25.0, 2)


def test_city_spread_is_highest_minus_lowest_response() -> None:
    assert city_x(("A", 0.25), ("B", 1.0), ("C", 0.5), ("D", None)).spread == 75.0
    assert city_x(("A", 0.5)).spread == 0.0
    assert city_x(("A", None)).spread is None


def test_department_score_is_the_mean_of_its_officers() -> None:
    result = city_x(
        ("Mobility", 0.0),
        ("Finance", 1.0),
        ("Mobility", 0.25),
        ("Mobility", 1.0),
        ("Mobility", None),
    )
    assert [(d.department, d.score, d.stage) for d in result.departments] == [
        ("Finance", 100.0, 5),
        ("Mobility", pytest.approx(125 / 3), 2),
    ]


def test_department_without_any_score_is_listed_without_score() -> None:
    result = city_x(("A", 0.5), ("B", None))
    assert [(d.department, d.score, d.stage) for d in result.departments] == [
        ("A", 50.0, 3),
        ("B", None, None),
    ]
    assert result.silo is False


def test_silo_flagged_when_departments_are_two_stages_apart() -> None:
    assert city_x(("A", 0.0), ("B", 0.5)).silo is True  # stage 1 vs 3


def test_no_silo_when_departments_are_one_stage_apart() -> None:
    assert city_x(("A", 0.0), ("B", 0.25), ("C", 0.25)).silo is False  # stage 1 vs 2


def test_silo_compares_department_stages_not_single_officers() -> None:
    # Officers at stage 1 and 3 in one department average to stage 2, next to a stage-2 one.
    assert city_x(("A", 0.0), ("A", 0.5), ("B", 0.25)).silo is False


def test_city_coverage_and_dont_know_share_are_means_over_responses() -> None:
    scores = [
        ("A", score_x(x(1.0), x(None, flag=Flag.DONT_KNOW))),
        ("B", score_x(x(None), x(None))),
    ]
    result = combine_city(one_dimension_bank(), scores).dimension("x")
    assert (result.coverage, result.dont_know_share) == pytest.approx((0.25, 0.25))
    assert result.score == 100.0


def test_city_without_responses_has_no_scores() -> None:
    result = combine_city(BANK, [])
    assert result.responses == 0
    assert result.overall_score is None
    assert result.overall_stage is None
    assert all(d.score is None and d.departments == () for d in result.dimensions)


# --- Next steps -------------------------------------------------------------------------------


def test_next_steps_weakest_first_with_ties_in_bank_order() -> None:
    answers = (a("s1", 0.25), a("d1", 0.25), a("p1", 0.0))
    steps = next_steps(BANK, score_response(BANK, ResponseInput("IT", answers)).dimensions)
    assert [s.dimension for s in steps] == ["people", "strategy", "data"]


def test_no_next_step_at_top_stage_or_without_score() -> None:
    answers = (a("s1", 1.0), a("d1", 0.95), a("p1", None, flag=Flag.DONT_KNOW))
    steps = next_steps(BANK, score_response(BANK, ResponseInput("IT", answers)).dimensions)
    assert steps == ()


def test_next_steps_accept_city_dimensions() -> None:
    steps = next_steps(BANK, city().dimensions)
    assert [(s.dimension, s.target_stage) for s in steps] == [
        ("people", 2),
        ("strategy", 4),
        ("data", 5),
    ]


def test_next_step_without_recommendations_is_still_listed() -> None:
    answers = (a("d1", 0.5),)
    (step,) = next_steps(BANK, score_response(BANK, ResponseInput("IT", answers)).dimensions)
    assert (step.dimension, step.target_stage) == ("data", 4)
    assert step.skills == step.tools == step.practices == ()


# --- Validation -------------------------------------------------------------------------------


def test_valid_bank_has_no_problems() -> None:
    assert validate_bank(BANK) == []


def test_validate_bank_reports_each_problem() -> None:
    bad = Bank(
        dimensions=(DimensionDef("a", "A", 0), DimensionDef("a", "A again", -1)),
        stages=(StageDef(1, "One", 5), StageDef(3, "Three", 5)),
        recommendations=(rec("zz", 9, "hint", "Odd"),),
    )
    problems = validate_bank(bad)
    assert problems == [
        "The first stage must start at 0, not 5.",
        "Stage levels must be 1..2 in order, not [1, 3].",
        "Stage 3 starts at 5, which is not above stage 1 (5).",
        "Dimension 'a' appears more than once.",
        "Dimension 'a' has weight 0; it must be > 0.",
        "Dimension 'a' has weight -1; it must be > 0.",
        "Recommendation 'Odd' names unknown dimension 'zz'.",
        "Recommendation 'Odd' has unknown kind 'hint'.",
        "Recommendation 'Odd' targets stage 9, not 2..2.",
    ]


def test_validate_bank_reports_missing_stages_and_dimensions() -> None:
    assert validate_bank(Bank((), ())) == [
        "The bank has no stages.",
        "The bank has no dimensions.",
    ]


# --- Purity -----------------------------------------------------------------------------------


def test_engine_imports_only_the_standard_library() -> None:
    tree = ast.parse(ENGINE.read_text(encoding="utf-8"))
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "relative imports would reach outside the engine"
            modules.add((node.module or "").split(".")[0])
    assert modules, "the import scan found nothing: the test would pass vacuously"
    assert "django" not in modules
    assert modules <= set(sys.stdlib_module_names)
