"""The one SQL statement that marks a response submitted and stores its scores and city result.

Through the ORM this takes five statements: the response's update, then each result row
before its dimension rows (which need its id), for the response and for its city. PostgreSQL
runs them as one statement with data-modifying CTEs, which keeps a submit within its query
budget. Nothing is written unless the stored response is still the draft version the caller
read, in an open round; the city result only if it is still the one (or still none) that the
caller read with the city's other scores (see ``city_seen``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.db import connection

from scoring import engine
from surveys.models import Response, Round

_SUBMIT_AND_STORE = """
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
        dimension_id bigint, score double precision, stage smallint, coverage double precision,
        dont_know_share double precision, answered integer, applicable integer
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
    INSERT INTO scoring_citydimensionresult
        (city_result_id, dimension_id, score, median, stage, spread, silo, coverage,
        dont_know_share, departments)
    SELECT city.id, item.dimension_id, item.score, item.median, item.stage, item.spread,
        item.silo, item.coverage, item.dont_know_share, item.departments
    FROM city CROSS JOIN jsonb_to_recordset(%(city_dimensions)s::jsonb) AS item(
        dimension_id bigint, score double precision, median double precision, stage smallint,
        spread double precision, silo boolean, coverage double precision,
        dont_know_share double precision, departments jsonb
    )
    ON CONFLICT (city_result_id, dimension_id) DO UPDATE SET
        score = excluded.score,
        median = excluded.median,
        stage = excluded.stage,
        spread = excluded.spread,
        silo = excluded.silo,
        coverage = excluded.coverage,
        dont_know_share = excluded.dont_know_share,
        departments = excluded.departments
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
            [
                {
                    "dimension_id": dimension_ids[item.dimension],
                    "score": item.score,
                    "stage": item.stage,
                    "coverage": item.coverage,
                    "dont_know_share": item.dont_know_share,
                    "answered": item.answered,
                    "applicable": item.applicable,
                }
                for item in score.dimensions
            ]
        ),
        "city_score": city.overall_score,
        "city_stage": city.overall_stage,
        "responses": city.responses,
        "city_seen": city_seen,
        "city_dimensions": json.dumps(
            [
                {
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
                for item in city.dimensions
            ]
        ),
    }
    with connection.cursor() as cursor:
        cursor.execute(_SUBMIT_AND_STORE, params)
        responses, cities = cursor.fetchone()
    return Written(response=responses == 1, city=cities == 1)


def departments_json(item: engine.CityDimension) -> list[dict[str, object]]:
    """A city dimension's departments as stored for display."""
    return [
        {"department": d.department, "score": d.score, "stage": d.stage} for d in item.departments
    ]
