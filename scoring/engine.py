"""Turn questionnaire answers into dimension scores, stages, city results and next steps."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise
from statistics import fmean, median

# Scores are compared with stage thresholds after rounding, so that float noise such as
# 100 * 0.45 == 45.00000000000001 or 44.99999999999999 still lands on the threshold it means.
SCORE_PRECISION = 6

RECOMMENDATION_KINDS = ("skill", "tool", "practice")


# --- Inputs -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StageDef:
    level: int
    name: str
    min_score: float


@dataclass(frozen=True, slots=True)
class DimensionDef:
    code: str
    title: str
    weight: float


@dataclass(frozen=True, slots=True)
class RecommendationDef:
    dimension: str
    stage: int  # the stage this recommendation helps to reach (2..5)
    kind: str  # "skill", "tool" or "practice"
    title: str
    body: str
    ref: int = 0  # the caller's id of the recommendation (the bank row), for adopting it


@dataclass(frozen=True, slots=True)
class Bank:
    dimensions: tuple[DimensionDef, ...]
    stages: tuple[StageDef, ...]
    recommendations: tuple[RecommendationDef, ...] = ()


class Flag(StrEnum):
    NONE = ""
    DONT_KNOW = "dont_know"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True, slots=True)
class AnswerInput:
    question: str
    dimension: str
    weight: float  # 0 = unscored question: ignored by score and coverage
    value: float | None  # 0..1, None = not answered
    flag: Flag = Flag.NONE
    applicable: bool = True  # False when the question's condition hides it


@dataclass(frozen=True, slots=True)
class ResponseInput:
    department: str
    answers: tuple[AnswerInput, ...]


class Aggregate(StrEnum):
    MEAN = "mean"
    MEDIAN = "median"


# --- Outputs ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DimensionScore:
    dimension: str
    score: float | None
    stage: int | None
    coverage: float
    dont_know_share: float
    answered: int
    applicable: int


@dataclass(frozen=True, slots=True)
class ResponseScore:
    dimensions: tuple[DimensionScore, ...]
    overall_score: float | None
    overall_stage: int | None

    def dimension(self, code: str) -> DimensionScore:
        for item in self.dimensions:
            if item.dimension == code:
                return item
        raise KeyError(code)


@dataclass(frozen=True, slots=True)
class DepartmentScore:
    department: str
    score: float | None
    stage: int | None


@dataclass(frozen=True, slots=True)
class CityDimension:
    dimension: str
    score: float | None
    mean: float | None
    median: float | None
    stage: int | None
    spread: float | None
    departments: tuple[DepartmentScore, ...]
    silo: bool
    coverage: float
    dont_know_share: float


@dataclass(frozen=True, slots=True)
class CityScore:
    dimensions: tuple[CityDimension, ...]
    overall_score: float | None
    overall_stage: int | None
    responses: int

    def dimension(self, code: str) -> CityDimension:
        for item in self.dimensions:
            if item.dimension == code:
                return item
        raise KeyError(code)


@dataclass(frozen=True, slots=True)
class NextStep:
    dimension: str
    current_stage: int
    target_stage: int
    score: float
    skills: tuple[RecommendationDef, ...]
    tools: tuple[RecommendationDef, ...]
    practices: tuple[RecommendationDef, ...]


# --- Stages -----------------------------------------------------------------------------------


def stage_for_score(stages: Sequence[StageDef], score: float) -> int:
    """Return the highest stage level whose threshold the score reaches."""
    rounded = round(score, SCORE_PRECISION)
    reached = [stage.level for stage in stages if stage.min_score <= rounded]
    # A valid bank starts at 0, so only a negative score can reach nothing; it belongs to stage 1.
    return max(reached) if reached else min(stage.level for stage in stages)


def _mean(values: Sequence[float], weights: Sequence[float] | None = None) -> float:
    # fmean sums with fsum, exact before rounding, so order cannot change the result; the clamp
    # stops the final division from landing an ulp outside the values (100.00000000000001).
    return min(max(fmean(values, weights), min(values)), max(values))


def _stage_or_none(stages: Sequence[StageDef], score: float | None) -> int | None:
    return None if score is None else stage_for_score(stages, score)


def _weighted_overall(bank: Bank, scores: Iterable[tuple[str, float | None]]) -> float | None:
    # Shared by a response and a city so that a city of one response reproduces it exactly.
    weights = {dimension.code: dimension.weight for dimension in bank.dimensions}
    pairs = [(score, weights[code]) for code, score in scores if score is not None]
    if not pairs:
        return None
    return _mean([score for score, _ in pairs], [weight for _, weight in pairs])


# --- One response -----------------------------------------------------------------------------


def _score_dimension(bank: Bank, code: str, answers: Sequence[AnswerInput]) -> DimensionScore:
    """Score one dimension from its own answers."""
    counted = [
        answer
        for answer in answers
        if answer.weight > 0 and answer.applicable and answer.flag is not Flag.NOT_APPLICABLE
    ]
    # A flagged answer never counts as answered, even if a value slipped through with it.
    answered = [(a.value, a.weight) for a in counted if a.flag is Flag.NONE and a.value is not None]
    dont_know = sum(1 for a in counted if a.flag is Flag.DONT_KNOW)
    applicable = len(counted)

    score: float | None = None
    if answered:
        score = 100 * _mean([value for value, _ in answered], [weight for _, weight in answered])
    return DimensionScore(
        dimension=code,
        score=score,
        stage=_stage_or_none(bank.stages, score),
        coverage=len(answered) / applicable if applicable else 0.0,
        dont_know_share=dont_know / applicable if applicable else 0.0,
        answered=len(answered),
        applicable=applicable,
    )


def score_response(bank: Bank, response: ResponseInput) -> ResponseScore:
    """Score one officer's response per dimension (in bank order) and overall."""
    # One pass sorts the answers by dimension; an answer to no dimension of the bank is ignored.
    by_dimension: dict[str, list[AnswerInput]] = {d.code: [] for d in bank.dimensions}
    for answer in response.answers:
        own = by_dimension.get(answer.dimension)
        if own is not None:
            own.append(answer)
    dimensions = tuple(
        _score_dimension(bank, dimension.code, by_dimension[dimension.code])
        for dimension in bank.dimensions
    )
    overall = _weighted_overall(bank, ((d.dimension, d.score) for d in dimensions))
    return ResponseScore(
        dimensions=dimensions,
        overall_score=overall,
        overall_stage=_stage_or_none(bank.stages, overall),
    )


