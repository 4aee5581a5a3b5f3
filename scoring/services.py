"""Score submitted responses with the engine and keep the stored results in step with them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from scoring import engine
from scoring.bridge import engine_bank, engine_response, engine_responses
from scoring.models import CityDimensionResult, CityResult, DimensionScore, ResponseResult
from surveys.answers import Answers, answers_by_response
from surveys.models import Response, Round
from surveys.structure import Bank, bank_for

# The stored form of the engine's outputs: these fields of `engine.DimensionScore` and
# `engine.CityDimension` are columns of the same name on `DimensionScore` and
# `CityDimensionResult` (a city's departments are stored as display data beside them).
DIMENSION_SCORE_FIELDS = ("score", "stage", "coverage", "dont_know_share", "answered", "applicable")
CITY_DIMENSION_FIELDS = (
    "score",
    "median",
    "stage",
    "spread",
    "silo",
    "coverage",
    "dont_know_share",
)

ScoresByCity = dict[int, list[tuple[str, engine.ResponseScore]]]  # (department, score) by city


def response_scores_store(*, bank: Bank, response: Response, answers: Answers) -> None:
    """Score a response that was just submitted and recombine its city's result."""
    score = engine.score_response(
        engine_bank(bank), engine_response(bank, response.department, answers)
    )
    at = timezone.now()
    _response_results_write(bank, [(response, score)], at)
    city_result_refresh(bank=bank, round=response.round, city_id=response.city_id)


def response_scores_discard(*, response: Response) -> None:
    """Forget a reopened response's scores and recombine its city's result without them."""
    ResponseResult.objects.filter(response=response).delete()
    round_ = Round.objects.select_related("questionnaire").get(pk=response.round_id)
    city_result_refresh(bank=bank_for(round_.questionnaire), round=round_, city_id=response.city_id)


def city_result_refresh(*, bank: Bank, round: Round, city_id: int) -> None:
    """Recombine a city's submitted responses into its stored result (inside a transaction).

    The city's result row is locked first (created if it is the city's first), so that two
    submits of one city recombine one after the other, each seeing the other's scores.
    """
    # Insert-or-nothing waits for another submit's insert of the same row, so there is always
    # exactly one row to lock (get_or_create would take a savepoint and two more queries).
    CityResult.objects.bulk_create(
        [CityResult(round=round, city_id=city_id, responses=0)], ignore_conflicts=True
    )
    result = CityResult.objects.select_for_update().get(round=round, city_id=city_id)
    scores = stored_response_scores(bank, round, [city_id]).get(city_id, [])
    if not scores:
        result.delete()
        return
    combined = engine.combine_city(engine_bank(bank), scores)
    _city_results_write(bank, round, {city_id: combined}, timezone.now())


def stored_response_scores(
    bank: Bank, round: Round, city_ids: Iterable[int] | None = None
) -> ScoresByCity:
    """The stored scores of the round's submitted responses, as engine outputs by city, each
    city's in the order they were stored (one query)."""
    results = ResponseResult.objects.filter(round=round, response__status=Response.Status.SUBMITTED)
    if city_ids is not None:
        results = results.filter(city_id__in=list(city_ids))
    rows = results.order_by("pk").values_list(
        "pk",
        "city_id",
        "department",
        "overall_score",
        "overall_stage",
        "dimension_scores__dimension_id",
        *(f"dimension_scores__{name}" for name in DIMENSION_SCORE_FIELDS),
    )
    codes = {section.dimension.pk: section.dimension.code for section in bank.sections}
    heads: dict[int, tuple[int, str, float | None, int | None]] = {}
    dimensions: dict[int, dict[str, engine.DimensionScore]] = defaultdict(dict)
    for pk, city_id, department, overall_score, overall_stage, dimension_id, *values in rows:
        heads.setdefault(pk, (city_id, department, overall_score, overall_stage))
        if dimension_id in codes:  # None: a result without dimension scores (a LEFT JOIN)
            code = codes[dimension_id]
            dimensions[pk][code] = engine.DimensionScore(code, *values)
    by_city: ScoresByCity = defaultdict(list)
    for pk, (city_id, department, overall_score, overall_stage) in heads.items():
        stored = dimensions[pk]
        score = engine.ResponseScore(
            dimensions=tuple(stored[code] for code in codes.values() if code in stored),
            overall_score=overall_score,
            overall_stage=overall_stage,
        )
        by_city[city_id].append((department, score))
    return by_city


