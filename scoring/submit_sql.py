"""Scores stored with written-out SQL: a submit in one statement, a round's scores in two.

Through the ORM a submit takes five statements: the response's update, then each result row
before its dimension rows (which need its id), for the response and for its city. PostgreSQL
runs them as one statement with data-modifying CTEs, which keeps a submit within its query
budget. Nothing is written unless the stored response is still the draft version the caller
read, in an open round; the city result only if it is still the one (or still none) that the
caller read with the city's other scores (see ``city_seen``).

A recompute stores thousands of rows the same way, a statement for the responses' results and
one for the cities': building a model instance per row cost more than scoring.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.db import connection

from scoring import engine
from surveys.models import Response, Round

# What the submit statement and the recompute's statements share: the record types of the
# JSON documents they read, and how a city's dimension rows are written.
_DIMENSION_SCORE_RECORD = """dimension_id bigint, score double precision, stage smallint,
    coverage double precision, dont_know_share double precision, answered integer,
    applicable integer"""
_CITY_DIMENSION_RECORD = """dimension_id bigint, score double precision, median double precision,
    stage smallint, spread double precision, silo boolean, coverage double precision,
    dont_know_share double precision, departments jsonb"""
_CITY_DIMENSION_INSERT = """INSERT INTO scoring_citydimensionresult
    (city_result_id, dimension_id, score, median, stage, spread, silo, coverage,
    dont_know_share, departments)"""
_CITY_DIMENSION_ON_CONFLICT = """ON CONFLICT (city_result_id, dimension_id) DO UPDATE SET
    score = excluded.score,
    median = excluded.median,
    stage = excluded.stage,
    spread = excluded.spread,
    silo = excluded.silo,
    coverage = excluded.coverage,
    dont_know_share = excluded.dont_know_share,
    departments = excluded.departments"""

_SUBMIT_AND_STORE = f"""
WITH submitted AS (
    UPDATE surveys_response
    SET status = %(submitted)s, submitted_at = %(at)s, submitted_by_id = %(by)s,
        version = version + 1, updated_at = %(at)s
    WHERE id = %(response)s AND version = %(version)s AND status = %(draft)s
        AND round_id IN (SELECT id FROM surveys_round WHERE status = %(open)s)
    RETURNING id, round_id, city_id, department
),
result AS (
    INSERT INTO scoring_responseresult
        (response_id, round_id, city_id, department, overall_score, overall_stage, computed_at)
    SELECT id, round_id, city_id, department,
        %(overall_score)s::double precision, %(overall_stage)s::smallint, %(at)s
    FROM submitted
    ON CONFLICT (response_id) DO UPDATE SET
        department = excluded.department,
        overall_score = excluded.overall_score,
        overall_stage = excluded.overall_stage,
        computed_at = excluded.computed_at
    RETURNING id
),
dimension_scores AS (
    INSERT INTO scoring_dimensionscore
        (result_id, dimension_id, score, stage, coverage, dont_know_share, answered, applicable)
    SELECT result.id, item.dimension_id, item.score, item.stage, item.coverage,
        item.dont_know_share, item.answered, item.applicable
    FROM result CROSS JOIN jsonb_to_recordset(%(dimension_scores)s::jsonb) AS item(
        {_DIMENSION_SCORE_RECORD}
    )
    ON CONFLICT (result_id, dimension_id) DO UPDATE SET
        score = excluded.score,
        stage = excluded.stage,
        coverage = excluded.coverage,
        dont_know_share = excluded.dont_know_share,
        answered = excluded.answered,
        applicable = excluded.applicable
),
-- The city result read with the city's other scores is updated, or one inserted if there was
-- none. A city result changed, added or removed since is left alone (and reported): these
-- conditions are checked again on the row as last committed, after waiting for its lock.
city_updated AS (
    UPDATE scoring_cityresult
    SET overall_score = %(city_score)s::double precision,
        overall_stage = %(city_stage)s::smallint,
        responses = %(responses)s,
        computed_at = %(at)s
    FROM submitted
    WHERE scoring_cityresult.round_id = submitted.round_id
        AND scoring_cityresult.city_id = submitted.city_id
        AND scoring_cityresult.computed_at = %(city_seen)s
    RETURNING scoring_cityresult.id
),
city_inserted AS (
    INSERT INTO scoring_cityresult
        (round_id, city_id, overall_score, overall_stage, responses, computed_at)
    SELECT round_id, city_id,
        %(city_score)s::double precision, %(city_stage)s::smallint, %(responses)s, %(at)s
    FROM submitted
    WHERE %(city_seen)s::timestamptz IS NULL
    ON CONFLICT (round_id, city_id) DO NOTHING
    RETURNING id
),
city AS (
    SELECT id FROM city_updated UNION ALL SELECT id FROM city_inserted
),
city_dimensions AS (
    {_CITY_DIMENSION_INSERT}
    SELECT city.id, item.dimension_id, item.score, item.median, item.stage, item.spread,
        item.silo, item.coverage, item.dont_know_share, item.departments
    FROM city CROSS JOIN jsonb_to_recordset(%(city_dimensions)s::jsonb) AS item(
        {_CITY_DIMENSION_RECORD}
    )
    {_CITY_DIMENSION_ON_CONFLICT}
)
SELECT (SELECT count(*) FROM submitted), (SELECT count(*) FROM city)
"""


@dataclass(frozen=True)
class Written:
    """What the statement wrote: the response and its scores, and its city's result."""

    response: bool
    city: bool


