"""Score submitted responses with the engine and keep the stored results up to date."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from scoring import engine
from scoring.bridge import engine_bank, engine_response
from scoring.models import CityDimensionResult, CityResult, DimensionScore, ResponseResult
from surveys.answers import answers_by_response, answers_load
from surveys.models import Response, Round
from surveys.structure import Bank, bank_for


def response_score_store(*, bank: Bank, response: Response) -> engine.ResponseScore:
    """Score one submitted response, store it, and refresh its city's result."""
    score = engine.score_response(
        engine_bank(bank), engine_response(bank, response.department, answers_load(response))
    )
    _store_response_scores(bank, [(response, score)])
    city_result_refresh(bank=bank, round=response.round, city_ids=[response.city_id])
    return score


def response_score_discard(*, response: Response) -> None:
    """Forget a reopened response's scores and refresh its city."""
    ResponseResult.objects.filter(response=response).delete()
    round_ = Round.objects.select_related("questionnaire").get(pk=response.round_id)
    city_result_refresh(
        bank=bank_for(round_.questionnaire), round=round_, city_ids=[response.city_id]
    )


def _store_response_scores(bank: Bank, scored: list[tuple[Response, engine.ResponseScore]]) -> None:
    ResponseResult.objects.filter(response__in=[response for response, _ in scored]).delete()
    now = timezone.now()
    results = ResponseResult.objects.bulk_create(
        ResponseResult(
            response=response,
            round_id=response.round_id,
            city_id=response.city_id,
            department=response.department,
            overall_score=score.overall_score,
            overall_stage=score.overall_stage,
            computed_at=now,
        )
        for response, score in scored
    )
    dimension_ids = {s.dimension.code: s.dimension.pk for s in bank.sections}
    DimensionScore.objects.bulk_create(
        DimensionScore(
            result=result,
            dimension_id=dimension_ids[item.dimension],
            score=item.score,
            stage=item.stage,
            coverage=item.coverage,
            dont_know_share=item.dont_know_share,
            answered=item.answered,
            applicable=item.applicable,
        )
        for result, (_, score) in zip(results, scored, strict=True)
        for item in score.dimensions
    )


def stored_response_scores(
    bank: Bank, round: Round, city_ids: Iterable[int] | None = None
) -> dict[int, list[tuple[str, engine.ResponseScore]]]:
    """Stored per-response scores by city, rebuilt as engine outputs (two queries)."""
    results = ResponseResult.objects.filter(round=round, response__status=Response.Status.SUBMITTED)
    if city_ids is not None:
        results = results.filter(city_id__in=list(city_ids))
    codes = {s.dimension.pk: s.dimension.code for s in bank.sections}
    rows: dict[int, list[DimensionScore]] = defaultdict(list)
    result_list = list(results.order_by("pk"))
    for row in DimensionScore.objects.filter(result__in=[r.pk for r in result_list]):
        rows[row.result_id].append(row)
    by_city: dict[int, list[tuple[str, engine.ResponseScore]]] = defaultdict(list)
    for result in result_list:
        stored = {codes[row.dimension_id]: row for row in rows[result.pk]}
        by_city[result.city_id].append(
            (
                result.department,
                engine.ResponseScore(
                    dimensions=tuple(
                        engine.DimensionScore(
                            dimension=code,
                            score=stored[code].score,
                            stage=stored[code].stage,
                            coverage=stored[code].coverage,
                            dont_know_share=stored[code].dont_know_share,
                            answered=stored[code].answered,
                            applicable=stored[code].applicable,
                        )
                        for code in codes.values()
                        if code in stored
                    ),
                    overall_score=result.overall_score,
                    overall_stage=result.overall_stage,
                ),
            )
        )
    return by_city


def city_result_refresh(*, bank: Bank, round: Round, city_ids: Iterable[int]) -> None:
    """Recombine the given cities' submitted responses into their stored city results."""
    city_ids = list(city_ids)
    by_city = stored_response_scores(bank, round, city_ids)
    CityResult.objects.filter(round=round, city_id__in=city_ids).delete()
    combined = {
        city_id: engine.combine_city(engine_bank(bank), scores)
        for city_id, scores in by_city.items()
        if scores
    }
    _store_city_results(bank, round, combined)


def _store_city_results(bank: Bank, round: Round, combined: Mapping[int, engine.CityScore]) -> None:
    now = timezone.now()
    city_ids = list(combined)
    results = CityResult.objects.bulk_create(
        CityResult(
            round=round,
            city_id=city_id,
            overall_score=combined[city_id].overall_score,
            overall_stage=combined[city_id].overall_stage,
            responses=combined[city_id].responses,
            computed_at=now,
        )
        for city_id in city_ids
    )
    dimension_ids = {s.dimension.code: s.dimension.pk for s in bank.sections}
    CityDimensionResult.objects.bulk_create(
        CityDimensionResult(
            city_result=result,
            dimension_id=dimension_ids[item.dimension],
            score=item.score,
            median=item.median,
            stage=item.stage,
            spread=item.spread,
            silo=item.silo,
            coverage=item.coverage,
            dont_know_share=item.dont_know_share,
            departments=[
                {"department": d.department, "score": d.score, "stage": d.stage}
                for d in item.departments
            ],
        )
        for result, city_id in zip(results, city_ids, strict=True)
        for item in combined[city_id].dimensions
    )


@dataclass(frozen=True)
class RecomputeReport:
    responses: int
    cities: int


def _round_results_delete(round: Round) -> None:
    """Every stored score of the round, in four statements however many rows there are.

    QuerySet.delete() on the results would read them first (their scores cascade) and then
    delete them in batches of 100: one more query per 100 responses or cities. The scores
    that would cascade go first, so the results can be deleted in one statement.
    """
    DimensionScore.objects.filter(result__round=round).delete()
    ResponseResult.objects.filter(round=round)._raw_delete(ResponseResult.objects.db)
    CityDimensionResult.objects.filter(city_result__round=round).delete()
    CityResult.objects.filter(round=round)._raw_delete(CityResult.objects.db)


@transaction.atomic
def round_recompute(*, round: Round) -> RecomputeReport:
    """Rescore every submitted response of a round and rebuild its city results (bulk reads)."""
    bank = bank_for(round.questionnaire)
    responses = list(Response.objects.filter(round=round, status=Response.Status.SUBMITTED))
    answers = answers_by_response([r.pk for r in responses])
    ebank = engine_bank(bank)
    scored = [
        (
            response,
            engine.score_response(
                ebank, engine_response(bank, response.department, answers.get(response.pk, {}))
            ),
        )
        for response in responses
    ]
    _round_results_delete(round)
    _store_response_scores(bank, scored)
    by_city: dict[int, list[tuple[str, engine.ResponseScore]]] = defaultdict(list)
    for response, score in scored:
        by_city[response.city_id].append((response.department, score))
    _store_city_results(
        bank, round, {city: engine.combine_city(ebank, scores) for city, scores in by_city.items()}
    )
    return RecomputeReport(responses=len(scored), cities=len(by_city))
