"""Read stored results into what the results pages, JSON and reports show (constant queries)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Aggregate, FloatField, OuterRef, Subquery

from scoring import engine
from scoring.bridge import engine_bank
from scoring.models import CityDimensionResult, CityResult
from surveys.models import City, Round, Stage
from surveys.structure import Bank, bank_for


class Median(Aggregate):
    """PostgreSQL's exact median of a column."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


@dataclass(frozen=True)
class DimensionRow:
    code: str
    title: str
    score: float | None
    median: float | None
    stage: Stage | None
    spread: float | None
    silo: bool
    coverage: float
    dont_know_share: float
    departments: list[dict[str, Any]]
    cross_city_median: float | None


@dataclass(frozen=True)
class CityReport:
    round: Round
    city: City
    bank: Bank
    result: CityResult | None
    overall_stage: Stage | None
    dimensions: list[DimensionRow]
    next_steps: tuple[engine.NextStep, ...]

    @property
    def has_result(self) -> bool:
        return self.result is not None

    @property
    def silos(self) -> list[DimensionRow]:
        return [row for row in self.dimensions if row.silo]

    @property
    def departments(self) -> list[str]:
        names = {d["department"] for row in self.dimensions for d in row.departments}
        return sorted(names)

    def as_json(self) -> dict[str, Any]:
        return {
            "round": {
                "id": self.round.pk,
                "title": self.round.title,
                "demo_data": self.round.is_demo,
            },
            "questionnaire": {
                "key": self.bank.questionnaire.key,
                "version": self.bank.questionnaire.version,
            },
            "city": {"name": self.city.name, "slug": self.city.slug, "country": self.city.country},
            "submitted_responses": self.result.responses if self.result else 0,
            "overall": {
                "score": _rounded(self.result.overall_score) if self.result else None,
                "stage": self.overall_stage.level if self.overall_stage else None,
                "stage_name": self.overall_stage.name if self.overall_stage else None,
            },
            "dimensions": [
                {
                    "code": row.code,
                    "title": row.title,
                    "score": _rounded(row.score),
                    "median_of_responses": _rounded(row.median),
                    "stage": row.stage.level if row.stage else None,
                    "spread": _rounded(row.spread),
                    "possible_silo": row.silo,
                    "coverage": _rounded(row.coverage, 3),
                    "dont_know_share": _rounded(row.dont_know_share, 3),
                    "cross_city_median": _rounded(row.cross_city_median),
                    "departments": [{**d, "score": _rounded(d["score"])} for d in row.departments],
                }
                for row in self.dimensions
            ],
            "next_steps": [
                {
                    "dimension": step.dimension,
                    "current_stage": step.current_stage,
                    "target_stage": step.target_stage,
                    "skills": [r.title for r in step.skills],
                    "tools": [r.title for r in step.tools],
                    "practices": [r.title for r in step.practices],
                }
                for step in self.next_steps
            ],
        }


def _rounded(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def cross_city_medians(round: Round) -> dict[int, float | None]:
    """Median city score per dimension across all cities of the round (one query)."""
    rows = (
        CityDimensionResult.objects.filter(city_result__round=round, score__isnull=False)
        .values("dimension_id")
        .annotate(median=Median("score"))
    )
    return {row["dimension_id"]: row["median"] for row in rows}


def _median_of_all_cities(round: Round) -> Subquery:
    """For a dimension row: the median score of that dimension across the round's cities."""
    return Subquery(
        CityDimensionResult.objects.filter(
            city_result__round=round, dimension=OuterRef("dimension"), score__isnull=False
        )
        .values("dimension")
        .annotate(median=Median("score"))
        .values("median")
    )


def _stored(
    round: Round, city: City, medians: dict[int, float | None] | None
) -> tuple[CityResult | None, dict[int, CityDimensionResult], dict[int, float | None]]:
    """The city's stored result, its rows by dimension id, and the cross-city medians.

    One query reads all three (the medians as a subquery, unless the caller has them): a stored
    result has a row for every dimension of the bank, so its rows bring the result along.
    """
    rows = CityDimensionResult.objects.filter(
        city_result__round=round, city_result__city=city
    ).select_related("city_result")
    stored: dict[int, CityDimensionResult]
    if medians is None:
        annotated = list(rows.annotate(cross_city_median=_median_of_all_cities(round)))
        medians = {row.dimension_id: row.cross_city_median for row in annotated}
        stored = {row.dimension_id: row for row in annotated}
    else:
        stored = {row.dimension_id: row for row in rows}
    if stored:
        return next(iter(stored.values())).city_result, stored, medians
    # No rows: no result, or (with a bank without dimensions) a result on its own.
    return CityResult.objects.filter(round=round, city=city).first(), {}, medians


def city_report(
    round: Round, city: City, medians: dict[int, float | None] | None = None
) -> CityReport:
    bank = bank_for(round.questionnaire)
    stages = {stage.level: stage for stage in bank.stages}
    result, stored, medians = _stored(round, city, medians)
    rows = []
    for section in bank.sections:
        row = stored.get(section.dimension.pk)
        rows.append(
            DimensionRow(
                code=section.dimension.code,
                title=section.dimension.title,
                score=row.score if row else None,
                median=row.median if row else None,
                stage=stages.get(row.stage) if row and row.stage else None,
                spread=row.spread if row else None,
                silo=row.silo if row else False,
                coverage=row.coverage if row else 0.0,
                dont_know_share=row.dont_know_share if row else 0.0,
                departments=row.departments if row else [],
                cross_city_median=medians.get(section.dimension.pk),
            )
        )
    steps = engine.next_steps(
        engine_bank(bank),
        [
            engine.DimensionScore(
                dimension=row.code,
                score=row.score,
                stage=row.stage.level if row.stage else None,
                coverage=row.coverage,
                dont_know_share=row.dont_know_share,
                answered=0,
                applicable=0,
            )
            for row in rows
        ],
    )
    return CityReport(
        round=round,
        city=city,
        bank=bank,
        result=result,
        overall_stage=stages.get(result.overall_stage) if result and result.overall_stage else None,
        dimensions=rows,
        next_steps=steps,
    )
