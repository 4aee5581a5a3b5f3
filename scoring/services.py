"""Score submitted responses with the engine and keep the stored results up to date."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import QuerySet, Subquery
from django.utils import timezone

from scoring import engine
from scoring.bridge import engine_bank, engine_response, engine_responses
from scoring.models import CityDimensionResult, CityResult, DimensionScore, ResponseResult
from scoring.submit_sql import city_results_upsert, response_results_insert, submit_and_store
from surveys.models import Response, Round
from surveys.structure import AnswerValue, Bank, bank_for


def response_submit_scored(
    *,
    bank: Bank,
    response: Response,
    answers: Mapping[int, AnswerValue],
    by: User,
    at: datetime,
) -> bool:
    """Mark this version of a draft submitted and store its scores and its city's result.

    Two queries: the city's other stored scores, then one statement that writes the response
    and every result (``scoring.submit_sql``). False, with nothing written, if the stored
    response is no longer this version of a draft in an open round.
    """
    ebank = engine_bank(bank)
    score = engine.score_response(ebank, engine_response(bank, response.department, answers))
    others, city_seen = _other_city_scores(bank, response)
    written = submit_and_store(
        response=response,
        by=by,
        at=at,
        score=score,
        # The new result is the city's latest, so it comes last, as a refresh would read it.
        city=engine.combine_city(ebank, [*others, (response.department, score)]),
        city_seen=city_seen,
        dimension_ids=_dimension_ids(bank),
    )
    if not written.response:
        return False
    if not written.city:
        # Another response of the city was scored or discarded since its scores were read.
        city_result_refresh(bank=bank, round=response.round, city_ids=[response.city_id])
    return True


def response_score_discard(*, response: Response) -> None:
    """Forget a reopened response's scores and refresh its city."""
    ResponseResult.objects.filter(response=response).delete()
    round_ = Round.objects.select_related("questionnaire").get(pk=response.round_id)
    city_result_refresh(
        bank=bank_for(round_.questionnaire), round=round_, city_ids=[response.city_id]
    )


def _dimension_ids(bank: Bank) -> dict[str, int]:
    return {s.dimension.code: s.dimension.pk for s in bank.sections}


# A stored result with its dimension scores, one row per dimension (a LEFT JOIN, so a result
# without any dimension score still comes back once, with Nones).
_STORED_COLUMNS = (
    "pk",
    "city_id",
    "department",
    "overall_score",
    "overall_stage",
    "dimension_scores__dimension_id",
    "dimension_scores__score",
    "dimension_scores__stage",
    "dimension_scores__coverage",
    "dimension_scores__dont_know_share",
    "dimension_scores__answered",
    "dimension_scores__applicable",
)


def _submitted_results(round_id: int, city_ids: Iterable[int] | None) -> QuerySet[ResponseResult]:
    results = ResponseResult.objects.filter(
        round_id=round_id, response__status=Response.Status.SUBMITTED
    )
    if city_ids is not None:
        results = results.filter(city_id__in=list(city_ids))
    return results.order_by("pk")


def _scores_from_rows(
    bank: Bank, rows: Iterable[tuple[Any, ...]]
) -> dict[int, list[tuple[str, engine.ResponseScore]]]:
    """Rows of ``_STORED_COLUMNS`` (ordered by result) as engine outputs by city."""
    codes = {s.dimension.pk: s.dimension.code for s in bank.sections}
    heads: dict[int, tuple[int, str, float | None, int | None]] = {}
    stored: dict[int, dict[str, engine.DimensionScore]] = defaultdict(dict)
    for pk, city_id, department, overall_score, overall_stage, dimension_id, *values in rows:
        heads.setdefault(pk, (city_id, department, overall_score, overall_stage))
        if dimension_id is not None:
            code = codes[dimension_id]
            stored[pk][code] = engine.DimensionScore(code, *values)
    by_city: dict[int, list[tuple[str, engine.ResponseScore]]] = defaultdict(list)
    for pk, (city_id, department, overall_score, overall_stage) in heads.items():
        dimensions = stored[pk]
        by_city[city_id].append(
            (
                department,
                engine.ResponseScore(
                    dimensions=tuple(
                        dimensions[code] for code in codes.values() if code in dimensions
                    ),
                    overall_score=overall_score,
                    overall_stage=overall_stage,
                ),
            )
        )
    return by_city


def stored_response_scores(
    bank: Bank, round: Round, city_ids: Iterable[int] | None = None
) -> dict[int, list[tuple[str, engine.ResponseScore]]]:
    """Stored per-response scores by city, rebuilt as engine outputs (one query)."""
    rows = _submitted_results(round.pk, city_ids).values_list(*_STORED_COLUMNS)
    return _scores_from_rows(bank, rows)


