"""Round-over-round change: each city's dimension scores against the previous round of the same questionnaire."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Q
from django.utils.translation import gettext as _

from scoring.models import CityDimensionResult, CityResult
from scoring.results import city_medians, score_text, stage_at
from surveys.models import City, Dimension, Round, Stage
from surveys.structure import bank_for


class Change(NamedTuple):
    """One dimension's score before and after (a tuple: the change page builds 1,600 of them)."""

    dimension: str
    title: str
    before: float | None
    after: float | None

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def label(self) -> str:
        """The score now and the arrow of its change ("61.5 ▲ +3.0"; "■ ±0.0" under 0.05)."""
        delta = self.delta
        if delta is None:
            return score_text(self.after)
        arrow = "■" if abs(delta) < 0.05 else "▲" if delta > 0 else "▼"
        return f"{score_text(self.after)} {arrow} {self.delta_text}"

    @property
    def delta_text(self) -> str:
        """The change with its sign ("+3.0", "-1.5"; "±0.0" under 0.05), a dash without one."""
        delta = self.delta
        if delta is None:
            return "—"
        if abs(delta) < 0.05:
            return f"±{score_text(0.0)}"
        return f"{'+' if delta > 0 else '-'}{score_text(abs(delta))}"


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
    return (
        Round.objects.select_related("questionnaire")
        .filter(questionnaire__key=round.questionnaire.key, opens_on__lt=round.opens_on)
        .order_by("-opens_on", "-pk")
        .first()
    )


# (round id, city id, dimension id) → the city's stored score in that dimension and round
Scores = Mapping[tuple[int, int, int], float | None]


def round_change(round: Round) -> RoundChange | None:
    """This round's scores against the previous round's (two queries)."""
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
    """The median city's score per dimension (``medians``: `city_medians` of this round)
    against the previous round's: the dashboard's summary of `round_change` (two queries)."""
    previous = previous_round(round)
    if previous is None:
        return None
    scores = {
        (previous.pk, MEDIAN, dimension_id): median
        for dimension_id, median in city_medians(previous).items()
    }
    scores.update({(round.pk, MEDIAN, dimension): median for dimension, median in medians.items()})
    return change_between(previous, round, scores, {MEDIAN: _("Median of cities")})


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


@dataclass(frozen=True)
class OwnChangeRow:
    """A dimension (or, without a code, the whole questionnaire) in the previous round and now."""

    code: str
    title: str
    before: float | None
    after: float | None
    stage_before: Stage | None
    stage_after: Stage | None

    @property
    def change(self) -> Change:
        return Change(self.code, self.title, self.before, self.after)


@dataclass(frozen=True)
class OwnChange:
    """One city's change since its previous round of the same questionnaire."""

    previous: Round
    rows: list[OwnChangeRow]  # the dimensions, then overall


def city_change(round: Round, city: City) -> OwnChange | None:
    """The city's scores and stages against its latest earlier result of the questionnaire (by
    key, any version); None without one (two queries)."""
    latest_two = list(
        CityResult.objects.filter(city=city, round__questionnaire__key=round.questionnaire.key)
        .filter(Q(round=round) | Q(round__opens_on__lt=round.opens_on))
        .select_related("round__questionnaire")
        .order_by("-round__opens_on", "-round_id")[:2]
    )
    if len(latest_two) < 2 or latest_two[0].round_id != round.pk:
        return None
    now, was = latest_two
    previous = was.round
    results = {previous.pk: was, round.pk: now}
    scores = {
        (round_id, code): (score, stage)
        for round_id, code, score, stage in CityDimensionResult.objects.filter(
            city_result__in=results.values()
        ).values_list("city_result__round_id", "dimension__code", "score", "stage")
    }
    bank = bank_for(round.questionnaire)
    stages = {stage.level: stage for stage in bank.stages}
    rows = []
    for section in bank.sections:
        code = section.dimension.code
        before, stage_before = scores.get((previous.pk, code), (None, None))
        after, stage_after = scores.get((round.pk, code), (None, None))
        rows.append(
            OwnChangeRow(
                code,
                section.dimension.title,
                before,
                after,
                stage_at(stages, stage_before),
                stage_at(stages, stage_after),
            )
        )
    rows.append(
        OwnChangeRow(
            "",
            _("Overall"),
            was.overall_score,
            now.overall_score,
            stage_at(stages, was.overall_stage),
            stage_at(stages, now.overall_stage),
        )
    )
    return OwnChange(previous=previous, rows=rows)
