"""Round-over-round change: each city's dimension scores against the previous round of the same questionnaire."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db import connection
from django.utils.translation import gettext as _

from polis_assess.prepared import Prepared
from polis_assess.sql_rows import columns, instance
from scoring.models import CityDimensionResult
from surveys.models import Dimension, Questionnaire, Round
from surveys.structure import bank_for


class Change(NamedTuple):
    """One dimension's score before and after (a tuple: a dashboard builds 1,600 of them)."""

    dimension: str
    title: str
    before: float | None
    after: float | None

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass(frozen=True)
class CityChange:
    city: str
    changes: list[Change]


@dataclass(frozen=True)
class RoundChange:
    previous: Round
    current: Round
    cities: list[CityChange]


def previous_round(round: Round) -> Round | None:
    """The latest earlier round of the same questionnaire (by key, any version)."""
    with connection.cursor() as cursor:
        _PREVIOUS_SQL.execute(cursor, _previous_params(round))
        row = cursor.fetchone()
    return None if row is None else _round_with_questionnaire(row)[0]


def _previous_params(round: Round) -> dict[str, object]:
    return {"key": round.questionnaire.key, "opens_on": round.opens_on}


def _round_with_questionnaire(row: Sequence[Any]) -> tuple[Round, Sequence[Any]]:
    found, rest = instance(Round, row)
    found.questionnaire, rest = instance(Questionnaire, rest)
    return found, rest


# (round id, city id, dimension id) → the city's stored score in that dimension and round
Scores = Mapping[tuple[int, int, int], float | None]


def round_change(round: Round) -> RoundChange | None:
    """This round's scores against the previous round's, read in one query."""
    previous = previous_round(round)
    if previous is None:
        return None
    scores: dict[tuple[int, int, int], float | None] = {}
    names: dict[int, str] = {}
    rows = CityDimensionResult.objects.filter(city_result__round__in=[previous, round]).values_list(
        "city_result__round_id",
        "city_result__city_id",
        "city_result__city__name",
        "dimension_id",
        "score",
    )
    for round_id, city_id, name, dimension_id, score in rows:
        scores[(round_id, city_id, dimension_id)] = score
        names[city_id] = name
    return change_between(previous, round, scores, names)


def median_change(round: Round, medians: Mapping[int, float | None]) -> RoundChange | None:
    """The median city's score per dimension (``medians`` of this round, by dimension id)
    against the previous round's: the dashboard's summary of `round_change`. One query finds
    the previous round and works out its medians."""
    with connection.cursor() as cursor:
        _PREVIOUS_WITH_MEDIANS_SQL.execute(cursor, _previous_params(round))
        row = cursor.fetchone()
    if row is None:
        return None
    previous, (dimension_ids, before) = _round_with_questionnaire(row)
    scores = {
        (previous.pk, MEDIAN, dimension_id): median
        for dimension_id, median in zip(dimension_ids or (), before or (), strict=True)
    }
    scores.update({(round.pk, MEDIAN, dimension): median for dimension, median in medians.items()})
    return change_between(previous, round, scores, {MEDIAN: _("Median of cities")})


# Rounds are few and the dashboard asks on every view: planned once per connection
# (polis_assess/prepared.py), the previous round read with its questionnaire as model instances.
_EARLIER = """
WITH earlier AS (
    SELECT candidate.id
    FROM surveys_round AS candidate
    JOIN surveys_questionnaire AS bank ON bank.id = candidate.questionnaire_id
    WHERE bank.key = %(key)s AND candidate.opens_on < %(opens_on)s
    ORDER BY candidate.opens_on DESC
    LIMIT 1
)
"""
_EARLIER_COLUMNS = f"{columns(Round, 'round')}, {columns(Questionnaire, 'questionnaire')}"
_EARLIER_FROM = """
FROM earlier
JOIN surveys_round AS round ON round.id = earlier.id
JOIN surveys_questionnaire AS questionnaire ON questionnaire.id = round.questionnaire_id
"""
_PREVIOUS_SQL = Prepared.of(
    "polis_previous_round", f"{_EARLIER} SELECT {_EARLIER_COLUMNS} {_EARLIER_FROM}"
)
# percentile_cont(0.5) is the median as statistics.median takes it (halfway between the two
# middle scores of an even count). The covering index on the city's dimension results (the
# score is in it) lets PostgreSQL read them without visiting the table.
_PREVIOUS_WITH_MEDIANS_SQL = Prepared.of(
    "polis_previous_round_medians",
    f"""
    {_EARLIER}
    SELECT {_EARLIER_COLUMNS}, medians.dimension_ids, medians.scores
    {_EARLIER_FROM}
    CROSS JOIN LATERAL (
        SELECT array_agg(per_dimension.dimension_id) AS dimension_ids,
            array_agg(per_dimension.median) AS scores
        FROM (
            SELECT cell.dimension_id,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY cell.score) AS median
            FROM scoring_citydimensionresult AS cell
            JOIN scoring_cityresult AS result ON result.id = cell.city_result_id
            WHERE result.round_id = earlier.id AND cell.score IS NOT NULL
            GROUP BY cell.dimension_id
        ) AS per_dimension
    ) AS medians
    """,
)


MEDIAN = 0  # stands for the median city among city ids in `median_change`'s scores


def change_between(
    previous: Round, current: Round, scores: Scores, city_names: Mapping[int, str]
) -> RoundChange:
    """Each city with a score in either round, by name; dimensions matched by code, so a new
    bank version still compares with the old one. The dimensions come from both rounds' cached
    banks rather than from a join, which keeps the query over every city's scores narrow."""
    dimensions = {
        section.dimension.pk: section.dimension
        for questionnaire in (previous.questionnaire, current.questionnaire)
        for section in bank_for(questionnaire).sections
    }
    # round id → city id → dimension code → score
    by_code: dict[int, dict[int, dict[str, float | None]]] = {current.pk: {}, previous.pk: {}}
    shown: dict[str, Dimension] = {}  # by code: the current round's dimension, else the previous
    current_id = current.pk
    for (round_id, city_id, dimension_id), score in scores.items():
        dimension = dimensions.get(dimension_id)
        if dimension is None or round_id not in by_code:  # not on the dashboard either
            continue
        by_code[round_id].setdefault(city_id, {})[dimension.code] = score
        if round_id == current_id or dimension.code not in shown:
            shown[dimension.code] = dimension
    ordered = [(d.code, d.title) for d in sorted(shown.values(), key=lambda d: d.position)]
    before, after = by_code[previous.pk], by_code[current_id]
    cities = sorted(before.keys() | after.keys(), key=lambda city_id: city_names[city_id])
    return RoundChange(
        previous=previous,
        current=current,
        cities=[
            CityChange(
                city=city_names[city_id],
                changes=[
                    Change(code, title, was.get(code), now.get(code)) for code, title in ordered
                ],
            )
            for city_id in cities
            for was, now in [(before.get(city_id, {}), after.get(city_id, {}))]
        ],
    )