# --- A city -----------------------------------------------------------------------------------


def _departments(
    bank: Bank, code: str, scores: Sequence[tuple[str, ResponseScore]]
) -> tuple[DepartmentScore, ...]:
    by_department: dict[str, list[float]] = {}
    for department, response in scores:
        values = by_department.setdefault(department, [])
        score = response.dimension(code).score
        if score is not None:
            values.append(score)
    result = []
    for department in sorted(by_department):
        values = by_department[department]
        score = _mean(values) if values else None
        result.append(DepartmentScore(department, score, _stage_or_none(bank.stages, score)))
    return tuple(result)


def _combine_dimension(
    bank: Bank, code: str, scores: Sequence[tuple[str, ResponseScore]], aggregate: Aggregate
) -> CityDimension:
    own = [response.dimension(code) for _, response in scores]
    values = [d.score for d in own if d.score is not None]
    mean = _mean(values) if values else None
    middle = median(values) if values else None
    score = middle if aggregate is Aggregate.MEDIAN else mean
    departments = _departments(bank, code, scores)
    stages = [d.stage for d in departments if d.stage is not None]
    return CityDimension(
        dimension=code,
        score=score,
        mean=mean,
        median=middle,
        stage=_stage_or_none(bank.stages, score),
        spread=max(values) - min(values) if values else None,
        departments=departments,
        # Departments two or more stages apart work in different worlds; one apart is normal.
        silo=bool(stages) and max(stages) - min(stages) >= 2,
        coverage=_mean([d.coverage for d in own]) if own else 0.0,
        dont_know_share=_mean([d.dont_know_share for d in own]) if own else 0.0,
    )