def submit_and_store(
    *,
    response: Response,
    by: User,
    at: datetime,
    score: engine.ResponseScore,
    city: engine.CityScore,
    city_seen: datetime | None,
    dimension_ids: Mapping[str, int],
) -> Written:
    """Mark ``response`` submitted and store ``score`` and ``city`` in one statement.

    ``city_seen`` is the ``computed_at`` of the city result read with the city's other
    scores (None if there was none): a city result that has changed since is left alone,
    and ``Written.city`` is False.
    """
    params: dict[str, str | int | float | datetime | None] = {
        "response": response.pk,
        "version": response.version,
        "draft": Response.Status.DRAFT,
        "submitted": Response.Status.SUBMITTED,
        "open": Round.Status.OPEN,
        "by": by.pk,
        "at": at,
        "overall_score": score.overall_score,
        "overall_stage": score.overall_stage,
        "dimension_scores": json.dumps(
            [_dimension_score(dimension_ids, item) for item in score.dimensions]
        ),
        "city_score": city.overall_score,
        "city_stage": city.overall_stage,
        "responses": city.responses,
        "city_seen": city_seen,
        "city_dimensions": json.dumps(
            [_city_dimension(dimension_ids, item) for item in city.dimensions]
        ),
    }
    with connection.cursor() as cursor:
        cursor.execute(_SUBMIT_AND_STORE, params)
        responses, cities = cursor.fetchone()
    return Written(response=responses == 1, city=cities == 1)


def _dimension_score(
    dimension_ids: Mapping[str, int], item: engine.DimensionScore
) -> dict[str, object]:
    return {
        "dimension_id": dimension_ids[item.dimension],
        "score": item.score,
        "stage": item.stage,
        "coverage": item.coverage,
        "dont_know_share": item.dont_know_share,
        "answered": item.answered,
        "applicable": item.applicable,
    }


def _city_dimension(
    dimension_ids: Mapping[str, int], item: engine.CityDimension
) -> dict[str, object]:
    return {
        "dimension_id": dimension_ids[item.dimension],
        "score": item.score,
        "median": item.median,
        "stage": item.stage,
        "spread": item.spread,
        "silo": item.silo,
        "coverage": item.coverage,
        "dont_know_share": item.dont_know_share,
        "departments": departments_json(item),
    }