@dataclass(frozen=True)
class RecomputeReport:
    responses: int
    cities: int


@transaction.atomic
def round_recompute(*, round: Round) -> RecomputeReport:
    """Rescore every submitted response of a round and rebuild its city results."""
    bank = bank_for(round.questionnaire)
    responses = list(
        Response.objects.filter(round=round, status=Response.Status.SUBMITTED).order_by("pk")
    )
    answers = answers_by_response(response.pk for response in responses)
    ebank = engine_bank(bank)
    inputs = engine_responses(
        bank, ((response.department, answers.get(response.pk, {})) for response in responses)
    )
    scored = [
        (response, engine.score_response(ebank, given))
        for response, given in zip(responses, inputs, strict=True)
    ]
    by_city: ScoresByCity = defaultdict(list)
    for response, score in scored:
        by_city[response.city_id].append((response.department, score))
    at = timezone.now()
    ResponseResult.objects.filter(round=round).exclude(
        response__status=Response.Status.SUBMITTED
    ).delete()
    _response_results_write(bank, scored, at)
    CityResult.objects.filter(round=round).exclude(city_id__in=by_city).delete()
    combined = {city: engine.combine_city(ebank, scores) for city, scores in by_city.items()}
    _city_results_write(bank, round, combined, at)
    return RecomputeReport(responses=len(scored), cities=len(by_city))


def _response_results_write(
    bank: Bank, scored: Sequence[tuple[Response, engine.ResponseScore]], at: datetime
) -> None:
    """Store responses' scores, replacing any stored before (two queries)."""
    if not scored:
        return
    results = ResponseResult.objects.bulk_create(
        [
            ResponseResult(
                response=response,
                round_id=response.round_id,
                city_id=response.city_id,
                department=response.department,
                overall_score=score.overall_score,
                overall_stage=score.overall_stage,
                computed_at=at,
            )
            for response, score in scored
        ],
        update_conflicts=True,
        unique_fields=["response"],
        update_fields=["department", "overall_score", "overall_stage", "computed_at"],
    )
    dimension_ids = _dimension_ids(bank)
    DimensionScore.objects.bulk_create(
        [
            DimensionScore(
                result=result,
                dimension_id=dimension_ids[item.dimension],
                **_fields(item, DIMENSION_SCORE_FIELDS),
            )
            for result, (_response, score) in zip(results, scored, strict=True)
            for item in score.dimensions
        ],
        update_conflicts=True,
        unique_fields=["result", "dimension"],
        update_fields=DIMENSION_SCORE_FIELDS,
    )


def _city_results_write(
    bank: Bank, round: Round, combined: Mapping[int, engine.CityScore], at: datetime
) -> None:
    """Store cities' results (by city id), replacing any stored before (two queries)."""
    if not combined:
        return
    results = CityResult.objects.bulk_create(
        [
            CityResult(
                round=round,
                city_id=city_id,
                overall_score=city.overall_score,
                overall_stage=city.overall_stage,
                responses=city.responses,
                computed_at=at,
            )
            for city_id, city in combined.items()
        ],
        update_conflicts=True,
        unique_fields=["round", "city"],
        update_fields=["overall_score", "overall_stage", "responses", "computed_at"],
    )
    dimension_ids = _dimension_ids(bank)
    CityDimensionResult.objects.bulk_create(
        [
            CityDimensionResult(
                city_result=result,
                dimension_id=dimension_ids[item.dimension],
                departments=[
                    {"department": d.department, "score": d.score, "stage": d.stage}
                    for d in item.departments
                ],
                **_fields(item, CITY_DIMENSION_FIELDS),
            )
            for result, city in zip(results, combined.values(), strict=True)
            for item in city.dimensions
        ],
        update_conflicts=True,
        unique_fields=["city_result", "dimension"],
        update_fields=[*CITY_DIMENSION_FIELDS, "departments"],
    )


def _fields(item: object, names: Sequence[str]) -> dict[str, Any]:
    return {name: getattr(item, name) for name in names}


def _dimension_ids(bank: Bank) -> dict[str, int]:
    return {section.dimension.code: section.dimension.pk for section in bank.sections}