def combine_city(
    bank: Bank,
    scores: Sequence[tuple[str, ResponseScore]],
    aggregate: Aggregate = Aggregate.MEAN,
) -> CityScore:
    """Combine the submitted responses of one city, given as (department, score) pairs."""
    dimensions = tuple(
        _combine_dimension(bank, dimension.code, scores, aggregate) for dimension in bank.dimensions
    )
    overall = _weighted_overall(bank, ((d.dimension, d.score) for d in dimensions))
    return CityScore(
        dimensions=dimensions,
        overall_score=overall,
        overall_stage=_stage_or_none(bank.stages, overall),
        responses=len(scores),
    )


# --- Next steps -------------------------------------------------------------------------------


def next_steps(
    bank: Bank, dimensions: Sequence[DimensionScore | CityDimension]
) -> tuple[NextStep, ...]:
    """Recommend how each scored dimension below the top stage reaches the next, weakest first."""
    top = max(stage.level for stage in bank.stages)
    order = {dimension.code: index for index, dimension in enumerate(bank.dimensions)}
    steps = []
    for item in dimensions:
        if item.score is None or item.stage is None or item.stage >= top:
            continue
        target = item.stage + 1
        matching = [
            r for r in bank.recommendations if r.dimension == item.dimension and r.stage == target
        ]
        steps.append(
            NextStep(
                dimension=item.dimension,
                current_stage=item.stage,
                target_stage=target,
                score=item.score,
                skills=tuple(r for r in matching if r.kind == "skill"),
                tools=tuple(r for r in matching if r.kind == "tool"),
                practices=tuple(r for r in matching if r.kind == "practice"),
            )
        )
    steps.sort(key=lambda step: (step.score, order.get(step.dimension, len(order))))
    return tuple(steps)


# --- Validation -------------------------------------------------------------------------------


def validate_bank(bank: Bank) -> list[str]:
    """List what is wrong with a bank's stages, dimensions and recommendations; empty if valid."""
    problems: list[str] = []
    stages = bank.stages
    if not stages:
        problems.append("The bank has no stages.")
    else:
        if stages[0].min_score != 0:
            problems.append(f"The first stage must start at 0, not {stages[0].min_score:g}.")
        levels = [stage.level for stage in stages]
        if levels != list(range(1, len(stages) + 1)):
            problems.append(f"Stage levels must be 1..{len(stages)} in order, not {levels}.")
        for lower, higher in pairwise(stages):
            if higher.min_score <= lower.min_score:
                problems.append(
                    f"Stage {higher.level} starts at {higher.min_score:g}, which is not above "
                    f"stage {lower.level} ({lower.min_score:g})."
                )
    if not bank.dimensions:
        problems.append("The bank has no dimensions.")
    codes = [dimension.code for dimension in bank.dimensions]
    for code in sorted({code for code in codes if codes.count(code) > 1}):
        problems.append(f"Dimension {code!r} appears more than once.")
    for dimension in bank.dimensions:
        if not dimension.weight > 0:
            problems.append(
                f"Dimension {dimension.code!r} has weight {dimension.weight:g}; it must be > 0."
            )
    top = len(stages)
    for rec in bank.recommendations:
        if rec.dimension not in codes:
            problems.append(
                f"Recommendation {rec.title!r} names unknown dimension {rec.dimension!r}."
            )
        if rec.kind not in RECOMMENDATION_KINDS:
            problems.append(f"Recommendation {rec.title!r} has unknown kind {rec.kind!r}.")
        if not 2 <= rec.stage <= top:
            problems.append(
                f"Recommendation {rec.title!r} targets stage {rec.stage}, not 2..{top}."
            )
    return problems