def departments_json(item: engine.CityDimension) -> list[dict[str, object]]:
    """A city dimension's departments as stored for display."""
    return [
        {"department": d.department, "score": d.score, "stage": d.stage} for d in item.departments
    ]


_RESPONSE_RESULTS_INSERT = f"""
WITH item AS (
    SELECT * FROM jsonb_to_recordset(%(results)s::jsonb) AS item(
        response_id bigint, city_id bigint, department text, overall_score double precision,
        overall_stage smallint, dimensions jsonb
    )
),
result AS (
    INSERT INTO scoring_responseresult
        (response_id, round_id, city_id, department, overall_score, overall_stage, computed_at)
    SELECT response_id, %(round)s, city_id, department, overall_score, overall_stage, %(at)s
    FROM item
    RETURNING id, response_id
)
INSERT INTO scoring_dimensionscore
    (result_id, dimension_id, score, stage, coverage, dont_know_share, answered, applicable)
SELECT result.id, score.dimension_id, score.score, score.stage, score.coverage,
    score.dont_know_share, score.answered, score.applicable
FROM result
JOIN item ON item.response_id = result.response_id
CROSS JOIN jsonb_to_recordset(item.dimensions) AS score(
    {_DIMENSION_SCORE_RECORD}
)
"""

_CITY_RESULTS_UPSERT = f"""
WITH item AS (
    SELECT * FROM jsonb_to_recordset(%(results)s::jsonb) AS item(
        city_id bigint, overall_score double precision, overall_stage smallint,
        responses integer, dimensions jsonb
    )
),
result AS (
    INSERT INTO scoring_cityresult
        (round_id, city_id, overall_score, overall_stage, responses, computed_at)
    SELECT %(round)s, city_id, overall_score, overall_stage, responses, %(at)s
    FROM item
    ON CONFLICT (round_id, city_id) DO UPDATE SET
        overall_score = excluded.overall_score,
        overall_stage = excluded.overall_stage,
        responses = excluded.responses,
        computed_at = excluded.computed_at
    RETURNING id, city_id
)
{_CITY_DIMENSION_INSERT}
SELECT result.id, city.dimension_id, city.score, city.median, city.stage, city.spread,
    city.silo, city.coverage, city.dont_know_share, city.departments
FROM result
JOIN item ON item.city_id = result.city_id
CROSS JOIN jsonb_to_recordset(item.dimensions) AS city(
    {_CITY_DIMENSION_RECORD}
)
{_CITY_DIMENSION_ON_CONFLICT}
"""


def response_results_insert(
    *,
    round: Round,
    at: datetime,
    scored: Iterable[tuple[Response, engine.ResponseScore]],
    dimension_ids: Mapping[str, int],
) -> None:
    """Insert the scores of responses that have none stored, in one statement."""
    results = [
        {
            "response_id": response.pk,
            "city_id": response.city_id,
            "department": response.department,
            "overall_score": score.overall_score,
            "overall_stage": score.overall_stage,
            "dimensions": [_dimension_score(dimension_ids, item) for item in score.dimensions],
        }
        for response, score in scored
    ]
    if results:
        with connection.cursor() as cursor:
            cursor.execute(
                _RESPONSE_RESULTS_INSERT,
                {"results": json.dumps(results), "round": round.pk, "at": at},
            )


def city_results_upsert(
    *,
    round: Round,
    at: datetime,
    combined: Mapping[int, engine.CityScore],
    dimension_ids: Mapping[str, int],
) -> None:
    """Write the cities' results (by city id), replacing stored ones, in one statement."""
    results = [
        {
            "city_id": city_id,
            "overall_score": city.overall_score,
            "overall_stage": city.overall_stage,
            "responses": city.responses,
            "dimensions": [_city_dimension(dimension_ids, item) for item in city.dimensions],
        }
        for city_id, city in combined.items()
    ]
    if results:
        with connection.cursor() as cursor:
            cursor.execute(
                _CITY_RESULTS_UPSERT,
                {"results": json.dumps(results), "round": round.pk, "at": at},
            )
