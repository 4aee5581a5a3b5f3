"""Read stored results into what the results pages, JSON and reports show (constant queries)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Aggregate, Count, FloatField, Q
from django.utils import formats
from django.utils.translation import ngettext

from scoring import engine
from scoring.bridge import engine_bank
from scoring.models import CityDimensionResult, CityResult
from surveys.models import City, Dimension, Round, Stage
from surveys.structure import Bank, bank_for


class Median(Aggregate):
    """PostgreSQL's exact median of a column: halfway between the two middle values of an even
    count, as `statistics.median` takes it. The one median of cities everywhere."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


@dataclass(frozen=True)
class PeerFigures:
    """The medians of cities a viewer may see, by dimension id, and the fewest other cities a
    shown median needs (0: every median is shown)."""

    medians: Mapping[int, float | None]
    withheld: bool = False
    minimum_others: int = 0

    @property
    def note(self) -> str:
        """Why some medians are missing, or nothing where none is."""
        if not self.withheld:
            return ""
        return ngettext(
            "Figures of other cities are shown only where at least %(count)d other city has "
            "a score, so that no city's score can be worked out from them.",
            "Figures of other cities are shown only where at least %(count)d other cities have "
            "a score, so that no city's score can be worked out from them.",
            self.minimum_others,
        ) % {"count": self.minimum_others}


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

    @classmethod
    def of(
        cls,
        dimension: Dimension,
        stored: CityDimensionResult | None,
        stages: Mapping[int, Stage],
        cross_city_median: float | None,
    ) -> DimensionRow:
        """A dimension's row from the city's stored result in it, if it has one."""
        if stored is None:
            return cls(
                code=dimension.code,
                title=dimension.title,
                score=None,
                median=None,
                stage=None,
                spread=None,
                silo=False,
                coverage=0.0,
                dont_know_share=0.0,
                departments=[],
                cross_city_median=cross_city_median,
            )
        return cls(
            code=dimension.code,
            title=dimension.title,
            score=stored.score,
            median=stored.median,
            stage=stage_at(stages, stored.stage),
            spread=stored.spread,
            silo=stored.silo,
            coverage=stored.coverage,
            dont_know_share=stored.dont_know_share,
            departments=stored.departments,
            cross_city_median=cross_city_median,
        )

    @property
    def engine_score(self) -> engine.DimensionScore:
        """The row as the engine's next steps read it (answer counts play no part there)."""
        return engine.DimensionScore(
            dimension=self.code,
            score=self.score,
            stage=self.stage.level if self.stage else None,
            coverage=self.coverage,
            dont_know_share=self.dont_know_share,
            answered=0,
            applicable=0,
        )


@dataclass(frozen=True)
class CityReport:
    round: Round
    city: City
    bank: Bank
    result: CityResult | None
    overall_stage: Stage | None
    dimensions: list[DimensionRow]
    next_steps: tuple[engine.NextStep, ...]
    peers: PeerFigures

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
            "peer_figures": {"withheld": self.peers.withheld, "note": self.peers.note},
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


def city_medians(round: Round, city_ids: Collection[int] | None = None) -> dict[int, float | None]:
    """The median city's score per dimension in the round, by dimension id (one query): of
    every city, or of those in ``city_ids``. Dimensions no city has a score in are left out."""
    rows = CityDimensionResult.objects.filter(city_result__round=round, score__isnull=False)
    if city_ids is not None:
        rows = rows.filter(city_result__city_id__in=city_ids)
    return dict(
        rows.values("dimension_id")
        .annotate(median=Median("score"))
        .values_list("dimension_id", "median")
    )


def peer_figures(round: Round, city: City, minimum_others: int | None) -> PeerFigures:
    """The medians of cities ``city``'s viewer may see in the round (one query): every median
    for ``minimum_others`` None (facilitators), else only those of dimensions where at least
    ``minimum_others`` cities besides ``city`` have a score. With fewer, the median gives
    another city's score away: of two cities, the other's is twice the median less one's own."""
    if minimum_others is None:
        return PeerFigures(city_medians(round))
    rows = (
        CityDimensionResult.objects.filter(city_result__round=round, score__isnull=False)
        .values("dimension_id")
        .annotate(
            median=Median("score"),
            others=Count("pk", filter=~Q(city_result__city=city)),
        )
        .values_list("dimension_id", "median", "others")
    )
    medians: dict[int, float | None] = {}
    withheld = False
    for dimension_id, median, others in rows:
        if others >= minimum_others:
            medians[dimension_id] = median
        else:
            withheld = True
    return PeerFigures(medians, withheld=withheld, minimum_others=minimum_others)


def score_rounded(value: float) -> Decimal:
    """A score to the one decimal that pages and spreadsheets show."""
    return Decimal(f"{value:.1f}")


def score_text(value: float | None) -> str:
    """A score as every page writes it: one decimal (a decimal comma in Dutch and French), or a
    dash for no score."""
    return "—" if value is None else formats.number_format(score_rounded(value), 1)


def stage_at(stages: Mapping[int, Stage], level: int | None) -> Stage | None:
    """The bank's stage of a stored level; None where nothing was scored."""
    return None if level is None else stages.get(level)


def _stored(round: Round, city: City) -> tuple[CityResult | None, dict[int, CityDimensionResult]]:
    """The city's stored result and its rows by dimension id, in one query: a stored result has
    a row for every dimension of the bank, so its rows bring the result along."""
    rows = {
        row.dimension_id: row
        for row in CityDimensionResult.objects.filter(
            city_result__round=round, city_result__city=city
        ).select_related("city_result")
    }
    if rows:
        return next(iter(rows.values())).city_result, rows
    # No rows: no result, or (with a bank without dimensions) a result on its own.
    return CityResult.objects.filter(round=round, city=city).first(), {}


def city_report(round: Round, city: City, peers: PeerFigures) -> CityReport:
    """The city's stored results in the round, against the medians of cities its viewer may see
    (`peer_figures`)."""
    bank = bank_for(round.questionnaire)
    stages = {stage.level: stage for stage in bank.stages}
    result, stored = _stored(round, city)
    rows = [
        DimensionRow.of(
            section.dimension,
            stored.get(section.dimension.pk),
            stages,
            peers.medians.get(section.dimension.pk),
        )
        for section in bank.sections
    ]
    return CityReport(
        round=round,
        city=city,
        bank=bank,
        result=result,
        overall_stage=stage_at(stages, result.overall_stage) if result else None,
        dimensions=rows,
        next_steps=engine.next_steps(engine_bank(bank), [row.engine_score for row in rows]),
        peers=peers,
    )