def _other_city_scores(
    bank: Bank, response: Response
) -> tuple[list[tuple[str, engine.ResponseScore]], datetime | None]:
    """The stored scores of the other submitted responses of the response's city, and when
    its city result was computed (None without one), read together in one query."""
    seen = CityResult.objects.filter(round_id=response.round_id, city_id=response.city_id)
    rows = list(
        _submitted_results(response.round_id, [response.city_id])
        .exclude(response_id=response.pk)
        .annotate(city_seen=Subquery(seen.order_by().values("computed_at")))
        .values_list("city_seen", *_STORED_COLUMNS)
    )
    city_seen = rows[0][0] if rows else None
    scores = _scores_from_rows(bank, (row[1:] for row in rows))
    return scores.get(response.city_id, []), city_seen


def city_result_refresh(*, bank: Bank, round: Round, city_ids: Iterable[int]) -> None:
    """Recombine the given cities' submitted responses into their stored city results."""
    city_ids = list(city_ids)
    by_city = stored_response_scores(bank, round, city_ids)
    ebank = engine_bank(bank)
    combined = {city_id: engine.combine_city(ebank, scores) for city_id, scores in by_city.items()}
    emptied = [city_id for city_id in city_ids if city_id not in combined]
    if emptied:
        CityResult.objects.filter(round=round, city_id__in=emptied).delete()
    _store_city_results(bank, round, combined)


def _store_city_results(bank: Bank, round: Round, combined: Mapping[int, engine.CityScore]) -> None:
    """Write the city results, replacing the stored ones of the same cities (one query)."""
    city_results_upsert(
        round=round, at=timezone.now(), combined=combined, dimension_ids=_dimension_ids(bank)
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


# What scoring reads of an answer: the option or options picked. A multiple-choice answer comes
# once per chosen option (a join: building an array of choices per answer took twice as long).
_PICKS_SQL = """
SELECT answer.response_id, answer.question_id, answer.option_id, choice.option_id
FROM surveys_answer AS answer
LEFT JOIN surveys_answer_choices AS choice ON choice.answer_id = answer.id
WHERE answer.response_id = ANY(%s)
"""


def _picks_by_response(response_ids: list[int]) -> dict[int, dict[int, AnswerValue]]:
    """Many responses' answers as scoring sees them, by response id then question id.

    One query. Numbers, text and notes count towards no score, so the values hold only the
    options picked; answers that picked the same share one value.
    """
    with connection.cursor() as cursor:
        cursor.execute(_PICKS_SQL, [response_ids])
        rows = cursor.fetchall()
    options: dict[tuple[int, int], int | None] = {}
    choices: dict[tuple[int, int], list[int]] = defaultdict(list)
    for response_id, question_id, option_id, choice_id in rows:
        options[response_id, question_id] = option_id
        if choice_id is not None:
            choices[response_id, question_id].append(choice_id)
    shared: dict[tuple[int | None, tuple[int, ...]], AnswerValue] = {}
    answers: dict[int, dict[int, AnswerValue]] = defaultdict(dict)
    for (response_id, question_id), option_id in options.items():
        pick = (option_id, tuple(sorted(choices.get((response_id, question_id), ()))))
        value = shared.get(pick)
        if value is None:
            value = shared[pick] = AnswerValue(option_id=pick[0], choice_ids=pick[1])
        answers[response_id][question_id] = value
    return answers


@transaction.atomic
def round_recompute(*, round: Round) -> RecomputeReport:
    """Rescore every submitted response of a round and rebuild its city results (bulk reads)."""
    bank = bank_for(round.questionnaire)
    responses = list(Response.objects.filter(round=round, status=Response.Status.SUBMITTED))
    answers = _picks_by_response([r.pk for r in responses])
    ebank = engine_bank(bank)
    inputs = engine_responses(
        bank, ((response.department, answers.get(response.pk, {})) for response in responses)
    )
    scored = [
        (response, engine.score_response(ebank, given))
        for response, given in zip(responses, inputs, strict=True)
    ]
    _round_results_delete(round)
    response_results_insert(
        round=round, at=timezone.now(), scored=scored, dimension_ids=_dimension_ids(bank)
    )
    by_city: dict[int, list[tuple[str, engine.ResponseScore]]] = defaultdict(list)
    for response, score in scored:
        by_city[response.city_id].append((response.department, score))
    _store_city_results(
        bank, round, {city: engine.combine_city(ebank, scores) for city, scores in by_city.items()}
    )
    return RecomputeReport(responses=len(scored), cities=len(by_city))
